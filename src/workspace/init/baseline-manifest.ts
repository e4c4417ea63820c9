import { readFile } from 'node:fs/promises';
import { errorFromIssues, MillraceError } from '../../errors/index.js';
import { BaselineManifestSchema, type BaselineManifest, type BaselineManifestEntry } from '../../contracts/baseline-manifest.js';
import { readStateFile } from '../state/state-file.js';
import { listAssetFiles, sha256 } from './asset-files.js';

/** JSON with keys sorted at every level, no whitespace, non-ASCII escaped as \uXXXX: the input of identity hashes. */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sorted(value)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Pure: a manifest from entries (sorted by path here) with its content-derived id (workspace.md §5.2). */
export function manifestFromEntries(entries: ReadonlyArray<BaselineManifestEntry>, seedPackageVersion: string): BaselineManifest {
  const sorted = [...entries].sort((a, b) => (a.relative_path < b.relative_path ? -1 : a.relative_path > b.relative_path ? 1 : 0));
  const manifest_id = sha256(canonicalJson({ schema_version: '1.0', seed_package_version: seedPackageVersion, entries: sorted }));
  return { schema_version: '1.0', manifest_id, seed_package_version: seedPackageVersion, entries: sorted };
}

/** The manifest describing the package assets under `assetRoot` (never the workspace copies). */
export async function buildBaselineManifest(assetRoot: string, seedPackageVersion: string): Promise<BaselineManifest> {
  const files = await listAssetFiles(assetRoot);
  const entries = await Promise.all(
    files.map(async (f) => ({ relative_path: f.relativePath, asset_family: f.family, original_sha256: sha256(await readFile(f.absolutePath)) })),
  );
  return manifestFromEntries(entries, seedPackageVersion);
}

export function renderBaselineManifest(manifest: BaselineManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Read and validate `state/baseline_manifest.json`; `displayPath` names the file in errors. */
export async function readBaselineManifest(path: string, displayPath: string, workspaceRoot: string): Promise<BaselineManifest> {
  const read = readStateFile(path, workspaceRoot);
  if (read.kind === 'absent') throw new MillraceError('WORKSPACE_STATE_INVALID', `${displayPath}: missing`, { file: displayPath, hint: 'run `millrace init` to rebuild the baseline manifest' });
  if (read.kind === 'refused') throw new MillraceError('WORKSPACE_STATE_INVALID', `${displayPath}: ${read.reason}`, { file: displayPath, hint: 'move it aside and run `millrace upgrade` to rebuild it' });
  let raw: unknown;
  try {
    raw = JSON.parse(read.text);
  } catch (error) {
    throw new MillraceError('WORKSPACE_STATE_INVALID', `${displayPath}: not valid JSON: ${(error as Error).message}`, { file: displayPath, cause: error });
  }
  const parsed = BaselineManifestSchema.safeParse(raw);
  if (!parsed.success) throw errorFromIssues('WORKSPACE_STATE_INVALID', displayPath, parsed.error.issues);
  return parsed.data;
}
