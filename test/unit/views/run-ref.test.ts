import { selectRunRef } from '../../../src/views/run-ref.js';

const IDS = ['run-8230b93d11112222', 'run-8230ffff33334444', 'run-a1b2c3d4e5f60000', 'custom-run'];

describe('selectRunRef', () => {
  it('finds a full id, a unique prefix with or without run-, and prefers an exact id', () => {
    expect(selectRunRef('run-a1b2c3d4e5f60000', IDS)).toEqual({ kind: 'found', run_id: 'run-a1b2c3d4e5f60000' });
    expect(selectRunRef('a1b2c3d4', IDS)).toEqual({ kind: 'found', run_id: 'run-a1b2c3d4e5f60000' });
    expect(selectRunRef('run-8230b', IDS)).toEqual({ kind: 'found', run_id: 'run-8230b93d11112222' });
    expect(selectRunRef('custom', IDS)).toEqual({ kind: 'found', run_id: 'custom-run' });
    expect(selectRunRef('x', ['x', 'xy'])).toEqual({ kind: 'found', run_id: 'x' });
  });

  it('lists every candidate of an ambiguous prefix, sorted', () => {
    expect(selectRunRef('8230', IDS)).toEqual({ kind: 'ambiguous', candidates: ['run-8230b93d11112222', 'run-8230ffff33334444'] });
  });

  it('finds nothing for unknown, empty or unsafe references', () => {
    for (const ref of ['ffff', '', '../state', '.', 'a/b', 'x'.repeat(300)]) expect(selectRunRef(ref, IDS)).toEqual({ kind: 'none' });
  });
});
