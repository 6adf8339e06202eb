/** The demo's environment: defaults for a laptop next to a local controller, and start-up errors that name the variable. */
import { DemoConfigError, loadDemoConfig } from './config';

describe('loadDemoConfig', () => {
  it('runs all four services and the load generator on loopback, sampling 10% until the controller answers', () => {
    const config = loadDemoConfig({});
    expect(config.components).toEqual(['gateway', 'auth', 'payments', 'fraud', 'load']);
    expect(config.urls).toEqual({
      gateway: 'http://127.0.0.1:8081',
      auth: 'http://127.0.0.1:8082',
      payments: 'http://127.0.0.1:8083',
      fraud: 'http://127.0.0.1:8084',
    });
    expect(config.sampling).toEqual({ endpoint: 'http://127.0.0.1:8080', pollMs: 10_000, initialRate: 0.1 });
    expect(config.otlpEndpoint).toBe('http://127.0.0.1:4318');
    expect(config.faults).toEqual([]);
  });

  it('runs one service per container, reaching the others by their URLs', () => {
    const config = loadDemoConfig({
      DEMO_SERVICES: 'payments',
      FRAUD_URL: 'http://fraud:8084/',
      DEMO_FAULTS: 'nPlusOne, slowDownstream',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
    });
    expect(config.components).toEqual(['payments']);
    expect(config.urls.fraud).toBe('http://fraud:8084');
    expect(config.faults).toEqual(['nPlusOne', 'slowDownstream']);
  });

  it.each([
    [{ DEMO_SERVICES: 'gateway,ledger' }, 'DEMO_SERVICES: unknown ledger'],
    [{ DEMO_FAULTS: 'diskFull' }, 'DEMO_FAULTS: unknown fault diskFull'],
    [{ SAMPLING_INITIAL_RATE: '2' }, 'SAMPLING_INITIAL_RATE'],
    [{ PAYMENTS_PORT: 'eighty' }, 'PAYMENTS_PORT'],
    [{ FRAUD_SLOW_SCORE_MS: '20000' }, 'CALL_TIMEOUT_MS must exceed FRAUD_SLOW_SCORE_MS'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadDemoConfig(env)).toThrow(DemoConfigError);
    expect(() => loadDemoConfig(env)).toThrow(message);
  });
});
