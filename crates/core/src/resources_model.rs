//! How much CPU and memory a container's process uses: the image's idle figures
//! (from the catalogue), what its command asks for (`stress --vm 1 --vm-bytes 250M
//! --cpu 2`), capped by its limits the way the kernel caps it: memory over the
//! limit is an OOM kill (exit 137, `OOMKilled`), CPU over the limit is throttled.

use serde_json::Value;

use crate::images;

/// Bytes a container's process tries to hold once it has started.
pub fn memory_demand(spec: &Value, image: &str) -> u64 {
    let base = images::find(image).map(|i| i.usage.memory_bytes()).unwrap_or(2 << 20);
    let argv = argv(spec);
    match stress_args(&argv) {
        Some(s) => 1_200_000 + s.vm * s.vm_bytes,
        None => base,
    }
}

/// Millicores a container's process would use with no limit.
pub fn cpu_demand(spec: &Value, image: &str) -> u64 {
    let base = images::find(image).map(|i| i.usage.cpu_m).unwrap_or(1);
    match stress_args(&argv(spec)) {
        // A `--vm` worker keeps a core busy touching its pages unless it hangs.
        Some(s) => s.cpu * 1000 + if s.hang { 0 } else { s.vm * 1000 },
        None => base,
    }
}

/// The memory limit in bytes, if any.
pub fn memory_limit(spec: &Value) -> Option<u64> {
    let q = &spec["resources"]["limits"]["memory"];
    (!q.is_null()).then(|| (crate::quantity::milli(q) / 1000).max(0) as u64)
}

/// The CPU limit in millicores, if any.
pub fn cpu_limit(spec: &Value) -> Option<u64> {
    let q = &spec["resources"]["limits"]["cpu"];
    (!q.is_null()).then(|| crate::quantity::milli(q).max(0) as u64)
}

/// What the container uses now: CPU throttled to its limit, memory as demanded
/// (a container over its memory limit does not live to be measured).
pub fn usage(spec: &Value, image: &str, extra_cpu_m: u64) -> (u64, u64) {
    let cpu = cpu_demand(spec, image) + extra_cpu_m;
    let cpu = cpu_limit(spec).map_or(cpu, |l| cpu.min(l));
    (cpu, memory_demand(spec, image))
}

/// How long the container's server takes to answer one request, in milliseconds:
/// the image's CPU time per request, stretched by CFS throttling when what the
/// process wants (its own work plus the clients' load) exceeds its CPU limit.
pub fn response_ms(cluster: &crate::Cluster, pod: &Value, spec: &Value) -> u64 {
    let image = spec["image"].as_str().unwrap_or("");
    let per_request = images::find(image).map(|i| i.usage.request_ms).unwrap_or(1.0);
    let demand = cpu_demand(spec, image) + crate::hpa::load_on(cluster, pod, spec).1;
    let stretch = match cpu_limit(spec) {
        Some(limit) if demand > limit => demand as f64 / limit.max(1) as f64,
        _ => 1.0,
    };
    (per_request * stretch).ceil() as u64
}

/// The command line of the container's process.
fn argv(spec: &Value) -> Vec<String> {
    ["command", "args"].iter().flat_map(|f| spec[*f].as_array().cloned().unwrap_or_default()).filter_map(|v| v.as_str().map(String::from)).collect()
}

/// `stress` options that set how much it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stress {
    pub cpu: u64,
    pub vm: u64,
    pub vm_bytes: u64,
    pub hang: bool,
    pub timeout_s: Option<u64>,
}

/// Reads `stress` options (its own parser: `--vm-bytes 250M`, 1024-based suffixes;
/// the default per worker is 256M).
pub fn stress_args(argv: &[String]) -> Option<Stress> {
    let i = argv.iter().position(|a| a.rsplit('/').next() == Some("stress"))?;
    let mut s = Stress { vm_bytes: 256 << 20, ..Stress::default() };
    let mut it = argv[i + 1..].iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "-c" | "--cpu" => s.cpu = value().parse().unwrap_or(0),
            "-m" | "--vm" => s.vm = value().parse().unwrap_or(0),
            "--vm-bytes" => s.vm_bytes = size(&value()),
            "--vm-hang" => {
                let _ = value();
                s.hang = true;
            }
            "-t" | "--timeout" => s.timeout_s = Some(seconds(&value())),
            _ => {}
        }
    }
    Some(s)
}

fn size(v: &str) -> u64 {
    let v = v.trim();
    let (num, mult) = match v.chars().last().map(|c| c.to_ascii_lowercase()) {
        Some('b') => (&v[..v.len() - 1], 1),
        Some('k') => (&v[..v.len() - 1], 1 << 10),
        Some('m') => (&v[..v.len() - 1], 1 << 20),
        Some('g') => (&v[..v.len() - 1], 1 << 30),
        _ => (v, 1),
    };
    num.parse::<u64>().unwrap_or(0) * mult
}

fn seconds(v: &str) -> u64 {
    let v = v.trim();
    let (num, mult) = match v.chars().last() {
        Some('s') => (&v[..v.len() - 1], 1),
        Some('m') => (&v[..v.len() - 1], 60),
        Some('h') => (&v[..v.len() - 1], 3600),
        Some('d') => (&v[..v.len() - 1], 86_400),
        _ => (v, 1),
    };
    num.parse::<u64>().unwrap_or(0) * mult
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_docs_memory_demo_exceeds_its_limit() {
        let spec = json!({"image": "polinux/stress", "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"], "resources": {"limits": {"memory": "100Mi"}}});
        assert!(memory_demand(&spec, "polinux/stress") > memory_limit(&spec).unwrap());
        let fits = json!({"image": "polinux/stress", "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"], "resources": {"limits": {"memory": "200Mi"}}});
        assert!(memory_demand(&fits, "polinux/stress") < memory_limit(&fits).unwrap());
    }

    #[test]
    fn cpu_is_throttled_to_the_limit() {
        let spec = json!({"command": ["stress"], "args": ["--cpu", "2"], "resources": {"limits": {"cpu": "1"}}});
        assert_eq!(usage(&spec, "polinux/stress", 0).0, 1000);
    }
}
