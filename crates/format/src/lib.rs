//! The exact text formats kubectl reads and writes, for a sandbox whose learners compare its
//! output byte for byte with real kubectl v1.35.
//!
//! - [`yaml`]: manifests in ([`yaml::parse_documents`]: kubectl's `---` splitting, JSON streams,
//!   YAML 1.1 scalars and libyaml's leniencies as go-yaml v2 reads them, go-yaml's error
//!   wording and line numbers, budgets against alias bombs and deep nesting) and `-o yaml` out
//!   ([`yaml::to_string`]: a port of go-yaml v2's encoder and libyaml's emitter).
//! - [`json`]: `-o json` ([`json::to_string_pretty`], Go `json.MarshalIndent` with 4 spaces)
//!   and Go `json.Marshal` ([`json::to_string_compact`]).
//! - [`table`]: Go `text/tabwriter` (liggitt's fork) as `kubectl get` and `kubectl describe`
//!   configure it.
//! - [`duration`]: apimachinery's `HumanDuration` and `ShortHumanDuration` for AGE columns.
//! - [`jsonpath`]: `-o jsonpath=`, `-o jsonpath-as-json=` and `-o custom-columns=`.
//! - [`kyaml`]: `-o kyaml` (sigs.k8s.io/yaml's KYAML encoder, on by default in v1.35).
//! - [`go`]: Go's number and string formatting for messages.
//!
//! How exactness is kept: each module is a port of the Go code kubectl runs (named in its
//! docs), and the tests run the upstream projects' own test tables (go-yaml v2 encode/decode,
//! sigs.k8s.io/yaml, liggitt/tabwriter, client-go jsonpath, kubectl custom columns,
//! apimachinery duration) plus kubectl output recorded in the project's notes.
//!
//! Architecture invariants: no IO, no clock, no randomness; nothing iterates a `HashMap` into
//! output; user input never panics, and nothing recurses over user data without a depth bound.

pub mod difflib;
pub mod duration;
mod gonum;
pub mod json;
pub mod jsonpath;
pub mod kyaml;
pub mod table;
pub mod yaml;

/// Go's number and string formatting, for messages that must read like kubectl's.
pub mod go {
    pub use crate::gonum::{format_e, format_f, format_g, format_json_float, parse_float_decimal, parse_int_base0};
    pub use crate::jsonpath::{go_quote as quote, go_sharp_v as sharp_v, go_v as v};
}
