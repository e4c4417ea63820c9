import { extractFencedBlocks, lintStageAssets, type WorkDocumentParser } from '../../../src/compiler/entrypoint-lint.js';
import { aCleanAssetSet } from './stage-asset-set.js';

const CHECKER = 'entrypoints/execution/checker.md';
const rules = (input: ReturnType<typeof aCleanAssetSet>) => lintStageAssets(input).map((p) => p.rule);

describe('lintStageAssets', () => {
  it('accepts an asset set that matches the stage metadata', () => {
    expect(lintStageAssets(aCleanAssetSet())).toEqual([]);
  });

  it('fails when an entrypoint names a marker its stage cannot emit', () => {
    const input = aCleanAssetSet();
    input.files.set(CHECKER, input.files.get(CHECKER)!.replace('Print exactly one', 'Never print `### BUILDER_COMPLETE`. Print exactly one'));
    const problems = lintStageAssets(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ rule: 'MARKER_ILLEGAL', file: CHECKER, line: 11 });
    expect(problems[0]!.message).toContain('### BUILDER_COMPLETE');
  });

  it('fails when an extra marker is listed in the marker section', () => {
    const input = aCleanAssetSet();
    input.files.set(CHECKER, input.files.get(CHECKER)!.replace('- `### BLOCKED`', '- `### BLOCKED`\n- `### NEEDS_PLANNING`'));
    expect(rules(input)).toEqual(['MARKER_ILLEGAL']);
  });

  it('fails when a stage-core skill names a marker of another stage', () => {
    const input = aCleanAssetSet();
    input.files.set('skills/stage/planning/manager-core/SKILL.md', '# manager\n\nEnd with ### ARBITER_COMPLETE.\n');
    expect(lintStageAssets(input)[0]).toMatchObject({ rule: 'MARKER_ILLEGAL', file: 'skills/stage/planning/manager-core/SKILL.md' });
  });

  it('fails when the marker section omits a legal marker', () => {
    const input = aCleanAssetSet();
    input.files.set(CHECKER, input.files.get(CHECKER)!.replace('- `### FIX_NEEDED`\n', ''));
    const problems = lintStageAssets(input);
    expect(problems.map((p) => p.rule)).toEqual(['MARKER_OMITTED']);
    expect(problems[0]!.message).toContain('### FIX_NEEDED');
  });

  it('fails when the marker section is missing or a marker is listed twice', () => {
    const missing = aCleanAssetSet();
    missing.files.set(CHECKER, missing.files.get(CHECKER)!.replace('## Legal terminal markers', '## Markers'));
    expect(rules(missing)).toEqual(['MARKER_SECTION_MISSING']);
    const twice = aCleanAssetSet();
    twice.files.set(CHECKER, twice.files.get(CHECKER)!.replace('- `### BLOCKED`', '- `### BLOCKED`\n- `### BLOCKED`'));
    expect(rules(twice)).toEqual(['MARKER_DUPLICATED']);
  });

  it('fails when the marker section does not state the exactly-one, last-line rule', () => {
    const input = aCleanAssetSet();
    input.files.set(CHECKER, input.files.get(CHECKER)!.replace('Print exactly one, as the last line.', 'Print one of these.'));
    expect(rules(input)).toEqual(['MARKER_RULE_MISSING']);
  });

  it('does not treat prose headings as markers', () => {
    const input = aCleanAssetSet();
    input.files.set(CHECKER, `${input.files.get(CHECKER)!}\n### Step one\n\n### A note\n`);
    expect(rules(input)).toEqual([]);
  });

  it('fails when an entrypoint references a skill path that does not exist', () => {
    const input = aCleanAssetSet();
    input.files.set(CHECKER, `${input.files.get(CHECKER)!}\nAlso read \`millrace-agents/skills/shared/nowhere/SKILL.md\`.\n`);
    const problems = lintStageAssets(input);
    expect(problems).toEqual([expect.objectContaining({ rule: 'ASSET_PATH_MISSING', file: CHECKER, line: 13 })]);
    expect(problems[0]!.message).toContain('skills/shared/nowhere/SKILL.md');
  });

  it('fails when an entrypoint does not reference its own stage-core skill', () => {
    const input = aCleanAssetSet();
    input.files.set(CHECKER, input.files.get(CHECKER)!.replace('skills/stage/execution/checker-core/SKILL.md', 'skills/stage/execution/fixer-core/SKILL.md'));
    expect(rules(input)).toEqual(['CORE_SKILL_NOT_REFERENCED']);
  });

  it('fails when an entrypoint or core skill file is missing', () => {
    const input = aCleanAssetSet();
    input.files.delete(CHECKER);
    input.files.delete('skills/stage/planning/arbiter-core/SKILL.md');
    input.existingPaths = new Set(input.files.keys());
    const problems = lintStageAssets(input).map((p) => `${p.rule} ${p.file}`);
    expect(problems.sort()).toEqual([
      'ASSET_PATH_MISSING entrypoints/planning/arbiter.md',
      'ASSET_PATH_MISSING skills/skills_index.md',
      `ENTRYPOINT_MISSING ${CHECKER}`,
      'SKILL_MISSING skills/stage/planning/arbiter-core/SKILL.md',
    ]);
  });

  it('fails when the skills index does not list a packaged skill', () => {
    const input = aCleanAssetSet();
    input.files.set('skills/shared/extra/SKILL.md', '# extra\n');
    input.existingPaths = new Set(input.files.keys());
    expect(lintStageAssets(input)).toEqual([expect.objectContaining({ rule: 'SKILL_NOT_INDEXED', message: expect.stringContaining('skills/shared/extra/SKILL.md') })]);
  });

  it('hands each work-document example to the parser with its kind and reports the parser message', () => {
    const calls: Array<[string, string]> = [];
    const parser: WorkDocumentParser = (kind, text, file) => {
      calls.push([kind, file]);
      if (text.includes('broken')) throw new Error('acceptance: expected at least one item\nrisk: expected at least one item');
    };
    const input = aCleanAssetSet(parser);
    const manager = 'entrypoints/planning/manager.md';
    const example = (id: string) => ['```markdown', '---', `task_id: ${id}`, '---', '# Title', '```'].join('\n');
    input.files.set(manager, `${input.files.get(manager)!}\n${example('good')}\n\n${example('broken')}\n\n\`\`\`json\n{"task_id": "x"}\n\`\`\`\n`);
    const problems = lintStageAssets(input);
    expect(calls.map(([kind]) => kind)).toEqual(['task', 'task']);
    expect(problems).toEqual([expect.objectContaining({ rule: 'EXAMPLE_INVALID', file: manager })]);
    expect(problems[0]!.message).toMatch(/does not parse: acceptance: expected at least one item \(and 1 more\)$/);
  });

  it('recognises spec and incident examples and rejects front matter without an id', () => {
    const kinds: string[] = [];
    const input = aCleanAssetSet((kind) => void kinds.push(kind));
    const planner = 'entrypoints/planning/planner.md';
    const block = (key: string) => ['```md', '---', `${key}: x`, 'title: t', '---', '```'].join('\n');
    const taskOfIncident = ['```markdown', '---', 'task_id: t', 'spec_id: s', 'incident_id: i', '---', '```'].join('\n');
    const labelled = ['```markdown', '# Fix typo', 'Task-ID: fix-typo', 'Incident-ID: i', '```'].join('\n');
    input.files.set(planner, [input.files.get(planner)!, block('spec_id'), block('incident_id'), taskOfIncident, labelled, block('name')].join('\n'));
    expect(rules(input)).toEqual(['EXAMPLE_KIND_UNKNOWN']);
    expect(kinds).toEqual(['spec', 'incident', 'task', 'task']);
  });
});

describe('extractFencedBlocks', () => {
  it('keeps nested shorter fences inside a longer fence', () => {
    const blocks = extractFencedBlocks(['````markdown', '```js', 'x', '```', '````', 'after'].join('\n'));
    expect(blocks).toEqual([{ info: 'markdown', body: '```js\nx\n```\n', line: 1 }]);
  });
});
