/**
 * Sampling polls over real HTTP are answered before Fastify (`samplingFastPath`); a second server that hands
 * every request to Fastify's router (`app.routing`) reaches its `/sampling` route instead. Both must give the same
 * answer for every URL a sampler or a stranger may send.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Server, createServer } from 'node:http';
import { type TestController, startController, tempDir, writeJson } from './support/harness';

const URLS: Array<[string, number]> = [
  ['/sampling?service=checkout', 200],
  ['/api/sampling?service=checkout', 200],
  ['/sampling?service=payments&unrelated=1', 200],
  ['/sampling?service=unknown-service', 200],
  ['/sampling?service=team%2Fcheckout%40eu', 200],
  ['/sampling?service=checkout&service=payments', 400],
  ['/sampling?service=', 400],
  ['/sampling?service=bad%0Aname', 400],
  ['/sampling?service=check+out', 400],
  ['/sampling?service=checkout=1', 400],
  ['/sampling?Service=checkout', 400],
  ['/sampling', 400],
  ['/sampling?', 400],
  ['/samplingx?service=checkout', 404],
];

describe('sampling polls answered before Fastify', () => {
  let c: TestController;
  let fastifyOnly: Server;
  let fastifyUrl: string;
  beforeAll(async () => {
    const dir = tempDir();
    const strategies = writeJson(dir, 'strategies.json', {
      default_strategy: { type: 'probabilistic', param: 0.01 },
      service_strategies: [{ service: 'payments', type: 'probabilistic', param: 0.25 }],
    });
    c = await startController({ STRATEGIES_FILE: strategies }, { dir });
    fastifyOnly = createServer((req, res) => c.controller.app.routing(req, res));
    await new Promise<void>((resolve) => fastifyOnly.listen(0, '127.0.0.1', resolve));
    fastifyUrl = `http://127.0.0.1:${(fastifyOnly.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => fastifyOnly.close(resolve));
    await c.stop();
  });

  it.each(URLS)('answers GET %s over HTTP exactly as the Fastify route does (%d)', async (url, status) => {
    const answer = async (base: string) => {
      const res = await fetch(`${base}${url}`);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    };
    const fast = await answer(c.url);
    expect(fast).toEqual(await answer(fastifyUrl));
    expect(fast.status).toBe(status);
  });

  it('leaves HEAD and other methods to Fastify', async () => {
    const head = await fetch(`${c.url}/sampling?service=checkout`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${c.url}/sampling?service=checkout`, { method: 'POST' });
    expect(post.status).toBe(404);
  });
});
