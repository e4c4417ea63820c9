import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { INPUT_SIZE_LIMITS, MAX_ID_LENGTH, textNestingTooDeep, treeProblem, weightBudgetFor } from '../../../src/contracts/input-limits.js';
import { z } from 'zod';
import { readBoundedBytesSync, readBoundedTextSync, readTailTextSync } from '../../../src/workspace/bounded-read.js';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { enqueueWorkItem } from '../../../src/workspace/queue/enqueue.js';
import { readJsonFile } from '../../../src/workspace/state/read-json.js';
import { parseWorkDocument } from '../../../src/workspace/documents/index.js';
import { validateWorkDocumentJson, validateWorkDocumentText } from '../../../src/workspace/documents/index.js';
import { parseEnvelopeText } from '../../../src/workspace/mailbox/parse-envelope.js';

export const BILLION_LAUGHS = [
  '---',
  'task_id: lol',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
  'tags: *i',
  '---',
  '',
].join('\n');

const task = (extra: string[] = [], id = 't1') =>
  ['---', `task_id: ${id}`, 'title: T', 'created_at: 2026-01-01T00:00:00Z', 'created_by: me', 'target_paths: [a]', 'acceptance: [a]', 'required_checks: [a]', 'references: [a]', 'risk: [a]', ...extra, '---', 'Body.', ''].join('\n');

describe('parse limits of work documents', () => {
  it('a billion-laughs front matter is refused without expanding it', () => {
    expect(BILLION_LAUGHS.length).toBeLessThan(700);
    const result = validateWorkDocumentText('task', BILLION_LAUGHS, 'lol.md');
    expect(result).toEqual({ ok: false, problems: [{ file: 'lol.md', field: expect.any(String), message: 'expands beyond the document size (YAML aliases?)' }] });
  });

  it('aliases that do not multiply the document are still accepted', () => {
    const result = validateWorkDocumentText('task', task(['tags: &t [x]', 'blocks: *t']), 't1.md');
    expect(result.ok).toBe(true);
  });

  it('deep flow nesting is refused before the YAML parser sees it; deep block nesting after', () => {
    const flow = validateWorkDocumentText('task', task([`tags: ${'['.repeat(100_000)}${']'.repeat(100_000)}`]), 't1.md');
    expect(flow).toEqual({ ok: false, problems: [{ file: 't1.md', field: '(front matter)', message: 'nests deeper than the limit of 32 levels' }] });
    const block = validateWorkDocumentText('task', task(['tags:', ...Array.from({ length: 40 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`)]), 't1.md');
    expect(block.ok).toBe(false);
    expect(!block.ok && block.problems[0]!.message).toBe('nests deeper than the limit of 32 levels');
  });

  it('JSON documents: nesting and prototype keys are refused', () => {
    const deep = validateWorkDocumentJson('task', `{"task_id": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`, 'd.json');
    expect(!deep.ok && deep.problems[0]).toEqual({ file: 'd.json', field: '(document)', message: 'nests deeper than the limit of 32 levels' });
    const proto = validateWorkDocumentJson('task', '{"task_id": "x", "__proto__": {"title": "From the prototype"}}', 'p.json');
    expect(!proto.ok && proto.problems[0]).toEqual({ file: 'p.json', field: '__proto__', message: 'key is not allowed (it would reach the prototype)' });
  });

  it('a __proto__, constructor or prototype key in front matter is refused by name, never filling fields', () => {
    const proto = validateWorkDocumentText('task', ['---', 'task_id: p1', '__proto__:', '  title: From the prototype', '---', ''].join('\n'), 'p1.md');
    expect(!proto.ok && proto.problems).toEqual([{ file: 'p1.md', field: '__proto__', message: 'key is not allowed (it would reach the prototype)' }]);
    for (const key of ['constructor', 'prototype']) {
      const result = validateWorkDocumentText('task', task([`${key}: x`]), 't1.md');
      expect(!result.ok && result.problems).toEqual([{ file: 't1.md', field: key, message: 'key is not allowed (it would reach the prototype)' }]);
    }
  });

  it('ids are at most 128 characters', () => {
    expect(validateWorkDocumentText('task', task([], 'a'.repeat(MAX_ID_LENGTH)), 'x.md').ok).toBe(true);
    const long = validateWorkDocumentText('task', task([], 'a'.repeat(MAX_ID_LENGTH + 1)), 'x.md');
    expect(!long.ok && long.problems).toEqual([{ file: 'x.md', field: 'task_id', message: 'must be at most 128 characters' }]);
  });

  it('text over the size limit is refused without parsing', () => {
    const result = validateWorkDocumentText('task', task() + 'x'.repeat(INPUT_SIZE_LIMITS['work document']), 'big.md');
    expect(!result.ok && result.problems).toEqual([{ file: 'big.md', field: '(file)', message: 'larger than the 1 MiB limit for a work document' }]);
  });
});

describe('treeProblem and textNestingTooDeep', () => {
  it('walks iteratively: a million-deep value does not overflow the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 1_000_000; i += 1) deep = [deep];
    expect(treeProblem(deep, { maxWeight: Number.MAX_SAFE_INTEGER })?.message).toBe('nests deeper than the limit of 32 levels');
  });

  it('brackets inside quoted strings and comments do not count', () => {
    expect(textNestingTooDeep(`title: "${'['.repeat(100)}"\nsummary: '${'{'.repeat(100)}'\n# ${'['.repeat(100)}\n`)).toBe(false);
    expect(textNestingTooDeep(`{"a": "${'['.repeat(100)}", "b": ${'['.repeat(33)}${']'.repeat(33)}}`)).toBe(true);
  });

  it('a budget from the text length leaves ordinary values alone', () => {
    const value = { a: ['x'.repeat(1000), 'y'], b: { c: 'z' } };
    const text = JSON.stringify(value);
    expect(treeProblem(value, { maxWeight: weightBudgetFor(text) })).toBeUndefined();
  });
});

describe('bounded reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-bounded-'));

  it('refuses a file over its limit without reading it, a directory, a FIFO and (with noFollow) a symbolic link', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(INPUT_SIZE_LIMITS['config file'] + 1, 0x20));
    expect(() => readBoundedTextSync(big, 'config file', { display: 'big.json', code: 'CONFIG_INVALID' })).toThrow('big.json: (file): larger than the 1 MiB limit for a config file');
    mkdirSync(join(dir, 'folder'));
    expect(() => readBoundedTextSync(join(dir, 'folder'), 'work document', { display: 'folder' })).toThrow('folder: (file): is a directory, not a file');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(() => readBoundedTextSync(join(dir, 'fifo'), 'state file', { display: 'fifo' })).toThrow('fifo: (file): is a FIFO (named pipe), not a file');
    writeFileSync(join(dir, 'real.md'), 'text');
    symlinkSync(join(dir, 'real.md'), join(dir, 'link.md'));
    expect(() => readBoundedTextSync(join(dir, 'link.md'), 'work document', { display: 'link.md', noFollow: true })).toThrow('link.md: (file): is a symbolic link (refused)');
    expect(readBoundedTextSync(join(dir, 'link.md'), 'work document')?.text).toBe('text');
    expect(readBoundedTextSync(join(dir, 'missing.md'), 'work document')).toBeUndefined();
  });

  it('gives every byte of a file of any size up to the limit, and the stat of what it read', () => {
    const limit = INPUT_SIZE_LIMITS['work document'];
    for (const size of [0, 1, 4095, 4096, 4097, 65_537, limit]) {
      const path = join(dir, `sized-${size}.md`);
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i += 1) bytes[i] = 97 + ((i * 7) % 26);
      writeFileSync(path, bytes);
      const read = readBoundedBytesSync(path, 'work document');
      expect({ size, same: read?.bytes.equals(bytes), statSize: read?.stat.size }).toEqual({ size, same: true, statSize: BigInt(size) });
    }
  });
});

describe('other readers and writers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-readers-'));

  it('a state file that is a FIFO is refused at once instead of blocking the reader', async () => {
    execFileSync('mkfifo', [join(dir, 'snapshot.json')]);
    await expect(readJsonFile(join(dir, 'snapshot.json'), z.object({}), { workspaceRoot: dir, absent: () => ({}) })).rejects.toThrow('snapshot.json: is a FIFO (named pipe), not a file');
  });

  it('a tail read returns the last bytes only, never cutting a UTF-8 sequence', () => {
    writeFileSync(join(dir, 'out.txt'), `${'a'.repeat(1000)}é${'b'.repeat(9)}`);
    expect(readTailTextSync(join(dir, 'out.txt'), 10)).toEqual({ text: 'b'.repeat(9), omittedBytes: 1002 });
    expect(readTailTextSync(join(dir, 'out.txt'), 11)).toEqual({ text: `é${'b'.repeat(9)}`, omittedBytes: 1000 });
  });

  it('enqueue refuses a document whose canonical text would exceed the document limit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'millrace-enqueue-'));
    const paths = workspacePaths(root);
    const body = `# Big\n\nTask-ID: big\nCreated-At: 2026-01-01T00:00:00Z\nCreated-By: me\nTarget-Paths:\n- a\nAcceptance:\n- a\nRequired-Checks:\n- a\nReferences:\n- a\nRisk:\n- a\n\n`;
    const text = body + 'x'.repeat(INPUT_SIZE_LIMITS['work document'] - body.length - 10);
    const doc = parseWorkDocument('task', text, 'big.md');
    await expect(enqueueWorkItem(paths, doc)).rejects.toThrow('tasks/queue/big.md: (file): canonical text would be larger than the 1 MiB limit for a work document');
  });
});

describe('mailbox envelopes', () => {
  const envelope = (payload: string) => `{"schema_version":"1.0","kind":"mailbox_command","command_id":"c1","command":"add_task","issued_at":"2026-01-01T00:00:00Z","issuer":"operator","payload":${payload}}`;

  it('are parsed within limits; every refusal is one line naming the file and the field', () => {
    expect(parseEnvelopeText(envelope('{"document":{"task_id":"t1"}}'), 'e.json').command).toBe('add_task');
    const refusal = (text: string) => {
      try {
        parseEnvelopeText(text, 'e.json');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal(envelope(`{"document":{"tags":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`))).toBe('e.json: (root): nests deeper than the limit of 32 levels');
    expect(refusal(envelope('{"document":{"__proto__":{"task_id":"x"}}}'))).toBe('e.json: payload.document.__proto__: key is not allowed (it would reach the prototype)');
    expect(refusal(envelope(`{"document":{"body":"${'x'.repeat(INPUT_SIZE_LIMITS['mailbox envelope'])}"}}`))).toBe('e.json: (file): larger than the 2 MiB limit for a mailbox envelope');
    expect(refusal(envelope('{"document":{}}').replace('"c1"', JSON.stringify('c'.repeat(129))))).toBe('e.json: command_id: must be at most 128 characters');
    expect(refusal('{"schema_version":')).toMatch(/^e\.json: \(root\): invalid JSON: /);
  });
});
