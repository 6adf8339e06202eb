/**
 * The parts of Grafana the controller calls, simulated for tests (nothing else is):
 * - `GET /api/signing-keys/keys`: a JWKS with one ES256 key, generated here with jose;
 * - `GET /api/teams/search?name=` and `GET /api/teams/:id/members`: team look-ups, answering only to the
 *   service-account token, in the JSON shapes Grafana returns (SearchTeamQueryResult, TeamMemberDTO[]);
 * - `GET /api/plugins/seed-tracingops-app/settings`: the app's settings (PluginSetting DTO) with `jsonData.ownership`,
 *   answering only to the service-account token; `PUT /test/ownership` replaces the table (test-only);
 * - `POST /test/sign`: signs an ID token like Grafana's idimpl (ES256, kid, typ jwt, iss = root URL with a slash,
 *   aud org:<id>, sub user:<id>, 10 minutes) with the claims in the body; test-only, not a Grafana endpoint.
 * Plain ESM run with `node`, because jose 6 is ESM-only and Jest here loads CommonJS.
 * Usage: node fake-grafana.mjs '{"serviceAccountToken":"…","teams":{"payments":["alice"]},"ownership":[…]}'
 * Prints one line `LISTENING <port>` when ready.
 */
import { createServer } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

const options = JSON.parse(process.argv[2] ?? '{}');
const teams = Object.entries(options.teams ?? {}).map(([name, logins], i) => ({
  id: i + 1,
  uid: `team-${i + 1}`,
  name,
  logins,
}));
const kid = 'test-id-key-1';
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'ES256' };
let teamRequests = 0;
let settingsRequests = 0;
let ownership = options.ownership ?? [];

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) {
    chunks.push(c);
  }
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const issuer = `http://127.0.0.1:${server.address().port}/`;
  if (url.pathname === '/api/signing-keys/keys') {
    return send(res, 200, { keys: [jwk] });
  }
  if (url.pathname === '/test/sign' && req.method === 'POST') {
    const {
      userId = 1,
      orgId = 1,
      login,
      role,
      email,
      expiresInSeconds = 600,
      issuer: iss = issuer,
      type = 'user',
    } = await readBody(req);
    const token = await new SignJWT({
      namespace: 'default',
      identifier: String(userId),
      type,
      ...(login ? { username: login, name: login } : {}),
      ...(email ? { email } : {}),
      ...(role ? { role } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'jwt' })
      .setIssuer(iss)
      .setAudience(`org:${orgId}`)
      .setSubject(`${type}:${userId}`)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(privateKey);
    return send(res, 200, { token });
  }
  if (url.pathname === '/test/stats') {
    return send(res, 200, { teamRequests, settingsRequests });
  }
  if (url.pathname === '/test/ownership' && req.method === 'PUT') {
    ownership = await readBody(req);
    return send(res, 200, {});
  }
  if (url.pathname === '/api/plugins/seed-tracingops-app/settings') {
    settingsRequests += 1;
    if (req.headers.authorization !== `Bearer ${options.serviceAccountToken}`) {
      return send(res, 401, { message: 'Unauthorized' });
    }
    return send(res, 200, {
      name: 'Tracing Ops',
      type: 'app',
      id: 'seed-tracingops-app',
      enabled: true,
      pinned: true,
      jsonData: { controllerUrl: 'http://controller:8080', ownership },
      secureJsonFields: { controllerToken: true },
    });
  }
  if (url.pathname.startsWith('/api/teams')) {
    teamRequests += 1;
    if (req.headers.authorization !== `Bearer ${options.serviceAccountToken}`) {
      return send(res, 401, { message: 'Unauthorized' });
    }
    if (url.pathname === '/api/teams/search') {
      const name = url.searchParams.get('name');
      const found = teams.filter((t) => !name || t.name === name);
      return send(res, 200, {
        totalCount: found.length,
        teams: found.map((t) => ({
          id: t.id,
          uid: t.uid,
          orgId: 1,
          name: t.name,
          email: '',
          avatarUrl: '',
          memberCount: t.logins.length,
        })),
        page: 1,
        perPage: 10,
      });
    }
    const members = /^\/api\/teams\/(\d+)\/members$/.exec(url.pathname);
    const team = members && teams.find((t) => t.id === Number(members[1]));
    if (team) {
      return send(
        res,
        200,
        team.logins.map((login, i) => ({
          orgId: 1,
          teamId: team.id,
          teamUID: team.uid,
          userId: 100 + i,
          login,
          email: `${login}@example.com`,
          name: login,
          permission: 0,
        }))
      );
    }
  }
  send(res, 404, { message: 'Not found' });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
