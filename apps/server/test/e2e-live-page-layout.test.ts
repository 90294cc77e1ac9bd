import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  boxes,
  browserSuite,
  connection,
  itemAt,
  openIn,
  publish,
  signUp,
  WAIT,
} from './support/live-page.js';

// Each check measures getBoundingClientRect before and after a change of state and asserts that
// nothing the user may be aiming at has moved.
const suite = browserSuite();

const NO_RATE_LIMIT = { RATE_LIMIT_AUTH: '0' };
const AUTH_LAYOUT = [
  '#sign-in-form',
  '#sign-up-form',
  '#sign-in-login',
  '#sign-in-password',
  '#sign-in-form button[type="submit"]',
  '#sign-up-email',
  '#sign-up-username',
  '#sign-up-password',
  '#sign-up-form button[type="submit"]',
];
const LIVE_LAYOUT = [
  '#filter-run',
  '#filters button[type="submit"]',
  '#pause',
  '#clear',
  '#kinds-all',
  '.runs-pane',
  '.events-pane',
  '.console-pane',
  '#runs-new',
  '#events-new',
];

const created = (runId: string, name: string) => ({
  type: 'run_created',
  run_id: runId,
  workflow_name: name,
});
const note = (page: Page, id: string) => page.locator(`#${id}`).textContent();

describe('the live page keeps its layout still', () => {
  it('shows the rules before submitting and the server’s field errors next to the fields, in reserved space', async () => {
    const { url } = await suite.startServer(0, NO_RATE_LIMIT);
    const { page, problems } = await openIn(
      await suite.browser.newContext({ viewport: { width: 1280, height: 860 } }),
      `${url}/`,
    );
    await page.locator('#sign-up-form').waitFor(WAIT);
    expect(await note(page, 'sign-up-username-note')).toBe('3 to 32 characters: letters, digits, _ . or -');
    expect(await note(page, 'sign-up-password-note')).toBe('At least 8 characters (at most 256).');
    const before = await boxes(page, AUTH_LAYOUT);
    // The two cards sit in the middle of the page, the message line above them empty but kept.
    const [signIn, signUpCard] = [before['#sign-in-form'], before['#sign-up-form']];
    if (!signIn || !signUpCard) throw new Error('no auth cards');
    expect(Math.abs((signIn.x + signUpCard.x + signUpCard.width) / 2 - 640)).toBeLessThan(2);

    // A sign-in with wrong credentials: the message goes in the sign-in card's own line.
    await page.locator('#sign-in-login').fill('nobody');
    await page.locator('#sign-in-password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => note(page, 'sign-in-error'), WAIT).toBe('Invalid email, username or password');
    expect(await boxes(page, AUTH_LAYOUT)).toEqual(before);

    // A sign-up the server refuses field by field: each message under its field, as the server said it.
    const form = page.locator('#sign-up-form');
    await form.getByLabel('Email').fill('not-an-address');
    await form.getByLabel('Username').fill('a b');
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Sign up' }).click();
    await expect
      .poll(() => note(page, 'sign-up-password-note'), WAIT)
      .toBe('Error: must be at least 8 characters');
    expect(await note(page, 'sign-up-email-note')).toBe('Error: must be an email address');
    expect(await note(page, 'sign-up-username-note')).toBe(
      'Error: must be 3 to 32 characters: letters, digits, _ . or -',
    );
    expect(await note(page, 'sign-up-error')).toBe('Check the fields marked above.');
    expect(await page.locator('#sign-up-password').getAttribute('aria-invalid')).toBe('true');
    expect(await boxes(page, AUTH_LAYOUT)).toEqual(before);
    // The first wrong field has the focus; editing a field puts its rule back.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sign-up-email');
    await form.getByLabel('Password').fill('long enough now');
    expect(await note(page, 'sign-up-password-note')).toBe('At least 8 characters (at most 256).');
    expect(await page.locator('#sign-up-password').getAttribute('aria-invalid')).toBeNull();

    // A taken username: the server's details name the field.
    await signUp(page, 'ada');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#sign-up-form').waitFor(WAIT);
    await form.getByLabel('Email').fill('other@example.com');
    await form.getByLabel('Username').fill('ada');
    await form.getByLabel('Password').fill('correct horse battery staple');
    await form.getByRole('button', { name: 'Sign up' }).click();
    await expect.poll(() => note(page, 'sign-up-username-note'), WAIT).toBe('Error: already taken');
    expect(await boxes(page, AUTH_LAYOUT)).toEqual(before);
    expect(problems).toEqual([]);
  }, 60_000);

  it('keeps Pause/Resume, the panes and the row under the pointer in place through pause, errors and new runs', async () => {
    const { url } = await suite.startServer(0, NO_RATE_LIMIT);
    const runs = Array.from({ length: 4 }, () => crypto.randomUUID());
    await publish(
      url,
      runs.map((runId, index) => created(runId, `wf-${index}`)),
    );
    const { page, problems } = await openIn(
      await suite.browser.newContext({ viewport: { width: 1280, height: 860 } }),
      `${url}/`,
    );
    await page.locator('#sign-up-form').waitFor(WAIT);
    await signUp(page, 'grace');
    await expect.poll(() => connection(page), WAIT).toBe('connected');
    await expect.poll(() => page.locator('#runs .run').count(), WAIT).toBe(4);
    const layout = await boxes(page, LIVE_LAYOUT);

    // Pause, then Resume, in the same place and size: clicking twice at one spot toggles back.
    const pause = (await boxes(page, ['#pause']))['#pause'];
    if (!pause) throw new Error('no pause button');
    await page.mouse.click(pause.x + pause.width / 2, pause.y + pause.height / 2);
    await expect.poll(() => page.locator('#pause').textContent(), WAIT).toBe('Resume');
    await publish(url, [created(crypto.randomUUID(), 'while-paused')]);
    await expect.poll(() => page.locator('#counters').textContent(), WAIT).toMatch(/1 buffered while paused/);
    expect(await boxes(page, LIVE_LAYOUT)).toEqual(layout);
    await page.mouse.click(pause.x + pause.width / 2, pause.y + pause.height / 2);
    await expect.poll(() => page.locator('#pause').textContent(), WAIT).toBe('Pause');
    await expect.poll(() => page.locator('#runs .run').count(), WAIT).toBe(5);
    expect(await boxes(page, LIVE_LAYOUT)).toEqual(layout);

    // A filter error appears in its reserved line.
    await page.getByLabel('Run id').fill('not-a-run');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.locator('#filter-error').textContent(), WAIT)
      .toMatch(/^Error: "not-a-run" is not a run id/);
    expect(await boxes(page, LIVE_LAYOUT)).toEqual(layout);
    await page.getByLabel('Run id').fill('');

    // Point at the third run row; new runs and a status change arrive: the row stays under the pointer.
    const third = page.locator('#runs li').nth(2);
    const box = await third.boundingBox();
    if (box === null) throw new Error('no third run row');
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(x - 10, y);
    await page.mouse.move(x, y);
    const aimed = await itemAt(page, x, y);
    expect(aimed?.key).toBe(await third.getAttribute('data-run'));
    const aimedRun = aimed?.key ?? '';
    const newcomers = [crypto.randomUUID(), crypto.randomUUID()];
    await publish(url, [
      ...newcomers.map((runId, index) => created(runId, `late-${index}`)),
      {
        type: 'run_status_changed',
        run_id: aimedRun,
        workflow_name: 'wf',
        from: 'pending',
        to: 'running',
        cost_usd: 0,
        duration_ms: 0,
      },
    ]);
    await expect.poll(() => page.locator('#runs-new').textContent(), WAIT).toBe('2 new runs');
    // The aimed row updated in place (its status), and did not move.
    await expect
      .poll(() => page.locator(`#runs li[data-run="${aimedRun}"] .status`).textContent(), WAIT)
      .toBe('running');
    expect(await itemAt(page, x, y)).toEqual(aimed);
    expect(await boxes(page, LIVE_LAYOUT)).toEqual(layout);

    // Point at an event row; new events wait behind "N new events" too.
    const eventRow = page.locator('#events li').nth(3);
    const eventBox = await eventRow.boundingBox();
    if (eventBox === null) throw new Error('no event row');
    const [ex, ey] = [eventBox.x + eventBox.width / 2, eventBox.y + eventBox.height / 2];
    await page.mouse.move(ex - 10, ey);
    await page.mouse.move(ex, ey);
    const aimedEvent = await itemAt(page, ex, ey);
    await publish(url, [created(crypto.randomUUID(), 'later-still')]);
    await expect.poll(() => page.locator('#events-new').textContent(), WAIT).toMatch(/^\d+ new events?$/);
    expect(await itemAt(page, ex, ey)).toEqual(aimedEvent);
    expect(await boxes(page, LIVE_LAYOUT)).toEqual(layout);

    // Pressing "N new events" shows them; leaving the runs shows the held runs, newest on top.
    await page.locator('#events-new').click();
    await expect
      .poll(() => page.locator('#events li .event-text').first().textContent(), WAIT)
      .toBe('later-still created');
    await page.mouse.move(5, 5);
    await expect.poll(() => page.locator('#runs .run').count(), WAIT).toBe(8);
    expect(await page.locator('#runs .run-name').first().textContent()).toBe('later-still');
    expect(await page.locator('#runs-new').getAttribute('data-count')).toBe('0');
    expect(await boxes(page, LIVE_LAYOUT)).toEqual(layout);

    // A run clicked keeps the focus, but once the pointer leaves, new runs show: only keyboard
    // focus holds a list.
    await page.locator('#runs li button').nth(1).click();
    await page.mouse.move(5, 5);
    await publish(url, [created(crypto.randomUUID(), 'after-click')]);
    await expect.poll(() => page.locator('#runs .run-name').first().textContent(), WAIT).toBe('after-click');
    // Keyboard focus on a run row holds the list, and the button shows what waits.
    await page.keyboard.press('ArrowDown'); // any key: the focus is now a keyboard focus
    await page.locator('#runs li button').nth(2).focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await publish(url, [created(crypto.randomUUID(), 'while-focused')]);
    await expect.poll(() => page.locator('#runs-new').textContent(), WAIT).toBe('1 new run');
    expect(await page.locator('#runs .run-name').first().textContent()).toBe('after-click');
    expect(problems).toEqual([]);
  }, 60_000);
});
