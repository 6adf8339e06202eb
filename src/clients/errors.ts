/**
 * The one error type the data clients throw. It names the data source, the URL and the HTTP
 * status, carries the server's own message, and says what the user can do; the UI shows
 * `message`, logs can use the fields.
 */

/** What answered: one of the data sources, or the sampling controller behind the app's proxy route. */
export type DataSourceKind = 'Tempo' | 'Jaeger' | 'Prometheus' | 'Loki' | 'Sampling controller';

export type DataSourceErrorKind =
  /** The data source answered with a non-2xx status. */
  | 'http'
  /** No complete answer within the timeout. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** The answer was larger than the configured limit; reading stopped there. */
  | 'too-large'
  /** The transport failed: refused connection, DNS, TLS, CORS. */
  | 'network'
  /** 2xx, but not the JSON this API returns. */
  | 'invalid-response'
  /** The caller passed something that cannot be sent (e.g. a malformed trace id); nothing was sent. */
  | 'invalid-request';

export interface DataSourceErrorDetails {
  readonly dataSource: DataSourceKind;
  /** The configured name of the data source, e.g. its Grafana name or uid. */
  readonly name: string;
  readonly url: string;
  readonly kind: DataSourceErrorKind;
  readonly status?: number;
  /** The data source's own explanation, trimmed. */
  readonly detail?: string;
  readonly hint: string;
}

export class DataSourceError extends Error implements DataSourceErrorDetails {
  override readonly name = 'DataSourceError';
  readonly dataSource: DataSourceKind;
  readonly dataSourceName: string;
  readonly url: string;
  readonly kind: DataSourceErrorKind;
  readonly status?: number;
  readonly detail?: string;
  readonly hint: string;

  constructor(details: DataSourceErrorDetails, options?: { cause?: unknown }) {
    const what = details.status === undefined ? summary(details.kind) : `answered HTTP ${details.status}`;
    const detail = details.detail ? `: ${details.detail}` : '';
    super(`${details.dataSource} (${details.name}) ${what}${detail}. ${details.hint}`, options);
    this.dataSource = details.dataSource;
    this.dataSourceName = details.name;
    this.url = details.url;
    this.kind = details.kind;
    this.status = details.status;
    this.detail = details.detail;
    this.hint = details.hint;
  }
}

/** Where an answer came from, as an error names it. */
export interface AnswerSource {
  readonly dataSource: DataSourceKind;
  readonly name: string;
  readonly url: string;
}

/**
 * The error for a 2xx answer that is not what the API returns: one wording wherever the answer is read — by the
 * client, or by the app's analysis worker that got the bytes.
 */
export function invalidAnswer(source: AnswerSource, detail: string, cause?: unknown): DataSourceError {
  return new DataSourceError(
    {
      ...source,
      kind: 'invalid-response',
      detail,
      hint: `Check that the data source points at a ${source.dataSource} API.`,
    },
    { cause }
  );
}

/** The JSON of an answer's bytes; an answer that is not JSON is `invalidAnswer` with `notJson` as its detail. */
export function answerJson(source: AnswerSource, bytes: ArrayBuffer, notJson: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw invalidAnswer(source, notJson, cause);
  }
}

function summary(kind: DataSourceErrorKind): string {
  switch (kind) {
    case 'timeout':
      return 'did not answer in time';
    case 'aborted':
      return 'request was cancelled';
    case 'too-large':
      return 'answer was too large';
    case 'network':
      return 'could not be reached';
    case 'invalid-response':
      return 'returned an unexpected answer';
    case 'invalid-request':
      return 'request is invalid';
    case 'http':
      return 'answered with an error';
  }
}

/** What a responder can do about an HTTP status of the controller, whose messages say why it refused. */
function controllerHint(status: number): string {
  if (status === 401) {
    return "The controller refused the app's token: the token in the app settings must equal the controller's CONTROLLER_TOKEN.";
  }
  if (status === 403 || status === 400 || status === 409 || status === 422) {
    return 'Nothing was changed.';
  }
  if (status === 404) {
    return 'Check the controller URL in the app settings (without /api/v1).';
  }
  if (status >= 500) {
    return 'Grafana could not reach the controller at the URL in the app settings, or the controller is failing; check that it runs.';
  }
  return 'Nothing was changed; retry.';
}

/** What a responder can do about an HTTP status. */
export function hintForStatus(status: number, dataSource: DataSourceKind): string {
  if (dataSource === 'Sampling controller') {
    return controllerHint(status);
  }
  if (status === 400 || status === 422) {
    return 'The data source rejected the query; check the query and the time range.';
  }
  if (status === 401 || status === 403) {
    return `Grafana denied access to this ${dataSource} data source; ask an administrator for query permission on it.`;
  }
  if (status === 404) {
    return `Nothing was found at this address; check that the data source points at a ${dataSource} API.`;
  }
  if (status === 429) {
    return 'The data source is rate-limiting requests; wait a moment or narrow the time range.';
  }
  if (status >= 500) {
    return `${dataSource} failed or is unreachable behind Grafana; retry, and check its health if this persists.`;
  }
  return 'The request was refused; check the query and the time range.';
}
