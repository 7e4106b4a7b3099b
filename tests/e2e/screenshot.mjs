// Takes a screenshot of the page after a few commands, to look at it:
//   KUBENIWA_URL=http://127.0.0.1:8080/ node tests/e2e/screenshot.mjs /tmp/kubeniwa.png [command...]
import { launch, openPage, waitForPrompt, typeCommand } from './lib.mjs';

const [out = '/tmp/kubeniwa.png', ...commands] = process.argv.slice(2);
const browser = await launch();
const page = await openPage(browser);
await waitForPrompt(page);
for (const command of commands) {
  await typeCommand(page, command);
  await page.waitForTimeout(300);
}
await page.waitForFunction(() => window.kubeniwa.editorLoaded, null, { timeout: 20_000 }).catch(() => {});
await page.waitForTimeout(800);
await page.screenshot({ path: out });
if (page.problems.length) console.log(page.problems.join('\n'));
console.log(out);
await browser.close();
