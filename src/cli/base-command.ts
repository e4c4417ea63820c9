import { Command, Flags, Errors, type Interfaces } from '@oclif/core';
import { isMillraceError, isNoSpaceError, MillraceError } from '../errors/index.js';
import type { CachedRegistry, ContributionsManifestStore, InstalledPluginFiles } from '../registry/cached-registry.js';
import type { Registry } from '../registry/registry.js';
import { safeTerminalText } from './terminal-text.js';

/** The registry `compile validate` works with (BaseCommand.planRegistry). */
export type PlanRegistry = Omit<CachedRegistry, 'fromManifest'> & {
  /** The runners `runnerIds` as their plugins contribute them now (their preflight module, or their hooks run), for their preflight. */
  liveRunners(runnerIds: readonly string[]): Promise<Registry['runners']>;
};

/** Opens the contributions manifest file of these plugins (workspace/contributions-manifest.ts). */
type ManifestStoreOpener = (cacheDir: string, hostRoot: string, plugins: InstalledPluginFiles[]) => ContributionsManifestStore;

export type JsonSuccess<T> = { status: 0; result: T; warnings: string[] };
export type JsonFailure = { status: number; error: { code: string; message: string; exitCode: number; file: string | null; field: string | null; hint: string | null } };

/**
 * Base of every Millrace command: the --workspace flag, the JSON envelope, one error renderer,
 * and lazy access to the plugin contribution registry.
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    workspace: Flags.directory({ char: 'w', summary: 'Workspace (repository) directory.', default: '.', helpGroup: 'GLOBAL' }),
  };

  protected warnings: string[] = [];
  private registryPromise?: Promise<Registry>;

  /** Contributions of every installed plugin (fires `millrace:contribute` once per command). */
  protected async registry(): Promise<Registry> {
    this.registryPromise ??= import('../registry/collect.js').then((m) => m.collectContributions(this.config));
    return this.registryPromise;
  }

  /**
   * For read commands: the registry from the persisted contributions manifest while the installed plugins are those it
   * was written for (no plugin module loads), else collected as by registry(). `openStore` is the manifest file of
   * these plugins (workspace/contributions-manifest.ts, passed in: the CLI layer does no file I/O of its own).
   */
  protected async cachedRegistry(openStore: ManifestStoreOpener): Promise<CachedRegistry> {
    const { installedPluginFiles, openCachedRegistry } = await import('../registry/cached-registry.js');
    const plugins = installedPluginFiles(this.config.getPluginsList());
    return openCachedRegistry(openStore(this.config.cacheDir, this.config.root, plugins), () => this.registry());
  }

  /**
   * For `compile validate`: the registry from the contributions manifest (as cachedRegistry), plus `liveRunners`, which
   * gives the runners asked for (the plan's bound runners, whose preflight is plugin code that checks this machine)
   * with their preflight: imported from the module the manifest names (`preflightModule`), else by running the hooks of
   * only the plugins that own them. With a linked plugin installed (edited in place, maybe in a file the manifest's
   * fingerprint does not stat) every hook runs, as registry() does.
   */
  protected async planRegistry(openStore: ManifestStoreOpener): Promise<PlanRegistry> {
    return this.manifestRegistry(openStore, async (listed, runnerIds) => {
      const { importedPreflights, liveRunners, pluginsOwning } = await import('../registry/plan-registry.js');
      // a runner whose plugin names its preflight's module needs only that module (no hook, no zod)
      const imported = await importedPreflights(listed, runnerIds);
      const rest = runnerIds.filter((id) => !imported.has(id));
      if (rest.length === 0) return imported;
      const { collectContributions } = await import('../registry/collect.js');
      const loaded = await collectContributions(this.config, new Set(pluginsOwning(listed, rest)));
      return new Map([...imported, ...liveRunners(listed, loaded, rest)]);
    });
  }

  /**
   * For `run once`: the registry from the contributions manifest (as planRegistry), but `liveRunners` gives runners that
   * can run a stage: the hooks of the plugins that own them run (a preflight module alone cannot load the runner).
   */
  protected async runRegistry(openStore: ManifestStoreOpener): Promise<PlanRegistry> {
    return this.manifestRegistry(openStore, async (listed, runnerIds) => {
      const [{ collectContributions }, { liveRunners, pluginsOwning }] = await Promise.all([import('../registry/collect.js'), import('../registry/plan-registry.js')]);
      const loaded = await collectContributions(this.config, new Set(pluginsOwning(listed, runnerIds)));
      return liveRunners(listed, loaded, runnerIds);
    });
  }

  /**
   * planRegistry and runRegistry: the manifest's registry, whose `liveRunners` turns listed runners into live ones with
   * `live` (with a linked plugin installed, or when the manifest could not be used, the collected registry serves as is).
   */
  private async manifestRegistry(
    openStore: ManifestStoreOpener,
    live: (listed: Registry['runners'], runnerIds: readonly string[]) => Promise<Registry['runners']>,
  ): Promise<PlanRegistry> {
    if (this.config.getPluginsList().some((plugin) => plugin.type === 'link' || plugin.type === 'dev')) {
      const registry = await this.registry();
      return { registry, incomplete: () => false, collect: async () => registry, save: async () => undefined, liveRunners: async () => registry.runners };
    }
    const cached = await this.cachedRegistry(openStore);
    return {
      registry: cached.registry,
      incomplete: cached.incomplete,
      collect: cached.collect,
      save: cached.save,
      liveRunners: async (runnerIds) => (cached.fromManifest ? live(cached.registry.runners, runnerIds) : cached.registry.runners),
    };
  }

  protected addWarning(message: string): void {
    this.warnings.push(message);
    if (!this.jsonEnabled()) process.stderr.write(safeTerminalText(`Warning: ${message}\n`));
  }

  /** Every text-mode line goes through safeTerminalText (no terminal control characters from documents or agents). */
  override log(message = '', ...args: unknown[]): void {
    super.log(safeTerminalText(message), ...args.map((a) => (typeof a === 'string' ? safeTerminalText(a) : a)));
  }

  override logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(safeTerminalText(message), ...args.map((a) => (typeof a === 'string' ? safeTerminalText(a) : a)));
  }

  /** Raw text (an artifact, a rendered graph) for the terminal, made safe like log(). */
  protected writeText(text: string): void {
    if (!this.jsonEnabled()) process.stdout.write(safeTerminalText(text));
  }

  protected override toSuccessJson(result: unknown): JsonSuccess<unknown> {
    return successEnvelope(result, this.warnings);
  }

  protected override toErrorJson(err: unknown): JsonFailure {
    return failureEnvelope(err);
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    // oclif's own parse errors (unknown flag, missing arg) keep oclif's rendering and exit code 2.
    if (!isMillraceError(err) && (err as { oclif?: unknown }).oclif !== undefined && !this.jsonEnabled()) throw err;
    const e = normalizeError(err);
    process.exitCode = e.exitCode;
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(e));
      return undefined;
    }
    process.stderr.write(safeTerminalText(`Error (${e.code}): ${e.message}\n${e.hint ? `Hint: ${e.hint}\n` : ''}`));
    if (!isMillraceError(err) && process.env.DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
    throw new Errors.ExitError(e.exitCode);
  }
}

/** The `--json` success envelope (docs/errors.md). */
export function successEnvelope<T>(result: T, warnings: string[] = []): JsonSuccess<T> {
  return { status: 0, result, warnings };
}

/** The `--json` failure envelope: `status` is the exit code (docs/errors.md). */
export function failureEnvelope(err: unknown): JsonFailure {
  const e = normalizeError(err);
  return { status: e.exitCode, error: e.toJSON() };
}

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/** Any thrown value as the MillraceError the envelope and the text renderer report (unknown errors are INTERNAL). */
export function normalizeError(err: unknown): MillraceError {
  if (isMillraceError(err)) return err;
  const oclif = (err as { oclif?: { exit?: number } }).oclif;
  if (oclif !== undefined) return new MillraceError('USAGE', (err as Error).message, { exitCode: oclif.exit ?? 2 });
  if (isNoSpaceError(err)) {
    const file = err.path ?? 'a file';
    return new MillraceError('NO_SPACE', `${file}: no space left on device`, { cause: err, file: err.path, hint: 'free some space on that file system, then run the command again (nothing was half-written)' });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new MillraceError('INTERNAL', `unexpected internal error: ${message}`, { cause: err, hint: 'This is a bug in Millrace; rerun with DEBUG=1 for the stack trace.' });
}
