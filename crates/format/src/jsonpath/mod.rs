//! kubectl's JSONPath template dialect (`-o jsonpath=`, `-o jsonpath-as-json=`) and
//! `-o custom-columns=`, after client-go's `util/jsonpath` and kubectl's printers.
//!
//! Output follows `JSONPath.PrintResults`: several results of one action are separated by a
//! space, maps and lists print as compact Go JSON, `null` prints as `null`, and nothing is
//! added at the end (no trailing newline). With `jsonpath-as-json` each action's results print
//! as an indented JSON array followed by a newline.
//!
//! kubectl's `--allow-missing-template-keys` defaults to true, so a missing field prints
//! nothing; with it false a missing field fails with `<field> is not found`.
//! Where Go iterates a map in random order (`*` and `..` over an object) keys are taken in
//! sorted order, one of the orders real kubectl can print.

mod custom_columns;
mod eval;
mod gofmt;
mod parser;

pub use custom_columns::{relaxed_json_path_expression, Column, CustomColumns};
pub use gofmt::{go_quote, go_sharp_v, go_v};

use serde_json::Value;

use eval::{print_results, Engine};
use parser::Node;

/// A parsed template.
#[derive(Debug, Clone)]
pub struct JsonPath {
    template: String,
    nodes: Vec<Node>,
    allow_missing_keys: bool,
    output_json: bool,
}

/// Why a template could not be parsed or executed; [`std::fmt::Display`] gives client-go's
/// bare message (e.g. `unclosed action`, `foo is not found`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonPathError {
    /// The template does not parse.
    #[error("{0}")]
    Parse(String),
    /// The template failed while walking the data.
    #[error("{0}")]
    Execute(String),
}

impl JsonPath {
    /// Parses a template (client-go `JSONPath.Parse`). Missing keys are allowed, as with
    /// kubectl's default `--allow-missing-template-keys=true`.
    pub fn parse(template: &str) -> Result<JsonPath, JsonPathError> {
        let nodes = parser::parse(template).map_err(JsonPathError::Parse)?;
        Ok(JsonPath { template: template.to_string(), nodes, allow_missing_keys: true, output_json: false })
    }

    /// `--allow-missing-template-keys`.
    pub fn allow_missing_keys(mut self, allow: bool) -> Self {
        self.allow_missing_keys = allow;
        self
    }

    /// `-o jsonpath-as-json`.
    pub fn json_output(mut self, on: bool) -> Self {
        self.output_json = on;
        self
    }

    /// The template text.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// `FindResults`: one list of values per top-level text or action, `range` expanded.
    pub fn find_results(&self, data: &Value) -> Result<Vec<Vec<Value>>, JsonPathError> {
        let engine = Engine { allow_missing_keys: self.allow_missing_keys };
        let results = engine.find_results(&self.nodes, data).map_err(JsonPathError::Execute)?;
        Ok(results.into_iter().map(|r| r.iter().map(|v| v.to_value()).collect()).collect())
    }

    /// `Execute`: the text kubectl prints (no trailing newline in text mode).
    pub fn execute(&self, data: &Value) -> Result<String, JsonPathError> {
        let engine = Engine { allow_missing_keys: self.allow_missing_keys };
        let results = engine.find_results(&self.nodes, data).map_err(JsonPathError::Execute)?;
        let mut out = String::new();
        for r in &results {
            print_results(&mut out, r, self.output_json);
        }
        Ok(out)
    }

    /// Like [`JsonPath::execute`], but with the error worded as kubectl prints it after
    /// `error: ` (see [`execute_error_message`]).
    pub fn print(&self, data: &Value) -> Result<String, String> {
        self.execute(data).map_err(|e| execute_error_message(&self.template, &e.to_string(), data))
    }
}

/// kubectl's message for a template that does not parse (after `error: `):
/// `error parsing jsonpath {.foo, unclosed action`.
pub fn parse_error_message(template: &str, err: &JsonPathError) -> String {
    format!("error parsing jsonpath {template}, {err}")
}

/// kubectl's message for a template that fails on an object (after `error: `), from
/// cli-runtime's `JSONPathPrinter.PrintObj`; it ends with three newlines.
pub fn execute_error_message(template: &str, err: &str, data: &Value) -> String {
    let mut buf = String::new();
    buf.push_str(&format!("Error executing template: {err}. Printing more information for debugging the template:\n"));
    buf.push_str(&format!("\ttemplate was:\n\t\t{template}\n"));
    buf.push_str(&format!("\tobject given to jsonpath engine was:\n\t\t{}\n\n", go_sharp_v(data)));
    format!("error executing jsonpath {}: {}\n", go_quote(template), buf)
}

/// `kubectl get -o jsonpath=<template>` on one object (or List) with the default
/// `--allow-missing-template-keys=true`; the error is kubectl's message after `error: `.
pub fn print_jsonpath(template: &str, data: &Value) -> Result<String, String> {
    let jp = JsonPath::parse(template).map_err(|e| parse_error_message(template, &e))?;
    jp.print(data)
}

/// `kubectl get -o jsonpath-as-json=<template>`.
pub fn print_jsonpath_as_json(template: &str, data: &Value) -> Result<String, String> {
    let jp = JsonPath::parse(template).map_err(|e| parse_error_message(template, &e))?.json_output(true);
    jp.print(data)
}

#[cfg(test)]
mod tests;
