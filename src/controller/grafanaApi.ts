/**
 * Read-only calls to Grafana's HTTP API with the controller's service-account token: team memberships and the app's
 * settings (the ownership table). Failures become a `GrafanaLookupError` that names what was asked and, for a refused
 * token, the permission the service account lacks.
 */

export class GrafanaLookupError extends Error {
  override readonly name = 'GrafanaLookupError';
}

export interface GrafanaApiConfig {
  url: string;
  serviceAccountToken: string;
}

export class GrafanaApi {
  constructor(
    private readonly config: GrafanaApiConfig,
    private readonly fetchImpl: typeof fetch = fetch
  ) {}

  /** `what` says what the call is for ("look up teams"); `permissions` what a refused token needs. */
  async get<T>(path: string, what: string, permissions: string): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.config.url}${path}`, {
        headers: { Authorization: `Bearer ${this.config.serviceAccountToken}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(5000),
      });
    } catch (err) {
      throw new GrafanaLookupError(`cannot reach Grafana at ${this.config.url} to ${what}: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const hint = res.status === 401 || res.status === 403 ? ` (the service account needs ${permissions})` : '';
      throw new GrafanaLookupError(`Grafana answered ${res.status} to ${path.split('?')[0]}${hint}`);
    }
    return (await res.json()) as T;
  }
}
