/**
 * A stack whose component cannot come up fails loudly and cleanly: the error names the component and shows its log,
 * and nothing that was started keeps running.
 */
import { describe, expect, it } from '@jest/globals';
import { type Server, createServer } from 'node:net';

import { ComponentError } from './component';
import { pickPorts } from './ports';
import { startStack } from './stack';

function occupy(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe('startStack', () => {
  it('names the component that cannot start, shows its log, and stops the ones that did', async () => {
    const taken = await occupy();
    const prometheusPort = (taken.address() as { port: number }).port;
    const ports = await pickPorts({ prometheus: prometheusPort });
    try {
      const failure = await startStack({ ports }).then(
        () => undefined,
        (err: unknown) => err
      );
      expect(failure).toBeInstanceOf(ComponentError);
      expect((failure as Error).message).toMatch(/^prometheus exited with status \d+ before it was ready/);
      expect((failure as Error).message).toContain('address already in use');

      const others = [ports.jaegerHealth, ports.jaegerQueryHttp, ports.controller];
      const answers = await Promise.all(
        others.map((port) =>
          fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then(
            () => `port ${port} still answers`,
            () => undefined
          )
        )
      );
      expect(answers.filter(Boolean)).toEqual([]);
    } finally {
      taken.close();
    }
  }, 300_000);
});
