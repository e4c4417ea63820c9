/**
 * `millrace --workspace DIR status` (the global flag before the command): oclif reads the first word as the command
 * id, so the leading `--workspace/-w` tokens are moved behind the command words, where every workspace command
 * parses them. Also says whether argv began with the workspace flag but named no command after it. Pure; anything
 * else before the command is left for oclif to report.
 */
export function splitLeadingWorkspaceFlag(argv: readonly string[]): { argv: string[]; missingCommand: boolean } {
  const moved: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const token = argv[i]!;
    if (token === '--workspace' || token === '-w') {
      if (i + 1 >= argv.length) break;
      moved.push(token, argv[i + 1]!);
      i += 2;
    } else if (token.startsWith('--workspace=') || (token.startsWith('-w') && token.length > 2 && !token.startsWith('--'))) {
      moved.push(token);
      i += 1;
    } else break;
  }
  const rest = argv.slice(i);
  if (moved.length === 0 || rest.length === 0 || rest[0]!.startsWith('-')) return { argv: [...argv], missingCommand: moved.length > 0 && rest.length === 0 };
  const end = rest.indexOf('--');
  return { argv: end === -1 ? [...rest, ...moved] : [...rest.slice(0, end), ...moved, ...rest.slice(end)], missingCommand: false };
}
