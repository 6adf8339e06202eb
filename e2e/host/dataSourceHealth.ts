/**
 * Grafana's data source health check, `GET /api/datasources/uid/:uid/health`, for the data source types the host
 * serves with a backend check Grafana runs itself: what Settings → "Test connection" asks. Grafana calls the data
 * source plugin's `CheckHealth` and answers `{ status, message }` — 200 when the status is `OK`, 400 otherwise
 * (`checkDatasourceHealth` in `pkg/api/datasources.go`). The checks and messages are the plugins' own:
 * Jaeger asks `/api/services` (`pkg/tsdb/jaeger/jaeger.go`), Prometheus runs the instant query `1+1`
 * (`pkg/promlib/healthcheck.go`).
 */
export interface HealthAnswer {
  httpStatus: 200 | 400 | 404;
  body: { status?: 'OK' | 'ERROR'; message: string };
}

const PROMETHEUS_OK = 'Successfully queried the Prometheus API.';
const PROMETHEUS_FAILED = 'There was an error returned querying the Prometheus API.';

const ok = (message: string): HealthAnswer => ({ httpStatus: 200, body: { status: 'OK', message } });
const failed = (message: string): HealthAnswer => ({ httpStatus: 400, body: { status: 'ERROR', message } });

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: await response.json() };
}

async function jaegerHealth(base: string): Promise<HealthAnswer> {
  try {
    // As Grafana's Jaeger client: any JSON answer passes (it reads `data` and ignores the status).
    await getJson(`${base}/api/services`);
    return ok('Data source is working');
  } catch (error) {
    return failed(`Get "${base}/api/services": ${(error as Error).message}`);
  }
}

async function prometheusHealth(base: string): Promise<HealthAnswer> {
  try {
    const { status, body } = await getJson(`${base}/api/v1/query?query=${encodeURIComponent('1+1')}&time=4`);
    const answer = body as { status?: string; error?: string };
    return status === 200 && answer.status === 'success'
      ? ok(PROMETHEUS_OK)
      : failed(`${answer.error ?? `HTTP ${status}`} - ${PROMETHEUS_FAILED}`);
  } catch (error) {
    return failed(`${(error as Error).message} - ${PROMETHEUS_FAILED}`);
  }
}

/** The health answer for a data source of `type` at `url` (trailing slash ignored). */
export async function dataSourceHealth(type: string, url: string): Promise<HealthAnswer> {
  const base = url.replace(/\/$/, '');
  if (type === 'jaeger') {
    return jaegerHealth(base);
  }
  if (type === 'prometheus') {
    return prometheusHealth(base);
  }
  return { httpStatus: 404, body: { message: `The preview host does not emulate the health check of ${type}` } };
}
