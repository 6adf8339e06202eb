/**
 * A configuration file the controller re-reads every few seconds and compares by content (like Jaeger's file
 * provider: polling works on every file system and with ConfigMap symlink swaps, where fs.watch does not).
 * A bad or missing file at start-up is fatal; later it is refused: the last good content stays in use, an
 * `error` log line says why, and `status.lastError` carries the reason for `/readyz`. Used for the strategies
 * file and the alert policy file.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';

export interface ReloadStatus {
  file?: string;
  /** When the content in use was loaded (epoch ms). */
  loadedAt: number;
  /** Set while the file on disk is bad and the last good content is still in use. */
  lastError?: string;
}

export interface Parsed<T> {
  value: T;
  /** Accepted but ignored parts, logged as warnings. */
  warnings: string[];
}

class FileLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileLoadError';
  }
}

export class ReloadingFile<T> {
  private current: T;
  /** The text `current` was parsed from. */
  private goodText?: string;
  /** The last text refused for its content, so an unchanged bad file is not parsed (and reported) again. */
  private refused?: { text: string; reason: string };
  private timer?: NodeJS.Timeout;
  private statusValue: ReloadStatus;
  /** Bumped on every successful change, so caches built from the content know when to rebuild. */
  version = 0;

  constructor(
    private readonly options: {
      file: string | undefined;
      /** What the file holds, for messages: "sampling strategies", "alert policies". */
      what: string;
      /** How the file is named in messages: "strategies file". */
      kind: string;
      /** Used until a file is loaded (and always when there is none). */
      initial: T;
      parse: (text: string) => Parsed<T>;
      log: Logger;
      onReload?: (result: 'ok' | 'error') => void;
      /** Logged fields after a successful reload. */
      summary?: (value: T) => Record<string, unknown>;
    }
  ) {
    this.current = options.initial;
    this.statusValue = { file: options.file, loadedAt: Date.now() };
  }

  get value(): T {
    return this.current;
  }

  get status(): ReloadStatus {
    return this.statusValue;
  }

  /** First load: a bad or missing file is fatal here, since there is no last good state to keep. */
  async load(): Promise<void> {
    const { file, kind } = this.options;
    if (file === undefined) {
      return;
    }
    const text = await readFile(file, 'utf8').catch((err: Error) => {
      throw new FileLoadError(`cannot read ${kind} ${file}: ${err.message}`);
    });
    try {
      this.apply(text);
    } catch (err) {
      throw new FileLoadError(`${kind} ${file}: ${(err as Error).message}`);
    }
  }

  start(reloadMs: number): void {
    if (this.options.file === undefined) {
      return;
    }
    this.timer = setInterval(() => void this.reload(), reloadMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads the file again; on a bad file keeps the last good content and reports why. */
  async reload(): Promise<void> {
    const { file, kind, what, log } = this.options;
    if (file === undefined) {
      return;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      this.refuse(`cannot read ${kind}: ${(err as Error).message}`);
      return;
    }
    if (text === this.goodText) {
      this.recover();
      return;
    }
    if (text === this.refused?.text) {
      this.refuse(this.refused.reason);
      return;
    }
    try {
      this.apply(text);
      this.options.onReload?.('ok');
      log.info({ file, ...this.options.summary?.(this.current) }, `reloaded ${what}`);
    } catch (err) {
      this.refused = { text, reason: (err as Error).message };
      this.refuse(this.refused.reason);
    }
  }

  /** The file is readable again with the content in use (e.g. restored after a delete): only the error goes. */
  private recover(): void {
    const { file, kind, what, log } = this.options;
    if (this.statusValue.lastError === undefined) {
      return;
    }
    const { lastError, ...status } = this.statusValue;
    this.statusValue = status;
    this.options.onReload?.('ok');
    log.info({ file, previousError: lastError }, `${kind} is back with the ${what} in use; reload error cleared`);
  }

  private apply(text: string): void {
    const { value, warnings } = this.options.parse(text);
    for (const w of warnings) {
      this.options.log.warn({ file: this.options.file }, w);
    }
    this.current = value;
    this.goodText = text;
    this.refused = undefined;
    this.version += 1;
    this.statusValue = { file: this.options.file, loadedAt: Date.now() };
  }

  private refuse(reason: string): void {
    if (this.statusValue.lastError === reason) {
      return;
    }
    this.statusValue = { ...this.statusValue, lastError: reason };
    this.options.onReload?.('error');
    this.options.log.error(
      { file: this.options.file, reason },
      `refused to reload ${this.options.what}; keeping the last good ones`
    );
  }
}
