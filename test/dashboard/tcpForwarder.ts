import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder on a fixed port whose target can change: the page keeps one address while
 * the server behind it restarts. When the target side closes, the client side is closed too,
 * so the browser sees exactly what a restarting server shows it.
 */
export class TcpForwarder {
  private server: Server | undefined;
  private readonly open = new Set<Socket>();
  port = 0;

  constructor(private targetPort: number) {}

  /** Listens on a free port of 127.0.0.1. */
  async start(): Promise<void> {
    const server = createServer((downstream) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [downstream, upstream]) {
        this.open.add(s);
        s.on('close', () => this.open.delete(s));
        s.on('error', () => s.destroy());
      }
      downstream.pipe(upstream);
      upstream.pipe(downstream);
      upstream.on('close', () => downstream.destroy());
      downstream.on('close', () => upstream.destroy());
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** New connections go to `port` from now on. */
  retarget(port: number): void {
    this.targetPort = port;
  }

  /** Closes the listener and every connection. */
  async stop(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }
}
