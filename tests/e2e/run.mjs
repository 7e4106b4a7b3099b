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

  async 'Tab completes kubectl words and files; a second Tab lists the candidates'(page) {
    await waitForPrompt(page);
    await page.locator('.terminal-host').click();
    await page.keyboard.type('kubectl ro');
    await page.keyboard.press('Tab');
    await expectTerminal(page, /\$ kubectl rollout\s*$/);
    // Several subcommands: the first Tab rings, the second lists them under the line
    // and the prompt comes back with the line as it was.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expectTerminal(page, /history +pause +restart +resume +status +undo\s*\n\$ kubectl rollout\s*$/);
    await page.keyboard.press('Control+U');
    await page.keyboard.type('cat pod');
    await page.keyboard.press('Tab');
    await expectTerminal(page, /\$ cat pod\.yaml\s*$/);
    await page.keyboard.press('Enter');
    await expectTerminal(page, 'kubectl apply -f pod.yaml');
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

  async 'a lesson: open it, run its blocks, check fails then passes, reload keeps progress, reset'(page) {
    await waitForPrompt(page);
    // The pane lists the lessons; open the break-and-fix one.
    await page.locator('.lang-switch .lang', { hasText: 'English' }).click();
    await page.locator('.lesson-open[data-lesson="06-image-not-found"]').click({ timeout: 20_000 });
    await page.locator('.lesson-text h1', { hasText: 'Find out what is wrong' }).waitFor({ timeout: 30_000 });
    // Checking before doing anything fails and says what is missing.
    await page.locator('.check-button').click();
    const result = page.locator('.check-result');
    await result.waitFor({ timeout: 30_000 });
    await expectClass(result, 'failed');
    expectOutput(await result.innerText(), 'kubectl get pod myapp', 'the failed check');
    // Run the text's command blocks: they are typed into the terminal.
    const runs = page.locator('.lesson-text .block-button.run');
    if (await runs.count() < 2) throw new Error('the step has fewer than two Run buttons');
    await runs.nth(0).click();
    await expectTerminal(page, /\$ kubectl get pod myapp\n.*myapp\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/s, { timeout: 20_000 });
    await runs.nth(1).click();
    await expectTerminal(page, 'Failed to pull image', { timeout: 20_000 });
    await page.locator('.check-button').click();
    await page.locator('.check-result.passed').waitFor({ timeout: 30_000 });
    await page.locator('.step-tab.active.done').waitFor();

    // The next step: the hint and the solution's file button open the fixed manifest.
    await page.locator('.step-nav .next').click();
    await page.locator('.lesson-text h1', { hasText: 'Fix the image' }).waitFor({ timeout: 30_000 });
    await page.locator('.hint-button').click();
    await page.locator('.hint').first().waitFor();
    await page.locator('.solution summary').click();
    await page.locator('.solution .block-button.file').first().click();
    await page.waitForFunction(() => (window.kubeniwa.editorText() ?? '').includes('blux2/hello-server:1.0'), null, { timeout: 20_000 });
    await page.locator('.solution .block-button.run').first().click();
    await expectTerminal(page, 'pod/myapp configured', { timeout: 20_000 });
    await run(page, 'sleep 10');
    await page.locator('.check-button').click();
    await page.locator('.check-result.passed').waitFor({ timeout: 30_000 });

    // Reload: progress is kept (both steps done), the lesson reopens where it was.
    await page.reload();
    await waitForPrompt(page);
    await page.locator('.lesson-text h1', { hasText: 'Fix the image' }).waitFor({ timeout: 30_000 });
    const done = await page.locator('.step-tab.done').count();
    if (done !== 2) throw new Error(`after a reload ${done} steps are marked done, not 2`);
    // Switch to Japanese: the text follows.
    await page.locator('.lang-switch .lang', { hasText: '日本語' }).click();
    await page.locator('.lesson-text h1', { hasText: 'イメージを直す' }).waitFor({ timeout: 30_000 });

    // Start the lesson over: progress gone, the broken pod back, the check fails again.
    await page.locator('.reset-lesson').click();
    await page.locator('.lesson-text h1', { hasText: '何が起きているか調べる' }).waitFor({ timeout: 30_000 });
    if (await page.locator('.step-tab.done').count() !== 0) throw new Error('steps still marked done after starting over');
    expectOutput(await run(page, 'kubectl get pod myapp'), /myapp\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/);

    // Reset everything: back to the list, nothing done.
    await page.locator('.back').click();
    await page.locator('.reset-all').click();
    await expectTerminal(page, 'fresh sandbox', { timeout: 20_000 });
    const stored = await page.evaluate(() => localStorage.getItem('kubeniwa.lessons.v1'));
    if (stored.includes('06-image-not-found')) throw new Error(`progress after reset: ${stored}`);
    if (page.problems.length) throw new Error(page.problems.join('\n'));
  },

  async 'kubectl edit opens the object in the editor; Save and close applies it, Cancel does not'(page) {
    await waitForPrompt(page);
    await run(page, 'kind create cluster', { timeout: 30_000 });
    expectOutput(await run(page, 'kubectl create deployment web --image=nginx:1.24.0'), 'deployment.apps/web created');
    await page.waitForFunction(() => window.kubeniwa.editorLoaded, null, { timeout: 20_000 });
    await typeCommand(page, 'kubectl edit deploy/web');
    await page.locator('.edit-bar').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => (window.kubeniwa.editorText() ?? '').startsWith('# Please edit the object below.'), null, { timeout: 10_000 });
    const status = await page.locator('header .status').innerText();
    if (status !== 'running') throw new Error(`while kubectl edit waits the header says ${status}`);
    const yaml = await page.evaluate(() => window.kubeniwa.editorText());
    if (!yaml.includes('\n  replicas: 1\n')) throw new Error(`the editor shows:\n${indent(yaml)}`);
    await pasteIntoEditor(page, yaml.replace('\n  replicas: 1\n', '\n  replicas: 3\n'));
    await page.locator('.edit-bar .edit-save').click();
    await expectTerminal(page, /kubectl edit deploy\/web\ndeployment\.apps\/web edited\n\$\s*$/);
    // The editor has its file back.
    await page.locator('.files .file.active', { hasText: 'pod.yaml' }).waitFor({ timeout: 5_000 });
    expectOutput(await run(page, "kubectl get deploy web -o jsonpath='{.spec.replicas}'"), /\n3\$?/);
    // Cancel changes nothing.
    await typeCommand(page, 'kubectl edit deploy/web');
    await page.locator('.edit-bar .edit-cancel').click();
    await expectTerminal(page, 'Edit cancelled, no changes made.');
    if (page.problems.length) throw new Error(page.problems.join('\n'));
  },

  async 'the sandbox survives a reload; Reset starts a fresh one'(page) {
    await waitForPrompt(page);
    await run(page, 'kind create cluster', { timeout: 30_000 });
    expectOutput(await run(page, 'kubectl create deployment web --image=nginx:1.25.3'), 'deployment.apps/web created');
    await page.reload();
    await waitForPrompt(page);
    await expectTerminal(page, 'Restored: 2 commands replayed.');
    expectOutput(await run(page, 'kubectl get deploy'), /web\s+\d\/1\s/);
    await page.locator('.reset-sandbox').click();
    // The fresh sandbox's first prompt comes after the notice: type only once it is there.
    await expectTerminal(page, /fresh sandbox…\n\$/, { timeout: 20_000 });
    expectOutput(await run(page, 'kubectl get deploy'), 'The connection to the server localhost:8080 was refused');
    await page.reload();
    await waitForPrompt(page);
    expectOutput(await run(page, 'kubectl get deploy'), 'The connection to the server localhost:8080 was refused');
  },

  async 'a crash keeps the learner\'s files and commands'(page) {
    await waitForPrompt(page);
    await run(page, 'echo kept > kept.txt');
    await typeCommand(page, '__kubeniwa_panic');
    await expectTerminal(page, 'Restored:', { timeout: 20_000 });
    expectOutput(await run(page, 'cat kept.txt'), /cat kept.txt\nkept\n/);
  },
};

async function expectClass(locator, name) {
  const classes = await locator.getAttribute('class');
  if (!classes.split(/\s+/).includes(name)) throw new Error(`expected class ${name}, found "${classes}"`);
}

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
