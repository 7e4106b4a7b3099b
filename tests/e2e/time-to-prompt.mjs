// Time from navigation to the first prompt, RUNS fresh page loads (each in a new
// context: nothing cached). Prints "run_ms <ms>" per load, for `cargo xtask bench`.
import { launch, openPage, waitForPrompt } from './lib.mjs';

const runs = Number(process.env.RUNS ?? 5);
const browser = await launch();
// One load first, so that the measured ones do not include Chromium warming up.
await (await openPage(browser)).context().close();
for (let i = 0; i < runs; i++) {
  const page = await openPage(browser);
  await waitForPrompt(page);
  const ms = await page.evaluate(() => window.kubeniwa.firstPromptMs);
  console.log(`run_ms ${ms.toFixed(1)}`);
  await page.context().close();
}
await browser.close();
