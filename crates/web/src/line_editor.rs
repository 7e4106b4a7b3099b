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
            Key::Ignored => {}
        }
        None
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
        0x1b => return decode_escape(input),
        // Tab is reserved for completion; other control characters mean nothing here.
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
