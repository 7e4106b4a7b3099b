//! HTTP-shaped requests and responses, and `Status` errors in the API server's words.
//!
//! Every kubectl action is a [`Request`]; `kubectl --v=7` prints them. A future native
//! HTTP adapter maps real HTTP onto the same types.

use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: Method,
    /// The path without the query, e.g. `/api/v1/namespaces/default/pods`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The `Accept` header (server-side printing asks for `as=Table`).
    pub accept: Option<String>,
    /// The `Content-Type` header (patch type for PATCH).
    pub content_type: Option<String>,
    pub body: Option<Value>,
    /// `Impersonate-User` (what `kubectl --as` sends).
    pub impersonate_user: Option<String>,
    /// `Impersonate-Group` headers (`--as-group`).
    pub impersonate_groups: Vec<String>,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request { method, path: path.into(), query: Vec::new(), accept: None, content_type: None, body: None, impersonate_user: None, impersonate_groups: Vec::new() }
    }
    pub fn get(path: impl Into<String>) -> Request {
        Request::new(Method::Get, path)
    }
    pub fn query(mut self, key: &str, value: impl Into<String>) -> Request {
        self.query.push((key.to_string(), value.into()));
        self
    }
    pub fn body(mut self, body: Value) -> Request {
        self.body = Some(body);
        self
    }
    pub fn accept(mut self, accept: &str) -> Request {
        self.accept = Some(accept.to_string());
        self
    }
    pub fn content_type(mut self, ct: &str) -> Request {
        self.content_type = Some(ct.to_string());
        self
    }
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
    /// The path with its query string, as a URL would show it.
    pub fn url_path(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let q: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={}", query_escape(v))).collect();
        format!("{}?{}", self.path, q.join("&"))
    }
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub code: u16,
    pub body: Value,
    /// `Warning` headers (`299 - "unknown field ..."`), as kubectl prints them:
    /// `Warning: unknown field "spec.foo"`.
    pub warnings: Vec<String>,
}

impl Response {
    pub fn ok(body: Value) -> Response {
        Response { code: 200, body, warnings: Vec::new() }
    }
    pub fn created(body: Value) -> Response {
        Response { code: 201, body, warnings: Vec::new() }
    }
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }
    /// The standard HTTP reason phrase, as `--v=7` prints it (`200 OK`).
    pub fn status_line(&self) -> String {
        let reason = match self.code {
            200 => "OK",
            201 => "Created",
            202 => "Accepted",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            406 => "Not Acceptable",
            409 => "Conflict",
            413 => "Request Entity Too Large",
            415 => "Unsupported Media Type",
            422 => "Unprocessable Entity",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            _ => "",
        };
        format!("{} {reason}", self.code)
    }
}

/// A failed request, as the API server reports it in a `Status` object.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    /// `details` (name, group, kind, causes) as the server sends them.
    pub details: Option<Value>,
}

/// One field problem inside an `Invalid` error.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    pub reason: &'static str,
    pub field: String,
    pub message: String,
}

impl ApiError {
    pub fn not_found(group: &str, resource: &str, name: &str) -> ApiError {
        let gr = qualified(resource, group);
        ApiError {
            code: 404,
            reason: "NotFound",
            message: format!("{gr} \"{name}\" not found"),
            details: Some(details(name, group, resource)),
        }
    }
    pub fn already_exists(group: &str, resource: &str, name: &str) -> ApiError {
        let gr = qualified(resource, group);
        ApiError {
            code: 409,
            reason: "AlreadyExists",
            message: format!("{gr} \"{name}\" already exists"),
            details: Some(details(name, group, resource)),
        }
    }
    pub fn conflict(group: &str, resource: &str, name: &str, why: &str) -> ApiError {
        let gr = qualified(resource, group);
        ApiError {
            code: 409,
            reason: "Conflict",
            message: format!("Operation cannot be fulfilled on {gr} \"{name}\": {why}"),
            details: Some(details(name, group, resource)),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError { code: 400, reason: "BadRequest", message: message.into(), details: None }
    }
    pub fn method_not_allowed(message: impl Into<String>) -> ApiError {
        ApiError { code: 405, reason: "MethodNotAllowed", message: message.into(), details: None }
    }
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError { code: 403, reason: "Forbidden", message: message.into(), details: None }
    }
    pub fn too_large() -> ApiError {
        ApiError { code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is 3145728".into(), details: None }
    }
    /// `Invalid` (422) with field causes, worded as `apimachinery` aggregates them.
    pub fn invalid(group: &str, kind: &str, name: &str, causes: Vec<Cause>) -> ApiError {
        let list: Vec<String> = causes.iter().map(|c| format!("{}: {}", c.field, c.message)).collect();
        let joined = if list.len() == 1 { list[0].clone() } else { format!("[{}]", list.join(", ")) };
        let gk = qualified(kind, group);
        let mut det = json!({
            "name": name,
            "kind": kind,
            "causes": causes.iter().map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field})).collect::<Vec<_>>(),
        });
        if !group.is_empty() {
            det["group"] = json!(group);
        }
        ApiError { code: 422, reason: "Invalid", message: format!("{gk} \"{name}\" is invalid: {joined}"), details: Some(det) }
    }
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError { code: 500, reason: "InternalError", message: message.into(), details: None }
    }

    /// The `Status` object the server sends.
    pub fn to_status(&self) -> Value {
        let mut v = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            v["details"] = d.clone();
        }
        v
    }

    pub fn into_response(self) -> Response {
        Response { code: self.code, body: self.to_status(), warnings: Vec::new() }
    }

    /// Reads a `Status` body back (kubectl's side).
    pub fn from_status(code: u16, body: &Value) -> ApiError {
        let reason = match body.get("reason").and_then(Value::as_str).unwrap_or("") {
            "NotFound" => "NotFound",
            "AlreadyExists" => "AlreadyExists",
            "Conflict" => "Conflict",
            "Invalid" => "Invalid",
            "BadRequest" => "BadRequest",
            "Forbidden" => "Forbidden",
            "MethodNotAllowed" => "MethodNotAllowed",
            "TooManyRequests" => "TooManyRequests",
            "RequestEntityTooLarge" => "RequestEntityTooLarge",
            _ => "Unknown",
        };
        ApiError {
            code,
            reason,
            message: body.get("message").and_then(Value::as_str).unwrap_or("").to_string(),
            details: body.get("details").cloned(),
        }
    }
}

fn qualified(resource: &str, group: &str) -> String {
    if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    }
}

fn details(name: &str, group: &str, resource: &str) -> Value {
    let mut d = json!({ "name": name, "kind": resource });
    if !group.is_empty() {
        d["group"] = json!(group);
    }
    d
}

pub type ApiResult<T> = Result<T, ApiError>;
