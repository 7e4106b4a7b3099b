//! The exact text formats kubectl reads and writes, for a sandbox whose learners compare its
//! output byte for byte with real kubectl v1.35.
//!
//! - [`yaml`]: manifests in (`kubectl apply -f`, YAML 1.1 via go-yaml v2 rules) and
//!   `-o yaml` out.
//! - [`json`]: `-o json` (Go `json.MarshalIndent`) and compact Go `json.Marshal`.
//! - [`table`]: Go `text/tabwriter` as `kubectl get` and `kubectl describe` configure it.
//! - [`duration`]: apimachinery's `HumanDuration` for AGE columns.
//! - [`jsonpath`]: `-o jsonpath=`, `-o jsonpath-as-json=` and `-o custom-columns=`.
//!
//! Architecture invariants: no IO, no clock, no randomness; nothing iterates a `HashMap` into
//! output; user input never panics and never recurses without a depth bound.

pub mod duration;
mod gonum;
pub mod json;
pub mod jsonpath;
pub mod table;
pub mod yaml;

/// Go's number and string formatting, for messages that must read like kubectl's.
pub mod go {
    pub use crate::gonum::{format_e, format_f, format_g, format_json_float, parse_float_decimal, parse_int_base0};
    pub use crate::jsonpath::{go_quote as quote, go_sharp_v as sharp_v, go_v as v};
}
