import { normalizeTokenUsage, RunnerRawResultSchema, type AgentGroupRegistry, type RunnerActivity, type RunnerActivityInput, type RunnerRawResult, type StageRunRequest } from '@millrace/plugin-api';
import type { Registry } from '../registry/registry.js';
import { writeTextAtomic } from '../workspace/state/atomic-write.js';
import { join } from 'node:path';

/** What the host listens to while a runner runs. */
export type DispatchHooks = { onActivity?: (activity: RunnerActivity) => void };

export type RunnerDispatch = (request: StageRunRequest, signal: AbortSignal, hooks?: DispatchHooks) => Promise<RunnerRawResult>;

const MAX_ACTIVITY_TEXT = 240;

/**
 * A runner's activity as the host keeps it: one trimmed line (the last non-empty one of a multi-line text), at most
 * 240 characters, stamped with the host clock when the runner gave no time. Malformed input never throws into a runner.
 */
export function normalizeActivity(input: RunnerActivityInput, now: Date): RunnerActivity | null {
  if (!input || typeof input !== 'object') return null;
  const kind = input.kind === 'tool' || input.kind === 'event' ? input.kind : 'output';
  const lines = String(input.text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const line = lines.at(-1) ?? '';
  const text = line.length > MAX_ACTIVITY_TEXT ? `${line.slice(0, MAX_ACTIVITY_TEXT - 1)}…` : line;
  const at = typeof input.at === 'string' && !Number.isNaN(Date.parse(input.at)) ? new Date(input.at).toISOString() : now.toISOString();
  let usage: RunnerActivity['usage'];
  if (input.usage) {
    try {
      usage = normalizeTokenUsage(input.usage);
    } catch {
      usage = undefined;
    }
  }
  if (!text && !usage) return null;
  return usage ? { kind, text, at, usage } : { kind, text, at };
}

export type RunnerConfigSource = { runners: Record<string, unknown> };

/** Runner failures are data: any exception becomes a `runner_error` raw result (runtime.md §4 step 16). */
export async function runnerErrorResult(request: StageRunRequest, error: unknown, now: Date): Promise<RunnerRawResult> {
  const message = error instanceof Error ? error.message : String(error);
  const stderrPath = join(request.run_dir, `runner_stderr.${request.request_id}.txt`);
  await writeTextAtomic(stderrPath, `runtime: runner failed: ${message}\n`).catch(() => undefined);
  return RunnerRawResultSchema.parse({
    request_id: request.request_id,
    run_id: request.run_id,
    stage: request.stage,
    runner_name: request.runner_name ?? 'runtime',
    model_name: request.model_name,
    model_reasoning_effort: request.model_reasoning_effort,
    exit_kind: 'runner_error',
    exit_code: 1,
    stderr_path: stderrPath,
    started_at: now.toISOString(),
    ended_at: now.toISOString(),
    failure_class: 'runner_transport_failure',
    notes: [message],
  });
}

/**
 * Resolve `request.runner_name` through the registry, load the adapter lazily, hand it its validated config section.
 * Adapters are cached per process; the config section is read from the config in force at each stage.
 */
export function createRegistryDispatch(registry: Registry, config: RunnerConfigSource | (() => RunnerConfigSource), context: { workspaceRoot: string; runtimeRoot: string; now: () => Date; agentGroups?: AgentGroupRegistry }): RunnerDispatch {
  const currentConfig = typeof config === 'function' ? config : () => config;
  type Adapter = Awaited<ReturnType<NonNullable<ReturnType<Registry['runners']['get']>>['item']['load']>>;
  const adapters = new Map<string, Promise<Adapter>>();
  /** The parsed section per runner, re-parsed only when the config in force hands over a different section object. */
  const parsedSections = new Map<string, { raw: unknown; parsed: unknown }>();
  const load = async (name: string) => {
    const contribution = registry.runners.get(name);
    if (!contribution) throw new Error(`Unknown stage runner: ${name}. Available: ${[...registry.runners.keys()].sort().join(', ') || 'none'}`);
    let adapter = adapters.get(name);
    if (!adapter) {
      adapter = contribution.item.load();
      adapters.set(name, adapter);
    }
    const section = contribution.item.configSection;
    const raw = section ? (currentConfig().runners[section] ?? {}) : {};
    const cached = parsedSections.get(name);
    let runnerConfig: unknown = raw;
    if (cached && cached.raw === raw) runnerConfig = cached.parsed;
    else {
      if (contribution.item.configSchema) {
        const parsed = contribution.item.configSchema.safeParse(raw);
        if (!parsed.success) throw new Error(`runners.${section}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
        runnerConfig = parsed.data;
      }
      parsedSections.set(name, { raw, parsed: runnerConfig });
    }
    return { adapter: await adapter, config: runnerConfig };
  };
  return async (request, signal, hooks) => {
    const onActivity = (input: RunnerActivityInput) => {
      const activity = normalizeActivity(input, context.now());
      if (activity) hooks?.onActivity?.(activity);
    };
    try {
      const { adapter, config: runnerConfig } = await load(request.runner_name ?? 'codex_cli');
      const raw = await adapter.run(request, {
        workspaceRoot: context.workspaceRoot,
        runtimeRoot: context.runtimeRoot,
        config: runnerConfig,
        signal,
        agentGroups: context.agentGroups,
        onActivity,
        onProgress: (line) => onActivity({ kind: 'output', text: line }),
      });
      const parsed = RunnerRawResultSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`runner ${request.runner_name} returned an invalid raw result: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    } catch (error) {
      return runnerErrorResult(request, error, context.now());
    }
  };
}
