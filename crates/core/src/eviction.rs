//! The `pods/eviction` subresource (policy/v1 `Eviction`), as `kubectl drain` uses
//! it: a pod is deleted gracefully unless a PodDisruptionBudget covering it allows
//! no more disruptions, which is answered with 429 TooManyRequests.
//!
//! Mirrors `pkg/registry/core/pod/storage/eviction.go`: pods that are already being
//! deleted, finished or still Pending are deleted without consulting budgets; more
//! than one budget for a pod is an error; a budget whose status has not caught up
//! with its spec refuses; otherwise `status.disruptionsAllowed` (kept by the
//! disruption controller, `disruption.rs`) decides and is decremented.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Request, Response};
use crate::cluster::{Cluster, ObjKey};
use crate::selectors::LabelSelector;

impl Cluster {
    pub(crate) fn evict(&mut self, req: &Request, namespace: &str, name: &str) -> ApiResult<Response> {
        let key = ObjKey::pod(namespace, name);
        let pod = self.objects.get(&key).cloned().ok_or_else(|| ApiError::not_found("", "pods", name))?;
        if let Some(body) = &req.body {
            if let Some(n) = body["metadata"]["name"].as_str() {
                if n != name {
                    return Err(ApiError::bad_request("name in URL does not match name in Eviction object"));
                }
            }
        }
        let grace = req.body.as_ref().and_then(|b| b["deleteOptions"]["gracePeriodSeconds"].as_i64());
        let dry_run = req.query_value("dryRun") == Some("All") || req.body.as_ref().is_some_and(|b| b["deleteOptions"]["dryRun"].as_array().is_some_and(|d| d.iter().any(|v| v == "All")));
        let success = || Response::created(json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}));
        let phase = pod["status"]["phase"].as_str().unwrap_or("Pending");
        // `canIgnorePDB`: nothing a budget protects would be lost.
        if !pod["metadata"]["deletionTimestamp"].is_null() || matches!(phase, "Succeeded" | "Failed" | "Pending") {
            if !dry_run {
                crate::kubelet::delete_pod(self, &key, grace);
            }
            return Ok(success());
        }
        let pdbs: Vec<(ObjKey, Value)> = self
            .list("poddisruptionbudgets.policy", Some(namespace))
            .into_iter()
            .filter(|p| !p["spec"]["selector"].is_null() && LabelSelector::from_object(&p["spec"]["selector"]).matches(pod["metadata"].get("labels")))
            .map(|p| (ObjKey { resource: "poddisruptionbudgets.policy".into(), namespace: namespace.into(), name: p["metadata"]["name"].as_str().unwrap_or("").into() }, p.clone()))
            .collect();
        if pdbs.len() > 1 {
            return Err(ApiError::internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."));
        }
        if let Some((pdb_key, pdb)) = pdbs.into_iter().next() {
            let st = &pdb["status"];
            let observed = st["observedGeneration"].as_i64().unwrap_or(0);
            let generation = pdb["metadata"]["generation"].as_i64().unwrap_or(1);
            let allowed = st["disruptionsAllowed"].as_i64().unwrap_or(0);
            if observed < generation || allowed <= 0 {
                let message = if observed < generation {
                    "The disruption budget has not been processed yet, try again later".to_string()
                } else {
                    format!(
                        "The disruption budget {} needs {} healthy pods and has {} currently",
                        pdb_key.name,
                        st["desiredHealthy"].as_i64().unwrap_or(0),
                        st["currentHealthy"].as_i64().unwrap_or(0)
                    )
                };
                return Err(ApiError {
                    code: 429,
                    reason: "TooManyRequests",
                    message: "Cannot evict pod as it would violate the pod's disruption budget.".into(),
                    details: Some(json!({"causes": [{"reason": "DisruptionBudget", "message": message}]})),
                });
            }
            if !dry_run {
                self.modify(&pdb_key, |p| p["status"]["disruptionsAllowed"] = json!(allowed - 1));
            }
        }
        if !dry_run {
            crate::kubelet::delete_pod(self, &key, grace);
        }
        Ok(success())
    }
}
