/**
 * The labelled (Python Millrace) format's global label table (documents.md §3.3): a label is always
 * scalar or always a list, whatever the kind. Learning-request labels are parsed so that validation can
 * reject them as unexpected fields.
 */
export type LabelDefinition = { field: string; list: boolean };

const SCALARS = [
  'Task-ID', 'Spec-ID', 'Incident-ID', 'Title', 'Summary', 'Root-Idea-ID', 'Root-Spec-ID', 'Parent-Task-ID', 'Status-Hint',
  'Created-At', 'Created-By', 'Updated-At', 'Source-Type', 'Source-ID', 'Parent-Spec-ID', 'Source-Task-ID', 'Source-Spec-ID',
  'Source-Stage', 'Source-Plane', 'Failure-Class', 'Severity', 'Needs-Planning', 'Trigger-Reason', 'Consultant-Decision',
  'Opened-At', 'Opened-By', 'Learning-Request-ID', 'Requested-Action', 'Target-Skill-ID', 'Target-Stage', 'Trigger-Metadata',
];
const LISTS = [
  'Depends-On', 'Blocks', 'Tags', 'Required-Checks', 'Risk', 'Target-Paths', 'Acceptance', 'References', 'Goals', 'Non-Goals',
  'Scope', 'Constraints', 'Assumptions', 'Risks', 'Entrypoints', 'Required-Skills', 'Decomposition-Hints', 'Observed-Symptoms',
  'Failed-Attempts', 'Evidence-Paths', 'Related-Run-IDs', 'Related-Stage-Results', 'Source-Refs', 'Preferred-Output-Paths',
  'Originating-Run-IDs', 'Artifact-Paths',
];

const fieldOf = (label: string) => label.toLowerCase().replace(/-/g, '_');

export const LABELS: ReadonlyMap<string, LabelDefinition> = new Map<string, LabelDefinition>([
  ...SCALARS.map((label): [string, LabelDefinition] => [label, { field: fieldOf(label), list: false }]),
  ...LISTS.map((label): [string, LabelDefinition] => [label, { field: fieldOf(label), list: true }]),
]);

/** snake_case field -> label, for messages and for rendering the labelled format in tests. */
export const LABEL_OF_FIELD: ReadonlyMap<string, string> = new Map([...LABELS].map(([label, def]) => [def.field, label]));

/** Lists whose `none` / `n/a` / `-` items are placeholders for "empty" (documents.md §3.2 step 5). */
export const PLACEHOLDER_LISTS: ReadonlySet<string> = new Set(['depends_on', 'blocks']);
export const isPlaceholder = (item: string) => ['none', 'n/a', '-'].includes(item.trim().toLowerCase());

const BOOLEAN_TOKENS: Record<string, boolean> = { true: true, t: true, yes: true, y: true, on: true, '1': true, false: false, f: false, no: false, n: false, off: false, '0': false };

/** `Needs-Planning: yes` -> true; unknown tokens stay strings so validation reports them. */
export function booleanToken(value: string): boolean | string {
  const token = BOOLEAN_TOKENS[value.trim().toLowerCase()];
  return token ?? value;
}
