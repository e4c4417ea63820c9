import { ideaAlreadyRepresented, ideaSpecId, ideaTitleAndSummary, normalizeIdea } from '../../../../src/runtime/intake/normalize-idea.js';

describe('ideaSpecId', () => {
  it.each([
    ['auth.md', 'idea-auth'],
    ['Feature idea!.md', 'idea-Feature-idea'],
    ['idea-x.md', 'idea-x'],
    ['2026 plan v2.md', 'idea-2026-plan-v2'],
    ['seed-idea.md', 'idea-seed-idea'],
    ['!!!.md', 'idea-idea'],
  ])('%s -> %s', (file, id) => expect(ideaSpecId(file)).toBe(id));
});

describe('ideaTitleAndSummary', () => {
  it('uses the first heading and the first other line', () => {
    expect(ideaTitleAndSummary('# Authentication\n\nAdd username/password login.\n', 'auth')).toEqual({ title: 'Authentication', summary: 'Add username/password login.' });
  });

  it('falls back to the first line and to a generated summary', () => {
    expect(ideaTitleAndSummary('just one line\n', 'x')).toEqual({ title: 'just one line', summary: 'Idea captured from x' });
    expect(ideaTitleAndSummary('   \n', 'stem')).toEqual({ title: 'stem', summary: 'Idea captured from stem' });
  });
});

describe('normalizeIdea', () => {
  it('builds a root spec whose idea and spec ids are the same', () => {
    const spec = normalizeIdea({ fileName: 'seed.md', markdown: '# Seed\n\nBuild X.', reference: 'ideas/inbox/seed.md', now: '2026-01-01T00:00:00.000Z' });
    expect(spec).toEqual({
      spec_id: 'idea-seed',
      title: 'Seed',
      summary: 'Build X.',
      source_type: 'idea',
      source_id: 'idea-seed',
      root_idea_id: 'idea-seed',
      root_spec_id: 'idea-seed',
      goals: ['Build X.'],
      constraints: ['generated from ideas/inbox watcher event'],
      acceptance: ['planner processes this idea-derived spec'],
      references: ['ideas/inbox/seed.md'],
      created_at: '2026-01-01T00:00:00.000Z',
      created_by: 'watcher',
    });
  });
});

describe('ideaAlreadyRepresented', () => {
  it('matches by spec id, root idea id or reference', () => {
    const ref = 'ideas/inbox/seed.md';
    expect(ideaAlreadyRepresented('idea-seed', ref, [{ spec_id: 'idea-seed', root_idea_id: null, references: [] }])).toBe(true);
    expect(ideaAlreadyRepresented('idea-seed', ref, [{ spec_id: 'x', root_idea_id: 'idea-seed', references: [] }])).toBe(true);
    expect(ideaAlreadyRepresented('idea-seed', ref, [{ spec_id: 'x', root_idea_id: null, references: [ref] }])).toBe(true);
    expect(ideaAlreadyRepresented('idea-seed', ref, [{ spec_id: 'x', root_idea_id: 'y', references: [] }])).toBe(false);
  });
});
