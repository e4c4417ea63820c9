import { Config } from '@oclif/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fastVersionLine } from '../../../src/cli/version-fast-path.js';
import { REPO_ROOT } from '../../support/cli.js';

const PJSON = join(REPO_ROOT, 'package.json');

describe('--version without loading oclif', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'millrace-fast-version-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = () => ({ MILLRACE_DATA_DIR: dataDir });

  it('prints the line oclif prints, for --version and -v', async () => {
    const config = await Config.load(REPO_ROOT);
    expect(fastVersionLine(['--version'], PJSON, env())).toBe(config.userAgent);
    expect(fastVersionLine(['-v'], PJSON, env())).toBe(config.userAgent);
    expect(fastVersionLine(['--version', 'status'], PJSON, env())).toBe(config.userAgent);
  });

  it.each([[[]], [['version']], [['status', '--version']], [['--help']], [['-h']], [['-w', 'D', '--version']]])('leaves %j to oclif', (argv) => {
    expect(fastVersionLine(argv, PJSON, env())).toBeUndefined();
  });

  it('leaves it to oclif when user or linked plugins are installed (their init hooks run first) or DEBUG is set', () => {
    expect(fastVersionLine(['-v'], PJSON, { ...env(), DEBUG: '*' })).toBeUndefined();
    writeFileSync(join(dataDir, 'package.json'), JSON.stringify({ oclif: { plugins: [] } }));
    try {
      expect(fastVersionLine(['-v'], PJSON, env())).toBeUndefined();
    } finally {
      rmSync(join(dataDir, 'package.json'));
    }
  });
});
