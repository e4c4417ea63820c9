import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aStageRunRequest, startFakeAnthropicServer, type FakeAnthropicServer, type FakeAnthropicServerOptions } from '@millrace/plugin-api/testing';
import type { RunnerContext, StageRunRequest, StageRunRequestInput } from '@millrace/plugin-api';
import type { ClaudeRunnerConfigInput } from '../../src/config.js';

/** The pinned real claude binary (root devDependency @anthropic-ai/claude-code). */
export const CLAUDE_BIN = fileURLToPath(new URL('../../../../node_modules/.bin/claude', import.meta.url));
/** A small stand-in for claude, for stream shapes the real binary cannot be steered into. */
export const FAKE_CLAUDE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));

/**
 * A proxy that answers nothing and records every attempt: claude gets it as HTTP(S)_PROXY with only 127.0.0.1
 * exempt, so any request to another address shows up here instead of leaving the machine. (Claude 2.1.328 honours
 * the proxy variables: pointed at another host, it sends `CONNECT <host>:443` here.)
 */
export async function startTrapProxy(): Promise<{ url: string; attempts: string[]; close(): Promise<void> }> {
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    attempts.push(`${req.method ?? '?'} ${req.url ?? ''}`);
    res.writeHead(403).end();
  });
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url ?? ''}`);
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Env that points claude at the fake endpoint and routes anything else into the trap proxy. */
export function offlineClaudeEnv(server: FakeAnthropicServer, proxyUrl: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: server.baseUrl,
    ANTHROPIC_API_KEY: 'fake-key',
    HTTPS_PROXY: proxyUrl,
    HTTP_PROXY: proxyUrl,
    https_proxy: proxyUrl,
    http_proxy: proxyUrl,
    NO_PROXY: '127.0.0.1',
    no_proxy: '127.0.0.1',
  };
}

export type ClaudeStageFixture = {
  root: string;
  workspaceRoot: string;
  runtimeRoot: string;
  /** HOME claude runs with (never the operator's). */
  home: string;
  server: FakeAnthropicServer;
  proxyAttempts: string[];
  request(overrides?: Partial<StageRunRequestInput>): StageRunRequest;
  context(config?: ClaudeRunnerConfigInput, extra?: Partial<RunnerContext>): RunnerContext;
  cleanup(): Promise<void>;
};

/** A temp workspace, a fake Anthropic endpoint and a trap proxy on 127.0.0.1, and a HOME of its own, for one test. */
export async function createClaudeStageFixture(serverOptions: FakeAnthropicServerOptions = {}): Promise<ClaudeStageFixture> {
  const root = await mkdtemp(join(tmpdir(), 'millrace-claude-'));
  const workspaceRoot = join(root, 'repo');
  const runtimeRoot = join(workspaceRoot, 'millrace-agents');
  const home = join(root, 'claude-home');
  await mkdir(runtimeRoot, { recursive: true });
  const server = await startFakeAnthropicServer(serverOptions);
  const proxy = await startTrapProxy();
  const env = offlineClaudeEnv(server, proxy.url);
  return {
    root,
    workspaceRoot,
    runtimeRoot,
    home,
    server,
    proxyAttempts: proxy.attempts,
    request: (overrides = {}) => aStageRunRequest(runtimeRoot, { timeout_seconds: 120, ...overrides }),
    context: (config = {}, extra = {}) => ({ workspaceRoot, runtimeRoot, config: { command: CLAUDE_BIN, model: 'fake-model', home, ...config, env: { ...env, ...config.env } }, ...extra }),
    cleanup: async () => {
      await Promise.all([server.close(), proxy.close()]);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** True while `pid` is a live process (a zombie whose parent is gone counts as gone). */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && !/^\d+ \(.*\) Z/.test(stat);
}
