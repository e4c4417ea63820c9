import { readFileSync, existsSync } from 'node:fs';
import { arch, homedir, platform, release, tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `bin/run.js` needs of the root package.json to answer `--version` the way oclif does. */
interface RootPackageJson {
  name: string;
  version: string;
  oclif?: { bin?: string; dirname?: string; additionalVersionFlags?: string[] };
}

/**
 * `millrace --version` / `-v` without loading @oclif/core (about 170 modules): the same line oclif's `run` prints
 * (`Config.userAgent`: `<name>/<version> <platform>-<arch> node-<version>`), or undefined when oclif must answer
 * because something could make its answer differ or add to it:
 * - argv does not start with a version flag (oclif looks at the first word only, like this);
 * - the platform would be `wsl` (oclif detects WSL; this keeps to the plain Linux case);
 * - user or linked plugins are installed (their `init` hooks run before oclif prints the version);
 * - `DEBUG` is set (oclif's debug output).
 * The host's own plugins have no `init` hook (test/e2e/cli-conventions.test.ts checks the line is oclif's).
 */
export function fastVersionLine(argv: readonly string[], packageJsonPath: string | URL, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const first = argv[0];
  if (first === undefined || !first.startsWith('-') || env.DEBUG) return undefined;
  const pjson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as RootPackageJson;
  if (first !== '--version' && !(pjson.oclif?.additionalVersionFlags ?? []).includes(first)) return undefined;
  const os = platform();
  if (os === 'linux' && looksLikeWsl()) return undefined;
  if (os !== 'linux' && os !== 'darwin') return undefined;
  if (existsSync(join(dataDir(pjson, env), 'package.json'))) return undefined;
  const cpu = arch() === 'ia32' ? 'x86' : arch();
  return `${pjson.name}/${pjson.version} ${os}-${cpu} node-${process.version}`;
}

function looksLikeWsl(): boolean {
  if (release().toLowerCase().includes('microsoft')) return true;
  try {
    return readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft');
  } catch {
    return false;
  }
}

/** oclif's data directory (`Config.dataDir`), where `plugins install` and `plugins link` record user plugins. */
function dataDir(pjson: RootPackageJson, env: NodeJS.ProcessEnv): string {
  const bin = pjson.oclif?.bin ?? pjson.name;
  const scoped = env[`${bin.replaceAll('@', '').replaceAll(/[/-]/g, '_')}_DATA_DIR`.toUpperCase()];
  if (scoped) return scoped;
  const home = env.HOME || homedir() || tmpdir();
  return join(env.XDG_DATA_HOME || join(home, '.local/share'), pjson.oclif?.dirname ?? pjson.name);
}
