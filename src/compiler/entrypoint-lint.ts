import { coreSkillPath, entrypointPath, legalOutcomes, type StageMetadata } from '../contracts/stage-metadata.js';

/**
 * Pure lint of the stage entrypoints and stage-core skills against the stage metadata.
 * Inputs are plain data (file texts keyed by runtime-root-relative path) plus the real work-document parser,
 * so the same function checks the packaged assets in tests and a deployed workspace in `compile validate`.
 */

export type WorkDocumentExampleKind = 'task' | 'spec' | 'incident';

/** Parses one work document; throws (any error with a message) when the text is not a valid document of that kind. */
export type WorkDocumentParser = (kind: WorkDocumentExampleKind, text: string, file: string) => unknown;

export type AssetLintRule =
  | 'ENTRYPOINT_MISSING'
  | 'SKILL_MISSING'
  | 'MARKER_SECTION_MISSING'
  | 'MARKER_ILLEGAL'
  | 'MARKER_OMITTED'
  | 'MARKER_DUPLICATED'
  | 'MARKER_RULE_MISSING'
  | 'CORE_SKILL_NOT_REFERENCED'
  | 'ASSET_PATH_MISSING'
  | 'SKILL_NOT_INDEXED'
  | 'EXAMPLE_KIND_UNKNOWN'
  | 'EXAMPLE_INVALID';

export type AssetLintProblem = {
  rule: AssetLintRule;
  /** Runtime-root-relative path of the offending file, e.g. `entrypoints/execution/builder.md`. */
  file: string;
  /** 1-based line in `file`, when the problem has one. */
  line?: number;
  message: string;
};

export type AssetLintInput = {
  stages: readonly StageMetadata[];
  /** Texts to lint, keyed by runtime-root-relative POSIX path (`entrypoints/…`, `skills/…`). */
  files: ReadonlyMap<string, string>;
  /** Every runtime-root-relative path that exists in the asset tree (files not loaded as text included). */
  existingPaths: ReadonlySet<string>;
  parseDocument: WorkDocumentParser;
};

export const SKILLS_INDEX_PATH = 'skills/skills_index.md';
export const MARKER_SECTION_HEADING = /^##\s+Legal terminal markers\s*$/i;

const MARKER_MENTION = /###[ \t]+([A-Z][A-Z0-9_]+)(?![A-Za-z0-9_])/g;
const MARKER_LIST_ITEM = /^\s*[-*]\s+`###\s+([A-Z][A-Z0-9_]*)`\s*$/;
const ASSET_PATH_MENTION = /(?<![\w./-])(?:millrace-agents\/)?((?:skills|entrypoints)\/[A-Za-z0-9._/-]+\.md)(?![\w/])/g;
const FENCE = /^\s*(`{3,}|~{3,})\s*([A-Za-z0-9_-]*)/;

export function lintStageAssets(input: AssetLintInput): AssetLintProblem[] {
  const problems: AssetLintProblem[] = [];
  for (const stage of input.stages) problems.push(...lintStage(stage, input));
  problems.push(...lintSkillsIndex(input));
  for (const [file, text] of input.files) {
    problems.push(...lintAssetPaths(file, text, input.existingPaths));
    problems.push(...lintDocumentExamples(file, text, input.parseDocument));
  }
  return problems;
}

function lintStage(stage: StageMetadata, input: AssetLintInput): AssetLintProblem[] {
  const problems: AssetLintProblem[] = [];
  const entry = entrypointPath(stage);
  const skill = coreSkillPath(stage);
  const entryText = input.files.get(entry);
  const skillText = input.files.get(skill);
  if (skillText === undefined) {
    problems.push({ rule: 'SKILL_MISSING', file: skill, message: `${skill}: required stage-core skill of stage ${stage.stage} is missing` });
  } else {
    problems.push(...lintMarkerMentions(skill, skillText, stage));
  }
  if (entryText === undefined) {
    problems.push({ rule: 'ENTRYPOINT_MISSING', file: entry, message: `${entry}: entrypoint of stage ${stage.stage} is missing` });
    return problems;
  }
  problems.push(...lintMarkerMentions(entry, entryText, stage));
  problems.push(...lintMarkerSection(entry, entryText, stage));
  if (!mentionedAssetPaths(entryText).some((m) => m.path === skill)) {
    problems.push({ rule: 'CORE_SKILL_NOT_REFERENCED', file: entry, message: `${entry}: does not reference its required stage-core skill ${skill}` });
  }
  return problems;
}

/** Any `### TOKEN` anywhere in a stage's own files must be one of that stage's legal outcomes. */
function lintMarkerMentions(file: string, text: string, stage: StageMetadata): AssetLintProblem[] {
  const legal = new Set(legalOutcomes(stage));
  const problems: AssetLintProblem[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    for (const match of lineText.matchAll(MARKER_MENTION)) {
      const token = match[1]!;
      if (!legal.has(token)) {
        problems.push({
          rule: 'MARKER_ILLEGAL',
          file,
          line: index + 1,
          message: `${file}:${index + 1}: names marker ### ${token}, which stage ${stage.stage} cannot emit (legal: ${[...legal].join(', ')})`,
        });
      }
    }
  });
  return problems;
}

/** The `## Legal terminal markers` section must list every legal marker exactly once, one `- \`### X\`` per line. */
function lintMarkerSection(file: string, text: string, stage: StageMetadata): AssetLintProblem[] {
  const section = extractMarkerSection(text);
  if (section === undefined) {
    return [{ rule: 'MARKER_SECTION_MISSING', file, message: `${file}: has no "## Legal terminal markers" section` }];
  }
  const problems: AssetLintProblem[] = [];
  const seen = new Set<string>();
  for (const { token, line } of section) {
    if (seen.has(token)) problems.push({ rule: 'MARKER_DUPLICATED', file, line, message: `${file}:${line}: lists ### ${token} twice` });
    seen.add(token);
  }
  const body = markerSectionText(text);
  if (!/exactly one/i.test(body) || !/last line/i.test(body)) {
    problems.push({ rule: 'MARKER_RULE_MISSING', file, message: `${file}: Legal terminal markers does not say to print exactly one marker as the last line` });
  }
  for (const outcome of legalOutcomes(stage)) {
    if (!seen.has(outcome)) {
      problems.push({ rule: 'MARKER_OMITTED', file, message: `${file}: Legal terminal markers omits ### ${outcome}, which stage ${stage.stage} can emit` });
    }
  }
  return problems;
}

/** Lines of the marker section (heading excluded) with their 1-based numbers, up to the next h1/h2 heading. */
function markerSectionLines(text: string): Array<{ text: string; line: number }> | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => MARKER_SECTION_HEADING.test(l));
  if (start < 0) return undefined;
  const section: Array<{ text: string; line: number }> = [];
  for (let i = start + 1; i < lines.length && !/^#{1,2}\s/.test(lines[i]!); i += 1) section.push({ text: lines[i]!, line: i + 1 });
  return section;
}

const markerSectionText = (text: string): string => (markerSectionLines(text) ?? []).map((l) => l.text).join(' ');

/** Marker tokens listed in the section, or undefined when the heading is absent. */
export function extractMarkerSection(text: string): Array<{ token: string; line: number }> | undefined {
  return markerSectionLines(text)?.flatMap(({ text: lineText, line }) => {
    const match = MARKER_LIST_ITEM.exec(lineText);
    return match ? [{ token: match[1]!, line }] : [];
  });
}

function mentionedAssetPaths(text: string): Array<{ path: string; line: number }> {
  const found: Array<{ path: string; line: number }> = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    for (const match of lineText.matchAll(ASSET_PATH_MENTION)) found.push({ path: match[1]!, line: index + 1 });
  });
  return found;
}

function lintAssetPaths(file: string, text: string, existing: ReadonlySet<string>): AssetLintProblem[] {
  return mentionedAssetPaths(text)
    .filter((m) => !existing.has(m.path))
    .map((m) => ({ rule: 'ASSET_PATH_MISSING' as const, file, line: m.line, message: `${file}:${m.line}: references ${m.path}, which does not exist` }));
}

/** The skills index must name every packaged SKILL.md. */
function lintSkillsIndex(input: AssetLintInput): AssetLintProblem[] {
  const index = input.files.get(SKILLS_INDEX_PATH);
  if (index === undefined) {
    return [{ rule: 'SKILL_MISSING', file: SKILLS_INDEX_PATH, message: `${SKILLS_INDEX_PATH}: skills index is missing` }];
  }
  const listed = new Set(mentionedAssetPaths(index).map((m) => m.path));
  return [...input.existingPaths]
    .filter((p) => p.startsWith('skills/') && p.endsWith('/SKILL.md') && !listed.has(p))
    .sort()
    .map((p) => ({ rule: 'SKILL_NOT_INDEXED' as const, file: SKILLS_INDEX_PATH, message: `${SKILLS_INDEX_PATH}: does not list ${p}` }));
}

export type FencedBlock = { info: string; body: string; line: number };

/** Fenced code blocks (``` or ~~~), with the 1-based line of the opening fence. */
export function extractFencedBlocks(text: string): FencedBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
  let open: { fence: string; info: string; line: number; body: string[] } | undefined;
  lines.forEach((lineText, index) => {
    const match = FENCE.exec(lineText);
    if (open === undefined) {
      if (match) open = { fence: match[1]!, info: match[2]!.toLowerCase(), line: index + 1, body: [] };
      return;
    }
    const closing = /^\s*(`{3,}|~{3,})\s*$/.exec(lineText);
    if (closing && closing[1]![0] === open.fence[0] && closing[1]!.length >= open.fence.length) {
      blocks.push({ info: open.info, body: open.body.join('\n') + '\n', line: open.line });
      open = undefined;
      return;
    }
    open.body.push(lineText);
  });
  return blocks;
}

/**
 * The kind of a work-document example, or null when the block is not a work document.
 * A task may carry `spec_id` and `incident_id`, so `task_id` decides first.
 * A markdown block is a work document when it opens with YAML front matter (canonical format) or carries a
 * labelled id line (`Task-ID:` …, the legacy format that is still read). `undefined` = front matter without an id key.
 */
export function detectExampleKind(block: FencedBlock): WorkDocumentExampleKind | null | undefined {
  if (block.info !== 'markdown' && block.info !== 'md') return null;
  const lines = block.body.split('\n');
  const first = lines.find((l) => l.trim() !== '');
  if (first?.trim() === '---') {
    const end = lines.indexOf('---', lines.indexOf(first) + 1);
    const header = lines.slice(0, end < 0 ? lines.length : end);
    for (const kind of ['task', 'incident', 'spec'] as const) {
      if (header.some((l) => new RegExp(`^${kind}_id\\s*:`).test(l))) return kind;
    }
    return undefined;
  }
  const labelled: Array<[WorkDocumentExampleKind, RegExp]> = [
    ['task', /^\s*Task-ID\s*:/m],
    ['incident', /^\s*Incident-ID\s*:/m],
    ['spec', /^\s*Spec-ID\s*:/m],
  ];
  for (const [kind, pattern] of labelled) if (pattern.test(block.body)) return kind;
  return null;
}

function lintDocumentExamples(file: string, text: string, parse: WorkDocumentParser): AssetLintProblem[] {
  const problems: AssetLintProblem[] = [];
  for (const block of extractFencedBlocks(text)) {
    const kind = detectExampleKind(block);
    if (kind === null) continue;
    if (kind === undefined) {
      problems.push({
        rule: 'EXAMPLE_KIND_UNKNOWN',
        file,
        line: block.line,
        message: `${file}:${block.line}: document example has front matter but no task_id, spec_id or incident_id`,
      });
      continue;
    }
    try {
      parse(kind, block.body, `${file}:${block.line}`);
    } catch (error) {
      const reason = firstLine(error instanceof Error ? error.message : String(error));
      problems.push({ rule: 'EXAMPLE_INVALID', file, line: block.line, message: `${file}:${block.line}: ${kind} example does not parse: ${reason}` });
    }
  }
  return problems;
}

/** Parser errors may list one problem per line; a lint problem stays one line. */
function firstLine(message: string): string {
  const lines = message.split(/\r?\n/).filter((l) => l.trim() !== '');
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : '';
  return `${lines[0] ?? ''}${more}`;
}
