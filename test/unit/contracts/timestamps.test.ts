import { parseTimestamp } from '../../../src/contracts/documents.js';

// parseTimestamp reads the runtime's own form (`YYYY-MM-DDTHH:MM:SSZ`) without its pattern; every other form goes
// through the pattern. The same instant written both ways must read the same, and a bad plain form must fail as the
// pattern fails it.
const plain = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

describe('parseTimestamp', () => {
  it('reads the plain UTC form as the same instant as the forms the pattern reads', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i += 1) {
      const ms = Math.floor((next() / 2 ** 31) * 4_000_000_000) * 1000 - 1_000_000_000_000;
      const text = plain(ms);
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      const instant = parseTimestamp(text);
      expect(instant).toEqual({ ms, subMsNanos: 0 });
      expect(parseTimestamp(text.replace('Z', '.000Z'))).toEqual(instant);
      expect(parseTimestamp(text.replace('Z', '+00:00'))).toEqual(instant);
      expect(parseTimestamp(text.replace('T', ' '))).toEqual(instant);
    }
  });

  it.each([
    '2026-02-29T00:00:00Z', '2026-02-30T12:00:00Z', '2026-04-31T12:00:00Z', '2026-00-10T12:00:00Z', '2026-13-10T12:00:00Z',
    '2026-01-00T12:00:00Z', '2026-01-10T24:00:00Z', '2026-01-10T12:60:00Z', '2026-01-10T12:00:60Z', '2026-01-1xT12:00:00Z',
    '2026-01-10T12:00:0 Z', '2026-01-10t12:00:00Z', '2026-01-10T12:00:00z', '2026/01/10T12:00:00Z', '+026-01-10T12:00:00Z',
  ])('refuses %j, as it refuses the same value with fractional seconds', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
    expect(parseTimestamp(text.replace(/Z$/, '.5Z'))).toBeUndefined();
  });

  it('reads a leap day and the years before 100 as Date.UTC does', () => {
    expect(parseTimestamp('2024-02-29T23:59:59Z')).toEqual({ ms: Date.UTC(2024, 1, 29, 23, 59, 59), subMsNanos: 0 });
    expect(parseTimestamp('0050-01-01T00:00:00Z')).toEqual(parseTimestamp('0050-01-01T00:00:00.000Z'));
    expect(parseTimestamp('0050-01-01T00:00:00Z')).toEqual({ ms: Date.UTC(50, 0, 1), subMsNanos: 0 });
  });
});
