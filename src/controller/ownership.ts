/**
 * The ownership table the controller authorises writes with: the Tracing Ops app's own settings, read from Grafana
 * (`GET /api/plugins/<app>/settings`, `jsonData.ownership`) with the service-account token, so the table a responder
 * sees on the incident page and the one the controller enforces are the same (docs/decisions.md, "Ownership").
 * Cached for `cacheSeconds`; when Grafana fails or the stored table is invalid the last good table is kept, and
 * before any table was read the lookup fails, so writes fail closed.
 */
import { Ownership, OwnershipTableSchema } from '../contract';
import type { Clock } from './clock';
import { type GrafanaApi, GrafanaLookupError } from './grafanaApi';

const APP_PLUGIN_ID = 'seed-tracingops-app';

export interface OwnershipSource {
  current(): Promise<Ownership>;
}

interface PluginSettingsResponse {
  enabled?: boolean;
  jsonData?: { ownership?: unknown } | null;
}

export class GrafanaOwnership implements OwnershipSource {
  private cached?: { ownership: Ownership; fetchedAt: number };
  private pending?: Promise<Ownership>;

  constructor(
    private readonly grafana: GrafanaApi,
    private readonly cacheSeconds: number,
    private readonly clock: Clock,
    private readonly onProblem: (message: string) => void = () => {}
  ) {}

  current(): Promise<Ownership> {
    if (this.cached && this.clock.now() - this.cached.fetchedAt < this.cacheSeconds * 1000) {
      return Promise.resolve(this.cached.ownership);
    }
    // Concurrent writes after expiry share one request to Grafana.
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async refresh(): Promise<Ownership> {
    try {
      const settings = await this.grafana.get<PluginSettingsResponse>(
        `/api/plugins/${APP_PLUGIN_ID}/settings`,
        "read the Tracing Ops app's ownership table",
        `plugins.app:access on ${APP_PLUGIN_ID} (the Viewer role has it)`
      );
      const parsed = OwnershipTableSchema.safeParse(settings.jsonData?.ownership ?? []);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new GrafanaLookupError(
          `the ownership table in the app's settings is invalid (row ${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}); fix it on the app's settings page`
        );
      }
      this.cached = { ownership: new Ownership(parsed.data), fetchedAt: this.clock.now() };
      return this.cached.ownership;
    } catch (err) {
      if (!(err instanceof GrafanaLookupError) || !this.cached) {
        throw err;
      }
      this.onProblem(`${err.message}; keeping the ownership table read before`);
      // Asking again only after another cache period keeps a Grafana outage from costing a request per write.
      this.cached = { ...this.cached, fetchedAt: this.clock.now() };
      return this.cached.ownership;
    }
  }
}

/** No Grafana configured: nobody but Admins may write, so no team owns anything. */
export const NO_OWNERSHIP: OwnershipSource = { current: async () => new Ownership([]) };
