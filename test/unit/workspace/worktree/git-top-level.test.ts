import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { GIT_OUTPUT_MAX_BYTES, gitTopLevel } from '../../../../src/workspace/worktree/process.js';

/** `gitTopLevel` answers null outside a repository without starting git, and asks git (the real one) inside one. */
describe('gitTopLevel', () => {
  let scratch: string;
  const saved = { PATH: process.env.PATH, GIT_DIR: process.env.GIT_DIR, GIT_WORK_TREE: process.env.GIT_WORK_TREE };
  beforeEach(() => {
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'millrace-git-top-')));
    delete process.env.GIT_DIR;
    delete process.env.GIT_WORK_TREE;
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(scratch, { recursive: true, force: true });
  });
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe', encoding: 'utf8' });

  it('is null outside any repository, and git is not started for it', async () => {
    const outside = join(scratch, 'plain', 'workspace');
    mkdirSync(outside, { recursive: true });
    // A `git` first on PATH that records being run: it must not be.
    const bin = join(scratch, 'bin');
    const marker = join(scratch, 'git-was-run');
    mkdirSync(bin);
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$@" >> '${marker}'\nexit 128\n`);
    chmodSync(join(bin, 'git'), 0o755);
    process.env.PATH = `${bin}${delimiter}${saved.PATH ?? ''}`;
    expect(await gitTopLevel(outside)).toBeNull();
    expect(existsSync(marker)).toBe(false);
  });

  it('finds the top of the repository from a folder below it, and of a linked worktree (a .git file)', async () => {
    const repo = join(scratch, 'repo');
    const below = join(repo, 'a', 'b');
    mkdirSync(below, { recursive: true });
    git(repo, 'init', '-q');
    expect(await gitTopLevel(below)).toBe(repo);
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '--allow-empty', '-m', 'first');
    const linked = join(scratch, 'linked');
    git(repo, 'worktree', 'add', '-q', linked);
    expect(await gitTopLevel(linked)).toBe(linked);
  });

  it('asks git when GIT_DIR names a repository, wherever the folder is', async () => {
    const repo = join(scratch, 'repo');
    const elsewhere = join(scratch, 'elsewhere');
    mkdirSync(repo);
    mkdirSync(elsewhere);
    git(repo, 'init', '-q');
    process.env.GIT_DIR = join(repo, '.git');
    // git takes the current folder as the work tree's top when GIT_DIR is set without GIT_WORK_TREE.
    expect(await gitTopLevel(elsewhere)).toBe(elsewhere);
  });

  it('stops a git whose output passes the bound and answers as for a failed command', async () => {
    const inside = join(scratch, 'repo');
    mkdirSync(join(inside, '.git'), { recursive: true });
    // A `git` that never stops printing: without the bound it would fill memory, and without the kill never end.
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'git'), '#!/bin/sh\nexec yes\n');
    chmodSync(join(bin, 'git'), 0o755);
    process.env.PATH = `${bin}${delimiter}${saved.PATH ?? ''}`;
    expect(GIT_OUTPUT_MAX_BYTES).toBe(100_000_000);
    expect(await gitTopLevel(inside)).toBeNull();
  }, 60_000);
});
