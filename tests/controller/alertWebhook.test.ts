/**
 * The Alertmanager webhook over real HTTP, against SQLite and (when configured) PostgreSQL: alerts that a policy
 * matches raise spikes within the guardrails and the automatic-spike limits; repeats change nothing; a resolved
 * alert ends its spike; hostile deliveries (bad token, malformed, huge, unknown services, label values outside
 * the service alphabet, a storm of 1,000 alerts) are refused or bounded, store nothing else, and are audited.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestController, TOKEN, call, startController, tempDir, writeJson } from './support/harness';
import { ALERTMANAGER_TOKEN, type WebhookAlert, alert, alertGroup, postAlerts } from './support/alertmanager';
import {
  type FreshDatabase,
  controllerDatabases,
  freshPostgresDatabase,
  postgresRequired,
  postgresUrl,
} from './support/postgres';

const STORM = 1_000;
const stormServices = Array.from({ length: STORM }, (_, i) => `svc-${i}`);
const STRATEGIES = {
  default_strategy: { type: 'probabilistic', param: 0.01 },
  service_strategies: ['payments', 'checkout', ...stormServices].map((service) => ({
    service,
    type: 'probabilistic',
    param: 0.05,
  })),
};

const POLICIES = `
limits:
  maxSpikesPerHour: 4
  serviceCooldownSeconds: 600
  maxServicesSpiked: 3
policies:
  - name: error-rate
    match: { alertname: HighErrorRate }
    matchRegex: { severity: "page|critical" }
    serviceLabel: service
    operationLabel: span_name
    samplingRate: 0.5
    durationSeconds: 900
    stopAfterTraces: 200
  - name: latency-keeps-spike
    match: { alertname: HighLatency }
    serviceLabel: service
    samplingRate: 0.25
    durationSeconds: 600
    endOnResolve: false
`;

const page = (service: string, extra: Record<string, string> = {}) => ({
  alertname: 'HighErrorRate',
  severity: 'page',
  service,
  ...extra,
});

describe.each(controllerDatabases)('the Alertmanager webhook on %s', (_name, backend) => {
  let c: TestController;
  let drop: () => Promise<void>;
  let policyFile: string;

  beforeEach(async () => {
    const db = await backend();
    drop = db.drop;
    const dir = tempDir();
    policyFile = join(dir, 'policies.yaml');
    writeFileSync(policyFile, POLICIES);
    c = await startController(
      {
        ...db.env,
        STRATEGIES_FILE: writeJson(dir, 's.json', STRATEGIES),
        ALERTMANAGER_TOKEN,
        ALERT_POLICY_FILE: policyFile,
        ALERT_POLICY_RELOAD_MS: '100',
        ALERT_BODY_LIMIT_BYTES: String(1024 * 1024),
      },
      { dir }
    );
  });
  afterEach(async () => {
    await c.stop();
    await drop();
  });

  const overrides = async () => (await call(c.url, 'GET', '/api/v1/overrides?state=all')).body.overrides;
  const audit = async () => (await call(c.url, 'GET', '/api/v1/audit?limit=500')).body.events;
  const rate = async (service: string) =>
    (await call(c.url, 'GET', `/sampling?service=${service}`, { token: null })).body;

  it('raises the spike a policy maps the alert to, says which alert raised it, and serves it', async () => {
    const a = alert({ labels: page('payments', { span_name: 'POST /charge' }) });
    const r = await postAlerts(c.url, alertGroup([a]));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ received: 1, outcomes: { created: 1 }, created: [expect.any(String)] });
    const [o] = await overrides();
    expect(o).toMatchObject({
      id: r.body.created[0],
      service: 'payments',
      operation: 'POST /charge',
      samplingRate: 0.5,
      createdBy: 'alertmanager',
      active: true,
      goal: { stopAfterTraces: 200 },
      alert: { name: 'HighErrorRate', fingerprint: a.fingerprint, startsAt: a.startsAt },
    });
    expect(Date.parse(o.expiresAt) - Date.parse(o.createdAt)).toBe(900_000);
    expect(o.reason).toContain(`alert HighErrorRate (fingerprint ${a.fingerprint}) firing`);
    expect(o.reason).toContain('service="payments"');
    expect((await rate('payments')).operationSampling.perOperationStrategies).toEqual([
      { operation: 'POST /charge', probabilisticSampling: { samplingRate: 0.5 } },
    ]);
    const [created] = await audit();
    expect(created).toMatchObject({
      type: 'created',
      actor: 'alertmanager',
      service: 'payments',
      reason: o.reason,
      details: { alert: { fingerprint: a.fingerprint } },
    });
  });

  it("changes nothing on Alertmanager's repeats of the same firing", async () => {
    const group = alertGroup([alert({ labels: page('payments') })]);
    await postAlerts(c.url, group);
    const again = await postAlerts(c.url, group);
    expect(again.body.outcomes).toEqual({ duplicate: 1 });
    expect(await overrides()).toHaveLength(1);
    expect(await audit()).toHaveLength(1);
  });

  it('ends the spike when its alert resolves, once, unless the policy keeps it', async () => {
    const err = alert({ labels: page('payments') });
    const slow = alert({ labels: { alertname: 'HighLatency', service: 'checkout' } });
    await postAlerts(c.url, alertGroup([err, slow]));
    const resolved = alertGroup([
      { ...err, status: 'resolved' },
      { ...slow, status: 'resolved' },
    ]);
    expect((await postAlerts(c.url, resolved)).body.outcomes).toEqual({ ended: 1, resolved: 1 });
    expect((await postAlerts(c.url, resolved)).body.outcomes).toEqual({ duplicate: 2 });
    const byService = Object.fromEntries((await overrides()).map((o: { service: string }) => [o.service, o]));
    expect(byService.payments).toMatchObject({ active: false, revokedBy: 'alertmanager' });
    expect(byService.payments.revokeReason).toContain('resolved');
    expect(byService.checkout).toMatchObject({ active: true });
    expect((await rate('payments')).probabilisticSampling.samplingRate).toBe(0.05);
    expect((await audit()).filter((e: { type: string }) => e.type === 'reverted')).toHaveLength(1);
  });

  it("refuses a wrong or missing token, and the app's token, before reading the body; stores and audits nothing", async () => {
    const group = alertGroup([alert({ labels: page('payments') })]);
    for (const token of [null, 'wrong-token-wrong-token-wrong-token-00', TOKEN]) {
      const r = await postAlerts(c.url, group, token);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    }
    expect(await overrides()).toEqual([]);
    expect(await audit()).toEqual([]);
    // And Alertmanager's token opens nothing of the admin API.
    expect((await call(c.url, 'GET', '/api/v1/overrides', { token: ALERTMANAGER_TOKEN })).status).toBe(401);
  });

  it('refuses deliveries whose envelope is malformed or too large, stores no spike, and audits each', async () => {
    const good = alert({ labels: page('payments') });
    const bad = [
      { rawBody: 'not json' },
      { body: { ...alertGroup([good]), version: '3' } },
      { body: { ...alertGroup([good]), alerts: undefined } },
      { body: { ...alertGroup([good]), alerts: 'payments' } },
      { body: { ...alertGroup([good]), groupLabels: { alertname: 7 } } },
    ];
    for (const b of bad) {
      const r = await call(c.url, 'POST', '/api/v1/alerts/alertmanager', { ...b, token: ALERTMANAGER_TOKEN });
      expect(r.status).toBe(400);
    }
    const huge = alertGroup(
      Array.from({ length: 4000 }, (_, i) =>
        alert({ labels: page(`svc-${i % STORM}`, { pad: 'p'.repeat(200), i: `${i}` }) })
      )
    );
    expect(JSON.stringify(huge).length).toBeGreaterThan(1024 * 1024);
    const r = await postAlerts(c.url, huge);
    expect(r.status).toBe(413);
    expect(await overrides()).toEqual([]);
    const events = await audit();
    expect(events).toHaveLength(bad.length + 1);
    expect(
      events.every((e: { type: string; actor: string }) => e.type === 'denied' && e.actor === 'alertmanager')
    ).toBe(true);
    expect(events[0].details).toMatchObject({ attempted: 'alert webhook', status: 413 });
  });

  it('denies an alert over a bound on its own, audits it truncated, and handles the rest of its group', async () => {
    const sibling = alert({ labels: page('checkout') });
    await postAlerts(c.url, alertGroup([sibling]));
    const valid = alert({ labels: page('payments') });
    const long = (n: number) => 'x'.repeat(n);
    const oversized = [
      { ...alert({ labels: page('payments', { variant: 'description' }) }), annotations: { description: long(2049) } },
      alert({
        labels: page('payments', Object.fromEntries(Array.from({ length: 126 }, (_, i) => [`l${i}`, `${i}`]))),
      }),
      { ...alert({ labels: page('payments', { variant: 'url' }) }), generatorURL: `http://p/${long(4088)}` },
      alert({ labels: page('payments', { variant: long(2049) }) }),
    ];
    expect(Object.keys(oversized[1]!.labels)).toHaveLength(129);
    const group = {
      ...alertGroup([valid, ...oversized, { ...sibling, status: 'resolved' as const }]),
      // Alertmanager copies what all alerts share into the group's labels and annotations, sizes and all.
      groupLabels: { alertname: 'HighErrorRate', service: 'payments' },
      commonLabels: { alertname: 'HighErrorRate', severity: 'page' },
      commonAnnotations: { description: long(2049) },
    };
    const r = await postAlerts(c.url, group);
    expect(r.status).toBe(200);
    expect(r.body.outcomes).toEqual({ created: 1, denied: 4, ended: 1 });

    const byService = Object.fromEntries((await overrides()).map((o: { service: string }) => [o.service, o]));
    expect(byService.payments).toMatchObject({ active: true, id: r.body.created[0] });
    expect(byService.checkout).toMatchObject({ active: false, revokedBy: 'alertmanager' });
    const denied = (await audit()).filter((e: { type: string }) => e.type === 'denied');
    expect(denied).toHaveLength(4);
    for (const e of denied) {
      expect(e).toMatchObject({ service: '', actor: 'alertmanager', details: { code: 'bad_request' } });
      expect(e.reason).toMatch(/^alert HighErrorRate \(fingerprint [0-9a-f]{16}\) refused: /);
      expect(JSON.stringify(e.details).length).toBeLessThan(20_000);
      for (const value of [...Object.values(e.details.labels), ...Object.values(e.details.annotations)]) {
        expect((value as string).length).toBeLessThanOrEqual(256);
      }
    }
    const problems = denied.map((e: { details: { message: string } }) => e.details.message);
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^invalid alert: annotations\.description: Too big/),
        expect.stringMatching(/^invalid alert: generatorURL: Too big/),
        expect.stringMatching(/^invalid alert: labels: at most 128 labels/),
        expect.stringMatching(/^invalid alert: labels\.variant: Too big/),
      ])
    );
    const many = denied.find((e: { details: { labelCount: number } }) => e.details.labelCount === 129);
    expect(Object.keys(many.details.labels)).toHaveLength(32);

    // Alertmanager repeats the group until it resolves: one decision per firing, the refused ones too.
    expect((await postAlerts(c.url, group)).body.outcomes).toEqual({ duplicate: 6 });
    expect((await audit()).filter((e: { type: string }) => e.type === 'denied')).toHaveLength(4);
  });

  it('honours a resolution whose annotations grew over a bound, and keeps a lone oversized alert its group', async () => {
    const firing = alert({ labels: page('payments') });
    await postAlerts(c.url, alertGroup([firing]));
    const resolved = { ...firing, status: 'resolved' as const, annotations: { description: 'x'.repeat(3000) } };
    const r = await postAlerts(c.url, { ...alertGroup([resolved]), commonAnnotations: resolved.annotations });
    expect(r.status).toBe(200);
    expect(r.body.outcomes).toEqual({ ended: 1 });

    const unmatched = { ...alert({ labels: { alertname: 'DiskFull' } }), annotations: { d: 'x'.repeat(3000) } };
    const broken = [
      42,
      { ...firing, fingerprint: 'zz' },
      { ...firing, status: 'pending' },
      { ...firing, labels: { service: 'x'.repeat(5000) }, fingerprint: '00000000000000ff' },
    ];
    const mixed = await postAlerts(c.url, alertGroup([unmatched, ...broken] as WebhookAlert[]));
    expect(mixed.status).toBe(200);
    expect(mixed.body.outcomes).toEqual({ unmatched: 1, denied: broken.length });
    expect((await audit()).filter((e: { type: string }) => e.type === 'denied')).toHaveLength(broken.length);
  });

  it('denies unknown services and label values outside the service alphabet, audited without the raw value as service', async () => {
    const hostile = ['pay"}) or vector(1)', 'a\nb', '', ' payments', 'ünï', '../../etc/passwd;'];
    const group = alertGroup([
      alert({ labels: page('ghost-service') }),
      alert({ labels: { alertname: 'HighErrorRate', severity: 'page' } }),
      ...hostile.map((service) => alert({ labels: page(service) })),
      alert({ labels: page('payments', { span_name: 'bad\u0000op' }) }),
    ]);
    const r = await postAlerts(c.url, group);
    expect(r.status).toBe(200);
    expect(r.body.outcomes).toEqual({ denied: hostile.length + 3 });
    expect(await overrides()).toEqual([]);
    const events = await audit();
    expect(events).toHaveLength(hostile.length + 3);
    expect(events.map((e: { service: string }) => e.service).sort()).toEqual(
      ['', '', '', '', '', '', '', 'ghost-service', 'payments'].sort()
    );
    const guardrails = events.map((e: { details: { guardrail: string } }) => e.details.guardrail);
    expect(guardrails.filter((g: string) => g === 'serviceLabel')).toHaveLength(hostile.length + 1);
    expect(guardrails).toContain('knownService');
    expect(guardrails).toContain('operationLabel');
    for (const e of events) {
      expect(e.reason).not.toMatch(/[\u0000-\u001f]/);
    }
  });

  it('ignores alerts no policy matches, storing nothing', async () => {
    const r = await postAlerts(
      c.url,
      alertGroup([
        alert({ labels: { alertname: 'DiskFull', service: 'payments' } }),
        alert({ labels: page('payments', { severity: 'info' }) }),
      ])
    );
    expect(r.body.outcomes).toEqual({ unmatched: 2 });
    expect(await overrides()).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it('holds the cooldown per service between different alerts', async () => {
    await postAlerts(c.url, alertGroup([alert({ labels: page('payments') })]));
    const r = await postAlerts(c.url, alertGroup([alert({ labels: page('payments', { region: 'eu' }) })]));
    expect(r.body.outcomes).toEqual({ denied: 1 });
    expect((await audit())[0].details).toMatchObject({ guardrail: 'serviceCooldownSeconds', limit: 600 });
  });

  it('bounds a storm of 1,000 alerts by the automatic-spike limits, audits every refusal, and takes its resolutions', async () => {
    const storm = stormServices.map((service) => alert({ labels: page(service) }));
    const payload = alertGroup(storm);
    const r = await postAlerts(c.url, payload);
    expect(r.status).toBe(200);
    // maxServicesSpiked (3) bites before maxSpikesPerHour (4).
    expect(r.body.outcomes).toEqual({ created: 3, denied: STORM - 3 });
    const active = (await call(c.url, 'GET', '/api/v1/overrides')).body.overrides;
    expect(active.map((o: { service: string }) => o.service).sort()).toEqual(['svc-0', 'svc-1', 'svc-2']);
    const events = (await call(c.url, 'GET', '/api/v1/audit?limit=500')).body.events;
    expect(
      events.filter((e: { details: { guardrail?: string } }) => e.details.guardrail === 'maxServicesSpiked')
    ).toHaveLength(500);
    expect((await postAlerts(c.url, payload)).body.outcomes).toEqual({ duplicate: STORM });

    const resolved = alertGroup(storm.map((a) => ({ ...a, status: 'resolved' as const })));
    expect((await postAlerts(c.url, resolved)).body.outcomes).toEqual({ ended: 3, resolved: STORM - 3 });
    expect((await call(c.url, 'GET', '/api/v1/overrides')).body.overrides).toEqual([]);
  }, 60_000);

  it('keeps the last good policies when the file turns bad, says why on /readyz, and takes a good file again', async () => {
    writeFileSync(policyFile, 'policies:\n  - name: broken\n    samplingRate: 7\n');
    await waitFor(async () => (await call(c.url, 'GET', '/readyz', { token: null })).body.status === 'degraded');
    const ready = (await call(c.url, 'GET', '/readyz', { token: null })).body;
    expect(ready.checks.alertPolicies.error).toMatch(/serving the alert policies loaded at/);
    expect((await postAlerts(c.url, alertGroup([alert({ labels: page('payments') })]))).body.outcomes).toEqual({
      created: 1,
    });

    writeFileSync(policyFile, POLICIES.replace('samplingRate: 0.5', 'samplingRate: 0.75'));
    await waitFor(async () => (await call(c.url, 'GET', '/readyz', { token: null })).body.status === 'ready');
    await postAlerts(c.url, alertGroup([alert({ labels: page('checkout') })]));
    expect((await rate('checkout')).probabilisticSampling.samplingRate).toBe(0.75);
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error('condition not met within 10 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

(postgresUrl || postgresRequired ? describe : describe.skip)(
  'two controllers on one PostgreSQL and the webhook',
  () => {
    let db: FreshDatabase;
    let replicas: TestController[];

    beforeEach(async () => {
      db = await freshPostgresDatabase();
      const dir = tempDir();
      const env = {
        DATABASE_URL: db.url,
        STRATEGIES_FILE: writeJson(dir, 's.json', STRATEGIES),
        ALERTMANAGER_TOKEN,
        ALERT_POLICY_FILE: writeJson(dir, 'policies.yaml', POLICIES),
      };
      replicas = [await startController(env), await startController(env)];
    });
    afterEach(async () => {
      await Promise.all(replicas.map((r) => r.stop()));
      await db.drop();
    });

    it('never double-apply an alert delivered to both at once (as two Alertmanagers in a cluster do)', async () => {
      const storm = stormServices.slice(0, 50).map((service) => alert({ labels: page(service) }));
      const group = alertGroup([alert({ labels: page('payments') }), ...storm]);
      const results = await Promise.all([...replicas, ...replicas].map((r) => postAlerts(r.url, group)));
      const created = results.reduce((n, r) => n + (r.body.outcomes.created ?? 0), 0);
      expect(created).toBe(3);
      const [a] = replicas;
      expect((await call(a!.url, 'GET', '/api/v1/overrides')).body.overrides).toHaveLength(3);
      const events = (await call(a!.url, 'GET', '/api/v1/audit?limit=500')).body.events;
      expect(events.filter((e: { type: string }) => e.type === 'created')).toHaveLength(3);
      // One decision per alert: the other deliveries were duplicates, not second denials.
      expect(events.filter((e: { type: string }) => e.type === 'denied')).toHaveLength(group.alerts.length - 3);
      const resolved = alertGroup(group.alerts.map((x) => ({ ...x, status: 'resolved' as const })));
      const ends = await Promise.all(replicas.map((r) => postAlerts(r.url, resolved)));
      expect(ends.reduce((n, r) => n + (r.body.outcomes.ended ?? 0), 0)).toBe(3);
    }, 60_000);
  }
);
