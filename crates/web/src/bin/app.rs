//! The page: a header, the lesson pane, the terminal (xterm.js) and the editor
//! (Monaco), and the [`Driver`] that connects them to the worker.
//!
//! Decisions live in [`kubeniwa_web::session::Session`] (a reducer: events in, effects
//! out); this file performs the effects: it owns the worker, the timers, and the calls
//! into the JavaScript glue in `www/src/` (bundled by esbuild, loaded before this app by
//! `www/boot.js`).

#[cfg(target_arch = "wasm32")]
fn main() {
    web::main();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the page runs in a browser: try `cargo xtask serve`");
    std::process::exit(2);
}

#[cfg(target_arch = "wasm32")]
mod web {
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;
    use std::rc::{Rc, Weak};

    use kubeniwa_web::lesson_pane::{LessonEvent, PaneView, STORAGE_KEY};
    use kubeniwa_web::protocol::{Response, SolutionItem};
    use kubeniwa_web::session::{Effect, Event, Session, View, JOURNAL_KEY};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{ErrorEvent, HtmlElement, MessageEvent, Worker};
    use yew::prelude::*;

    /// The worker script Trunk writes (`data-loader-shim`): a classic worker script
    /// that `importScripts` the wasm-bindgen glue. Relative, so any sub-path works.
    const WORKER_URL: &str = "./worker_loader.js";
    const TICK_MS: i32 = 1000;
    const SAVE_AFTER_MS: i32 = 400;

    /// The glue in `www/src/terminal.js`, on `window.kubeniwaUi`.
    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = kubeniwaUi, js_name = createTerminal)]
        fn create_terminal(element: &HtmlElement, on_data: &js_sys::Function);
        #[wasm_bindgen(js_namespace = kubeniwaUi, js_name = write)]
        fn terminal_write(data: &str);
        #[wasm_bindgen(js_namespace = kubeniwaUi, js_name = clear)]
        fn terminal_clear();
        #[wasm_bindgen(js_namespace = kubeniwaUi, js_name = prompted)]
        fn prompted();
        #[wasm_bindgen(js_namespace = kubeniwaUi, js_name = simulationReady)]
        fn simulation_ready();
        #[wasm_bindgen(js_namespace = kubeniwaUi, js_name = loadEditor)]
        fn load_editor(
            element: &HtmlElement,
            path: &str,
            content: &str,
            on_change: &js_sys::Function,
            on_ready: &js_sys::Function,
            on_save: &js_sys::Function,
        );
        #[wasm_bindgen(js_namespace = kubeniwaUi, js_name = setEditor)]
        fn set_editor(path: &str, content: &str);
    }

    pub fn main() {
        yew::Renderer::<App>::new().render();
    }

    #[function_component]
    fn App() -> Html {
        let view = use_state_eq(|| Session::new().view());
        let terminal_ref = use_node_ref();
        let editor_ref = use_node_ref();
        let driver = use_mut_ref(|| None::<Rc<Driver>>);

        {
            let set_view = view.setter();
            let (terminal_ref, editor_ref, driver) =
                (terminal_ref.clone(), editor_ref.clone(), driver.clone());
            use_effect_with((), move |_| {
                let started = Driver::start(
                    terminal_ref.cast::<HtmlElement>(),
                    editor_ref,
                    Callback::from(move |v| set_view.set(v)),
                );
                *driver.borrow_mut() = started.clone();
                move || {
                    if let Some(driver) = started {
                        driver.stop();
                    }
                }
            });
        }

        let open = {
            let driver = driver.clone();
            move |path: String| {
                let driver = driver.clone();
                Callback::from(move |_: MouseEvent| {
                    if let Some(driver) = driver.borrow().as_ref() {
                        driver.dispatch(Event::OpenFile(path.clone()));
                    }
                })
            }
        };

        let done = {
            let driver = driver.clone();
            move |save: bool| {
                let driver = driver.clone();
                Callback::from(move |_: MouseEvent| {
                    if let Some(driver) = driver.borrow().as_ref() {
                        driver.dispatch(Event::EditorDone { save });
                    }
                })
            }
        };

        let reset = {
            let driver = driver.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(driver) = driver.borrow().as_ref() {
                    driver.dispatch(Event::ResetSandbox);
                }
            })
        };

        let on_lesson: Callback<LessonEvent> = {
            let driver = driver.clone();
            Callback::from(move |event: LessonEvent| {
                if let Some(driver) = driver.borrow().as_ref() {
                    driver.dispatch(Event::Lesson(event));
                }
            })
        };

        let status = view.status;
        let ja = view.lessons.lang == "ja";
        html! {
            <div class="app">
                <header class="bar">
                    <h1 class="title"><span class="mark" lang="ja">{"箱庭"}</span>{" Kubeniwa"}</h1>
                    <span class="tagline">{"a Kubernetes sandbox in your browser"}</span>
                    <button
                        class={classes!("toggle-lessons", view.lessons.shown.then_some("active"))}
                        aria-pressed={view.lessons.shown.to_string()}
                        onclick={on_lesson.reform(|_: MouseEvent| LessonEvent::Toggle)}
                    >{ if ja { "レッスン" } else { "Lessons" } }</button>
                    <button
                        class="reset-sandbox"
                        title="A fresh sandbox: no clusters, no files (lesson progress stays)"
                        onclick={reset}
                    >{ if ja { "リセット" } else { "Reset" } }</button>
                    <span class={classes!("status", status.label())} role="status">
                        {status.label()}
                    </span>
                </header>
                <main class="panes">
                    if view.lessons.shown {
                        { lesson_pane(&view.lessons, &on_lesson) }
                    }
                    <section class="pane terminal-pane" aria-label="Terminal">
                        <div class="terminal-host" ref={terminal_ref}></div>
                    </section>
                    <section class="pane editor-pane" aria-label="Editor">
                        if let Some(path) = &view.editing {
                            <div class="edit-bar" role="toolbar" aria-label="kubectl edit">
                                <span class="edit-note" title={path.clone()}>
                                    {"kubectl edit is waiting for "}<code>{path.clone()}</code>
                                </span>
                                <button class="edit-save" title="Ctrl-S" onclick={done(true)}>{"Save and close"}</button>
                                <button class="edit-cancel" onclick={done(false)}>{"Cancel"}</button>
                            </div>
                        } else {
                        <nav class="files" aria-label="Files">
                            { for view.files.iter().map(|path| {
                                let active = *path == view.open_file;
                                html! {
                                    <button
                                        class={classes!("file", active.then_some("active"))}
                                        title={path.clone()}
                                        onclick={open(path.clone())}
                                    >{path.clone()}</button>
                                }
                            }) }
                        </nav>
                        }
                        <div class="editor-host">
                            <div class="editor" ref={editor_ref}></div>
                            if !view.editor_loaded {
                                <div class="editor-loading">{"Loading the editor…"}</div>
                            }
                        </div>
                    </section>
                </main>
            </div>
        }
    }

    /// The lesson pane: the list, or the open lesson's step.
    fn lesson_pane(pane: &PaneView, on: &Callback<LessonEvent>) -> Html {
        let ja = pane.lang == "ja";
        let t = |j: &'static str, e: &'static str| if ja { j } else { e };
        let langs = html! {
            <div class="lang-switch" role="group" aria-label="Language">
                <button class={classes!("lang", ja.then_some("active"))} onclick={on.reform(|_: MouseEvent| LessonEvent::Lang("ja".into()))}>{"日本語"}</button>
                <button class={classes!("lang", (!ja).then_some("active"))} onclick={on.reform(|_: MouseEvent| LessonEvent::Lang("en".into()))}>{"English"}</button>
            </div>
        };
        let body = match (&pane.open, &pane.lessons) {
            (_, None) => html! { <p class="muted">{ t("レッスンを読み込んでいます…", "Loading the lessons…") }</p> },
            (None, Some(list)) => html! {
                <>
                    <h2 class="pane-title">{ t("レッスン", "Lessons") }</h2>
                    <ol class="lesson-list">
                        { for list.iter().map(|l| {
                            let id = l.id.clone();
                            let progress = if l.done == l.steps { "done" } else if l.done > 0 { "started" } else { "new" };
                            html! {
                                <li class={classes!("lesson-item", progress)}>
                                    <button class="lesson-open" data-lesson={l.id.clone()} onclick={on.reform(move |_: MouseEvent| LessonEvent::Open(id.clone()))}>
                                        <span class="lesson-title">{ &l.title }</span>
                                        <span class="lesson-meta">{ format!("{}/{} · {}{}", l.done, l.steps, l.minutes, t("分", " min")) }</span>
                                    </button>
                                    <p class="lesson-desc">{ &l.description }</p>
                                </li>
                            }
                        }) }
                    </ol>
                    if !pane.problems.is_empty() {
                        <details class="problems"><summary>{ t("読み込めなかったレッスン", "Lessons that did not load") }</summary>
                            <ul>{ for pane.problems.iter().map(|p| html! { <li><code>{ p }</code></li> }) }</ul>
                        </details>
                    }
                    <button class="reset-all" onclick={on.reform(|_: MouseEvent| LessonEvent::ResetAll)}>
                        { t("すべてリセット (進み具合とクラスタ)", "Reset everything (progress and clusters)") }
                    </button>
                </>
            },
            (Some(open), _) => {
                let step = open.step;
                let last = open.steps.len().saturating_sub(1);
                let on_text = on.filter_reform(|e: MouseEvent| {
                    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
                    let button = target.closest("button[data-block]").ok()??;
                    button.get_attribute("data-block")?.parse().ok().map(LessonEvent::Block)
                });
                let on_text = Callback::from(move |e: MouseEvent| {
                    on_text.emit(e);
                });
                html! {
                    <>
                        <div class="lesson-head">
                            <button class="back" onclick={on.reform(|_: MouseEvent| LessonEvent::ShowList)}>{ t("← 一覧", "← Lessons") }</button>
                            <h2 class="pane-title">{ &open.title }</h2>
                        </div>
                        <ol class="step-tabs">
                            { for open.steps.iter().enumerate().map(|(i, (title, done))| html! {
                                <li>
                                    <button
                                        class={classes!("step-tab", (i == step).then_some("active"), done.then_some("done"))}
                                        title={title.clone()}
                                        onclick={on.reform(move |_: MouseEvent| LessonEvent::Step(i))}
                                    >{ if *done { format!("✓ {}", i + 1) } else { (i + 1).to_string() } }</button>
                                </li>
                            }) }
                        </ol>
                        { match &open.text {
                            None => html! { <p class="muted">{ t("読み込んでいます…", "Loading…") }</p> },
                            Some(text) => html! {
                                <>
                                    <article class="lesson-text" onclick={on_text}>
                                        { Html::from_html_unchecked(AttrValue::from(text.html.clone())) }
                                    </article>
                                    if !text.hints.is_empty() {
                                        <div class="hints">
                                            { for text.hints.iter().take(open.hints_shown).map(|h| html! {
                                                <div class="hint">{ Html::from_html_unchecked(AttrValue::from(h.clone())) }</div>
                                            }) }
                                            if open.hints_shown < text.hints.len() {
                                                <button class="hint-button" onclick={on.reform(|_: MouseEvent| LessonEvent::Hint)}>
                                                    { format!("{} ({}/{})", t("ヒントを見る", "Show a hint"), open.hints_shown + 1, text.hints.len()) }
                                                </button>
                                            }
                                        </div>
                                    }
                                    if !text.solution.is_empty() {
                                        <details class="solution">
                                            <summary>{ t("解答例", "Solution") }</summary>
                                            <ol>
                                                { for text.solution.iter().enumerate().map(|(i, item)| solution_item(i, item, ja, on)) }
                                            </ol>
                                        </details>
                                    }
                                </>
                            },
                        } }
                        <div class="check-row">
                            <button class="check-button" disabled={open.busy} onclick={on.reform(|_: MouseEvent| LessonEvent::Check)}>
                                { if open.busy { t("確認中…", "Checking…") } else { t("チェック", "Check") } }
                            </button>
                            if let Some(check) = &open.check {
                                <div class={classes!("check-result", if check.passed { "passed" } else { "failed" })} role="status">
                                    { &check.message }
                                </div>
                            }
                        </div>
                        <div class="step-nav">
                            <button class="prev" disabled={step == 0} onclick={on.reform(move |_: MouseEvent| LessonEvent::Step(step.saturating_sub(1)))}>{ t("← 前へ", "← Previous") }</button>
                            <button class="next" disabled={step >= last} onclick={on.reform(move |_: MouseEvent| LessonEvent::Step(step + 1))}>{ t("次へ →", "Next →") }</button>
                        </div>
                        <button class="reset-lesson" onclick={on.reform(|_: MouseEvent| LessonEvent::ResetLesson)}>
                            { t("このレッスンを最初からやり直す", "Start this lesson over") }
                        </button>
                    </>
                }
            }
        };
        html! {
            <section class="pane lesson-pane" aria-label="Lessons" lang={pane.lang.clone()}>
                { langs }
                { body }
            </section>
        }
    }

    fn solution_item(index: usize, item: &SolutionItem, ja: bool, on: &Callback<LessonEvent>) -> Html {
        let click = on.reform(move |_: MouseEvent| LessonEvent::Solution(index));
        match item {
            SolutionItem::Run { command } => html! {
                <li class="code-block run"><pre><code>{ command }</code></pre>
                    <button class="block-button run" onclick={click}>{ if ja { "▶ 実行" } else { "▶ Run" } }</button></li>
            },
            SolutionItem::Write { path, content } => html! {
                <li class="code-block file"><div class="code-file">{ path }</div><pre><code>{ content }</code></pre>
                    <button class="block-button file" onclick={click}>{ if ja { format!("{path} をエディタで開く") } else { format!("Open {path} in the editor") } }</button></li>
            },
            SolutionItem::Wait { seconds } => html! {
                <li class="wait">{ if ja { format!("{seconds} 秒ほど待つ") } else { format!("Wait about {seconds} seconds") } }</li>
            },
        }
    }

    /// Performs the session's effects and feeds it events. Events that arrive while one
    /// is being handled (a worker that fails to start, the editor echoing a change)
    /// are queued, so the session is never borrowed twice.
    struct Driver {
        this: Weak<Driver>,
        session: RefCell<Session>,
        queue: RefCell<VecDeque<Event>>,
        handling: Cell<bool>,
        worker: RefCell<Option<WorkerHandle>>,
        generation: Cell<u32>,
        editor: NodeRef,
        on_view: Callback<View>,
        tick: RefCell<Option<(i32, Closure<dyn FnMut()>)>>,
        save: RefCell<Option<(i32, Closure<dyn FnMut()>)>>,
        // JS callbacks that must live as long as the page.
        keep: RefCell<Vec<Closure<dyn FnMut(JsValue, JsValue)>>>,
    }

    struct WorkerHandle {
        worker: Worker,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(ErrorEvent)>,
    }

    impl Driver {
        fn start(
            terminal: Option<HtmlElement>,
            editor: NodeRef,
            on_view: Callback<View>,
        ) -> Option<Rc<Driver>> {
            let terminal = terminal?;
            let driver = Rc::new_cyclic(|this| Driver {
                this: this.clone(),
                session: RefCell::new(Session::restored(
                    load(STORAGE_KEY).as_deref(),
                    load(JOURNAL_KEY).as_deref(),
                    &window().navigator().language().unwrap_or_default(),
                )),
                queue: RefCell::new(VecDeque::new()),
                handling: Cell::new(false),
                worker: RefCell::new(None),
                generation: Cell::new(0),
                editor,
                on_view,
                tick: RefCell::new(None),
                save: RefCell::new(None),
                keep: RefCell::new(Vec::new()),
            });

            let weak = driver.this.clone();
            let on_data = Closure::<dyn FnMut(JsValue, JsValue)>::new(move |data: JsValue, _| {
                if let (Some(driver), Some(data)) = (weak.upgrade(), data.as_string()) {
                    driver.dispatch(Event::TerminalInput(data));
                }
            });
            create_terminal(&terminal, on_data.as_ref().unchecked_ref());
            driver.keep.borrow_mut().push(on_data);

            let weak = driver.this.clone();
            let tick = Closure::<dyn FnMut()>::new(move || {
                if let Some(driver) = weak.upgrade() {
                    driver.dispatch(Event::Tick);
                }
            });
            let id = window()
                .set_interval_with_callback_and_timeout_and_arguments_0(
                    tick.as_ref().unchecked_ref(),
                    TICK_MS,
                )
                .unwrap_or(0);
            *driver.tick.borrow_mut() = Some((id, tick));

            let effects = driver.session.borrow_mut().start(now());
            driver.perform_all(effects);
            driver.drain();
            Some(driver)
        }

        fn stop(&self) {
            if let Some((id, _)) = self.tick.borrow_mut().take() {
                window().clear_interval_with_handle(id);
            }
            if let Some((id, _)) = self.save.borrow_mut().take() {
                window().clear_timeout_with_handle(id);
            }
            if let Some(handle) = self.worker.borrow_mut().take() {
                handle.worker.terminate();
            }
        }

        fn dispatch(&self, event: Event) {
            self.queue.borrow_mut().push_back(event);
            self.drain();
        }

        /// Handles queued events, unless that is already happening further up the stack.
        fn drain(&self) {
            if self.handling.replace(true) {
                return;
            }
            loop {
                let Some(event) = self.queue.borrow_mut().pop_front() else { break };
                let effects = self.session.borrow_mut().update(now(), event);
                self.perform_all(effects);
            }
            self.handling.set(false);
            self.on_view.emit(self.session.borrow().view());
        }

        fn perform_all(&self, effects: Vec<Effect>) {
            for effect in effects {
                self.perform(effect);
            }
        }

        fn perform(&self, effect: Effect) {
            match effect {
                Effect::StartWorker => self.start_worker(),
                Effect::Post(request) => {
                    if let Some(handle) = self.worker.borrow().as_ref() {
                        if let Err(e) = handle.worker.post_message(&JsValue::from_str(&request.to_json())) {
                            self.queue.borrow_mut().push_back(Event::WorkerFailed(describe(&e)));
                        }
                    }
                }
                Effect::Term(text) => terminal_write(&text),
                Effect::ClearTerminal => terminal_clear(),
                Effect::Prompt => prompted(),
                Effect::SimulationReady => simulation_ready(),
                Effect::LoadEditor { path, content } => self.load_editor(&path, &content),
                Effect::SetEditor { path, content } => set_editor(&path, &content),
                Effect::ScheduleSave => self.schedule_save(),
                Effect::SaveProgress(json) => store(STORAGE_KEY, &json),
                Effect::SaveJournal(json) => store(JOURNAL_KEY, &json),
            }
        }

        /// Ends the current worker (a crashed wasm module cannot be re-entered) and
        /// starts a new one. Its events are tagged with a generation so that nothing
        /// from an old worker reaches the session.
        fn start_worker(&self) {
            if let Some(old) = self.worker.borrow_mut().take() {
                old.worker.terminate();
            }
            let generation = self.generation.get() + 1;
            self.generation.set(generation);
            // The first one starts with the app, just before the first prompt, which
            // does not wait for it: its wasm (most of the site) no longer competes with
            // the page's own for the network and the processor.
            let worker = match Worker::new(WORKER_URL) {
                Ok(worker) => worker,
                Err(e) => {
                    self.queue.borrow_mut().push_back(Event::WorkerFailed(describe(&e)));
                    return;
                }
            };
            let weak = self.this.clone();
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(driver) = weak.upgrade() else { return };
                if driver.generation.get() != generation {
                    return;
                }
                let Some(text) = event.data().as_string() else { return };
                match Response::from_json(&text) {
                    Ok(response) => driver.dispatch(Event::Worker(response)),
                    Err(message) => web_sys::console::error_1(&JsValue::from_str(&message)),
                }
            });
            let weak = self.this.clone();
            let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
                // Handled here: the learner sees it in the terminal.
                event.prevent_default();
                let Some(driver) = weak.upgrade() else { return };
                if driver.generation.get() != generation {
                    return;
                }
                let message = event.message();
                let message = if message.is_empty() { "the worker stopped".to_string() } else { message };
                driver.dispatch(Event::WorkerFailed(message));
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            *self.worker.borrow_mut() =
                Some(WorkerHandle { worker, _on_message: on_message, _on_error: on_error });
        }

        fn load_editor(&self, path: &str, content: &str) {
            let Some(element) = self.editor.cast::<HtmlElement>() else { return };
            let weak = self.this.clone();
            let on_change = Closure::<dyn FnMut(JsValue, JsValue)>::new(move |path: JsValue, text: JsValue| {
                if let (Some(driver), Some(path), Some(content)) =
                    (weak.upgrade(), path.as_string(), text.as_string())
                {
                    driver.dispatch(Event::EditorChanged { path, content });
                }
            });
            let weak = self.this.clone();
            let on_ready = Closure::<dyn FnMut(JsValue, JsValue)>::new(move |_, _| {
                if let Some(driver) = weak.upgrade() {
                    driver.dispatch(Event::EditorLoaded);
                }
            });
            let weak = self.this.clone();
            let on_save = Closure::<dyn FnMut(JsValue, JsValue)>::new(move |_, _| {
                if let Some(driver) = weak.upgrade() {
                    driver.dispatch(Event::EditorDone { save: true });
                }
            });
            load_editor(
                &element,
                path,
                content,
                on_change.as_ref().unchecked_ref(),
                on_ready.as_ref().unchecked_ref(),
                on_save.as_ref().unchecked_ref(),
            );
            self.keep.borrow_mut().extend([on_change, on_ready, on_save]);
        }

        fn schedule_save(&self) {
            let mut slot = self.save.borrow_mut();
            if let Some((id, _)) = slot.take() {
                window().clear_timeout_with_handle(id);
            }
            let weak = self.this.clone();
            let save = Closure::<dyn FnMut()>::new(move || {
                if let Some(driver) = weak.upgrade() {
                    driver.dispatch(Event::SaveEditor);
                }
            });
            let id = window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    save.as_ref().unchecked_ref(),
                    SAVE_AFTER_MS,
                )
                .unwrap_or(0);
            *slot = Some((id, save));
        }
    }

    /// What the page stored under `key`; storage may be refused (private mode): then
    /// nothing.
    fn load(key: &str) -> Option<String> {
        window().local_storage().ok()??.get_item(key).ok()?
    }

    fn store(key: &str, json: &str) {
        if let Ok(Some(storage)) = window().local_storage() {
            // Full or refused storage: the state lives on in the page until it closes.
            let _ = storage.set_item(key, json);
        }
    }

    fn window() -> web_sys::Window {
        web_sys::window().expect("the page has a window")
    }

    /// `performance.now()`: milliseconds since the page started, monotonic.
    fn now() -> f64 {
        window().performance().map(|p| p.now()).unwrap_or(0.0)
    }

    fn describe(value: &JsValue) -> String {
        value
            .as_string()
            .or_else(|| value.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
            .unwrap_or_else(|| format!("{value:?}"))
    }
}
