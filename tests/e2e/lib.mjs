// Shared by the journeys, the benchmark and the screenshot script: Chromium through
// playwright-core (installed in www/node_modules), and ways to read the page.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../www/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export const BASE_URL = process.env.KUBENIWA_URL ?? 'http://127.0.0.1:8080/';

// The flags verified on these machines (see /work/shared/docs/toolchain.md). Playwright
// gives every launch a fresh temporary profile (user-data-dir) of its own.
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// A fresh context (no cache, no storage) and a page that records its problems.
export async function openPage(browser, { width = 1400, height = 850 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(`console error: ${message.text()}`);
  });
  await page.goto(BASE_URL);
  return page;
}

// The first prompt comes before the simulation's worker is ready (Enter and Tab wait
// for it); journeys wait for both, the benchmark times both.
export async function waitForPrompt(page, timeout = 20_000) {
  await page.waitForFunction(() => window.kubeniwa?.ready === true, null, { timeout });
  await page.waitForFunction(() => window.kubeniwa?.simulationReady === true, null, { timeout });
}

export function terminalText(page) {
  return page.evaluate(() => window.kubeniwa.terminalText());
}

// Waits until the terminal shows `expected` (a string or a RegExp), at least `count`
// times. Fails with what the terminal shows.
export async function expectTerminal(page, expected, { timeout = 10_000, count = 1 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await terminalText(page);
    const seen = typeof expected === 'string'
      ? text.split(expected).length - 1
      : (text.match(new RegExp(expected.source, 'g' + expected.flags.replace('g', ''))) ?? []).length;
    if (seen >= count) return text;
    if (Date.now() > deadline) {
      throw new Error(`the terminal does not show ${expected} (x${count}); it shows:\n${indent(text)}`);
    }
    await page.waitForTimeout(50);
  }
}

// Types a line into the terminal the way a learner does, and presses Enter.
export async function typeCommand(page, line) {
  await page.locator('.terminal-host').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

// Types a command, waits for the next prompt (or "> "), and returns what the terminal
// printed in between: " <command>\n<output>\n<prompt>".
export async function run(page, line, { timeout = 15_000 } = {}) {
  const before = await page.evaluate(() => ({
    prompts: window.kubeniwa.prompts,
    text: window.kubeniwa.terminalText(),
  }));
  await typeCommand(page, line);
  try {
    await page.waitForFunction((n) => window.kubeniwa.prompts > n, before.prompts, { timeout });
  } catch {
    throw new Error(`no prompt after \`${line}\`; the terminal shows:\n${indent(await terminalText(page))}`);
  }
  // The prompt is counted when it is written; its output is in the buffer once parsed.
  await page.evaluate(() => window.kubeniwa.written());
  return (await terminalText(page)).slice(before.text.length);
}

// Replaces the editor's text the way a learner pastes a manifest: click, select all,
// paste. (Playwright's keyboard.insertText arrives in Monaco as typing, and typing a
// newline keeps the previous line's indentation, so a pasted YAML would be re-indented.)
export async function pasteIntoEditor(page, text) {
  await page.waitForFunction(() => window.kubeniwa.editorLoaded, null, { timeout: 20_000 });
  await page.locator('.editor .monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
    document.activeElement.dispatchEvent(paste);
  }, text);
  const written = await page.evaluate(() => window.kubeniwa.editorText());
  if (written !== text) throw new Error(`after pasting, the editor holds:\n${indent(written)}`);
}

// Fails unless `text` contains `expected` (a string or a RegExp).
export function expectOutput(text, expected, what = 'the output') {
  const ok = typeof expected === 'string' ? text.includes(expected) : expected.test(text);
  if (!ok) throw new Error(`${what} does not show ${expected}; it is:\n${indent(text)}`);
}

export function indent(text) {
  return text.split('\n').map((l) => `    | ${l}`).join('\n');
}
