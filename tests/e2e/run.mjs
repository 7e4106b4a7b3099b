// The browser journeys: a learner's paths through the page, in headless Chromium.
// Run by `cargo xtask test` against the built site; or by hand:
//   KUBENIWA_URL=http://127.0.0.1:8080/ node tests/e2e/run.mjs [name filter]
import {
  launch, openPage, waitForPrompt, expectTerminal, expectOutput, run, typeCommand, terminalText, indent,
  pasteIntoEditor,
} from './lib.mjs';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: myapp
spec:
  containers:
  - name: app
    image: nginx:1.27
`;

const journeys = {
  async 'the page loads: prompt, header, editor, no errors'(page) {
    await waitForPrompt(page);
    const title = await page.locator('header h1').innerText();
    if (!title.includes('箱庭') || !title.includes('Kubeniwa')) throw new Error(`header says ${title}`);
    await page.waitForFunction(() => window.kubeniwa.editorLoaded, null, { timeout: 20_000 });
    await page.locator('.editor .monaco-editor').waitFor();
    const tab = await page.locator('.files .file.active').innerText();
    if (tab !== 'pod.yaml') throw new Error(`the editor's tab is ${tab}`);
    // Type in the editor so that its workers (YAML validation) start too.
    await page.locator('.editor .monaco-editor .view-lines').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('\n# a comment\n');
    await page.waitForTimeout(1500);
    // CSP violations and script errors show up as console errors.
    if (page.problems.length) throw new Error(page.problems.join('\n'));
  },

  async 'an unknown command says so'(page) {
    await waitForPrompt(page);
    expectOutput(await run(page, 'foo'), 'bash: foo: command not found');
  },

  async 'the line editor: editing, history, Ctrl-C, Ctrl-L'(page) {
    await waitForPrompt(page);
    expectOutput(await run(page, 'foo'), 'bash: foo: command not found');
    // Up brings foo back; Home, then type in front of it.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Home');
    expectOutput(await run(page, 'x'), 'bash: xfoo: command not found');
    // Backspace in the middle of a line.
    await page.keyboard.type('bazr');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    expectOutput(await run(page, ''), 'bash: bar: command not found');
    // Ctrl-C throws the line away and gives a new prompt.
    await page.keyboard.type('never run');
    await page.keyboard.press('Control+C');
    await expectTerminal(page, 'never run^C');
    const after = await run(page, '');
    if (after.includes('bash: never')) throw new Error('a cancelled line ran');
    // Ctrl-L clears the screen and keeps the line being typed.
    await page.keyboard.type('kept');
    await page.keyboard.press('Control+L');
    await page.waitForTimeout(200);
    const cleared = (await terminalText(page)).split('\n');
    if (cleared.length !== 1 || !cleared[0].endsWith('$ kept')) {
      throw new Error(`after Ctrl-L the terminal shows:\n${indent(cleared.join('\n'))}`);
    }
  },

  async 'an open quote asks for more with > '(page) {
    await waitForPrompt(page);
    const first = await run(page, "echo 'one");
    if (!first.endsWith('\n>')) throw new Error(`no continuation prompt:\n${indent(first)}`);
    expectOutput(await run(page, "two'"), /two'\none\ntwo\n/);
  },

  async 'the editor and the shell share files'(page) {
    await waitForPrompt(page);
    expectOutput(await run(page, 'cat pod.yaml'), 'kubectl apply -f pod.yaml');
    await page.waitForFunction(() => window.kubeniwa.editorLoaded, null, { timeout: 20_000 });
    await page.locator('.editor .monaco-editor .view-lines').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('edited: yes\n');
    expectOutput(await run(page, 'cat pod.yaml'), /cat pod.yaml\nedited: yes\n[^\n]*$/);
    // A file the shell writes shows up in the file list, and opens in the editor.
    await run(page, 'echo hello > notes.txt');
    await page.locator('.files .file', { hasText: 'notes.txt' }).click();
    await page.waitForFunction(() => window.kubeniwa.editorText() === 'hello\n', null, { timeout: 5_000 });
  },

  async 'kind, kubectl and a Pod from the editor'(page) {
    await waitForPrompt(page);
    await run(page, 'kind create cluster', { timeout: 30_000 });
    expectOutput(await run(page, 'kubectl get nodes'), 'kind-control-plane   Ready    control-plane');

    // Put the manifest in the editor, as a learner would.
    await pasteIntoEditor(page, POD);

    expectOutput(await run(page, 'kubectl apply -f pod.yaml'), 'pod/myapp created');
    await run(page, 'sleep 30');
    expectOutput(await run(page, 'kubectl get pods'), /myapp\s+1\/1\s+Running/);
  },

  async 'the page survives a worker crash'(page) {
    await waitForPrompt(page);
    await typeCommand(page, '__kubeniwa_panic');
    await expectTerminal(page, 'The simulation crashed');
    await expectTerminal(page, 'Restored:', { timeout: 20_000 });
    expectOutput(await run(page, 'foo'), 'bash: foo: command not found');
    const status = await page.locator('header .status').innerText();
    if (status !== 'ready') throw new Error(`the header says ${status}`);
  },

  async 'a crash keeps the learner\'s files and commands'(page) {
    await waitForPrompt(page);
    await run(page, 'echo kept > kept.txt');
    await typeCommand(page, '__kubeniwa_panic');
    await expectTerminal(page, 'Restored:', { timeout: 20_000 });
    expectOutput(await run(page, 'cat kept.txt'), /cat kept.txt\nkept\n/);
  },
};

const filter = process.argv[2] ?? '';
const browser = await launch();
let passed = 0;
let failed = 0;
for (const [name, journey] of Object.entries(journeys)) {
  if (!name.includes(filter)) continue;
  const start = Date.now();
  const page = await openPage(browser);
  try {
    await journey(page);
    passed++;
    console.log(`ok      ${name} (${Date.now() - start} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAILED  ${name} (${Date.now() - start} ms)\n${indent(String(error?.message ?? error))}`);
    const text = await terminalText(page).catch(() => '(no terminal)');
    console.log(`  the terminal shows:\n${indent(text)}`);
    if (page.problems.length) console.log(`  page problems:\n${indent(page.problems.join('\n'))}`);
  } finally {
    await page.context().close();
  }
}
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
