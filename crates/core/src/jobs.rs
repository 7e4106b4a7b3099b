//! Job and CronJob: `pkg/controller/job` and `pkg/controller/cronjob`, with the
//! API server's defaults for them.

use serde_json::{json, Value};

use crate::cluster::{Cluster, ObjKey, Timer};
use crate::time::{days_from_civil, parse_rfc3339, rfc3339, Millis};

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn key(resource: &str, o: &Value) -> ObjKey {
    ObjKey { resource: resource.into(), namespace: s(&o["metadata"]["namespace"]).into(), name: s(&o["metadata"]["name"]).into() }
}

fn owned_by(o: &Value, uid: &str) -> bool {
    o["metadata"]["ownerReferences"].as_array().is_some_and(|r| r.iter().any(|r| r["controller"] == true && r["uid"] == uid))
}

fn has_condition(o: &Value, t: &str) -> bool {
    o["status"]["conditions"].as_array().is_some_and(|cs| cs.iter().any(|c| c["type"] == t && c["status"] == "True"))
}

/// `SetDefaults_Job` plus the selector and labels the strategy generates from the uid.
pub fn default_job(job: &mut Value) {
    let spec = &mut job["spec"];
    if spec["completions"].is_null() && spec["parallelism"].is_null() {
        spec["completions"] = json!(1);
        spec["parallelism"] = json!(1);
    }
    if spec["parallelism"].is_null() {
        spec["parallelism"] = json!(1);
    }
    for (k, v) in [("backoffLimit", json!(6)), ("completionMode", json!("NonIndexed")), ("suspend", json!(false)), ("podReplacementPolicy", json!("TerminatingOrFailed"))] {
        if spec[k].is_null() {
            spec[k] = v;
        }
    }
    let uid = s(&job["metadata"]["uid"]).to_string();
    let name = s(&job["metadata"]["name"]).to_string();
    if job["spec"]["manualSelector"] != true && !uid.is_empty() {
        let generated = json!({
            "batch.kubernetes.io/controller-uid": uid,
            "batch.kubernetes.io/job-name": name,
            "controller-uid": uid,
            "job-name": name,
        });
        if job["spec"]["selector"].is_null() {
            job["spec"]["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
        }
        for (k, v) in generated.as_object().expect("literal object") {
            job["spec"]["template"]["metadata"]["labels"][k] = v.clone();
        }
        if job["metadata"]["labels"].as_object().is_none_or(|m| m.is_empty()) {
            job["metadata"]["labels"] = job["spec"]["template"]["metadata"]["labels"].clone();
        }
    }
}

/// `SetDefaults_CronJob`.
pub fn default_cronjob(cj: &mut Value) {
    let spec = &mut cj["spec"];
    for (k, v) in [("concurrencyPolicy", json!("Allow")), ("suspend", json!(false)), ("successfulJobsHistoryLimit", json!(3)), ("failedJobsHistoryLimit", json!(1))] {
        if spec[k].is_null() {
            spec[k] = v;
        }
    }
}

/// The Job controller: runs pods until enough succeed or too many fail.
pub fn sync_jobs(c: &mut Cluster) {
    for k in c.list_keys("jobs.batch") {
        let Some(job) = c.get(&k).cloned() else { continue };
        if !job["metadata"]["deletionTimestamp"].is_null() {
            continue;
        }
        let uid = s(&job["metadata"]["uid"]).to_string();
        let now = c.now;
        let finished = has_condition(&job, "Complete") || has_condition(&job, "Failed");
        if finished {
            // ttlSecondsAfterFinished: the TTL controller deletes the job (and its pods).
            if let (Some(ttl), Some(done)) = (job["spec"]["ttlSecondsAfterFinished"].as_i64(), job["status"]["completionTime"].as_str().or(job["status"]["conditions"][0]["lastTransitionTime"].as_str()).and_then(parse_rfc3339)) {
                let at = done + ttl.max(0) as Millis * 1000;
                if now >= at {
                    c.remove(&k);
                } else {
                    c.schedule(at, Timer::Resync);
                }
            }
            continue;
        }
        let pods: Vec<Value> = c.list("pods", Some(&k.namespace)).into_iter().filter(|p| owned_by(p, &uid)).cloned().collect();
        let active: Vec<&Value> = pods.iter().filter(|p| p["metadata"]["deletionTimestamp"].is_null() && !matches!(s(&p["status"]["phase"]), "Succeeded" | "Failed")).collect();
        let succeeded = pods.iter().filter(|p| p["status"]["phase"] == "Succeeded").count() as i64;
        let failed = pods.iter().filter(|p| p["status"]["phase"] == "Failed").count() as i64;
        let succeeded = succeeded.max(int(&job["status"]["succeeded"]));
        let failed = failed.max(int(&job["status"]["failed"]));
        let ready = active.iter().filter(|p| has_condition(p, "Ready")).count() as i64;
        let completions = job["spec"]["completions"].as_i64();
        let parallelism = job["spec"]["parallelism"].as_i64().unwrap_or(1);
        let backoff_limit = job["spec"]["backoffLimit"].as_i64().unwrap_or(6);
        let start = job["status"]["startTime"].as_str().and_then(parse_rfc3339).unwrap_or(now);
        let mut conditions: Vec<Value> = job["status"]["conditions"].as_array().cloned().unwrap_or_default();
        let cond = |t: &str, reason: &str, message: &str| json!({"lastProbeTime": rfc3339(now), "lastTransitionTime": rfc3339(now), "message": message, "reason": reason, "status": "True", "type": t});
        let deadline = job["spec"]["activeDeadlineSeconds"].as_i64().map(|d| start + d.max(0) as Millis * 1000);
        let mut completion_time = None;
        let mut terminal_failure: Option<(&str, &str)> = None;
        if deadline.is_some_and(|d| now >= d) {
            terminal_failure = Some(("DeadlineExceeded", "Job was active longer than specified deadline"));
        } else if failed > backoff_limit {
            terminal_failure = Some(("BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        }
        let done = completions.map_or(succeeded > 0 && active.is_empty(), |n| succeeded >= n);
        if let Some((reason, message)) = terminal_failure {
            for p in &active {
                crate::kubelet::delete_pod(c, &key("pods", p), None);
            }
            conditions.push(cond("FailureTarget", reason, message));
            conditions.push(cond("Failed", reason, message));
            c.emit_event(&with_kind(&job, "Job"), None, "Warning", reason, "job-controller", message.to_string());
        } else if done {
            conditions.push(cond("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"));
            conditions.push(cond("Complete", "CompletionsReached", "Reached expected number of succeeded pods"));
            completion_time = Some(rfc3339(now));
            c.emit_event(&with_kind(&job, "Job"), None, "Normal", "Completed", "job-controller", "Job completed".into());
        } else if job["spec"]["suspend"] != true {
            let remaining = completions.map_or(parallelism, |n| (n - succeeded).min(parallelism));
            let want = remaining.max(0) as usize;
            // Back-off after failures: 10 s doubling, before replacing a failed pod.
            let backoff_until = if failed > 0 {
                let last_failure = pods
                    .iter()
                    .filter(|p| p["status"]["phase"] == "Failed")
                    .filter_map(|p| p["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"].as_str().and_then(parse_rfc3339))
                    .max()
                    .unwrap_or(now);
                last_failure + (10_000u64 << (failed - 1).clamp(0, 5)).min(360_000)
            } else {
                0
            };
            if active.len() < want {
                if now >= backoff_until {
                    for _ in active.len()..want {
                        crate::controllers::create_pod_from_template(c, &with_kind(&job, "Job"));
                    }
                } else {
                    c.schedule(backoff_until, Timer::Resync);
                }
            }
            if let Some(d) = deadline {
                c.schedule(d, Timer::Resync);
            }
        }
        let pods_now: Vec<Value> = c.list("pods", Some(&k.namespace)).into_iter().filter(|p| owned_by(p, &uid)).cloned().collect();
        let active_now = pods_now.iter().filter(|p| p["metadata"]["deletionTimestamp"].is_null() && !matches!(s(&p["status"]["phase"]), "Succeeded" | "Failed")).count() as i64;
        let terminating = pods_now.iter().filter(|p| !p["metadata"]["deletionTimestamp"].is_null()).count() as i64;
        let mut status = json!({
            "ready": ready,
            "startTime": rfc3339(start),
            "terminating": terminating,
            "uncountedTerminatedPods": {},
        });
        if active_now > 0 {
            status["active"] = json!(active_now);
        }
        if succeeded > 0 {
            status["succeeded"] = json!(succeeded);
        }
        if failed > 0 {
            status["failed"] = json!(failed);
        }
        if !conditions.is_empty() {
            status["conditions"] = json!(conditions);
        }
        if let Some(t) = completion_time {
            status["completionTime"] = json!(t);
        }
        if job["status"] != status {
            c.modify(&k, |j| j["status"] = status);
        }
    }
}

fn with_kind(o: &Value, kind: &str) -> Value {
    let mut o = o.clone();
    o["kind"] = json!(kind);
    o["apiVersion"] = json!("batch/v1");
    o
}

// ---------------------------------------------------------------------------
// CronJob

/// A parsed five-field cron schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    days: Vec<bool>,
    months: Vec<bool>,
    weekdays: Vec<bool>,
    /// Both day fields restricted: either may match (cron's OR rule).
    day_or: bool,
}

fn parse_field(field: &str, lo: u32, hi: u32, names: &[&str]) -> Result<(Vec<bool>, bool), String> {
    let mut set = vec![false; hi as usize + 1];
    let restricted = field != "*" && field != "?";
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, st)) => (r, st.parse::<u32>().map_err(|_| format!("failed to parse int from {st}"))?),
            None => (part, 1),
        };
        if step == 0 {
            return Err("step must be positive".into());
        }
        let value = |v: &str| -> Result<u32, String> {
            if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(v)) {
                return Ok(i as u32 + lo);
            }
            v.parse::<u32>().map_err(|_| format!("failed to parse int from {v}"))
        };
        let (a, b) = if range == "*" || range == "?" {
            (lo, hi)
        } else if let Some((x, y)) = range.split_once('-') {
            (value(x)?, value(y)?)
        } else {
            let v = value(range)?;
            (v, if part.contains('/') { hi } else { v })
        };
        if a < lo || b > hi || a > b {
            return Err(format!("end of range ({b}) above maximum ({hi}): {range}"));
        }
        let mut v = a;
        while v <= b {
            set[v as usize] = true;
            v += step;
        }
    }
    Ok((set, restricted))
}

impl Schedule {
    /// Parses as the CronJob controller's cron library does; the error is its wording.
    pub fn parse(spec: &str) -> Result<Schedule, String> {
        let expanded = match spec.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!("expected exactly 5 fields, found {}: {spec}", fields.len()));
        }
        const MONTHS: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
        const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
        let (minutes, _) = parse_field(fields[0], 0, 59, &[])?;
        let (hours, _) = parse_field(fields[1], 0, 23, &[])?;
        let (days, dr) = parse_field(fields[2], 1, 31, &[])?;
        let (months, _) = parse_field(fields[3], 1, 12, MONTHS)?;
        let (mut weekdays, wr) = parse_field(&fields[4].replace('7', "0"), 0, 6, DAYS)?;
        weekdays.resize(7, false);
        Ok(Schedule { minutes, hours, days, months, weekdays, day_or: dr && wr })
    }

    fn day_matches(&self, y: i64, m: u32, d: u32) -> bool {
        let weekday = ((days_from_civil(y, m, d) + 4).rem_euclid(7)) as usize;
        let dom = self.days[d as usize];
        let dow = self.weekdays[weekday];
        let all_dom = self.days[1..].iter().all(|b| *b);
        let all_dow = self.weekdays.iter().all(|b| *b);
        if self.day_or {
            dom || dow
        } else {
            (all_dom || dom) && (all_dow || dow)
        }
    }

    /// The first scheduled minute strictly after `t`, in the zone `offset_min` minutes
    /// east of UTC. Searches at most five years.
    pub fn next_after(&self, t: Millis, offset_min: i64) -> Option<Millis> {
        let mut m = (t as i64 / 60_000) + 1 + offset_min;
        let limit = m + 5 * 366 * 24 * 60;
        while m < limit {
            let days = m.div_euclid(1440);
            let (y, mo, d) = crate::time::civil_from_days(days);
            if !self.months[mo as usize] || !self.day_matches(y, mo, d) {
                m = (days + 1) * 1440;
                continue;
            }
            let hour = (m.rem_euclid(1440) / 60) as usize;
            if !self.hours[hour] {
                m = (m / 60 + 1) * 60;
                continue;
            }
            if self.minutes[(m % 60) as usize] {
                return Some(((m - offset_min) * 60_000) as Millis);
            }
            m += 1;
        }
        None
    }
}

/// Minutes east of UTC for the time zones learners use (no daylight saving).
pub fn zone_offset(zone: &str) -> Option<i64> {
    Some(match zone {
        "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Europe/London" | "Europe/Lisbon" => 0,
        "Asia/Tokyo" | "Japan" | "Asia/Seoul" => 540,
        "Asia/Shanghai" | "Asia/Singapore" | "Asia/Taipei" | "Asia/Hong_Kong" => 480,
        "Asia/Kolkata" => 330,
        "Europe/Berlin" | "Europe/Paris" | "Europe/Madrid" | "Europe/Rome" | "Europe/Amsterdam" => 60,
        "America/New_York" => -300,
        "America/Chicago" => -360,
        "America/Denver" => -420,
        "America/Los_Angeles" => -480,
        "Australia/Sydney" => 600,
        _ => return None,
    })
}

/// The CronJob controller: creates a Job at each scheduled time, tracks active
/// jobs, and keeps the history limits.
pub fn sync_cronjobs(c: &mut Cluster) {
    for k in c.list_keys("cronjobs.batch") {
        let Some(cj) = c.get(&k).cloned() else { continue };
        let cj = with_kind(&cj, "CronJob");
        let uid = s(&cj["metadata"]["uid"]).to_string();
        let now = c.now;
        let Ok(schedule) = Schedule::parse(s(&cj["spec"]["schedule"])) else { continue };
        let offset = cj["spec"]["timeZone"].as_str().and_then(zone_offset).unwrap_or(0);
        let jobs: Vec<Value> = c.list("jobs.batch", Some(&k.namespace)).into_iter().filter(|j| owned_by(j, &uid)).cloned().collect();
        let mut active: Vec<Value> = Vec::new();
        let mut last_success = cj["status"]["lastSuccessfulTime"].clone();
        for j in &jobs {
            let complete = has_condition(j, "Complete");
            let failed = has_condition(j, "Failed");
            let was_active = cj["status"]["active"].as_array().is_some_and(|a| a.iter().any(|r| r["uid"] == j["metadata"]["uid"]));
            if complete || failed {
                if was_active {
                    let condition = if complete { "Complete" } else { "Failed" };
                    c.emit_event(&cj, None, "Normal", "SawCompletedJob", "cronjob-controller", format!("Saw completed job: {}, condition: {condition}", s(&j["metadata"]["name"])));
                }
                if complete {
                    last_success = j["status"]["completionTime"].clone();
                }
            } else {
                active.push(json!({"apiVersion": "batch/v1", "kind": "Job", "name": j["metadata"]["name"], "namespace": k.namespace, "resourceVersion": j["metadata"]["resourceVersion"], "uid": j["metadata"]["uid"]}));
            }
        }
        let since = cj["status"]["lastScheduleTime"].as_str().or(cj["metadata"]["creationTimestamp"].as_str()).and_then(parse_rfc3339).unwrap_or(now);
        let mut last_schedule = cj["status"]["lastScheduleTime"].clone();
        if cj["spec"]["suspend"] != true {
            // The most recent missed time is run; earlier ones are skipped.
            let mut due = None;
            let mut t = since;
            while let Some(next) = schedule.next_after(t, offset) {
                if next > now {
                    c.schedule(next, Timer::Resync);
                    break;
                }
                due = Some(next);
                t = next;
            }
            if let Some(at) = due {
                let policy = s(&cj["spec"]["concurrencyPolicy"]).to_string();
                if policy == "Forbid" && !active.is_empty() {
                    c.emit_event(&cj, None, "Normal", "JobAlreadyActive", "cronjob-controller", "Not starting job because prior execution is running and concurrency policy is Forbid".into());
                } else {
                    if policy == "Replace" {
                        for a in active.drain(..) {
                            let jk = ObjKey { resource: "jobs.batch".into(), namespace: k.namespace.clone(), name: s(&a["name"]).into() };
                            c.remove(&jk);
                            c.emit_event(&cj, None, "Normal", "SuccessfulDelete", "cronjob-controller", format!("Deleted job {}", jk.name));
                        }
                    }
                    let name = format!("{}-{}", k.name, at / 60_000);
                    let jk = ObjKey { resource: "jobs.batch".into(), namespace: k.namespace.clone(), name: name.as_str().into() };
                    if c.get(&jk).is_none() {
                        let mut job = json!({
                            "apiVersion": "batch/v1",
                            "kind": "Job",
                            "metadata": {
                                "name": name,
                                "namespace": k.namespace,
                                "labels": cj["spec"]["jobTemplate"]["metadata"]["labels"].clone(),
                                "annotations": {"batch.kubernetes.io/cronjob-scheduled-timestamp": rfc3339(at)},
                                "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": k.name, "uid": uid, "controller": true, "blockOwnerDeletion": true}],
                                "uid": c.rng.uuid(),
                                "generation": 1,
                            },
                            "spec": cj["spec"]["jobTemplate"]["spec"].clone(),
                        });
                        if job["metadata"]["labels"].is_null() {
                            job["metadata"].as_object_mut().map(|m| m.remove("labels"));
                        }
                        let rt = crate::resources::lookup("jobs").expect("jobs are registered");
                        crate::admission::default_object(c, rt, &mut job);
                        let stored = c.insert(jk, job);
                        active.push(json!({"apiVersion": "batch/v1", "kind": "Job", "name": name, "namespace": k.namespace, "resourceVersion": stored["metadata"]["resourceVersion"], "uid": stored["metadata"]["uid"]}));
                        c.emit_event(&cj, None, "Normal", "SuccessfulCreate", "cronjob-controller", format!("Created job {name}"));
                    }
                }
                last_schedule = json!(rfc3339(at));
            }
        }
        // History limits: the oldest finished jobs go.
        for (cond, limit_field) in [("Complete", "successfulJobsHistoryLimit"), ("Failed", "failedJobsHistoryLimit")] {
            let limit = cj["spec"][limit_field].as_i64().unwrap_or(if cond == "Complete" { 3 } else { 1 }).max(0) as usize;
            let mut finished: Vec<&Value> = jobs.iter().filter(|j| has_condition(j, cond)).collect();
            finished.sort_by_key(|j| s(&j["metadata"]["name"]).to_string());
            if finished.len() > limit {
                for j in &finished[..finished.len() - limit] {
                    c.remove(&key("jobs.batch", j));
                    c.emit_event(&cj, None, "Normal", "SuccessfulDelete", "cronjob-controller", format!("Deleted job {}", s(&j["metadata"]["name"])));
                }
            }
        }
        let mut status = json!({});
        if !active.is_empty() {
            status["active"] = json!(active);
        }
        if !last_schedule.is_null() {
            status["lastScheduleTime"] = last_schedule;
        }
        if !last_success.is_null() {
            status["lastSuccessfulTime"] = last_success;
        }
        if cj["status"] != status {
            c.modify(&k, |o| o["status"] = status);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_step_and_zone() {
        let every2 = Schedule::parse("*/2 * * * *").unwrap();
        let t = parse_rfc3339("2026-11-30T09:00:30Z").unwrap();
        assert_eq!(rfc3339(every2.next_after(t, 0).unwrap()), "2026-11-30T09:02:00Z");
        let daily9 = Schedule::parse("0 9 * * *").unwrap();
        assert_eq!(rfc3339(daily9.next_after(t, 540).unwrap()), "2026-12-01T00:00:00Z");
        let mondays = Schedule::parse("30 8 * * MON").unwrap();
        assert_eq!(rfc3339(mondays.next_after(t, 0).unwrap()), "2026-12-07T08:30:00Z");
        assert!(Schedule::parse("* * *").is_err());
        assert!(Schedule::parse("61 * * * *").is_err());
    }
}
