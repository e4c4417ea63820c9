import { groupedInteger } from '../../../src/contracts/number-text.js';

describe('grouped integers without Intl', () => {
  const values = [0, -0, 1, 9, 10, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 1_234_567_890, Number.MAX_SAFE_INTEGER, -1, -999, -1000, -1_234_567, 0.5, 1234.5678, -1234.5, 2 ** 60, NaN, Infinity, -Infinity];

  it.each(values)('%p reads as toLocaleString("en-US") writes it', (n) => {
    expect(groupedInteger(n)).toBe(n.toLocaleString('en-US'));
  });

  it('matches for every power-of-ten boundary and a spread of integers', () => {
    for (let digits = 1; digits <= 15; digits += 1) {
      for (const n of [10 ** digits - 1, 10 ** digits, 10 ** digits + 1, 7 * 10 ** (digits - 1) + 3]) {
        expect(groupedInteger(n)).toBe(n.toLocaleString('en-US'));
        expect(groupedInteger(-n)).toBe((-n).toLocaleString('en-US'));
      }
    }
  });
});
