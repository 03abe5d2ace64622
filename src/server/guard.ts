import type { Logger } from 'pino';
import type { Metrics } from './metrics';

/**
 * Makes handlers total: whatever a request, frame or message makes a handler throw is counted in
 * `pmarb_handler_faults_total{handler}`, logged, and answered by `onFault` (a 4xx, an error frame);
 * the server goes on. A fault is a bug in the server: tests fail when the counter is above 0.
 */
export function createGuard(metrics: Metrics, log: Logger) {
  const fault = (handler: string, error: unknown): void => {
    metrics.handlerFaults.inc({ handler });
    log.error({ err: error, handler }, 'a handler threw: answered and counted (pmarb_handler_faults_total); this is a bug');
  };
  return {
    fault,
    /** `fn` with every throw caught, counted under `handler`, and answered by `onFault(...args)` (itself guarded). */
    wrap<A extends unknown[], R>(handler: string, fn: (...args: A) => R, onFault?: (...args: A) => void): (...args: A) => R | undefined {
      return (...args: A): R | undefined => {
        try {
          return fn(...args);
        } catch (error) {
          fault(handler, error);
          try {
            onFault?.(...args);
          } catch {
            // The answer could not be written (the response or socket is gone): nothing more to do.
          }
          return undefined;
        }
      };
    },
  };
}

/** The guard a server holds. */
export type Guard = ReturnType<typeof createGuard>;
