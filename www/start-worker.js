// Starts the simulation's worker as soon as the page is parsed, in parallel with the
// app's own wasm: the first prompt needs both. Messages and errors that arrive before
// the app takes the worker (kubeniwaUi.takeEarlyWorker) are kept for it.
(() => {
  try {
    const worker = new Worker('./worker_loader.js');
    const early = { worker, messages: [], error: null };
    worker.onmessage = (event) => early.messages.push(event.data);
    worker.onerror = (event) => {
      early.error = event.message || 'the worker did not start';
      event.preventDefault();
    };
    window.kubeniwaEarlyWorker = early;
  } catch (error) {
    // The app starts its own worker and reports what goes wrong.
    console.warn('could not start the worker early', error);
  }
})();
