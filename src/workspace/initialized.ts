import { existsSync } from 'node:fs';
import { MillraceError } from '../errors/index.js';
import { workspacePaths, type WorkspacePaths } from './paths.js';

/** Every workspace command except `init` requires an initialized runtime root (workspace.md §6.2). */
export function requireInitializedWorkspace(workspace: string): WorkspacePaths {
  const paths = workspacePaths(workspace);
  if (!existsSync(paths.runtimeRoot) || !existsSync(paths.state)) {
    throw new MillraceError('WORKSPACE_NOT_INITIALIZED', `workspace is not initialized: ${paths.runtimeRoot} is missing`, {
      file: paths.runtimeRoot,
      hint: `run \`millrace init --workspace ${paths.workspaceRoot}\``,
    });
  }
  return paths;
}
