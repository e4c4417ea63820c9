import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type CodexHomeOptions = {
  /** Base URL of the (fake) model server, e.g. `FakeModelServer.baseUrl`. */
  baseUrl: string;
  /** Model slug written as the default model (default `fake-model`). */
  model?: string;
  /** Environment variable codex reads the API key from (default `FAKE_API_KEY`). */
  envKey?: string;
  /** Idle time before codex gives up on a silent stream (default 30000 ms). */
  streamIdleTimeoutMs?: number;
};

export type CodexHome = {
  /** The directory to pass as `CODEX_HOME`. */
  codexHome: string;
  /** `CODEX_HOME` plus the API key variable (any value works against the fake). */
  env: Record<string, string>;
};

const quote = (value: string) => JSON.stringify(value);

/**
 * The config.toml of an isolated, offline CODEX_HOME (codex 0.169): one custom provider speaking the Responses API,
 * no analytics or plugin look-ups at start-up, no request/stream retries and no endless reconnect loop.
 */
export function codexHomeConfigToml(options: CodexHomeOptions): string {
  const envKey = options.envKey ?? 'FAKE_API_KEY';
  return [
    `model = ${quote(options.model ?? 'fake-model')}`,
    'model_provider = "fake"',
    'check_for_update_on_startup = false',
    'project_doc_max_bytes = 0',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    'unbounded_connection_retries = false',
    '',
    '[skills]',
    'include_instructions = false',
    '',
    '[model_providers.fake]',
    'name = "Fake"',
    `base_url = ${quote(options.baseUrl)}`,
    `env_key = ${quote(envKey)}`,
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    `stream_idle_timeout_ms = ${options.streamIdleTimeoutMs ?? 30000}`,
    '',
  ].join('\n');
}

/** Create `dir` as an isolated CODEX_HOME pointing at `options.baseUrl`; returns the env a codex child needs. */
export async function writeCodexHome(dir: string, options: CodexHomeOptions): Promise<CodexHome> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.toml'), codexHomeConfigToml(options), 'utf8');
  return { codexHome: dir, env: { CODEX_HOME: dir, [options.envKey ?? 'FAKE_API_KEY']: 'fake-key' } };
}
