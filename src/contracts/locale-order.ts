/**
 * `a.localeCompare(b)`'s order (same sign) without ICU's collator for the ids and file names a command sorts: the first
 * localeCompare of a process builds the collator, about 10-30 ms of CPU that `status`, `queue ls` and
 * `compile validate` paid to order a handful of names (command ids, runner ids, planes, asset files). Under an English
 * default locale (no collation tailoring) ICU orders strings made only of ASCII letters, digits and `_ - : . @ /` by
 * each character's place in ID_COLLATION_ORDER, case aside, left to right, a prefix first; strings equal but for case
 * by the first letter whose case differs, lower case first. Any other string or locale goes to localeCompare, so the
 * order never differs from it (test/unit/contracts/locale-order.test.ts holds the two side by side).
 */
const ID_COLLATION_ORDER = '_-:.@/0123456789abcdefghijklmnopqrstuvwxyz';
const RANK = new Int8Array(128).fill(-1);
for (let i = 0; i < ID_COLLATION_ORDER.length; i += 1) {
  const c = ID_COLLATION_ORDER.charCodeAt(i);
  RANK[c] = i;
  if (c >= 0x61 && c <= 0x7a) RANK[c - 0x20] = i;
}

let englishDefault: boolean | undefined;
/** The default locale, read through PluralRules (cheap, and the same default locale the collator resolves). */
function defaultLocaleIsPlainEnglish(): boolean {
  englishDefault ??= /^en(?:-[A-Z]{2}|-\d{3})?$/.test(new Intl.PluralRules().resolvedOptions().locale);
  return englishDefault;
}

function rankOf(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? (RANK[c] ?? -1) : -1;
}

function allRanked(s: string): boolean {
  for (let i = 0; i < s.length; i += 1) if (rankOf(s, i) < 0) return false;
  return true;
}

const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;

export function localeOrder(a: string, b: string): number {
  if (!allRanked(a) || !allRanked(b) || !defaultLocaleIsPlainEnglish()) return a.localeCompare(b);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const d = rankOf(a, i) - rankOf(b, i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < n; i += 1) {
    const upperA = isUpper(a.charCodeAt(i));
    if (upperA !== isUpper(b.charCodeAt(i))) return upperA ? 1 : -1;
  }
  return 0;
}
