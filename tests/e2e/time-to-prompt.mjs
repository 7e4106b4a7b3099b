// Time from navigation to the first prompt, and to the simulation's answering, RUNS
// fresh page loads (each in a new context: nothing cached). Prints "run_ms <ms>" and
// "ready_ms <ms>" per load, for `cargo xtask bench`.
import { launch, openPage, waitForPrompt } from './lib.mjs';

const runs = Number(process.env.RUNS ?? 5);
const browser = await launch();
// One load first, so that the measured ones do not include Chromium warming up.
await (await openPage(browser)).context().close();
for (let i = 0; i < runs; i++) {
  const page = await openPage(browser);
  await waitForPrompt(page);
  const { firstPromptMs, simulationReadyMs } = await page.evaluate(() => window.kubeniwa);
  console.log(`run_ms ${firstPromptMs.toFixed(1)}`);
  console.log(`ready_ms ${simulationReadyMs.toFixed(1)}`);
  await page.context().close();
}
await browser.close();
