/**
 * Whether a command line may run for long (a daemon, a watch, a follow, a server): only those keep V8's optimizing
 * compiler. A one-shot command is over before TurboFan's code pays back its compile time, while TurboFan's compile
 * zones raised the peak RSS of `status` over 10,000 tasks by about 8 MB (bin/run.js). `run once` counts as one-shot:
 * its own work is one tick around one stage, and while the stage's agent runs the CLI mostly waits (its output goes to
 * files); TurboFan cost it about 8 MB of peak RSS and 10% more CPU at 10,000 queued tasks. `run daemon` sets its own
 * policy (src/cli/daemon-memory.ts). Pure; `argv` starts with the command words (after splitLeadingWorkspaceFlag), in
 * either `status watch` or `status:watch` form.
 */
export function mayRunLong(argv: readonly string[]): boolean {
  const words = (argv[0] ?? '').split(':');
  if (words.length === 1 && argv[1] !== undefined && !argv[1].startsWith('-')) words.push(argv[1]);
  const [command, sub] = words;
  if (command === 'run') return sub !== 'once';
  if (command === 'web' || command === 'logs') return true;
  return (command === 'status' && sub === 'watch') || (command === 'runs' && sub === 'tail');
}
