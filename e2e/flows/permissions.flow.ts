/**
 * Who may change sampling, end to end: the RBAC permissions Grafana grants from plugin.json, the plugin proxy's
 * route gate, the controller's team check on the real identity, and what each person sees on the incident page.
 */
import { expect } from '@jest/globals';
import type { Page } from 'playwright-core';

import { eventually } from '../stack/backends';
import type { Environment } from './environment';
import { auditOf, spikeGone, storedSpike } from './support';

const INCIDENT = '/a/seed-tracingops-app/incident';

/** The spike the Raise dialog would ask for, sent from the signed-in user's page through the app's controller route. */
function raiseFromSession(page: Page, service: string, reason: string): Promise<{ status: number; body: string }> {
  return page.evaluate(
    async (override) => {
      const response = await fetch('/api/plugin-proxy/seed-tracingops-app/controller/api/v1/overrides', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(override),
      });
      return { status: response.status, body: await response.text() };
    },
    { service, samplingRate: 1, durationSeconds: 300, reason }
  );
}

export function permissionFlows(env: () => Environment) {
  describe('who may change sampling', () => {
    it('shows a Viewer the sampling state with every write control disabled, and the route refuses their writes before the controller', async () => {
      const page = await env().browser.open('viewer', INCIDENT);
      const rates = page.getByRole('table', { name: 'Sampling by service' });
      await expect(rates.getByRole('row', { name: /gateway/ }).textContent()).resolves.toMatch(/polled/);
      await page.getByText('Your role (Viewer) cannot change sampling: it needs the Sampling Operator role').waitFor();
      expect(
        await rates.getByRole('button', { name: 'Raise sampling for gateway' }).getAttribute('aria-disabled')
      ).toBe('true');
      await page.screenshot({ path: env().screenshot('viewer') });

      // The same write the dialog would send, from the Viewer's session: Grafana's plugin proxy refuses it on the
      // route's reqAction, so the controller never hears of it (it would audit a refusal).
      const answer = await raiseFromSession(page, 'gateway', 'viewer tries');
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('plugin proxy route access denied');
      expect((await auditOf(env(), 'gateway')).filter((e) => e.actor === 'vera')).toEqual([]);
    });

    it('tells an Editor of another team in the dialog that they cannot raise it, and the controller refuses and audits the same write under their login', async () => {
      // A link from the Trace page opens the dialog for the trace's service, here one the identity team does not own.
      const page = await env().browser.open('other-editor', `${INCIDENT}?raise=payments`);
      const dialog = page.getByRole('dialog', { name: 'Raise sampling' });
      await dialog.getByText('None of your teams owns payments, so you cannot change its sampling.').waitFor();
      expect(await dialog.getByRole('button', { name: 'Raise sampling' }).isDisabled()).toBe(true);

      // The dialog only says so: the controller decides. The same write from the Editor's session passes Grafana's
      // route gate (they hold sampling:write) and is refused by the controller's team check.
      const answer = await raiseFromSession(page, 'payments', 'INC-21');
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('payments');

      const denied = await eventually('the refusal in the audit log', async () =>
        (await auditOf(env(), 'payments')).find((e) => e.type === 'denied' && e.actor === 'ian')
      );
      expect(denied.details).toMatchObject({ attempted: expect.any(String) });
      const active = await env().controllerApi<{ overrides: unknown[] }>('/overrides?service=payments');
      expect(active.overrides).toEqual([]);
    });

    it('lets an org Admin raise and revert sampling for a service no team of theirs owns', async () => {
      const page = await env().browser.open('admin', `${INCIDENT}?scope=all`);
      await page
        .getByRole('table', { name: 'Sampling by service' })
        .getByRole('button', { name: 'Raise sampling for auth' })
        .click();
      const dialog = page.getByRole('dialog', { name: 'Raise sampling' });
      await dialog.getByRole('textbox', { name: /^Reason/ }).fill('INC-22 admin check');
      await page.screenshot({ path: env().screenshot('raise-dialog') });
      await dialog.getByRole('button', { name: 'Raise sampling' }).click();
      await dialog.waitFor({ state: 'detached' });

      const spike = await storedSpike(env(), 'auth');
      expect(spike).toMatchObject({ createdBy: 'root', reason: 'INC-22 admin check' });

      await page.getByRole('button', { name: 'Revert the spike of auth' }).click();
      await spikeGone(env(), 'auth');
      const reverted = (await auditOf(env(), 'auth')).find((e) => e.type === 'reverted');
      expect(reverted).toMatchObject({ actor: 'root', overrideId: spike.id });
    });
  });
}
