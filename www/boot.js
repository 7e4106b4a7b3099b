// The page's entry point, a file rather than Trunk's inline script so that the
// Content-Security-Policy can forbid inline scripts. The terminal glue runs first (the
// app calls it as soon as it starts); both are fetched in parallel.
import './build/terminal.js';
import init from './app.js';

// Start compiling the app, and set up the terminal while it compiles.
const app = init({ module_or_path: new URL('./app_bg.wasm', import.meta.url) });
window.kubeniwaUi.prepareTerminal();
await app;
