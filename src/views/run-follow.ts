import { StringDecoder } from 'node:string_decoder';
import type { WorkspacePaths } from '../workspace/paths.js';
import { listRunFiles, readRunFileFrom } from '../workspace/state/run-dirs.js';
import { readLiveRuns } from './run-list.js';
import { waitBeforeNextPoll } from './poll-wait.js';

/** A piece of a running stage's output; `stage` is the stage that was running when its file appeared. */
export type RunOutputChunk = { run_id: string; request_id: string; stage: string | null; text: string };

const STDOUT = /^runner_stdout\.(.+)\.txt$/;
/** At start, at most this much of what the running stage already printed. */
export const FOLLOW_BACKLOG_BYTES = 64 * 1024;
const READ_CHUNK_BYTES = 256 * 1024;

/** The stdout files of stages that have not finished (no completion artifact yet), by request id. */
export const openStdoutFiles = (files: readonly string[]): Array<{ name: string; request_id: string }> => {
  const completed = new Set(files.map((f) => /^runner_completion\.(.+)\.json$/.exec(f)?.[1]).filter(Boolean));
  return files.flatMap((name) => {
    const requestId = STDOUT.exec(name)?.[1];
    return requestId && !completed.has(requestId) ? [{ name, request_id: requestId }] : [];
  });
};

/**
 * Follow a run's output while it runs: what its running stage printed so far (the last 64 KiB), then every new byte,
 * and the output of each later stage of the same run as it starts. Ends when no live process runs the run any more
 * (after reading what its stages wrote last), or when `signal` aborts.
 */
export async function* followRunOutput(paths: WorkspacePaths, runId: string, options: { pollMs: number; signal?: AbortSignal }): AsyncGenerator<RunOutputChunk> {
  const files = new Map<string, { offset: number; decoder: StringDecoder; request_id: string; stage: string | null }>();
  let first = true;
  for (;;) {
    const live = (await readLiveRuns(paths)).get(runId) ?? null;
    const listing = (await listRunFiles(paths, runId)) ?? [];
    for (const name of listing) {
      const requestId = STDOUT.exec(name)?.[1];
      if (!requestId || files.has(name)) continue;
      // Stages that finished before following began are skipped; a running stage starts from its recent backlog.
      const open = openStdoutFiles(listing).some((f) => f.name === name);
      const size = (await readRunFileFrom(paths, runId, name, 0, 0))?.size ?? 0;
      files.set(name, { offset: first ? (open ? Math.max(0, size - FOLLOW_BACKLOG_BYTES) : size) : 0, decoder: new StringDecoder('utf8'), request_id: requestId, stage: live?.run.stage ?? null });
    }
    first = false;
    for (const [name, file] of files) {
      for (;;) {
        const read = await readRunFileFrom(paths, runId, name, file.offset, READ_CHUNK_BYTES);
        if (!read || read.bytes.length === 0) break;
        file.offset += read.bytes.length;
        const text = file.decoder.write(read.bytes);
        if (text) yield { run_id: runId, request_id: file.request_id, stage: file.stage, text };
      }
    }
    if (!live || options.signal?.aborted) return;
    await waitBeforeNextPoll(options.pollMs, options.signal);
  }
}
