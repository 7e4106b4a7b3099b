//! The browser front end of Kubeniwa, as far as it can be written without a browser.
//!
//! The page (`src/bin/app.rs`) and the worker (`src/bin/worker.rs`) are thin: they move
//! bytes between the DOM, xterm.js, Monaco and `postMessage`. Everything that decides
//! something lives here, is plain Rust, and is tested natively:
//!
//! - [`protocol`]: the JSON messages between the page and the worker.
//! - [`worker_core`]: the worker's request handler around a [`kubeniwa_sandbox::Sandbox`].
//! - [`line_editor`]: the terminal's line editor (keys in, terminal bytes out).
//! - [`lesson_pane`]: the lesson pane's state (list, progress, step, check), inside the
//!   session.
//! - [`session`]: the page's state machine (events in, effects out), including the
//!   command journal that restores a learner's state after the worker crashes.
//!
//! Architecture invariant: only the two binaries touch web-sys, js-sys or wasm-bindgen,
//! and only when compiled for wasm32.

pub mod lesson_pane;
pub mod line_editor;
pub mod protocol;
pub mod session;
pub mod worker_core;

/// Converts text from the sandbox (lines ending in `\n`) to what xterm.js expects
/// (`\r\n`), leaving existing `\r\n` pairs alone.
pub fn to_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev = '\0';
    for c in text.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_terminal;

    #[test]
    fn newlines_become_crlf_once() {
        assert_eq!(to_terminal("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
        assert_eq!(to_terminal(""), "");
    }
}
