/** The gateway: the public checkout endpoint, which verifies the user with auth and then charges through payments. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

import { parseBody } from './body';
import type { ServiceFactory } from './kit';

const Checkout = z.object({ user: z.string().min(1), account: z.string().min(1), amount: z.number().positive() });

export const gateway: ServiceFactory = ({ downstream }) => {
  const auth = downstream('auth');
  const payments = downstream('payments');
  return {
    routes: {
      'POST /checkout': async ({ body, ctx }) => {
        const order = parseBody(Checkout, body);
        await auth.post(ctx, '/verify', { user: order.user });
        const payment = await payments.post(ctx, '/payments', { account: order.account, amount: order.amount });
        return { orderId: randomUUID(), payment };
      },
    },
  };
};
