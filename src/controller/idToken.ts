/**
 * Verifies Grafana's ID token (`X-Grafana-Id`, sent when ID forwarding is on) against Grafana's JWKS
 * (`/api/signing-keys/keys`). Grafana signs it with ES256 and a `kid` header, issuer = its root URL (AppURL, with a
 * trailing slash), audience = `org:<orgId>`, subject = `<type>:<id>`, 10-minute expiry, and claims `username`,
 * `email`, `name`, `type`, `identifier` and (recent versions) `role` (pkg/services/auth/idimpl in grafana/grafana).
 *
 * Verification is jose's (`jwtVerify` over a remote JWKS, ES256 only); this module maps its errors to messages an
 * operator can act on, and JWKS outages to `unavailable` (503) rather than `invalid` (401).
 */
import {
  type JWTPayload,
  type JWTVerifyGetKey,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from 'jose';

import type { Clock } from './clock';
import type { IdTokenConfig } from './config';

export interface IdTokenIdentity {
  subject: string;
  identityType: string;
  login?: string;
  email?: string;
  name?: string;
  role?: string;
  orgId: number;
}

export class IdTokenError extends Error {
  constructor(
    reason: string,
    /** `unavailable`: Grafana's JWKS could not be fetched, so the token could not be checked at all. */
    readonly kind: 'invalid' | 'unavailable' = 'invalid'
  ) {
    super(kind === 'invalid' ? `X-Grafana-Id token rejected: ${reason}` : reason);
    this.name = 'IdTokenError';
  }
}

const CLOCK_LEEWAY_SECONDS = 30;
const JWKS_REFETCH_MIN_MS = 30_000;
const JWKS_TIMEOUT_MS = 5_000;

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export class IdTokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly config: IdTokenConfig,
    private readonly clock: Clock,
    fetchImpl: typeof fetch = fetch
  ) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl), {
      cooldownDuration: JWKS_REFETCH_MIN_MS,
      timeoutDuration: JWKS_TIMEOUT_MS,
      [customFetch]: fetchImpl,
    });
  }

  async verify(token: string): Promise<IdTokenIdentity> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        algorithms: ['ES256'],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: CLOCK_LEEWAY_SECONDS,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['exp', 'sub'],
      });
      return this.identity(payload);
    } catch (err) {
      throw this.explain(err, token);
    }
  }

  private identity(c: JWTPayload): IdTokenIdentity {
    const subject = c.sub!;
    return {
      subject,
      identityType: str(c.type) ?? subject.split(':')[0] ?? '',
      login: str(c.username),
      email: str(c.email),
      name: str(c.name),
      role: str(c.role),
      orgId: Number(this.config.audience.slice('org:'.length)),
    };
  }

  private explain(err: unknown, token: string): IdTokenError {
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return new IdTokenError("the signature does not verify against Grafana's signing key");
    }
    if (err instanceof errors.JWTExpired) {
      return new IdTokenError('it has expired');
    }
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'iss') {
        return new IdTokenError(
          `issuer ${JSON.stringify(err.payload.iss)} is not the expected ${JSON.stringify(this.config.issuer)} (set GRAFANA_ID_ISSUER to Grafana's root_url)`
        );
      }
      if (err.claim === 'aud') {
        return new IdTokenError(
          `audience ${JSON.stringify(err.payload.aud)} does not include ${this.config.audience} (GRAFANA_ORG_ID)`
        );
      }
      return new IdTokenError(`its ${err.claim} claim is not acceptable: ${err.reason}`);
    }
    if (err instanceof errors.JOSEAlgNotAllowed) {
      return new IdTokenError(`algorithm ${headerAlg(token)} is not accepted (Grafana signs ID tokens with ES256)`);
    }
    if (err instanceof errors.JWKSNoMatchingKey) {
      return new IdTokenError(`no key matching its kid in Grafana's JWKS at ${this.config.jwksUrl}`);
    }
    if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) {
      const reason = err instanceof Error ? err.message : String(err);
      return new IdTokenError(`cannot fetch Grafana's JWKS from ${this.config.jwksUrl}: ${reason}`, 'unavailable');
    }
    return new IdTokenError(`it is not a valid JWT (${err.message})`);
  }
}

function headerAlg(token: string): string {
  try {
    return String(decodeProtectedHeader(token).alg);
  } catch {
    return 'unknown';
  }
}
