/**
 * The Jaeger strategies file: Jaeger's own example parses as Jaeger reads it, bad files (fixtures beside this test)
 * are refused with a message naming the problem, a fuzzed parser only ever fails with that error, and the running
 * controller reloads a changed file but keeps the last good strategies when the new file is bad.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { StrategiesFileError, parseStrategiesFile } from '../../src/controller/strategiesFile';
import { call, startController, tempDir, writeJson } from './support/harness';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('parsing a strategies file', () => {
  it("reads Jaeger's documented example, merging default per-operation strategies into each service", () => {
    const { strategies } = parseStrategiesFile(fixture('good_jaeger_example.json'));
    expect(strategies.default.strategy).toEqual({ type: 'probabilistic', samplingRate: 0.5 });
    const foo = strategies.services.get('foo');
    expect(foo?.strategy).toEqual({ type: 'probabilistic', samplingRate: 0.8 });
    expect(Object.fromEntries(foo?.operations ?? [])).toEqual({ op1: 0.2, op2: 0.4, '/health': 0, '/metrics': 0 });
    expect(strategies.services.get('bar')?.strategy).toEqual({ type: 'ratelimiting', maxTracesPerSecond: 5 });
  });

  it('lets a service override a default per-operation strategy', () => {
    const { strategies } = parseStrategiesFile(
      JSON.stringify({
        default_strategy: {
          type: 'probabilistic',
          param: 0.1,
          operation_strategies: [{ operation: '/health', type: 'probabilistic', param: 0 }],
        },
        service_strategies: [
          {
            service: 'a',
            type: 'probabilistic',
            param: 0.2,
            operation_strategies: [{ operation: '/health', type: 'probabilistic', param: 0.3 }],
          },
        ],
      })
    );
    expect(strategies.services.get('a')?.operations.get('/health')).toBe(0.3);
  });

  it('accepts but ignores rate-limiting per-operation strategies, as Jaeger does, with a warning', () => {
    const { strategies, warnings } = parseStrategiesFile(
      JSON.stringify({
        service_strategies: [
          {
            service: 'a',
            type: 'probabilistic',
            param: 0.2,
            operation_strategies: [{ operation: 'x', type: 'ratelimiting', param: 3 }],
          },
        ],
      })
    );
    expect(strategies.services.get('a')?.operations.size).toBe(0);
    expect(warnings).toEqual([expect.stringMatching(/can only be probabilistic; "x" is ignored/)]);
  });

  it('treats an empty object as "use the built-in default" (Jaeger: probabilistic 0.001)', () => {
    expect(parseStrategiesFile('{}').strategies.default.strategy).toEqual({
      type: 'probabilistic',
      samplingRate: 0.001,
    });
  });

  it.each([
    ['bad_not_json.json', /^not valid JSON/],
    ['bad_unknown_type.json', /^default_strategy\.type: type must be "probabilistic" or "ratelimiting"/],
    [
      'bad_probability_above_one.json',
      /service_strategies\[0\]: a probabilistic param is a probability and must be between 0 and 1, got 1\.5/,
    ],
    ['bad_typo_in_key.json', /service_strategies\[0\]: Unrecognized key: "operation_strategy"/],
    ['bad_duplicate_service.json', /service_strategies\[1\]: service "checkout" is listed twice/],
    ['bad_param_string.json', /default_strategy\.param: param must be a number/],
    ['bad_ratelimit_fraction.json', /must be a whole number, got 2\.5/],
  ])('refuses %s with a message naming the problem', (name, message) => {
    expect(() => parseStrategiesFile(fixture(name))).toThrow(StrategiesFileError);
    expect(() => parseStrategiesFile(fixture(name))).toThrow(message);
  });

  it('has a fixture for every bad case above', () => {
    expect(readdirSync(join(__dirname, 'fixtures')).filter((f) => f.startsWith('bad_'))).toHaveLength(7);
  });

  it('fails only with StrategiesFileError on arbitrary input (fuzz)', () => {
    const jsonish = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ default_strategy: v })),
      fc.jsonValue().map((v) => JSON.stringify({ service_strategies: [v] })),
      fc
        .record({
          type: fc.constantFrom('probabilistic', 'ratelimiting', 'x'),
          param: fc.oneof(fc.double(), fc.integer()),
        })
        .map((s) => JSON.stringify({ default_strategy: s }))
    );
    fc.assert(
      fc.property(jsonish, (text) => {
        try {
          parseStrategiesFile(text);
        } catch (err) {
          expect(err).toBeInstanceOf(StrategiesFileError);
        }
      }),
      { numRuns: 2000 }
    );
  });

  it('reads back every valid file it is given (property)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
    const probability = fc.double({ min: 0, max: 1, noNaN: true });
    const service = fc.record({
      service: name,
      type: fc.constant('probabilistic' as const),
      param: probability,
      operation_strategies: fc.uniqueArray(
        fc.record({ operation: name, type: fc.constant('probabilistic' as const), param: probability }),
        { selector: (o) => o.operation, maxLength: 4 }
      ),
    });
    fc.assert(
      fc.property(fc.uniqueArray(service, { selector: (s) => s.service, maxLength: 8 }), (services) => {
        const { strategies } = parseStrategiesFile(JSON.stringify({ service_strategies: services }));
        for (const s of services) {
          expect(strategies.services.get(s.service)?.strategy).toEqual({
            type: 'probabilistic',
            samplingRate: s.param,
          });
          expect(Object.fromEntries(strategies.services.get(s.service)?.operations ?? [])).toEqual(
            Object.fromEntries(s.operation_strategies.map((o) => [o.operation, o.param]))
          );
        }
      })
    );
  });
});

describe('hot reload in the running controller', () => {
  const good = {
    default_strategy: { type: 'probabilistic', param: 0.1 },
    service_strategies: [{ service: 'checkout', type: 'probabilistic', param: 0.2 }],
  };

  it('serves a changed file after reloading it', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'strategies.json', good);
    const c = await startController({ STRATEGIES_FILE: file }, { dir });
    try {
      expect((await call(c.url, 'GET', '/sampling?service=checkout')).body.probabilisticSampling.samplingRate).toBe(
        0.2
      );
      writeJson(dir, 'strategies.json', {
        ...good,
        service_strategies: [{ service: 'checkout', type: 'probabilistic', param: 0.3 }],
      });
      await c.controller.strategies.reload();
      expect((await call(c.url, 'GET', '/sampling?service=checkout')).body.probabilisticSampling.samplingRate).toBe(
        0.3
      );
      expect(c.logs).toContainEqual(expect.objectContaining({ msg: 'reloaded sampling strategies' }));
    } finally {
      await c.stop();
    }
  });

  it('picks up a change on its own reload interval', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'strategies.json', good);
    const c = await startController({ STRATEGIES_FILE: file, STRATEGIES_RELOAD_MS: '100' }, { dir });
    try {
      writeJson(dir, 'strategies.json', { default_strategy: { type: 'probabilistic', param: 0.4 } });
      let rate: number | undefined;
      for (let i = 0; i < 200 && rate !== 0.4; i++) {
        await new Promise((r) => setTimeout(r, 50));
        rate = (await call(c.url, 'GET', '/sampling?service=checkout')).body.probabilisticSampling.samplingRate;
      }
      expect(rate).toBe(0.4);
    } finally {
      await c.stop();
    }
  });

  it('keeps the last good strategies when the file turns bad, and says so in logs, /readyz and /metrics', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'strategies.json', good);
    const c = await startController({ STRATEGIES_FILE: file }, { dir });
    try {
      writeFileSync(file, fixture('bad_probability_above_one.json'));
      await c.controller.strategies.reload();
      expect((await call(c.url, 'GET', '/sampling?service=checkout')).body.probabilisticSampling.samplingRate).toBe(
        0.2
      );
      expect(c.logs).toContainEqual(
        expect.objectContaining({
          level: 50,
          msg: 'refused to reload sampling strategies; keeping the last good ones',
          reason: expect.stringMatching(/got 1\.5/),
        })
      );
      const ready = await call(c.url, 'GET', '/readyz', { token: null });
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.checks.strategies).toMatchObject({
        ok: false,
        error: expect.stringMatching(/got 1\.5; serving the strategies loaded at/),
      });
      expect((await call(c.url, 'GET', '/metrics', { token: null })).text).toMatch(
        /tracingops_strategies_reloads_total\{result="error"\} 1/
      );

      writeJson(dir, 'strategies.json', { default_strategy: { type: 'probabilistic', param: 0.05 } });
      await c.controller.strategies.reload();
      expect((await call(c.url, 'GET', '/readyz', { token: null })).body.status).toBe('ready');
      expect((await call(c.url, 'GET', '/sampling?service=checkout')).body.probabilisticSampling.samplingRate).toBe(
        0.05
      );
    } finally {
      await c.stop();
    }
  });

  it('keeps the last good strategies when the file disappears', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'strategies.json', good);
    const c = await startController({ STRATEGIES_FILE: file, SQLITE_PATH: join(dir, 'db.sqlite') }, { dir });
    try {
      rmSync(file);
      await c.controller.strategies.reload();
      expect((await call(c.url, 'GET', '/sampling?service=checkout')).body.probabilisticSampling.samplingRate).toBe(
        0.2
      );
      expect((await call(c.url, 'GET', '/readyz', { token: null })).body.checks.strategies.error).toMatch(
        /cannot read strategies file/
      );
    } finally {
      await c.stop();
    }
  });

  it('reports the bad content again, not the missing file, when a refused file is deleted and restored', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'strategies.json', good);
    const c = await startController({ STRATEGIES_FILE: file }, { dir });
    const error = async () => (await call(c.url, 'GET', '/readyz', { token: null })).body.checks.strategies.error;
    try {
      writeFileSync(file, fixture('bad_probability_above_one.json'));
      await c.controller.strategies.reload();
      rmSync(file);
      await c.controller.strategies.reload();
      expect(await error()).toMatch(/cannot read strategies file/);
      writeFileSync(file, fixture('bad_probability_above_one.json'));
      await c.controller.strategies.reload();
      expect(await error()).toMatch(/got 1\.5/);
    } finally {
      await c.stop();
    }
  });

  it('refuses to start with a bad file, since there is no last good one', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'strategies.json', fixture('bad_duplicate_service.json'));
    await expect(startController({ STRATEGIES_FILE: file }, { dir })).rejects.toThrow(
      `strategies file ${file}: service_strategies[1]: service "checkout" is listed twice`
    );
  });
});
