import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { localeOrder } from '../../../src/contracts/locale-order.js';

const sign = (n: number) => Math.sign(n);
const ALPHABET = [...'_-:.@/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const words = (alphabet: string, length: number): string[] => (length === 0 ? [''] : words(alphabet, length - 1).flatMap((w) => [...alphabet].map((c) => w + c)));

describe('localeOrder: localeCompare order without the collator', () => {
  it('agrees with localeCompare on every pair of short strings of id characters', () => {
    const strings = [...words(ALPHABET.join(''), 1), ...words('_-:.@/09abzABZ', 2), ...words('aAbB_-0', 3), ''];
    let disagreements = 0;
    for (const a of strings) for (const b of strings) if (sign(localeOrder(a, b)) !== sign(a.localeCompare(b))) disagreements += 1;
    expect(disagreements).toBe(0);
  });

  it('agrees with localeCompare on random ids sharing prefixes', () => {
    let seed = 20;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const word = () => Array.from({ length: random(12) }, () => ALPHABET[random(ALPHABET.length)]).join('');
    for (let i = 0; i < 20_000; i += 1) {
      const a = word();
      const flipped = [...a].map((c) => (random(2) ? c.toUpperCase() : c.toLowerCase())).join('');
      const b = [flipped, a.slice(0, random(a.length + 1)) + word(), word()][random(3)] ?? '';
      expect([a, b, sign(localeOrder(a, b))]).toEqual([a, b, sign(a.localeCompare(b))]);
    }
  });

  it('sorts command ids, runner ids and planes as localeCompare does', () => {
    const ids = ['queue:ls', 'queue', 'compile:validate', 'compile:show', 'run:once', 'run', 'runs:ls', 'codex_cli', 'claude_code', 'pi_rpc', 'command', 'planning', 'execution', 'learning', 'a-b', 'a_b', 'a.b', 'a:b', 'a1', '@millrace/plugin-web', 'millrace', 'SKILL.md', 'skills_index.md', 'builder.md', 'builder-core', 'Skill.md', 'skill.md'];
    expect([...ids].sort(localeOrder)).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
  });

  it('leaves every other string to localeCompare', () => {
    const pairs: [string, string][] = [['é', 'f'], ['a b', 'a-b'], ['ä', 'b'], ['x~', 'x0'], ['x+', 'x-'], ['ß', 'ss'], ['a\\u0301', 'á']];
    for (const [a, b] of pairs) expect([a, b, sign(localeOrder(a, b))]).toEqual([a, b, sign(a.localeCompare(b))]);
  });

  it('follows a locale that tailors the order (Danish sorts aa after z)', () => {
    const module = fileURLToPath(new URL('../../../dist/contracts/locale-order.js', import.meta.url));
    const script = `import { localeOrder } from ${JSON.stringify(module)}; console.log(JSON.stringify([localeOrder('aa', 'z'), 'aa'.localeCompare('z')]));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, LANG: 'da_DK.UTF-8', LC_ALL: 'da_DK.UTF-8' } });
    expect(child.stderr).toBe('');
    const [ours, icu] = JSON.parse(child.stdout) as [number, number];
    expect(icu).toBeGreaterThan(0);
    expect(sign(ours)).toBe(sign(icu));
  });
});
