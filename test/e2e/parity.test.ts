import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { StatusResult } from '../../src/commands/status/index.js';
import type { RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import { BIN, createRuntimeWorkspace, millrace, readEvents, readJson, writeTask } from '../support/runtime-workspace.js';

type Ws = Awaited<ReturnType<typeof createRuntimeWorkspace>>;
const snapshotOf = (ws: Ws) => readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('reference parity through the CLI', () => {
  it('status prints the baseline manifest id and seed package version (none when the manifest is invalid)', async () => {
    const ws = await createRuntimeWorkspace();
    const manifestPath = join(ws.runtime, 'state', 'baseline_manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { manifest_id: string; seed_package_version: string };
    const text = await millrace(['status', '-w', ws.root]);
    expect(text.stdout).toContain(`\nbaseline_manifest_id: ${manifest.manifest_id}\nbaseline_seed_package_version: ${manifest.seed_package_version}\ncompile_input.mode_id:`);
    const json = JSON.parse((await millrace(['status', '-w', ws.root, '--json'])).stdout) as JsonSuccess<StatusResult>;
    expect(json.result).toMatchObject({ baseline_manifest_id: manifest.manifest_id, baseline_seed_package_version: manifest.seed_package_version });
    writeFileSync(manifestPath, '{"schema_version": "9"}');
    const broken = await millrace(['status', '-w', ws.root]);
    expect(broken.stdout).toContain('baseline_manifest_id: none\nbaseline_seed_package_version: none\n');
  }, 60_000);

  it('a daemon reload applies every runtime field: run_style becomes runtime_mode, runner sections apply to the next stage', async () => {
    const ws = await createRuntimeWorkspace();
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--json'], { reject: false, env: { CI: '1' } });
    try {
      await until('the daemon', () => existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json')) && snapshotOf(ws).process_running);
      expect(snapshotOf(ws).runtime_mode).toBe('daemon');
      const toml = join(ws.runtime, 'millrace.toml');
      const second = join(ws.root, 'second-script.json');
      writeFileSync(second, '{}');
      writeFileSync(toml, readFileSync(toml, 'utf8').replace('idle_sleep_seconds = 0.1', 'idle_sleep_seconds = 0.2\nrun_style = "once"').replace(JSON.stringify(ws.script), JSON.stringify(second)));
      const sent = await millrace(['control', 'reload-config', '-w', ws.root]);
      expect(sent.exitCode).toBe(0);
      await until('the reload', () => readEvents(ws.runtime).some((e) => e.event_type === 'runtime_config_reloaded'));
      expect(snapshotOf(ws)).toMatchObject({ runtime_mode: 'once', last_reload_outcome: 'applied' });
      expect((await millrace(['status', '-w', ws.root])).stdout).toContain('\nruntime_mode: once\n');
      writeTask(ws.runtime, 't1');
      // The fake agent records each stage it ran next to the script it was given: the reloaded runner env points at the second one.
      await until('the builder on the reloaded runner config', () => existsSync(`${second}.state.json`));
      expect(existsSync(`${ws.script}.state.json`)).toBe(false);
    } finally {
      daemon.kill('SIGTERM');
      await daemon;
    }
  }, 180_000);
});
