// Shared helpers for the end-to-end tests: Debian's Chromium through playwright-core, the
// served site's base URL, and the project's content read straight from talks/.
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

// Flags from shared/toolchain.md: without the background-networking ones Chromium floods the
// closed network with connections.
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh page that fails the test on any uncaught page error. */
export async function freshPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  return page;
}

/** Reads the TOML front matter fields the tests need from every talk file in `dir`. */
export function readTalks(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const front = text.split(/^\+\+\+\s*$/m)[1] ?? '';
      const field = (k) => {
        const m = front.match(new RegExp(`^${k}\\s*=\\s*(.+)$`, 'm'));
        return m ? JSON.parse(m[1].trim()) : undefined;
      };
      return {
        file: f,
        slug: field('slug'),
        title: field('title'),
        order: field('order'),
        summary: field('summary'),
        unlisted: field('unlisted') === true,
      };
    })
    .sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

export const TALKS = readTalks(process.env.TALKS_DIR ?? new URL('../../talks', import.meta.url).pathname);
export const FIXTURE_TALKS = readTalks(
  process.env.FIXTURE_TALKS_DIR ?? new URL('../fixtures/talks', import.meta.url).pathname,
);

/** Waits until the app has mounted (the build-time static copy is gone and main has content). */
export async function waitForApp(page) {
  // A hydrated page looks the same before the app is attached: the app marks <html> when it is.
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-app-started')
    && !document.getElementById('static-page') && document.querySelector('main#main h1'));
}

/** Runs axe-core on the page and returns the serious and critical violations. */
export async function seriousViolations(page) {
  // Evaluated through the debugging protocol: the pages' Content-Security-Policy allows no
  // inline script, so a <script> tag with axe in it would be blocked.
  await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
