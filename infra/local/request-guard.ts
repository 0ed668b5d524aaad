import type { IncomingMessage } from 'node:http';
import { TechteamError } from '@techteam/shared/errors';

/**
 * Loopback is not a trust boundary: any web page the user opens can send requests to
 * 127.0.0.1, and a DNS-rebinding page can even read the answers. The host therefore answers
 * only requests addressed to one of its own names (Host), from no browser origin or its own
 * (Origin: the dashboard it serves), with JSON bodies on writes (a cross-site form can send
 * text/plain without a preflight; it cannot send application/json).
 */
export interface RequestGuard {
  /** The problem with a request, or undefined when it may go on. */
  check(req: IncomingMessage): TechteamError | undefined;
  /** The CORS headers for a request from an allowed origin (none without an Origin). */
  corsHeaders(req: IncomingMessage): Record<string, string>;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class HostNotAllowed extends TechteamError {
  constructor(host: string, allowed: readonly string[]) {
    super('HostNotAllowed', 403, `This host answers requests to ${allowed.join(', ')}, not '${host}'`, {
      host,
    });
  }
}

export class OriginNotAllowed extends TechteamError {
  constructor(origin: string) {
    super(
      'OriginNotAllowed',
      403,
      `Requests from the web origin '${origin}' are refused: only the host's own dashboard may call it from a browser`,
      { origin },
    );
  }
}

export class UnsupportedMediaType extends TechteamError {
  constructor(contentType: string) {
    super(
      'UnsupportedMediaType',
      415,
      `The body must be JSON (content-type: application/json), not '${contentType}'`,
      {
        contentType,
      },
    );
  }
}

/** The guard for a host listening on `listenHost:port`. */
export function requestGuard(listenHost: string, port: number): RequestGuard {
  const names = [...new Set([...LOOPBACK_NAMES, listenHost.includes(':') ? `[${listenHost}]` : listenHost])];
  const hosts = names.map((n) => `${n}:${port}`);
  const origins = new Set(hosts.map((h) => `http://${h}`));
  return {
    check(req) {
      const host = (req.headers.host ?? '').toLowerCase();
      if (!hosts.includes(host)) return new HostNotAllowed(host, hosts);
      const origin = req.headers.origin;
      if (origin !== undefined && !origins.has(origin.toLowerCase())) return new OriginNotAllowed(origin);
      if (WRITES.has(req.method ?? '')) {
        const type = req.headers['content-type'];
        const hasBody =
          Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
        if ((type !== undefined || hasBody) && !/^application\/json\s*(;|$)/i.test(type ?? '')) {
          return new UnsupportedMediaType(type ?? '(none)');
        }
      }
      return undefined;
    },
    corsHeaders(req): Record<string, string> {
      const origin = req.headers.origin;
      if (!origin || !origins.has(origin.toLowerCase())) return {} as Record<string, string>;
      return {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, POST, PUT, DELETE',
        'access-control-allow-headers': 'content-type, authorization',
        'access-control-max-age': '600',
        vary: 'Origin',
      };
    },
  };
}
