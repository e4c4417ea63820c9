import { defineContributions, type LoopContribution } from '@millrace/plugin-api';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ASSET_ROOT } from '../contracts/asset-root.js';
import { STAGE_METADATA, toStageKind } from '../contracts/stage-metadata.js';

/** The host's built-in contribution: the 12 standard stage kinds and the standard graph loops, through the same API as any plugin. */
async function readLoops(): Promise<LoopContribution[]> {
  const loops: LoopContribution[] = [];
  for (const plane of ['execution', 'planning']) {
    const dir = join(ASSET_ROOT, 'graphs', plane);
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) loops.push(JSON.parse(await readFile(join(dir, file), 'utf8')) as LoopContribution);
  }
  return loops;
}

export default async function contribute() {
  return defineContributions({
    apiVersion: 1,
    stageKinds: STAGE_METADATA.map(toStageKind),
    loops: await readLoops(),
  });
}
