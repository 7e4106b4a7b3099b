//! Reading manifests the way kubectl does: `---` splitting, JSON streams, YAML 1.1 decoding.
//!
//! The pipeline mirrors kubectl's: apimachinery's `YAMLReader` cuts the stream into documents
//! at lines starting with `---`; each document goes through sigs.k8s.io/yaml (`go-yaml v2` into
//! untyped values, then to JSON); kubectl's `StreamVisitor` skips documents that come out empty
//! or `null`. Numbers end up as kubectl's unstructured decoding leaves them: whole numbers that
//! fit in an int64 are integers, everything else is a float.
//!
//! The YAML events come from serde-saphyr's parser (`granit_parser`); node building, aliases,
//! merge keys and YAML 1.1 scalar resolution are done here so that they follow go-yaml v2.
//! Nothing recurses deeper than [`ParseLimits::max_depth`], and alias expansion is checked with
//! go-yaml's own "excessive aliasing" rule before any value is built.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser::{
    self, Event, Parser, ScalarStyle, ScanError,
};

use super::error::{classify_scan_error, YamlError, YamlErrorKind};
use super::resolve::{resolve_plain, Resolved};
use crate::gonum;

/// Resource limits for [`parse_documents_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseLimits {
    /// Deepest nesting of collections, counting alias expansion. go-yaml allows 10000; the
    /// default here is lower because `serde_json::Value` is dropped, cloned and printed by
    /// recursion, and a browser's wasm stack is small.
    pub max_depth: u32,
    /// Most nodes that alias expansion may add to one document (on top of go-yaml's ratio rule).
    pub max_alias_nodes: u64,
    /// Largest input accepted, in bytes (the API server rejects request bodies over 3 MiB).
    pub max_input_bytes: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits { max_depth: 1000, max_alias_nodes: 1_000_000, max_input_bytes: 3 * 1024 * 1024 }
    }
}

/// Parses a manifest file (YAML, possibly several `---` separated documents, or a JSON stream)
/// into one JSON value per non-empty document, as `kubectl apply -f` reads it.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, YamlError> {
    parse_documents_with(text, &ParseLimits::default())
}

/// [`parse_documents`] with explicit limits.
pub fn parse_documents_with(text: &str, limits: &ParseLimits) -> Result<Vec<Value>, YamlError> {
    if text.len() > limits.max_input_bytes {
        return Err(YamlError::new(
            YamlErrorKind::Limit,
            None,
            None,
            format!("input is larger than {} bytes", limits.max_input_bytes),
            format!("the file is larger than the {} byte limit", limits.max_input_bytes),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let json_error = if text.trim_start().starts_with('{') {
        match super::json_stream::parse_json_stream(text) {
            Ok(values) => return Ok(values),
            Err(e) => Some(e),
        }
    } else {
        None
    };
    // kubectl falls back to YAML when a JSON stream does not decode, and reports the JSON
    // error if YAML fails as well.
    match parse_yaml_stream(text, limits) {
        Ok(values) => Ok(values),
        Err(e) => Err(json_error.unwrap_or(e)),
    }
}

fn parse_yaml_stream(text: &str, limits: &ParseLimits) -> Result<Vec<Value>, YamlError> {
    let mut out = Vec::new();
    for chunk in split_documents(text)? {
        if let Some(v) = parse_chunk(&chunk.text, chunk.first_line, limits)? {
            if !v.is_null() {
                out.push(v);
            }
        }
    }
    Ok(out)
}

/// Where something is in the input: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line in the whole input.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
}

/// A parsed document with the source positions of its parts, for pointing an editor at a
/// field that later fails validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document as JSON.
    pub value: Value,
    /// 1-based line where the document's text starts.
    pub first_line: u32,
    /// Positions by JSON pointer (`/spec/containers/0/image`): for a map entry the position of
    /// its key, for a sequence item the position of the item. Parts that come from an alias
    /// expansion point at the anchored text. JSON manifests have no positions.
    pub positions: BTreeMap<String, Position>,
}

impl Document {
    /// The position of the part at `pointer`, or of its nearest ancestor that has one.
    pub fn position_of(&self, pointer: &str) -> Option<Position> {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
}

/// [`parse_documents`] that also records where each field and item is, so errors found later
/// (an unknown field, a bad value) can point at the line in the editor.
pub fn parse_documents_with_positions(text: &str, limits: &ParseLimits) -> Result<Vec<Document>, YamlError> {
    if text.len() > limits.max_input_bytes {
        return parse_documents_with(text, limits).map(|_| Vec::new());
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        if let Ok(values) = super::json_stream::parse_json_stream(text) {
            return Ok(values.into_iter().map(|value| Document { value, first_line: 1, positions: BTreeMap::new() }).collect());
        }
    }
    let mut out = Vec::new();
    for chunk in split_documents(text)? {
        let mut positions = BTreeMap::new();
        match parse_chunk_inner(&chunk.text, chunk.first_line, limits, Some(&mut positions)) {
            Ok(Some(v)) if !v.is_null() => out.push(Document { value: v, first_line: chunk.first_line, positions }),
            Ok(_) => {}
            Err(e) => {
                // Report exactly what parse_documents reports (a JSON error may take precedence).
                return Err(parse_documents_with(text, limits).err().unwrap_or(e));
            }
        }
    }
    Ok(out)
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
fn pointer_segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// One document as apimachinery's `YAMLReader` hands it to the YAML decoder.
pub(crate) struct Chunk {
    pub text: String,
    /// 1-based line of the chunk's first line in the whole input.
    pub first_line: u32,
}

/// apimachinery `YAMLReader.Read`: lines are read with `bufio.ReadLine` (which drops `\n` or
/// `\r\n`) and re-terminated with `\n`; a line starting with `---` ends the document, and
/// anything after the `---` other than a comment is an error.
pub(crate) fn split_documents(text: &str) -> Result<Vec<Chunk>, YamlError> {
    let mut chunks = Vec::new();
    let mut buf = String::new();
    let mut buf_first_line = 1u32;
    let mut line_no = 0u32;
    let mut lines = text.split('\n').peekable();
    while let Some(raw) = lines.next() {
        if lines.peek().is_none() && raw.is_empty() {
            break; // The text ended with a newline.
        }
        line_no += 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim_matches(|c: char| c.is_whitespace());
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError::new(
                    YamlErrorKind::Separator,
                    Some(line_no),
                    Some(1),
                    format!("invalid Yaml document separator: {trimmed}"),
                    format!("invalid Yaml document separator: {trimmed}"),
                ));
            }
            if !buf.is_empty() {
                chunks.push(Chunk { text: std::mem::take(&mut buf), first_line: buf_first_line });
            }
            buf_first_line = line_no + 1;
            continue;
        }
        if buf.is_empty() {
            buf_first_line = line_no;
        }
        buf.push_str(line);
        buf.push('\n');
    }
    if !buf.is_empty() {
        chunks.push(Chunk { text: buf, first_line: buf_first_line });
    }
    Ok(chunks)
}

#[derive(Debug)]
enum NodeKind {
    Scalar { value: String, tag: Option<String>, plain: bool },
    Seq(Vec<usize>),
    /// Keys and values alternate.
    Map(Vec<usize>),
    Alias(usize),
}

#[derive(Debug)]
struct Node {
    kind: NodeKind,
    /// 1-based line within the chunk.
    line: u32,
    /// 1-based column.
    col: u32,
    anchor: Option<String>,
}

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

fn long_tag(tag: &granit_parser::Tag) -> String {
    format!("{}{}", tag.handle(), tag.suffix())
}

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

/// Parses one document chunk into the untyped value go-yaml v2 would produce, converted to JSON.
/// `Ok(None)` means the chunk held no document at all.
pub(crate) fn parse_chunk(text: &str, first_line: u32, limits: &ParseLimits) -> Result<Option<Value>, YamlError> {
    parse_chunk_inner(text, first_line, limits, None)
}

fn parse_chunk_inner(
    text: &str,
    first_line: u32,
    limits: &ParseLimits,
    positions: Option<&mut BTreeMap<String, Position>>,
) -> Result<Option<Value>, YamlError> {
    // go-yaml accepts `\'` in double-quoted scalars, which YAML 1.2 (and so the parser used
    // here) does not: such escapes are rewritten to the equivalent `\x27` and parsed again.
    // YAML 1.1 counts NEL (U+0085) as a line break, read as "\n", everywhere in a document;
    // YAML 1.2 made it an ordinary character.
    let mut patched: Option<String> = text.contains('\u{85}').then(|| text.replace('\u{85}', "\n"));
    let mut attempts = 0;
    // Lines inserted by rewrites, as 0-based line indices in the rewritten text, in order.
    let mut inserted: Vec<u32> = Vec::new();
    let to_original = |inserted: &[u32], line0: u32| -> u32 {
        inserted.iter().rev().fold(line0, |p, &ins| if p >= ins { p - 1 } else { p })
    };
    let (mut nodes, root) = loop {
        let current = patched.as_deref().unwrap_or(text);
        match build_nodes(current, first_line, limits) {
            Ok(built) => break built,
            Err(Built::Retry(next, new_line)) if attempts < MAX_REWRITES && attempts * text.len() < MAX_REWRITE_WORK => {
                attempts += 1;
                patched = Some(next);
                inserted.extend(new_line);
            }
            Err(Built::Retry(..)) => {
                return Err(YamlError::simple(YamlErrorKind::Limit, "too many constructs to rewrite".into()));
            }
            Err(Built::Failed(mut e)) => {
                if !inserted.is_empty() {
                    e.remap_lines(first_line, |l| to_original(&inserted, l));
                }
                return Err(e);
            }
        }
    };
    if !inserted.is_empty() {
        for node in &mut nodes {
            node.line = to_original(&inserted, node.line - 1) + 1;
        }
    }
    let Some(root) = root else { return Ok(None) };
    let mut d = Decoder {
        nodes: &nodes,
        limits,
        decode_count: 0,
        alias_count: 0,
        alias_depth: 0,
        active_aliases: Vec::new(),
        first_line,
        path: positions.is_some().then(String::new),
        positions,
    };
    // go-yaml counts the document node as one decode operation.
    d.decode_count += 1;
    let v = d.value(root, 0)?;
    Ok(Some(v))
}

fn scan_error(err: &ScanError, text: &str, first_line: u32, limits: &ParseLimits) -> YamlError {
    classify_scan_error(err, text, first_line, limits.max_depth)
}

/// Builds the node tree of the first document of the chunk (go-yaml's `yaml.Unmarshal` reads
/// only the first document), without recursion.
/// Each rewrite of a libyaml-only construct parses the chunk again; these bound that work.
const MAX_REWRITES: usize = 10_000;
const MAX_REWRITE_WORK: usize = 256 * 1024 * 1024;

/// Why [`build_nodes`] stopped.
enum Built {
    Failed(YamlError),
    /// The text with one construct that only libyaml accepts rewritten; parse it again. The
    /// second field is the 0-based index of a line the rewrite inserted, if it did.
    Retry(String, Option<u32>),
}

impl From<YamlError> for Built {
    fn from(e: YamlError) -> Self {
        Built::Failed(e)
    }
}

/// The text with each `\'` of the double-quoted scalar starting at byte `start` written as
/// `\x27`.
fn rewrite_quote_escapes(text: &str, start: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..start]);
    let mut chars = text[start..].char_indices();
    let mut end = text.len();
    if let Some((_, q)) = chars.next() {
        out.push(q);
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                end = start + i;
                break;
            }
            '\\' => match chars.next() {
                Some((_, '\'')) => out.push_str("\\x27"),
                Some((_, e)) => {
                    out.push('\\');
                    out.push(e);
                }
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out.push_str(&text[end..]);
    out
}

/// The first escape of the double-quoted scalar starting at byte `start` that YAML 1.2 does
/// not know. Returns its byte offset and whether it is go-yaml's `\'`.
fn first_unknown_escape(text: &str, start: usize) -> Option<(usize, bool)> {
    let src = text.get(start..)?;
    let mut chars = src.char_indices();
    chars.next(); // the opening quote
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => {
                let (_, e) = chars.next()?;
                let known = matches!(e, '0' | 'a' | 'b' | 't' | '\t' | 'n' | 'v' | 'f' | 'r' | 'e' | ' ' | '"' | '/' | '\\' | 'N' | '_' | 'L' | 'P' | 'x' | 'u' | 'U' | '\n' | '\r');
                if !known {
                    return Some((start + i, e == '\''));
                }
            }
            _ => {}
        }
    }
    None
}

fn build_nodes(text: &str, first_line: u32, limits: &ParseLimits) -> Result<(Vec<Node>, Option<usize>), Built> {
    let mut options = granit_parser::Options::default();
    let depth = limits.max_depth as usize;
    options.block_nesting_limit = depth;
    options.flow_nesting_limit = depth;
    options.emit_anchor_events = true;
    options.set_emit_comments(false);
    let mut parser = Parser::new_from_str_with_options(text, options);

    let mut nodes: Vec<Node> = Vec::new();
    // Open collections: node index.
    let mut stack: Vec<usize> = Vec::new();
    let mut anchors: BTreeMap<usize, usize> = BTreeMap::new();
    let mut root: Option<usize> = None;
    let mut docs_seen = 0u32;
    let mut last_node: Option<usize> = None;
    // Byte ranges the scanner consumed as scalars or flow collections, for the tab check.
    let mut consumed: Vec<(usize, usize)> = Vec::new();
    let mut flow_starts: Vec<Option<usize>> = Vec::new();
    let check_tabs = text.contains('\t');

    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ev) => ev,
            Err(e) => {
                // A tab that go-yaml rejects may come before the problem this parser found.
                if check_tabs {
                    let limit = e.marker().byte_offset().unwrap_or(text.len());
                    if let Some(err) = tab_check(text, &consumed, limit, first_line) {
                        return Err(err.into());
                    }
                }
                // libyaml lets a block sequence start on its key's line (`key: - item`): move
                // the `-` to a line of its own at the same column and parse again.
                if matches!(e.kind(), granit_parser::ErrorKind::BlockSequenceEntryNotAllowed) {
                    if let Some(at) = e.marker().byte_offset().filter(|&a| text.as_bytes().get(a) == Some(&b'-')) {
                        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                        let before = &text[line_start..at];
                        let key_end = before.trim_end_matches(' ');
                        if key_end.len() < before.len() && key_end.ends_with(':') && key_end.len() > 1 {
                            let column = before.chars().count();
                            let line0 = text[..at].matches('\n').count() as u32;
                            let mut next = String::with_capacity(text.len() + column + 1);
                            next.push_str(&text[..line_start + key_end.len()]);
                            next.push('\n');
                            next.extend(std::iter::repeat_n(' ', column));
                            next.push_str(&text[at..]);
                            return Err(Built::Retry(next, Some(line0 + 1)));
                        }
                    }
                }
                // libyaml starts a comment at any '#' between tokens, even right after a
                // quoted scalar or a bracket; make room for it and parse again.
                if matches!(e.kind(), granit_parser::ErrorKind::CommentNotSeparated) {
                    if let Some(at) = e.marker().byte_offset().and_then(|p| text[p..].find('#').map(|k| p + k)) {
                        let mut next = String::with_capacity(text.len() + 1);
                        next.push_str(&text[..at]);
                        next.push(' ');
                        next.push_str(&text[at..]);
                        return Err(Built::Retry(next, None));
                    }
                }
                if matches!(e.kind(), granit_parser::ErrorKind::UnknownQuotedScalarEscape) {
                    if let Some((at, is_quote)) = e.marker().byte_offset().and_then(|s| first_unknown_escape(text, s)) {
                        if is_quote {
                            // Rewrite every `\'` of this scalar at once.
                            let scalar_start = e.marker().byte_offset().unwrap_or(at);
                            return Err(Built::Retry(rewrite_quote_escapes(text, scalar_start), None));
                        }
                        // go-yaml reports the line of the escape, not of the scalar.
                        let line0 = text[..at].matches('\n').count() as u32;
                        let problem = "found unknown escape character".to_string();
                        return Err(Built::Failed(YamlError::new(
                            YamlErrorKind::Syntax,
                            Some(first_line + line0),
                            None,
                            problem.clone(),
                            format!("error converting YAML to JSON: yaml: line {}: {problem}", line0 + 1),
                        )));
                    }
                }
                return Err(scan_error(&e, text, first_line, limits).into());
            }
        };
        if check_tabs {
            let range = span.byte_range();
            match &event {
                Event::Scalar(..) => {
                    if let Some(r) = range {
                        consumed.push((r.start, r.end));
                    }
                }
                Event::SequenceStart(style, ..) | Event::MappingStart(style, ..) => {
                    let flow = *style == granit_parser::StructureStyle::Flow;
                    flow_starts.push(if flow { range.map(|r| r.start) } else { None });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    if let (Some(Some(start)), Some(r)) = (flow_starts.pop(), range) {
                        consumed.push((start, r.end.max(start)));
                    }
                }
                _ => {}
            }
        }
        let line = span.start.line() as u32;
        let col = span.start.col() as u32 + 1;
        let mut new_node: Option<(usize, usize)> = None; // (index, anchor id)
        match event {
            Event::DocumentStart(..) => {
                docs_seen += 1;
            }
            Event::DocumentEnd
                if docs_seen >= 1 && root.is_some() => {
                    // Keep scanning for syntax errors is what go-yaml does not do: it stops
                    // after the first document. Stop here as well.
                    break;
                }
            Event::Anchor(id, name) => {
                if let Some(idx) = last_node {
                    nodes[idx].anchor = Some(name.to_string());
                    anchors.insert(id, idx);
                }
            }
            Event::Alias(id) => {
                let Some(&target) = anchors.get(&id) else {
                    return Err(YamlError::simple(YamlErrorKind::Syntax, "unknown anchor referenced".into()).into());
                };
                nodes.push(Node { kind: NodeKind::Alias(target), line, col, anchor: None });
                new_node = Some((nodes.len() - 1, 0));
            }
            Event::UnresolvedAlias(name) => {
                return Err(Built::Failed(YamlError::new(
                    YamlErrorKind::Syntax,
                    Some(first_line + line.saturating_sub(1)),
                    Some(span.start.col() as u32 + 1),
                    format!("unknown anchor '{name}' referenced"),
                    format!("error converting YAML to JSON: yaml: unknown anchor '{name}' referenced"),
                )));
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) && check_tabs {
                    if let Some(err) = span.byte_range().and_then(|r| block_scalar_tab_check(text, r.start, first_line)) {
                        return Err(err.into());
                    }
                }
                if style == ScalarStyle::DoubleQuoted {
                    if let Some(err) = yaml11_escape_check(text, span.byte_range(), first_line) {
                        return Err(err.into());
                    }
                }
                let tag = tag.map(|t| long_tag(&t));
                nodes.push(Node {
                    kind: NodeKind::Scalar { value: value.into_owned(), tag, plain: style == ScalarStyle::Plain },
                    line,
                    col,
                    anchor: None,
                });
                new_node = Some((nodes.len() - 1, anchor_id));
            }
            Event::SequenceStart(_, anchor_id, _) => {
                nodes.push(Node { kind: NodeKind::Seq(Vec::new()), line, col, anchor: None });
                new_node = Some((nodes.len() - 1, anchor_id));
            }
            Event::MappingStart(_, anchor_id, _) => {
                nodes.push(Node { kind: NodeKind::Map(Vec::new()), line, col, anchor: None });
                new_node = Some((nodes.len() - 1, anchor_id));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
            }
            _ => {}
        }
        if let Some((idx, anchor_id)) = new_node {
            if anchor_id != 0 {
                anchors.insert(anchor_id, idx);
            }
            last_node = Some(idx);
            match stack.last() {
                Some(&parent) => match &mut nodes[parent].kind {
                    NodeKind::Seq(children) | NodeKind::Map(children) => children.push(idx),
                    _ => {}
                },
                None => {
                    if root.is_none() {
                        root = Some(idx);
                    }
                }
            }
            if matches!(nodes[idx].kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
                stack.push(idx);
            }
        }
    }
    if check_tabs {
        if let Some(err) = tab_check(text, &consumed, text.len(), first_line) {
            return Err(err.into());
        }
    }
    Ok((nodes, root))
}

/// Escapes go-yaml (YAML 1.1) rejects in a double-quoted scalar that YAML 1.2 accepts: `\/`
/// ("found unknown escape character") and UTF-16 surrogates in `\u` escapes ("found invalid
/// Unicode character escape code"), reported on the escape's line.
fn yaml11_escape_check(text: &str, range: Option<std::ops::Range<usize>>, first_line: u32) -> Option<YamlError> {
    let range = range?;
    let src = text.get(range.clone())?;
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            continue;
        }
        let problem = match chars.next() {
            Some((_, '/')) => "found unknown escape character",
            Some((j, 'u')) => {
                let hex = src.get(j + 1..j + 5).unwrap_or("");
                match u32::from_str_radix(hex, 16) {
                    Ok(v) if (0xD800..=0xDFFF).contains(&v) => "found invalid Unicode character escape code",
                    _ => continue,
                }
            }
            _ => continue,
        };
        let at = range.start + i;
        let line0 = text[..at].matches('\n').count() as u32;
        let problem = problem.to_string();
        return Some(YamlError::new(
            YamlErrorKind::Syntax,
            Some(first_line + line0),
            Some((at - text[..at].rfind('\n').map_or(0, |p| p + 1)) as u32 + 1),
            problem.clone(),
            format!("error converting YAML to JSON: yaml: line {}: {problem}", line0 + 1),
        ));
    }
    None
}

/// libyaml reads the indentation of a block scalar's lines itself: a tab where it still expects
/// indentation spaces (before the content column, or anywhere in the leading whitespace while
/// the content column is not yet known) is "found a tab character where an indentation space
/// is expected" on that line. `start` is the byte offset of the `|` or `>` header.
fn block_scalar_tab_check(text: &str, start: usize, first_line: u32) -> Option<YamlError> {
    // The event's span may start at the header or at the content; the header is the last
    // `|` or `>` at or before it.
    let header = text.get(..=start.min(text.len().saturating_sub(1)))?.rfind(['|', '>'])?;
    let header_end = header + text[header..].find('\n')? + 1;
    let mut indent: Option<usize> = None;
    let mut offset = header_end;
    for line in text[header_end..].split('\n') {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[spaces..];
        if rest.starts_with('\t') {
            if indent.is_none_or(|i| spaces < i) {
                let line0 = text[..offset].matches('\n').count() as u32;
                let problem = "found a tab character where an indentation space is expected".to_string();
                return Some(YamlError::new(
                    YamlErrorKind::Syntax,
                    Some(first_line + line0),
                    Some(spaces as u32 + 1),
                    problem.clone(),
                    format!("error converting YAML to JSON: yaml: line {}: {problem}", line0 + 1),
                ));
            }
        } else if !rest.trim_end_matches('\r').is_empty() {
            match indent {
                None if spaces == 0 => return None,
                None => indent = Some(spaces),
                Some(i) if spaces < i => return None,
                Some(_) => {}
            }
        }
        offset += line.len() + 1;
    }
    None
}

/// go-yaml's scanner skips tabs only in flow context or where a simple key is not allowed; in
/// block context a tab at the start of a line or right after `-`, `?` or `:` is "found
/// character that cannot start any token". serde-saphyr's parser accepts some of those, so
/// they are looked for here, outside the byte ranges the parser consumed as scalars or flow
/// collections, up to byte `limit`.
fn tab_check(text: &str, consumed: &[(usize, usize)], limit: usize, first_line: u32) -> Option<YamlError> {
    let mut ranges: Vec<(usize, usize)> = consumed.to_vec();
    ranges.sort_unstable();
    let b = text.as_bytes();
    let limit = limit.min(b.len());
    let mut r = 0usize;
    let mut i = 0usize;
    let mut simple_key_allowed = true;
    while i < limit {
        while r < ranges.len() && ranges[r].1 <= i {
            r += 1;
        }
        if r < ranges.len() && ranges[r].0 <= i {
            i = ranges[r].1.max(i + 1);
            simple_key_allowed = false;
            continue;
        }
        let c = b[i];
        match c {
            b'\n' => {
                simple_key_allowed = true;
                i += 1;
            }
            b' ' | b'\r' => i += 1,
            b'\t' => {
                if simple_key_allowed {
                    let line0 = text[..i].matches('\n').count() as u32;
                    let problem = "found character that cannot start any token".to_string();
                    return Some(YamlError::new(
                        YamlErrorKind::Syntax,
                        Some(first_line + line0),
                        Some((i - text[..i].rfind('\n').map_or(0, |p| p + 1)) as u32 + 1),
                        problem.clone(),
                        format!("error converting YAML to JSON: yaml: line {}: {problem}", line0 + 1),
                    ));
                }
                i += 1;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'-' | b'?' | b':' if matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r')) => {
                simple_key_allowed = true;
                i += 1;
            }
            _ => {
                simple_key_allowed = false;
                while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n') {
                    i += 1;
                }
            }
        }
    }
    None
}

struct Decoder<'a, 'b> {
    nodes: &'a [Node],
    limits: &'a ParseLimits,
    decode_count: u64,
    alias_count: u64,
    alias_depth: u32,
    /// Alias nodes being expanded, to catch an anchor that contains itself.
    active_aliases: Vec<usize>,
    first_line: u32,
    /// The JSON pointer of the value being decoded, when positions are recorded.
    path: Option<String>,
    positions: Option<&'b mut BTreeMap<String, Position>>,
}

/// go-yaml v2 `allowedAliasRatio`.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

/// A scalar after go-yaml's resolution, before conversion to JSON.
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

impl<'a, 'b> Decoder<'a, 'b> {
    /// Records the position of node `idx` under the current path extended by `segment`, and
    /// extends the path; returns the path length to truncate back to.
    fn enter(&mut self, segment: &str, idx: usize) -> usize {
        let Some(path) = self.path.as_mut() else { return 0 };
        let back = path.len();
        path.push('/');
        path.push_str(&pointer_segment(segment));
        if let Some(positions) = self.positions.as_mut() {
            let node = &self.nodes[idx];
            positions
                .entry(path.clone())
                .or_insert(Position { line: self.first_line + node.line - 1, column: node.col });
        }
        back
    }

    fn leave(&mut self, back: usize) {
        if let Some(path) = self.path.as_mut() {
            path.truncate(back);
        }
    }

    fn err(&self, message: String, line: Option<u32>) -> YamlError {
        YamlError::new(
            YamlErrorKind::Conversion,
            line.map(|l| self.first_line + l - 1),
            None,
            message.clone(),
            format!("error converting YAML to JSON: {message}"),
        )
    }

    /// The bookkeeping go-yaml's `unmarshal` does on entry, including the alias ratio check.
    fn count(&mut self) -> Result<(), YamlError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if (self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64 > allowed_alias_ratio(self.decode_count))
            || self.alias_count > self.limits.max_alias_nodes
        {
            return Err(self.err("yaml: document contains excessive aliasing".into(), None));
        }
        Ok(())
    }

    fn value(&mut self, idx: usize, depth: u32) -> Result<Value, YamlError> {
        self.count()?;
        let node = &self.nodes[idx];
        match &node.kind {
            NodeKind::Alias(target) => self.alias(idx, *target, depth),
            NodeKind::Scalar { .. } => {
                let s = self.scalar(idx)?;
                scalar_to_json(s).map_err(|m| self.err(m, None))
            }
            NodeKind::Seq(children) => {
                if depth >= self.limits.max_depth {
                    return Err(self.depth_error(node.line));
                }
                let mut out = Vec::with_capacity(children.len());
                for (i, &c) in children.iter().enumerate() {
                    let back = self.enter(&i.to_string(), c);
                    out.push(self.value(c, depth + 1)?);
                    self.leave(back);
                }
                Ok(Value::Array(out))
            }
            NodeKind::Map(_) => {
                if depth >= self.limits.max_depth {
                    return Err(self.depth_error(node.line));
                }
                let mut out = Map::new();
                self.mapping_into(idx, depth, &mut out)?;
                Ok(Value::Object(out))
            }
        }
    }

    fn depth_error(&self, line: u32) -> YamlError {
        self.err(format!("yaml: line {line}: exceeded max depth of {}", self.limits.max_depth), Some(line))
    }

    fn alias(&mut self, alias_idx: usize, target: usize, depth: u32) -> Result<Value, YamlError> {
        if self.active_aliases.contains(&alias_idx) || self.contains(target, alias_idx) {
            let name = self.nodes[target].anchor.clone().unwrap_or_default();
            return Err(self.err(format!("yaml: anchor '{name}' value contains itself"), None));
        }
        self.active_aliases.push(alias_idx);
        self.alias_depth += 1;
        let r = self.value(target, depth);
        self.alias_depth -= 1;
        self.active_aliases.pop();
        r
    }

    /// Whether node `idx` is `inner` or (transitively, without following aliases) contains it.
    /// Node indices are assigned in document order, so a collection's descendants follow it.
    fn contains(&self, idx: usize, inner: usize) -> bool {
        if idx == inner {
            return true;
        }
        match &self.nodes[idx].kind {
            NodeKind::Seq(c) | NodeKind::Map(c) => {
                // Descendants occupy the index range up to the last child's subtree.
                let mut last = idx;
                let mut cur = c.last().copied();
                while let Some(n) = cur {
                    last = n;
                    cur = match &self.nodes[n].kind {
                        NodeKind::Seq(c) | NodeKind::Map(c) => c.last().copied(),
                        _ => None,
                    };
                }
                inner > idx && inner <= last
            }
            _ => false,
        }
    }

    /// go-yaml `d.mapping` for an untyped target, with `<<` merges.
    fn mapping_into(&mut self, idx: usize, depth: u32, out: &mut Map<String, Value>) -> Result<(), YamlError> {
        let NodeKind::Map(children) = &self.nodes[idx].kind else { return Ok(()) };
        for pair in children.chunks(2) {
            let (k, v) = (pair[0], pair.get(1).copied());
            let Some(v) = v else { break };
            if self.is_merge(k) {
                self.merge(v, depth, out)?;
                continue;
            }
            self.count()?;
            let key = self.key_string(k, v, depth)?;
            let back = self.enter(&key, k);
            let value = self.value(v, depth + 1)?;
            self.leave(back);
            out.insert(key, value);
        }
        Ok(())
    }

    fn is_merge(&self, idx: usize) -> bool {
        match &self.nodes[idx].kind {
            NodeKind::Scalar { value, tag, plain } => {
                value == "<<" && (*plain && tag.is_none() || tag.as_deref() == Some("tag:yaml.org,2002:merge"))
            }
            _ => false,
        }
    }

    fn merge(&mut self, v: usize, depth: u32, out: &mut Map<String, Value>) -> Result<(), YamlError> {
        let want_map = || "yaml: map merge requires map or sequence of maps as the value".to_string();
        match &self.nodes[v].kind {
            NodeKind::Map(_) => {
                self.count()?;
                self.mapping_into(v, depth, out)
            }
            NodeKind::Alias(t) => {
                let t = *t;
                if !matches!(self.nodes[t].kind, NodeKind::Map(_)) {
                    return Err(self.err(want_map(), None));
                }
                self.merge_alias(v, t, depth, out)
            }
            NodeKind::Seq(items) => {
                let items = items.clone();
                for &item in items.iter().rev() {
                    match &self.nodes[item].kind {
                        NodeKind::Alias(t) => {
                            let t = *t;
                            if !matches!(self.nodes[t].kind, NodeKind::Map(_)) {
                                return Err(self.err(want_map(), None));
                            }
                            self.merge_alias(item, t, depth, out)?;
                        }
                        NodeKind::Map(_) => {
                            self.count()?;
                            self.mapping_into(item, depth, out)?;
                        }
                        _ => return Err(self.err(want_map(), None)),
                    }
                }
                Ok(())
            }
            _ => Err(self.err(want_map(), None)),
        }
    }

    fn merge_alias(&mut self, alias_idx: usize, target: usize, depth: u32, out: &mut Map<String, Value>) -> Result<(), YamlError> {
        self.count()?; // the alias node
        if self.active_aliases.contains(&alias_idx) || self.contains(target, alias_idx) {
            let name = self.nodes[target].anchor.clone().unwrap_or_default();
            return Err(self.err(format!("yaml: anchor '{name}' value contains itself"), None));
        }
        self.active_aliases.push(alias_idx);
        self.alias_depth += 1;
        let r = self.count().and_then(|_| self.mapping_into(target, depth, out));
        self.alias_depth -= 1;
        self.active_aliases.pop();
        r
    }

    /// Resolves a scalar node (or an alias to one) like go-yaml's `d.scalar` into `interface{}`.
    fn scalar(&self, idx: usize) -> Result<Scalar, YamlError> {
        let NodeKind::Scalar { value, tag, plain } = &self.nodes[idx].kind else {
            return Ok(Scalar::Null);
        };
        if tag.is_none() && !*plain {
            return Ok(Scalar::Str(value.clone()));
        }
        let tag = tag.as_deref().unwrap_or("");
        resolve_tagged(tag, value).map_err(|m| self.err(m, Some(self.nodes[idx].line)))
    }

    /// The JSON object key sigs.k8s.io/yaml makes of a YAML map key.
    fn key_string(&mut self, k: usize, v: usize, depth: u32) -> Result<String, YamlError> {
        let mut idx = k;
        // A key may be an alias to a scalar.
        for _ in 0..64 {
            match &self.nodes[idx].kind {
                NodeKind::Alias(t) => {
                    self.count()?;
                    idx = *t;
                }
                _ => break,
            }
        }
        match &self.nodes[idx].kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(_) | NodeKind::Map(_) => {
                // go-yaml: failf("invalid map key: %#v", key) with the key decoded as YAML values.
                let line = self.nodes[idx].line;
                let key = self.value(idx, depth + 1)?;
                let shown = crate::jsonpath::go_sharp_v(&key).replace("map[string]interface {}", "map[interface {}]interface {}");
                return Err(self.err(format!("yaml: invalid map key: {shown}"), Some(line)));
            }
            NodeKind::Alias(_) => return Err(self.err("yaml: alias chain too long".into(), None)),
        }
        Ok(match self.scalar(idx)? {
            Scalar::Str(s) => s,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => match gonum::format_g(f, true).as_str() {
                "+Inf" => ".inf".into(),
                "-Inf" => "-.inf".into(),
                "NaN" => ".nan".into(),
                s => s.to_string(),
            },
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null => {
                let value = match &self.nodes[v].kind {
                    NodeKind::Scalar { value, .. } => format!("{value:?}"),
                    _ => "...".into(),
                };
                return Err(self.err(format!("unsupported map key of type: %!s(<nil>), key: <nil>, value: {value}"), None));
            }
            Scalar::Uint(u) => {
                return Err(self.err(format!("unsupported map key of type: uint64, key: 0x{u:x}, value: ..."), None));
            }
        })
    }
}

/// go-yaml `resolve(tag, value)` followed by `d.scalar`'s handling for an `interface{}` target.
fn resolve_tagged(tag: &str, value: &str) -> Result<Scalar, String> {
    const STR: &str = "tag:yaml.org,2002:str";
    const BINARY: &str = "tag:yaml.org,2002:binary";
    let resolvable = matches!(
        tag,
        "" | "tag:yaml.org,2002:str"
            | "tag:yaml.org,2002:bool"
            | "tag:yaml.org,2002:int"
            | "tag:yaml.org,2002:float"
            | "tag:yaml.org,2002:null"
            | "tag:yaml.org,2002:timestamp"
    );
    if !resolvable {
        if tag == BINARY {
            let data = decode_base64(value).ok_or_else(|| "yaml: !!binary value contains invalid base64 data".to_string())?;
            return Ok(Scalar::Str(String::from_utf8_lossy(&data).into_owned()));
        }
        return Ok(Scalar::Str(value.to_string()));
    }
    let (rtag, out) = if tag == STR {
        (STR, Resolved::Str)
    } else {
        let r = resolve_plain(value);
        let rtag = match &r {
            Resolved::Null => "tag:yaml.org,2002:null",
            Resolved::Bool(_) => "tag:yaml.org,2002:bool",
            Resolved::Int(_) | Resolved::Uint(_) => "tag:yaml.org,2002:int",
            Resolved::Float(_) => "tag:yaml.org,2002:float",
            Resolved::Timestamp => "tag:yaml.org,2002:timestamp",
            Resolved::Merge => "tag:yaml.org,2002:merge",
            Resolved::Str => STR,
        };
        (rtag, r)
    };
    let out = if tag.is_empty() || tag == rtag || tag == STR {
        out
    } else if tag == "tag:yaml.org,2002:float" && rtag == "tag:yaml.org,2002:int" {
        match out {
            Resolved::Int(i) => Resolved::Float(i as f64),
            // go-yaml converts int and int64 only; a uint64 falls through to the error.
            _ => return Err(format!("yaml: cannot decode {} `{}` as a {}", short_tag(rtag), value, short_tag(tag))),
        }
    } else {
        return Err(format!("yaml: cannot decode {} `{}` as a {}", short_tag(rtag), value, short_tag(tag)));
    };
    Ok(match out {
        Resolved::Null => Scalar::Null,
        Resolved::Bool(b) => Scalar::Bool(b),
        Resolved::Int(i) => Scalar::Int(i),
        Resolved::Uint(u) => Scalar::Uint(u),
        Resolved::Float(f) => Scalar::Float(f),
        Resolved::Timestamp | Resolved::Merge | Resolved::Str => Scalar::Str(value.to_string()),
    })
}

/// Go's `json.Marshal` of the scalar, then kubectl's unstructured number decoding.
fn scalar_to_json(s: Scalar) -> Result<Value, String> {
    Ok(match s {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(i) => Value::from(i),
        // The JSON text of a uint64 above int64 does not parse as an int64, so it becomes a float.
        Scalar::Uint(u) => float_value(u as f64),
        Scalar::Float(f) => {
            if f.is_nan() {
                return Err("json: unsupported value: NaN".into());
            }
            if f.is_infinite() {
                return Err(format!("json: unsupported value: {}", if f > 0.0 { "+Inf" } else { "-Inf" }));
            }
            let text = gonum::format_json_float(f);
            match text.parse::<i64>() {
                Ok(i) => Value::from(i),
                Err(_) => float_value(f),
            }
        }
        Scalar::Str(s) => Value::String(s),
    })
}

fn float_value(f: f64) -> Value {
    Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
}

/// Go's `base64.StdEncoding.DecodeString`, which skips `\r` and `\n`.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut vals = Vec::with_capacity(s.len());
    let mut pad = 0;
    for c in s.bytes() {
        match c {
            b'\r' | b'\n' => continue,
            b'=' => {
                pad += 1;
                continue;
            }
            _ if pad > 0 => return None,
            b'A'..=b'Z' => vals.push(c - b'A'),
            b'a'..=b'z' => vals.push(c - b'a' + 26),
            b'0'..=b'9' => vals.push(c - b'0' + 52),
            b'+' => vals.push(62),
            b'/' => vals.push(63),
            _ => return None,
        }
    }
    if (vals.len() + pad) % 4 != 0 || pad > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(vals.len() * 3 / 4);
    for chunk in vals.chunks(4) {
        let mut n: u32 = 0;
        for (i, &v) in chunk.iter().enumerate() {
            n |= u32::from(v) << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
        if chunk.len() == 1 {
            return None;
        }
    }
    Some(out)
}
