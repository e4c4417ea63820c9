import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { DoctorReport } from '../../src/views/doctor.js';
import type { QueueLsResult, QueueShowResult } from '../../src/views/queue.js';
import type { RunsLsResult } from '../../src/commands/runs/ls.js';
import type { RunsShowResult } from '../../src/commands/runs/show.js';
import type { RunsTailResult } from '../../src/commands/runs/tail.js';
import { createRuntimeWorkspace, millrace } from '../support/runtime-workspace.js';

const slow = (name: string, fn: () => Promise<void>) => it(name, fn, 180_000);
// Raw terminal controls: C0 other than \t and \n, DEL, C1, bidi overrides and isolates.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const FIELDS = ['created_at: 2026-01-01T00:00:00Z', 'created_by: me', 'target_paths: [a]', 'acceptance: [a]', 'required_checks: [a]', 'references: [a]', 'risk: [a]'];

function writeDoc(runtime: string, id: string, lines: string[], body = 'Body.') {
  writeFileSync(join(runtime, 'tasks', 'queue', `${id}.md`), ['---', `task_id: ${id}`, ...lines, '---', body, ''].join('\n'));
}

describe('text output never passes terminal control characters; JSON stays exact', () => {
  slow('queue show, queue ls, status, doctor and error lines escape controls from documents', async () => {
    const ws = await createRuntimeWorkspace();
    const title = 'Red \u001b[31m alert \u202eevil\u0007';
    writeDoc(ws.runtime, 'shown', [`title: ${JSON.stringify(title)}`, ...FIELDS], 'Body with \u001b]0;pwned\u0007 and \u009b31m.');
    writeDoc(ws.runtime, 'bad', ['title: Bad', '"\\e[2Jwipe": 1', ...FIELDS]);

    const shown = await millrace(['queue', 'show', 'shown', '-w', ws.root]);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).not.toMatch(RAW_CONTROL);
    expect(shown.stdout).toContain('title: Red \\x1b[31m alert \\u202eevil\\x07');
    const json = JSON.parse((await millrace(['queue', 'show', 'shown', '-w', ws.root, '--json'])).stdout) as JsonSuccess<QueueShowResult>;
    expect(json.result.title).toBe(title);
    expect(json.result.body).toBe('Body with \u001b]0;pwned\u0007 and \u009b31m.');

    const error = await millrace(['queue', 'show', 'bad', '-w', ws.root]);
    expect(error.exitCode).toBe(1);
    expect(error.stderr).not.toMatch(RAW_CONTROL);
    expect(error.stderr).toContain('\\x1b[2Jwipe: unexpected field');

    for (const args of [['queue', 'ls'], ['status'], ['doctor']]) {
      const r = await millrace([...args, '-w', ws.root]);
      expect({ args, raw: RAW_CONTROL.test(r.stdout + r.stderr) }).toEqual({ args, raw: false });
      expect(r.stdout).toContain('\\x1b[2Jwipe');
    }
    const ls = JSON.parse((await millrace(['queue', 'ls', '-w', ws.root, '--json'])).stdout) as JsonSuccess<QueueLsResult>;
    expect(ls.result.invalid[0]!.problems[0]).toContain('\u001b[2Jwipe: unexpected field');
  });
});

describe('runs tail of agent output', () => {
  slow('prints at most the last 1 MiB of a huge artifact, with controls escaped in text and exact in JSON', async () => {
    const ws = await createRuntimeWorkspace();
    writeDoc(ws.runtime, 't1', ['title: T', ...FIELDS]);
    expect((await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '2'])).exitCode).toBe(0);
    const runs = JSON.parse((await millrace(['runs', 'ls', '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsLsResult>;
    const runId = runs.result.runs[0]!.run_id;
    const show = JSON.parse((await millrace(['runs', 'show', runId, '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsShowResult>;
    const stdoutPath = join(show.result.run_dir, show.result.primary_stdout_path!);
    const end = 'agent says \u001b[2J\u202e done\n';
    writeFileSync(stdoutPath, 'x'.repeat(3 * 1024 * 1024) + end);
    const text = await millrace(['runs', 'tail', runId, '-w', ws.root]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).not.toMatch(RAW_CONTROL);
    expect(text.stdout.startsWith(`[first ${3 * 1024 * 1024 + Buffer.byteLength(end) - 1024 * 1024} bytes omitted]`)).toBe(true);
    expect(text.stdout.endsWith('agent says \\x1b[2J\\u202e done')).toBe(true);
    const json = JSON.parse((await millrace(['runs', 'tail', runId, '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsTailResult>;
    expect(json.result.content.endsWith(end)).toBe(true);
    expect(json.result.content.length).toBeLessThan(1024 * 1024 + 100);
  });
});

describe('dependencies that can never be met are reported, not waited on silently', () => {
  slow('queue ls (text and --json) and doctor name self-dependencies, cycles and ids that exist nowhere', async () => {
    const ws = await createRuntimeWorkspace();
    writeDoc(ws.runtime, 'self', ['title: Self', 'depends_on: [self]', ...FIELDS]);
    writeDoc(ws.runtime, 'ring-a', ['title: A', 'depends_on: [ring-b]', ...FIELDS]);
    writeDoc(ws.runtime, 'ring-b', ['title: B', 'depends_on: [ring-a]', ...FIELDS]);
    writeDoc(ws.runtime, 'orphan', ['title: Orphan', 'depends_on: [ghost-1, ring-a]', ...FIELDS]);

    const text = await millrace(['queue', 'ls', '-w', ws.root]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout.split('\n').slice(-4)).toEqual([
      'dependency_problems: 3',
      '  task orphan depends on an id that exists nowhere: ghost-1',
      '  tasks ring-a, ring-b depend on each other in a cycle',
      '  task self depends on itself',
    ]);
    expect(text.stdout).toContain('next_execution: none (4 waiting on dependencies or scope)');
    const json = JSON.parse((await millrace(['queue', 'ls', '-w', ws.root, '--json'])).stdout) as JsonSuccess<QueueLsResult>;
    expect(json.result.dependency_problems.map(({ problem, task_id, ids }) => ({ problem, task_id, ids }))).toEqual([
      { problem: 'missing_dependency', task_id: 'orphan', ids: ['ghost-1'] },
      { problem: 'dependency_cycle', task_id: 'ring-a', ids: ['ring-a', 'ring-b'] },
      { problem: 'self_dependency', task_id: 'self', ids: ['self'] },
    ]);

    const doctor = JSON.parse((await millrace(['doctor', '-w', ws.root, '--json'])).stdout) as JsonSuccess<DoctorReport>;
    const findings = doctor.result.findings.filter((f) => ['missing_dependency', 'dependency_cycle', 'self_dependency'].includes(f.code));
    expect(findings.map((f) => [f.severity, f.code, f.message])).toEqual([
      ['error', 'dependency_cycle', 'tasks ring-a, ring-b depend on each other in a cycle'],
      ['error', 'self_dependency', 'task self depends on itself'],
      ['warning', 'missing_dependency', 'task orphan depends on an id that exists nowhere: ghost-1'],
    ]);
    const doctorText = await millrace(['doctor', '-w', ws.root]);
    expect(doctorText.stdout).toContain('error: dependency_cycle');
    expect(doctorText.stdout).toContain('tasks ring-a, ring-b depend on each other in a cycle');
  });
});
