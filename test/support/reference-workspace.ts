import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { STAGE_METADATA, coreSkillPath, entrypointPath, legalOutcomes } from '../../src/contracts/stage-metadata.js';
import { buildBaselineManifest, renderBaselineManifest } from '../../src/workspace/init/baseline-manifest.js';

/**
 * A workspace shaped like one the Python reference (v0.16.2) initialized and ran (facts: ../shared/spec/workspace.md
 * §2-§5, documents.md §3/§6, config.md, stages-and-loops.md §2.4/§9, runtime.md §8): its folder tree, its
 * `millrace.toml` sections, labelled work documents, its 74-file-style asset families (entrypoints with the reference's
 * sections and marker mentions, the learning plane, the entrypoint-linting Python files, skill-creator, reference modes,
 * legacy loops, stage-kind registry), a baseline manifest of those files as seeded, one operator edit made after
 * seeding, and a snapshot left by a daemon that died while the planner worked on a spec.
 */

const PLANES = { execution: ['builder', 'checker', 'fixer', 'doublechecker', 'updater', 'troubleshooter', 'consultant'], planning: ['planner', 'manager', 'mechanic', 'auditor', 'arbiter'], learning: ['analyst', 'professor', 'curator'] } as const;

const title = (stage: string) => stage.charAt(0).toUpperCase() + stage.slice(1);

/** The reference's entrypoint layout: its four sections, the marker list under `Legal Terminal Results`, status-marker talk. */
function referenceEntrypoint(stage: string, plane: string, outcomes: readonly string[]): string {
  return [
    `# ${title(stage)} Entry Instructions`,
    '',
    '## Skills Index Selection',
    '',
    'Open `millrace-agents/skills/skills_index.md` and choose at most two optional skills that fit the work item.',
    'More skills are listed in `skills/remote_skills_index.md` once `millrace skills refresh-remote-index` ran.',
    '',
    '## Required Stage-Core Skill',
    '',
    `Load \`millrace-agents/skills/stage/${plane}/${stage}-core/SKILL.md\` before you start.`,
    '',
    '## Optional Secondary Skills',
    '',
    '- `skills/shared/marathon-qa-audit/SKILL.md` for long verification passes.',
    '',
    '## Suggested Operating Approach',
    '',
    '1. Read `millrace-agents/outline.md` and the active work item.',
    `2. The runtime has already written \`### ${stage.toUpperCase()}_RUNNING\` to the status file; never write \`### IDLE\` yourself.`,
    '3. Do the work of this stage, then signal completion.',
    '',
    '## Legal Terminal Results',
    '',
    ...outcomes.map((o) => `- \`### ${o}\``),
    '',
  ].join('\n');
}

function referenceCoreSkill(stage: string): string {
  return ['---', `name: ${stage}-core`, `description: Core operating rules of the ${stage} stage.`, '---', '', `# ${title(stage)} core`, '', `Work in small steps; the ${stage} stage ends with one terminal marker.`, ''].join('\n');
}

const LEARNING_OUTCOMES: Record<string, string[]> = { analyst: ['ANALYST_COMPLETE', 'BLOCKED'], professor: ['PROFESSOR_COMPLETE', 'BLOCKED'], curator: ['CURATOR_COMPLETE', 'BLOCKED'] };

/** Every managed asset file the reference seeds (a representative subset of each family), by runtime-root-relative path. */
function referenceAssets(): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of STAGE_METADATA) {
    files.set(entrypointPath(m), referenceEntrypoint(m.stage, m.plane, legalOutcomes(m)));
    files.set(coreSkillPath(m), referenceCoreSkill(m.stage));
  }
  for (const stage of PLANES.learning) {
    files.set(`entrypoints/learning/${stage}.md`, referenceEntrypoint(stage, 'learning', LEARNING_OUTCOMES[stage]!));
    files.set(`skills/stage/learning/${stage}-core/SKILL.md`, referenceCoreSkill(stage));
  }
  for (const module of ['__init__', 'advisory', 'discovery', 'linting', 'models', 'parsing', 'rendering']) {
    files.set(`entrypoints/${module}.py`, `"""Reference entrypoint ${module} helpers."""\n\nfrom __future__ import annotations\n`);
  }
  files.set('skills/README.md', '# Skills\n\nAdvisory skills shipped with Millrace.\n');
  files.set('skills/shared/marathon-qa-audit/SKILL.md', '---\nname: marathon-qa-audit\ndescription: Long QA audit passes.\n---\n\n# Marathon QA audit\n');
  files.set('skills/millrace-skill-creator/SKILL.md', '---\nname: millrace-skill-creator\ndescription: Create new skills.\n---\n\n# Skill creator\n\nRun `scripts/init_skill.py`.\n');
  files.set('skills/millrace-skill-creator/scripts/init_skill.py', 'print("init skill")\n');
  files.set('skills/millrace-skill-creator/evals/evals.json', '{"evals": []}\n');
  files.set('skills/millrace-skill-creator/references/format.md', '# Skill format\n');
  const skills = [...files.keys()].filter((p) => p.endsWith('/SKILL.md')).sort();
  files.set('skills/skills_index.md', ['# Skills index', '', ...skills.map((p) => `- \`${p}\``), '', 'Remote skills: `skills/remote_skills_index.md`.', ''].join('\n'));
  const bindings = (runner: string, stages: readonly string[]) => Object.fromEntries(stages.map((s) => [s, runner]));
  for (const [id, runner, learning] of [['default_codex', 'codex_cli', false], ['default_pi', 'pi_rpc', false], ['learning_codex', 'codex_cli', true], ['learning_pi', 'pi_rpc', true]] as const) {
    const stages = [...PLANES.execution, ...PLANES.planning, ...(learning ? PLANES.learning : [])];
    const loops = { execution: 'execution.standard', planning: 'planning.standard', ...(learning ? { learning: 'learning.standard' } : {}) };
    files.set(`modes/${id}.json`, `${JSON.stringify({ schema_version: '1.0', kind: 'mode', mode_id: id, loop_ids_by_plane: loops, stage_entrypoint_overrides: {}, stage_skill_additions: {}, stage_model_bindings: {}, stage_runner_bindings: bindings(runner, stages) }, null, 2)}\n`);
  }
  for (const plane of ['execution', 'planning', 'learning'] as const) {
    files.set(`loops/${plane}/default.json`, `${JSON.stringify({ schema_version: '1.0', kind: 'loop_config', loop_id: `${plane}.default`, plane, stages: PLANES[plane] }, null, 2)}\n`);
    files.set(`graphs/${plane}/standard.json`, `${JSON.stringify({ schema_version: '1.0', kind: 'graph_loop', loop_id: `${plane}.standard`, plane, nodes: PLANES[plane].map((s) => ({ node_id: s, stage_kind_id: s })), edges: [] }, null, 2)}\n`);
    for (const stage of PLANES[plane]) {
      files.set(`registry/stage_kinds/${plane}/${stage}.json`, `${JSON.stringify({ schema_version: '1.0', kind: 'registered_stage_kind', stage_kind_id: stage, plane }, null, 2)}\n`);
    }
  }
  return files;
}

const TOML = `[runtime]
default_mode = "default_codex"
run_style = "daemon"

[runners.codex]
permission_default = "maximum"

[recovery]
max_fix_cycles = 3

[watchers]
enabled = true
debounce_ms = 250

[usage_governance]
enabled = false
auto_resume = true

[stages.checker]
timeout_seconds = 1800
`;

const TASK = `# Add login form

Task-ID: task-2026-04-15-add-login
Title: Add login form
Summary: Implement the login form and its validation.
Root-Idea-ID: idea-auth
Root-Spec-ID: idea-auth
Spec-ID: idea-auth
Status-Hint: queued
Created-At: 2026-04-15T12:00:00Z
Created-By: manager

Tags:
- frontend
- auth

Target-Paths:
- src/ui/login.tsx

Acceptance:
- Form rejects empty password

Required-Checks:
- npm test -- login

References:
- millrace-agents/specs/done/idea-auth.md

Risk:
- Session handling regressions
`;

const SPEC = `# Authentication

Spec-ID: idea-auth
Title: Authentication
Summary: Add username/password authentication.
Source-Type: idea
Source-ID: idea-auth
Root-Idea-ID: idea-auth
Root-Spec-ID: idea-auth
Created-At: 2026-04-15T12:00:00Z
Created-By: planner

Goals:
- Users can sign in

Constraints:
- No third-party identity provider

Acceptance:
- A user with a valid password reaches /home

References:
- ideas/inbox/auth.md
`;

/** The reference's snapshot after its daemon died while the planner worked on spec idea-auth (runtime.md §8). */
function snapshot(): string {
  const run = { plane: 'planning', stage: 'planner', node_id: 'planner', stage_kind_id: 'planner', run_id: 'run-20260415T120500Z-3f9a1c', request_kind: 'active_work_item', work_item_kind: 'spec', work_item_id: 'idea-auth', closure_target_root_spec_id: null, closure_target_root_idea_id: null, active_since: '2026-04-15T12:05:00Z', running_status_marker: 'PLANNER_RUNNING' };
  return `${JSON.stringify(
    {
      schema_version: '1.0', kind: 'runtime_snapshot', runtime_mode: 'daemon', process_running: true, paused: false, pause_sources: [], stop_requested: false,
      active_mode_id: 'default_codex', execution_loop_id: 'execution.standard', planning_loop_id: 'planning.standard', learning_loop_id: null,
      loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' }, compiled_plan_id: 'plan-default_codex-3f9a1c0b7d2e', compiled_plan_path: 'millrace-agents/state/compiled_plan.json',
      active_plane: 'planning', active_stage: 'planner', active_node_id: 'planner', active_stage_kind_id: 'planner', active_run_id: run.run_id, active_work_item_kind: 'spec', active_work_item_id: 'idea-auth',
      active_runs_by_plane: { planning: run },
      execution_status_marker: '### IDLE', planning_status_marker: '### PLANNER_RUNNING', learning_status_marker: '### IDLE',
      status_markers_by_plane: { execution: '### IDLE', planning: '### PLANNER_RUNNING', learning: '### IDLE' },
      queue_depth_execution: 1, queue_depth_planning: 0, queue_depth_learning: 0, queue_depths_by_plane: { execution: 1, planning: 0, learning: 0 },
      last_terminal_result: null, last_stage_result_path: null, current_failure_class: null,
      troubleshoot_attempt_count: 0, mechanic_attempt_count: 0, fix_cycle_count: 0, consultant_invocations: 0,
      config_version: 'a41c0e6f1b2d', watcher_mode: 'watch', last_reload_outcome: null, last_reload_error: null,
      started_at: null, active_since: '2026-04-15T12:05:00Z', updated_at: '2026-04-15T12:05:01Z',
    },
    null,
    2,
  )}\n`;
}

const DIRECTORIES = [
  'state/mailbox/incoming', 'state/mailbox/processed', 'state/mailbox/failed', 'runs', 'logs',
  ...['tasks', 'specs'].flatMap((k) => ['queue', 'active', 'done', 'blocked'].map((s) => `${k}/${s}`)),
  ...['incoming', 'active', 'resolved', 'blocked'].map((s) => `incidents/${s}`),
  ...['queue', 'active', 'done', 'blocked'].map((s) => `learning/requests/${s}`), 'learning/research-packets', 'learning/skill-candidates', 'learning/update-candidates',
  'arbiter/contracts/ideas', 'arbiter/contracts/root-specs', 'arbiter/targets', 'arbiter/rubrics', 'arbiter/verdicts', 'arbiter/reports',
];

export type ReferenceWorkspace = { root: string; runtime: string; assets: string[]; editedByOperator: string };

/** Write the reference-shaped workspace into a new temp dir (or `root`). */
export async function createReferenceWorkspace(root = mkdtempSync(join(tmpdir(), 'millrace-reference-'))): Promise<ReferenceWorkspace> {
  const runtime = join(root, 'millrace-agents');
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(runtime, rel)), { recursive: true });
    writeFileSync(join(runtime, rel), text);
  };
  for (const dir of DIRECTORIES) mkdirSync(join(runtime, dir), { recursive: true });
  const assets = referenceAssets();
  for (const [rel, text] of assets) write(rel, text);
  // The manifest describes the package files as seeded (workspace.md §5.2), before any operator edit.
  write('state/baseline_manifest.json', renderBaselineManifest(await buildBaselineManifest(runtime, '0.16.2')));
  const editedByOperator = 'entrypoints/execution/checker.md';
  write(editedByOperator, `${assets.get(editedByOperator)!}\n## Local notes\n\nAlways run \`npm run lint\` before \`### CHECKER_PASS\`.\n`);
  write('outline.md', '# Outline\n\n- src/ui: the login form\n');
  write('historylog.md', '## 2026-04-15 planner\n\nStarted planning idea-auth.\n');
  write('millrace.toml', TOML);
  write('state/execution_status.md', '### IDLE\n');
  write('state/planning_status.md', '### PLANNER_RUNNING\n');
  write('state/learning_status.md', '### IDLE\n');
  write('state/recovery_counters.json', `${JSON.stringify({ schema_version: '1.0', kind: 'recovery_counters', entries: [] }, null, 2)}\n`);
  write('state/runtime_snapshot.json', snapshot());
  write('learning/events.jsonl', '');
  write('tasks/queue/task-2026-04-15-add-login.md', TASK);
  write('specs/active/idea-auth.md', SPEC);
  mkdirSync(join(root, 'ideas', 'inbox'), { recursive: true });
  writeFileSync(join(root, 'ideas', 'inbox', 'auth.md'), '# Authentication\n\nLet users sign in with a password.\n');
  return { root, runtime, assets: [...assets.keys()].sort(), editedByOperator };
}
