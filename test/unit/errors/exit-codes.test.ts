import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_EXIT_CODES, OUTCOME_EXIT_CODES } from '../../../src/errors/millrace-error.js';
import { REPO_ROOT } from '../../support/cli.js';

/** The `| name | exit | ... |` rows of one section of docs/errors.md, as name -> exit. */
function documentedTable(from: string, to?: string): Record<string, number> {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  const start = text.indexOf(from);
  const section = text.slice(start, to === undefined ? undefined : text.indexOf(to, start));
  const rows: Record<string, number> = {};
  for (const match of section.matchAll(/^\| `([A-Z_]+)` \| (\d+) \|/gm)) rows[match[1]!] = Number(match[2]);
  return rows;
}

describe('exit codes', () => {
  it('docs/errors.md lists exactly the exported error codes with the same exit codes', () => {
    const documented = documentedTable('## Codes', '### Other exit codes');
    expect(Object.keys(documented).length).toBeGreaterThan(10);
    expect(documented).toEqual({ ...ERROR_EXIT_CODES });
  });

  it('docs/errors.md lists exactly the exported outcome exits', () => {
    const documented = documentedTable('### Other exit codes', '## Input limits');
    expect(documented).toEqual({ ...OUTCOME_EXIT_CODES });
  });
});
