//! `/openapi/v3`: the core API server's documents (kubeniwa_core::openapi), served
//! directly so their bodies skip the request adapter.

pub use kubeniwa_core::openapi::document;
