//! A watch, one poll at a time: `GET <collection>?watch=true&resourceVersion=N`.
//!
//! A real watch is a stream that stays open; the simulation only moves when it is
//! stepped, so the emulated kubectl asks again after each step for what the stream
//! would have carried by then. The answer holds the events after `N` in order, each
//! `{"type": "ADDED"|"MODIFIED"|"DELETED", "object": ...}` exactly as a stream line,
//! and the resourceVersion to ask from next time. `resourceVersion=0` (or none)
//! starts "at now" and, as the real server does, begins with a synthetic ADDED event
//! per object that exists. An object is rendered as a one-row Table when the client
//! asks for `as=Table`, as server-side printing does for watches.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Request, Response};
use crate::apiserver::with_type;
use crate::cluster::{Cluster, WatchKind};
use crate::printers;
use crate::resources::ResourceType;
use crate::selectors::{FieldSelector, LabelSelector};

impl Cluster {
    /// One poll of a watch on a collection (see the module comment).
    pub(crate) fn watch_poll(&self, req: &Request, rt: &'static ResourceType, namespace: Option<&str>) -> ApiResult<Response> {
        let labels = match req.query_value("labelSelector") {
            Some(s) => LabelSelector::parse(s).map_err(ApiError::bad_request)?,
            None => LabelSelector::default(),
        };
        let fields = match req.query_value("fieldSelector") {
            Some(s) => {
                let f = FieldSelector::parse(s).map_err(ApiError::bad_request)?;
                f.check_supported(rt.kind).map_err(ApiError::bad_request)?;
                f
            }
            None => FieldSelector::default(),
        };
        let table = req.accept.as_deref().is_some_and(|a| a.contains("as=Table"));
        let render = |obj: Value| -> Value {
            let obj = with_type(rt, obj);
            if table {
                printers::table(self, rt, &[obj], self.resource_version())
            } else {
                obj
            }
        };
        let wanted = |obj: &Value| labels.matches(obj["metadata"].get("labels")) && fields.matches(obj);
        let from: u64 = match req.query_value("resourceVersion").unwrap_or("0") {
            "" | "0" => 0,
            s => s.parse().map_err(|_| ApiError::bad_request(format!("invalid resource version: {s}")))?,
        };
        let mut events = Vec::new();
        if from == 0 {
            let resource = rt.group_resource();
            for obj in self.list(&resource, namespace).into_iter().filter(|o| wanted(o)) {
                events.push(json!({"type": "ADDED", "object": render(obj.clone())}));
            }
        } else {
            // The log keeps a bounded window; a client further behind must list again.
            if self.watch_log.first().is_some_and(|(rv, _)| *rv > from + 1) && from < self.resource_version() {
                return Err(ApiError {
                    code: 410,
                    reason: "Expired",
                    message: format!("too old resource version: {from} ({})", self.watch_log[0].0 - 1),
                    details: None,
                });
            }
            let resource = rt.group_resource();
            for ev in self.events_since(from) {
                if ev.key.resource != resource || namespace.is_some_and(|ns| ev.key.namespace != ns) || !wanted(ev.object.value()) {
                    continue;
                }
                let kind = match ev.kind {
                    WatchKind::Added => "ADDED",
                    WatchKind::Modified => "MODIFIED",
                    WatchKind::Deleted => "DELETED",
                };
                events.push(json!({"type": kind, "object": render(ev.object.value().clone())}));
            }
        }
        Ok(Response::ok(json!({
            "kind": "WatchEventList",
            "apiVersion": "v1",
            "metadata": {"resourceVersion": self.resource_version().to_string()},
            "items": events,
        })))
    }
}

#[cfg(test)]
mod tests {
    use crate::{ClusterConfig, Request};
    use serde_json::json;

    #[test]
    fn a_poll_returns_the_events_since_the_version_asked() {
        let mut c = crate::bootstrap::create_kind_cluster(ClusterConfig::kind_default("kind"), 1, crate::time::EPOCH_START);
        let list = c.handle(&Request::get("/api/v1/namespaces/default/configmaps"));
        let rv = list.body["metadata"]["resourceVersion"].as_str().unwrap().to_string();
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
        assert!(c.handle(&Request::new(crate::Method::Post, "/api/v1/namespaces/default/configmaps").body(cm)).is_success());
        let poll = c.handle(&Request::get("/api/v1/namespaces/default/configmaps").query("watch", "true").query("resourceVersion", rv));
        let items = poll.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["type"], "ADDED");
        assert_eq!(items[0]["object"]["metadata"]["name"], "a");
        let next = poll.body["metadata"]["resourceVersion"].as_str().unwrap().to_string();
        let again = c.handle(&Request::get("/api/v1/namespaces/default/configmaps").query("watch", "true").query("resourceVersion", next));
        assert_eq!(again.body["items"].as_array().unwrap().len(), 0);
    }
}
