/**
 * Pure: why queued tasks can never become claimable through their `depends_on` (documents.md, "Dependencies"):
 * a task that depends on itself, tasks that depend on each other in a cycle, and ids that exist nowhere in the
 * workspace. Selection keeps such tasks waiting; `queue ls` and `doctor` name them instead of staying silent.
 */

export type DependencyProblem =
  | { problem: 'self_dependency'; task_id: string; ids: string[] }
  | { problem: 'dependency_cycle'; task_id: string; ids: string[] }
  | { problem: 'missing_dependency'; task_id: string; ids: string[] };

export type DependencyNode = { id: string; state: string; dependsOn: readonly string[] };

/**
 * `tasks` are the valid tasks of every folder; `existingIds` every id with a file anywhere (any kind, valid or not).
 * A cycle is reported once, for its smallest id, with its members sorted; only cycles among tasks that are not
 * done, and touching a queued task, are reported (a done task no longer waits for anything).
 */
export function findDependencyProblems(tasks: readonly DependencyNode[], existingIds: ReadonlySet<string>): DependencyProblem[] {
  const problems: DependencyProblem[] = [];
  const notDone = new Map<string, DependencyNode>();
  for (const task of tasks) if (task.state !== 'done') notDone.set(task.id, task);
  // Only a task that waits for another waiting task can be in a cycle: the graph holds those alone, so a queue of
  // thousands of independent tasks costs one pass.
  const waiting = new Map<string, DependencyNode>();
  for (const task of notDone.values()) if (task.dependsOn.some((id) => notDone.has(id))) waiting.set(task.id, task);
  for (const task of tasks) {
    if (task.state !== 'queue' || task.dependsOn.length === 0) continue;
    if (task.dependsOn.includes(task.id)) problems.push({ problem: 'self_dependency', task_id: task.id, ids: [task.id] });
    const missing = [...new Set(task.dependsOn.filter((id) => !existingIds.has(id)))].sort();
    if (missing.length > 0) problems.push({ problem: 'missing_dependency', task_id: task.id, ids: missing });
  }
  for (const component of stronglyConnected(waiting)) {
    if (component.length < 2 || !component.some((id) => waiting.get(id)!.state === 'queue')) continue;
    const ids = component.sort();
    problems.push({ problem: 'dependency_cycle', task_id: ids[0]!, ids });
  }
  return problems.sort((a, b) => (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : a.problem < b.problem ? -1 : 1));
}

/** Tarjan's strongly connected components, iterative (thousands of tasks never deepen the stack). */
function stronglyConnected(nodes: ReadonlyMap<string, DependencyNode>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const edges = (id: string) => nodes.get(id)!.dependsOn.filter((next) => nodes.has(next));
  for (const start of nodes.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ id: string; next: number; targets: string[] }> = [];
    const open = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter += 1;
      stack.push(id);
      onStack.add(id);
      work.push({ id, next: 0, targets: edges(id) });
    };
    open(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.next < frame.targets.length) {
        const target = frame.targets[frame.next]!;
        frame.next += 1;
        if (!index.has(target)) open(target);
        else if (onStack.has(target)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(target)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        components.push(component);
      }
    }
  }
  return components;
}

/** One line per problem, for text renderers. */
export function dependencyProblemText(p: DependencyProblem): string {
  switch (p.problem) {
    case 'self_dependency':
      return `task ${p.task_id} depends on itself`;
    case 'dependency_cycle':
      return `tasks ${p.ids.join(', ')} depend on each other in a cycle`;
    case 'missing_dependency':
      return `task ${p.task_id} depends on ${p.ids.length === 1 ? 'an id' : 'ids'} that exist${p.ids.length === 1 ? 's' : ''} nowhere: ${p.ids.join(', ')}`;
  }
}
