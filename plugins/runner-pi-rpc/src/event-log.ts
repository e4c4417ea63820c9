import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { isLoggedEventType } from './pi-events.js';

/**
 * The stage's event log, written line by line as pi's events arrive (to `<events>.partial`), so that no event stays in
 * memory; `finish` keeps it as the event log or removes it. A write that fails (a full disk) stops the log, never the stage.
 */
export class PiEventLogWriter {
  private readonly partial: string;
  private fd: number | null = null;
  private failed = false;
  private lines = 0;

  constructor(private readonly path: string) {
    this.partial = `${path}.partial`;
  }

  write(event: { type: string; line: string }): void {
    if (this.failed || !isLoggedEventType(event.type)) return;
    try {
      this.fd ??= openSync(this.partial, 'w');
      writeSync(this.fd, `${event.line}\n`);
      this.lines += 1;
    } catch {
      this.failed = true;
    }
  }

  /** Keep the log (when asked and it has lines): its path; otherwise the partial file is removed and null. */
  finish(keep: boolean): string | null {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (keep && this.lines > 0 && !this.failed) {
      renameSync(this.partial, this.path);
      return this.path;
    }
    rmSync(this.partial, { force: true });
    return null;
  }
}
