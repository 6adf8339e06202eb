/**
 * A responder's write does not queue behind automation: while one replica writes a 10,000-alert group from
 * Alertmanager, a person's `POST /overrides` on the other replica (on SQLite: the same one) commits between the
 * group's batches, and the automatic-spike limits still hold exactly. Asserts the order of the commits (the audit
 * log's ids); prints how long the person waited, for docs/benchmarks.md, and asserts no duration.
 */
import { join } from 'node:path';
import { ALERTMANAGER_TOKEN, alert, alertGroup, postAlerts } from './support/alertmanager';
import { ADMIN, call, spawnController, spike, startController, tempDir, writeJson } from './support/harness';
import { type FreshDatabase, freshPostgresDatabase, postgresRequired, postgresUrl } from './support/postgres';

const GROUP = 10_000;
const services = Array.from({ length: GROUP }, (_, i) => `svc-${i}`);
const LIMITS = { maxSpikesPerHour: 10, serviceCooldownSeconds: 600, maxServicesSpiked: 5 };
const POLICIES = `
limits: ${JSON.stringify(LIMITS)}
policies:
  - name: error-rate
    match: { alertname: HighErrorRate }
    serviceLabel: service
    samplingRate: 0.5
    durationSeconds: 900
`;

interface Replicas {
  /** Receives the webhook. */
  webhook: string;
  /** Receives the person's writes. */
  person: string;
  stop(): Promise<void>;
}

const setups: Array<[string, (env: Record<string, string>) => Promise<Replicas>]> = [
  [
    'one controller on SQLite',
    async (env) => {
      const c = await startController(env);
      return { webhook: c.url, person: c.url, stop: () => c.stop() };
    },
  ],
];
if (postgresUrl || postgresRequired) {
  setups.push([
    'two controllers on one PostgreSQL, the webhook in its own process',
    async (env) => {
      const db: FreshDatabase = await freshPostgresDatabase();
      const withDb = { ...env, DATABASE_URL: db.url };
      const webhook = await spawnController(withDb);
      const person = await startController(withDb);
      return {
        webhook: webhook.url,
        person: person.url,
        stop: async () => {
          await Promise.all([webhook.stop(), person.stop()]);
          await db.drop();
        },
      };
    },
  ]);
}

describe.each(setups)('a person writing during a 10,000-alert group: %s', (name, setup) => {
  let replicas: Replicas;

  beforeAll(async () => {
    const dir = tempDir();
    replicas = await setup({
      STRATEGIES_FILE: writeJson(dir, 's.json', {
        service_strategies: services.map((service) => ({ service, type: 'probabilistic', param: 0.05 })),
      }),
      ALERTMANAGER_TOKEN,
      ALERT_POLICY_FILE: writeJson(dir, 'policies.yaml', POLICIES),
      SQLITE_PATH: join(dir, 'controller.db'),
      // Room for the person's writes beside the group's spikes.
      MAX_ACTIVE_OVERRIDES: '1000',
    });
  }, 60_000);
  afterAll(() => replicas?.stop());

  const write = async (service: string) => {
    const startedAt = performance.now();
    const r = await call(replicas.person, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike(service) });
    expect(r.status).toBe(201);
    return { ms: performance.now() - startedAt, id: r.body.id as string };
  };
  const newestEvent = async () => (await call(replicas.person, 'GET', '/api/v1/audit?limit=1')).body.events[0];

  it("commits the person's writes between the group's batches, and bounds the group exactly", async () => {
    const idle = await write('person-idle');
    const group = alertGroup(services.map((service) => alert({ labels: { alertname: 'HighErrorRate', service } })));
    const body = JSON.stringify(group);

    const groupStartedAt = performance.now();
    let groupMs = 0;
    const delivered = postAlerts(replicas.webhook, group).then((r) => {
      groupMs = performance.now() - groupStartedAt;
      return r;
    });
    // Wait until the group's first batch committed, then write as a person until the group is done.
    while ((await newestEvent())?.actor !== 'alertmanager') {
      await new Promise((r) => setTimeout(r, 5));
    }
    const during: Array<{ ms: number; id: string }> = [];
    let done = false;
    void delivered.finally(() => (done = true));
    // Up to 300 writes, one every 50 ms or so, within MAX_ACTIVE_OVERRIDES however slow the machine.
    while (!done && during.length < 300) {
      during.push(await write(`person-${during.length}`));
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await delivered;

    expect(r.status).toBe(200);
    expect(r.body.outcomes).toEqual({ created: LIMITS.maxServicesSpiked, denied: GROUP - LIMITS.maxServicesSpiked });
    const active = (await call(replicas.person, 'GET', '/api/v1/overrides')).body.overrides;
    expect(active.filter((o: { createdBy: string }) => o.createdBy === 'alertmanager')).toHaveLength(
      LIMITS.maxServicesSpiked
    );
    // The group's last batch committed after the person's first write: the person did not wait for the group.
    const [personFirst] = (await call(replicas.person, 'GET', '/api/v1/audit?service=person-0')).body.events;
    expect(personFirst).toMatchObject({ type: 'created', overrideId: during[0]?.id });
    const [groupLast] = (await call(replicas.person, 'GET', `/api/v1/audit?service=${services[GROUP - 1]}`)).body
      .events;
    expect(groupLast).toMatchObject({ type: 'denied', actor: 'alertmanager' });
    expect(personFirst.id).toBeLessThan(groupLast.id);

    const sorted = during.map((d) => d.ms).sort((a, b) => a - b);
    const figures = {
      setup: name,
      groupBytes: body.length,
      groupMs: Math.round(groupMs),
      personIdleMs: Math.round(idle.ms),
      personWritesDuringGroup: during.length,
      personMedianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      personMaxMs: Math.round(sorted[sorted.length - 1] ?? 0),
    };
    process.stdout.write(`person's write during an alert group: ${JSON.stringify(figures)}\n`);
  }, 180_000);
});
