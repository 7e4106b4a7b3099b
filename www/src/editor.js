// The editor, loaded on demand by terminal.js: Monaco with YAML highlighting and
// validation (monaco-yaml). Its workers are separate bundles next to this file.
import * as monaco from 'monaco-editor/editor/editor.api.js';
import 'monaco-editor/languages/definitions/yaml/register.js';
// The editing features a learner expects; the rest of Monaco's list stays out of the bundle.
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/codeAction/register.js';
import 'monaco-editor/features/codicon/register.js';
import 'monaco-editor/features/comment/register.js';
import 'monaco-editor/features/contextmenu/register.js';
import 'monaco-editor/features/cursorUndo/register.js';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/folding/register.js';
import 'monaco-editor/features/format/register.js';
import 'monaco-editor/features/gotoError/register.js';
import 'monaco-editor/features/hover/register.js';
import 'monaco-editor/features/indentation/register.js';
import 'monaco-editor/features/linesOperations/register.js';
import 'monaco-editor/features/multicursor/register.js';
import 'monaco-editor/features/suggest/register.js';
import 'monaco-editor/features/wordHighlighter/register.js';
import 'monaco-editor/features/wordOperations/register.js';
import { configureMonacoYaml } from 'monaco-yaml';

self.MonacoEnvironment = {
  getWorker() {
    return new Worker(new URL('./editor.worker.js', import.meta.url));
  },
};

// monaco-yaml 5.5 asks Monaco for its worker with `{ label, moduleId, createData }`;
// Monaco 0.57 wants the Worker itself. Its worker (monaco-worker-manager) starts on a
// first message and reads createData from the second, so we send both before Monaco
// sends anything.
const monacoForYaml = {
  ...monaco,
  editor: {
    ...monaco.editor,
    createWebWorker({ createData, host, keepIdleModels }) {
      const worker = new Worker(new URL('./yaml.worker.js', import.meta.url));
      worker.postMessage('start');
      worker.postMessage(createData);
      return monaco.editor.createWebWorker({ worker, host, keepIdleModels });
    },
  },
};

configureMonacoYaml(monacoForYaml, {
  enableSchemaRequest: false,
  validate: true,
  format: true,
  hover: true,
  completion: true,
  schemas: [],
});

function languageOf(path) {
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.json$/i.test(path)) return 'json';
  return 'plaintext';
}

// Creates the editor in `element`; `onChange(path, text)` is called on every edit
// the learner makes (not on `show`), `onSave()` on Ctrl-S (Cmd-S).
export function createEditor(element, path, content, onChange, onSave) {
  let currentPath = path;
  let showing = false;
  const editor = monaco.editor.create(element, {
    value: content,
    language: languageOf(path),
    theme: 'vs-dark',
    automaticLayout: true,
    fontSize: 14,
    tabSize: 2,
    insertSpaces: true,
    detectIndentation: false,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    quickSuggestions: false,
  });
  editor.onDidChangeModelContent(() => {
    if (!showing) onChange(currentPath, editor.getValue());
  });
  // Instead of the browser's "save page": save (and close the file `kubectl edit`
  // waits for).
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => {
    if (onSave) onSave();
  });
  return {
    getValue: () => editor.getValue(),
    show(newPath, text) {
      currentPath = newPath;
      showing = true;
      try {
        const model = editor.getModel();
        monaco.editor.setModelLanguage(model, languageOf(newPath));
        if (model.getValue() !== text) model.setValue(text);
      } finally {
        showing = false;
      }
    },
  };
}
