/** Validation of request bodies: a bad body is the caller's mistake, answered with 400 and the reason. */
import type { z } from 'zod';

import { HttpError } from '../http/server';

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, `invalid body: ${issue?.path.join('.') || 'body'}: ${issue?.message}`);
  }
  return parsed.data;
}
