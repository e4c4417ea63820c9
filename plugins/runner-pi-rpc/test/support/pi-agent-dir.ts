import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pinned real pi binary (devDependency @mariozechner/pi-coding-agent). */
export const REAL_PI = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../node_modules/.bin/pi');
export const realPiInstalled = () => existsSync(REAL_PI);

/**
 * An isolated PI_CODING_AGENT_DIR whose only provider `fake` points at the fake model server.
 * No settings.json: the runner itself must turn pi's auto-retry off over RPC.
 * Returns the env the pi child needs; nothing but 127.0.0.1 can be reached through it.
 */
export async function writePiAgentDir(dir: string, baseUrl: string): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const models = {
    providers: {
      fake: {
        baseUrl,
        api: 'openai-completions',
        apiKey: 'FAKE_API_KEY',
        compat: { supportsDeveloperRole: false, supportsReasoningEffort: false },
        models: [{ id: 'fake-model', name: 'Fake Model', contextWindow: 128000, maxTokens: 4096 }],
      },
    },
  };
  await writeFile(join(dir, 'models.json'), `${JSON.stringify(models, null, 2)}\n`, 'utf8');
  return { PI_CODING_AGENT_DIR: dir, PI_OFFLINE: '1', PI_TELEMETRY: '0', FAKE_API_KEY: 'fake-key' };
}

/** Flags that keep pi from loading anything of the machine it runs on. */
export const HERMETIC_PI_ARGS = ['--offline', '--no-extensions', '--no-prompt-templates', '--no-themes'];
