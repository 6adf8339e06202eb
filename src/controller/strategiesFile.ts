/**
 * Base sampling strategies from a Jaeger `strategies.json` file (`default_strategy`, `service_strategies`, each with
 * optional `operation_strategies`), so teams migrating from Jaeger keep their file. Parsing follows Jaeger's file
 * provider (default per-operation strategies merge into each service's), but is stricter: unknown keys, out-of-range
 * params and duplicate services are errors, because a typo must not silently change production sampling.
 * The watcher reloads on change and keeps the last good strategies when a new file is bad.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { z } from 'zod';

/** Jaeger's built-in default when no strategy is given (`--sampling.default-sampling-probability`). */
export const JAEGER_DEFAULT_SAMPLING_PROBABILITY = 0.001;

export type BaseStrategy =
  { type: 'probabilistic'; samplingRate: number } | { type: 'ratelimiting'; maxTracesPerSecond: number };

export interface ServiceBase {
  strategy: BaseStrategy;
  /** Per-operation probabilities (Jaeger supports only probabilistic per operation). */
  operations: Map<string, number>;
}

export interface BaseStrategies {
  default: ServiceBase;
  services: Map<string, ServiceBase>;
}

export const builtInStrategies: BaseStrategies = {
  default: {
    strategy: { type: 'probabilistic', samplingRate: JAEGER_DEFAULT_SAMPLING_PROBABILITY },
    operations: new Map(),
  },
  services: new Map(),
};

const StrategyFields = {
  type: z.enum(['probabilistic', 'ratelimiting'], { error: 'type must be "probabilistic" or "ratelimiting"' }),
  param: z.number({ error: 'param must be a number' }).min(0, 'param must not be negative'),
};

const OperationStrategySchema = z
  .object({ operation: z.string().min(1, 'operation must not be empty'), ...StrategyFields })
  .strict();

const ServiceStrategySchema = z
  .object({
    service: z.string().min(1, 'service must not be empty'),
    operation_strategies: z.array(OperationStrategySchema).optional(),
    ...StrategyFields,
  })
  .strict();

const DefaultStrategySchema = ServiceStrategySchema.omit({ service: true }).strict();

const StrategiesFileSchema = z
  .object({
    default_strategy: DefaultStrategySchema.optional(),
    service_strategies: z.array(ServiceStrategySchema).optional(),
  })
  .strict();

export class StrategiesFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrategiesFileError';
  }
}

export interface ParsedStrategies {
  strategies: BaseStrategies;
  /** Accepted but ignored parts, as Jaeger ignores them (rate-limiting per-operation strategies). */
  warnings: string[];
}

type StrategyInput = { type: 'probabilistic' | 'ratelimiting'; param: number };

function toBaseStrategy(s: StrategyInput, where: string): BaseStrategy {
  if (s.type === 'probabilistic') {
    if (s.param > 1) {
      throw new StrategiesFileError(
        `${where}: a probabilistic param is a probability and must be between 0 and 1, got ${s.param}`
      );
    }
    return { type: 'probabilistic', samplingRate: s.param };
  }
  if (!Number.isInteger(s.param)) {
    throw new StrategiesFileError(
      `${where}: a ratelimiting param is traces per second and must be a whole number, got ${s.param}`
    );
  }
  return { type: 'ratelimiting', maxTracesPerSecond: s.param };
}

function toServiceBase(
  s: StrategyInput & { operation_strategies?: Array<StrategyInput & { operation: string }> },
  where: string,
  warnings: string[]
): ServiceBase {
  const operations = new Map<string, number>();
  for (const [i, op] of (s.operation_strategies ?? []).entries()) {
    const opWhere = `${where}.operation_strategies[${i}]`;
    if (operations.has(op.operation)) {
      throw new StrategiesFileError(`${opWhere}: operation "${op.operation}" is listed twice`);
    }
    const strategy = toBaseStrategy(op, opWhere);
    if (strategy.type === 'ratelimiting') {
      warnings.push(
        `${opWhere}: per-operation strategies can only be probabilistic; "${op.operation}" is ignored (as Jaeger does)`
      );
      continue;
    }
    operations.set(op.operation, strategy.samplingRate);
  }
  return { strategy: toBaseStrategy(s, where), operations };
}

/** Parses the text of a strategies file; throws StrategiesFileError naming the first problem. */
export function parseStrategiesFile(text: string): ParsedStrategies {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StrategiesFileError(`not valid JSON: ${(err as Error).message}`);
  }
  const parsed = StrategiesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length
      ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')
      : '';
    throw new StrategiesFileError(
      `${path ? `${path.replace(/^\./, '')}: ` : ''}${issue?.message ?? 'invalid strategies file'}`
    );
  }
  const warnings: string[] = [];
  const file = parsed.data;
  const defaults = file.default_strategy
    ? toServiceBase(file.default_strategy, 'default_strategy', warnings)
    : builtInStrategies.default;
  const services = new Map<string, ServiceBase>();
  for (const [i, s] of (file.service_strategies ?? []).entries()) {
    const where = `service_strategies[${i}]`;
    if (services.has(s.service)) {
      throw new StrategiesFileError(`${where}: service "${s.service}" is listed twice`);
    }
    const own = toServiceBase(s, where, warnings);
    // As in Jaeger: default per-operation strategies apply to every service, the service's own take precedence.
    for (const [op, rate] of defaults.operations) {
      if (!own.operations.has(op)) {
        own.operations.set(op, rate);
      }
    }
    services.set(s.service, own);
  }
  return { strategies: { default: defaults, services }, warnings };
}

export interface StrategiesStatus {
  file?: string;
  /** When the strategies in use were loaded (epoch ms). */
  loadedAt: number;
  /** Set while the file on disk is bad and the last good strategies are still served. */
  lastError?: string;
}

/**
 * Holds the strategies in use and reloads the file every `reloadMs` when its content changed (like Jaeger's
 * file provider: polling works on every file system and with ConfigMap symlink swaps, where fs.watch does not).
 */
export class StrategiesSource {
  private current: BaseStrategies = builtInStrategies;
  private lastText?: string;
  private timer?: NodeJS.Timeout;
  private statusValue: StrategiesStatus = { loadedAt: Date.now() };
  /** Bumped on every successful change, so cached sampling responses know when to rebuild. */
  version = 0;

  constructor(
    private readonly file: string | undefined,
    private readonly log: Logger,
    private readonly onReload: (result: 'ok' | 'error') => void = () => undefined
  ) {
    this.statusValue.file = file;
  }

  get strategies(): BaseStrategies {
    return this.current;
  }

  get status(): StrategiesStatus {
    return this.statusValue;
  }

  /** First load: a bad or missing file is fatal here, since there is no last good state to keep. */
  async load(): Promise<void> {
    if (this.file === undefined) {
      this.log.info(
        { defaultSamplingRate: JAEGER_DEFAULT_SAMPLING_PROBABILITY },
        'no STRATEGIES_FILE; using the built-in default strategy'
      );
      return;
    }
    const text = await readFile(this.file, 'utf8').catch((err: Error) => {
      throw new StrategiesFileError(`cannot read strategies file ${this.file}: ${err.message}`);
    });
    try {
      this.apply(text);
    } catch (err) {
      throw new StrategiesFileError(`strategies file ${this.file}: ${(err as Error).message}`);
    }
  }

  start(reloadMs: number): void {
    if (this.file === undefined) {
      return;
    }
    this.timer = setInterval(() => void this.reload(), reloadMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads the file again; on a bad file keeps the last good strategies and reports why. */
  async reload(): Promise<void> {
    if (this.file === undefined) {
      return;
    }
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      this.refuse(`cannot read strategies file: ${(err as Error).message}`);
      return;
    }
    if (text === this.lastText) {
      return;
    }
    try {
      this.apply(text);
      this.onReload('ok');
      this.log.info({ file: this.file, services: this.current.services.size }, 'reloaded sampling strategies');
    } catch (err) {
      this.lastText = text;
      this.refuse((err as Error).message);
    }
  }

  private apply(text: string): void {
    const { strategies, warnings } = parseStrategiesFile(text);
    for (const w of warnings) {
      this.log.warn({ file: this.file }, w);
    }
    this.current = strategies;
    this.lastText = text;
    this.version += 1;
    this.statusValue = { file: this.file, loadedAt: Date.now() };
  }

  private refuse(reason: string): void {
    if (this.statusValue.lastError === reason) {
      return;
    }
    this.statusValue = { ...this.statusValue, lastError: reason };
    this.onReload('error');
    this.log.error({ file: this.file, reason }, 'refused to reload sampling strategies; keeping the last good ones');
  }
}
