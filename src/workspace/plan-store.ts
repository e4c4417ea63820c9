import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CompileDiagnosticsSchema, CompiledPlanSchema, type CompileDiagnostics, type CompiledPlan } from '../contracts/compiled-plan.js';
import type { WorkspacePaths } from './paths.js';

type PlanPaths = Pick<WorkspacePaths, 'compiledPlan' | 'compileDiagnostics'>;

/** A state file read: the value, or null with the reason it could not be used (absent, unreadable, invalid). */
export type StoredRead<T> = { value: T; problem: null } | { value: null; problem: string };

/** Pretty JSON + newline, written to `.<name>.tmp-<hex>` beside the target, fsynced, renamed over it. */
async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(16).toString('hex')}`);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

async function readJsonState<T>(path: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } } }): Promise<StoredRead<T>> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { value: null, problem: code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read (${code ?? String(error)})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { value: null, problem: `${path}: invalid JSON` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { value: null, problem: `${path}: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  return { value: parsed.data, problem: null };
}

/** The persisted plan; an unreadable or invalid file counts as no plan (compiler.md §3.1). */
export const readCompiledPlan = (paths: PlanPaths): Promise<StoredRead<CompiledPlan>> => readJsonState(paths.compiledPlan, CompiledPlanSchema);
export const readCompileDiagnostics = (paths: PlanPaths): Promise<StoredRead<CompileDiagnostics>> => readJsonState(paths.compileDiagnostics, CompileDiagnosticsSchema);

export async function writeCompiledPlan(paths: PlanPaths, plan: CompiledPlan): Promise<void> {
  await writeJsonAtomically(paths.compiledPlan, CompiledPlanSchema.parse(plan));
}

export async function writeCompileDiagnostics(paths: PlanPaths, diagnostics: CompileDiagnostics): Promise<void> {
  await writeJsonAtomically(paths.compileDiagnostics, CompileDiagnosticsSchema.parse(diagnostics));
}
