/**
 * The storage contract suite, run unchanged against SQLite and PostgreSQL (storage.*.test.ts).
 */
import type { OverrideRecord, Storage } from '../../../src/controller/storage';

export interface StorageUnderTest {
  storage: Storage;
  /** Runs SQL on a separate connection, to prove what the database itself enforces. */
  rawExec(sql: string): Promise<void>;
  /** Closes this storage and opens the same database again. */
  reopen(): Promise<Storage>;
  cleanup(): Promise<void>;
}

let seq = 0;
export function record(extra: Partial<OverrideRecord> = {}): OverrideRecord {
  seq += 1;
  return {
    id: `override-${seq}`,
    service: 'checkout',
    operation: null,
    samplingRate: 0.25,
    reason: 'incident INC-7',
    createdBy: 'alice',
    createdAt: 1_000 + seq,
    expiresAt: 10_000,
    revokedAt: null,
    revokedBy: null,
    revokeReason: null,
    stopAfterTraces: null,
    tracesSeen: null,
    goalCheckedAt: null,
    goalError: null,
    goalReachedAt: null,
    alert: null,
    ...extra,
  };
}

const audit = (service: string, type: 'created' | 'denied' = 'created') => ({
  at: 5,
  type,
  service,
  operation: null,
  overrideId: null,
  actor: 'alice',
  reason: null,
  details: { nested: { rate: 0.5, list: [1, 'two'] } },
});

export function storageContract(open: () => Promise<StorageUnderTest>): void {
  let t: StorageUnderTest;
  let s: Storage;
  beforeEach(async () => {
    t = await open();
    s = t.storage;
  });
  afterEach(() => t.cleanup());

  it('migrates idempotently', async () => {
    await s.migrate();
    await s.migrate();
    expect(await s.listOverrides({})).toEqual([]);
  });

  it('stores an override and reads it back field for field', async () => {
    const o = record({ operation: 'POST /pay', samplingRate: 0.123456789 });
    await s.write((tx) => tx.insertOverride(o));
    expect(await s.getOverride(o.id)).toEqual(o);
    expect(await s.getOverride('missing')).toBeUndefined();
  });

  it('lists newest first, by service, and only active ones at a given time (active iff now < expiresAt, not revoked)', async () => {
    const old = record({ createdAt: 1, expiresAt: 100 });
    const current = record({ createdAt: 2, expiresAt: 200 });
    const revoked = record({ createdAt: 3, expiresAt: 300, revokedAt: 50, revokedBy: 'bob', revokeReason: 'done' });
    const other = record({ createdAt: 4, expiresAt: 300, service: 'search' });
    await s.write(async (tx) => {
      for (const o of [old, current, revoked, other]) {
        await tx.insertOverride(o);
      }
    });
    expect((await s.listOverrides({})).map((o) => o.id)).toEqual([other.id, revoked.id, current.id, old.id]);
    expect((await s.listOverrides({ service: 'checkout' })).map((o) => o.id)).toEqual([revoked.id, current.id, old.id]);
    expect((await s.listOverrides({ activeAt: 99 })).map((o) => o.id)).toEqual([other.id, current.id, old.id]);
    expect((await s.listOverrides({ activeAt: 100 })).map((o) => o.id)).toEqual([other.id, current.id]);
    expect((await s.listOverrides({ activeAt: 200, service: 'checkout' })).map((o) => o.id)).toEqual([]);
    // Still in effect at or after a time: not expired nor revoked before it.
    expect((await s.listOverrides({ since: 50 })).map((o) => o.id)).toEqual([other.id, revoked.id, current.id, old.id]);
    expect((await s.listOverrides({ since: 51 })).map((o) => o.id)).toEqual([other.id, current.id, old.id]);
    expect((await s.listOverrides({ since: 101, service: 'checkout' })).map((o) => o.id)).toEqual([current.id]);
    expect((await s.listOverrides({ limit: 2 })).map((o) => o.id)).toEqual([other.id, revoked.id]);
    expect((await s.listOverrides({ since: 51, limit: 1 })).map((o) => o.id)).toEqual([other.id]);
  });

  it('counts active overrides per service and in total inside a write', async () => {
    await s.write(async (tx) => {
      await tx.insertOverride(record({ expiresAt: 100 }));
      await tx.insertOverride(record({ expiresAt: 200 }));
      await tx.insertOverride(record({ expiresAt: 200, service: 'search' }));
      expect(await tx.countActive(150, 'checkout')).toBe(1);
      expect(await tx.countActive(150)).toBe(2);
      expect(await tx.countActive(50)).toBe(3);
    });
  });

  it('revokes and moves expiry', async () => {
    const o = record();
    await s.write(async (tx) => {
      await tx.insertOverride(o);
      await tx.setExpiresAt(o.id, 20_000);
      await tx.revokeOverride(o.id, 15_000, 'bob', 'fixed');
    });
    expect(await s.getOverride(o.id)).toEqual({
      ...o,
      expiresAt: 20_000,
      revokedAt: 15_000,
      revokedBy: 'bob',
      revokeReason: 'fixed',
    });
  });

  it('rolls a failed write back completely', async () => {
    await expect(
      s.write(async (tx) => {
        await tx.insertOverride(record());
        await tx.appendAudit(audit('checkout'));
        throw new Error('boom');
      })
    ).rejects.toThrow('boom');
    expect(await s.listOverrides({})).toEqual([]);
    expect(await s.listAudit({ limit: 10 })).toEqual([]);
  });

  it('serialises writers, so a check-then-insert cannot overshoot a limit', async () => {
    const attempt = () =>
      s.write(async (tx) => {
        if ((await tx.countActive(0)) < 3) {
          await tx.insertOverride(record());
        }
      });
    await Promise.all(Array.from({ length: 10 }, attempt));
    expect(await s.listOverrides({})).toHaveLength(3);
  });

  it('appends audit events with increasing ids and lists them newest first, by service, paged', async () => {
    const ids = await s.write(async (tx) => [
      await tx.appendAudit(audit('a')),
      await tx.appendAudit(audit('b', 'denied')),
      await tx.appendAudit(audit('a')),
    ]);
    expect(ids[1]).toBeGreaterThan(ids[0] as number);
    expect(ids[2]).toBeGreaterThan(ids[1] as number);
    const all = await s.listAudit({ limit: 10 });
    expect(all.map((e) => e.id)).toEqual([...ids].reverse());
    expect(all[1]).toEqual({ id: ids[1], ...audit('b', 'denied') });
    expect((await s.listAudit({ limit: 10, service: 'a' })).map((e) => e.id)).toEqual([ids[2], ids[0]]);
    expect((await s.listAudit({ limit: 1, before: ids[2] })).map((e) => e.id)).toEqual([ids[1]]);
  });

  it('refuses to change or delete audit events, at the database level', async () => {
    await s.write((tx) => tx.appendAudit(audit('a')));
    await expect(t.rawExec("UPDATE audit_events SET actor = 'mallory'")).rejects.toThrow(/append-only/);
    await expect(t.rawExec('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    expect((await s.listAudit({ limit: 10 }))[0]?.actor).toBe('alice');
  });

  it('adds up poll batches and keeps the latest lastSeen', async () => {
    await s.recordPolls([
      { service: 'a', lastSeen: 100, pollCount: 2 },
      { service: 'b', lastSeen: 50, pollCount: 1 },
    ]);
    await s.recordPolls([{ service: 'a', lastSeen: 90, pollCount: 3 }]);
    await s.recordPolls([]);
    expect(await s.listServicePolls()).toEqual([
      { service: 'a', lastSeen: 100, pollCount: 5 },
      { service: 'b', lastSeen: 50, pollCount: 1 },
    ]);
  });

  it('lists expirations not yet recorded and lets exactly one claim each', async () => {
    const expired = record({ expiresAt: 100 });
    const reverted = record({ expiresAt: 100, revokedAt: 50, revokedBy: 'bob' });
    const running = record({ expiresAt: 1_000 });
    await s.write(async (tx) => {
      for (const o of [expired, reverted, running]) {
        await tx.insertOverride(o);
      }
    });
    const claims = await s.write(async (tx) => {
      expect((await tx.listUnrecordedExpirations(500, 10)).map((o) => o.id)).toEqual([expired.id]);
      return [await tx.claimExpiration(expired.id), await tx.claimExpiration(expired.id)];
    });
    expect(claims).toEqual([true, false]);
    expect(await s.write((tx) => tx.listUnrecordedExpirations(500, 10))).toEqual([]);
  });

  it('stores a goal and an alert with the override and records goal progress outside a write', async () => {
    const alert = { name: 'HighErrorRate', fingerprint: '0123456789abcdef', startsAt: '2026-12-02T04:00:00.123Z' };
    const o = record({ stopAfterTraces: 250, alert });
    await s.write((tx) => tx.insertOverride(o));
    await s.recordGoalProgress(o.id, 17, 3_000, null);
    expect(await s.getOverride(o.id)).toEqual({ ...o, tracesSeen: 17, goalCheckedAt: 3_000 });
    await s.recordGoalProgress(o.id, 17, 4_000, 'Prometheus unreachable');
    expect(await s.getOverride(o.id)).toMatchObject({ goalError: 'Prometheus unreachable', goalCheckedAt: 4_000 });
  });

  it('ends a goal-bounded spike once: only while it is active, and only the first claim', async () => {
    const live = record({ stopAfterTraces: 10, expiresAt: 10_000 });
    const expired = record({ stopAfterTraces: 10, expiresAt: 100 });
    await s.write(async (tx) => {
      await tx.insertOverride(live);
      await tx.insertOverride(expired);
    });
    const claims = await s.write(async (tx) => [
      await tx.claimGoalReached(live.id, 500, 12, 'goal reached'),
      await tx.claimGoalReached(live.id, 600, 13, 'goal reached'),
      await tx.claimGoalReached(expired.id, 500, 12, 'goal reached'),
    ]);
    expect(claims).toEqual([true, false, false]);
    expect(await s.getOverride(live.id)).toEqual({
      ...live,
      revokedAt: 500,
      revokedBy: 'controller',
      revokeReason: 'goal reached',
      goalReachedAt: 500,
      goalCheckedAt: 500,
      tracesSeen: 12,
    });
    expect((await s.getOverride(expired.id))?.revokedAt).toBeNull();
  });

  it('records one decision per alert firing and one resolution', async () => {
    const receipt = {
      fingerprint: 'fedcba9876543210',
      startsAt: '2026-12-02T04:00:00Z',
      alertName: 'HighErrorRate',
      receivedAt: 1_000,
      outcome: 'created' as const,
      overrideId: 'override-x',
      resolvedAt: null,
    };
    const results = await s.write(async (tx) => [
      await tx.insertAlertReceipt(receipt),
      await tx.insertAlertReceipt({ ...receipt, outcome: 'denied', overrideId: null }),
      await tx.insertAlertReceipt({
        ...receipt,
        startsAt: '2026-12-02T05:00:00Z',
        outcome: 'denied',
        overrideId: null,
      }),
      await tx.claimAlertResolution(receipt.fingerprint, receipt.startsAt, 2_000),
      await tx.claimAlertResolution(receipt.fingerprint, receipt.startsAt, 3_000),
    ]);
    expect(results).toEqual([true, false, true, true, false]);
    expect(await s.write((tx) => tx.getAlertReceipt(receipt.fingerprint, receipt.startsAt))).toEqual({
      ...receipt,
      resolvedAt: 2_000,
    });
    expect(await s.write((tx) => tx.getAlertReceipt(receipt.fingerprint, 'other'))).toBeUndefined();
  });

  it('answers the alert guardrails: spikes per hour, last spike per service, services spiked now', async () => {
    const alert = { name: 'A', fingerprint: '0000000000000001', startsAt: 'x' };
    await s.write(async (tx) => {
      await tx.insertOverride(record({ alert, service: 'payments', createdAt: 100, expiresAt: 1_000 }));
      await tx.insertOverride(record({ alert, service: 'payments', createdAt: 300, expiresAt: 400 }));
      await tx.insertOverride(record({ alert, service: 'search', createdAt: 200, expiresAt: 1_000, revokedAt: 250 }));
      await tx.insertOverride(record({ service: 'cart', createdAt: 500, expiresAt: 1_000 }));
    });
    await s.write(async (tx) => {
      expect(await tx.countAlertSpikesSince(0)).toBe(3);
      expect(await tx.countAlertSpikesSince(200)).toBe(2);
      expect(await tx.lastAlertSpikeAt('payments')).toBe(300);
      expect(await tx.lastAlertSpikeAt('cart')).toBeNull();
      expect(await tx.alertSpikedServices(350)).toEqual(['payments']);
      expect(await tx.alertSpikedServices(1_000)).toEqual([]);
    });
  });

  it('keeps everything across a close and reopen', async () => {
    const o = record();
    await s.write(async (tx) => {
      await tx.insertOverride(o);
      await tx.appendAudit(audit('checkout'));
    });
    await s.recordPolls([{ service: 'checkout', lastSeen: 7, pollCount: 1 }]);
    s = await t.reopen();
    expect(await s.getOverride(o.id)).toEqual(o);
    expect(await s.listAudit({ limit: 10 })).toHaveLength(1);
    expect(await s.listServicePolls()).toEqual([{ service: 'checkout', lastSeen: 7, pollCount: 1 }]);
  });
}
