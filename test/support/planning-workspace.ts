import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, createRuntimeWorkspace } from './runtime-workspace.js';

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
  writeFileSync(
    join(ws.runtime, 'millrace.toml'),
    [
      '[runtime]',
      'default_mode = "default_command"',
      'idle_sleep_seconds = 0.1',
      '',
      '[watchers]',
      'debounce_ms = 50',
      '',
      '[runners]',
      'default_runner = "command"',
      '',
      '[runners.command]',
      'command = "node"',
      `args = [${JSON.stringify(PLANNING_AGENT)}]`,
      `env = { PLANNING_AGENT_SCRIPT = ${JSON.stringify(scriptPath)} }`,
      '',
      extraToml,
    ].join('\n'),
  );
  return { ...ws, scriptPath };
}
