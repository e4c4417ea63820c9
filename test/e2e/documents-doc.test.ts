import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { QueueLsResult } from '../../src/commands/queue/ls.js';
import type { QueueShowResult } from '../../src/commands/queue/show.js';
import { IncidentDocumentSchema, SpecDocumentSchema, TaskDocumentSchema } from '../../src/contracts/documents.js';
import { jsonOf, REPO_ROOT, runCli } from '../support/cli.js';
import { createRuntimeWorkspace } from '../support/runtime-workspace.js';

/** docs/documents.md is the user's reference for work documents: its example and field tables must stay true. */
const DOC = readFileSync(join(REPO_ROOT, 'docs', 'documents.md'), 'utf8');
const SLOW = 300_000;

function sectionOf(heading: string): string {
  const start = DOC.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`docs/documents.md has no heading ${heading}`);
  const rest = DOC.slice(start + heading.length + 2);
  const next = rest.search(/^#{2,3} /m);
  return next === -1 ? rest : rest.slice(0, next);
}

function exampleTask(): string {
  const block = /```markdown\n([\s\S]*?)```/.exec(sectionOf('### Example task (runnable as is)'));
  if (!block) throw new Error('no ```markdown block under "Example task (runnable as is)"');
  return block[1]!;
}

type FieldRow = { field: string; required: boolean; type: string; example: string };

/** The `| field | required | type | example | meaning |` rows of a field table. */
function fieldTable(heading: string): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const line of sectionOf(heading).split('\n')) {
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    const field = /^`([a-z_]+)`$/.exec(cells[0] ?? '');
    if (!field || cells.length !== 5) continue;
    rows.push({ field: field[1]!, required: cells[1]!.startsWith('required'), type: cells[2]!, example: /^`(.*)`$/.exec(cells[3]!)?.[1] ?? cells[3]! });
  }
  return rows;
}

type AnySchema = { shape: Record<string, z.ZodType> };
/** Required = the schema refuses the field when it is absent (no default, not optional). */
const schemaFields = (schema: AnySchema) => Object.entries(schema.shape).map(([field, s]) => ({ field, required: !s.safeParse(undefined).success }));

const TABLES = [
  { heading: '### Task (`tasks/*/<task_id>.md`)', schema: TaskDocumentSchema as unknown as AnySchema },
  { heading: '### Spec (`specs/*/<spec_id>.md`)', schema: SpecDocumentSchema as unknown as AnySchema },
  { heading: '### Incident (`incidents/*/<incident_id>.md`)', schema: IncidentDocumentSchema as unknown as AnySchema },
] as const;

describe('docs/documents.md', () => {
  it.each(TABLES)('$heading names every field of the schema, in order, required exactly where the schema requires it', ({ heading, schema }) => {
    const documented = fieldTable(heading).map(({ field, required }) => ({ field, required }));
    expect(documented).toEqual(schemaFields(schema));
  });

  it('the example task is added by the real CLI as it is, waits on nothing, and the next run once works it', async () => {
    const ws = await createRuntimeWorkspace();
    try {
      const text = exampleTask();
      const id = /^task_id: (\S+)$/m.exec(text)![1]!;
      writeFileSync(join(ws.root, 'task.md'), text);
      const add = await runCli(['queue', 'add-task', 'task.md', '-w', ws.root], { cwd: ws.root });
      expect({ exit: add.exitCode, stderr: add.stderr }).toEqual({ exit: 0, stderr: '' });
      const ls = jsonOf<JsonSuccess<QueueLsResult>>(await runCli(['queue', 'ls', '-w', ws.root, '--json'])).result;
      expect(ls.dependency_problems).toEqual([]);
      expect(ls.next.execution).toMatchObject({ status: 'claimable', id });
      const once = await runCli(['run', 'once', '-w', ws.root], { env: { CI: '1' } });
      expect({ exit: once.exitCode, stderr: once.stderr }).toMatchObject({ exit: 0 });
      expect(once.stdout).toContain('stage: builder\nterminal_result: BUILDER_COMPLETE\n');
      const shown = jsonOf<JsonSuccess<QueueShowResult>>(await runCli(['queue', 'show', id, '-w', ws.root, '--json'])).result;
      expect(shown.work_item_state).toBe('active');
    } finally {
      rmSync(ws.root, { recursive: true, force: true });
    }
  }, SLOW);

  it('the examples of each field table, together, make a document the CLI accepts', async () => {
    const ws = await createRuntimeWorkspace();
    try {
      const documentOf = (heading: string) => ['---', ...fieldTable(heading).map((r) => `${r.field}: ${r.example}`), '---', '', 'Body.', ''].join('\n');
      writeFileSync(join(ws.root, 'task.md'), documentOf(TABLES[0].heading));
      writeFileSync(join(ws.root, 'spec.md'), documentOf(TABLES[1].heading));
      const task = await runCli(['queue', 'add-task', 'task.md', '-w', ws.root], { cwd: ws.root });
      expect({ exit: task.exitCode, stderr: task.stderr }).toEqual({ exit: 0, stderr: '' });
      const spec = await runCli(['queue', 'add-spec', 'spec.md', '-w', ws.root], { cwd: ws.root });
      expect({ exit: spec.exitCode, stderr: spec.stderr }).toEqual({ exit: 0, stderr: '' });
      const incident = documentOf(TABLES[2].heading);
      const incidentId = /^incident_id: (\S+)$/m.exec(incident)![1]!;
      writeFileSync(join(ws.runtime, 'incidents', 'incoming', `${incidentId}.md`), incident);
      const ls = jsonOf<JsonSuccess<QueueLsResult>>(await runCli(['queue', 'ls', '-w', ws.root, '--json'])).result;
      expect(ls.invalid).toEqual([]);
      expect(ls.counts).toMatchObject({ task: { queue: 1 }, spec: { queue: 1 }, incident: { incoming: 1 } });
    } finally {
      rmSync(ws.root, { recursive: true, force: true });
    }
  }, SLOW);
});
