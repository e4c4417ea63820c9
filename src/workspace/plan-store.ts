import { open, rename, rm } from 'node:fs/promises';
import { tempPathFor, writeFailure } from '@millrace/plugin-api';
import { CompileDiagnosticsSchema, CompiledPlanSchema, type CompileDiagnostics, type CompiledPlan } from '../contracts/compiled-plan.js';
import type { WorkspacePaths } from './paths.js';
import { readStateFile } from './state/state-file.js';

type PlanPaths = Pick<WorkspacePaths, 'compiledPlan' | 'compileDiagnostics' | 'workspaceRoot'>;

/** A state file read: the value, or null with the reason it could not be used (absent, unreadable, invalid). */
export type StoredRead<T> = { value: T; problem: null } | { value: null; problem: string };

/**
 * Pretty JSON + newline, written to the writers' temp file beside the target and renamed over it; fsynced first when
 * `durable` (the compiled plan: the last known good plan outlives a failed compile, and it is written only when it
 * changed). The diagnostics are a report that every compile rewrites: like the other state files, not fsynced, so a
 * `compile validate` does not wait for the disk (docs/runtime.md).
 */
async function writeJsonAtomically(path: string, value: unknown, durable: boolean): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw writeFailure(error, path);
  }
}

type StateSchema<T> = {
  safeParse(v: unknown, params?: { jitless?: boolean }): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
};

async function readJsonState<T>(path: string, workspaceRoot: string, schema: StateSchema<T>, jitless = false): Promise<StoredRead<T>> {
  const read = readStateFile(path, workspaceRoot);
  if (read.kind === 'absent') return { value: null, problem: `${path} does not exist` };
  if (read.kind === 'refused') return { value: null, problem: `${path} ${read.reason}` };
  const raw = read.text;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { value: null, problem: `${path}: invalid JSON` };
  }
  const parsed = schema.safeParse(json, jitless ? { jitless: true } : undefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { value: null, problem: `${path}: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  return { value: parsed.data, problem: null };
}

/**
 * The persisted plan; an unreadable or invalid file counts as no plan (compiler.md §3.1). `once`: the process reads it
 * this once (runtime start), so it is checked without zod's JIT, which would first compile a parser for each of the
 * plan's object schemas (about three times the cost of the check itself; most of a daemon's plan load).
 */
export const readCompiledPlan = (paths: PlanPaths, options: { once?: boolean } = {}): Promise<StoredRead<CompiledPlan>> =>
  readJsonState(paths.compiledPlan, paths.workspaceRoot, CompiledPlanSchema, options.once === true);
export const readCompileDiagnostics = (paths: PlanPaths): Promise<StoredRead<CompileDiagnostics>> => readJsonState(paths.compileDiagnostics, paths.workspaceRoot, CompileDiagnosticsSchema);

export async function writeCompiledPlan(paths: PlanPaths, plan: CompiledPlan): Promise<void> {
  await writeJsonAtomically(paths.compiledPlan, CompiledPlanSchema.parse(plan), true);
}

export async function writeCompileDiagnostics(paths: PlanPaths, diagnostics: CompileDiagnostics): Promise<void> {
  await writeJsonAtomically(paths.compileDiagnostics, CompileDiagnosticsSchema.parse(diagnostics), false);
}
