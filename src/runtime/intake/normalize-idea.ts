/** Idea → root spec normalization (documents.md §10, runtime.md §5.2). Pure. */

/** `Feature idea!.md` → `idea-Feature-idea`; `idea-x.md` → `idea-x`. */
export function ideaSpecId(fileName: string): string {
  const stem = fileName.replace(/\.md$/i, '');
  const safe = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'idea';
  return safe.startsWith('idea-') ? safe : `idea-${safe}`;
}

const stripHashes = (line: string) => line.replace(/^#+\s*/, '').trim();

/** Title from the first heading (else first line, else the stem); summary from the first other line. */
export function ideaTitleAndSummary(markdown: string, stem: string): { title: string; summary: string } {
  const lines = markdown.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const heading = lines.find((l) => l.startsWith('#'));
  const title = (heading !== undefined && stripHashes(heading)) || lines[0] || stem;
  const summary = lines.map(stripHashes).find((t) => t !== '' && t !== title) ?? `Idea captured from ${stem}`;
  return { title, summary };
}

export type IdeaSpecFields = {
  spec_id: string;
  title: string;
  summary: string;
  source_type: 'idea';
  source_id: string;
  root_idea_id: string;
  root_spec_id: string;
  goals: string[];
  constraints: string[];
  acceptance: string[];
  references: string[];
  created_at: string;
  created_by: string;
};

/** The root spec an inbox idea becomes. `reference` is the idea's workspace-relative path. */
export function normalizeIdea(input: { fileName: string; markdown: string; reference: string; now: string }): IdeaSpecFields {
  const stem = input.fileName.replace(/\.md$/i, '');
  const id = ideaSpecId(input.fileName);
  const { title, summary } = ideaTitleAndSummary(input.markdown, stem);
  return {
    spec_id: id,
    title,
    summary,
    source_type: 'idea',
    source_id: id,
    root_idea_id: id,
    root_spec_id: id,
    goals: [summary],
    constraints: ['generated from ideas/inbox watcher event'],
    acceptance: ['planner processes this idea-derived spec'],
    references: [input.reference],
    created_at: input.now,
    created_by: 'watcher',
  };
}

export type ExistingSpecLineage = { spec_id: string; root_idea_id: string | null; references: readonly string[] };

/** An idea already has a spec when some spec has its id, names it as root idea, or references the file. */
export function ideaAlreadyRepresented(specId: string, reference: string, specs: readonly ExistingSpecLineage[]): boolean {
  return specs.some((s) => s.spec_id === specId || s.root_idea_id === specId || s.references.includes(reference));
}
