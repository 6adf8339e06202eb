/**
 * A bearer token compared in constant time: both sides are hashed first, so `timingSafeEqual` gets equal-length
 * inputs and leaks neither content nor length. The app's token and Alertmanager's are separate instances.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

export class BearerToken {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** Whether an `Authorization` header carries this token. */
  matches(authorization: string | undefined): boolean {
    const match = /^Bearer (.+)$/i.exec(authorization ?? '');
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), this.expected);
  }
}
