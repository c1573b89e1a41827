// Browser test of the self-service page over the real pipeline: `whyd serve
// --demo` (the demo tenant, the real rule packs and question matching) driven
// by Debian's chromium through playwright-core. page.test.mjs covers the page's
// rendering in detail with canned answers; this one checks that a real question
// reaches the right diagnosis and that refusals show. Writes screenshots/demo.png.
//
//   node demo.test.mjs /path/to/whyd
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const whyd = process.argv[2];
if (!whyd) {
  console.error('usage: node demo.test.mjs WHYD_BINARY');
  process.exit(2);
}

function startServer() {
  const child = spawn(whyd, ['serve', '--demo', '--listen', '127.0.0.1:0', '--access-log', 'off'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('whyd serve did not print its page URL')), 15000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/page: (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`whyd serve exited with ${code}`)));
  });
}

const { child, url } = await startServer();
const profile = mkdtempSync(join(tmpdir(), 'whyd-chromium-'));
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 375, height: 812 },
  });
  const page = context.pages()[0] || await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const askBodies = [];
  page.on('request', (r) => { if (r.url().endsWith('/ask')) askBodies.push(JSON.parse(r.postData())); });

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
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  if (context) await context.close();
  child.kill('SIGTERM');
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
