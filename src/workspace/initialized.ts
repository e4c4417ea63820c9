import { existsSync } from 'node:fs';
import { MillraceError } from '../errors/index.js';
import { workspacePaths, type WorkspacePaths } from './paths.js';

/** What `init` creates that every other workspace command relies on (workspace.md §6.2). */
export function initializedMarkers(paths: WorkspacePaths): string[] {
  return [
    paths.runtimeRoot,
    paths.state,
    paths.tasks.queue,
    paths.specs.queue,
    paths.incidents.incoming,
    paths.entrypoints,
    paths.skills,
    paths.outline,
    paths.historylog,
    paths.baselineManifest,
    paths.tomlConfig,
  ];
}

/** Every workspace command except `init` requires an initialized runtime root; checking creates nothing. */
export function requireInitializedWorkspace(workspace: string): WorkspacePaths {
  const paths = workspacePaths(workspace);
  const missing = initializedMarkers(paths).find((p) => !existsSync(p));
  if (missing !== undefined) {
    throw new MillraceError('WORKSPACE_NOT_INITIALIZED', `workspace is not initialized: ${paths.workspaceRoot} (missing ${missing}). Run \`millrace init --workspace ${paths.workspaceRoot}\` first.`, {
      file: missing,
    });
  }
  return paths;
}
