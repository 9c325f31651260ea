// Page object for the trace viewer, plus the command-line tool's view of the same files.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BASE_URL } from './browser.mjs';

export const FIXTURES = process.env.FIXTURES_DIR ?? new URL('../../crates/trace-core/tests/fixtures', import.meta.url).pathname;
export const fixture = (rel) => join(FIXTURES, rel);
const TRACECHECK = process.env.TRACECHECK ?? new URL('../../target/debug/tracecheck', import.meta.url).pathname;

/** `tracecheck summary --json FILE`, parsed. */
export function cliSummary(file) {
  return JSON.parse(execFileSync(TRACECHECK, ['summary', '--json', file], { encoding: 'utf8' }).trim());
}

export class ViewerPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId('viewer');
  }

  async open() {
    await this.page.goto(`${BASE_URL}/viewer`);
    await this.page.waitForSelector('[data-testid=viewer][data-app-state=idle]');
  }

  /** Waits until the viewer settles after a load: idle (trace shown) or error. */
  async settled() {
    await this.page.waitForSelector('[data-testid=viewer]:is([data-app-state=idle],[data-app-state=error])', { timeout: 60_000 });
    return this.root.getAttribute('data-app-state');
  }

  async pick(file) {
    await this.page.setInputFiles('[data-testid=file-input]', file);
    // The state turns to "loading" synchronously on change; wait for it to settle again.
    return this.settled();
  }

  async pickBuffer(name, buffer) {
    await this.page.setInputFiles('[data-testid=file-input]', { name, mimeType: 'application/json', buffer });
    return this.settled();
  }

  /** Drops files with a synthetic drop event carrying a DataTransfer, as a real drop does. */
  async drop(files) {
    const payload = files.map((f) => ({ name: basename(f), text: readFileSync(f, 'latin1') }));
    const dt = await this.page.evaluateHandle((items) => {
      const dt = new DataTransfer();
      for (const { name, text } of items) {
        const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], name));
      }
      return dt;
    }, payload);
    await this.page.dispatchEvent('[data-testid=viewer]', 'dragover', { dataTransfer: dt });
    await this.page.dispatchEvent('[data-testid=viewer]', 'drop', { dataTransfer: dt });
    return this.settled();
  }

  /** The header's numbers, from its data attributes (the text is formatted for people). */
  async header() {
    const el = this.page.getByTestId('header-summary');
    await el.waitFor();
    return {
      text: await el.textContent(),
      spans: Number(await el.getAttribute('data-spans')),
      services: Number(await el.getAttribute('data-services')),
      durationNs: Number(await el.getAttribute('data-duration-ns')),
    };
  }

  rows() {
    return this.page.getByTestId('span-row');
  }
}
