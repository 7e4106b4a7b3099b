//! kubectl's JSONPath template dialect (`-o jsonpath=`, `-o jsonpath-as-json=`) and
//! `-o custom-columns=`.
