/**
 * One process of the stack: started in its own process group with its output appended to `<logDir>/<name>.log`,
 * waited for until its readiness probe answers, and stopped with SIGTERM (SIGKILL after a grace period) to the whole
 * group, so wrappers such as tsx take their children with them. A start that fails names the component and shows
 * the tail of its log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Reaper } from './reaper';

export class ComponentError extends Error {
  override readonly name = 'ComponentError';
}

export interface ComponentSpec {
  /** Names the log file and every error. */
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** A URL that answers 2xx once the component serves. */
  readyUrl: string;
  readyTimeoutMs: number;
  /** How long SIGTERM may take before SIGKILL. */
  stopGraceMs?: number;
}

const LOG_TAIL_LINES = 40;

export class Component {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  readonly logFile: string;

  constructor(
    readonly spec: ComponentSpec,
    logDir: string,
    private readonly reaper: Reaper
  ) {
    this.logFile = join(logDir, `${spec.name}.log`);
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process and resolves once `readyUrl` answers 2xx; on failure the process is stopped again. */
  async start(): Promise<void> {
    if (this.child) {
      throw new ComponentError(`${this.spec.name} is already running`);
    }
    const log = openSync(this.logFile, 'a');
    let exitInfo: string | undefined;
    let child: ChildProcess;
    try {
      child = spawn(this.spec.command, this.spec.args, {
        cwd: this.spec.cwd,
        env: this.spec.env,
        stdio: ['ignore', log, log],
        detached: true,
      });
    } finally {
      closeSync(log);
    }
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = signal ? `signal ${signal}` : `status ${code}`;
        if (child.pid) {
          this.reaper.forget(child.pid);
        }
        if (this.child === child) {
          this.child = undefined;
        }
        resolve();
      });
      child.once('error', (err) => {
        exitInfo = err.message;
        if (this.child === child) {
          this.child = undefined;
        }
        resolve();
      });
    });
    if (child.pid) {
      this.reaper.watch(child.pid);
    }
    try {
      await this.waitReady(() => exitInfo);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** SIGTERM to the process group, SIGKILL after the grace period; resolves when the process has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) {
      return this.exited;
    }
    signalGroup(child.pid, 'SIGTERM');
    const grace = new AbortController();
    const killed = await Promise.race([
      this.exited.then(() => false),
      sleep(this.spec.stopGraceMs ?? 10_000, true, { signal: grace.signal }),
    ]);
    grace.abort(); // a pending grace timer would keep the caller's process alive for its full length
    if (killed) {
      signalGroup(child.pid, 'SIGKILL');
    }
    await this.exited;
    // A group member that ignored SIGTERM after its leader exited (tsx's child, say) must not linger either.
    signalGroup(child.pid, 'SIGKILL');
  }

  /** For exit handlers, where nothing asynchronous runs any more. */
  killNow(): void {
    if (this.child?.pid) {
      signalGroup(this.child.pid, 'SIGKILL');
    }
  }

  private async waitReady(exitInfo: () => string | undefined): Promise<void> {
    const deadline = Date.now() + this.spec.readyTimeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      const exited = exitInfo();
      if (exited !== undefined) {
        throw this.failure(`exited with ${exited} before it was ready`);
      }
      try {
        const res = await fetch(this.spec.readyUrl, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.ok) {
          return;
        }
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      }
      await sleep(100);
    }
    throw this.failure(`not ready after ${this.spec.readyTimeoutMs} ms (${this.spec.readyUrl}: ${last})`);
  }

  private failure(what: string): ComponentError {
    return new ComponentError(
      `${this.spec.name} ${what}; last lines of ${this.logFile}:\n${tail(this.logFile, LOG_TAIL_LINES)}`
    );
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
