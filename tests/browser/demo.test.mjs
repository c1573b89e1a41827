// Browser test of the self-service page over the real pipeline: `whyd serve
// --demo` (the demo tenant, the real rule packs and question matching) driven
// by Debian's chromium through playwright-core. page.test.mjs covers the page's
// rendering in detail with canned answers; this one checks that a real question
// reaches the right diagnosis and that refusals show. Writes screenshots/demo.png.
//
//   node demo.test.mjs /path/to/whyd
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { startServer, withBrowser } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const whyd = process.argv[2];
if (!whyd) {
  console.error('usage: node demo.test.mjs WHYD_BINARY');
  process.exit(2);
}

const server = await startServer(whyd, ['--demo']);
const { url } = server;
await withBrowser(server, async (page, askBodies, pageErrors) => {
  await page.goto(url);
  await page.waitForSelector('#asker option', { state: 'attached' });
  assert.equal(new URL(page.url()).hash, '', 'the key is removed from the address bar');

  // 1. An admin asks about a learner by name; the real rules find the lock.
  await page.selectOption('#asker', 'u-adam');
  await page.fill('#question', "Why can't Jamie Smith log in?");
  await page.click('#ask');
  await page.waitForSelector('.card');
  const first = await page.locator('.card').first().innerText();
  assert.match(first, /BLOCKING/i);
  assert.match(first, /Jamie Smith's account has been locked/);
  assert.match(first, /Unlock the account/);
  assert.match(await page.locator('.match').innerText(), /Why can't my learner log in/);
  assert.equal(askBodies.at(-1).asker, 'u-adam');
  await page.screenshot({ path: join(here, 'screenshots', 'demo.png'), fullPage: true });

  // 2. An admin of another group tree asks about the same learner: refused.
  await page.selectOption('#asker', 'u-bob');
  await page.fill('#subject', 'u-jamie');
  await page.click('#ask');
  await page.waitForSelector('.error[role="alert"]');
  assert.match(await page.locator('.error').innerText(), /may not see/);
  assert.equal(await page.locator('.card').count(), 0);

  assert.deepEqual(pageErrors, [], 'no script errors');
  console.log('demo browser test: ok');
});
