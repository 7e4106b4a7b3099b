//! The HorizontalPodAutoscaler controller (`pkg/controller/podautoscaler`,
//! `reconcileAutoscaler`), autoscaling/v2, resource metrics only.
//!
//! Every 15 s (`--horizontal-pod-autoscaler-sync-period`) each HPA reads its target's
//! scale, clamps it to [minReplicas, maxReplicas], and otherwise asks the resource
//! metrics API for the pods' usage. kind ships no metrics-server, so that fails as
//! it does there (`FailedGetResourceMetric`, `<unknown>` in TARGETS) until a
//! `metrics-server` Deployment in `kube-system` is available; then usage comes from
//! [`crate::resources_model`] and the replica count follows the v2 algorithm:
//! tolerance 0.1, scale-up limited to max(100 %, 4 pods) per period, scale-down to
//! the highest recommendation of the last 300 s.
//!
//! The CPU a server uses beyond its idle figure is the load of the requests that
//! reached it ([`Served`], filed by the kubelet from its processes' network calls).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::cluster::{Cluster, ObjKey, Timer};
use crate::time::{rfc3339, Millis};

const SYNC_PERIOD_MS: Millis = 15_000;
const TOLERANCE: f64 = 0.1;
const DOWNSCALE_WINDOW_MS: Millis = 300_000;
const SOURCE: &str = "horizontal-pod-autoscaler";
const NO_METRICS_API: &str =
    "unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

/// What the controller remembers per HPA (its informer cache and recommendations).
#[derive(Debug, Clone, Default)]
pub struct HpaState {
    next_sync: Millis,
    /// (time, recommended replicas), for scale-down stabilisation.
    recommendations: Vec<(Millis, i64)>,
}

/// Syncs every HPA whose period has come round.
pub fn sync_hpas(c: &mut Cluster) {
    let keys = c.list_keys("horizontalpodautoscalers.autoscaling");
    for key in keys {
        let Some(hpa) = c.get(&key).cloned() else { continue };
        let uid = hpa["metadata"]["uid"].as_str().unwrap_or("").to_string();
        let now = c.now;
        let state = c.runtime.hpas.entry(uid.clone()).or_default();
        if state.next_sync > now {
            continue;
        }
        state.next_sync = now + SYNC_PERIOD_MS;
        c.schedule(now + SYNC_PERIOD_MS, Timer::Resync);
        reconcile(c, &key, &hpa, &uid);
    }
    let live: Vec<String> = c.list("horizontalpodautoscalers.autoscaling", None).iter().filter_map(|h| h["metadata"]["uid"].as_str().map(String::from)).collect();
    c.runtime.hpas.retain(|uid, _| live.contains(uid));
}

fn condition(status: &mut Value, now: Millis, type_: &str, ok: bool, reason: &str, message: String) {
    let list = status["conditions"].as_array().cloned().unwrap_or_default();
    let st = if ok { "True" } else { "False" };
    let mut out: Vec<Value> = Vec::new();
    let mut found = false;
    for mut cnd in list {
        if cnd["type"] == type_ {
            found = true;
            if cnd["status"] != st {
                cnd["lastTransitionTime"] = json!(rfc3339(now));
            }
            cnd["status"] = json!(st);
            cnd["reason"] = json!(reason);
            cnd["message"] = json!(message);
        }
        out.push(cnd);
    }
    if !found {
        out.push(json!({"type": type_, "status": st, "lastTransitionTime": rfc3339(now), "reason": reason, "message": message}));
    }
    status["conditions"] = json!(out);
}

/// `reconcileAutoscaler` for one HPA.
fn reconcile(c: &mut Cluster, key: &ObjKey, hpa: &Value, uid: &str) {
    let now = c.now;
    let ns = key.namespace.clone();
    let spec = &hpa["spec"];
    let target = &spec["scaleTargetRef"];
    let kind = target["kind"].as_str().unwrap_or("");
    let tname = target["name"].as_str().unwrap_or("").to_string();
    let resource = match kind {
        "Deployment" => "deployments.apps",
        "ReplicaSet" => "replicasets.apps",
        "StatefulSet" => "statefulsets.apps",
        _ => "",
    };
    let plural = resource.split('.').next().unwrap_or("").to_string();
    let tkey = ObjKey { resource: resource.into(), namespace: ns.clone(), name: tname.as_str().into() };
    let mut status = hpa["status"].clone();
    if !status.is_object() {
        status = json!({});
    }
    let Some(workload) = c.get(&tkey).cloned().filter(|_| !resource.is_empty()) else {
        let err = format!("{plural}/scale.apps \"{tname}\" not found");
        condition(&mut status, now, "AbleToScale", false, "FailedGetScale", format!("the HPA controller was unable to get the target's current scale: {err}"));
        c.emit_event(hpa, None, "Warning", "FailedGetScale", SOURCE, err);
        write_status(c, key, status);
        return;
    };
    condition(&mut status, now, "AbleToScale", true, "SucceededGetScale", "the HPA controller was able to get the target's current scale".into());
    let current = workload["spec"]["replicas"].as_i64().unwrap_or(1);
    let min = spec["minReplicas"].as_i64().unwrap_or(1);
    let max = spec["maxReplicas"].as_i64().unwrap_or(1);
    let (desired, reason) = if current == 0 && min != 0 {
        condition(&mut status, now, "ScalingActive", false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero".into());
        (0, None)
    } else if current > max {
        (max, Some("Current number of replicas above Spec.MaxReplicas".to_string()))
    } else if current < min {
        (min, Some("Current number of replicas below Spec.MinReplicas".to_string()))
    } else {
        match compute_from_metrics(c, hpa, &workload, current) {
            Err((first, count)) => {
                status["currentReplicas"] = json!(current);
                if status["desiredReplicas"].is_null() {
                    status["desiredReplicas"] = json!(0);
                }
                status["currentMetrics"] = json!(vec![json!({"type": ""}); count]);
                condition(&mut status, now, "ScalingActive", false, "FailedGetResourceMetric", format!("the HPA was unable to compute the replica count: {first}"));
                c.emit_event(hpa, None, "Warning", "FailedGetResourceMetric", SOURCE, first.clone());
                write_status(c, key, status);
                let msg = format!("invalid metrics ({count} invalid out of {count}), first error is: failed to get cpu resource metric value: {first}");
                if let Some(h) = c.get(key).cloned() {
                    c.emit_event(&h, None, "Warning", "FailedComputeMetricsReplicas", SOURCE, msg);
                }
                return;
            }
            Ok((proposal, metrics)) => {
                status["currentMetrics"] = json!(metrics);
                condition(&mut status, now, "ScalingActive", true, "ValidMetricFound", "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)".into());
                let desired = stabilise(c, uid, now, current, proposal, min, max, &mut status);
                // `reconcileAutoscaler`: the metric that asked for more, or all below.
                let reason = if desired > current { "cpu resource utilization (percentage of request) above target".to_string() } else { "All metrics below target".to_string() };
                (desired, Some(reason))
            }
        }
    };
    let rescale = desired != current && reason.is_some() && !(current == 0 && min != 0);
    if rescale {
        c.modify(&tkey, |w| {
            w["spec"]["replicas"] = json!(desired);
            let g = w["metadata"]["generation"].as_i64().unwrap_or(1);
            w["metadata"]["generation"] = json!(g + 1);
        });
        condition(&mut status, now, "AbleToScale", true, "SucceededRescale", format!("the HPA controller was able to update the target scale to {desired}"));
        c.emit_event(hpa, None, "Normal", "SuccessfulRescale", SOURCE, format!("New size: {desired}; reason: {}", reason.unwrap_or_default()));
        status["lastScaleTime"] = json!(rfc3339(now));
    } else if current != 0 {
        let st = status["conditions"].as_array().and_then(|cs| cs.iter().find(|x| x["type"] == "AbleToScale").cloned());
        if st.is_some_and(|x| x["reason"] == "SucceededGetScale") {
            condition(&mut status, now, "AbleToScale", true, "ReadyForNewScale", "recommended size matches current size".into());
        }
    }
    status["currentReplicas"] = json!(current);
    status["desiredReplicas"] = json!(desired);
    write_status(c, key, status);
}

fn write_status(c: &mut Cluster, key: &ObjKey, status: Value) {
    c.modify(key, |h| h["status"] = status);
}

/// Whether the resource metrics API answers (a metrics-server is available).
pub fn metrics_api_available(c: &Cluster) -> bool {
    // The aggregator proxies metrics.k8s.io to metrics-server once its APIService is
    // available: its Service has a ready endpoint. On kind that takes
    // `--kubelet-insecure-tls` (the kubelets' serving certificates name no IP, so
    // without it metrics-server scrapes nothing and its /readyz keeps failing).
    crate::apiservice::available(c, "v1beta1.metrics.k8s.io")
}

/// `computeReplicasForMetrics` for CPU utilisation: Ok(proposed replicas, metric
/// statuses), or Err(first error, number of metrics).
fn compute_from_metrics(c: &Cluster, hpa: &Value, workload: &Value, current: i64) -> Result<(i64, Vec<Value>), (String, usize)> {
    let metrics: Vec<Value> = hpa["spec"]["metrics"].as_array().cloned().unwrap_or_default();
    let count = metrics.len().max(1);
    let target_util = metrics
        .iter()
        .find(|m| m["type"] == "Resource" && m["resource"]["name"] == "cpu")
        .and_then(|m| m["resource"]["target"]["averageUtilization"].as_i64())
        .unwrap_or(80);
    if !metrics_api_available(c) {
        return Err((format!("failed to get cpu utilization: {NO_METRICS_API}"), count));
    }
    let selector = crate::selectors::LabelSelector::from_object(&workload["spec"]["selector"]);
    let ns = workload["metadata"]["namespace"].as_str().unwrap_or("");
    let pods: Vec<Value> = c
        .list("pods", Some(ns))
        .into_iter()
        .filter(|p| selector.matches(Some(&p["metadata"]["labels"])) && p["metadata"]["deletionTimestamp"].is_null() && p["status"]["phase"] == "Running")
        .cloned()
        .collect();
    let (mut usage, mut request) = (0u64, 0u64);
    let mut ready = 0i64;
    for p in &pods {
        for ctr in p["spec"]["containers"].as_array().into_iter().flatten() {
            let req = crate::quantity::milli(&ctr["resources"]["requests"]["cpu"]);
            if req <= 0 {
                return Err((
                    format!("failed to get cpu utilization: missing request for cpu in container {} of Pod {}", ctr["name"].as_str().unwrap_or(""), p["metadata"]["name"].as_str().unwrap_or("")),
                    count,
                ));
            }
            request += req as u64;
            usage += pod_cpu(c, p, ctr);
        }
        ready += 1;
    }
    if pods.is_empty() || request == 0 {
        return Err(("failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)".into(), count));
    }
    let util = (usage * 100 / request) as i64;
    let ratio = util as f64 / target_util as f64;
    let proposal = if (ratio - 1.0).abs() <= TOLERANCE { current } else { (ratio * ready as f64).ceil() as i64 };
    let avg_m = usage / pods.len() as u64;
    let metric = json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": util, "averageValue": format!("{avg_m}m")}}});
    Ok((proposal, vec![metric]))
}

/// A pod container's CPU now, in millicores, with the load other pods send it.
pub fn pod_cpu(c: &Cluster, pod: &Value, ctr: &Value) -> u64 {
    let image = ctr["image"].as_str().unwrap_or("");
    crate::resources_model::usage(ctr, image, load_on(c, pod, ctr).0).0
}

/// How far back the load on a server is measured: the metrics-server's resolution
/// (`--metric-resolution=15s`), the CPU rate between two of its scrapes.
pub(crate) const LOAD_WINDOW_MS: Millis = 15_000;
/// The window ends this long before now: a busy client's calls are settled at most a
/// second after they are made (`kubelet::CHECK_EVERY_MS`), so the last second is not
/// all in yet.
pub(crate) const LOAD_LAG_MS: Millis = 1_000;
/// The think time of the HPA walkthrough's client (`while sleep 0.01; do wget ...`):
/// an image's `busy_cpu_m` is what such a client costs its server.
const WALKTHROUGH_SLEEP_MS: f64 = 10.0;

/// Requests that reached server containers: for each (pod, container), how many
/// arrived at each instant and how long they kept their clients waiting. The kubelet
/// files each network call of a container's process as it settles (the clock passed
/// it), with the endpoint kube-proxy's pick sent it to; only the recent window is kept.
#[derive(Debug, Clone, Default)]
pub struct Served {
    by_server: BTreeMap<(ObjKey, String), BTreeMap<Millis, Arrivals>>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Arrivals {
    count: u64,
    /// Sum of the answers' response times, in ms.
    waited_ms: u64,
}

impl Served {
    /// A request reached `container` of `pod` at `at`, answered in `response_ms`.
    pub(crate) fn record(&mut self, pod: &ObjKey, container: &str, at: Millis, response_ms: u64) {
        let slot = self.by_server.entry((pod.clone(), container.to_string())).or_default().entry(at).or_default();
        slot.count += 1;
        slot.waited_ms += response_ms;
    }

    /// Forgets arrivals older than any window measured from `now` on.
    pub(crate) fn prune(&mut self, now: Millis) {
        let oldest = now.saturating_sub(LOAD_WINDOW_MS + LOAD_LAG_MS);
        self.by_server.retain(|_, arrivals| {
            *arrivals = arrivals.split_off(&oldest);
            !arrivals.is_empty()
        });
    }

    /// (requests, summed response ms) that reached the container in the window.
    fn window(&self, pod: &ObjKey, container: &str, now: Millis) -> (u64, u64) {
        let to = now.saturating_sub(LOAD_LAG_MS);
        let from = to.saturating_sub(LOAD_WINDOW_MS);
        let Some(arrivals) = self.by_server.get(&(pod.clone(), container.to_string())) else { return (0, 0) };
        arrivals.range(from..to).fold((0, 0), |(n, w), (_, a)| (n + a.count, w + a.waited_ms))
    }
}

/// CPU time one request costs an image's server, in ms of one core: its `busy_cpu_m`
/// spread over the requests the walkthrough's client sends when answered at once
/// (one per 10 ms sleep plus the image's `request_ms`).
fn request_cpu_ms(usage: &crate::images::Usage) -> f64 {
    usage.busy_cpu_m as f64 * (WALKTHROUGH_SLEEP_MS + usage.request_ms) / 1000.0
}

/// The load clients' requests put on a server container, in millicores:
/// (what it served, what its clients asked of it). Served is the rate of requests
/// that reached it over the last window times the image's CPU per request. Asked
/// counts each request by how long it kept its client waiting (a throttled server
/// answers slowly, so a client in a loop sends fewer requests than it would): what
/// the process would use without a limit, which sets how much it is throttled.
pub(crate) fn load_on(c: &Cluster, pod: &Value, ctr: &Value) -> (u64, u64) {
    let Some(image) = crate::images::find(ctr["image"].as_str().unwrap_or("")) else { return (0, 0) };
    let key = ObjKey::pod(pod["metadata"]["namespace"].as_str().unwrap_or(""), pod["metadata"]["name"].as_str().unwrap_or(""));
    let (count, waited_ms) = c.runtime.served.window(&key, ctr["name"].as_str().unwrap_or(""), c.now);
    if count == 0 {
        return (0, 0);
    }
    let per_request = request_cpu_ms(&image.usage);
    let served = count as f64 * per_request * 1000.0 / LOAD_WINDOW_MS as f64;
    let stretch = (waited_ms as f64 / (count as f64 * image.usage.request_ms.max(0.001))).max(1.0);
    (served.round() as u64, (served * stretch).round() as u64)
}

/// Scale-up limited to max(2x, +4) per period; scale-down to the highest
/// recommendation of the last 300 s; clamped to the bounds.
#[allow(clippy::too_many_arguments)]
fn stabilise(c: &mut Cluster, uid: &str, now: Millis, current: i64, proposal: i64, min: i64, max: i64, status: &mut Value) -> i64 {
    let state = c.runtime.hpas.entry(uid.to_string()).or_default();
    state.recommendations.push((now, proposal));
    state.recommendations.retain(|(t, _)| *t + DOWNSCALE_WINDOW_MS > now);
    let mut desired = proposal;
    if desired < current {
        desired = state.recommendations.iter().map(|(_, r)| *r).max().unwrap_or(desired).min(current);
    }
    let up_limit = (current * 2).max(current + 4);
    if desired > up_limit {
        desired = up_limit;
    }
    let clamped = desired.clamp(min, max);
    if clamped != desired {
        let (reason, msg) = if desired > max { ("TooManyReplicas", "the desired replica count is more than the maximum replica count") } else { ("TooFewReplicas", "the desired replica count is less than the minimum replica count") };
        condition(status, now, "ScalingLimited", true, reason, msg.into());
    } else {
        condition(status, now, "ScalingLimited", false, "DesiredWithinRange", "the desired count is within the acceptable range".into());
    }
    clamped
}

/// For tests and `kubectl top`: usage of every container of a pod.
pub fn pod_usage(c: &Cluster, pod: &Value) -> BTreeMap<String, (u64, u64)> {
    let mut out = BTreeMap::new();
    for ctr in pod["spec"]["containers"].as_array().into_iter().flatten() {
        let image = ctr["image"].as_str().unwrap_or("");
        let (cpu, mem) = crate::resources_model::usage(ctr, image, load_on(c, pod, ctr).0);
        out.insert(ctr["name"].as_str().unwrap_or("").to_string(), (cpu, mem));
    }
    out
}
