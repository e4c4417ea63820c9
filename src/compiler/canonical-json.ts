import { createHash } from 'node:crypto';

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value instanceof Map) return sortedDeep(Object.fromEntries(value));
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`cannot canonicalize non-finite number ${value}`);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedDeep((value as Record<string, unknown>)[key]);
  return out;
}

/**
 * Canonical JSON for hashing: keys sorted at every level (UTF-16 order), no whitespace, non-ASCII escaped as \uXXXX,
 * `undefined` and function members dropped. Equal data always yields equal bytes.
 */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(sortedDeep(value)) ?? 'null';
  return /[^\x00-\x7e]/.test(text) ? text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export const first12 = (hex: string): string => hex.slice(0, 12);
