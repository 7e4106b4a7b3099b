//! `kubectl get -o yaml` output: sigs.k8s.io/yaml's `Marshal`, i.e. Go `json.Marshal`, then
//! go-yaml v2 `Unmarshal` into untyped values, then go-yaml v2 `Marshal`.
//!
//! The go-yaml v2 encoder turns a value into libyaml events (choosing plain, double-quoted or
//! literal style per string), sorts map keys with its "natural" order, and the libyaml emitter
//! state machine lays the events out: 2-space indent, block sequences not indented under a
//! mapping key, 80-column line folding of long plain and quoted strings (kubectl never turns
//! that off), `{}`/`[]` for empty collections. This module ports that layout logic
//! faithfully, state by state, so the quirks come out the same.

use std::cmp::Ordering;

use serde_json::Value;

use super::resolve::{is_base60_float, resolve_plain, Resolved};
use crate::gonum;

/// Prints a value exactly as `kubectl get -o yaml` prints it (for a single object).
/// The output ends with a newline.
pub fn to_string(value: &Value) -> String {
    let events = events_of(value);
    let mut e = Emitter::new(&events);
    e.run();
    e.out
}

/// Several objects as kubectl's YAML printer prints them one after another: `---` before
/// every object but the first.
pub fn to_string_multi<'a, I>(values: I) -> String
where
    I: IntoIterator<Item = &'a Value>,
{
    let mut out = String::new();
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&to_string(v));
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

#[derive(Debug)]
enum Ev {
    MapStart,
    MapEnd,
    SeqStart,
    SeqEnd,
    Scalar(String, Style),
}

/// go-yaml v2 `keyList.Less` for two string keys.
pub(crate) fn go_yaml_key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.wrapping_mul(10).wrapping_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.wrapping_mul(10).wrapping_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

pub(crate) fn go_yaml_key_cmp(a: &str, b: &str) -> Ordering {
    if go_yaml_key_less(a, b) {
        Ordering::Less
    } else if go_yaml_key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// go-yaml v2 `encoder.stringv` with an empty tag: the requested style of a string.
fn string_style(s: &str) -> Style {
    let can_use_plain = resolve_plain(s) == Resolved::Str && !is_base60_float(s);
    if s.contains('\n') {
        Style::Literal
    } else if can_use_plain {
        Style::Plain
    } else {
        Style::Double
    }
}

/// The text go-yaml prints for a JSON number after the JSON → YAML round trip.
fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let json = gonum::format_json_float(f);
    match resolve_plain(&json) {
        Resolved::Int(i) => i.to_string(),
        Resolved::Uint(u) => u.to_string(),
        Resolved::Float(f) => match gonum::format_g(f, false).as_str() {
            "+Inf" => ".inf".into(),
            "-Inf" => "-.inf".into(),
            "NaN" => ".nan".into(),
            s => s.to_string(),
        },
        _ => json,
    }
}

fn scalar_event(v: &Value) -> Ev {
    match v {
        Value::Null => Ev::Scalar("null".into(), Style::Plain),
        Value::Bool(b) => Ev::Scalar(b.to_string(), Style::Plain),
        Value::Number(n) => Ev::Scalar(number_text(n), Style::Plain),
        Value::String(s) => Ev::Scalar(s.clone(), string_style(s)),
        Value::Array(_) | Value::Object(_) => unreachable!("collections are not scalars"),
    }
}

enum Frame<'a> {
    Map(Vec<(&'a String, &'a Value)>, usize),
    Seq(&'a [Value], usize),
}

/// The libyaml event stream go-yaml's encoder produces for a value, built without recursion.
fn events_of(root: &Value) -> Vec<Ev> {
    let mut events = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    fn push_value<'a>(v: &'a Value, events: &mut Vec<Ev>, stack: &mut Vec<Frame<'a>>) {
        match v {
            Value::Object(m) => {
                events.push(Ev::MapStart);
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                entries.sort_by(|a, b| go_yaml_key_cmp(a.0, b.0));
                stack.push(Frame::Map(entries, 0));
            }
            Value::Array(items) => {
                events.push(Ev::SeqStart);
                stack.push(Frame::Seq(items, 0));
            }
            other => events.push(scalar_event(other)),
        }
    }
    push_value(root, &mut events, &mut stack);
    while let Some(top) = stack.last_mut() {
        match top {
            Frame::Map(entries, i) => {
                if *i >= entries.len() {
                    stack.pop();
                    events.push(Ev::MapEnd);
                    continue;
                }
                let (k, v) = entries[*i];
                *i += 1;
                events.push(Ev::Scalar(k.clone(), string_style(k)));
                push_value(v, &mut events, &mut stack);
            }
            Frame::Seq(items, i) => {
                if *i >= items.len() {
                    stack.pop();
                    events.push(Ev::SeqEnd);
                    continue;
                }
                let v = &items[*i];
                *i += 1;
                push_value(v, &mut events, &mut stack);
            }
        }
    }
    events
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    DocumentContent,
    DocumentEnd,
    FlowSeqFirstItem,
    FlowSeqItem,
    FlowMapFirstKey,
    FlowMapKey,
    FlowMapSimpleValue,
    FlowMapValue,
    BlockSeqFirstItem,
    BlockSeqItem,
    BlockMapFirstKey,
    BlockMapKey,
    BlockMapSimpleValue,
    BlockMapValue,
    End,
}

#[derive(Default, Clone, Copy)]
struct ScalarAnalysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

const BEST_INDENT: i32 = 2;
const BEST_WIDTH: i32 = 80;

struct Emitter<'a> {
    events: &'a [Ev],
    head: usize,
    out: String,
    state: State,
    states: Vec<State>,
    indent: i32,
    indents: Vec<i32>,
    flow_level: i32,
    column: i32,
    whitespace: bool,
    indention: bool,
    root_context: bool,
    sequence_context: bool,
    mapping_context: bool,
    simple_key_context: bool,
    analysis: ScalarAnalysis,
    style: Style,
}

// Character classes of libyaml, on a char (the Go code works on UTF-8 bytes; these agree).
fn is_space(c: Option<char>) -> bool {
    c == Some(' ')
}
fn is_blank(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t'))
}
fn is_break(c: Option<char>) -> bool {
    matches!(c, Some('\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}'))
}
fn is_blankz(c: Option<char>) -> bool {
    matches!(c, None | Some(' ' | '\t' | '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\0'))
}
/// libyaml `is_printable`, which judges by the UTF-8 lead byte: 4-byte characters (emoji)
/// count as unprintable.
fn is_printable(c: char) -> bool {
    let c = c as u32;
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (0xA0..=0xD7FF).contains(&c)
        || ((0xE000..=0xFFFD).contains(&c) && c != 0xFEFF)
}

impl<'a> Emitter<'a> {
    fn new(events: &'a [Ev]) -> Self {
        Emitter {
            events,
            head: 0,
            out: String::new(),
            state: State::DocumentContent,
            states: Vec::new(),
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            column: 0,
            whitespace: true,
            indention: true,
            root_context: false,
            sequence_context: false,
            mapping_context: false,
            simple_key_context: false,
            analysis: ScalarAnalysis::default(),
            style: Style::Plain,
        }
    }

    fn run(&mut self) {
        while self.head < self.events.len() {
            if let Ev::Scalar(v, _) = &self.events[self.head] {
                self.analysis = analyze_scalar(v);
            }
            self.step();
            self.head += 1;
        }
        // The implicit DOCUMENT-END.
        if self.state == State::DocumentEnd {
            self.write_indent();
            self.state = State::End;
        }
    }

    fn ev(&self) -> &'a Ev {
        &self.events[self.head]
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn step(&mut self) {
        match self.state {
            State::DocumentContent => {
                self.states.push(State::DocumentEnd);
                self.emit_node(true, false, false, false);
            }
            State::FlowSeqFirstItem => self.flow_sequence_item(true),
            State::FlowSeqItem => self.flow_sequence_item(false),
            State::FlowMapFirstKey => self.flow_mapping_key(true),
            State::FlowMapKey => self.flow_mapping_key(false),
            State::FlowMapSimpleValue => self.flow_mapping_value(true),
            State::FlowMapValue => self.flow_mapping_value(false),
            State::BlockSeqFirstItem => self.block_sequence_item(true),
            State::BlockSeqItem => self.block_sequence_item(false),
            State::BlockMapFirstKey => self.block_mapping_key(true),
            State::BlockMapKey => self.block_mapping_key(false),
            State::BlockMapSimpleValue => self.block_mapping_value(true),
            State::BlockMapValue => self.block_mapping_value(false),
            State::DocumentEnd | State::End => {}
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn flow_sequence_item(&mut self, first: bool) {
        if first {
            self.write_indicator("[", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if matches!(self.ev(), Ev::SeqEnd) {
            self.flow_level -= 1;
            self.pop_indent();
            self.write_indicator("]", false, false, false);
            self.pop_state();
            return;
        }
        if !first {
            self.write_indicator(",", false, false, false);
        }
        if self.column > BEST_WIDTH {
            self.write_indent();
        }
        self.states.push(State::FlowSeqItem);
        self.emit_node(false, true, false, false);
    }

    fn flow_mapping_key(&mut self, first: bool) {
        if first {
            self.write_indicator("{", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if matches!(self.ev(), Ev::MapEnd) {
            self.flow_level -= 1;
            self.pop_indent();
            self.write_indicator("}", false, false, false);
            self.pop_state();
            return;
        }
        if !first {
            self.write_indicator(",", false, false, false);
        }
        if self.column > BEST_WIDTH {
            self.write_indent();
        }
        if self.check_simple_key() {
            self.states.push(State::FlowMapSimpleValue);
            self.emit_node(false, false, true, true);
        } else {
            self.write_indicator("?", true, false, false);
            self.states.push(State::FlowMapValue);
            self.emit_node(false, false, true, false);
        }
    }

    fn flow_mapping_value(&mut self, simple: bool) {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            if self.column > BEST_WIDTH {
                self.write_indent();
            }
            self.write_indicator(":", true, false, false);
        }
        self.states.push(State::FlowMapKey);
        self.emit_node(false, false, true, false);
    }

    fn block_sequence_item(&mut self, first: bool) {
        if first {
            let indentless = self.mapping_context && !self.indention;
            self.increase_indent(false, indentless);
        }
        if matches!(self.ev(), Ev::SeqEnd) {
            self.pop_indent();
            self.pop_state();
            return;
        }
        self.write_indent();
        self.write_indicator("-", true, false, true);
        self.states.push(State::BlockSeqItem);
        self.emit_node(false, true, false, false);
    }

    fn block_mapping_key(&mut self, first: bool) {
        if first {
            self.increase_indent(false, false);
        }
        if matches!(self.ev(), Ev::MapEnd) {
            self.pop_indent();
            self.pop_state();
            return;
        }
        self.write_indent();
        if self.check_simple_key() {
            self.states.push(State::BlockMapSimpleValue);
            self.emit_node(false, false, true, true);
        } else {
            self.write_indicator("?", true, false, true);
            self.states.push(State::BlockMapValue);
            self.emit_node(false, false, true, false);
        }
    }

    fn block_mapping_value(&mut self, simple: bool) {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
        self.states.push(State::BlockMapKey);
        self.emit_node(false, false, true, false);
    }

    fn emit_node(&mut self, root: bool, sequence: bool, mapping: bool, simple_key: bool) {
        self.root_context = root;
        self.sequence_context = sequence;
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match self.ev() {
            Ev::Scalar(..) => self.emit_scalar(),
            Ev::SeqStart => {
                let empty = matches!(self.events.get(self.head + 1), Some(Ev::SeqEnd));
                self.state = if self.flow_level > 0 || empty { State::FlowSeqFirstItem } else { State::BlockSeqFirstItem };
            }
            Ev::MapStart => {
                let empty = matches!(self.events.get(self.head + 1), Some(Ev::MapEnd));
                self.state = if self.flow_level > 0 || empty { State::FlowMapFirstKey } else { State::BlockMapFirstKey };
            }
            Ev::SeqEnd | Ev::MapEnd => {}
        }
    }

    fn check_simple_key(&self) -> bool {
        match self.ev() {
            Ev::Scalar(v, _) => !self.analysis.multiline && v.len() <= 128,
            Ev::SeqStart => matches!(self.events.get(self.head + 1), Some(Ev::SeqEnd)),
            Ev::MapStart => matches!(self.events.get(self.head + 1), Some(Ev::MapEnd)),
            _ => false,
        }
    }

    fn emit_scalar(&mut self) {
        let Ev::Scalar(value, requested) = self.ev() else { return };
        self.select_scalar_style(value, *requested);
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match self.style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::Single => self.write_single_quoted(value, allow_breaks),
            Style::Double => self.write_double_quoted(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
        self.pop_state();
    }

    fn select_scalar_style(&mut self, value: &str, requested: Style) {
        let a = self.analysis;
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed) || (self.flow_level == 0 && !a.block_plain_allowed) {
                style = Style::Single;
            }
            if value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::Single;
            }
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context) {
            style = Style::Double;
        }
        self.style = style;
    }

    // --- writers -------------------------------------------------------------------------

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_char(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn write_break_char(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, indicator: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.write_char(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !is_space(next) {
                    self.write_indent();
                } else {
                    self.write_char(c);
                }
                spaces = true;
            } else if is_break(Some(c)) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break_char(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write_char(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            i += 1;
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        let mut breaks = false;
        for i in 0..n {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < n && !is_space(next) {
                    self.write_indent();
                } else {
                    self.write_char(c);
                }
                spaces = true;
            } else if is_break(Some(c)) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break_char(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.write_char(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // libyaml's BOM test looks at the start of the value for every character.
        let starts_with_bom = value.starts_with('\u{feff}');
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        for i in 0..n {
            let c = chars[i];
            if !is_printable(c) || starts_with_bom || is_break(Some(c)) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{07}' => self.put('a'),
                    '\u{08}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{0b}' => self.put('v'),
                    '\u{0c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..width).rev() {
                            let digit = (v >> (k * 4)) & 0xF;
                            self.put(char::from_digit(digit, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < n {
                    self.write_indent();
                    if is_space(chars.get(i + 1).copied()) {
                        self.put('\\');
                    }
                } else {
                    self.write_char(c);
                }
                spaces = true;
            } else {
                self.write_char(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_scalar_hints(&mut self, chars: &[char]) {
        if is_space(chars.first().copied()) || is_break(chars.first().copied()) {
            self.write_indicator("2", false, false, false);
        }
        let chomp = if chars.is_empty() {
            Some('-')
        } else {
            let last = chars.len() - 1;
            if !is_break(Some(chars[last])) {
                Some('-')
            } else if last == 0 || is_break(Some(chars[last - 1])) {
                Some('+')
            } else {
                None
            }
        };
        if let Some(c) = chomp {
            let mut buf = [0u8; 4];
            self.write_indicator(c.encode_utf8(&mut buf), false, false, false);
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        self.write_block_scalar_hints(&chars);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(Some(c)) {
                self.write_break_char(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write_char(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// libyaml `yaml_emitter_analyze_scalar`.
fn analyze_scalar(value: &str) -> ScalarAnalysis {
    if value.is_empty() {
        return ScalarAnalysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with("---") || value.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let mut preceded_by_whitespace = true;
    for i in 0..n {
        let c = chars[i];
        let followed_by_whitespace = i + 1 >= n || is_blank(chars.get(i + 1).copied());
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                '?' | ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '-'
                    if followed_by_whitespace => {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                ':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                '#'
                    if preceded_by_whitespace => {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                _ => {}
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(Some(c)) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(Some(c));
    }

    let mut a = ScalarAnalysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}
