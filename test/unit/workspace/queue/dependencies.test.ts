import { dependencyProblemText, findDependencyProblems, type DependencyNode } from '../../../../src/workspace/queue/dependencies.js';

const node = (id: string, dependsOn: string[], state = 'queue'): DependencyNode => ({ id, state, dependsOn });

describe('findDependencyProblems', () => {
  it('finds self-dependencies, cycles and ids that exist nowhere', () => {
    const tasks = [node('a', ['b']), node('b', ['c']), node('c', ['a']), node('s', ['s']), node('m', ['ghost', 'a', 'ghost', 'elsewhere']), node('ok', ['d']), node('d', [], 'done')];
    const problems = findDependencyProblems(tasks, new Set(['a', 'b', 'c', 's', 'm', 'ok', 'd', 'elsewhere']));
    expect(problems).toEqual([
      { problem: 'dependency_cycle', task_id: 'a', ids: ['a', 'b', 'c'] },
      { problem: 'missing_dependency', task_id: 'm', ids: ['ghost'] },
      { problem: 'self_dependency', task_id: 's', ids: ['s'] },
    ]);
    expect(problems.map(dependencyProblemText)).toEqual(['tasks a, b, c depend on each other in a cycle', 'task m depends on an id that exists nowhere: ghost', 'task s depends on itself']);
  });

  it('ignores cycles through done tasks and cycles with no queued member; chains are fine', () => {
    expect(findDependencyProblems([node('a', ['b']), node('b', ['a'], 'done')], new Set(['a', 'b']))).toEqual([]);
    expect(findDependencyProblems([node('a', ['b'], 'blocked'), node('b', ['a'], 'blocked')], new Set(['a', 'b']))).toEqual([]);
    const chain = Array.from({ length: 20_000 }, (_, i) => node(`t${i}`, i === 0 ? [] : [`t${i - 1}`]));
    expect(findDependencyProblems(chain, new Set(chain.map((t) => t.id)))).toEqual([]);
    const ring = chain.map((t, i) => (i === 0 ? node('t0', ['t19999']) : t));
    expect(findDependencyProblems(ring, new Set(ring.map((t) => t.id)))).toEqual([{ problem: 'dependency_cycle', task_id: 't0', ids: ring.map((t) => t.id).sort() }]);
  });

  it('finds the same cycles among thousands of independent tasks, with tails into and out of them and a duplicate id', () => {
    const independent = Array.from({ length: 5_000 }, (_, i) => node(`i${i}`, []));
    const tasks = [
      ...independent,
      node('x', ['y']), node('y', ['z', 'i7']), node('z', ['x'], 'active'),
      node('tail', ['x']), node('out', ['i1']), node('p', ['q'], 'blocked'), node('q', ['p']),
      // the same id in two folders: the later non-done one is the one that waits (here without dependencies)
      node('r', ['s2']), node('s2', ['r']), node('r', [], 'active'),
    ];
    const problems = findDependencyProblems(tasks, new Set(tasks.map((t) => t.id)));
    expect(problems).toEqual([
      { problem: 'dependency_cycle', task_id: 'p', ids: ['p', 'q'] },
      { problem: 'dependency_cycle', task_id: 'x', ids: ['x', 'y', 'z'] },
    ]);
  });
});
