import { staticBase, targetPathOverlaps, targetPathsOverlap } from '../../../../src/workspace/queue/path-overlap.js';

describe('staticBase', () => {
  it('keeps the literal leading segments, normalized', () => {
    expect(staticBase('src/api/**/*.ts')).toEqual(['src', 'api']);
    expect(staticBase('./src//api/')).toEqual(['src', 'api']);
    expect(staticBase('src\\api\\x.ts')).toEqual(['src', 'api', 'x.ts']);
    expect(staticBase('docs/{a,b}.md')).toEqual(['docs']);
    expect(staticBase('**')).toEqual([]);
    expect(staticBase('.')).toEqual([]);
  });
});

describe('targetPathOverlaps', () => {
  it('a directory covers what is under it, in both directions', () => {
    expect(targetPathOverlaps('src', 'src/api/x.ts')).toBe(true);
    expect(targetPathOverlaps('src/api/x.ts', 'src/')).toBe(true);
    expect(targetPathOverlaps('src/a.ts', 'src/a.ts')).toBe(true);
  });

  it('compares whole segments, not string prefixes', () => {
    expect(targetPathOverlaps('src/a', 'src/ab')).toBe(false);
    expect(targetPathOverlaps('src/a.ts', 'src/b.ts')).toBe(false);
    expect(targetPathOverlaps('docs', 'src')).toBe(false);
  });

  it('globs overlap through their static base (conservatively)', () => {
    expect(targetPathOverlaps('src/**/*.ts', 'src/api/x.ts')).toBe(true);
    expect(targetPathOverlaps('src/**/*.ts', 'src/**/*.md')).toBe(true);
    expect(targetPathOverlaps('src/api/*.ts', 'src/web/*.ts')).toBe(false);
    expect(targetPathOverlaps('*.md', 'src/x.ts')).toBe(true);
  });
});

describe('targetPathsOverlap', () => {
  it('overlaps when any pair overlaps; an empty list is the whole tree', () => {
    expect(targetPathsOverlap(['docs/a.md', 'src/x'], ['lib', 'src/x/y.ts'])).toBe(true);
    expect(targetPathsOverlap(['docs/a.md'], ['docs/b.md', 'lib'])).toBe(false);
    expect(targetPathsOverlap([], ['docs/b.md'])).toBe(true);
    expect(targetPathsOverlap(['docs/b.md'], [])).toBe(true);
  });
});
