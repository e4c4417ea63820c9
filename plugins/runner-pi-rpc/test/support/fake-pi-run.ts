import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompletionArtifactSchema, type RunnerRawResult, type StageRunRequest, type StageRunRequestInput } from '@millrace/plugin-api';
import { aStageRunRequest, checkRawResultConformance } from '@millrace/plugin-api/testing';
import { createPiRpcRunner } from '../../src/runner.js';
import type { PiRunnerConfigInput } from '../../src/config.js';

export const FAKE_PI = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/fake-pi.mjs');
/** Short grace periods keep failure-path tests fast; the ladder is the same as in production. */
export const TEST_TIMINGS = { abortGraceMs: 1000, shutdownStepMs: 500, retryProbeMs: 1000, responseTimeoutMs: 3000 };

export type LoggedEntry = { argv?: string[]; cwd?: string; pid?: number; command?: { type: string; id?: string; [k: string]: unknown }; stdin?: string; dialogAnswer?: unknown; got?: string; holderPid?: number };

export type FakePiRun = {
  workspace: string;
  request: StageRunRequest;
  raw: RunnerRawResult;
  log: LoggedEntry[];
  conformance: string[];
  progress: string[];
  read(path: string | null): Promise<string | null>;
  completion(): Promise<ReturnType<typeof CompletionArtifactSchema.parse>>;
};

const workspaces: string[] = [];
export async function cleanupWorkspaces(): Promise<void> {
  await Promise.all(workspaces.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Run one stage through the real adapter against the fake pi script in a fresh temp workspace. */
export async function runWithFakePi(
  scenario: string,
  options: { config?: PiRunnerConfigInput; request?: Partial<StageRunRequestInput>; signal?: AbortSignal } = {},
): Promise<FakePiRun> {
  const workspace = await mkdtemp(join(tmpdir(), 'millrace-pi-'));
  workspaces.push(workspace);
  const logFile = join(workspace, 'fake-pi.log.jsonl');
  const request = aStageRunRequest(join(workspace, 'millrace-agents'), { model_name: 'fake-model', timeout_seconds: 30, ...options.request });
  const config = { command: FAKE_PI, ...options.config, env: { FAKE_PI_SCENARIO: scenario, FAKE_PI_LOG: logFile, ...options.config?.env } };
  const progress: string[] = [];
  const raw = await createPiRpcRunner({ timings: TEST_TIMINGS }).run(request, {
    workspaceRoot: workspace,
    runtimeRoot: join(workspace, 'millrace-agents'),
    config,
    signal: options.signal,
    onActivity: (a) => {
      if (a.text) progress.push(`${a.kind}: ${a.text}`);
    },
  });
  const log = existsSync(logFile) ? (await readFile(logFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as LoggedEntry) : [];
  const read = async (path: string | null) => (path !== null && existsSync(path) ? readFile(path, 'utf8') : null);
  return {
    workspace,
    request,
    raw,
    log,
    conformance: checkRawResultConformance(request, raw),
    progress,
    read,
    completion: async () => CompletionArtifactSchema.parse(JSON.parse((await read(join(request.run_dir, `runner_completion.${request.request_id}.json`))) ?? 'null')),
  };
}

export const commandsOf = (log: LoggedEntry[]) => log.flatMap((e) => (e.command ? [e.command.type] : []));

/** Running: it exists and is not a zombie (pi runs under the agent supervisor, so once the group is killed a container without a reaping init keeps it as one). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : null;
  return stat === null || !/^\d+ \(.*\) [ZX]/.test(stat);
}
