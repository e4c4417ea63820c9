import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT_SIZE_LIMITS, sizeLimitMessage, type InputKind } from '../../src/contracts/input-limits.js';
import { createRuntimeWorkspace, millrace, writeTask } from '../support/runtime-workspace.js';

/**
 * Every state file has a size limit by kind (docs/errors.md, "Input limits"): one over it is refused before it is
 * read, with one line naming the file and the limit, by the command that reads it and by `doctor`. The oversized
 * files are sparse, so the test writes nothing big.
 */

type Finding = { severity: string; code: string; path: string | null; message: string };

let scratch: string;
let base: string;
let runId: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'millrace-limits-'));
  const ws = await createRuntimeWorkspace({ root: join(scratch, 'base') });
  writeTask(ws.runtime, 'T-1');
  expect((await millrace(['run', 'once', '-w', ws.root])).exitCode).toBe(0);
  base = ws.root;
  runId = readdirSync(join(ws.runtime, 'runs'))[0]!;
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function oversized(name: string, rel: string, kind: InputKind): { root: string; file: string } {
  const root = join(scratch, name);
  cpSync(base, root, { recursive: true });
  const path = join(root, 'millrace-agents', rel);
  appendFileSync(path, '');
  truncateSync(path, INPUT_SIZE_LIMITS[kind] + 1);
  return { root, file: `millrace-agents/${rel}` };
}

async function doctorFindings(root: string, file: string): Promise<Finding[]> {
  const doctor = await millrace(['doctor', '--json', '-w', root]);
  expect(doctor.exitCode).toBe(1);
  return (JSON.parse(doctor.stdout) as { result: { findings: Finding[] } }).result.findings.filter((f) => f.path === file && f.severity === 'error');
}

/** The command refuses with exactly one error line naming the file and the limit. */
async function refusedByCommand(args: string[], root: string, file: string, kind: InputKind): Promise<void> {
  const run = await millrace([...args, '-w', root]);
  expect(run.exitCode).not.toBe(0);
  const errors = run.stderr.split('\n').filter((l) => l.startsWith('Error'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain(`${file}: `);
  expect(errors[0]).toContain(sizeLimitMessage(kind));
}

describe('state files over their size limit', () => {
  it.each([
    ['snapshot', 'state/runtime_snapshot.json', 'state file', ['status']],
    ['execution status marker', 'state/execution_status.md', 'status marker', ['run', 'once']],
    ['usage ledger', 'state/usage_ledger.jsonl', 'usage ledger', ['usage']],
  ] as const)('%s (%s): refused by the command that reads it and by doctor, naming the file and the limit', async (name, rel, kind, args) => {
    const { root, file } = oversized(name.replace(/ /g, '-'), rel, kind);
    await refusedByCommand([...args], root, file, kind);
    const findings = await doctorFindings(root, file);
    expect(findings.map((f) => [f.code, f.message])).toContainEqual(['state_file_invalid', sizeLimitMessage(kind)]);
  }, 120_000);

  it.each([
    ['compiled plan', 'state/compiled_plan.json', 'state file'],
    ['events log', 'logs/runtime_events.jsonl', 'events log'],
  ] as const)('%s (%s): doctor names the file and the limit', async (name, rel, kind) => {
    const { root, file } = oversized(name.replace(/ /g, '-'), rel, kind);
    const findings = await doctorFindings(root, file);
    expect(findings.map((f) => [f.code, f.message])).toContainEqual(['state_file_invalid', sizeLimitMessage(kind)]);
  }, 120_000);

  it('the ownership lock: doctor and run once name the file and the limit', async () => {
    const { root, file } = oversized('lock', 'state/runtime_daemon.lock.json', 'lock file');
    const findings = await doctorFindings(root, file);
    expect(findings.map((f) => f.code)).toEqual(['runtime_ownership_lock_invalid']);
    expect(findings[0]!.message).toContain(`${file}: runtime ownership lock ${sizeLimitMessage('lock file')}`);
    await refusedByCommand(['run', 'once'], root, file, 'lock file');
  }, 120_000);

  it('a stage result: runs show reports the run malformed, naming the file and the limit', async () => {
    const results = readdirSync(join(base, 'millrace-agents', 'runs', runId, 'stage_results'));
    const { root } = oversized('stage-result', `runs/${runId}/stage_results/${results[0]}`, 'stage result');
    const show = await millrace(['runs', 'show', runId, '--json', '-w', root]);
    expect(show.exitCode).toBe(0);
    const run = (JSON.parse(show.stdout) as { result: { status: string; notes: string[] } }).result;
    expect(run.status).toBe('malformed');
    expect(run.notes).toContain(`${results[0]}: ${sizeLimitMessage('stage result')}`);
  }, 120_000);
});
