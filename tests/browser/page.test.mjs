// Browser test of the self-service page: `whyd serve --fake-backend` (canned
// answers; the integrator switches this to --demo data) driven by Debian's
// chromium through playwright-core. Checks asking, finding cards, the
// did-you-mean flow, the 403 case, focus management, keyboard use and the
// 375 px layout; writes screenshots/page.png.
//
//   node page.test.mjs /path/to/whyd
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { startServer, withBrowser } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const whyd = process.argv[2];
if (!whyd) {
  console.error('usage: node page.test.mjs WHYD_BINARY');
  process.exit(2);
}

const server = await startServer(whyd, ['--fake-backend']);
const { url } = server;
await withBrowser(server, async (page, askBodies, pageErrors) => {
  await page.goto(url);
  await page.waitForSelector('#asker option', { state: 'attached' });
  assert.equal(new URL(page.url()).hash, '', 'the key is removed from the address bar');

  // 1. A learner asks about themselves, keyboard only.
  await page.selectOption('#asker', 'u-1');
  await page.focus('#question');
  await page.keyboard.type("Why can't I log in?");
  let tabs = 0;
  while (await page.evaluate(() => document.activeElement.id) !== 'ask' && tabs++ < 10) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ask', 'Tab reaches the Ask button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.card');
  assert.equal(await page.locator('.card').count(), 2);
  assert.match(await page.locator('.card').first().innerText(), /BLOCKING/i);
  assert.match(await page.locator('.card').first().innerText(), /Account locked/);
  assert.match(await page.locator('.card').first().innerText(), /What you can do[\s\S]*Wait until 14:32/,
    "the learner's own remediation steps are shown first");
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results-heading',
    'focus moves to the answer');
  assert.equal(await page.getAttribute('#results', 'aria-live'), 'polite');
  assert.match(await page.locator('.match').innerText(), /93%/);
  // Text from the server stays text: "<check>" is not an element.
  assert.equal(await page.locator('.card check').count(), 0);
  assert.match(await page.locator('.card').nth(1).innerText(), /<check>/);
  // Markdown: bold, a list and a safe link.
  assert.equal(await page.locator('.faq-answer strong').first().innerText(), 'not active');
  assert.equal(await page.locator('.faq-answer li').count(), 3);
  assert.equal(await page.getAttribute('.faq-answer a', 'href'), 'https://example.org/help/sign-in');
  assert.match(await page.locator('#results details summary').first().innerText(), /checked|others/i);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 375, `no horizontal scrolling at 375 px (scrollWidth ${overflow})`);
  await page.screenshot({ path: join(here, 'screenshots', 'page.png'), fullPage: true });

  // 2. A vague question offers "did you mean"; picking one resends with faq.
  await page.fill('#question', 'it does not work');
  await page.click('#ask');
  await page.waitForSelector('.did-you-mean button');
  assert.equal(await page.locator('.did-you-mean button').count(), 3);
  await page.click('.did-you-mean button[data-faq="account-locked"]');
  // (waitForFunction would need eval, which the page's CSP rightly forbids.)
  await page.locator('.match', { hasText: 'account locked' }).waitFor();
  assert.equal(askBodies.at(-1).faq, 'account-locked');
  assert.equal(await page.locator('.did-you-mean').count(), 0);

  // 3. Asking about someone you may not see: the one 403 message, announced.
  await page.fill('#question', 'why is alex locked out?');
  await page.fill('#subject', 'u-4');
  await page.click('#ask');
  await page.waitForSelector('.error[role="alert"]');
  assert.match(await page.locator('.error').innerText(), /may not see/);
  assert.equal(await page.locator('.card').count(), 0);

  // 4. An employer without a subject is asked who the question is about.
  await page.selectOption('#asker', 'u-2');
  await page.fill('#subject', '');
  await page.fill('#question', 'why is the account locked?');
  await page.click('#ask');
  await page.locator('.notice', { hasText: 'Who is this about' }).waitFor();
  assert.match(await page.locator('#results-body').innerText(), /Who is this about/);

  assert.deepEqual(pageErrors, [], 'no script errors');
  console.log('browser test: ok');
});
