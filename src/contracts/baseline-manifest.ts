import * as z from '@millrace/plugin-api/zod';

/** Package-managed asset families, in deployment and manifest scan order (workspace.md §4.1). */
export const ASSET_FAMILIES = ['entrypoints', 'skills', 'modes', 'loops', 'graphs', 'registry'] as const;
export const AssetFamilySchema = z.enum(ASSET_FAMILIES);
export type AssetFamily = z.infer<typeof AssetFamilySchema>;

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

export const BaselineManifestEntrySchema = z.strictObject({
  /** Runtime-root-relative POSIX path, e.g. `entrypoints/execution/builder.md`. */
  relative_path: z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a relative path without ..'),
  asset_family: AssetFamilySchema,
  /** sha256 of the package file bytes at seed time. */
  original_sha256: Sha256Schema,
});
export type BaselineManifestEntry = z.infer<typeof BaselineManifestEntrySchema>;

/** `millrace-agents/state/baseline_manifest.json` (workspace.md §5). */
export const BaselineManifestSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  manifest_id: Sha256Schema,
  seed_package_version: z.string().min(1),
  entries: z.array(BaselineManifestEntrySchema),
});
export type BaselineManifest = z.infer<typeof BaselineManifestSchema>;

export const UPGRADE_DISPOSITIONS = [
  'unchanged',
  'safe_package_update',
  'local_only_modification',
  'already_converged',
  'localized_removed',
  'conflict',
  'missing',
] as const;
export type UpgradeDisposition = (typeof UPGRADE_DISPOSITIONS)[number];
