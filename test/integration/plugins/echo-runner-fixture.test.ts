import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aStageRunRequest, checkRawResultConformance } from '@millrace/plugin-api/testing';
import type { RunnerContribution } from '@millrace/plugin-api';
import { buildRegistry } from '../../../src/registry/registry.js';
import { REPO_ROOT } from '../../support/cli.js';

const hookPath = join(REPO_ROOT, 'test', 'fixtures', 'plugin-echo-runner', 'hooks', 'contribute.js');

describe('the example third-party plugin (test/fixtures/plugin-echo-runner)', () => {
  it('contributes a valid runner and mode, and its runner passes the plugin-api conformance kit', async () => {
    const { default: contribute } = (await import(hookPath)) as { default: () => Promise<unknown> };
    const registry = buildRegistry([{ plugin: { name: 'millrace-plugin-echo-runner', version: '1.0.0', type: 'link' }, result: await contribute() }], []);
    expect(registry.problems).toEqual([]);
    expect(registry.modes.get('echo_mode')?.item.stage_runner_bindings.builder).toBe('echo');
    const runner = registry.runners.get('echo')!.item as RunnerContribution;

    const root = await mkdtemp(join(tmpdir(), 'millrace-echo-'));
    try {
      const request = aStageRunRequest(join(root, 'millrace-agents'));
      const adapter = await runner.load();
      const parsedConfig = runner.configSchema!.safeParse({ prefix: 'hi' });
      const raw = await adapter.run(request, { workspaceRoot: root, runtimeRoot: join(root, 'millrace-agents'), config: parsedConfig.success ? parsedConfig.data : null });
      expect(checkRawResultConformance(request, raw)).toEqual([]);
      expect(await readFile(raw.stdout_path!, 'utf8')).toMatch(/^\[hi\] builder\n### BUILDER_COMPLETE\n$/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
