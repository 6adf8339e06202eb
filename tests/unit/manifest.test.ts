import fs from 'node:fs';
import path from 'node:path';

import { appManifestProblems, pluginJsonSchema } from '../manifest/pluginJsonSchema';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'plugin.json'), 'utf8'));

describe('plugin.json', () => {
  it('matches the fields of Grafana plugin.json schema that we use', () => {
    expect(pluginJsonSchema.safeParse(manifest).error?.issues).toBeUndefined();
  });

  it('declares the Tracing Ops app for Grafana 13.2 and later', () => {
    expect(manifest).toMatchObject({ id: 'seed-tracingops-app', name: 'Tracing Ops', type: 'app' });
    expect(manifest.dependencies.grafanaDependency).toBe('>=13.2.0');
  });

  it('declares the Incident page as default, the Trace page and the settings page', () => {
    const pages = manifest.includes.filter((i: { type: string }) => i.type === 'page');
    expect(pages.map((p: { name: string; path: string }) => [p.name, p.path])).toEqual([
      ['Incident', '/a/seed-tracingops-app/incident'],
      ['Trace', '/a/seed-tracingops-app/trace'],
      ['Settings', '/plugins/seed-tracingops-app'],
    ]);
    expect(appManifestProblems(manifest)).toEqual([]);
  });

  it('protects controller reads and writes with their own RBAC actions and injects the token server-side', () => {
    const routes = manifest.routes as Array<{ method: string; reqAction: string; headers: Array<{ content: string }> }>;
    expect(routes.find((r) => r.method === 'GET')?.reqAction).toBe('seed-tracingops-app.sampling:read');
    expect(routes.find((r) => r.method === 'POST')?.reqAction).toBe('seed-tracingops-app.sampling:write');
    for (const r of routes) {
      expect(r.headers).toContainEqual({
        name: 'Authorization',
        content: 'Bearer {{ .SecureJsonData.controllerToken }}',
      });
    }
  });

  it.each([
    ['an id with upper-case letters', { id: 'Seed-TracingOps-app' }],
    ['an id without a type suffix', { id: 'seed-tracingops' }],
    ['an unknown plugin type', { type: 'application' }],
    ['a malformed Grafana dependency', { dependencies: { grafanaDependency: 'thirteen' } }],
    ['a misspelt top-level key', { incldues: [] }],
    ['no keywords', { info: { ...manifest.info, keywords: [] } }],
  ])('rejects %s', (_label, change) => {
    expect(pluginJsonSchema.safeParse({ ...manifest, ...change }).success).toBe(false);
  });

  it('reports a write route whose action no role grants, and an unprotected route', () => {
    const broken = {
      ...manifest,
      routes: [
        { path: 'x', method: 'POST', url: 'http://x', reqAction: 'seed-tracingops-app.sampling:admin' },
        { path: 'y', method: 'GET', url: 'http://y' },
      ],
    };
    expect(appManifestProblems(pluginJsonSchema.parse(broken))).toEqual([
      'route POST x requires seed-tracingops-app.sampling:admin, which no role grants',
      'route GET y is not protected by reqAction or reqRole',
    ]);
  });

  it('reports two default pages', () => {
    const includes = manifest.includes.map((i: object) => ({ ...i, defaultNav: true }));
    expect(appManifestProblems(pluginJsonSchema.parse({ ...manifest, includes }))).toContain(
      'exactly one page must be the default nav, found 3'
    );
  });
});
