import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, commandRunnerToml, createRuntimeWorkspace } from './runtime-workspace.js';

export const PLANNING_AGENT = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'planning-agent.mjs');

export type PlanningScript = {
  outcomes?: Record<string, string[]>;
  tasks?: Record<string, Array<{ id: string; depends_on?: string[]; lineage?: boolean; invalid?: boolean }>>;
};

/** An initialized workspace whose every stage runs the scripted planning agent through the command runner. */
export async function createPlanningWorkspace(script: PlanningScript, extraToml = '') {
  const ws = await createRuntimeWorkspace();
  const scriptPath = join(ws.root, 'planning-script.json');
  writeFileSync(scriptPath, JSON.stringify(script));
  writeFileSync(join(ws.runtime, 'millrace.toml'), commandRunnerToml(PLANNING_AGENT, `PLANNING_AGENT_SCRIPT = ${JSON.stringify(scriptPath)}`, ['[watchers]', 'debounce_ms = 50', '', extraToml]));
  return { ...ws, scriptPath };
}
