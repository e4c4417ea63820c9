import { lstat, mkdir, rename } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type * as z from 'zod';
import { AgentGroupsFileSchema } from '../../contracts/agent-groups.js';
import { BaselineManifestSchema } from '../../contracts/baseline-manifest.js';
import { CompileDiagnosticsSchema, CompiledPlanSchema } from '../../contracts/compiled-plan.js';
import type { InputKind } from '../../contracts/input-limits.js';
import { RecoveryCountersSchema, RuntimeErrorContextSchema, RuntimeEventSchema, RuntimeSnapshotSchema, STATUS_MARKER_PATTERN } from '../../contracts/runtime-state.js';
import { UsageRecordSchema } from '../../contracts/usage.js';
import type { WorkspacePaths } from '../paths.js';
import { readStateFile, symlinkEscape } from './state-file.js';

/** One state file that cannot be used, and why (one line). `path` is absolute. */
export type StateFileProblem = { path: string; reason: string };

type Validate = (text: string) => string | null;

function jsonOf(schema: z.ZodType): Validate {
  return (text) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return `invalid JSON: ${(error as Error).message}`;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return null;
    const issue = parsed.error.issues[0];
    return `${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
  };
}

const statusMarker: Validate = (text) => (STATUS_MARKER_PATTERN.test(text.trim()) && text.trim().split('\n').length === 1 ? null : 'is not one status marker line "### <TOKEN>"');

/**
 * Every line valid, but for lines torn by a writer killed mid-append, which the readers skip: the last line, or a
 * record cut short (it opens like one, `{`) that the next append ended before writing its own line (appendLine).
 */
function jsonLinesOf(schema: z.ZodType, what: string): Validate {
  return (text) => {
    const lines = text.split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        if (index === lines.length - 1 || line.startsWith('{')) continue;
        return `line ${index + 1}: invalid JSON`;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return `line ${index + 1}: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? `invalid ${what}`}`;
      }
    }
    return null;
  };
}

/**
 * The runtime's state files and how each is checked. The lock is inspected by `inspectLock` (it has its own states);
 * the parse cache verifies its own digest, so only its file type matters.
 */
export function stateFiles(paths: WorkspacePaths): Array<{ path: string; kind: InputKind; validate: Validate | null }> {
  return [
    { path: paths.snapshot, kind: 'state file', validate: jsonOf(RuntimeSnapshotSchema) },
    { path: paths.recoveryCounters, kind: 'state file', validate: jsonOf(RecoveryCountersSchema) },
    { path: paths.executionStatus, kind: 'status marker', validate: statusMarker },
    { path: paths.planningStatus, kind: 'status marker', validate: statusMarker },
    { path: paths.learningStatus, kind: 'status marker', validate: statusMarker },
    { path: paths.compiledPlan, kind: 'state file', validate: jsonOf(CompiledPlanSchema) },
    { path: paths.compileDiagnostics, kind: 'state file', validate: jsonOf(CompileDiagnosticsSchema) },
    { path: paths.parseCache, kind: 'state file', validate: null },
    { path: paths.runtimeErrorContext, kind: 'state file', validate: jsonOf(RuntimeErrorContextSchema) },
    { path: paths.baselineManifest, kind: 'state file', validate: jsonOf(BaselineManifestSchema) },
    { path: paths.agentProcessGroups, kind: 'state file', validate: jsonOf(AgentGroupsFileSchema) },
    { path: paths.eventsLog, kind: 'events log', validate: jsonLinesOf(RuntimeEventSchema, 'event') },
    { path: paths.usageLedger, kind: 'usage ledger', validate: jsonLinesOf(UsageRecordSchema, 'usage record') },
  ];
}

/** Every state file that exists but cannot be read, is not a regular file, leaves the workspace, or is invalid. */
export function inspectStateFiles(paths: WorkspacePaths): StateFileProblem[] {
  const problems: StateFileProblem[] = [];
  for (const { path, kind, validate } of stateFiles(paths)) {
    const read = readStateFile(path, paths.workspaceRoot, kind);
    if (read.kind === 'absent') continue;
    const reason = read.kind === 'refused' ? read.reason : validate?.(read.text) ?? null;
    if (reason !== null) problems.push({ path, reason });
  }
  return problems;
}

/** The folders whose documents, logs and runs the runtime reads and writes (queue folders, runs, logs, state). */
function workspaceFolders(paths: WorkspacePaths): string[] {
  return [
    paths.state,
    paths.runs,
    paths.logs,
    ...Object.values(paths.tasks),
    ...Object.values(paths.specs),
    ...Object.values(paths.incidents),
    ...Object.values(paths.mailbox),
    join(paths.runtimeRoot, 'tasks'),
    join(paths.runtimeRoot, 'specs'),
    join(paths.runtimeRoot, 'incidents'),
  ];
}

/** Folders that are symbolic links leading out of the workspace (refused by the runtime, reported by doctor). */
export async function escapingFolders(paths: WorkspacePaths): Promise<StateFileProblem[]> {
  const problems: StateFileProblem[] = [];
  for (const dir of workspaceFolders(paths)) {
    const stats = await lstat(dir).catch(() => null);
    if (!stats?.isSymbolicLink()) continue;
    const escape = symlinkEscape(dir, paths.workspaceRoot);
    if (escape !== null) problems.push({ path: dir, reason: `is a symbolic link leading outside the workspace (to ${escape})` });
  }
  return problems;
}

/** `20261205T183012Z`: sortable, and a valid file name everywhere. */
const stamp = (now: Date) => now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');

/**
 * Move a bad state file (whatever it is: file, directory, FIFO, link) to `state/quarantine/<time>-<name>` by
 * rename, never copying or deleting it. Returns the new path.
 */
export async function quarantineStateFile(paths: WorkspacePaths, path: string, now: Date): Promise<string> {
  await mkdir(paths.quarantine, { recursive: true });
  const base = `${stamp(now)}-${basename(path)}`;
  for (let n = 0; ; n += 1) {
    const target = join(paths.quarantine, n === 0 ? base : `${base}.${n}`);
    if ((await lstat(target).catch(() => null)) !== null) continue;
    await rename(path, target);
    return target;
  }
}

export const workspaceRelative = (paths: WorkspacePaths, path: string) => relative(paths.workspaceRoot, path);
