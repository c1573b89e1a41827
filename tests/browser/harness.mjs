// Shared harness of the browser tests: starts `whyd serve` with the given
// arguments on a free loopback port, waits for the page URL it prints, and
// opens Debian's chromium (headless, no network of its own) at phone width.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export function startServer(whyd, serveArgs, { timeoutMs = 15000 } = {}) {
  const child = spawn(whyd, ['serve', ...serveArgs, '--listen', '127.0.0.1:0', '--access-log', 'off'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('whyd serve did not print its page URL')), timeoutMs);
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

// Runs `body(page, askBodies, pageErrors)` in a fresh browser profile and
// always cleans up; exits the process with 1 when the body throws.
export async function withBrowser(server, body) {
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
    await body(page, askBodies, pageErrors);
  } catch (e) {
    failed = true;
    console.error(e);
  } finally {
    if (context) await context.close();
    server.child.kill('SIGTERM');
    rmSync(profile, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}
