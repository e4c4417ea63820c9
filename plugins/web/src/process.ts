import { spawn } from 'node:child_process';

/** `--open`: hand the URL to the desktop's opener; a missing opener is reported, never fatal. */
export function openInBrowser(url: string, warn: (line: string) => void): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', (error) => warn(`could not open a browser (${opener}: ${error.message}); open ${url} yourself`));
  child.unref();
}
