/**
 * Expiry is a timestamp: an override applies iff now < expiresAt, with no timer involved, also across a restart;
 * the sweeper only writes the `expired` audit event, once. A revert by one user is what every user sees.
 */
import { join } from 'node:path';
import {
  ADMIN,
  FakeClock,
  type GrafanaUser,
  call,
  spike,
  startController,
  tempDir,
  writeJson,
} from './support/harness';

const STRATEGIES = { default_strategy: { type: 'probabilistic', param: 0.01 } };
const rateOf = async (url: string, service: string) =>
  (await call(url, 'GET', `/sampling?service=${service}`, { token: null })).body.probabilisticSampling.samplingRate;

describe('expiry', () => {
  it('stops applying an override exactly at its expiry, without any timer', async () => {
    const clock = new FakeClock();
    const dir = tempDir();
    const c = await startController(
      { STRATEGIES_FILE: writeJson(dir, 's.json', STRATEGIES), EXPIRY_SWEEP_MS: '3600000' },
      { clock, dir }
    );
    try {
      const o = (
        await call(c.url, 'POST', '/api/v1/overrides', {
          as: ADMIN,
          body: spike('checkout', { samplingRate: 0.5, durationSeconds: 60 }),
        })
      ).body;
      clock.advance(59_999);
      expect(await rateOf(c.url, 'checkout')).toBe(0.5);
      clock.advance(1);
      expect(await rateOf(c.url, 'checkout')).toBe(0.01);
      expect((await call(c.url, 'GET', '/api/v1/services/checkout/strategy')).body).toMatchObject({
        source: { kind: 'base-default' },
        activeOverrides: [],
      });
      expect((await call(c.url, 'GET', '/api/v1/overrides')).body.overrides).toEqual([]);
      expect((await call(c.url, 'GET', '/api/v1/overrides?state=all')).body.overrides).toEqual([
        expect.objectContaining({ id: o.id, active: false }),
      ]);
      const extend = await call(c.url, 'POST', `/api/v1/overrides/${o.id}/extend`, {
        as: ADMIN,
        body: { durationSeconds: 60 },
      });
      expect(extend.status).toBe(409);
      expect(extend.body.error.message).toMatch(/is no longer active: it expired at/);
    } finally {
      await c.stop();
    }
  });

  it('records each expiry once in the audit log, at the expiry time, and never for reverted overrides', async () => {
    const clock = new FakeClock();
    const c = await startController({ EXPIRY_SWEEP_MS: '3600000' }, { clock });
    try {
      const expiring = (
        await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout', { durationSeconds: 60 }) })
      ).body;
      const reverted = (
        await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('search', { durationSeconds: 60 }) })
      ).body;
      await call(c.url, 'POST', `/api/v1/overrides/${reverted.id}/revert`, { as: ADMIN });
      expect(await c.controller.sweeper.sweep()).toBe(0);
      clock.advance(120_000);
      // Overlapping sweeps in one process share one run; across replicas see replicas.postgres.test.ts.
      await Promise.all([c.controller.sweeper.sweep(), c.controller.sweeper.sweep()]);
      expect(await c.controller.sweeper.sweep()).toBe(0);
      const expired = (await call(c.url, 'GET', '/api/v1/audit')).body.events.filter(
        (e: { type: string }) => e.type === 'expired'
      );
      expect(expired).toEqual([
        expect.objectContaining({
          overrideId: expiring.id,
          service: 'checkout',
          actor: 'controller',
          at: expiring.expiresAt,
        }),
      ]);
    } finally {
      await c.stop();
    }
  });

  it('keeps an override across a restart and stops applying it at expiry even while the controller was down', async () => {
    const clock = new FakeClock();
    const dir = tempDir();
    const env = {
      STRATEGIES_FILE: writeJson(dir, 's.json', STRATEGIES),
      SQLITE_PATH: join(dir, 'state', 'controller.db'),
      EXPIRY_SWEEP_MS: '3600000',
    };
    const first = await startController(env, { clock, dir });
    const o = (
      await call(first.url, 'POST', '/api/v1/overrides', {
        as: ADMIN,
        body: spike('checkout', { samplingRate: 0.4, durationSeconds: 300 }),
      })
    ).body;
    await first.stop();

    const second = await startController(env, { clock, dir });
    try {
      expect(await rateOf(second.url, 'checkout')).toBe(0.4);
      expect((await call(second.url, 'GET', '/api/v1/overrides')).body.overrides[0]).toMatchObject({
        id: o.id,
        active: true,
      });
    } finally {
      await second.stop();
    }

    clock.advance(301_000);
    const third = await startController(env, { clock, dir });
    try {
      expect(await rateOf(third.url, 'checkout')).toBe(0.01);
      expect(await third.controller.sweeper.sweep()).toBe(1);
      expect((await call(third.url, 'GET', '/api/v1/audit')).body.events.map((e: { type: string }) => e.type)).toEqual([
        'expired',
        'created',
      ]);
    } finally {
      await third.stop();
    }
  });

  it('expires in real time too (a one-second override, no injected clock)', async () => {
    const c = await startController({ EXPIRY_SWEEP_MS: '50' });
    try {
      const o = (
        await call(c.url, 'POST', '/api/v1/overrides', {
          as: ADMIN,
          body: spike('realtime', { samplingRate: 0.9, durationSeconds: 1 }),
        })
      ).body;
      const seen = new Set<number>();
      let rate = await rateOf(c.url, 'realtime');
      seen.add(rate);
      while (rate !== 0.001) {
        await new Promise((r) => setTimeout(r, 50));
        rate = await rateOf(c.url, 'realtime');
        seen.add(rate);
        // The override must never end early.
        if (rate !== 0.9) {
          expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(o.expiresAt));
        }
      }
      expect([...seen]).toEqual([0.9, 0.001]);
      let events: Array<{ type: string }> = [];
      while (!events.some((e) => e.type === 'expired')) {
        await new Promise((r) => setTimeout(r, 50));
        events = (await call(c.url, 'GET', '/api/v1/audit')).body.events;
      }
      expect(events.map((e) => e.type)).toEqual(['expired', 'created']);
    } finally {
      await c.stop();
    }
  });
});

describe('revert', () => {
  it("is visible to every user at once: one user's revert ends the override for all", async () => {
    const alice: GrafanaUser = { login: 'alice', role: 'Admin' };
    const bob: GrafanaUser = { login: 'bob', role: 'Admin' };
    const viewer: GrafanaUser = { login: 'vera', role: 'Viewer' };
    const c = await startController();
    try {
      const o = (
        await call(c.url, 'POST', '/api/v1/overrides', { as: alice, body: spike('checkout', { samplingRate: 0.6 }) })
      ).body;
      expect(await rateOf(c.url, 'checkout')).toBe(0.6);
      await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: bob, body: { reason: 'rolled back' } });
      for (const user of [alice, bob, viewer]) {
        const seen = (await call(c.url, 'GET', '/api/v1/overrides?state=all', { as: user })).body.overrides[0];
        expect(seen).toMatchObject({
          id: o.id,
          active: false,
          revokedBy: 'bob',
          revokeReason: 'rolled back',
          createdBy: 'alice',
        });
      }
      expect(await rateOf(c.url, 'checkout')).toBe(0.001);
    } finally {
      await c.stop();
    }
  });
});
