import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '@millrace/plugin-api/zod';
import { readBoundedTextSync } from './bounded-read.js';
import { writeTextAtomic } from './state/atomic-write.js';

/**
 * The file of the contributions manifest (registry/contributions-manifest.ts), in the CLI's cache directory, one per
 * host install. Two lines: a header (zod-validated) naming the fingerprint of the installed plugins it was written
 * for and the sha256 of the body, then the body. A different fingerprint, a bad digest or an unreadable file reads as
 * no manifest (it is derived data: deleting it only costs one slower command).
 */

const FORMAT = 'millrace.contributions_manifest/1';
const HeaderSchema = z.strictObject({ format: z.literal(FORMAT), fingerprint: z.string(), sha256: z.string() });

/** One installed plugin as oclif lists it, with the files whose change means its contributions may have changed. */
export type InstalledPluginFiles = { name: string; version: string; type: string; root: string; files: string[] };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The manifest file of the host installed at `hostRoot`, in `cacheDir`. */
export const contributionsManifestPath = (cacheDir: string, hostRoot: string) => join(cacheDir, `contributions-${sha256(hostRoot).slice(0, 12)}.json`);

/**
 * Fingerprint of the installed plugins: each one's name, version, type and root, and the size and mtime of its
 * package.json and contribution hook files. Installing, linking, uninstalling or upgrading a plugin changes the
 * list; editing a linked plugin's package.json or hook changes a stat.
 */
export function pluginsFingerprint(plugins: readonly InstalledPluginFiles[]): string {
  const lines = [FORMAT];
  for (const plugin of [...plugins].sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : a.name.localeCompare(b.name)))) {
    lines.push(`${plugin.name}\0${plugin.version}\0${plugin.type}\0${plugin.root}`);
    for (const file of plugin.files) {
      const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
      lines.push(`${file}\0${stat ? `${stat.size}:${stat.mtimeNs}` : 'missing'}`);
    }
  }
  return sha256(lines.join('\n'));
}

export type ContributionsManifestFile = { read(): unknown; write(body: unknown): Promise<void> };

/** The stored body when it was written for `fingerprint`; undefined otherwise. Writes are atomic and best effort. */
export function contributionsManifestFile(file: string, fingerprint: string): ContributionsManifestFile {
  return {
    read() {
      try {
        const text = readBoundedTextSync(file, 'state file', { noFollow: true })?.text;
        if (text === undefined) return undefined;
        const headerEnd = text.indexOf('\n');
        const body = text.slice(headerEnd + 1);
        const header = HeaderSchema.safeParse(JSON.parse(text.slice(0, headerEnd)));
        if (!header.success || header.data.fingerprint !== fingerprint || header.data.sha256 !== sha256(body)) return undefined;
        return JSON.parse(body) as unknown;
      } catch {
        return undefined; // too large, not a regular file or not JSON: no manifest
      }
    },
    async write(value) {
      const body = JSON.stringify(value);
      try {
        await writeTextAtomic(file, `${JSON.stringify({ format: FORMAT, fingerprint, sha256: sha256(body) })}\n${body}`);
      } catch {
        // a read-only cache directory only loses the speed-up
      }
    },
  };
}

/** The manifest file of the host installed at `hostRoot`, valid for exactly these installed plugins. */
export function openContributionsManifest(cacheDir: string, hostRoot: string, plugins: readonly InstalledPluginFiles[]): ContributionsManifestFile {
  return contributionsManifestFile(contributionsManifestPath(cacheDir, hostRoot), pluginsFingerprint(plugins));
}
