import type { LineageDocument } from '../../../../src/runtime/decide/closure.js';
import { newClosureTarget } from '../../../../src/runtime/decide/closure.js';

const folder = { task: 'tasks', spec: 'specs', incident: 'incidents' } as const;

export function aDoc(kind: LineageDocument['kind'], id: string, overrides: Partial<LineageDocument> = {}): LineageDocument {
  const state = overrides.state ?? 'queue';
  return {
    kind,
    id,
    state,
    path: `millrace-agents/${folder[kind]}/${state}/${id}.md`,
    root_spec_id: null,
    root_idea_id: null,
    spec_id: null,
    source_type: kind === 'spec' ? 'derived_spec' : null,
    parent_spec_id: null,
    created_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

export const aRootSpec = (id: string, overrides: Partial<LineageDocument> = {}) =>
  aDoc('spec', id, { root_spec_id: id, root_idea_id: id, spec_id: id, source_type: 'idea', ...overrides });

export const anOpenTarget = (root = 'idea-seed') => newClosureTarget(root, root, '2026-01-01T00:00:00.000Z');
