//! YAML as kubectl reads it (`kubectl apply -f`) and writes it (`kubectl get -o yaml`).
//!
//! Both directions follow go-yaml v2 as wrapped by sigs.k8s.io/yaml: YAML 1.1 scalars
//! (`yes`/`on`/`y` are booleans, `0o17` and `017` are octal), JSON-compatible values, and the
//! libyaml emitter's layout.

mod emit;
mod error;
mod json_stream;
mod parse;
mod resolve;

pub use emit::{to_string, to_string_multi};
pub(crate) use resolve::is_timestamp;
pub use error::{YamlError, YamlErrorKind};
pub use parse::{parse_documents, parse_documents_with, parse_documents_with_positions, Document, ParseLimits, Position};

#[cfg(test)]
mod tests;
