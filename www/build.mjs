// Bundles the page's JavaScript with esbuild into www/build/ (copied into dist/ by
// Trunk). Run by `cargo xtask`; everything comes from node_modules, nothing from a CDN.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';

const here = fileURLToPath(new URL('.', import.meta.url));
const outdir = `${here}build`;
rmSync(outdir, { recursive: true, force: true });

const common = {
  absWorkingDir: here,
  bundle: true,
  minify: true,
  legalComments: 'linked',
  target: ['es2022'],
  outdir,
  logLevel: 'warning',
};

await Promise.all([
  // Loaded with the page: xterm.js and the glue the app calls.
  esbuild.build({
    ...common,
    entryPoints: { terminal: 'src/terminal.js' },
    format: 'esm',
  }),
  // Loaded after the first prompt.
  esbuild.build({
    ...common,
    entryPoints: { editor: 'src/editor.js' },
    format: 'esm',
    loader: { '.ttf': 'file' },
  }),
  // Monaco's workers, classic scripts.
  esbuild.build({
    ...common,
    entryPoints: {
      'editor.worker': 'node_modules/monaco-editor/esm/vs/editor/editor.worker.start.js',
      'yaml.worker': 'node_modules/monaco-yaml/yaml.worker.js',
    },
    format: 'iife',
    alias: {
      'monaco-editor/esm/vs/editor/editor.worker.js': './node_modules/monaco-editor/esm/vs/editor/editor.worker.js',
    },
  }),
]);
