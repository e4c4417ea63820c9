import { execFileSync } from 'node:child_process';

/** Run git in `cwd` for a test (a fixed identity, no prompts) and return its trimmed stdout. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@localhost', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).trim();
}

/** `git init` on branch `main` with one commit of the given files already written in `root`. */
export function initRepo(root: string): void {
  gitIn(root, 'init', '-q', '-b', 'main');
  gitIn(root, 'add', '-A');
  gitIn(root, 'commit', '-q', '--allow-empty', '-m', 'base');
}
