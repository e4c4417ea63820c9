import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aStageRunRequest, startFakeModelServer, writeCodexHome, type FakeModelServer, type FakeModelServerOptions } from '@millrace/plugin-api/testing';
import type { RunnerContext, StageRunRequest, StageRunRequestInput } from '@millrace/plugin-api';
import type { CodexRunnerConfigInput } from '../../src/config.js';

/** The pinned real codex binary (devDependency @openai/codex). */
export const CODEX_BIN = fileURLToPath(new URL('../../../../node_modules/.bin/codex', import.meta.url));
/** A small stand-in for codex used for process-level cases the real binary cannot be steered into. */
export const FAKE_CODEX = fileURLToPath(new URL('../fixtures/fake-codex.mjs', import.meta.url));

export type CodexStageFixture = {
  workspaceRoot: string;
  runtimeRoot: string;
  server: FakeModelServer;
  /** Env that points codex at the fake model server (CODEX_HOME + API key). */
  codexEnv: Record<string, string>;
  request(overrides?: Partial<StageRunRequestInput>): StageRunRequest;
  context(config?: CodexRunnerConfigInput, extra?: Partial<RunnerContext>): RunnerContext;
  cleanup(): Promise<void>;
};

/** A temp workspace, a fake model server on 127.0.0.1 and an isolated CODEX_HOME for one test. */
export async function createCodexStageFixture(serverOptions: FakeModelServerOptions = {}): Promise<CodexStageFixture> {
  const root = await mkdtemp(join(tmpdir(), 'millrace-codex-'));
  const workspaceRoot = join(root, 'repo');
  const runtimeRoot = join(workspaceRoot, 'millrace-agents');
  await mkdir(runtimeRoot, { recursive: true });
  const server = await startFakeModelServer(serverOptions);
  const home = await writeCodexHome(join(root, 'codex-home'), { baseUrl: server.baseUrl });
  return {
    workspaceRoot,
    runtimeRoot,
    server,
    codexEnv: home.env,
    request: (overrides = {}) => aStageRunRequest(runtimeRoot, { timeout_seconds: 45, ...overrides }),
    context: (config = {}, extra = {}) => ({ workspaceRoot, runtimeRoot, config: { command: CODEX_BIN, ...config, env: { ...home.env, ...config.env } }, ...extra }),
    cleanup: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
