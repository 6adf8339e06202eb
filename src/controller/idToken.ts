/**
 * Verifies Grafana's ID token (`X-Grafana-Id`, sent when ID forwarding is on) against Grafana's JWKS
 * (`/api/signing-keys/keys`). Grafana signs it with ES256 and a `kid` header, issuer = its root URL (AppURL, with a
 * trailing slash), audience = `org:<orgId>`, subject = `<type>:<id>`, 10-minute expiry, and claims `username`,
 * `email`, `name`, `type`, `identifier` and (recent versions) `role` (pkg/services/auth/idimpl in grafana/grafana).
 *
 * Implemented on node:crypto rather than jose because jose 6 ships ESM only and the repository's Jest
 * configuration does not transform node_modules; the checks are few since only ES256 is accepted
 * (no algorithm negotiation, so no algorithm-confusion surface). Tests sign tokens with jose to prove interoperability.
 */
import { type KeyObject, createPublicKey, verify } from 'node:crypto';
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

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new IdTokenError(`its ${what} is not a base64url JSON object`);
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export class IdTokenVerifier {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private fetching?: Promise<void>;

  constructor(
    private readonly config: IdTokenConfig,
    private readonly clock: Clock,
    private readonly fetchImpl: typeof fetch = fetch
  ) {}

  async verify(token: string): Promise<IdTokenIdentity> {
    const parts = token.split('.');
    if (parts.length !== 3) {
      throw new IdTokenError('it is not a compact JWS (three dot-separated parts)');
    }
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodeJson(headerPart, 'header');
    if (header.alg !== 'ES256') {
      throw new IdTokenError(`algorithm ${String(header.alg)} is not accepted (Grafana signs ID tokens with ES256)`);
    }
    const kid = str(header.kid);
    if (!kid) {
      throw new IdTokenError('its header has no kid');
    }
    const key = await this.key(kid);
    const signature = Buffer.from(signaturePart, 'base64url');
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    if (signature.length !== 64 || !verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature)) {
      throw new IdTokenError('the signature does not verify against Grafana\'s signing key');
    }
    return this.claims(decodeJson(payloadPart, 'payload'));
  }

  private claims(c: Record<string, unknown>): IdTokenIdentity {
    const now = this.clock.now() / 1000;
    if (typeof c.exp !== 'number') {
      throw new IdTokenError('it has no exp claim');
    }
    if (c.exp + CLOCK_LEEWAY_SECONDS <= now) {
      throw new IdTokenError('it has expired');
    }
    if (typeof c.nbf === 'number' && c.nbf - CLOCK_LEEWAY_SECONDS > now) {
      throw new IdTokenError('it is not valid yet');
    }
    if (c.iss !== this.config.issuer) {
      throw new IdTokenError(`issuer ${JSON.stringify(c.iss)} is not the expected ${JSON.stringify(this.config.issuer)} (set GRAFANA_ID_ISSUER to Grafana's root_url)`);
    }
    const audiences = Array.isArray(c.aud) ? c.aud : [c.aud];
    if (!audiences.includes(this.config.audience)) {
      throw new IdTokenError(`audience ${JSON.stringify(c.aud)} does not include ${this.config.audience} (GRAFANA_ORG_ID)`);
    }
    const subject = str(c.sub);
    if (!subject) {
      throw new IdTokenError('it has no sub claim');
    }
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

  private async key(kid: string): Promise<KeyObject> {
    let key = this.keys.get(kid);
    if (!key && this.clock.now() - this.fetchedAt >= JWKS_REFETCH_MIN_MS) {
      await this.fetchKeys();
      key = this.keys.get(kid);
    }
    if (!key) {
      throw new IdTokenError(`no key with kid ${JSON.stringify(kid)} in Grafana's JWKS at ${this.config.jwksUrl}`);
    }
    return key;
  }

  private fetchKeys(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        const res = await this.fetchImpl(this.config.jwksUrl, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) {
          throw new Error(`HTTP ${res.status}`);
        }
        const body = (await res.json()) as { keys?: Array<Record<string, unknown>> };
        const keys = new Map<string, KeyObject>();
        for (const jwk of body.keys ?? []) {
          if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.kid === 'string') {
            keys.set(jwk.kid, createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }));
          }
        }
        this.keys = keys;
        this.fetchedAt = this.clock.now();
      } catch (err) {
        throw new IdTokenError(`cannot fetch Grafana's JWKS from ${this.config.jwksUrl}: ${(err as Error).message}`, 'unavailable');
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }
}
