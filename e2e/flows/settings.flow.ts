/**
 * The settings page as an org Admin sees it: the connections as saved, the controller token only reported as
 * configured — its value reaches the browser in no response —, and Test connection green for the working Jaeger,
 * Prometheus and controller (the host answers Grafana's data source health check).
 */
import { expect } from '@jest/globals';

import type { Environment } from './environment';

export function settingsFlows(env: () => Environment) {
  describe('the settings page', () => {
    it('shows the saved connections and never sends the controller token to the browser', async () => {
      const bodies: string[] = [];
      const page = await env().browser.open('admin', '/');
      const collect = (response: { text(): Promise<string> }) => {
        response.text().then(
          (text) => bodies.push(text),
          () => {}
        );
      };
      page.on('response', collect);
      try {
        await page.goto(`${env().host.url}/plugins/seed-tracingops-app`);
        await page.getByText('Connections', { exact: true }).waitFor();
        const token = page.getByRole('textbox', { name: /Sampling controller token/ });
        // Grafana's SecretInput for a stored secret: a disabled field reading "configured", and Reset.
        expect(await token.inputValue()).toBe('configured');
        expect(await token.isDisabled()).toBe(true);
        await page.getByText(env().dataSourceName(env().tracesDataSourceUid)).first().waitFor();
        await page.screenshot({ path: env().screenshot('settings') });
        // Each picker offers only its kind of data source: the trace picker lists no Prometheus.
        await page.locator('#tracesDatasourceUid-picker').click();
        const offered = await page.getByRole('option').allInnerTexts();
        expect(offered.length).toBeGreaterThan(0);
        expect(offered.join('\n')).not.toMatch(/Prometheus/);
        await page.keyboard.press('Escape');
        await page.waitForLoadState('networkidle');
      } finally {
        page.off('response', collect);
      }
      expect(bodies.length).toBeGreaterThan(3);
      expect(bodies.filter((body) => body.includes(env().controllerToken))).toEqual([]);
      expect(await page.content()).not.toContain(env().controllerToken);
    });

    it('says Jaeger, Prometheus and the controller work when Test connection is clicked', async () => {
      const page = await env().browser.open('admin', '/plugins/seed-tracingops-app');
      await page.getByRole('button', { name: 'Test connection' }).click();
      const results = page.getByRole('list', { name: 'Connection test results' });
      await results.waitFor();
      const result = (name: string) => results.getByRole('listitem').filter({ hasText: new RegExp(`^${name}`) });
      // Grafana's answers: the Jaeger plugin's and Prometheus' own health messages, through the health API.
      expect(await result('Jaeger').innerText()).toMatch(/^Jaeger\s+ok\s+Data source is working$/);
      expect(await result('Prometheus').innerText()).toMatch(
        /^Prometheus\s+ok\s+Successfully queried the Prometheus API\.$/
      );
      expect(await result('Sampling controller').innerText()).toMatch(/^Sampling controller\s+ok\s+Connected/);
      await results.scrollIntoViewIfNeeded();
      await page.screenshot({ path: env().screenshot('settings-test-connection'), fullPage: true });
    });
  });
}
