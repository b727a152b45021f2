import { AuthError, AuthErrorCode } from "@auth/core";

/** A node-redis client (v5 or v6): raw commands go through `sendCommand(args)`. */
export interface NodeRedisClient {
  /** Sends one raw command, like `["GET", key]`. */
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * A node-redis cluster (`createCluster()`, v5 or v6): raw commands go through
 * `sendCommand(firstKey, isReadonly, args)`, routed to the primary serving `firstKey`'s slot.
 */
export interface NodeRedisCluster {
  /** Sends one raw command to the node that owns `firstKey`'s slot. */
  sendCommand(firstKey: string, isReadonly: boolean, args: string[]): Promise<unknown>;
  /** The client of one cluster node (for the server-time probe). */
  nodeClient(node: unknown): Promise<unknown>;
  /** A node that serves `slot`. */
  getSlotRandomNode(slot: number): unknown;
}

/**
 * A node-redis Sentinel client (`createSentinel()`, v5 or v6): raw commands go through
 * `sendCommand(isReadonly, args)`, sent to the current primary.
 */
export interface NodeRedisSentinel {
  /** Sends one raw command to the current master. */
  sendCommand(isReadonly: boolean, args: string[]): Promise<unknown>;
  /** The master the sentinels point at now. */
  getMasterNode(): unknown;
  /** The sentinel this client talks to. */
  getSentinelNode(): unknown;
}

/** An ioredis client, `Cluster` included (v5 or v6): raw commands go through `call`. */
export interface IoRedisClient {
  /** Sends one raw command, like `call("GET", key)`. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** Every client `createRedisStore` accepts: node-redis (client, cluster, sentinel) or ioredis. */
export type RedisClient = NodeRedisClient | NodeRedisCluster | NodeRedisSentinel | IoRedisClient;

/** Sends one raw command, whichever client the user owns. */
export type SendCommand = (args: string[]) => Promise<unknown>;

/** The key a command of the store's touches: what a cluster routes by. */
function firstKey(args: readonly string[]): string {
  // EVAL script numkeys key …; every other command the store sends is COMMAND key ….
  return (args[0] === "EVAL" ? args[3] : args[1]) ?? "";
}

const SUPPORTED =
  "a node-redis client (createClient, createCluster or createSentinel; redis 5 or 6) or an ioredis client (Redis or Cluster; 5 or 6)";

export function commandSender(client: RedisClient): SendCommand {
  const candidate = client as unknown as Partial<Record<string, unknown>> | null | undefined;
  // ioredis has both methods, its `sendCommand` taking a Command object: test for `call` first.
  // ioredis's Cluster routes `call` by the command's keys (EVAL's numkeys included).
  if (typeof candidate?.call === "function") {
    const io = client as IoRedisClient;
    return ([command, ...args]) => io.call(command!, ...args);
  }
  if (typeof candidate?.sendCommand === "function") {
    if (
      typeof candidate.nodeClient === "function" &&
      typeof candidate.getSlotRandomNode === "function"
    ) {
      const cluster = client as NodeRedisCluster;
      return (args) => cluster.sendCommand(firstKey(args), false, args);
    }
    if (
      typeof candidate.getMasterNode === "function" &&
      typeof candidate.getSentinelNode === "function"
    ) {
      const sentinel = client as NodeRedisSentinel;
      return (args) => sentinel.sendCommand(false, args);
    }
    const node = client as NodeRedisClient;
    return (args) => node.sendCommand(args);
  }
  throw new AuthError(
    AuthErrorCode.InvalidOptions,
    `createRedisStore: options.client must be ${SUPPORTED}; got ${candidate === null ? "null" : typeof candidate}`,
  );
}
