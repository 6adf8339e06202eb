/**
 * Who is asking, from the headers Grafana's app plugin proxy sets (pkg/api/pluginproxy in grafana/grafana):
 * - `X-Grafana-Id`: the signed ID token (ID forwarding; `[feature_toggles] idForwarding` on older versions). Preferred.
 * - `X-Grafana-Context`: `json.Marshal` of Grafana's `user.SignedInUser`, so Go field names:
 *   `UserID`, `OrgID`, `OrgRole`, `Login`, `IsGrafanaAdmin`, `IsAnonymous`, `IsServiceAccount`, …
 * - `X-Grafana-User`: the login, when `[dataproxy] send_user_header = true`.
 * None of these is trusted unless the request also carried the controller's bearer token (checked before this runs),
 * because only Grafana's proxy holds that token. The ID token has no Grafana-admin flag, so that flag (and the role
 * on Grafana versions whose tokens lack `role`) comes from X-Grafana-Context, only when it names the same user.
 */
import type { OrgRole } from '../contract';
import { ApiError } from './errors';
import { IdTokenError, type IdTokenVerifier } from './idToken';

export interface Identity {
  login?: string;
  userId?: number;
  role: OrgRole;
  isGrafanaAdmin: boolean;
  source: 'id-token' | 'grafana-context' | 'user-header' | 'none';
  /** Why this identity cannot write regardless of role, when the cause is how it arrived. */
  writeBlockedReason?: string;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

interface GrafanaContext {
  UserID?: number;
  OrgID?: number;
  OrgRole?: string;
  Login?: string;
  IsGrafanaAdmin?: boolean;
  IsAnonymous?: boolean;
  IsServiceAccount?: boolean;
}

const ROLES: readonly OrgRole[] = ['None', 'Viewer', 'Editor', 'Admin'];

function toRole(value: unknown): OrgRole {
  return ROLES.find((r) => r === value) ?? 'None';
}

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

function parseContext(raw: string): GrafanaContext {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as GrafanaContext;
    }
  } catch {
    // reported below
  }
  throw new ApiError(
    401,
    'unauthorized',
    'X-Grafana-Context is not a JSON object; is the request really coming through Grafana?'
  );
}

const sameLogin = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

export class IdentityResolver {
  constructor(
    private readonly verifier: IdTokenVerifier | undefined,
    private readonly requireIdToken: boolean
  ) {}

  async resolve(headers: HeaderBag): Promise<Identity> {
    const rawContext = header(headers, 'x-grafana-context');
    const context = rawContext === undefined ? undefined : parseContext(rawContext);
    const contextUser = context && !context.IsAnonymous && context.Login ? context : undefined;
    const userHeader = header(headers, 'x-grafana-user');
    const idToken = header(headers, 'x-grafana-id');

    if (userHeader && contextUser && !sameLogin(userHeader, contextUser.Login)) {
      throw new ApiError(401, 'unauthorized', 'X-Grafana-User and X-Grafana-Context name different users');
    }

    if (idToken && this.verifier) {
      let claims;
      try {
        claims = await this.verifier.verify(idToken);
      } catch (err) {
        if (err instanceof IdTokenError) {
          throw err.kind === 'unavailable'
            ? new ApiError(503, 'unavailable', err.message)
            : new ApiError(401, 'unauthorized', err.message);
        }
        throw err;
      }
      if (claims.identityType !== 'user' || !claims.login) {
        return {
          role: 'None',
          isGrafanaAdmin: false,
          source: 'id-token',
          writeBlockedReason: `the ID token is for a ${claims.identityType}, not a user`,
        };
      }
      if (contextUser && !sameLogin(contextUser.Login, claims.login)) {
        throw new ApiError(401, 'unauthorized', 'X-Grafana-Id and X-Grafana-Context name different users');
      }
      const numericId = Number(claims.subject.split(':')[1]);
      return {
        login: claims.login,
        userId: Number.isInteger(numericId) ? numericId : contextUser?.UserID,
        role: toRole(claims.role ?? contextUser?.OrgRole),
        isGrafanaAdmin: contextUser?.IsGrafanaAdmin === true,
        source: 'id-token',
      };
    }

    const blocked = this.requireIdToken
      ? "this controller requires Grafana's signed ID token (X-Grafana-Id); enable ID forwarding in Grafana"
      : undefined;
    if (contextUser) {
      return {
        login: contextUser.Login,
        userId: contextUser.UserID,
        role: contextUser.IsServiceAccount ? 'None' : toRole(contextUser.OrgRole),
        isGrafanaAdmin: contextUser.IsGrafanaAdmin === true,
        source: 'grafana-context',
        ...(blocked ? { writeBlockedReason: blocked } : {}),
      };
    }
    if (userHeader) {
      return {
        login: userHeader,
        role: 'None',
        isGrafanaAdmin: false,
        source: 'user-header',
        writeBlockedReason:
          blocked ??
          "only the login arrived (X-Grafana-User), not the role; Grafana's plugin proxy sends X-Grafana-Context with it",
      };
    }
    return { role: 'None', isGrafanaAdmin: false, source: 'none' };
  }
}
