import { decideMigrationAction } from '../../../src/workspace/init/migration-actions.js';

const entry = (disposition: Parameters<typeof decideMigrationAction>[0]['disposition'], original: string | null, current: string | null, candidate: string | null) => ({ disposition, original_sha256: original, current_sha256: current, candidate_sha256: candidate });

describe('decideMigrationAction', () => {
  it('keeps what needs nothing, converts untouched old assets and restores missing ones', () => {
    expect(decideMigrationAction(entry('unchanged', 'a', 'a', 'a'))).toBe('keep');
    expect(decideMigrationAction(entry('local_only_modification', 'a', 'b', 'a'))).toBe('keep');
    expect(decideMigrationAction(entry('already_converged', 'a', 'c', 'c'))).toBe('keep');
    expect(decideMigrationAction(entry('safe_package_update', 'a', 'a', 'c'))).toBe('convert');
    expect(decideMigrationAction(entry('missing', 'a', null, 'c'))).toBe('restore');
  });

  it('resolves every conflict: retired assets are set aside (or dropped when gone), edited ones replaced, a non-file blocks', () => {
    expect(decideMigrationAction(entry('conflict', 'a', 'a', null))).toBe('set_aside');
    expect(decideMigrationAction(entry('conflict', 'a', 'b', null))).toBe('set_aside');
    expect(decideMigrationAction(entry('conflict', 'a', null, null))).toBe('drop');
    expect(decideMigrationAction(entry('conflict', 'a', 'b', 'c'))).toBe('replace_edited');
    expect(decideMigrationAction(entry('conflict', null, 'b', 'c'))).toBe('replace_edited');
    expect(decideMigrationAction(entry('conflict', 'a', null, 'c'))).toBe('blocked');
  });
});
