import { Command, Flags } from '@oclif/core';

export default class Web extends Command {
  static override summary = 'Serve a live dashboard of one or more workspaces in the browser (read-only unless --allow-control).';
  static override description =
    'Reads the same view models as `status`, `queue ls`, `runs` and `compile show`; never takes the daemon lock. Binds 127.0.0.1 unless --host names another address (then it warns). With --allow-control, pause, resume, stop and retry-active are offered, protected by a token printed here.';
  static override examples = [
    '<%= config.bin %> web',
    '<%= config.bin %> web -w ~/repo-a -w ~/repo-b --port 9000 --open',
    '<%= config.bin %> web --allow-control',
  ];
  static override flags = {
    workspace: Flags.directory({ char: 'w', summary: 'Workspace (repository) directory; repeat for several.', multiple: true, default: ['.'] }),
    port: Flags.integer({ summary: 'Port to listen on (0 picks a free one).', default: 8765, min: 0, max: 65535 }),
    host: Flags.string({ summary: 'Address to bind. Anything but a loopback address exposes the dashboard to the network.', default: '127.0.0.1' }),
    open: Flags.boolean({ summary: 'Open the dashboard in the default browser.', default: false }),
    'allow-control': Flags.boolean({ summary: 'Offer pause, resume, stop and retry-active (token-protected).', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Web);
    const { startDashboard } = await import('../server/start.js');
    const started = startDashboard({
      hostRoot: this.config.root,
      oclifConfig: this.config,
      workspaces: flags.workspace,
      port: flags.port,
      host: flags.host,
      open: flags.open,
      allowControl: flags['allow-control'],
      log: (line) => this.log(line),
      warn: (line) => process.stderr.write(`Warning: ${line}\n`),
    });
    // One line naming the problem (an uninitialized workspace, a port in use), non-zero exit.
    await started.catch((error: Error & { code?: string; exitCode?: number }) => this.error(`${error.code ? `(${error.code}) ` : ''}${error.message}`, { exit: error.exitCode ?? 1 }));
  }
}
