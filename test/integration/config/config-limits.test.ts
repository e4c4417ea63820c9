import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { isMillraceError } from '../../../src/errors/index.js';
import { withTempTree } from '../../support/temp-tree.js';
import { CommandRunnerConfigSchema } from '../../../plugins/runner-command/src/config.js';
import { ClaudeRunnerConfigSchema } from '../../../plugins/runner-claude-code/src/config.js';

async function loadError(workspaceRoot: string): Promise<{ code: string; message: string; file?: string; field?: string }> {
  try {
    await loadConfig({ workspaceRoot });
  } catch (error) {
    if (isMillraceError(error)) return error;
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

const KEY_REFUSAL = 'key is not allowed (it would reach the prototype)';

describe('config: prototype keys are refused in every format, naming the file and the key', () => {
  const cases: Array<[string, string, string, string]> = [
    ['millrace-agents/millrace.toml', '[__proto__]\ndefault_mode = "x"\n', 'millrace-agents/millrace.toml', '__proto__'],
    ['millrace-agents/millrace.toml', '[runtime]\nconstructor = 1\n', 'millrace-agents/millrace.toml', 'runtime.constructor'],
    ['millrace-agents/millrace.toml', '[runners.command.prototype]\nx = 1\n', 'millrace-agents/millrace.toml', 'runners.command.prototype'],
    ['.millracerc.json', '{"runtime": {"__proto__": {"run_style": "once"}}}', '.millracerc.json', 'runtime.__proto__'],
    ['.millracerc.yaml', 'watchers:\n  __proto__:\n    enabled: false\n', '.millracerc.yaml', 'watchers.__proto__'],
    ['.millracerc.yml', 'constructor:\n  x: 1\n', '.millracerc.yml', 'constructor'],
    ['.millracerc', '{"stages": {"builder": {"prototype": 1}}}', '.millracerc', 'stages.builder.prototype'],
    ['millrace.config.json', '{"__proto__": {"runtime": {"run_style": "once"}}}', 'millrace.config.json', '__proto__'],
    ['package.json', '{"name": "x", "millrace": {"recovery": {"__proto__": {"max_fix_cycles": 9}}}}', 'package.json', 'recovery.__proto__'],
  ];
  it.each(cases)('%s: %s', async (path, text, file, key) => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write(path, text);
      const error = await loadError(root);
      expect({ code: error.code, message: error.message.split('\n')[0], file: error.file, field: error.field }).toEqual({ code: 'CONFIG_INVALID', message: `${file}: ${key}: ${KEY_REFUSAL}`, file, field: key });
      expect(({} as Record<string, unknown>).run_style).toBeUndefined();
    });
  });
});

describe('config: size, depth and aliases', () => {
  it('a TOML file over 1 MiB is refused without being parsed', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace-agents/millrace.toml', `# ${'x'.repeat(1024 * 1024)}\n`);
      expect((await loadError(root)).message).toBe('millrace-agents/millrace.toml: (file): larger than the 1 MiB limit for a config file');
    });
  });

  it('a cosmiconfig file over 1 MiB or nesting too deeply is refused before cosmiconfig loads it', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('.millracerc.json', `{"runtime": {}, "pad": "${'x'.repeat(1024 * 1024)}"}`);
      expect((await loadError(root)).message).toBe('.millracerc.json: (file): larger than the 1 MiB limit for a config file');
      await write('.millracerc.json', `{"runtime": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
      expect((await loadError(root)).message).toBe('.millracerc.json: (file): nests deeper than the limit of 32 levels');
    });
  });

  it('TOML nesting and a YAML alias bomb are refused naming the file', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace-agents/millrace.toml', `[runtime]\nx = ${'['.repeat(100)}${']'.repeat(100)}\n`);
      expect((await loadError(root)).message).toMatch(/^millrace-agents\/millrace\.toml: TOML syntax error: /);
      await write('millrace-agents/millrace.toml', '');
      const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'runtime: *i', ''].join('\n');
      await write('.millracerc.yaml', bomb);
      expect((await loadError(root)).message).toMatch(/^\.millracerc\.yaml: [a-z0-9.]+: expands beyond the document size \(YAML aliases\?\)$/);
    });
  });
});

describe('config: timers are bounded by what Node.js timers hold', () => {
  const cases: Array<[string, string]> = [
    ['[runtime]\nidle_sleep_seconds = 2147484\n', 'runtime.idle_sleep_seconds: must be at most 2147483 seconds (the longest timer Node.js holds)'],
    ['[watchers]\ndebounce_ms = 2147483648\n', 'watchers.debounce_ms: must be at most 2147483647 ms (the longest timer Node.js holds)'],
    ['[stages.builder]\ntimeout_seconds = 9999999\n', 'stages.builder.timeout_seconds: must be at most 2147483 seconds (the longest timer Node.js holds)'],
    ['[usage_governance.subscription_quota_rules]\nrefresh_interval_seconds = 3000000\n', 'usage_governance.subscription_quota_rules.refresh_interval_seconds: must be at most 2147483 seconds (the longest timer Node.js holds)'],
  ];
  it.each(cases)('%s', async (toml, expected) => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace-agents/millrace.toml', toml);
      expect((await loadError(root)).message).toBe(`millrace-agents/millrace.toml: ${expected}`);
    });
  });

  it('the largest values are accepted', async () => {
    await withTempTree(async (root, write) => {
      await mkdir(join(root, '.git'));
      await write('millrace-agents/millrace.toml', '[runtime]\nidle_sleep_seconds = 2147483\n[watchers]\ndebounce_ms = 2147483647\n');
      const { config } = await loadConfig({ workspaceRoot: root });
      expect([config.runtime.idle_sleep_seconds, config.watchers.debounce_ms]).toEqual([2147483, 2147483647]);
    });
  });
});

describe('runner plugin sections: timeouts are bounded by their schemas too', () => {
  it.each([
    ['runners.command', 'timeout_seconds', CommandRunnerConfigSchema, { command: 'node', timeout_seconds: 2147484 }],
    ['runners.claude', 'timeout_seconds', ClaudeRunnerConfigSchema, { timeout_seconds: 2147484 }],
    ['runners.claude', 'stall_timeout_seconds', ClaudeRunnerConfigSchema, { stall_timeout_seconds: 9e9 }],
  ] as const)('%s.%s', (_section, key, schema, input) => {
    const parsed = (schema as { safeParse: (v: unknown) => { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } } }).safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([[key, 'must be at most 2147483 seconds (the longest timer Node.js holds)']]);
    expect((schema as { safeParse: (v: unknown) => { success: boolean } }).safeParse({ ...input, [key]: 2147483 }).success).toBe(true);
  });
});
