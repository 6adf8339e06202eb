/**
 * The fields of Grafana's plugin.json schema (`docs/sources/developers/plugins/plugin.schema.json` in
 * grafana/grafana) that Tracing Ops uses, with the same patterns and enums, plus the plugin RBAC fields
 * (`roles`, `includes[].action`, `routes[].reqAction`, Grafana ≥ 11.6). Objects are strict, as the schema's
 * `additionalProperties: false` is: a misspelt key is an error here, not a silently ignored setting in Grafana.
 */
import { z } from 'zod';

const PLUGIN_ID = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource|secretsmanager|transformer)$/;
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)|(%VERSION%)$/;
const UPDATED = /^(\d{4}-\d{2}-\d{2}|%TODAY%)$/;
const GRAFANA_DEPENDENCY =
  /^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x*]+)(\.[0-9x*]+)?(\s(<=|>=|<|=>)?([0-9]+)(\.[0-9x]+)(\.[0-9x]+))?$/;
const BASIC_ROLE = z.enum(['Viewer', 'Editor', 'Admin']);

const info = z.strictObject({
  author: z.strictObject({ name: z.string(), email: z.email().optional(), url: z.url().optional() }).optional(),
  description: z.string().optional(),
  keywords: z.array(z.string()).min(1),
  links: z.array(z.strictObject({ name: z.string(), url: z.url() })).optional(),
  logos: z.strictObject({ small: z.string().min(1), large: z.string().min(1) }),
  screenshots: z.array(z.strictObject({ name: z.string(), path: z.string() })).optional(),
  updated: z.string().regex(UPDATED),
  version: z.string().regex(VERSION),
});

const include = z.strictObject({
  uid: z.string().optional(),
  type: z.enum(['dashboard', 'page', 'panel', 'datasource', 'secretsmanager']),
  name: z.string().min(1),
  role: BASIC_ROLE.optional(),
  action: z.string().optional(),
  path: z.string().optional(),
  addToNav: z.boolean().optional(),
  defaultNav: z.boolean().optional(),
  icon: z.string().optional(),
});

const route = z.strictObject({
  path: z.string().min(1),
  method: z.string().optional(),
  url: z.string().min(1),
  reqSignedIn: z.boolean().optional(),
  reqRole: z.string().optional(),
  reqAction: z.string().optional(),
  headers: z.array(z.strictObject({ name: z.string().min(1), content: z.string() })).optional(),
});

const role = z.strictObject({
  role: z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    permissions: z.array(z.strictObject({ action: z.string().min(1), scope: z.string().optional() })).min(1),
  }),
  grants: z.array(z.enum(['Viewer', 'Editor', 'Admin', 'Grafana Admin'])),
});

export const pluginJsonSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(PLUGIN_ID, 'plugin id must look like <org>-<name>-<type>, lower-case letters and digits'),
  type: z.enum(['app', 'datasource', 'panel', 'renderer', 'secretsmanager', 'transformer']),
  name: z.string().min(1),
  info,
  dependencies: z.strictObject({
    grafanaDependency: z.string().regex(GRAFANA_DEPENDENCY),
    plugins: z
      .array(
        z.object({
          id: z.string().regex(PLUGIN_ID),
          type: z.enum(['app', 'datasource', 'panel', 'secretsmanager']),
          name: z.string(),
          version: z.string(),
        })
      )
      .optional(),
  }),
  includes: z.array(include).optional(),
  routes: z.array(route).optional(),
  roles: z.array(role).optional(),
  autoEnabled: z.boolean().optional(),
  preload: z.boolean().optional(),
  skipDataQuery: z.boolean().optional(),
});

export type PluginJson = z.infer<typeof pluginJsonSchema>;

/**
 * Rules Grafana applies on top of the schema when it loads an app, and that we rely on: one default page, pages
 * under the app's own URL, every RBAC action we declare or require namespaced by the plugin id and declared by a role.
 */
export function appManifestProblems(manifest: PluginJson): string[] {
  const problems: string[] = [];
  const pages = (manifest.includes ?? []).filter((item) => item.type === 'page');
  const defaults = pages.filter((page) => page.defaultNav);
  if (defaults.length !== 1) {
    problems.push(`exactly one page must be the default nav, found ${defaults.length}`);
  }
  for (const page of pages) {
    const ownPage = page.path?.startsWith(`/a/${manifest.id}/`) || page.path === `/plugins/${manifest.id}`;
    if (!ownPage) {
      problems.push(`page "${page.name}" has path ${page.path ?? '(none)'}, outside /a/${manifest.id}/`);
    }
  }
  const declared = new Set((manifest.roles ?? []).flatMap((r) => r.role.permissions.map((p) => p.action)));
  for (const action of declared) {
    if (!action.startsWith(`${manifest.id}.`) && !action.startsWith(`${manifest.id}:`)) {
      problems.push(`role action ${action} is not prefixed with the plugin id`);
    }
  }
  for (const r of manifest.routes ?? []) {
    if (r.reqAction && r.reqAction.startsWith(`${manifest.id}.`) && !declared.has(r.reqAction)) {
      problems.push(`route ${r.method ?? '*'} ${r.path} requires ${r.reqAction}, which no role grants`);
    }
    if (!r.reqAction && !r.reqRole) {
      problems.push(`route ${r.method ?? '*'} ${r.path} is not protected by reqAction or reqRole`);
    }
  }
  return problems;
}
