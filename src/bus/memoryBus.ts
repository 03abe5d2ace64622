import { StatusListeners, type EventBus, type MessageHandler } from './eventBus';

/**
 * An in-process bus with Redis pub/sub semantics: fire-and-forget, delivered
 * asynchronously (never inside `publish`), in publish order, only to current subscribers.
 */
export function createMemoryBus(): EventBus {
  const subscriptions = new Map<string, Set<MessageHandler>>();
  const status = new StatusListeners();
  let closed = false;

  return {
    get connected() {
      return !closed;
    },
    subscribe(channels, onMessage) {
      if (closed) return Promise.reject(new Error('memory bus is closed'));
      for (const channel of channels) {
        const handlers = subscriptions.get(channel) ?? new Set<MessageHandler>();
        handlers.add(onMessage);
        subscriptions.set(channel, handlers);
      }
      return Promise.resolve();
    },
    publish(channel, payload) {
      if (closed) return Promise.reject(new Error('memory bus is closed'));
      const handlers = subscriptions.get(channel);
      if (handlers === undefined || handlers.size === 0) return Promise.resolve();
      const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
      const targets = [...handlers];
      setImmediate(() => {
        for (const handler of targets) {
          try {
            handler(channel, bytes);
          } catch {
            // a subscriber's fault must not stop delivery to the others
          }
        }
      });
      return Promise.resolve();
    },
    onStatus(listener) {
      return status.add(listener);
    },
    close() {
      if (!closed) {
        closed = true;
        subscriptions.clear();
        status.emit(false);
      }
      return Promise.resolve();
    },
  };
}
