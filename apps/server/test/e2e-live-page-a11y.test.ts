import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, connection, openIn, publish, runDemo, signUp, WAIT } from './support/live-page.js';

// axe-core runs inside the page; it is injected as a script, which the page's CSP (no inline
// scripts) refuses, so these contexts bypass the CSP for the audit only. The other browser tests
// keep the CSP and fail on any violation of it.
const suite = browserSuite();
let axeSource: string;
beforeAll(async () => {
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
});

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

/** Runs axe-core on the page as it is now; returns its serious and critical violations. */
async function audit(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return (violations as Violation[])
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id} (${violation.help}): ${violation.nodes
          .slice(0, 5)
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
}

describe('the live page is accessible', () => {
  it('passes axe-core with no serious or critical violation on every view, at desktop and phone width', async () => {
    const { url } = await suite.startServer(0, { RATE_LIMIT_AUTH: '0' });
    const context = await suite.browser.newContext({
      bypassCSP: true,
      viewport: { width: 1280, height: 860 },
    });
    const { page, problems } = await openIn(context, `${url}/`);
    const views: Record<string, string[]> = {};

    await page.locator('#sign-up-form').waitFor(WAIT);
    views['signed out'] = await audit(page);
    // Field errors shown next to the fields.
    await page.locator('#sign-up-password').fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect.poll(() => page.locator('#sign-up-password-note').textContent(), WAIT).toMatch(/^Error: /);
    views['sign-up errors'] = await audit(page);

    await signUp(page, 'ada');
    await expect.poll(() => connection(page), WAIT).toBe('connected');
    await runDemo(url, ['--rate', '80', '--runs', '6', '--duration', '3']);
    await publish(url, [{ type: 'run_created', run_id: crypto.randomUUID(), workflow_name: 'cancel-me' }]);
    await expect.poll(() => page.locator('#runs .run').count(), WAIT).toBeGreaterThan(5);
    views['signed in with events'] = await audit(page);

    // Paused, with events buffered; a filter error.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByLabel('Run id').fill('nope');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('#filter-error').getByText('Error:').waitFor(WAIT);
    views['paused with a filter error'] = await audit(page);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByLabel('Run id').fill('');

    const runId = await page.locator('#events li[data-kind="log_line"]').first().getAttribute('data-run');
    await page.locator(`#runs li[data-run="${runId}"] button`).click();
    await page.locator('#console .log').first().waitFor(WAIT);
    views['run selected'] = await audit(page);

    await page.locator('#events li button').first().click();
    await page.locator('#event-panel').waitFor({ state: 'visible', ...WAIT });
    views['event panel open'] = await audit(page);

    await page.setViewportSize({ width: 390, height: 844 });
    views['phone, event panel open'] = await audit(page);
    await page.keyboard.press('Escape');
    views['phone, signed in'] = await audit(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#sign-up-form').waitFor(WAIT);
    views['phone, signed out'] = await audit(page);

    expect(views).toEqual(Object.fromEntries(Object.keys(views).map((view) => [view, []])));
    expect(problems).toEqual([]);
  }, 90_000);

  it('shows where the focus is, and says in words what colours say', async () => {
    const { url } = await suite.startServer(0);
    const runId = crypto.randomUUID();
    await publish(url, [{ type: 'run_created', run_id: runId, workflow_name: 'deploy' }]);
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page, problems } = await openIn(context, `${url}/`);
    await signUp(page, 'ada');
    await page.locator(`#runs li[data-run="${runId}"]`).waitFor(WAIT);
    const outline = () =>
      page.evaluate(() => {
        const style = getComputedStyle(document.activeElement as Element);
        return `${document.activeElement?.id || document.activeElement?.className} ${style.outlineStyle} ${style.outlineWidth}`;
      });
    // Keyboard focus on each control is drawn with a 3 px outline.
    await page.locator('#filter-run').focus();
    for (const expected of ['kinds-all', 'kinds-none']) {
      await page.keyboard.press('Tab');
      expect(await outline()).toBe(`${expected} solid 3px`);
    }
    await page.locator('#pause').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await outline()).toBe('pause solid 3px');

    // A failed run says "failed"; a stderr line says "err"; the selected run is pressed, with a bar.
    const response = await fetch(`${url}/api/v1/internal/runs/${runId}/logs`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer dev-worker-token-change-me-in-production',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        step_id: crypto.randomUUID(),
        step_name: 'build',
        stream: 'stderr',
        lines: ['boom'],
      }),
    });
    expect(response.status).toBe(202);
    await page.locator(`#runs li[data-run="${runId}"] button`).click();
    await expect.poll(() => page.locator('#console .log-stderr .log-stream').textContent(), WAIT).toBe('err');
    await publish(url, [
      {
        type: 'run_status_changed',
        run_id: runId,
        workflow_name: 'deploy',
        from: 'pending',
        to: 'running',
        cost_usd: 0,
        duration_ms: 0,
      },
      {
        type: 'run_status_changed',
        run_id: runId,
        workflow_name: 'deploy',
        from: 'running',
        to: 'failed',
        error: 'boom',
        cost_usd: 0.5,
        duration_ms: 1500,
      },
    ]);
    await page.mouse.move(5, 5);
    await expect
      .poll(() => page.locator(`#runs li[data-run="${runId}"] .status`).textContent(), WAIT)
      .toBe('failed');
    expect(await page.locator(`#runs li[data-run="${runId}"] button`).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
