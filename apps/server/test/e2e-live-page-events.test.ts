import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, connection, openIn, publish, publishLogs, signUp, WAIT } from './support/live-page.js';
import { UPSTREAM_EVENTS } from './support/upstream-events.js';

const suite = browserSuite();

// The viewer is in Paris: in November and December that is GMT+1, so 14:00Z shows as 15:00.
const CONTEXT = { viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Paris' } as const;
const UPSTREAM_RUN = '0193a1f2-7c4e-7b21-9d3a-5e6f7a8b9c0d';

/** What each kind's row says (the fixtures are upstream's own payloads). */
const EXPECTED_TEXT: Record<string, string> = {
  run_created: 'deploy created',
  run_status_changed: 'deploy: running → warning after 1 min 24 s, $5.00 [env=prod team=core]',
  run_failed: 'deploy failed: step build exited 2 after 1 min 24 s, $0.0125',
  run_budget_exceeded: 'review over budget: spent $1.80 of its $2.00 limit; the next step needs $0.50',
  step_completed: 'build [shell] completed in 5.2 s',
  step_failed: 'lint [my-custom-op] failed: exit code 1',
  approval_requested:
    'approval requested: “Ship to prod?” — needs 2 approvers from sre, release (prod deploy)',
  approval_granted:
    'approved by alice@example.com — 2 of 2 approvals (needs 2 approvers from sre, release (prod deploy))',
  approval_rejected: 'rejected by bob',
  approval_escalated:
    'prod-gate escalated to group:sre-oncall (stage 1, escalate → reassigned): approval deadline of 3600s expired',
  log_line: 'build stderr: (empty line)',
  user_signed_in: 'alice signed in',
  user_signed_up: 'alice signed up',
  user_signed_out: 'user 0193a1f2 signed out',
  retry_forced: 'deploy retried on version 1.5.0 (the run was on 1.4.2)',
  'provider_account.updated': 'provider account anthropic-team: token replaced',
  'provider_account.usage_updated':
    'provider account anthropic-team usage: five hour 82% (allowed warning, resets 11-27 19:00 GMT+1), seven day 100% (rejected, opus)',
  signal_awaited:
    'wait-for-payment waits for signal payment_confirmed (key order-1042) until 11-28 15:00 GMT+1',
  signal_received: 'signal payment_confirmed (key order-1042) resumed 1 run: 0193a1f2',
  schedule_occurrences_missed:
    'nightly: 3 scheduled runs missed (outside window), 11-27 02:00 GMT+1 to 11-27 04:00 GMT+1',
};

const rowTexts = (page: Page) =>
  page
    .locator('#events li')
    .evaluateAll((rows) =>
      rows.map((row) => [
        row.getAttribute('data-kind'),
        row.querySelector('.event-text')?.textContent,
        row.querySelector('.event-time')?.textContent,
        row.querySelector('.event-time')?.getAttribute('title'),
      ]),
    );

describe('the live page shows every kind and opens events', () => {
  it('shows each of the 20 kinds sensibly, times in the viewer’s zone, and runs with status, start, duration, cost and newest step', async () => {
    const { url } = await suite.startServer(0);
    await publish(url, Object.values(UPSTREAM_EVENTS));
    const { page, problems } = await openIn(await suite.browser.newContext(CONTEXT), `${url}/`);
    await signUp(page, 'ada');
    // 20 upstream events and ada's own sign-up, from the backlog.
    await expect.poll(() => page.locator('#events li').count(), WAIT).toBe(21);
    const rows = await rowTexts(page);
    for (const [kind, text] of Object.entries(EXPECTED_TEXT)) {
      expect(
        rows.some(([k, t]) => k === kind && t === text),
        `${kind}: ${JSON.stringify(rows)}`,
      ).toBe(true);
    }
    // Another day's times show the date; the full date and the zone are in the title and the header.
    expect(rows.find(([kind]) => kind === 'run_created')?.slice(2)).toEqual([
      '11-27 15:00:00',
      '2026-11-27 15:00:00.000 GMT+1',
    ]);
    expect(await page.locator('#events-hint').textContent()).toBe(
      'newest first · times in Europe/Paris (GMT+1)',
    );

    const run = page.locator(`#runs li[data-run="${UPSTREAM_RUN}"]`);
    // run_failed came last of its status events; its duration and cost are the run's.
    expect(await run.locator('.status').textContent()).toBe('failed');
    expect(await run.locator('.run-started').textContent()).toMatch(/^started 11-27 15:00:00 \(\d+ d ago\)$/);
    expect(await run.locator('.run-started').getAttribute('title')).toBe(
      'started 2026-11-27 15:00:00.000 GMT+1',
    );
    expect(await run.locator('.run-totals').textContent()).toBe('1 min 24 s · $0.0125 · 12 ev');
    expect(await run.locator('.run-step').textContent()).toBe(
      'wait-for-payment: waiting for payment_confirmed',
    );
    expect(problems).toEqual([]);
  }, 60_000);

  it('opens an event by click or keyboard; a deep link restores the view and resumes after its cursor with nothing missing', async () => {
    const { url } = await suite.startServer(0);
    const [before, runA, runB, runC] = [
      crypto.randomUUID(),
      crypto.randomUUID(),
      crypto.randomUUID(),
      crypto.randomUUID(),
    ];
    await publish(url, [{ type: 'run_created', run_id: before, workflow_name: 'earlier' }]);
    const { last_id: linked } = await publish(url, [
      { type: 'run_created', run_id: runA, workflow_name: 'deploy-api' },
    ]);
    const context = await suite.browser.newContext(CONTEXT);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const { page, problems } = await openIn(context, `${url}/`);
    await signUp(page, 'ada');
    await expect.poll(() => connection(page), WAIT).toBe('connected');
    const rowA = page.locator(`#events li[data-cursor="${linked}"]`);
    await rowA.waitFor(WAIT);

    // Keyboard: focus the row, Enter opens the panel with the whole event and its cursor.
    await rowA.locator('button').focus();
    await page.keyboard.press('Enter');
    await page.locator('#event-panel').waitFor({ state: 'visible', ...WAIT });
    expect(await page.locator('#event-panel-title').textContent()).toBe('Event run_created');
    expect(await page.locator('#event-panel-cursor').textContent()).toBe(linked);
    expect(await page.locator('#event-panel-run').textContent()).toBe(runA);
    expect(await page.locator('#event-panel-time').textContent()).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} GMT\+1 \(/,
    );
    const json = JSON.parse((await page.locator('#event-panel-json').textContent()) ?? '');
    expect(json).toMatchObject({ type: 'run_created', run_id: runA, workflow_name: 'deploy-api' });
    expect(new URL(page.url()).searchParams.get('event')).toBe(linked);
    await page.getByRole('button', { name: 'Copy JSON' }).click();
    await expect.poll(() => page.locator('#event-panel-copied').textContent(), WAIT).toBe('JSON copied.');
    expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual(json);
    // Escape closes it and gives the focus back to the row.
    await page.keyboard.press('Escape');
    expect(await page.locator('#event-panel').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.closest('li')?.dataset.cursor)).toBe(linked);
    expect(new URL(page.url()).searchParams.has('event')).toBe(false);

    // Filter the kinds, select run A, open its run_created with the mouse: all of it goes in the link.
    await page.locator('#kinds-none').click();
    for (const kind of ['run_created', 'run_status_changed', 'log_line'])
      await page
        .locator('.kind-box', { hasText: new RegExp(`^${kind}$`) })
        .locator('input')
        .check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await rowA.waitFor(WAIT);
    await page.locator(`#runs li[data-run="${runA}"] button`).click();
    await rowA.locator('button').click();
    await page.locator('#event-panel').waitFor({ state: 'visible', ...WAIT });
    const link = new URL(page.url());
    expect(Object.fromEntries(link.searchParams)).toEqual({
      run: runA,
      types: 'run_created,run_status_changed,log_line',
      event: linked,
    });

    // Published after the linked event: more than the page's backlog would show, and kinds the filter drops.
    const lines = Array.from({ length: 520 }, (_, i) => `line ${i + 1}`);
    await publishLogs(url, runA, lines.slice(0, 260));
    await publishLogs(url, runA, lines.slice(260));
    await publish(url, [
      {
        type: 'run_status_changed',
        run_id: runA,
        workflow_name: 'deploy-api',
        from: 'pending',
        to: 'running',
        cost_usd: 0,
        duration_ms: 0,
      },
      {
        type: 'step_completed',
        run_id: runA,
        step_id: crypto.randomUUID(),
        step_name: 'build',
        kind: 'shell',
        duration_ms: 5,
        cost_usd: 0,
      },
      { type: 'run_created', run_id: runB, workflow_name: 'nightly-etl' },
    ]);
    await page.reload();
    await assertRestored(page, { runA, linked, received: 1 + 520 + 1 + 1, lines: 520 });
    expect(await page.locator(`#events li[data-run="${before}"]`).count()).toBe(0);
    await page.close();

    // The link opened in a new tab after more events, published while no page was open: the admin's
    // page finds the linked event in the audit log, and shows everything since.
    await publish(url, [{ type: 'run_created', run_id: runC, workflow_name: 'while-away' }]);
    await publishLogs(url, runA, ['while away']);
    const again = await openIn(context, link.toString());
    await assertRestored(again.page, { runA, linked, received: 1 + 520 + 1 + 1 + 1 + 1, lines: 521 });
    await again.page.locator(`#events li[data-run="${runC}"]`).waitFor(WAIT);
    expect(problems).toEqual([]);
    expect(again.problems).toEqual([]);
  }, 90_000);
});

describe('the run console', () => {
  it('shows a selected run’s earlier log lines from the history route, merged with live ones, none twice', async () => {
    const { url } = await suite.startServer(0);
    const [runX, runY] = [crypto.randomUUID(), crypto.randomUUID()];
    await publish(url, [{ type: 'run_created', run_id: runX, workflow_name: 'old-logs' }]);
    await publishLogs(
      url,
      runX,
      Array.from({ length: 30 }, (_, i) => `early ${i + 1}`),
    );
    // Enough later events that the page's backlog (500) no longer reaches X's lines.
    await publishLogs(
      url,
      runY,
      Array.from({ length: 600 }, (_, i) => `noise ${i + 1}`),
    );
    await publish(url, [
      {
        type: 'run_status_changed',
        run_id: runX,
        workflow_name: 'old-logs',
        from: 'pending',
        to: 'running',
        cost_usd: 0,
        duration_ms: 0,
      },
    ]);
    const { page, problems } = await openIn(await suite.browser.newContext(CONTEXT), `${url}/`);
    await signUp(page, 'ada');
    await page.locator(`#runs li[data-run="${runX}"] button`).click();
    await expect.poll(() => page.locator('#console .log-text').count(), WAIT).toBe(30);
    await publishLogs(url, runX, ['late 1']);
    await expect.poll(() => page.locator('#console .log-text').count(), WAIT).toBe(31);
    const texts = await page.locator('#console .log-text').allTextContents();
    expect(texts).toEqual([...Array.from({ length: 30 }, (_, i) => `early ${i + 1}`), 'late 1']);
    expect(problems).toEqual([]);
  }, 60_000);
});

async function assertRestored(
  page: Page,
  expected: { runA: string; linked: string; received: number; lines: number },
): Promise<void> {
  await page.locator('#event-panel').waitFor({ state: 'visible', ...WAIT });
  expect(await page.locator('#event-panel-title').textContent()).toBe('Event run_created');
  expect(await page.locator('#event-panel-cursor').textContent()).toBe(expected.linked);
  const checked = await page
    .locator('#kind-boxes input')
    .evaluateAll((boxes) =>
      (boxes as HTMLInputElement[]).filter((box) => box.checked).map((box) => box.value),
    );
  expect(checked).toEqual(['run_created', 'run_status_changed', 'log_line']);
  // Every event after the cursor that matches the kinds, and the linked one; nothing before it.
  await expect
    .poll(() => page.locator('#counters').textContent(), WAIT)
    .toMatch(new RegExp(`^${expected.received} received`));
  expect(
    await page.locator(`#runs li[data-run="${expected.runA}"] button`).getAttribute('aria-pressed'),
  ).toBe('true');
  await expect.poll(() => page.locator('#console .log').count(), WAIT).toBe(expected.lines);
  expect(await page.locator('#events li[data-kind="step_completed"]').count()).toBe(0);
}
