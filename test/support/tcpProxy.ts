import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a free port of 127.0.0.1 to 127.0.0.1:`targetPort`. New connections follow
 * `retarget`, so a client keeps one address while the server behind restarts; when either side
 * closes, the other is closed too, as a restarting server would show it. With `holdReplies`, what
 * the target answers waits until `release()`: clients connect and send at once but see no reply,
 * which catches a client in the middle of its handshake.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private held: boolean;
  private readonly heldBack: { socket: Socket; chunk: Buffer }[] = [];
  /** Connections whose client has sent something. */
  clientsTalking = 0;
  port = 0;

  constructor(
    private targetPort: number,
    options: { readonly holdReplies?: boolean } = {},
  ) {
    this.held = options.holdReplies === true;
  }

  async start(): Promise<void> {
    const server = createServer((downstream) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [downstream, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      downstream.once('data', () => (this.clientsTalking += 1));
      downstream.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => {
        if (this.held) this.heldBack.push({ socket: downstream, chunk });
        else downstream.write(chunk);
      });
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

  /** Holds back what the target answers from now on, until `release()`: a server that stopped answering. */
  hold(): void {
    this.held = true;
  }

  /** Delivers what was held, in order, and passes replies straight through from now on. */
  release(): void {
    this.held = false;
    for (const { socket, chunk } of this.heldBack.splice(0)) socket.write(chunk);
  }

  /** Cuts every open connection, as a network blip would; new ones are still accepted. */
  drop(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Closes the listener and every connection. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }
}
