/** A connected node-redis client (v5 or v6): raw commands go through `sendCommand`. */
export interface NodeRedisClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** A connected ioredis client (v5 or v6): raw commands go through `call`. */
export interface IoRedisClient {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

export type RedisClient = NodeRedisClient | IoRedisClient;

/** Sends one raw command, whichever client the user owns. */
export type SendCommand = (args: string[]) => Promise<unknown>;

export function commandSender(client: RedisClient): SendCommand {
  // ioredis has both methods, its `sendCommand` taking a Command object: test for `call` first.
  if (typeof (client as IoRedisClient)?.call === "function") {
    const io = client as IoRedisClient;
    return ([command, ...args]) => io.call(command!, ...args);
  }
  if (typeof (client as NodeRedisClient)?.sendCommand === "function") {
    const node = client as NodeRedisClient;
    return (args) => node.sendCommand(args);
  }
  throw new TypeError(
    "createRedisStore: options.client must be a connected node-redis (redis 5 or 6) or ioredis client",
  );
}
