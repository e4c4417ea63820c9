import type { Context } from 'hono';
import { timingSafeEqual } from 'node:crypto';

/** Only the dashboard's own scripts, styles and API; no framing, no inline code, no third-party origin. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Headers on every response. No Access-Control-* header is ever sent, so browsers refuse cross-origin reads. */
export function securityHeaders(c: Context): void {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);

/** `Host` values a loopback-bound server answers to: a page on another name (DNS rebinding) is refused. */
export function loopbackHostNames(boundHost: string, port: number): Set<string> {
  const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
  return new Set(['127.0.0.1', 'localhost', '[::1]', bound.toLowerCase()].map((h) => `${h}:${port}`));
}

export const isAllowedHost = (host: string | undefined, allowed: Set<string>): boolean => host !== undefined && allowed.has(host.toLowerCase());

/** A write must come from a page of this server: its Origin names the same host and port the request went to. */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
