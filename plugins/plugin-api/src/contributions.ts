import * as z from './zod.js';
import { GraphLoopSchema, ModeSchema, StageKindSchema } from './definitions.js';
import type { RunnerUnavailable } from './executable.js';
import type { RunnerActivityInput, RunnerRawResult, StageRunRequest } from './stage-request.js';

/** Bumped only on breaking changes of this contract; the host refuses bundles of another version. */
export const PLUGIN_API_VERSION = 1 as const;
/** The oclif hook event a plugin declares in package.json to contribute to Millrace. */
export const CONTRIBUTE_EVENT = 'millrace:contribute' as const;

/** Options the host passes to every `millrace:contribute` hook. A type alias (not an interface) so oclif's runHook accepts it. */
export type ContributeOptions = {
  hostVersion: string;
  apiVersion: number;
};

/** Everything a runner adapter may use besides the request. */
export type RunnerContext = {
  /** Repository root the agent works in (cwd of the harness). */
  workspaceRoot: string;
  /** `<workspaceRoot>/millrace-agents`. */
  runtimeRoot: string;
  /** This runner's config section, already validated with the runner's `configSchema`. */
  config: unknown;
  /** Aborted when the operator stops the daemon; adapters end the harness and report `interrupted`. */
  signal?: AbortSignal;
  /**
   * Live activity sink: call it for each meaningful output line, tool call or harness event (and with `usage` when the
   * harness reports running totals). Cheap to call often: the host rate-limits what it displays. For a runner whose
   * contribution sets `reportsActivity`, every call is a sign of life for stall detection.
   */
  onActivity?: (activity: RunnerActivityInput) => void;
  /** @deprecated Use `onActivity`; the host forwards each line as an `output` activity. */
  onProgress?: (line: string) => void;
  /**
   * Durable record of the stage's process group, kept by the host. `spawnAgent` (`@millrace/plugin-api/agent-process`)
   * calls `register` and only lets the agent start once it resolved, so a host that dies mid-stage can find the group.
   */
  agentGroups?: AgentGroupRegistry;
};

/** One stage agent's process group: its leader (the agent supervisor) and the run it works for. */
export type AgentGroup = {
  pid: number;
  run_id: string;
};

export type AgentGroupRegistry = {
  register(group: AgentGroup): Promise<void>;
};

export type RunnerAdapter = {
  readonly name: string;
  run(request: StageRunRequest, context: RunnerContext): Promise<RunnerRawResult>;
};

/** Zod-like schema: each plugin ships its own zod copy, so the host only relies on `safeParse`. */
export type ConfigSchemaLike = {
  safeParse(input: unknown): { success: true; data: unknown } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
};

export type RunnerContribution = {
  /** Runner id used in modes and config, e.g. `codex_cli`. */
  id: string;
  description: string;
  /** Config key under `runners.` that configures this runner, e.g. `codex`. */
  configSection?: string;
  configSchema?: ConfigSchemaLike;
  /**
   * Set when the adapter calls `context.onActivity` at least for every line of harness output: only then does the host
   * apply `stall_timeout_seconds` (a runner that reports nothing would otherwise look stalled).
   */
  reportsActivity?: boolean;
  /** Loaded lazily: listing runners must not import harness code. */
  load: () => Promise<RunnerAdapter>;
  /**
   * Optional availability check the host runs for every runner the compiled plan binds: in `config validate`,
   * `compile validate` and `doctor` (reported), and before `run once`/`run daemon` start (they refuse to start on a
   * problem). Return null when the runner can run (e.g. its executable is found the way the adapter would find it),
   * else one line for the problem and one for the operator's remedy. Keep it cheap and side-effect free; a throw is
   * reported as a problem. `checkRunnerExecutable` does this for a runner that starts one executable.
   */
  preflight?: (input: RunnerPreflightInput) => RunnerUnavailable | null | Promise<RunnerUnavailable | null>;
  /**
   * Optional: the `file:` URL of an ES module whose default export is this same `preflight` (typically
   * `new URL('../preflight.js', import.meta.url).href` from the hook). The host keeps it in its contributions manifest
   * and, while the installed plugins are unchanged, `compile validate` imports only that module for the check instead
   * of running the plugin's hook. Keep the module light: no zod and not this package's entry point
   * (`checkRunnerExecutable` is also exported by `@millrace/plugin-api/executable`). Without it, or when it cannot be
   * imported, the hook runs as before.
   */
  preflightModule?: string;
};

/** What the host hands a runner's `preflight`. */
export type RunnerPreflightInput = {
  /** Repository root the harness would run in (the cwd a relative command path is resolved against). */
  workspaceRoot: string;
  runtimeRoot: string;
  /** This runner's config section, validated with its `configSchema` (defaults filled). */
  config: unknown;
  /** Stages of the compiled plan bound to this runner. */
  stages: string[];
};

export type StageKindContribution = z.input<typeof StageKindSchema>;
export type LoopContribution = z.input<typeof GraphLoopSchema>;
export type ModeContribution = z.input<typeof ModeSchema>;

export type ContributionBundle = {
  apiVersion: typeof PLUGIN_API_VERSION;
  runners?: RunnerContribution[];
  modes?: ModeContribution[];
  loops?: LoopContribution[];
  stageKinds?: StageKindContribution[];
};

/** Identity helper that type-checks a plugin's bundle. */
export function defineContributions(bundle: ContributionBundle): ContributionBundle {
  return bundle;
}

/** Structural schema the host applies to every bundle it receives (items are validated one by one afterwards). */
export const ContributionBundleShapeSchema = z.looseObject({
  apiVersion: z.number().int(),
  runners: z.array(z.unknown()).optional(),
  modes: z.array(z.unknown()).optional(),
  loops: z.array(z.unknown()).optional(),
  stageKinds: z.array(z.unknown()).optional(),
});

export const RunnerContributionShapeSchema = z.looseObject({
  id: z.string().regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, 'must be a canonical id'),
  description: z.string(),
  configSection: z.string().regex(/^[a-z][a-z0-9_]*$/).optional(),
  configSchema: z.custom<ConfigSchemaLike>((v) => typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function', 'must be a zod schema').optional(),
  reportsActivity: z.boolean().optional(),
  load: z.custom<() => Promise<RunnerAdapter>>((v) => typeof v === 'function', 'must be a function returning the adapter'),
  preflight: z.custom<NonNullable<RunnerContribution['preflight']>>((v) => typeof v === 'function', 'must be a function').optional(),
  preflightModule: z.string().optional(),
});
