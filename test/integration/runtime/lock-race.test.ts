import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { REPO_ROOT } from '../../support/runtime-workspace.js';

// Several real processes released together on a stale lock, round after round: exactly one becomes the owner, and the
// lock file names that owner.
const CONTENDERS = 6;
const ROUNDS = 40;
const DEAD_PID = 2_147_483_000;

describe('stale-lock takeover with several contenders', () => {
  it('leaves exactly one owner every round', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'millrace-lock-race-'));
    for (let round = 0; round < ROUNDS; round++) {
      const paths = workspacePaths(join(dir, `ws-${round}`));
      mkdirSync(paths.state, { recursive: true });
      writeFileSync(paths.lock, JSON.stringify({ workspace_root: paths.workspaceRoot, owner_pid: DEAD_PID, owner_hostname: hostname(), owner_session_id: `dead-${round}`, acquired_at: '2026-01-01T00:00:00Z' }));
    }
    const contenders = Array.from({ length: CONTENDERS }, () => execa('node', [join(REPO_ROOT, 'test', 'fixtures', 'lock-contender.mjs'), join(REPO_ROOT, 'dist'), dir, String(ROUNDS)], { reject: false }));
    try {
      for (let round = 0; round < ROUNDS; round++) {
        writeFileSync(join(dir, `go-${round}`), '');
        const results = () => readdirSync(dir).filter((n) => n.startsWith(`result-${round}-`));
        for (const deadline = Date.now() + 60_000; results().length < CONTENDERS; ) {
          if (Date.now() > deadline) throw new Error(`round ${round}: only ${results().length} contenders answered`);
          await new Promise((r) => setTimeout(r, 10));
        }
        const outcomes = results().map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as { won: boolean; session?: string; error?: string });
        const winners = outcomes.filter((o) => o.won);
        expect({ round, winners: winners.length }).toEqual({ round, winners: 1 });
        const lock = JSON.parse(readFileSync(workspacePaths(join(dir, `ws-${round}`)).lock, 'utf8')) as { owner_session_id: string };
        expect(lock.owner_session_id).toBe(winners[0]!.session);
        for (const loser of outcomes.filter((o) => !o.won)) expect(loser.error).toMatch(/lock/);
      }
    } finally {
      for (const c of contenders) c.kill('SIGKILL');
      await Promise.all(contenders);
    }
    expect(existsSync(dir)).toBe(true);
  }, 240_000);
});
