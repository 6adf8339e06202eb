/**
 * Authorization over real HTTP: the matrix (no token, wrong token, Viewer, Editor of another team, Editor of the
 * owning team, Admin), identity from Grafana's headers and its signed ID token (verified against a JWKS served by
 * the simulated Grafana), team look-ups through Grafana's team API with caching, and denials in the audit log.
 */
import { MeSchema } from '../../src/contract';
import {
  ADMIN,
  type FakeGrafana,
  type GrafanaUser,
  type TestController,
  TOKEN,
  call,
  grafanaHeaders,
  spike,
  startController,
  startFakeGrafana,
  tempDir,
} from './support/harness';

const VIEWER: GrafanaUser = { login: 'victor', role: 'Viewer' };
const OTHER_EDITOR: GrafanaUser = { login: 'olga', role: 'Editor' };
const OWNER: GrafanaUser = { login: 'alice', role: 'Editor' };
const ORG_ADMIN: GrafanaUser = { login: 'oscar', role: 'Admin' };

let grafana: FakeGrafana;
let c: TestController;

// The app's settings hold the ownership table; the controller reads it from Grafana.
const OWNERSHIP = [
  { team: 'payments', services: ['payments-*', 'fraud'] },
  { team: 'search', services: ['search'] },
];

beforeAll(async () => {
  grafana = await startFakeGrafana({ payments: ['alice', 'victor'], search: ['olga'] }, OWNERSHIP);
});
afterAll(() => grafana.stop());

const env = () => ({
  GRAFANA_URL: grafana.url,
  GRAFANA_SA_TOKEN: grafana.serviceAccountToken,
  TEAM_CACHE_SECONDS: '60',
});

describe('authorization matrix', () => {
  beforeAll(async () => {
    c = await startController(env(), { dir: tempDir() });
  });
  afterAll(() => c.stop());

  const create = (o: { token?: string | null; as?: GrafanaUser }, service = 'payments-api') =>
    call(c.url, 'POST', '/api/v1/overrides', { ...o, body: spike(service) });

  it('refuses every admin request without the bearer token', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/overrides'],
      ['GET', '/api/v1/me'],
      ['POST', '/api/v1/overrides'],
    ] as const) {
      const res = await call(c.url, method, path, {
        token: null,
        as: ADMIN,
        body: method === 'POST' ? spike('payments-api') : undefined,
      });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/bearer token/) });
    }
  });

  it('refuses a wrong token, including one that shares a prefix or differs only in length', async () => {
    for (const token of ['wrong', `${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase()]) {
      expect((await create({ token, as: ADMIN })).status).toBe(401);
    }
  });

  it('lets a Viewer read but not write', async () => {
    expect((await call(c.url, 'GET', '/api/v1/overrides', { as: VIEWER })).status).toBe(200);
    const res = await create({ as: VIEWER });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/your Grafana role is Viewer; changing sampling needs Editor or higher/);
  });

  it('refuses an Editor whose teams do not own the service, naming the owners', async () => {
    const res = await create({ as: OTHER_EDITOR });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('service "payments-api" is owned by payments, not by your teams (search)');
    expect(res.body.error.details).toEqual({ owners: ['payments'], yourTeams: ['search'] });
  });

  it('lets an Editor of the owning team write, and its service globs match', async () => {
    expect((await create({ as: OWNER })).status).toBe(201);
    expect((await create({ as: OWNER }, 'fraud')).status).toBe(201);
    expect((await create({ as: OWNER }, 'search')).status).toBe(403);
  });

  it('lets an org Admin and a Grafana server admin write any service, owned or not', async () => {
    expect((await create({ as: ORG_ADMIN }, 'unowned-service')).status).toBe(201);
    expect((await create({ as: { login: 'sam', role: 'Viewer', isGrafanaAdmin: true } }, 'search')).status).toBe(201);
  });

  it('applies the same rules to revert and extend', async () => {
    const o = (await create({ as: OWNER }, 'payments-web')).body;
    const byOther = await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: OTHER_EDITOR, body: {} });
    expect(byOther.status).toBe(403);
    const extendByViewer = await call(c.url, 'POST', `/api/v1/overrides/${o.id}/extend`, {
      as: VIEWER,
      body: { durationSeconds: 60 },
    });
    expect(extendByViewer.status).toBe(403);
    expect((await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: OWNER, body: {} })).status).toBe(200);
  });

  it('audits every denial with who tried what', async () => {
    await create({ as: OTHER_EDITOR }, 'fraud');
    const events = (await call(c.url, 'GET', '/api/v1/audit?service=fraud')).body.events;
    expect(events[0]).toMatchObject({
      type: 'denied',
      actor: 'olga',
      service: 'fraud',
      details: { attempted: 'create', code: 'forbidden', message: expect.stringMatching(/owned by payments/) },
    });
  });

  it('refuses writes from a request with the token but no Grafana user', async () => {
    const res = await create({});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/no Grafana user on this request/);
  });

  it('refuses identity headers that contradict each other', async () => {
    const res = await call(c.url, 'POST', '/api/v1/overrides', {
      headers: { ...grafanaHeaders(OWNER), 'X-Grafana-User': 'mallory' },
      body: spike('payments-api'),
    });
    expect(res.status).toBe(401);
    const notJson = await call(c.url, 'GET', '/api/v1/me', { headers: { 'X-Grafana-Context': '{not json' } });
    expect(notJson.status).toBe(401);
  });

  it('explains in /me what each user may change', async () => {
    await call(c.url, 'GET', '/sampling?service=payments-api', { token: null });
    await call(c.url, 'GET', '/sampling?service=search', { token: null });
    const owner = MeSchema.parse((await call(c.url, 'GET', '/api/v1/me', { as: OWNER })).body);
    expect(owner).toMatchObject({ login: 'alice', role: 'Editor', teams: ['payments'] });
    expect(owner.write).toMatchObject({ allowed: true, allServices: false, servicePatterns: ['payments-*', 'fraud'] });
    expect(owner.write.services).toContain('payments-api');
    expect(owner.write.services).not.toContain('search');
    const viewer = MeSchema.parse((await call(c.url, 'GET', '/api/v1/me', { as: VIEWER })).body);
    expect(viewer.write).toMatchObject({ allowed: false, reason: expect.stringMatching(/Viewer/) });
  });
});

describe('team look-ups', () => {
  it('asks Grafana once per team and then answers from the cache', async () => {
    const ctl = await startController(env(), { dir: tempDir() });
    try {
      const before = await grafana.teamRequests();
      for (let i = 0; i < 5; i++) {
        await call(ctl.url, 'GET', '/api/v1/me', { as: OWNER });
      }
      // Two teams in the ownership map, two calls each (search + members), whatever the number of requests.
      expect((await grafana.teamRequests()) - before).toBe(4);
    } finally {
      await ctl.stop();
    }
  });

  it('fails writes closed with 503 when Grafana cannot be asked', async () => {
    const ctl = await startController({ ...env(), GRAFANA_URL: 'http://127.0.0.1:9' }, { dir: tempDir() });
    try {
      const res = await call(ctl.url, 'POST', '/api/v1/overrides', { as: OWNER, body: spike('payments-api') });
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/cannot check team ownership right now: cannot reach Grafana/);
    } finally {
      await ctl.stop();
    }
  });

  it('reports a service-account token Grafana refuses, with the permissions it needs', async () => {
    const ctl = await startController({ ...env(), GRAFANA_SA_TOKEN: 'glsa_revoked' }, { dir: tempDir() });
    try {
      const res = await call(ctl.url, 'POST', '/api/v1/overrides', { as: OWNER, body: spike('payments-api') });
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(
        /Grafana answered 401 to \/api\/plugins\/seed-tracingops-app\/settings .*needs plugins\.app:access/
      );
    } finally {
      await ctl.stop();
    }
  });

  it('refuses Editors when no service-account token is configured, and says why', async () => {
    const ctl = await startController({}, { dir: tempDir() });
    try {
      const res = await call(ctl.url, 'POST', '/api/v1/overrides', { as: OWNER, body: spike('payments-api') });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/no Grafana service-account token \(GRAFANA_URL, GRAFANA_SA_TOKEN\)/);
    } finally {
      await ctl.stop();
    }
  });
});

describe("ownership from the app's settings", () => {
  const searchMovedToPayments = [{ team: 'payments', services: ['payments-*', 'fraud', 'search'] }];

  /** A Grafana whose app settings hold `rows`, and a controller that rereads them on every request unless told. */
  async function withTable(
    rows: unknown[],
    test: (ctl: TestController, table: FakeGrafana) => Promise<void>,
    cacheSeconds = '0'
  ) {
    const table = await startFakeGrafana({ payments: ['alice'] }, rows as typeof OWNERSHIP);
    const ctl = await startController(
      { GRAFANA_URL: table.url, GRAFANA_SA_TOKEN: table.serviceAccountToken, TEAM_CACHE_SECONDS: cacheSeconds },
      { dir: tempDir() }
    );
    try {
      await test(ctl, table);
    } finally {
      await ctl.stop();
      await table.stop();
    }
  }

  const write = (ctl: TestController, service: string, as = OWNER) =>
    call(ctl.url, 'POST', '/api/v1/overrides', { as, body: spike(service) });

  it('follows the table an admin saves in the app, after the cache period', () =>
    withTable(OWNERSHIP, async (ctl, table) => {
      expect((await write(ctl, 'search')).status).toBe(403);
      await table.setOwnership(searchMovedToPayments);
      expect((await write(ctl, 'search')).status).toBe(201);
    }));

  it('reads the table once per cache period, however many requests', () =>
    withTable(
      OWNERSHIP,
      async (ctl, table) => {
        const before = await table.settingsRequests();
        for (let i = 0; i < 5; i++) {
          await call(ctl.url, 'GET', '/api/v1/me', { as: OWNER });
        }
        expect((await table.settingsRequests()) - before).toBe(1);
      },
      '60'
    ));

  it('keeps the last good table when the stored one turns invalid', () =>
    withTable(OWNERSHIP, async (ctl, table) => {
      const me = await call(ctl.url, 'GET', '/api/v1/me', { as: OWNER });
      expect(me.body.write.servicePatterns).toEqual(['payments-*', 'fraud']);
      await table.setOwnership([{ team: 'payments', services: ['pay ments'] }]);
      expect((await write(ctl, 'payments-api')).status).toBe(201);
    }));

  it('fails writes closed, naming the bad row, when the stored table was never valid', () =>
    withTable([{ team: 'payments', services: ['a"} or {'] }], async (ctl) => {
      const res = await write(ctl, 'payments-api');
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/ownership table in the app's settings is invalid \(row 0: .*glob/);
      expect((await write(ctl, 'payments-api', ADMIN)).status).toBe(201);
    }));
});

describe('Grafana ID token (X-Grafana-Id)', () => {
  let ctl: TestController;
  beforeAll(async () => {
    ctl = await startController(env(), { dir: tempDir() });
  });
  afterAll(() => ctl.stop());

  const withToken = (token: string, extra: Record<string, string> = {}) => ({
    headers: { 'X-Grafana-Id': token, ...extra },
  });

  it('takes the identity from a valid signed token, preferring it over the other headers', async () => {
    const token = await grafana.sign({ login: 'alice', role: 'Editor', userId: 42 });
    const me = MeSchema.parse((await call(ctl.url, 'GET', '/api/v1/me', withToken(token, grafanaHeaders(OWNER)))).body);
    expect(me).toMatchObject({
      login: 'alice',
      userId: 42,
      role: 'Editor',
      identitySource: 'id-token',
      teams: ['payments'],
    });
    const res = await call(ctl.url, 'POST', '/api/v1/overrides', { ...withToken(token), body: spike('payments-api') });
    expect(res.status).toBe(201);
    expect(res.body.createdBy).toBe('alice');
  });

  it('takes the Grafana-admin flag from X-Grafana-Context only when it names the same user', async () => {
    const token = await grafana.sign({ login: 'sam', role: 'Viewer' });
    const admin = { login: 'sam', role: 'Viewer' as const, isGrafanaAdmin: true };
    const me = (
      await call(
        ctl.url,
        'GET',
        '/api/v1/me',
        withToken(token, { 'X-Grafana-Context': grafanaHeaders(admin)['X-Grafana-Context'] as string })
      )
    ).body;
    expect(me).toMatchObject({ login: 'sam', isGrafanaAdmin: true, write: { allServices: true } });
    const other = await call(
      ctl.url,
      'GET',
      '/api/v1/me',
      withToken(token, { 'X-Grafana-Context': grafanaHeaders(ADMIN)['X-Grafana-Context'] as string })
    );
    expect(other.status).toBe(401);
    expect(other.body.error.message).toMatch(/X-Grafana-Id and X-Grafana-Context name different users/);
  });

  it('rejects a tampered token', async () => {
    const token = await grafana.sign({ login: 'victor', role: 'Viewer' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'Admin' })).toString('base64url')}.${s}`;
    const res = await call(ctl.url, 'POST', '/api/v1/overrides', { ...withToken(forged), body: spike('payments-api') });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/signature does not verify/);
  });

  it.each([
    ['an expired token', { login: 'alice', role: 'Editor', expiresInSeconds: -120 }, /has expired/],
    [
      'a token from another Grafana',
      { login: 'alice', role: 'Editor', issuer: 'https://elsewhere.example/' },
      /issuer/,
    ],
    ['a token for another org', { login: 'alice', role: 'Editor', orgId: 2 }, /audience .*org:1/],
  ])('rejects %s', async (_name, claims, message) => {
    const res = await call(ctl.url, 'GET', '/api/v1/me', withToken(await grafana.sign(claims)));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(message);
  });

  it('rejects an unsigned token (alg none) and garbage', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"username":"alice"}').toString('base64url')}.`;
    expect((await call(ctl.url, 'GET', '/api/v1/me', withToken(none))).body.error.message).toMatch(
      /algorithm none is not accepted/
    );
    expect((await call(ctl.url, 'GET', '/api/v1/me', withToken('garbage'))).status).toBe(401);
  });

  it('does not let a service-account token write', async () => {
    const token = await grafana.sign({ type: 'service-account', userId: 9, role: 'Admin' });
    const res = await call(ctl.url, 'POST', '/api/v1/overrides', { ...withToken(token), body: spike('payments-api') });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/ID token is for a service-account, not a user/);
  });

  it('with GRAFANA_REQUIRE_ID_TOKEN, refuses writes that carry only the unsigned headers', async () => {
    const strict = await startController({ ...env(), GRAFANA_REQUIRE_ID_TOKEN: 'true' }, { dir: tempDir() });
    try {
      const res = await call(strict.url, 'POST', '/api/v1/overrides', { as: ORG_ADMIN, body: spike('payments-api') });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/requires Grafana's signed ID token/);
      const token = await grafana.sign({ login: 'oscar', role: 'Admin' });
      expect(
        (await call(strict.url, 'POST', '/api/v1/overrides', { ...withToken(token), body: spike('payments-api') }))
          .status
      ).toBe(201);
    } finally {
      await strict.stop();
    }
  });
});
