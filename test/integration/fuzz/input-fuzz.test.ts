import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { isMillraceError } from '../../../src/errors/index.js';
import { validateWorkDocumentJson, validateWorkDocumentText } from '../../../src/workspace/documents/index.js';
import { parseEnvelopeText } from '../../../src/workspace/mailbox/parse-envelope.js';
import { BIN } from '../../support/runtime-workspace.js';

/**
 * Fuzz: a few hundred malformed documents, configs and envelopes from a seeded PRNG (the seed is fixed, so a
 * failure reproduces). Every input must be accepted or refused with one line naming the file and a field: no
 * crash (no INTERNAL, RangeError or stack), no hang, and no lost or changed document in a queue folder.
 */

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20261205);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

const TASK_LINES = ['task_id: fz', 'title: Fuzzed task', 'created_at: 2026-01-01T00:00:00Z', 'created_by: fuzz', 'depends_on: [a, b]', 'target_paths: [src/a.ts]', 'acceptance: [works]', 'required_checks: [npm test]', 'references: [none]', 'risk: [low]'];
const BOMB = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'tags: *i'];
const TRAVERSAL_IDS = ['../x', '../../etc/passwd', 'a/b', '..', '.', '/abs', 'x\u0000y', ' spaced ', 'a'.repeat(129), 'C:\\\\x', '%2e%2e'];
const VALUES = ['[]', '{}', '{a: 1}', '42', '-1.5e308', 'true', 'null', '~', '""', "'", '"unterminated', '[unclosed', '&anchor x', '*nowhere', '!!binary aGVsbG8=', '!!js/function "function(){}"', '!!python/object:os.system x', '!custom tag', '!!timestamp 2026-13-45', '2026-02-30', '|\n  block', '>-\n  folded', '? complex\n: key'];

/** One mutation of a valid front-matter task; the name says which for failure messages. */
function mutateDocument(): { name: string; text: string } {
  const lines = ['---', ...TASK_LINES, '---', 'Body text.', ''];
  const text = lines.join('\n');
  switch (int(12)) {
    case 0:
      return { name: 'truncation', text: text.slice(0, int(text.length)) };
    case 1: {
      const at = 1 + int(TASK_LINES.length);
      lines[at] = `${lines[at]!.split(':')[0]}: ${pick(VALUES)}`;
      return { name: 'wrong type or tag', text: lines.join('\n') };
    }
    case 2: {
      const depth = 20 + int(5000);
      return { name: `deep flow nesting ${depth}`, text: text.replace('tags', 'x').replace('risk: [low]', `risk: ${'['.repeat(depth)}${']'.repeat(int(2) ? depth : 0)}`) };
    }
    case 3: {
      const depth = 20 + int(60);
      const nested = Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n');
      return { name: `deep block nesting ${depth}`, text: text.replace('risk: [low]', `risk:\n${nested}`) };
    }
    case 4:
      return { name: 'alias bomb', text: text.replace('risk: [low]', BOMB.join('\n')) };
    case 5: {
      const junk = pick(['\u0000', '\uFEFF', '\r\n', '\r', '\u001b[2J', '\u202e', '\ud800', '\t', '\u0085']);
      const at = int(text.length);
      return { name: `control ${JSON.stringify(junk)}`, text: text.slice(0, at) + junk + text.slice(at) };
    }
    case 6:
      return { name: 'CRLF and BOM', text: `\uFEFF${text.replace(/\n/g, '\r\n')}` };
    case 7: {
      const size = pick([64 * 1024, 900 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024]);
      return { name: `huge field ${size}`, text: text.replace('title: Fuzzed task', `title: ${'x'.repeat(size)}`) };
    }
    case 8: {
      const key = pick(['__proto__', 'constructor', 'prototype']);
      return { name: `prototype key ${key}`, text: text.replace('risk: [low]', pick([`${key}:\n  title: injected`, `${key}: x`, `"${key}": {}`])) };
    }
    case 9: {
      const id = pick(TRAVERSAL_IDS);
      return { name: `traversal id ${JSON.stringify(id)}`, text: text.replace('task_id: fz', `task_id: ${JSON.stringify(id)}`) };
    }
    case 10: {
      const repeated = int(2) ? 'title: again' : 'task_id: twice';
      return { name: 'duplicate key', text: text.replace('created_by: fuzz', `created_by: fuzz\n${repeated}`) };
    }
    default:
      return { name: 'labelled format garbage', text: `# ${pick(['Title', '', '\u0000'])}\nTask-ID: ${pick(TRAVERSAL_IDS)}\nDepends-On:\n- ${pick(VALUES)}\n${pick(['Title: other', 'Risk: x', 'Tags:\n  - [', ''])}\n` };
  }
}

function mutateJson(): { name: string; text: string } {
  const base = { task_id: 'fz', title: 'T', created_at: '2026-01-01T00:00:00Z', created_by: 'f', target_paths: ['a'], acceptance: ['a'], required_checks: ['a'], references: ['a'], risk: ['a'] };
  const text = JSON.stringify(base);
  switch (int(6)) {
    case 0:
      return { name: 'json truncation', text: text.slice(0, int(text.length)) };
    case 1:
      return { name: 'json deep', text: text.replace('["a"]', `${'['.repeat(10 + int(100_000))}${']'.repeat(10 + int(100_000))}`) };
    case 2:
      return { name: 'json proto', text: text.replace('{', `{"${pick(['__proto__', 'constructor', 'prototype'])}": {"title": "x"},`) };
    case 3:
      return { name: 'json wrong type', text: text.replace('"T"', pick(['[]', '{}', '1', 'null', 'true'])) };
    case 4:
      return { name: 'json traversal', text: text.replace('"fz"', JSON.stringify(pick(TRAVERSAL_IDS))) };
    default:
      return { name: 'json not an object', text: pick(['[]', '"x"', '1', 'null', '', '\uFEFF{}']) };
  }
}

const ONE_LINE_PROBLEM = (file: string) => (p: { file: string; field: string; message: string }) => p.file === file && p.field.length > 0 && p.message.length > 0 && !p.message.includes('\n');

describe('fuzz: work documents, in process', () => {
  it('300 front-matter and labelled documents: accepted, or refused naming the file and a field', () => {
    for (let i = 0; i < 300; i += 1) {
      const { name, text } = mutateDocument();
      const file = `tasks/queue/fz-${i}.md`;
      let result: ReturnType<typeof validateWorkDocumentText>;
      try {
        result = validateWorkDocumentText('task', text, file);
      } catch (error) {
        throw new Error(`input ${i} (${name}) crashed the parser: ${String(error)}`);
      }
      if (!result.ok) expect({ i, name, named: result.problems.length > 0 && result.problems.every(ONE_LINE_PROBLEM(file)) }).toEqual({ i, name, named: true });
    }
  });

  it('100 JSON documents: accepted, or refused naming the file and a field', () => {
    for (let i = 0; i < 100; i += 1) {
      const { name, text } = mutateJson();
      const result = validateWorkDocumentJson('task', text, 'in.json');
      if (!result.ok) expect({ i, name, named: result.problems.every(ONE_LINE_PROBLEM('in.json')) }).toEqual({ i, name, named: true });
    }
  });
});

describe('fuzz: mailbox envelopes, in process', () => {
  it('100 envelopes: parsed, or one ENVELOPE_INVALID line naming the file', () => {
    const valid = { schema_version: '1.0', kind: 'mailbox_command', command_id: 'c1', command: 'add_task', issued_at: '2026-01-01T00:00:00Z', issuer: 'operator', payload: { document: { task_id: 't' } } };
    for (let i = 0; i < 100; i += 1) {
      let text = JSON.stringify(valid);
      const kind = int(7);
      if (kind === 0) text = text.slice(0, int(text.length));
      if (kind === 1) text = text.replace('{"task_id":"t"}', `{"a":${'['.repeat(int(50_000))}${']'.repeat(int(50_000))}}`);
      if (kind === 2) text = text.replace('"payload":', `"${pick(['__proto__', 'constructor', 'prototype'])}":{},"payload":`);
      if (kind === 3) text = text.replace('"c1"', JSON.stringify(pick(TRAVERSAL_IDS)));
      if (kind === 4) text = text.replace('"add_task"', JSON.stringify(pick(['nope', '', 'stop', '__proto__'])));
      if (kind === 5) text = text.replace('"t"', JSON.stringify('x'.repeat(pick([10, 3 * 1024 * 1024]))));
      if (kind === 6) text = pick(['', 'null', '[]', '\uFEFF{}', '{"schema_version":"1.0"}']);
      try {
        parseEnvelopeText(text, 'incoming/e.json');
      } catch (error) {
        expect({ i, kind, millrace: isMillraceError(error) }).toEqual({ i, kind, millrace: true });
        const message = (error as Error).message;
        expect({ i, kind, line: message.includes('\n') ? 'many lines' : message.slice(0, 17), code: (error as { code: string }).code }).toEqual({ i, kind, line: 'incoming/e.json: ', code: 'ENVELOPE_INVALID' });
      }
    }
  });
});

describe('fuzz: config files, in process', () => {
  it('60 configs in every format: loaded, or CONFIG_INVALID lines that each name a file and a key', async () => {
    const root = mkdtempSync(join(tmpdir(), 'millrace-fuzz-config-'));
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'millrace-agents'));
    const formats = ['millrace-agents/millrace.toml', '.millracerc.json', '.millracerc.yaml', '.millracerc', 'package.json'] as const;
    try {
      for (let i = 0; i < 60; i += 1) {
        for (const f of formats) rmSync(join(root, f), { force: true });
        const format = pick(formats);
        const key = pick(['runtime', 'watchers', 'stages', 'recovery', '__proto__', 'constructor', 'prototype', 'runners']);
        const inner = pick(['idle_sleep_seconds', 'debounce_ms', 'builder', '__proto__', 'x', 'max_fix_cycles']);
        const value = pick(['1', '-1', '2147483648', '"text"', '[1, 2]', '{}', '1e400', 'true']);
        let text: string;
        if (format.endsWith('.toml')) text = pick([`[${key}]\n${inner} = ${value}\n`, `${key}.${inner} = ${value}\n`, `[${key}\n`, `x = ${'['.repeat(int(300))}`]);
        else if (format === '.millracerc.yaml') text = pick([`${key}:\n  ${inner}: ${value}\n`, `${key}: [\n`, [...BOMB.map((l) => l.replace('tags', 'runtime'))].join('\n'), `${key}: !!js/function "x"\n`]);
        else {
          const body = pick([`{"${key}": {"${inner}": ${value}}}`, `{"${key}": ${'['.repeat(int(100_000))}`, '{"runtime": ', `{"${key}": {"${inner}": "\u0000\u001b"}}`]);
          text = format === 'package.json' ? `{"name": "x", "millrace": ${body}}` : body;
        }
        writeFileSync(join(root, format), text);
        try {
          await loadConfig({ workspaceRoot: root });
        } catch (error) {
          expect({ i, format, millrace: isMillraceError(error) && (error as { code: string }).code === 'CONFIG_INVALID', text: isMillraceError(error) ? '' : String(error) }).toEqual({ i, format, millrace: true, text: '' });
          for (const line of (error as Error).message.split('\n')) expect({ i, format, line: /^(config|[^:\s]+): \S/.test(line) }).toEqual({ i, format, line: true });
        }
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('fuzz: through the real CLI', () => {
  it('add-task of 8 malformed documents and queue ls/show/doctor over 30 more in the queue folder: no crash, nothing lost or changed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'millrace-fuzz-cli-'));
    const run = (args: string[]) => execa('node', [BIN, ...args, '-w', root], { reject: false, timeout: 60_000, env: { CI: '1', NO_COLOR: '1' } });
    try {
      await run(['init']);
      const queue = join(root, 'millrace-agents', 'tasks', 'queue');
      const placed = new Map<string, Buffer>();
      for (let i = 0; i < 30; i += 1) {
        const { text } = int(4) === 0 ? mutateJson() : mutateDocument();
        const bytes = Buffer.from(text, 'utf8');
        placed.set(`fz-${i}.md`, bytes);
        writeFileSync(join(queue, `fz-${i}.md`), bytes);
      }
      const crashed = (r: { exitCode?: number; stdout: string; stderr: string }) => r.exitCode === 10 || /INTERNAL|RangeError|\n\s+at /.test(r.stdout + r.stderr);
      for (const args of [['queue', 'ls'], ['doctor', '--json'], ['queue', 'show', `fz-${int(30)}`, '--json']]) {
        const r = await run(args);
        expect({ args, crashed: crashed(r), exit: r.exitCode }).toEqual({ args, crashed: false, exit: expect.any(Number) });
      }
      for (let i = 0; i < 8; i += 1) {
        const { name, text } = mutateDocument();
        const file = join(root, `in-${i}.md`);
        writeFileSync(file, text);
        const r = await run(['queue', 'add-task', file]);
        expect({ i, name, crashed: crashed(r) }).toEqual({ i, name, crashed: false });
        // Refused: one line naming the file and a field (or, for a valid document whose id is taken, the existing file).
        if (r.exitCode !== 0) expect({ i, name, line: r.stderr.split('\n')[0] }).toEqual({ i, name, line: expect.stringMatching(/^Error \([A-Z_]+\): (\S.*in-\d+\.md: (\([a-z ]+\)|[^\s:]+): \S|task \S+ already exists at tasks\/queue\/\S+\.md$)/) });
      }
      // Refused input changed nothing in the queue folder: every placed file is still there, byte for byte.
      for (const [name, bytes] of placed) expect({ name, same: readFileSync(join(queue, name)).equals(bytes) }).toEqual({ name, same: true });
      const accepted = readdirSync(queue).filter((n) => !placed.has(n) && n.endsWith('.md'));
      expect(accepted.every((n) => /^[A-Za-z0-9][A-Za-z0-9._-]*\.md$/.test(n))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 240_000);
});
