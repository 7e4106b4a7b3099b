//! The Web Worker: owns the learner's sandbox and answers the page's requests
//! (JSON strings, see `kubeniwa_web::protocol`). It posts `ready` first, because a
//! message sent to a worker before its wasm has set `onmessage` is lost.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::RefCell;

    use kubeniwa_web::protocol::Response;
    use kubeniwa_web::worker_core::WorkerCore;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();

    // A panic aborts the module (the page then restarts the worker); before it does,
    // tell the page and the console why.
    let panic_scope = scope.clone();
    std::panic::set_hook(Box::new(move |info| {
        let message = format!("panic: {info}");
        web_sys::console::error_1(&JsValue::from_str(&message));
        let _ = panic_scope.post_message(&JsValue::from_str(&Response::Error { message }.to_json()));
    }));

    let core = WorkerCore::new();
    let ready = core.ready().to_json();
    let core = RefCell::new(core);
    let reply = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else { return };
        let answer = core.borrow_mut().handle_json(&text);
        if let Some(answer) = answer {
            let _ = reply.post_message(&JsValue::from_str(&answer));
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(&ready));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the worker runs in a browser: try `cargo xtask serve`");
    std::process::exit(2);
}
