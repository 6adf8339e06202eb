/**
 * Base sampling strategies from a Jaeger `strategies.json` file (`default_strategy`, `service_strategies`, each with
 * optional `operation_strategies`), so teams migrating from Jaeger keep their file. Parsing follows Jaeger's file
 * provider (default per-operation strategies merge into each service's), but is stricter: unknown keys, out-of-range
 * params and duplicate services are errors, because a typo must not silently change production sampling.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { ReloadingFile } from './reloadingFile';

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

const builtInStrategies: BaseStrategies = {
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

/**
 * The strategies in use, reloaded from the file when its content changes (`ReloadingFile`); without a file,
 * Jaeger's built-in default.
 */
export class StrategiesSource extends ReloadingFile<BaseStrategies> {
  constructor(file: string | undefined, log: Logger, onReload: (result: 'ok' | 'error') => void = () => undefined) {
    super({
      file,
      what: 'sampling strategies',
      kind: 'strategies file',
      initial: builtInStrategies,
      parse: (text) => {
        const { strategies, warnings } = parseStrategiesFile(text);
        return { value: strategies, warnings };
      },
      log,
      onReload,
      summary: (s) => ({ services: s.services.size }),
    });
    if (file === undefined) {
      log.info(
        { defaultSamplingRate: JAEGER_DEFAULT_SAMPLING_PROBABILITY },
        'no STRATEGIES_FILE; using the built-in default strategy'
      );
    }
  }

  get strategies(): BaseStrategies {
    return this.value;
  }
}
