import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import type { Guard } from './guard';

/** An HTTP answer as a value: handlers return it, `serve` writes it (without its body for HEAD). */
export interface Reply {
  readonly status: string;
  readonly contentType: string;
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Headers on every answer: no script but the dashboard's own files, no framing, no MIME sniffing,
 * no referrer (a token in a URL fragment never leaves the page, and nothing else should either).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** A JSON answer. */
export function jsonReply(status: string, value: unknown, headers?: Readonly<Record<string, string>>): Reply {
  return { status, contentType: 'application/json', body: JSON.stringify(value), headers };
}

/** A plain-text answer. */
export function textReply(status: string, text: string, headers?: Readonly<Record<string, string>>): Reply {
  return { status, contentType: 'text/plain; charset=utf-8', body: text, headers };
}

/** The request as route handlers see it: copied out of uWS's request, which is only valid during the callback. */
export interface Request {
  readonly method: string;
  readonly url: string;
  /** Route parameters in order (`/snapshot/:channel` → [channel]), still percent-encoded. */
  readonly parameters: readonly string[];
  header(name: string): string;
  /** A query parameter the route asked to copy, decoded; `''` when absent. */
  query(name: string): string;
}

const COPIED_HEADERS = ['host', 'origin', 'authorization', 'x-forwarded-for'] as const;

function copyRequest(req: HttpRequest, parameterCount: number, queryNames: readonly string[]): Request {
  const headers = new Map<string, string>(COPIED_HEADERS.map((h) => [h, req.getHeader(h)]));
  const query = new Map<string, string>(queryNames.map((q) => [q, req.getQuery(q) ?? '']));
  const parameters: string[] = [];
  for (let i = 0; i < parameterCount; i += 1) parameters.push(req.getParameter(i) ?? '');
  return { method: req.getMethod(), url: req.getUrl(), parameters, header: (name) => headers.get(name) ?? '', query: (name) => query.get(name) ?? '' };
}

function write(res: HttpResponse, reply: Reply, head: boolean): void {
  res.cork(() => {
    res.writeStatus(reply.status).writeHeader('Content-Type', reply.contentType);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.writeHeader(name, value);
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.writeHeader(name, value);
    // endWithoutBody(length) leaves the response open in this uWS build (it then aborts the process): the length goes in a header.
    if (head) res.writeHeader('Content-Length', String(Buffer.byteLength(reply.body))).endWithoutBody();
    else res.end(reply.body);
  });
}

const FAULT_REPLY = textReply('400 Bad Request', 'This request could not be handled\n');

/**
 * Answers a request whose handler faulted: 400 if the response can still be written, else the
 * connection is closed. uWS ends the whole process when a handler returns without answering or
 * attaching an abort handler, so this must never leave the response open.
 */
export function answerFault(res: HttpResponse, head = false): void {
  try {
    write(res, FAULT_REPLY, head);
  } catch {
    res.close();
  }
}

/**
 * A uWS handler for a route: copies the request, runs `handler` (sync or async), writes its
 * reply — for HEAD without the body. Every throw or rejection is a counted fault answered 400.
 */
export function serve(guard: Guard, name: string, parameterCount: number, queryNames: readonly string[], handler: (req: Request) => Reply | Promise<Reply>) {
  return guard.wrap(
    name,
    (res: HttpResponse, req: HttpRequest): void => {
      const request = copyRequest(req, parameterCount, queryNames);
      const head = request.method === 'head';
      const reply = handler(request);
      if (!(reply instanceof Promise)) return write(res, reply, head);
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      reply.then(
        (answer) => {
          if (aborted) return;
          try {
            write(res, answer, head);
          } catch (error) {
            guard.fault(name, error);
            answerFault(res, head);
          }
        },
        (error: unknown) => {
          guard.fault(name, error);
          if (!aborted) answerFault(res, head);
        },
      );
    },
    (res: HttpResponse) => answerFault(res),
  );
}
