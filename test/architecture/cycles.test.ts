import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { importsOf, productionSources, REPO_ROOT, resolveRelative } from './source-files.js';

/** Pure: every strongly connected component with more than one file (or a self-import), via Tarjan's algorithm. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}

describe('module graph', () => {
  it('has no import cycles (type-only imports included)', () => {
    const graph = new Map<string, string[]>();
    for (const file of productionSources()) {
      const targets = importsOf(file)
        .map((s) => resolveRelative(file, s))
        .filter((t): t is string => t !== undefined && existsSync(join(REPO_ROOT, t)));
      graph.set(file, targets);
    }
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('the cycle finder finds a cycle', () => {
    expect(cyclesOf(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });
});
