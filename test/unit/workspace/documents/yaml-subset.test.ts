import matter from 'gray-matter';
import { parseYamlSubset } from '../../../../src/workspace/documents/yaml-subset.js';
import { normalizeBody, splitSubsetFrontMatter } from '../../../../src/workspace/documents/front-matter.js';
import { formatTimestamp } from '../../../../src/contracts/documents.js';
import { renderWorkDocument } from '../../../../src/workspace/documents/index.js';
import { aSpec, aTask, anIncident } from '../../../support/work-documents.js';

const jsYaml = (matter as unknown as { engines: { yaml: { parse: (s: string) => unknown } } }).engines.yaml;
const frontMatterOf = (text: string) => text.split('---\n')[1]!;

const TRICKY = [
  'plain words', 'true', 'True', 'null', '~', 'yes', 'no', 'on', '001', '1.0', '0x1F', '.inf', '-x', '- x', 'a: b', 'a #b', '#x', "it's", "'quoted'",
  '"double"', '[a]', '{a: 1}', '2026-04-15', '2026-04-15T12:00:00Z', 'trailing ', ' leading', 'multi\nline', 'tab\there', 'ünïcode', '', '@at', '*star', '&amp', '!tag',
  '|', '>', '%pct', 'a,b', 'x=y', 'C:/path', 'npm test -- login', 'src/ui/login.tsx', 'Session handling regressions',
];

describe('parseYamlSubset', () => {
  it('agrees with js-yaml on everything our renderer writes, or declines', () => {
    const docs = [
      aTask(), aSpec(), anIncident({ severity: 'low', needs_planning: false }),
      ...TRICKY.map((s, i) => aTask({ task_id: `t-${i}`, summary: s, acceptance: [s.length ? s : 'x', 'ok'], created_by: s || 'x' })),
    ];
    let fastPath = 0;
    for (const doc of docs) {
      const yaml = frontMatterOf(renderWorkDocument(doc));
      const fast = parseYamlSubset(yaml);
      if (fast !== undefined) {
        fastPath += 1;
        expect(fast).toEqual(jsYaml.parse(yaml));
      }
    }
    expect(fastPath).toBeGreaterThan(docs.length / 2);
  });

  it.each([
    ['a: b\nc:\n  - d\n  - e\n', { a: 'b', c: ['d', 'e'] }],
    ["a: 'x''y'\n", { a: "x'y" }],
    ['\na: b\n', { a: 'b' }],
    ['a:\n- d\n\n- e\nb: c', { a: ['d', 'e'], b: 'c' }],
    ['a: b\n\n\nc: d', { a: 'b', c: 'd' }],
    ["a: ''\nb: 'x y'\nc: 'it''s'\nd: ''''\ne: Truex\nf: nulls\ng: FALSE_\n", { a: '', b: 'x y', c: "it's", d: "'", e: 'Truex', f: 'nulls', g: 'FALSE_' }],
  ])('reads %j', (yaml, expected) => {
    expect(parseYamlSubset(yaml)).toEqual(expected);
    expect(jsYaml.parse(yaml)).toEqual(expected);
  });

  it.each([
    ['created_at: 2026-04-15T12:00:00Z\n', { created_at: new Date('2026-04-15T12:00:00Z') }],
    ['a:\n  - 2026-04-15T12:00:00Z\n  - b\n', { a: [new Date('2026-04-15T12:00:00Z'), 'b'] }],
    ['a: 1999-12-31T23:59:59Z\n', { a: new Date('1999-12-31T23:59:59Z') }],
    ['a: 2026-02-30T24:61:61Z\n', { a: new Date(Date.UTC(2026, 1, 30, 24, 61, 61)) }],
    ['a: 0050-01-01T00:00:00Z\n', { a: new Date(Date.UTC(50, 0, 1, 0, 0, 0)) }],
    ['summary: Sessions never expire; enforce the timeout.\n', { summary: 'Sessions never expire; enforce the timeout.' }],
  ])('reads unquoted UTC timestamps as js-yaml does (a Date), and plain text with ";": %j', (yaml, expected) => {
    expect(parseYamlSubset(yaml)).toEqual(expected);
    expect(jsYaml.parse(yaml)).toEqual(expected);
  });

  it.each(['a: 2026-04-15', 'a: 2026-04-15T12:00:00', 'a: 2026-04-15 12:00:00Z', 'a: 2026-04-15T12:00:00.5Z', 'a: 2026-04-15T12:00:00+02:00', 'a: 2026-4-15T12:00:00Z', 'a: ;x'])(
    'declines other timestamp forms and text js-yaml may read otherwise: %j',
    (yaml) => {
      expect(parseYamlSubset(yaml)).toBeUndefined();
    },
  );

  it.each(['a: true', 'a: 12', 'a: "x"', 'a: [x]', 'a:\nb: c', 'a: b\na: c', 'a: |\n  x', 'a: b # c', 'A: b', 'a: b\r', 'a:', '__proto__: x', 'a:b',
    '- x', 'a: b\n  - c', 'a:\n - c', 'a:\n   - c', 'a:\n  -c', 'a:\n  - ', 'a: b\n  \nc: d', 'a :b', ' a: b', 'a:  b', 'constructor: x',
    'ab\ncd: e', 'a', 'a-b: c', 'a:\n-x', 'a: b\n- c', 'a:\n\nb: c', 'a:\n  - x\n  -', 'a:\n  - x\n -', 'a:\r\n  - x'])('declines %j', (yaml) => {
    expect(parseYamlSubset(yaml)).toBeUndefined();
  });

  it('agrees with js-yaml on random lines near the subset, or declines', () => {
    const LINES = ['a: b', 'b:', 'c: x y', '  - item', '- item', '', 'd: 2026-04-15T12:00:00Z', "e: 'q''t'", '  - 2026-01-01T00:00:00Z',
      'a:', 'f: true', 'g: b: c', '   - x', 'h:x', 'i: ', '  -', '- ', 'j: C:/x', 'K: v', '__x: y', 'l: a#b', 'm: a #b', ' ', '-'];
    let seed = 11;
    const pick = () => LINES[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % LINES.length]!;
    let accepted = 0;
    for (let n = 0; n < 4000; n += 1) {
      const lines = Array.from({ length: 1 + (n % 6) }, pick);
      const yaml = lines.join('\n') + (n % 2 === 0 ? '\n' : '');
      const fast = parseYamlSubset(yaml);
      if (fast === undefined) continue;
      accepted += 1;
      expect({ yaml, parsed: fast }).toEqual({ yaml, parsed: jsYaml.parse(yaml) });
    }
    expect(accepted).toBeGreaterThan(150);
  });

  it('gives timestamps as formatted text when asked, the same text readers make of the Date', () => {
    const yaml = 'a: 2026-02-30T24:61:61Z\nb:\n  - 1999-12-31T23:59:59Z\n  - x\n';
    const dates = parseYamlSubset(yaml) as { a: Date; b: [Date, string] };
    expect(parseYamlSubset(yaml, { timestampsAsText: true })).toEqual({ a: formatTimestamp(dates.a), b: [formatTimestamp(dates.b[0]), 'x'] });
    expect(parseYamlSubset(yaml, { timestampsAsText: true })).toEqual({ a: '2026-03-03T01:02:01Z', b: ['1999-12-31T23:59:59Z', 'x'] });
  });
});

describe('parseYamlSubset declines', () => {
  it.each(['a: TRUE', 'a: False', 'a: null', 'a: Null', "a: 'x'y'", "a: '", "a: 'x", "a:\n  - 'x''\n"])('what js-yaml reads otherwise or rejects: %j', (yaml) => {
    expect(parseYamlSubset(yaml)).toBeUndefined();
  });
});

describe('normalizeBody', () => {
  // The definition the fast path must agree with.
  const byRegex = (body: string) => body.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
  it.each(['', '\n', '\n\n# T\n\nx\n', '# T\n', '\n  \n# T', '\n\t\n\r\nx', '\r\n\r\nx  ', '  x', '\n\n  x\n', '\n\n\n'])('%j', (body) => {
    expect(normalizeBody(body)).toBe(byRegex(body));
  });
});

describe('splitSubsetFrontMatter', () => {
  const grayMatter = (text: string) => {
    const file = matter(text, { excerpt: false, engines: { yaml: { parse: (input: string) => parseYamlSubset(input) ?? jsYaml.parse(input) as object } } });
    return { data: file.data, content: file.content };
  };

  it('splits exactly as gray-matter does, or declines', () => {
    const rendered = [aTask(), aSpec(), anIncident({ severity: 'low' }), aTask({ summary: 'true' })].map(renderWorkDocument);
    const texts = [
      ...rendered,
      ...rendered.map((t) => t.replace('\n---\n', '\n---\r\n')),
      ...rendered.map((t) => t.replace('\n---\n', '\n---')),
      ...rendered.map((t) => t.replace(/\n---\n[\s\S]*$/, '\n')),
      ...rendered.map((t) => `${t}\n---\nmore: x\n`),
      '---\n---\nbody', '---\n\n---\n\n\nbody\n', '---\na: b\n----\nx', '---\na: b\n---x\ny', '---\na: b', '---\r\na: b\r\n---\r\nx', '----\na: b\n---\n', '---yaml\na: b\n---\n',
      '---\n# c\na: b\n---\n', '---\n  \n---\nx', 'a: b\n---\n',
    ];
    let fastPath = 0;
    for (const text of texts) {
      const fast = splitSubsetFrontMatter(text);
      if (fast === undefined) continue;
      fastPath += 1;
      expect(fast).toEqual(grayMatter(text));
    }
    expect(fastPath).toBeGreaterThan(texts.length / 2);
  });
});
