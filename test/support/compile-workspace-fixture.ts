import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { coreSkillPath, entrypointPath, STAGE_METADATA } from '../../src/contracts/stage-metadata.js';
import { workspacePaths, type WorkspacePaths } from '../../src/workspace/paths.js';

/** A minimal initialized workspace on disk: state/ plus one entrypoint and one stage-core skill per shipped stage. */
export async function makeCompileWorkspace(): Promise<{ paths: WorkspacePaths; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'millrace-compile-'));
  const paths = workspacePaths(root);
  await mkdir(paths.state, { recursive: true });
  for (const m of STAGE_METADATA) {
    await writeRuntimeFile(paths, entrypointPath(m), `# ${m.stage} Entry Instructions\n`);
    await writeRuntimeFile(paths, coreSkillPath(m), `# ${m.stage} core skill\n`);
  }
  return { paths, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export async function writeRuntimeFile(paths: WorkspacePaths, relativePath: string, content: string): Promise<void> {
  const file = join(paths.runtimeRoot, relativePath);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content, 'utf8');
}
