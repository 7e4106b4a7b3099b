//! Errors from reading manifests, worded as kubectl words them.

use serde_saphyr::granit_parser::{ErrorKind, ScanError};

/// What went wrong, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// The YAML is malformed (go-yaml's scanner or parser rejected it).
    Syntax,
    /// A line starting with `---` had more than a comment after it.
    Separator,
    /// The YAML parsed but cannot become JSON (bad tag, NaN, aliasing, map key type...).
    Conversion,
    /// A JSON stream did not decode.
    Json,
    /// A resource limit of this sandbox was hit.
    Limit,
}

/// A manifest that could not be read.
///
/// [`std::fmt::Display`] gives the text kubectl prints after `error parsing <file>: `;
/// [`YamlError::kubectl_message`] gives the whole line minus kubectl's leading `error: `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct YamlError {
    kind: YamlErrorKind,
    line: Option<u32>,
    column: Option<u32>,
    problem: String,
    detail: String,
}

impl YamlError {
    pub(crate) fn new(kind: YamlErrorKind, line: Option<u32>, column: Option<u32>, problem: String, detail: String) -> Self {
        YamlError { kind, line, column, problem, detail }
    }

    pub(crate) fn simple(kind: YamlErrorKind, problem: String) -> Self {
        let detail = format!("error converting YAML to JSON: yaml: {problem}");
        YamlError { kind, line: None, column: None, problem, detail }
    }

    /// Maps the lines of a parse of a rewritten text back to the original text; `map` takes
    /// and returns 0-based lines within the document chunk starting at `first_line`.
    pub(crate) fn remap_lines(&mut self, first_line: u32, map: impl Fn(u32) -> u32) {
        if let Some(l) = self.line {
            if l >= first_line {
                self.line = Some(first_line + map(l - first_line));
            }
        }
        // Parser errors name a 0-based line, scanner errors a 1-based one (see `Origin`).
        const PARSER_PROBLEMS: &[&str] = &[
            "did not find expected key",
            "did not find expected '-' indicator",
            "did not find expected node content",
            "did not find expected ',' or ']'",
            "did not find expected ',' or '}'",
            "did not find expected <document start>",
            "found undefined tag handle",
        ];
        const MARK: &str = "yaml: line ";
        let Some(start) = self.detail.find(MARK) else { return };
        let num_start = start + MARK.len();
        let Some(len) = self.detail[num_start..].find(':') else { return };
        let Ok(n) = self.detail[num_start..num_start + len].parse::<u32>() else { return };
        let mapped = if PARSER_PROBLEMS.contains(&self.problem.as_str()) { map(n) } else { map(n.saturating_sub(1)) + 1 };
        self.detail.replace_range(num_start..num_start + len, &mapped.to_string());
    }

    /// The broad kind of failure.
    pub fn kind(&self) -> YamlErrorKind {
        self.kind
    }

    /// 1-based line in the whole input where the problem was found, for pointing at it in an
    /// editor. This is where the parser stopped, which is not always the line go-yaml names in
    /// its message (go-yaml counts lines per document and reports parser errors one line early).
    pub fn line(&self) -> Option<u32> {
        self.line
    }

    /// 1-based column of the problem, when known.
    pub fn column(&self) -> Option<u32> {
        self.column
    }

    /// The bare problem, e.g. `mapping values are not allowed in this context`.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// The message kubectl prints for this error when reading `source_name`, without the
    /// leading `error: ` that kubectl's error handler adds:
    /// `error parsing pod.yaml: error converting YAML to JSON: yaml: line 7: mapping values are not allowed in this context`.
    pub fn kubectl_message(&self, source_name: &str) -> String {
        format!("error parsing {source_name}: {}", self.detail)
    }
}

/// Whether go-yaml raises this problem from its scanner (reported line = 0-based line + 1) or
/// its parser (reported line = 0-based line of the offending token, i.e. one line early).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    Scanner,
    Parser,
}

/// Maps a serde-saphyr parser error to go-yaml v2's wording and line.
///
/// `text` is the document chunk, `first_line` its first line in the whole input.
pub(crate) fn classify_scan_error(err: &ScanError, text: &str, first_line: u32, max_depth: u32) -> YamlError {
    let mark = err.marker();
    let editor_line0 = mark.line().saturating_sub(1) as u32;
    let mut line0 = editor_line0; // 0-based within the chunk, as go-yaml counts it
    let col = mark.col() as u32;
    // 0-based line of the end of the chunk, where go-yaml's scanner stops on an unclosed quote
    // and its parser sees STREAM-END for an unclosed flow collection.
    let eof_line0 = text.matches('\n').count() as u32;
    let mut reported_line0: Option<u32> = None;
    let (problem, origin): (String, Origin) = match err.kind() {
        ErrorKind::MappingValueNotAllowed
        | ErrorKind::InvalidMappingValueWhitespace
        | ErrorKind::InvalidColonPlacement => ("mapping values are not allowed in this context".into(), Origin::Scanner),
        ErrorKind::TabNotAllowed
        | ErrorKind::TabInBlockIndentation
        | ErrorKind::TabInIndentation
        | ErrorKind::UnexpectedCharacter { .. } => ("found character that cannot start any token".into(), Origin::Scanner),
        ErrorKind::UnclosedQuotedScalar => {
            reported_line0 = Some(eof_line0);
            ("found unexpected end of stream".into(), Origin::Scanner)
        }
        ErrorKind::InvalidTrailingDoubleQuotedScalar | ErrorKind::InvalidTrailingSingleQuotedScalar => {
            ("did not find expected key".into(), Origin::Parser)
        }
        ErrorKind::DocumentIndicatorInQuotedScalar => ("found unexpected document indicator".into(), Origin::Scanner),
        ErrorKind::SimpleKeyExpected | ErrorKind::InvalidSimpleKey => {
            // go-yaml notices the missing ':' when it reaches the next token on a later line.
            reported_line0 = Some(next_token_line0(text, line0).unwrap_or(eof_line0));
            ("could not find expected ':'".into(), Origin::Scanner)
        }
        ErrorKind::BlockSequenceEntryNotAllowed => {
            ("block sequence entries are not allowed in this context".into(), Origin::Scanner)
        }
        // libyaml lets the parser find a '-' entry inside a flow collection.
        ErrorKind::BlockEntryInFlowCollection => ("did not find expected node content".into(), Origin::Parser),
        ErrorKind::ExpectedBlockMappingKey => ("did not find expected key".into(), Origin::Parser),
        ErrorKind::ExpectedBlockSequenceEntry => ("did not find expected '-' indicator".into(), Origin::Parser),
        ErrorKind::ExpectedNodeContent => ("did not find expected node content".into(), Origin::Parser),
        ErrorKind::ExpectedFlowSequenceSeparator => ("did not find expected ',' or ']'".into(), Origin::Parser),
        ErrorKind::UnexpectedEofFlowSequence => {
            reported_line0 = Some(eof_line0);
            ("did not find expected ',' or ']'".into(), Origin::Parser)
        }
        ErrorKind::ExpectedFlowMappingSeparator => ("did not find expected ',' or '}'".into(), Origin::Parser),
        ErrorKind::UnexpectedEofFlowMapping | ErrorKind::UnexpectedEofImplicitFlowMapping => {
            reported_line0 = Some(eof_line0);
            ("did not find expected ',' or '}'".into(), Origin::Parser)
        }
        // A stray ']' or '}' becomes a token the enclosing block mapping does not expect.
        ErrorKind::MisplacedFlowCollectionEnd => ("did not find expected key".into(), Origin::Parser),
        ErrorKind::MismatchedFlowCollectionEnd { open, .. } => {
            if *open == '[' {
                ("did not find expected ',' or ']'".into(), Origin::Parser)
            } else {
                ("did not find expected ',' or '}'".into(), Origin::Parser)
            }
        }
        ErrorKind::UnclosedVerbatimTag => ("did not find the expected '>'".into(), Origin::Scanner),
        ErrorKind::UnclosedFlowCollection { open } => {
            reported_line0 = Some(eof_line0);
            if *open == '[' {
                ("did not find expected ',' or ']'".into(), Origin::Parser)
            } else {
                ("did not find expected ',' or '}'".into(), Origin::Parser)
            }
        }
        ErrorKind::ExpectedDocumentStart => ("did not find expected <document start>".into(), Origin::Parser),
        ErrorKind::RecursionLimitExceeded => (format!("exceeded max depth of {max_depth}"), Origin::Scanner),
        ErrorKind::UnknownAnchor => {
            let name = alias_name_at(text, mark.index());
            let problem = format!("unknown anchor '{name}' referenced");
            return YamlError::new(
                YamlErrorKind::Syntax,
                Some(first_line + line0),
                Some(col + 1),
                problem.clone(),
                format!("error converting YAML to JSON: yaml: {problem}"),
            );
        }
        ErrorKind::UnknownQuotedScalarEscape => ("found unknown escape character".into(), Origin::Scanner),
        ErrorKind::InvalidQuotedScalarHexEscape => ("did not find expected hexdecimal number".into(), Origin::Scanner),
        ErrorKind::ZeroBlockScalarIndent => ("found an indentation indicator equal to 0".into(), Origin::Scanner),
        ErrorKind::InvalidBlockScalarHeader => ("did not find expected comment or line break".into(), Origin::Scanner),
        ErrorKind::TabAtBlockScalarStart => {
            // go-yaml stops at the tab, on the first line after the header that has one.
            reported_line0 = text
                .split('\n')
                .enumerate()
                .skip(line0 as usize + 1)
                .find(|(_, l)| l.trim_start_matches(' ').starts_with('\t'))
                .map(|(i, _)| i as u32);
            ("found a tab character where an indentation space is expected".into(), Origin::Scanner)
        }
        ErrorKind::MissingAnchorOrAliasName => {
            ("did not find expected alphabetic or numeric character".into(), Origin::Scanner)
        }
        ErrorKind::UndeclaredTagHandle => ("found undefined tag handle".into(), Origin::Parser),
        ErrorKind::UnexpectedEofBlockMapping | ErrorKind::UnexpectedEofBlockSequence | ErrorKind::UnexpectedEof => {
            ("did not find expected node content".into(), Origin::Parser)
        }
        ErrorKind::InvalidIndentation => ("did not find expected key".into(), Origin::Parser),
        // go-yaml prints only the problem, not the "while scanning ..." context.
        other => {
            let text = other.to_string();
            let problem = match text.split_once(", ") {
                Some((ctx, rest)) if ctx.starts_with("while ") => rest.to_string(),
                _ => text,
            };
            (problem, Origin::Scanner)
        }
    };
    if let Some(l) = reported_line0 {
        line0 = l;
    }
    let reported = match origin {
        Origin::Scanner => line0 + 1,
        Origin::Parser => line0,
    };
    let where_ = if reported != 0 { format!("line {reported}: ") } else { String::new() };
    // The editor points at the problem itself (the start of an unclosed quote, the key that
    // lacks its ':'), which is more useful there than the line go-yaml names.
    YamlError::new(
        YamlErrorKind::Syntax,
        Some(first_line + editor_line0),
        Some(col + 1),
        problem.clone(),
        format!("error converting YAML to JSON: yaml: {where_}{problem}"),
    )
}

/// The 0-based line of the first token after line `after0`: the next line that is not blank
/// and not only a comment.
fn next_token_line0(text: &str, after0: u32) -> Option<u32> {
    text.split('\n')
        .enumerate()
        .skip(after0 as usize + 1)
        .find(|(_, l)| {
            let t = l.trim_start_matches([' ', '\t']);
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(i, _)| i as u32)
}

/// The alias name starting at character index `index` (at or after a `*`).
fn alias_name_at(text: &str, index: usize) -> String {
    let rest: String = text.chars().skip(index).collect();
    let rest = rest.trim_start_matches('*');
    rest.chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .collect()
}
