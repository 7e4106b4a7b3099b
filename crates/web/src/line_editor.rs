//! The terminal's line editor: xterm.js hands us what the learner typed or pasted
//! (`onData` strings: characters and escape sequences), we hand back the bytes that
//! redraw the line, and a finished line when Enter is pressed.
//!
//! Known limit: cursor movement inside a line uses relative moves (`ESC[nD`), which do
//! not cross a wrapped row; typing and deleting at the end of a long line works.

/// What the learner did that the session must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Enter: the line is finished (the editor is empty again).
    Submit(String),
    /// Ctrl-C: the line was thrown away (`^C` has been echoed).
    Cancel,
    /// Ctrl-L: clear the screen, then redraw the prompt and [`LineEditor::line`].
    Clear,
    /// Tab: complete the word before the cursor. The session asks the worker for the
    /// candidates of this text (the line up to the cursor) and hands them to
    /// [`LineEditor::complete`].
    Complete(String),
}

/// The result of [`LineEditor::feed`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Feed {
    /// Bytes for the terminal.
    pub echo: String,
    /// Set when feeding stopped at an action.
    pub action: Option<Action>,
    /// Input after the action, not yet consumed (typed ahead or pasted).
    pub rest: String,
}

/// One line being edited, and the history of submitted lines.
#[derive(Debug, Clone, Default)]
pub struct LineEditor {
    buffer: Vec<char>,
    cursor: usize,
    history: Vec<String>,
    /// Index into `history` while browsing it with up/down.
    browsing: Option<usize>,
    /// The line being typed before browsing started, restored by going past the end.
    draft: Vec<char>,
    /// Tab presses in a row (a second one lists the candidates, as bash does).
    tabs: u32,
}

const MAX_HISTORY: usize = 1000;

/// A decoded piece of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Char(char),
    Enter,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    KillToStart,
    KillToEnd,
    Interrupt,
    ClearScreen,
    Tab,
    Ignored,
}

impl LineEditor {
    pub fn new() -> LineEditor {
        LineEditor::default()
    }

    /// The line as typed so far.
    pub fn line(&self) -> String {
        self.buffer.iter().collect()
    }

    /// Bytes that redraw the current line after a prompt (used after Ctrl-L), leaving
    /// the terminal cursor where the editor's cursor is.
    pub fn redraw(&self) -> String {
        let mut out = self.line();
        out.push_str(&move_left(width(&self.buffer[self.cursor..])));
        out
    }

    /// Remembers a line for up/down without it being typed (e.g. after a replay).
    pub fn push_history(&mut self, line: &str) {
        if line.trim().is_empty() || self.history.last().map(String::as_str) == Some(line) {
            return;
        }
        self.history.push(line.to_string());
        if self.history.len() > MAX_HISTORY {
            self.history.remove(0);
        }
    }

    /// Consumes input until the first [`Action`] (or the end of `input`).
    pub fn feed(&mut self, input: &str) -> Feed {
        let mut feed = Feed::default();
        let mut rest = input;
        while !rest.is_empty() {
            let (key, len) = decode(rest);
            rest = &rest[len..];
            if let Some(action) = self.key(key, &mut feed.echo) {
                feed.action = Some(action);
                break;
            }
        }
        feed.rest = rest.to_string();
        feed
    }

    fn key(&mut self, key: Key, out: &mut String) -> Option<Action> {
        if key == Key::Tab {
            self.tabs += 1;
            return Some(Action::Complete(self.buffer[..self.cursor].iter().collect()));
        }
        self.tabs = 0;
        match key {
            Key::Char(c) => self.insert(c, out),
            Key::Enter => {
                let line = self.line();
                self.push_history(&line);
                self.reset();
                out.push_str("\r\n");
                return Some(Action::Submit(line));
            }
            Key::Interrupt => {
                self.reset();
                out.push_str("^C\r\n");
                return Some(Action::Cancel);
            }
            Key::ClearScreen => return Some(Action::Clear),
            Key::Backspace => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    let removed = self.buffer.remove(self.cursor);
                    out.push_str(&move_left(char_width(removed)));
                    self.redraw_tail(char_width(removed), out);
                }
            }
            Key::Delete => {
                if self.cursor < self.buffer.len() {
                    let removed = self.buffer.remove(self.cursor);
                    self.redraw_tail(char_width(removed), out);
                }
            }
            Key::Left => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    out.push_str(&move_left(char_width(self.buffer[self.cursor])));
                }
            }
            Key::Right => {
                if self.cursor < self.buffer.len() {
                    out.push_str(&move_right(char_width(self.buffer[self.cursor])));
                    self.cursor += 1;
                }
            }
            Key::Home => {
                out.push_str(&move_left(width(&self.buffer[..self.cursor])));
                self.cursor = 0;
            }
            Key::End => {
                out.push_str(&move_right(width(&self.buffer[self.cursor..])));
                self.cursor = self.buffer.len();
            }
            Key::KillToStart => {
                let killed: Vec<char> = self.buffer.drain(..self.cursor).collect();
                out.push_str(&move_left(width(&killed)));
                self.cursor = 0;
                self.redraw_tail(width(&killed), out);
            }
            Key::KillToEnd => {
                let killed: Vec<char> = self.buffer.drain(self.cursor..).collect();
                self.redraw_tail(width(&killed), out);
            }
            Key::Up => {
                let next = match self.browsing {
                    None if !self.history.is_empty() => Some(self.history.len() - 1),
                    Some(i) if i > 0 => Some(i - 1),
                    _ => None,
                };
                if let Some(i) = next {
                    if self.browsing.is_none() {
                        self.draft = self.buffer.clone();
                    }
                    self.browsing = Some(i);
                    let line: Vec<char> = self.history[i].chars().collect();
                    self.replace(line, out);
                }
            }
            Key::Down => {
                if let Some(i) = self.browsing {
                    let line = if i + 1 < self.history.len() {
                        self.browsing = Some(i + 1);
                        self.history[i + 1].chars().collect()
                    } else {
                        self.browsing = None;
                        std::mem::take(&mut self.draft)
                    };
                    self.replace(line, out);
                }
            }
            Key::Ignored | Key::Tab => {}
        }
        None
    }

    /// Applies the candidates for the word before the cursor, as bash's readline does:
    /// one candidate replaces the word (and a space follows unless it is a directory);
    /// several extend it to their longest common prefix; when that adds nothing, a
    /// second Tab in a row lists them in columns under the line, then the prompt and
    /// the line are drawn again. Returns the bytes for the terminal.
    pub fn complete(&mut self, candidates: &[String], prompt: &str, columns: usize) -> String {
        let mut out = String::new();
        let before: String = self.buffer[..self.cursor].iter().collect();
        let word_start = before.rfind([' ', '\t', '|', ';', '&', '(', '<', '>', '=', '`']).map(|i| i + 1).unwrap_or(0);
        // `--namespace=st` completes to `--namespace=staging`: candidates may carry
        // the part before the `=`.
        let word = &before[word_start..];
        let word_chars = word.chars().count();
        let cut = |c: &String| -> Option<String> {
            if c.starts_with(word) {
                return Some(c.clone());
            }
            // Candidates for a whole word after `=` or a flag (`--namespace=st`).
            let whole_start = before[..word_start].rfind([' ', '\t']).map(|i| i + 1).unwrap_or(0);
            let whole = &before[whole_start..];
            c.strip_prefix(&whole[..whole.len() - word.len()]).filter(|rest| rest.starts_with(word)).map(String::from)
        };
        let shown: Vec<String> = candidates.iter().filter_map(cut).collect();
        if shown.is_empty() {
            out.push('\x07');
            return out;
        }
        let common = common_prefix(&shown);
        let mut insert: String = common.chars().skip(word_chars).collect();
        if shown.len() == 1 && !common.ends_with('/') {
            insert.push(' ');
        }
        if !insert.is_empty() {
            for c in insert.chars() {
                self.insert(c, &mut out);
            }
            self.tabs = 0;
            return out;
        }
        if self.tabs < 2 {
            out.push('\x07');
            return out;
        }
        self.tabs = 0;
        // The list, column-major as readline prints it, names without their directory.
        let names: Vec<String> = shown.iter().map(|c| {
            let trimmed = c.trim_end_matches('/');
            match trimmed.rfind('/') {
                Some(i) if !c.contains('=') => c[i + 1..].to_string(),
                _ => c.clone(),
            }
        }).collect();
        let widest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0) + 2;
        let per_row = (columns / widest).max(1);
        let rows = names.len().div_ceil(per_row);
        out.push_str(&move_right(width(&self.buffer[self.cursor..])));
        out.push_str("\r\n");
        for r in 0..rows {
            let mut line = String::new();
            for c in 0..per_row {
                if let Some(n) = names.get(c * rows + r) {
                    line.push_str(n);
                    if c + 1 < per_row && names.get((c + 1) * rows + r).is_some() {
                        line.push_str(&" ".repeat(widest - n.chars().count()));
                    }
                }
            }
            out.push_str(&line);
            out.push_str("\r\n");
        }
        out.push_str(prompt);
        out.push_str(&self.redraw());
        out
    }

    fn insert(&mut self, c: char, out: &mut String) {
        self.buffer.insert(self.cursor, c);
        self.cursor += 1;
        out.push(c);
        let tail = &self.buffer[self.cursor..];
        if !tail.is_empty() {
            out.extend(tail.iter());
            out.push_str(&move_left(width(tail)));
        }
    }

    /// Rewrites everything after the cursor, blanking `erased` cells left over at the
    /// end, and puts the cursor back.
    fn redraw_tail(&self, erased: usize, out: &mut String) {
        let tail = &self.buffer[self.cursor..];
        out.extend(tail.iter());
        out.push_str(&" ".repeat(erased));
        out.push_str(&move_left(width(tail) + erased));
    }

    /// Replaces the whole line (history browsing).
    fn replace(&mut self, line: Vec<char>, out: &mut String) {
        out.push_str(&move_left(width(&self.buffer[..self.cursor])));
        out.push_str("\x1b[K");
        out.extend(line.iter());
        self.cursor = line.len();
        self.buffer = line;
    }

    fn reset(&mut self) {
        self.buffer.clear();
        self.cursor = 0;
        self.browsing = None;
        self.draft.clear();
    }
}

/// Decodes one key from the front of `input`: the key and how many bytes it used.
fn decode(input: &str) -> (Key, usize) {
    let bytes = input.as_bytes();
    let key = match bytes[0] {
        b'\r' => {
            // A pasted "\r\n" is one line end.
            let len = if bytes.get(1) == Some(&b'\n') { 2 } else { 1 };
            return (Key::Enter, len);
        }
        b'\n' => Key::Enter,
        0x7f | 0x08 => Key::Backspace,
        0x01 => Key::Home,
        0x05 => Key::End,
        0x03 => Key::Interrupt,
        0x0b => Key::KillToEnd,
        0x0c => Key::ClearScreen,
        0x15 => Key::KillToStart,
        b'\t' => Key::Tab,
        0x1b => return decode_escape(input),
        // Other control characters mean nothing here.
        b if b < 0x20 => Key::Ignored,
        _ => {
            let c = input.chars().next().expect("input is not empty");
            return (Key::Char(c), c.len_utf8());
        }
    };
    (key, 1)
}

/// Decodes `ESC [ params final`, `ESC O x`, or a lone escape.
fn decode_escape(input: &str) -> (Key, usize) {
    let bytes = input.as_bytes();
    match bytes.get(1) {
        Some(b'[') => {
            let mut end = 2;
            while end < bytes.len() && !(0x40..=0x7e).contains(&bytes[end]) {
                end += 1;
            }
            if end == bytes.len() {
                return (Key::Ignored, bytes.len());
            }
            let params = &input[2..end];
            let key = match (params, bytes[end]) {
                ("", b'A') => Key::Up,
                ("", b'B') => Key::Down,
                ("", b'C') => Key::Right,
                ("", b'D') => Key::Left,
                ("", b'H') | ("1", b'~') | ("7", b'~') => Key::Home,
                ("", b'F') | ("4", b'~') | ("8", b'~') => Key::End,
                ("3", b'~') => Key::Delete,
                _ => Key::Ignored,
            };
            (key, end + 1)
        }
        Some(b'O') => {
            let key = match bytes.get(2) {
                Some(b'A') => Key::Up,
                Some(b'B') => Key::Down,
                Some(b'C') => Key::Right,
                Some(b'D') => Key::Left,
                Some(b'H') => Key::Home,
                Some(b'F') => Key::End,
                _ => Key::Ignored,
            };
            (key, 3.min(bytes.len()))
        }
        _ => (Key::Ignored, 1),
    }
}

/// The longest prefix all `words` share (whole characters).
fn common_prefix(words: &[String]) -> String {
    let mut prefix: Vec<char> = words[0].chars().collect();
    for w in &words[1..] {
        let n = prefix.iter().zip(w.chars()).take_while(|(a, b)| **a == *b).count();
        prefix.truncate(n);
    }
    prefix.into_iter().collect()
}

fn move_left(cells: usize) -> String {
    if cells == 0 {
        String::new()
    } else {
        format!("\x1b[{cells}D")
    }
}

fn move_right(cells: usize) -> String {
    if cells == 0 {
        String::new()
    } else {
        format!("\x1b[{cells}C")
    }
}

fn width(chars: &[char]) -> usize {
    chars.iter().map(|&c| char_width(c)).sum()
}

/// Terminal cells a character takes: 2 for East Asian wide characters (箱庭, emoji),
/// 1 otherwise. A small table, enough for what learners type.
fn char_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(editor: &mut LineEditor, input: &str) -> (String, Vec<Action>) {
        let mut echo = String::new();
        let mut actions = Vec::new();
        let mut rest = input.to_string();
        while !rest.is_empty() {
            let feed = editor.feed(&rest);
            echo.push_str(&feed.echo);
            actions.extend(feed.action);
            rest = feed.rest;
        }
        (echo, actions)
    }

    fn tab(ed: &mut LineEditor, typed: &str) -> String {
        let feed = ed.feed(&format!("{typed}\t"));
        let Some(Action::Complete(line)) = feed.action else { panic!("no completion asked: {feed:?}") };
        assert_eq!(line, ed.line()[..line.len()]);
        line
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tab_completes_a_unique_word_and_adds_a_space() {
        let mut ed = LineEditor::new();
        assert_eq!(tab(&mut ed, "kubectl ge"), "kubectl ge");
        assert_eq!(ed.complete(&words(&["get"]), "$ ", 80), "t ");
        assert_eq!(ed.line(), "kubectl get ");
        // A directory gets no space: the next Tab goes on inside it.
        let mut ed = LineEditor::new();
        tab(&mut ed, "cat man");
        assert_eq!(ed.complete(&words(&["manifests/"]), "$ ", 80), "ifests/");
        assert_eq!(ed.line(), "cat manifests/");
    }

    #[test]
    fn tab_extends_to_the_common_prefix_then_a_second_tab_lists() {
        let mut ed = LineEditor::new();
        tab(&mut ed, "kubectl get po");
        let pods = words(&["poddisruptionbudgets.policy", "pods", "podtemplates"]);
        assert_eq!(ed.complete(&pods, "$ ", 80), "d");
        assert_eq!(ed.line(), "kubectl get pod");
        // Nothing more to add: the first Tab rings, the second lists, then the prompt
        // and the line come back.
        tab(&mut ed, "");
        assert_eq!(ed.complete(&pods, "$ ", 80), "\x07");
        tab(&mut ed, "");
        assert_eq!(
            ed.complete(&pods, "$ ", 80),
            "\r\npoddisruptionbudgets.policy  podtemplates\r\npods\r\n$ kubectl get pod"
        );
        assert_eq!(ed.line(), "kubectl get pod");
    }

    #[test]
    fn the_list_is_column_major_and_shows_names_without_their_directory() {
        let mut ed = LineEditor::new();
        tab(&mut ed, "kubectl apply -f manifests/");
        tab(&mut ed, "");
        let files = words(&["manifests/a.yaml", "manifests/b.yaml", "manifests/c.yaml"]);
        assert_eq!(ed.complete(&files, "$ ", 20), "\r\na.yaml  c.yaml\r\nb.yaml\r\n$ kubectl apply -f manifests/");
    }

    #[test]
    fn tab_completes_after_an_equals_sign_and_rings_with_nothing() {
        let mut ed = LineEditor::new();
        tab(&mut ed, "kubectl get pods --namespace=st");
        assert_eq!(ed.complete(&words(&["--namespace=staging"]), "$ ", 80), "aging ");
        assert_eq!(ed.line(), "kubectl get pods --namespace=staging ");
        let mut ed = LineEditor::new();
        tab(&mut ed, "nothing");
        assert_eq!(ed.complete(&[], "$ ", 80), "\x07");
        assert_eq!(ed.line(), "nothing");
    }

    #[test]
    fn typing_echoes_and_enter_submits() {
        let mut ed = LineEditor::new();
        let (echo, actions) = feed_all(&mut ed, "ls -l\r");
        assert_eq!(echo, "ls -l\r\n");
        assert_eq!(actions, vec![Action::Submit("ls -l".into())]);
        assert_eq!(ed.line(), "");
    }

    #[test]
    fn feeding_stops_at_the_first_line_and_keeps_the_rest() {
        let mut ed = LineEditor::new();
        let feed = ed.feed("one\r\ntwo\rthree");
        assert_eq!(feed.action, Some(Action::Submit("one".into())));
        assert_eq!(feed.rest, "two\rthree");
    }

    #[test]
    fn backspace_and_cursor_movement_edit_in_place() {
        let mut ed = LineEditor::new();
        let (echo, _) = feed_all(&mut ed, "kubctl\x1b[D\x1b[D\x1b[De");
        assert_eq!(ed.line(), "kubectl");
        assert!(echo.ends_with("ectl\x1b[3D"), "{echo:?}");
        let (echo, _) = feed_all(&mut ed, "\x7f");
        assert_eq!(ed.line(), "kubctl");
        assert_eq!(echo, "\x1b[1Dctl \x1b[4D");
        feed_all(&mut ed, "\x05x");
        assert_eq!(ed.line(), "kubctlx");
    }

    #[test]
    fn history_walks_up_and_back_down_to_the_draft() {
        let mut ed = LineEditor::new();
        feed_all(&mut ed, "first\rsecond\r");
        feed_all(&mut ed, "dra");
        feed_all(&mut ed, "\x1b[A");
        assert_eq!(ed.line(), "second");
        feed_all(&mut ed, "\x1b[A\x1b[A");
        assert_eq!(ed.line(), "first");
        feed_all(&mut ed, "\x1b[B");
        assert_eq!(ed.line(), "second");
        feed_all(&mut ed, "\x1b[B");
        assert_eq!(ed.line(), "dra");
    }

    #[test]
    fn ctrl_c_cancels_and_ctrl_l_clears() {
        let mut ed = LineEditor::new();
        let (echo, actions) = feed_all(&mut ed, "oops\x03");
        assert_eq!(echo, "oops^C\r\n");
        assert_eq!(actions, vec![Action::Cancel]);
        assert_eq!(ed.line(), "");
        let (_, actions) = feed_all(&mut ed, "ab\x0c");
        assert_eq!(actions, vec![Action::Clear]);
        assert_eq!(ed.line(), "ab");
    }

    #[test]
    fn wide_characters_move_two_cells() {
        let mut ed = LineEditor::new();
        let (echo, _) = feed_all(&mut ed, "箱庭\x1b[D");
        assert_eq!(echo, "箱庭\x1b[2D");
        let (echo, _) = feed_all(&mut ed, "\x7f");
        assert_eq!(ed.line(), "庭");
        assert_eq!(echo, "\x1b[2D庭  \x1b[4D");
    }

    #[test]
    fn unknown_escapes_and_tabs_are_ignored() {
        let mut ed = LineEditor::new();
        feed_all(&mut ed, "a\t\x1b[200~b\x1b[201~\x1b[15~\x1b");
        assert_eq!(ed.line(), "ab");
    }
}
