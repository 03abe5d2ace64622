/** Receives one message: the channel name without the bus prefix, and the raw bytes. */
export type MessageHandler = (channel: string, payload: Buffer) => void;

/** The bus port: bytes and channel names, nothing about events. */
export interface EventBus {
  /** Receive these channels (names without the prefix); resolves once they are live; resubscribes by itself after reconnects. */
  subscribe(channels: readonly string[], onMessage: MessageHandler): Promise<void>;
  /** Publish one message; resolves once the bus accepted it. */
  publish(channel: string, payload: string | Buffer): Promise<void>;
  /** True while the bus can deliver (connected, and subscribed where subscriptions exist). */
  readonly connected: boolean;
  /** Called on every connected/disconnected transition; returns a function that removes the listener. */
  onStatus(listener: (connected: boolean) => void): () => void;
  /** Stops delivery and releases connections; safe to call twice. */
  close(): Promise<void>;
}

/** A small set of status listeners, shared by the adapters. */
export class StatusListeners {
  private readonly listeners = new Set<(connected: boolean) => void>();

  /** Adds a listener; returns its remover. */
  add(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener; a throwing listener does not stop the others. */
  emit(connected: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(connected);
      } catch {
        // a listener's fault is its own; the bus keeps going
      }
    }
  }
}
