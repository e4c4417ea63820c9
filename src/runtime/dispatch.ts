import { normalizeTokenUsage, RunnerRawResultSchema, type AgentGroupRegistry, type RunnerActivity, type RunnerActivityInput, type RunnerRawResult, type StageRunRequest } from '@millrace/plugin-api';
import { parseRunnerSection } from '../config/runner-sections.js';
import type { Registry } from '../registry/registry.js';
import { writeTextAtomic } from '../workspace/state/atomic-write.js';
import { join } from 'node:path';

/** A runner the host ended for silence (stall detection). */
export type StallInfo = { stall_timeout_seconds: number; last_activity_at: string; stalled_at: string };

/** What the host listens to while a runner runs. */
/** `cwd`: where the harness runs (a lane's worktree, docs/parallel.md); the workspace root when absent. */
export type DispatchHooks = { onActivity?: (activity: RunnerActivity) => void; onStalled?: (info: StallInfo) => void; cwd?: string };

/** Resolves the stall timeout (seconds, 0 = off) of one request; `section` is the runner's config section, if any. */
export type StallTimeoutResolver = (request: StageRunRequest, section: string | null) => number;

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
export function createRegistryDispatch(registry: Registry, config: RunnerConfigSource | (() => RunnerConfigSource), context: { workspaceRoot: string; runtimeRoot: string; now: () => Date; agentGroups?: AgentGroupRegistry; stallTimeoutSeconds?: StallTimeoutResolver }): RunnerDispatch {
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
    const runners = currentConfig().runners;
    const raw = section ? (runners[section] ?? {}) : {};
    const cached = parsedSections.get(name);
    let runnerConfig: unknown = raw;
    if (cached && cached.raw === raw) runnerConfig = cached.parsed;
    else {
      const parsed = parseRunnerSection(contribution.item, runners);
      if (!parsed.ok) throw new Error(parsed.message);
      runnerConfig = parsed.config;
      parsedSections.set(name, { raw, parsed: runnerConfig });
    }
    return { adapter: await adapter, config: runnerConfig, section: section ?? null, reportsActivity: contribution.item.reportsActivity === true };
  };
  return async (request, signal, hooks) => {
    let watchdog: StallWatchdog | null = null;
    const onActivity = (input: RunnerActivityInput) => {
      const activity = normalizeActivity(input, context.now());
      watchdog?.alive();
      if (activity) hooks?.onActivity?.(activity);
    };
    try {
      const { adapter, config: runnerConfig, section, reportsActivity } = await load(request.runner_name ?? 'codex_cli');
      const stallSeconds = reportsActivity ? (context.stallTimeoutSeconds?.(request, section) ?? 0) : 0;
      watchdog = stallSeconds > 0 ? startStallWatchdog(stallSeconds, signal, context.now) : null;
      const raw = await adapter
        .run(request, {
          workspaceRoot: hooks?.cwd ?? context.workspaceRoot,
          runtimeRoot: context.runtimeRoot,
          config: runnerConfig,
          signal: watchdog?.signal ?? signal,
          agentGroups: context.agentGroups,
          onActivity,
          onProgress: (line) => onActivity({ kind: 'output', text: line }),
        })
        .finally(() => watchdog?.stop());
      const parsed = RunnerRawResultSchema.safeParse(raw);
      if (!parsed.success) throw new Error(`runner ${request.runner_name} returned an invalid raw result: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      const stall = watchdog?.stalled ?? null;
      if (stall && parsed.data.exit_kind !== 'completed') {
        hooks?.onStalled?.(stall);
        return asStalled(parsed.data, stall);
      }
      return parsed.data;
    } catch (error) {
      return runnerErrorResult(request, error, context.now());
    }
  };
}

type StallWatchdog = { signal: AbortSignal; alive(): void; stop(): void; readonly stalled: StallInfo | null };

/**
 * Aborts the runner (through the signal it was given) once no activity arrived for `seconds`. The operator's signal
 * still reaches the runner through the same linked signal.
 */
function startStallWatchdog(seconds: number, outer: AbortSignal, now: () => Date): StallWatchdog {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer.reason);
  if (outer.aborted) controller.abort(outer.reason);
  else outer.addEventListener('abort', onOuterAbort, { once: true });
  let last = Date.now();
  let lastAt = now().toISOString();
  let stalled: StallInfo | null = null;
  const limitMs = seconds * 1000;
  const timer = setInterval(() => {
    if (stalled || Date.now() - last < limitMs) return;
    stalled = { stall_timeout_seconds: seconds, last_activity_at: lastAt, stalled_at: now().toISOString() };
    controller.abort(new Error('runner stalled'));
  }, Math.min(1000, Math.max(50, limitMs / 4)));
  timer.unref();
  return {
    signal: controller.signal,
    alive() {
      last = Date.now();
      lastAt = now().toISOString();
    },
    stop() {
      clearInterval(timer);
      outer.removeEventListener('abort', onOuterAbort);
    },
    get stalled() {
      return outer.aborted ? null : stalled;
    },
  };
}

/** A runner ended for silence routes like a timeout, under its own failure class. */
function asStalled(raw: RunnerRawResult, stall: StallInfo): RunnerRawResult {
  return {
    ...raw,
    exit_kind: 'timeout',
    exit_code: 124,
    failure_class: 'runner_stalled',
    notes: [...raw.notes, `no runner activity since ${stall.last_activity_at} (stall_timeout_seconds=${stall.stall_timeout_seconds}); ended at ${stall.stalled_at}`],
  };
}

/** Pure: stage setting, else the runner section's, else the default (900 s); 0 disables. */
export function resolveStallTimeout(
  config: { stages?: Record<string, { stall_timeout_seconds?: number | null } | undefined>; runners: Record<string, unknown> },
  request: Pick<StageRunRequest, 'stage'>,
  section: string | null,
  fallback: number,
): number {
  const byStage = config.stages?.[request.stage]?.stall_timeout_seconds;
  if (typeof byStage === 'number') return byStage;
  const table = section ? config.runners[section] : undefined;
  const byRunner = typeof table === 'object' && table !== null ? (table as { stall_timeout_seconds?: unknown }).stall_timeout_seconds : undefined;
  return typeof byRunner === 'number' ? byRunner : fallback;
}
