// The terminal glue, loaded before the Yew app (see boot.js): xterm.js on the page,
// and the functions the app calls on `window.kubeniwaUi`. Monaco is not imported here:
// it is ten times larger, so `loadEditor` fetches it after the first prompt.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';

let term = null;
let editor = null;
// What the editor should show once Monaco has loaded (the app may change it meanwhile).
let editorFile = null;

// A small read-only hook for the browser tests and the benchmark.
const hook = {
  // True once the first prompt is on the screen.
  ready: false,
  // performance.now() when the first prompt was written (ms since navigation).
  firstPromptMs: null,
  // How many prompts have been shown: a command has finished when this grows.
  prompts: 0,
  // True once the simulation's worker answers, and when (ms since navigation).
  simulationReady: false,
  simulationReadyMs: null,
  editorLoaded: false,
  // The terminal's text, scrollback included, trailing blanks trimmed.
  terminalText() {
    if (!term) return '';
    const buffer = term.buffer.active;
    const lines = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (!line) continue;
      const text = line.translateToString(true);
      // A wrapped row continues the line above it.
      if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    return lines.join('\n').replace(/\s+$/, '');
  },
  editorText() {
    return editor ? editor.getValue() : null;
  },
  // Resolves once xterm.js has parsed everything written so far: it parses writes
  // later, so a prompt can be counted before the output above it is in the buffer.
  written() {
    return new Promise((resolve) => (term ? term.write('', resolve) : resolve()));
  },
};
window.kubeniwa = hook;

// Opening xterm.js builds its DOM and measures the font, which takes tens of
// milliseconds: boot.js calls prepareTerminal while the app's wasm compiles, in an
// off-screen holder that createTerminal then moves into the page.
let early = null;
function prepareTerminal() {
  if (early) return early;
  const holder = document.createElement('div');
  holder.style.cssText = 'position:absolute;left:-10000px;top:0;width:900px;height:500px';
  document.body.append(holder);
  const terminal = new Terminal({
    cursorBlink: true,
    fontFamily: "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace",
    fontSize: 14,
    lineHeight: 1.15,
    scrollback: 5000,
    theme: {
      background: '#14161b',
      foreground: '#d8dee9',
      cursor: '#f0c674',
      selectionBackground: '#3b4252',
    },
  });
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  terminal.open(holder);
  early = { holder, terminal, fit };
  return early;
}

window.kubeniwaUi = {
  prepareTerminal,

  createTerminal(element, onData) {
    const { holder, terminal, fit } = prepareTerminal();
    holder.style.cssText = 'width:100%;height:100%';
    element.append(holder);
    term = terminal;
    fit.fit();
    new ResizeObserver(() => fit.fit()).observe(element);
    term.onData((data) => onData(data));
    term.focus();
  },

  write(data) {
    term.write(data);
  },

  // Screen and scrollback; the app redraws the prompt after.
  clear() {
    term.write('\x1b[H\x1b[2J\x1b[3J');
  },

  // The worker answers: commands run from now on.
  simulationReady() {
    if (!hook.simulationReady) {
      hook.simulationReadyMs = performance.now();
      hook.simulationReady = true;
    }
  },

  prompted() {
    if (hook.prompts++ === 0) {
      hook.firstPromptMs = performance.now();
      hook.ready = true;
    }
  },

  loadEditor(element, path, content, onChange, onReady, onSave) {
    editorFile = { path, content };
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('./editor.css', import.meta.url).href;
    document.head.append(css);
    import(new URL('./editor.js', import.meta.url).href)
      .then((module) => {
        editor = module.createEditor(element, editorFile.path, editorFile.content, onChange, onSave);
        hook.editorLoaded = true;
        onReady();
      })
      .catch((error) => {
        console.error('the editor did not load', error);
        element.textContent = `The editor did not load (${error}). The terminal still works.`;
      });
  },

  setEditor(path, content) {
    editorFile = { path, content };
    if (editor) editor.show(path, content);
  },
};
