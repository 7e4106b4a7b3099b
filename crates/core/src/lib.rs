//! The pure simulation core: object store, API server, scheduler, kubelet with a fake
//! container runtime, cluster networking, and a simulated clock.
//!
//! Architecture invariants: no IO, no wall clock, no browser APIs; all randomness comes
//! from one seeded generator per cluster; nothing that reaches output iterates a
//! `HashMap`. Same seed + same requests = same bytes.

pub mod admission;
pub mod api;
pub mod apiserver;
pub mod apiservice;
pub mod authorization;
pub mod bootstrap;
pub mod cluster;
pub mod controllers;
pub mod daemonset;
pub mod decode;
pub mod disruption;
pub mod ephemeral;
pub mod eviction;
pub mod eviction_manager;
pub mod event_ttl;
pub mod hpa;
pub mod images;
pub mod intern;
pub mod jobs;
pub mod kubelet;
mod lz4;
pub mod metrics;
pub mod network;
pub mod openapi;
pub mod patch;
pub mod podenv;
pub mod printers;
pub mod priority;
pub mod probes;
pub mod process;
pub mod quantity;
pub mod quota;
pub mod resources;
pub mod resources_model;
pub mod rng;
pub mod scheduler;
pub mod selectors;
pub mod ssa;
pub mod statefulset;
pub mod store;
pub mod storage;
pub mod time;
pub mod watch;

pub use api::{ApiError, Method, Request, Response};
pub use cluster::{Cluster, ClusterConfig, ObjKey};

/// The node image kind uses for Kubernetes v1.35.
pub const KIND_NODE_IMAGE: &str = "kindest/node:v1.35.0";
/// The kind release this sandbox behaves as.
pub const KIND_VERSION: &str = "v0.31.0";
