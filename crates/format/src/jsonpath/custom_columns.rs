//! `kubectl get -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image`,
//! after kubectl's `CustomColumnsPrinter`.

use serde_json::Value;

use super::eval::{text, Engine, Val};
use super::gofmt::go_v;
use super::parser::{self, Node};
use crate::table::{escape_terminal, TabWriter};

/// One column: its header and its JSONPath template (already in `{.x}` form).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header text.
    pub header: String,
    /// The field spec as kubectl normalises it, e.g. `{.metadata.name}`.
    pub field_spec: String,
}

/// A parsed `-o custom-columns` spec (or `-o custom-columns-file` template).
#[derive(Debug, Clone)]
pub struct CustomColumns {
    columns: Vec<Column>,
}

/// kubectl `RelaxedJSONPathExpression`: accepts `name1.name2`, `.name1.name2`,
/// `{name1.name2}` and `{.name1.name2}` and returns `{.name1.name2}`.
pub fn relaxed_json_path_expression(path: &str) -> Result<String, String> {
    if path.is_empty() {
        return Ok(String::new());
    }
    let no_braces = |s: &str| !s.is_empty() && !s.contains(['{', '}']);
    let field = if let Some(inner) = path.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        let inner = inner.strip_prefix('.').unwrap_or(inner);
        no_braces(inner).then(|| inner.to_string())
    } else {
        let inner = path.strip_prefix('.').unwrap_or(path);
        no_braces(inner).then(|| inner.to_string())
    };
    match field {
        Some(f) => Ok(format!("{{.{f}}}")),
        None => Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into()),
    }
}

impl CustomColumns {
    /// Parses `HEADER:path,HEADER:path` (kubectl `NewCustomColumnsPrinterFromSpec`).
    pub fn parse_spec(spec: &str) -> Result<CustomColumns, String> {
        if spec.is_empty() {
            return Err("custom-columns format specified but no custom columns given".into());
        }
        let mut columns = Vec::new();
        for part in spec.split(',') {
            let Some((header, path)) = part.split_once(':') else {
                return Err(format!("unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"));
            };
            columns.push(Column { header: header.to_string(), field_spec: relaxed_json_path_expression(path)? });
        }
        Ok(CustomColumns { columns })
    }

    /// Parses a `-o custom-columns-file` template: a line of headers and a line of paths
    /// (kubectl `NewCustomColumnsPrinterFromTemplate`).
    pub fn parse_template(template: &str) -> Result<CustomColumns, String> {
        let mut lines = template.lines();
        let headers: Vec<&str> = match lines.next() {
            Some(l) => l.split_whitespace().collect(),
            None => return Err("invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.".into()),
        };
        let specs: Vec<&str> = match lines.next() {
            Some(l) => l.split_whitespace().collect(),
            None => return Err("invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.".into()),
        };
        if headers.len() != specs.len() {
            return Err(format!("number of headers ({}) and field specifications ({}) don't match", headers.len(), specs.len()));
        }
        let mut columns = Vec::new();
        for (h, s) in headers.iter().zip(specs) {
            columns.push(Column { header: h.to_string(), field_spec: relaxed_json_path_expression(s)? });
        }
        Ok(CustomColumns { columns })
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    fn parsers(&self) -> Result<Vec<Vec<Node>>, String> {
        self.columns.iter().map(|c| parser::parse(&c.field_spec)).collect()
    }

    /// The cells of one object's row: `<none>` for nothing found, several values joined by
    /// `,`, each printed with Go's `fmt.Sprint` and terminal escapes made visible.
    pub fn row(&self, obj: &Value) -> Result<Vec<String>, String> {
        let parsers = self.parsers()?;
        row_with(&parsers, obj)
    }

    /// The whole table for a list of objects, aligned like kubectl's, headers first unless
    /// `no_headers`.
    pub fn render(&self, items: &[Value], no_headers: bool) -> Result<String, String> {
        let parsers = self.parsers()?;
        let mut w = TabWriter::kubectl_get();
        if !no_headers {
            let headers: Vec<&str> = self.columns.iter().map(|c| c.header.as_str()).collect();
            w.write(&headers.join("\t"));
            w.write("\n");
        }
        for item in items {
            let cells = row_with(&parsers, item)?;
            w.write(&cells.join("\t"));
            w.write("\n");
        }
        Ok(w.finish())
    }
}

fn row_with(parsers: &[Vec<Node>], obj: &Value) -> Result<Vec<String>, String> {
    let engine = Engine { allow_missing_keys: true };
    let mut cells = Vec::with_capacity(parsers.len());
    for nodes in parsers {
        let values = engine.find_results(nodes, obj)?;
        let mut strings = Vec::new();
        if values.first().is_none_or(|v| v.is_empty()) {
            strings.push("<none>".to_string());
        }
        for list in &values {
            for v in list {
                let s = match v {
                    Val::Ref(r) => go_v(r),
                    other => text(other),
                };
                strings.push(escape_terminal(&s));
            }
        }
        cells.push(strings.join(","));
    }
    Ok(cells)
}
