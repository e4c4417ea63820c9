import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphLoopSchema, type GraphLoop } from '@millrace/plugin-api';
import { ASSET_ROOT } from '../../../src/contracts/asset-root.js';
import { extractFencedBlocks } from '../../../src/compiler/entrypoint-lint.js';

/** docs/stages.md must picture the loops that actually ship, edge for edge. */

const DOC = readFileSync(join(ASSET_ROOT, '..', '..', 'docs', 'stages.md'), 'utf8');
const loop = (plane: string): GraphLoop =>
  GraphLoopSchema.parse(JSON.parse(readFileSync(join(ASSET_ROOT, 'graphs', plane, 'standard.json'), 'utf8')));

const EDGE = /^\s*(\w+?)(?:[>(\[].*?[\])])?\s+(-->|-\.->)(?:\|"([^"]*)"\|)?\s+(\w+)/;

/** `from -label-> to` triples of one plane, with the `<plane>__` prefix and node shapes removed. */
function pictured(plane: string): string[] {
  const prefix = `${plane}__`;
  return extractFencedBlocks(DOC)
    .filter((b) => b.info === 'mermaid')
    .flatMap((b) => b.body.split('\n'))
    .map((line) => EDGE.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[1]!.startsWith(prefix))
    .map(([, from, arrow, label, to]) => `${from!.slice(prefix.length)} ${arrow} ${label ?? ''} ${to!.slice(prefix.length)}`)
    .sort();
}

function expected(graph: GraphLoop): string[] {
  const end = (id: string) => `end_${id}`;
  const lines: string[] = [];
  for (const e of graph.entry_nodes) lines.push(`entry_${e.entry_key} -->  ${e.node_id}`);
  if (graph.completion_behavior) lines.push(`entry_closure_target -.->  ${graph.completion_behavior.target_node_id}`);
  for (const e of graph.edges) {
    for (const outcome of e.on_outcomes) lines.push(`${e.from_node_id} --> ${outcome} ${e.to_node_id ?? end(e.terminal_state_id!)}`);
  }
  for (const p of graph.dynamic_policies?.threshold_policies ?? []) {
    const to = p.exhausted_target_node_id ?? end(p.exhausted_terminal_state_id!);
    for (const source of p.source_node_ids) lines.push(`${source} -.-> ${p.on_outcome} x${p.threshold} (${p.counter_name}) ${to}`);
  }
  return lines.sort();
}

describe('docs/stages.md loop pictures', () => {
  it.each(['execution', 'planning'])('draws every edge, entry and threshold of %s.standard and nothing else', (plane) => {
    expect(pictured(plane)).toEqual(expected(loop(plane)));
  });
});
