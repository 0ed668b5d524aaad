import type { ClientMessage, ServerMessage } from '@techteam/shared/live';
import WebSocket from 'ws';

/** A client of the live protocol (the CLI's follow, the live bench and the tests use it). */
export interface LiveClient {
  send(message: ClientMessage): void;
  /** Every message received so far, in order. */
  received: ServerMessage[];
  /** Resolves with the first message (received or to come) that `match` accepts. */
  next<T extends ServerMessage>(match: (m: ServerMessage) => m is T, ms?: number): Promise<T>;
  next(match: (m: ServerMessage) => boolean, ms?: number): Promise<ServerMessage>;
  onMessage(listener: (m: ServerMessage) => void): void;
  /** Resolves when the socket closes (by either side). */
  closed: Promise<void>;
  close(): void;
}

export class LiveRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`The live socket was refused with ${status}: ${body}`);
    this.name = 'LiveRefused';
  }
}

/** Opens `ws://…/v1/live` (with a `token` when given); rejects with LiveRefused when the host says no. */
export function openLive(url: string, opts: { token?: string; origin?: string } = {}): Promise<LiveClient> {
  const target = new URL(url);
  if (opts.token) target.searchParams.set('token', opts.token);
  const ws = new WebSocket(target, opts.origin ? { origin: opts.origin } : {});
  const received: ServerMessage[] = [];
  const listeners: ((m: ServerMessage) => void)[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    received.push(message);
    for (const l of listeners) l(message);
  });
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  return new Promise((ok, fail) => {
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => fail(new LiveRefused(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
    });
    ws.once('error', fail);
    ws.once('open', () => {
      ws.off('error', fail);
      ws.on('error', () => {});
      ok({
        send: (message) => ws.send(JSON.stringify(message)),
        received,
        next: ((match: (m: ServerMessage) => boolean, ms = 30_000) =>
          new Promise<ServerMessage>((resolve, reject) => {
            const seen = received.find(match);
            if (seen) return resolve(seen);
            const timer = setTimeout(() => reject(new Error(`No matching live message within ${ms} ms`)), ms);
            listeners.push((m) => {
              if (match(m)) {
                clearTimeout(timer);
                resolve(m);
              }
            });
          })) as LiveClient['next'],
        onMessage: (listener) => listeners.push(listener),
        closed,
        close: () => ws.close(),
      });
    });
  });
}
