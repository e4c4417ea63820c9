import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_EXIT_CODES } from '../../../src/errors/millrace-error.js';
import { REPO_ROOT } from '../../support/cli.js';

/** The `| code | exit | meaning |` table of docs/errors.md, as code -> exit. */
function documentedExitCodes(): Record<string, number> {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  const section = text.slice(text.indexOf('## Codes'));
  const rows: Record<string, number> = {};
  for (const match of section.matchAll(/^\| `([A-Z_]+)` \| (\d+) \|/gm)) rows[match[1]!] = Number(match[2]);
  return rows;
}

describe('exit codes', () => {
  it('docs/errors.md lists exactly the exported codes with the same exit codes', () => {
    const documented = documentedExitCodes();
    expect(Object.keys(documented).length).toBeGreaterThan(10);
    expect(documented).toEqual({ ...ERROR_EXIT_CODES });
  });
});
