import type { WorkDocument } from '../../contracts/documents.js';

/** Lineage a planning run hands down to the documents its stages write (routing.md §7-8). */
export type InheritedLineage = { root_spec_id: string | null; root_idea_id: string | null; spec_id: string | null };

/** What the active spec or incident passes on. Pure. */
export function inheritedLineage(source: WorkDocument): InheritedLineage {
  switch (source.kind) {
    case 'spec': {
      const f = source.fields;
      const ownRoot = f.source_type === 'idea' || f.source_type === 'manual' ? f.spec_id : null;
      return { root_spec_id: f.root_spec_id ?? ownRoot, root_idea_id: f.root_idea_id ?? null, spec_id: f.spec_id };
    }
    case 'incident': {
      const f = source.fields;
      return { root_spec_id: f.root_spec_id ?? f.source_spec_id ?? null, root_idea_id: f.root_idea_id ?? null, spec_id: f.source_spec_id ?? null };
    }
    case 'task':
      return { root_spec_id: source.fields.root_spec_id ?? source.fields.spec_id ?? null, root_idea_id: source.fields.root_idea_id ?? null, spec_id: source.fields.spec_id ?? null };
  }
}

/**
 * Fill the lineage fields a stage left out; fields the agent set are never overwritten. Returns the stamped
 * document and the names of the fields that were filled (empty when nothing changed). Pure.
 */
export function stampLineage(doc: WorkDocument, lineage: InheritedLineage): { document: WorkDocument; stamped: string[] } {
  const stamped: string[] = [];
  const fill = <T extends Record<string, unknown>>(fields: T, key: keyof T & string, value: string | null): T => {
    if (value === null || (fields[key] !== undefined && fields[key] !== null)) return fields;
    stamped.push(key);
    return { ...fields, [key]: value };
  };
  switch (doc.kind) {
    case 'task': {
      let f = doc.fields;
      f = fill(f, 'root_spec_id', lineage.root_spec_id);
      f = fill(f, 'root_idea_id', lineage.root_idea_id);
      f = fill(f, 'spec_id', lineage.spec_id);
      return { document: { ...doc, fields: f }, stamped };
    }
    case 'spec': {
      let f = doc.fields;
      if (f.spec_id === lineage.spec_id) return { document: doc, stamped };
      f = fill(f, 'root_spec_id', lineage.root_spec_id);
      f = fill(f, 'root_idea_id', lineage.root_idea_id);
      return { document: { ...doc, fields: f }, stamped };
    }
    case 'incident': {
      let f = doc.fields;
      f = fill(f, 'root_spec_id', lineage.root_spec_id);
      f = fill(f, 'root_idea_id', lineage.root_idea_id);
      return { document: { ...doc, fields: f }, stamped };
    }
  }
}
