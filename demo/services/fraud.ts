/**
 * Fraud: scores a payment's risk. Its faults are the downstream incidents: `slowDownstream` makes the
 * model take seconds, `swallowedErrors` makes every score fail with 503 (which payments then hides).
 */
import { SpanKind } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

import { HttpError } from '../http/server';
import { inSpan } from '../telemetry';
import { parseBody } from './body';
import type { ServiceFactory } from './kit';

const Score = z.object({ account: z.string().min(1), amount: z.number().positive() });

export const fraud: ServiceFactory = ({ tracer, faults, tuning }) => ({
  routes: {
    'POST /score': async ({ body, ctx }) => {
      const payment = parseBody(Score, body);
      if (faults.isOn('swallowedErrors')) {
        throw new HttpError(503, 'fraud model unavailable');
      }
      const took = faults.isOn('slowDownstream') ? tuning.slowScoreMs : tuning.scoreMs;
      await inSpan(tracer, 'predict risk', ctx, { kind: SpanKind.INTERNAL }, () => sleep(took));
      // Large amounts are risky; the rest is noise, enough to make the score look alive.
      const risk = Math.min(1, payment.amount / 10_000 + Math.random() * 0.1);
      return { risk };
    },
  },
});
