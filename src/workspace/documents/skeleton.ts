import { MAX_ID_LENGTH } from '../../contracts/input-limits.js';
import { FIELD_ORDER, formatTimestamp, type WorkDocumentKind } from '../../contracts/documents.js';
import { writeFrontMatter } from './front-matter.js';

/**
 * Skeletons for `millrace queue new task|spec|incident`: every required field filled with a placeholder that passes
 * validation (so the text is accepted by `queue add-*` as it is, or read as a valid document when it is saved
 * straight into a queue folder: created_at/created_by, opened_at/opened_by for an incident, are the time it was
 * made and `operator`), the optional fields as YAML comments, and body sections. Pure.
 */

const DEFAULT_TITLES: Record<WorkDocumentKind, string> = { task: 'New task', spec: 'New spec', incident: 'New incident' };

/** `Add login form!` -> `add-login-form` (at most 48 characters; empty when nothing is left). */
export function titleSlug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
}

/** A fresh id: `<kind>-<yyyymmdd>-<hhmmss>-<title slug>` (UTC), a safe id of at most 128 characters. */
export function newWorkDocumentId(kind: WorkDocumentKind, title: string | undefined, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = title === undefined ? '' : titleSlug(title);
  return `${kind}-${stamp}${slug ? `-${slug}` : ''}`.slice(0, MAX_ID_LENGTH);
}

type Skeleton = { required: Record<string, unknown>; optional: string[]; sections: string[] };

function skeletonOf(kind: WorkDocumentKind, id: string, title: string, at: string): Skeleton {
  switch (kind) {
    case 'task':
      return {
        required: {
          task_id: id,
          title,
          summary: 'TODO: one or two sentences on what this task changes and why.',
          target_paths: ['TODO/path/this/task/changes'],
          acceptance: ['TODO: an observable result that shows the task is done'],
          required_checks: ['TODO: a command that must pass, e.g. npm test'],
          references: ['TODO: a file, doc or spec the builder should read first'],
          risk: ['TODO: what could go wrong'],
          created_at: at,
          created_by: 'operator',
        },
        optional: [
          'spec_id: spec-id        # the spec this task implements',
          'root_spec_id: spec-id   # the root spec of its lineage (closure)',
          'root_idea_id: idea-id   # the idea its lineage started from',
          'parent_task_id: task-id # the task this one was split from',
          'incident_id: incident-id # the incident this task resolves',
          'depends_on: [task-id]   # tasks that must be in tasks/done before this one is claimed',
          'blocks: [task-id]       # tasks this one blocks',
          'tags: [label]           # free labels',
        ],
        sections: ['## Context', 'TODO: what the builder needs to know that the fields do not say.', '## Notes', 'TODO: anything else.'],
      };
    case 'spec':
      return {
        required: {
          spec_id: id,
          title,
          summary: 'TODO: one or two sentences on what this spec delivers.',
          source_type: 'manual',
          goals: ['TODO: what the work must achieve'],
          constraints: ['TODO: a limit the work must respect'],
          acceptance: ['TODO: an observable result that shows the spec is done'],
          references: ['TODO: a file or doc the planner should read first'],
          created_at: at,
          created_by: 'operator',
        },
        optional: [
          'source_id: some-id      # the id of what this spec came from',
          'parent_spec_id: spec-id # the spec this one was derived from',
          'root_spec_id: spec-id   # the root spec of its lineage (closure)',
          'root_idea_id: idea-id   # the idea its lineage started from',
          'non_goals: [text]       # what is out of scope',
          'scope: [text]           # areas in scope',
          'assumptions: [text]     # what the planner may assume',
          'risks: [text]           # what could go wrong',
          'target_paths: [src/x.ts] # files or folders the work touches',
          'entrypoints: [src/x.ts] # where to start reading',
          'required_skills: [text] # skills the work needs',
          'decomposition_hints: [text] # how to split it into tasks',
        ],
        sections: ['## Background', 'TODO: why this is wanted.', '## Notes', 'TODO: anything else the planner should know.'],
      };
    case 'incident':
      return {
        required: {
          incident_id: id,
          title,
          summary: 'TODO: one or two sentences on what went wrong.',
          source_stage: 'builder',
          source_plane: 'execution',
          failure_class: 'TODO-failure-class',
          trigger_reason: 'TODO: what triggered this incident',
          consultant_decision: 'needs_planning',
          opened_at: at,
          opened_by: 'operator',
        },
        optional: [
          'severity: high          # low, medium (default), high or critical',
          'needs_planning: false   # default true',
          'source_task_id: task-id # the task that failed',
          'source_spec_id: spec-id # the spec of that task',
          'root_spec_id: spec-id   # the root spec of its lineage (closure)',
          'root_idea_id: idea-id   # the idea its lineage started from',
          'observed_symptoms: [text] # what was seen',
          'failed_attempts: [text] # what was tried',
          'evidence_paths: [path]  # logs, run directories',
          'related_run_ids: [run-id]',
          'related_stage_results: [text]',
          'references: [path]      # files or docs to read',
        ],
        sections: ['## What happened', 'TODO: the failure as observed.', '## Notes', 'TODO: anything else the planner should know.'],
      };
  }
}

/** The fields in the canonical order (FIELD_ORDER), as the renderer writes them. */
function orderedFields(kind: WorkDocumentKind, fields: Record<string, unknown>): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of [...FIELD_ORDER[kind].scalars, ...FIELD_ORDER[kind].lists]) if (fields[key] !== undefined) ordered[key] = fields[key];
  return ordered;
}

/** The skeleton text of a new work document of `kind`, and its id. */
export function workDocumentSkeleton(kind: WorkDocumentKind, options: { title?: string; id?: string; now: Date }): { id: string; text: string } {
  const title = options.title ?? DEFAULT_TITLES[kind];
  const id = options.id ?? newWorkDocumentId(kind, options.title, options.now);
  const fields = skeletonOf(kind, id, title, formatTimestamp(options.now));
  const { optional, sections } = fields;
  const required = orderedFields(kind, fields.required);
  const body = [`# ${title}`, ...sections].join('\n\n');
  const rendered = writeFrontMatter(required, body);
  const close = rendered.indexOf('\n---\n', 3);
  const comments = ['# Optional fields: uncomment and edit (docs/documents.md lists every field)', ...optional.map((o) => `# ${o}`)].join('\n');
  return { id, text: `${rendered.slice(0, close)}\n${comments}${rendered.slice(close)}` };
}
