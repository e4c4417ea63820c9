import { basename } from 'node:path';
import { importsOf, isTs, listFiles, productionSources, readText } from './source-files.js';

const allTs = () => [...listFiles('src', isTs), ...listFiles('plugins', isTs), ...listFiles('test', isTs), ...listFiles('scripts', (n) => n.endsWith('.mjs') || isTs(n))];
const testFiles = () => [...listFiles('test', (n) => n.endsWith('.test.ts')), ...listFiles('plugins', (n) => n.endsWith('.test.ts'))];

describe('source hygiene', () => {
  it('child processes are spawned only from files named process.ts', () => {
    const offenders = productionSources().flatMap((file) =>
      importsOf(file)
        .filter((s) => s === 'execa' || s === 'child_process' || s === 'node:child_process')
        .filter(() => basename(file) !== 'process.ts')
        .map((s) => `${file} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no generic utils/helpers modules: name a file after what it owns', () => {
    expect(allTs().filter((f) => /^(utils?|helpers?)\.(ts|mjs|js)$/.test(basename(f)))).toEqual([]);
  });

  it('no focused or skipped tests land', () => {
    const pattern = /\b(?:(?:describe|it|test)\.(?:only|skip)|xit|xdescribe|xtest|fit|fdescribe)\s*\(/;
    expect(testFiles().filter((f) => pattern.test(readText(f)))).toEqual([]);
  });

  it('a source file over 300 lines says why at its top', () => {
    const long = productionSources().filter((f) => readText(f).split('\n').length > 300);
    const unexplained = long.filter((f) => !/300 lines/i.test(readText(f).split('\n').slice(0, 3).join('\n')));
    expect(unexplained).toEqual([]);
  });
});
