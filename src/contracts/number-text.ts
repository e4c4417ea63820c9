/**
 * `n.toLocaleString('en-US')` (`1,234,567`) for the integers counts are, without Intl: the first toLocaleString call
 * of a process loads ICU's number formatting, which cost `status` 10-20 ms (more on a loaded machine) to print
 * `usage_today: 0 tokens`. Anything but a safe integer (fractions, -0, NaN, huge values) still goes to toLocaleString.
 */
export function groupedInteger(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${digits}` : digits;
}
