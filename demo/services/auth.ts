/** Auth: verifies the user behind a checkout. Never faulty; it is the healthy hop on the way to payments. */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

import { parseBody } from './body';
import type { ServiceFactory } from './kit';

const Verify = z.object({ user: z.string().min(1) });

export const auth: ServiceFactory = ({ tuning }) => ({
  routes: {
    'POST /verify': async ({ body }) => {
      const { user } = parseBody(Verify, body);
      await sleep(tuning.statementMs);
      return { user, verified: true };
    },
  },
});
