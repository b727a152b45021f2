import { startDeadline } from "@auth/core/provider";

/** Thrown at once while Redis is considered down: a dead Redis costs microseconds, not a timeout. */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

export interface BreakerOptions {
  /** Bound on one command (default 500 ms): the manager's own store timeout is 1 s. */
  readonly commandTimeoutMs: number;
  /** First open period after a failure; doubles per consecutive failure up to `maxOpenMs`. */
  readonly openMs: number;
  readonly maxOpenMs: number;
  readonly clock: () => number;
}

/**
 * A circuit breaker around Redis commands. Closed: commands run, bounded by a timeout. After a
 * failure or timeout it opens: commands fail at once until the open period ends, then one command
 * probes (half-open); its success closes the breaker, its failure opens it for longer.
 */
export function createBreaker(options: BreakerOptions) {
  let failures = 0;
  let openUntil = 0;
  let probing = false;

  return {
    get open() {
      return failures > 0 && (options.clock() < openUntil || probing);
    },
    async run<T>(command: () => Promise<T>): Promise<T> {
      const now = options.clock();
      if (failures > 0 && (now < openUntil || probing))
        throw new RedisUnavailableError("Redis is unavailable (circuit open)");
      if (failures > 0) probing = true;
      let cancel: (() => void) | undefined;
      try {
        const result = await Promise.race([
          command(),
          new Promise<never>((_, reject) => {
            // Not a timeout when this process was busy and Redis answered meanwhile: that would
            // open the breaker and stop sharing for no fault of Redis.
            cancel = startDeadline(options.commandTimeoutMs, () =>
              reject(
                new RedisUnavailableError(
                  `Redis did not answer within ${options.commandTimeoutMs} ms`,
                ),
              ),
            );
          }),
        ]);
        failures = 0;
        return result;
      } catch (error) {
        failures += 1;
        openUntil =
          options.clock() + Math.min(options.maxOpenMs, options.openMs * 2 ** (failures - 1));
        throw error;
      } finally {
        cancel?.();
        probing = false;
      }
    },
  };
}
