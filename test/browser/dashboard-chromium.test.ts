import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDS_GROUP, startE2E } from '../helpers/e2e.js';
import type { ApiIssue, E2E } from '../helpers/e2e.js';

/**
 * The dashboard in headless Chromium (Debian's `chromium` package), on a whole Trellis running against
 * the GitLab simulator. Chromium missing is a failure, not a skip: CI must install it (`.ci/run` does).
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const TOKEN = 'browser-test-dashboard-token-1f2e3d';
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const LAPTOP = { width: 1366, height: 800 };
const PHONE = { width: 390, height: 844 };

let e2e: E2E;
let browser: Browser;
let laptop: BrowserContext;
let checkpoint: ApiIssue;
let internship: ApiIssue;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); the browser tests need it`);
  mkdirSync(ARTIFACTS, { recursive: true });
  e2e = await startE2E({ now: '2026-03-10T10:00:00Z', env: { DASHBOARD_TOKEN: TOKEN } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  laptop = await browser.newContext({ viewport: LAPTOP });

  // A training module with some progress, a checkpoint of this quarter and an internship request.
  const hello = await e2e.as('alice').createIssue({ title: 'Getting started' });
  await e2e.as('alice').comment(hello.iid, '@trellis-bot start sre-i');
  await e2e.settle();
  const [module] = (await e2e.as('root').issues({ search: 'SRE I training' })).filter((i) => i.title === 'SRE I training: @alice');
  let ticked = 0;
  const description = (module!.description ?? '').replace(/- \[ \] /g, (m) => (ticked++ < 5 ? '- [x] ' : m));
  await e2e.as('alice').editIssue(module!.iid, { description });
  // In alice's private records project, where her manager is a member: the dashboard lists the records group.
  checkpoint = await e2e.as('carol').api<ApiIssue>('POST', `/projects/${encodeURIComponent(`${RECORDS_GROUP}/alice`)}/issues`, { title: 'FY27-Q1 career checkpoint: @alice', labels: 'career-checkpoint,quarter::FY27-Q1,checkpoint::in-progress', confidential: true });
  internship = await e2e.as('dan').createIssue({ title: 'Internship: shadow on-call', labels: ['internship-request', 'internship::pending-approval'] });
  await e2e.settle();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await e2e?.close();
});

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().textContent())?.trim() ?? '';
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

describe('the dashboard in Chromium', () => {
  it('asks for the token first: 401 and a sign-in form, and a wrong token is refused', async () => {
    const page = await laptop.newPage();
    const res = await page.goto(`${e2e.trellis.url}/dashboard/training`);
    expect(res?.status()).toBe(401);
    expect(await heading(page)).toBe('Sign in to Trellis');
    await shot(page, 'signin-laptop');
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('That is not the dashboard token.');
    await page.close();
  });

  it('signs in with the token, lands where it was going, and keeps an HttpOnly SameSite=Strict cookie', async () => {
    const page = await laptop.newPage();
    await page.goto(`${e2e.trellis.url}/dashboard/training`);
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(`${e2e.trellis.url}/dashboard/training`), page.click('button[type=submit]')]);
    expect(await heading(page)).toBe('Training progress');
    const [cookie] = await laptop.cookies();
    expect(cookie).toMatchObject({ name: 'trellis_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie?.value).not.toContain(TOKEN);
    await page.close();
  });

  it('every navigation link opens its page, each showing what GitLab holds', async () => {
    const page = await laptop.newPage();
    await page.goto(`${e2e.trellis.url}/dashboard`);
    expect(await heading(page)).toBe('Trellis health');
    expect(await page.locator('.card', { hasText: 'Webhook' }).textContent()).toContain('executable');
    // Everything was relayed to the workers: nothing waits in the inbox.
    expect(await page.locator('.card', { hasText: 'Inbox' }).textContent()).toContain('0 events received and stored, not yet queued');
    await shot(page, 'health-laptop');

    const pages = [
      ['Training', 'Training progress'],
      ['Checkpoints', 'Checkpoints FY27-Q1'],
      ['Internships', 'Internship pipeline'],
      ['Gearing', 'Staff+ IC gearing'],
      ['Health', 'Trellis health'],
    ] as const;
    for (const [link, title] of pages) {
      await Promise.all([page.waitForLoadState('load'), page.click(`nav >> text=${link}`)]);
      expect(await heading(page), link).toBe(title);
      expect(await page.locator('nav a[aria-current=page]').textContent()).toBe(link);
      await shot(page, `${link.toLowerCase()}-laptop`);
    }
    await page.close();
  });

  it('shows training progress as a bar per module, and links each record to its GitLab issue', async () => {
    const page = await laptop.newPage();
    await page.goto(`${e2e.trellis.url}/dashboard/training`);
    const alice = page.locator('.card', { hasText: 'Alice Adams' });
    expect(await alice.locator('progress').getAttribute('value')).not.toBe('0');
    expect(await alice.locator('.pill').textContent()).toMatch(/^5\/\d+ · in progress$/);

    await page.goto(`${e2e.trellis.url}/dashboard/checkpoints`);
    const carol = page.locator('h2', { hasText: 'Carol Chen' });
    expect(await carol.count()).toBe(1);
    expect(await page.locator('a', { hasText: 'Alice Adams' }).getAttribute('href')).toBe(checkpoint.web_url);

    await page.goto(`${e2e.trellis.url}/dashboard/internships`);
    // The request has no answers, so Trellis has moved it to needs-info (the card the pipeline shows it in).
    const column = page.locator('.card', { hasText: 'needs info' });
    expect(await column.locator('a').getAttribute('href')).toBe(internship.web_url);
    expect(await column.textContent()).toContain('Dan Dorsey');

    await page.goto(`${e2e.trellis.url}/dashboard/gearing`);
    expect(await page.locator('tr', { hasText: 'Reliability: Foundations' }).textContent()).toContain('Sam Singh');
    await page.close();
  });

  it('opens the queue admin (bull-board) with the same sign-in', async () => {
    const page = await laptop.newPage();
    await page.goto(`${e2e.trellis.url}/dashboard`);
    await Promise.all([page.waitForURL(`${e2e.trellis.url}/admin/queues`), page.click('nav >> text=Queues')]);
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toMatch(/events/);
    await shot(page, 'queues-laptop');
    const stranger = await browser.newContext();
    const res = await (await stranger.newPage()).goto(`${e2e.trellis.url}/admin/queues`);
    expect(res?.status()).toBe(401);
    await stranger.close();
    await page.close();
  });

  it('reads on a phone: no page is wider than the screen', async () => {
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, storageState: await laptop.storageState() });
    const page = await phone.newPage();
    for (const path of ['', '/training', '/checkpoints', '/internships', '/gearing']) {
      const res = await page.goto(`${e2e.trellis.url}/dashboard${path}`);
      expect(res?.status(), path).toBe(200);
      // A string, evaluated in the page: the test's TypeScript has no DOM library.
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      expect(overflow, `${path || '/'} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
      await shot(page, `${path.slice(1) || 'health'}-phone`);
    }
    await phone.close();
  });

  it('signing out ends the session', async () => {
    const page = await laptop.newPage();
    await page.goto(`${e2e.trellis.url}/dashboard`);
    await Promise.all([page.waitForURL(`${e2e.trellis.url}/dashboard/login`), page.click('text=Sign out')]);
    const res = await page.goto(`${e2e.trellis.url}/dashboard`);
    expect(res?.status()).toBe(401);
    await page.close();
  });
});
