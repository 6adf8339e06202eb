/**
 * Makes sure no process of a stack outlives the process that started it, however that one ends. Each stack starts a
 * small watchdog (plain Node, in its own session) and tells it, over a pipe, the process group of every component it
 * starts. When the pipe closes without a goodbye — the parent exited, crashed or was SIGKILLed — the watchdog stops
 * those groups (SIGTERM, then SIGKILL after a grace period). A normal `stop()` stops the components itself and says
 * goodbye, and the watchdog exits quietly.
 */
import { type ChildProcess, spawn } from 'node:child_process';

// Runs in the watchdog. `pid:N` adds a process group, `gone:N` removes one, `bye` ends it without killing anything.
const WATCHDOG = `
const groups = new Set();
let buffered = '';
let bye = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  const lines = buffered.split('\\n');
  buffered = lines.pop();
  for (const line of lines) {
    const [verb, n] = line.split(':');
    if (verb === 'pid') groups.add(Number(n));
    if (verb === 'gone') groups.delete(Number(n));
    if (verb === 'bye') bye = true;
  }
});
process.stdin.on('end', () => {
  if (bye || groups.size === 0) process.exit(0);
  const signal = (s) => { for (const g of groups) { try { process.kill(-g, s); } catch {} } };
  signal('SIGTERM');
  setTimeout(() => { signal('SIGKILL'); process.exit(0); }, GRACE_MS).unref();
  const poll = setInterval(() => {
    for (const g of groups) { try { process.kill(-g, 0); } catch { groups.delete(g); } }
    if (groups.size === 0) process.exit(0);
  }, 100);
});
`;

export class Reaper {
  private readonly watchdog: ChildProcess;

  constructor(graceMs = 10_000) {
    this.watchdog = spawn(process.execPath, ['-e', WATCHDOG.replace('GRACE_MS', String(graceMs))], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // The watchdog must never keep the parent alive, nor die with it on Ctrl-C in a terminal.
    this.watchdog.unref();
    this.watchdog.stdin?.on('error', () => undefined);
    (this.watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** `pid` leads a process group (spawned with `detached: true`) to stop if this process dies. */
  watch(pid: number): void {
    this.watchdog.stdin?.write(`pid:${pid}\n`);
  }

  forget(pid: number): void {
    this.watchdog.stdin?.write(`gone:${pid}\n`);
  }

  /** Everything was stopped normally: the watchdog exits without killing anything. */
  dismiss(): void {
    this.watchdog.stdin?.end('bye\n');
  }
}
