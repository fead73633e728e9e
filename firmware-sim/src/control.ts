// A small local HTTP control endpoint (127.0.0.1) for a running simulator: JSON in, JSON out.
// Also the HTTP face of the simulated SMS gateway (sms/gateway.ts), which reads the raw body and
// headers to check a signature and answers with its own status codes (ControlReply).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LinliError } from '@linli/shared';

/** The request as received, for a handler that checks what was sent (a signature over the body). */
export interface ControlRequest {
  text: string;
  headers: IncomingHttpHeaders;
}
/** A handler's answer with a status other than 200. */
export class ControlReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
export type ControlHandler = (
  body: Record<string, unknown>,
  query: URLSearchParams,
  req: ControlRequest,
) => unknown;
/** Routes keyed by 'METHOD /path', e.g. 'POST /place'. */
export type ControlRoutes = Record<string, ControlHandler>;

export interface ControlServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new LinliError('SIM_CONTROL', `body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Start the control endpoint on 127.0.0.1 (port 0 = ephemeral). Handler errors become 400 with
 * their message; a handler returning a ControlReply answers with its status.
 */
export async function startControlServer(
  routes: ControlRoutes,
  port = 0,
  host = '127.0.0.1',
): Promise<ControlServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handler = routes[`${req.method} ${url.pathname}`];
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(value ?? { ok: true }));
    };
    if (!handler) {
      send(404, {
        error: 'NOT_FOUND',
        message: `no route ${req.method} ${url.pathname}`,
        routes: Object.keys(routes),
      });
      return;
    }
    readBody(req)
      .then(async (text) => {
        let body: Record<string, unknown> = {};
        if (text.trim()) {
          const parsed: unknown = JSON.parse(text);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
            throw new LinliError('SIM_CONTROL', 'body must be a JSON object');
          }
          body = parsed as Record<string, unknown>;
        }
        const answer = await handler(body, url.searchParams, { text, headers: req.headers });
        if (answer instanceof ControlReply) send(answer.status, answer.body);
        else send(200, answer);
      })
      .catch((err: unknown) => {
        const e = err as { code?: string; message?: string };
        send(400, { error: e.code ?? 'BAD_REQUEST', message: e.message ?? String(err) });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
