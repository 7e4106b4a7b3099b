//! What a container is given when the kubelet creates it: its environment
//! (`kuberuntime.makeEnvironmentVariables`: service links, `envFrom`, `env` with
//! `valueFrom`) and the files of its volumes (configMap, secret, emptyDir,
//! downwardAPI and the projected service-account volume).
//!
//! A missing ConfigMap, Secret or key that is not optional is the kubelet's
//! `CreateContainerConfigError`, with the message it reports.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cluster::{Cluster, ObjKey};

/// Resolves a container's environment, in the order the kubelet builds it. Later
/// entries win; the result keeps the first position of each name.
pub fn resolve_env(cluster: &mut Cluster, pod: &Value, container: &Value) -> Result<Vec<(String, String)>, String> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let mut out: Vec<(String, String)> = Vec::new();
    let set = |out: &mut Vec<(String, String)>, k: String, v: String| match out.iter_mut().find(|(n, _)| *n == k) {
        Some(e) => e.1 = v,
        None => out.push((k, v)),
    };
    for (k, v) in service_links(cluster, ns, pod["spec"]["enableServiceLinks"] != false).iter() {
        set(&mut out, k.clone(), v.clone());
    }
    let cluster = &*cluster;
    for from in container["envFrom"].as_array().into_iter().flatten() {
        let prefix = from["prefix"].as_str().unwrap_or("");
        let (source, kind) = if from["configMapRef"].is_object() { (&from["configMapRef"], "configmap") } else { (&from["secretRef"], "secret") };
        let name = source["name"].as_str().unwrap_or("");
        match data_of(cluster, ns, kind, name) {
            Some(data) => {
                for (k, v) in data {
                    set(&mut out, format!("{prefix}{k}"), v);
                }
            }
            None if source["optional"] == true => {}
            None => return Err(format!("{kind} \"{name}\" not found")),
        }
    }
    for e in container["env"].as_array().into_iter().flatten() {
        let name = e["name"].as_str().unwrap_or("").to_string();
        if let Some(v) = e["value"].as_str() {
            let expanded = expand(v, &out);
            set(&mut out, name, expanded);
            continue;
        }
        let from = &e["valueFrom"];
        let value = if from["configMapKeyRef"].is_object() || from["secretKeyRef"].is_object() {
            let (r, kind, title) = if from["configMapKeyRef"].is_object() { (&from["configMapKeyRef"], "configmap", "ConfigMap") } else { (&from["secretKeyRef"], "secret", "Secret") };
            let (obj, key) = (r["name"].as_str().unwrap_or(""), r["key"].as_str().unwrap_or(""));
            let optional = r["optional"] == true;
            match data_of(cluster, ns, kind, obj) {
                Some(data) => match data.get(key) {
                    Some(v) => Some(v.clone()),
                    None if optional => None,
                    None => return Err(format!("couldn't find key {key} in {title} {ns}/{obj}")),
                },
                None if optional => None,
                None => return Err(format!("{kind} \"{obj}\" not found")),
            }
        } else if from["fieldRef"].is_object() {
            Some(field_ref(pod, from["fieldRef"]["fieldPath"].as_str().unwrap_or("")))
        } else if from["resourceFieldRef"].is_object() {
            Some(resource_field(container, &from["resourceFieldRef"]))
        } else {
            Some(String::new())
        };
        if let Some(v) = value {
            set(&mut out, name, v);
        }
    }
    Ok(out)
}

/// `$(VAR)` references to variables defined before, as the kubelet expands them;
/// `$$` escapes a dollar; unknown references stay as written.
fn expand(v: &str, env: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(stripped) = after.strip_prefix('$') {
            out.push('$');
            rest = stripped;
        } else if let Some(inner) = after.strip_prefix('(').and_then(|a| a.find(')').map(|j| &a[..j])) {
            match env.iter().find(|(k, _)| k == inner) {
                Some((_, val)) => out.push_str(val),
                None => out.push_str(&format!("$({inner})")),
            }
            rest = &after[inner.len() + 2..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A ConfigMap's or Secret's data as text (secrets decoded from base64).
fn data_of(cluster: &Cluster, ns: &str, kind: &str, name: &str) -> Option<BTreeMap<String, String>> {
    let resource = if kind == "configmap" { "configmaps" } else { "secrets" };
    let obj = cluster.get(&ObjKey { resource: resource.into(), namespace: ns.into(), name: name.into() })?;
    let mut data = BTreeMap::new();
    for (k, v) in obj["data"].as_object().into_iter().flatten() {
        let text = v.as_str().unwrap_or("");
        let value = if kind == "secret" {
            b64_decode(text).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
        } else {
            text.to_string()
        };
        data.insert(k.clone(), value);
    }
    if kind == "configmap" {
        for (k, v) in obj["binaryData"].as_object().into_iter().flatten() {
            let b = b64_decode(v.as_str().unwrap_or("")).unwrap_or_default();
            data.insert(k.clone(), String::from_utf8_lossy(&b).into_owned());
        }
    }
    Some(data)
}

fn field_ref(pod: &Value, path: &str) -> String {
    let v = match path {
        "metadata.name" => &pod["metadata"]["name"],
        "metadata.namespace" => &pod["metadata"]["namespace"],
        "metadata.uid" => &pod["metadata"]["uid"],
        "spec.nodeName" => &pod["spec"]["nodeName"],
        "spec.serviceAccountName" => &pod["spec"]["serviceAccountName"],
        "status.podIP" => &pod["status"]["podIP"],
        "status.hostIP" => &pod["status"]["hostIP"],
        p => {
            if let Some(label) = p.strip_prefix("metadata.labels['").and_then(|l| l.strip_suffix("']")) {
                &pod["metadata"]["labels"][label]
            } else if let Some(a) = p.strip_prefix("metadata.annotations['").and_then(|l| l.strip_suffix("']")) {
                &pod["metadata"]["annotations"][a]
            } else {
                &Value::Null
            }
        }
    };
    v.as_str().unwrap_or("").to_string()
}

/// `resourceFieldRef`: a limit or request in the divisor's unit, rounded up; an unset
/// limit is the node's allocatable.
fn resource_field(container: &Value, r: &Value) -> String {
    let res = r["resource"].as_str().unwrap_or("");
    let (section, name) = res.split_once('.').unwrap_or(("limits", res));
    let q = container["resources"][section][name].as_str().map(String::from).or_else(|| container["resources"][section][name].as_i64().map(|n| n.to_string()));
    let divisor = r["divisor"].as_str().unwrap_or("1");
    let is_cpu = name == "cpu";
    let value = match q {
        Some(q) => crate::quantity::parse_milli(&q).unwrap_or(0),
        None if is_cpu => 8_000,
        None => 16_000_000_000_000,
    };
    let div = crate::quantity::parse_milli(divisor).unwrap_or(1000).max(1);
    ((value + div - 1) / div).to_string()
}

/// The service-link variables made for each namespace (and whether links are on), as
/// of a resourceVersion: every pod of a namespace is given the same until a Service is
/// written.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceLinks {
    as_of: u64,
    /// By namespace and whether links are on.
    made: BTreeMap<(String, bool), Variables>,
}

/// Environment variables, shared.
type Variables = std::sync::Arc<[(String, String)]>;

/// [`service_env`], made again only after a Service was written.
fn service_links(cluster: &mut Cluster, ns: &str, links: bool) -> Variables {
    let rv = cluster.resource_version();
    let cache = &mut cluster.runtime.service_links;
    let unchanged = crate::kubelet::none_written_since(&cluster.watch_log, rv, cache.as_of, |e| e.key.resource == "services");
    if !unchanged {
        cache.made.clear();
    }
    cache.as_of = rv;
    let made = match cache.made.get(&(ns.to_string(), links)) {
        Some(made) => made.clone(),
        None => {
            let made: Variables = service_env(cluster, ns, links).into();
            cluster.runtime.service_links.made.insert((ns.to_string(), links), made.clone());
            made
        }
    };
    debug_assert!(*made == *service_env(cluster, ns, links), "a Service changed, yet the watch log shows none written");
    made
}

/// Docker-link style variables for the Services of the namespace (and the API
/// server's `kubernetes` Service from `default`, always).
fn service_env(cluster: &Cluster, ns: &str, links: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut services: Vec<&Value> = Vec::new();
    if links {
        services.extend(cluster.list("services", Some(ns)).into_iter().filter(|s| s["metadata"]["name"] != "kubernetes" || ns != "default"));
    }
    if let Some(k) = cluster.get(&ObjKey { resource: "services".into(), namespace: "default".into(), name: "kubernetes".into() }) {
        services.push(k);
    }
    for s in services {
        let ip = s["spec"]["clusterIP"].as_str().unwrap_or("");
        if ip.is_empty() || ip == "None" {
            continue;
        }
        let name = s["metadata"]["name"].as_str().unwrap_or("").to_ascii_uppercase().replace('-', "_");
        let ports = s["spec"]["ports"].as_array().cloned().unwrap_or_default();
        let Some(first) = ports.first() else { continue };
        out.push((format!("{name}_SERVICE_HOST"), ip.to_string()));
        out.push((format!("{name}_SERVICE_PORT"), first["port"].to_string()));
        for p in &ports {
            if let Some(pn) = p["name"].as_str().filter(|n| !n.is_empty()) {
                out.push((format!("{name}_SERVICE_PORT_{}", pn.to_ascii_uppercase().replace('-', "_")), p["port"].to_string()));
            }
        }
        let proto = |p: &Value| p["protocol"].as_str().unwrap_or("TCP").to_string();
        out.push((format!("{name}_PORT"), format!("{}://{ip}:{}", proto(first).to_ascii_lowercase(), first["port"])));
        for p in &ports {
            let (port, pr) = (p["port"].to_string(), proto(p));
            let base = format!("{name}_PORT_{port}_{pr}");
            out.push((base.clone(), format!("{}://{ip}:{port}", pr.to_ascii_lowercase())));
            out.push((format!("{base}_PROTO"), pr.to_ascii_lowercase()));
            out.push((format!("{base}_PORT"), port.clone()));
            out.push((format!("{base}_ADDR"), ip.to_string()));
        }
    }
    out
}

/// The files a container sees through its volume mounts, as (absolute path, text),
/// from the objects as they are now. `Err` when a volume's source is missing (the
/// kubelet's `FailedMount`).
pub fn mounted_files(cluster: &Cluster, pod: &Value, container: &Value) -> Vec<(String, String)> {
    mounted_files_again::<String>(cluster, pod, container, &[])
}

/// [`mounted_files`] synced again: a service account token already in `previous` (the
/// files as last synced) is kept, as the pod it names is the same (its name, uid,
/// namespace, node, service account and creation time never change).
pub fn mounted_files_again<T: AsRef<str>>(cluster: &Cluster, pod: &Value, container: &Value, previous: &[(String, T)]) -> Vec<(String, String)> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let volumes = pod["spec"]["volumes"].as_array().map(Vec::as_slice).unwrap_or_default();
    let created = || pod["metadata"]["creationTimestamp"].as_str().and_then(crate::time::parse_rfc3339).is_some();
    let mut out = Vec::new();
    for m in container["volumeMounts"].as_array().into_iter().flatten() {
        let Some(v) = volumes.iter().find(|v| v["name"] == m["name"]) else { continue };
        let mount = m["mountPath"].as_str().unwrap_or("").trim_end_matches('/').to_string();
        let sub = m["subPath"].as_str().filter(|s| !s.is_empty());
        // Whether `path` is the file `rel` of this mount.
        let is_path = |path: &str, rel: &str| match sub {
            Some(_) => path == mount,
            None => path.len() == mount.len() + 1 + rel.len() && path.starts_with(&mount) && path[mount.len()..].starts_with('/') && path.ends_with(rel),
        };
        let known_token = |rel: &str| {
            if previous.is_empty() || sub.is_some_and(|s| s != rel) || !created() {
                return None;
            }
            // (When another source gives a file the same path, the token is made again.)
            let mut found = previous.iter().filter(|(p, _)| is_path(p, rel));
            match (found.next(), found.next()) {
                (Some((_, text)), None) => Some(text.as_ref().to_string()),
                _ => None,
            }
        };
        for (rel, text) in volume_files(cluster, ns, pod, v, &known_token) {
            match sub {
                Some(s) if rel == s => out.push((mount.clone(), text)),
                Some(_) => {}
                None => {
                    let mut path = String::with_capacity(mount.len() + 1 + rel.len());
                    path.push_str(&mount);
                    path.push('/');
                    path.push_str(&rel);
                    out.push((path, text));
                }
            }
        }
    }
    out
}

/// The files one volume holds (relative paths).
fn volume_files(cluster: &Cluster, ns: &str, pod: &Value, v: &Value, known_token: &dyn Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    let keyed = |kind: &str, name: &str, items: &Value| -> Vec<(String, String)> {
        let Some(data) = data_of(cluster, ns, kind, name) else { return Vec::new() };
        match items.as_array() {
            Some(items) if !items.is_empty() => items
                .iter()
                .filter_map(|i| data.get(i["key"].as_str().unwrap_or("")).map(|d| (i["path"].as_str().unwrap_or("").to_string(), d.clone())))
                .collect(),
            _ => data.into_iter().collect(),
        }
    };
    if v["configMap"].is_object() {
        return keyed("configmap", v["configMap"]["name"].as_str().unwrap_or(""), &v["configMap"]["items"]);
    }
    if v["secret"].is_object() {
        return keyed("secret", v["secret"]["secretName"].as_str().unwrap_or(""), &v["secret"]["items"]);
    }
    if v["downwardAPI"].is_object() {
        return v["downwardAPI"]["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| (i["path"].as_str().unwrap_or("").to_string(), field_ref(pod, i["fieldRef"]["fieldPath"].as_str().unwrap_or(""))))
            .collect();
    }
    if v["projected"].is_object() {
        let mut out = Vec::new();
        for s in v["projected"]["sources"].as_array().into_iter().flatten() {
            if s["serviceAccountToken"].is_object() {
                let rel = s["serviceAccountToken"]["path"].as_str().unwrap_or("token");
                let token = known_token(rel).unwrap_or_else(|| service_account_token(cluster, pod));
                out.push((rel.to_string(), token));
            } else if s["configMap"].is_object() {
                out.extend(keyed("configmap", s["configMap"]["name"].as_str().unwrap_or(""), &s["configMap"]["items"]));
            } else if s["secret"].is_object() {
                out.extend(keyed("secret", s["secret"]["name"].as_str().unwrap_or(""), &s["secret"]["items"]));
            } else if s["downwardAPI"].is_object() {
                for i in s["downwardAPI"]["items"].as_array().into_iter().flatten() {
                    out.push((i["path"].as_str().unwrap_or("").to_string(), field_ref(pod, i["fieldRef"]["fieldPath"].as_str().unwrap_or(""))));
                }
            }
        }
        return out;
    }
    Vec::new()
}

/// A bound service-account token: a JWT whose claims name the pod, as the
/// TokenRequest API issues it (the signature is not a real one).
fn service_account_token(cluster: &Cluster, pod: &Value) -> String {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let sa = pod["spec"]["serviceAccountName"].as_str().unwrap_or("default");
    let iat = pod["metadata"]["creationTimestamp"].as_str().and_then(crate::time::parse_rfc3339).map(|ms| ms / 1000).unwrap_or(cluster.now / 1000);
    let (exp, iat) = ((iat + 3607).to_string(), iat.to_string());
    let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
    let name = pod["metadata"]["name"].as_str().unwrap_or("");
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("");
    let header = r#"{"alg":"RS256","kid":"kubeniwa"}"#;
    let claims = [
        r#"{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":"#,
        &exp,
        r#","iat":"#,
        &iat,
        r#","iss":"https://kubernetes.default.svc.cluster.local","kubernetes.io":{"namespace":""#,
        ns,
        r#"","node":{"name":""#,
        node,
        r#""},"pod":{"name":""#,
        name,
        r#"","uid":""#,
        uid,
        r#""},"serviceaccount":{"name":""#,
        sa,
        r#""}},"nbf":"#,
        &iat,
        r#","sub":"system:serviceaccount:"#,
        ns,
        ":",
        sa,
        r#""}"#,
    ]
    .concat();
    // The signature: the first 86 hex digits of the claims' bytes.
    let sig = crate::rng::hex(&claims.as_bytes()[..claims.len().min(43)]);
    let mut token = Vec::with_capacity((header.len() + claims.len() + sig.len()) * 4 / 3 + 6);
    b64url_into(&mut token, header.as_bytes());
    token.push(b'.');
    b64url_into(&mut token, claims.as_bytes());
    token.push(b'.');
    b64url_into(&mut token, sig.as_bytes());
    String::from_utf8(token).expect("base64 digits and dots")
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (a Secret's `data`); `None` when it is not valid.
fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for ch in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if ch == b'=' {
            break;
        }
        let v = B64.iter().position(|&x| x == ch)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Unpadded URL-safe base64, as JWT segments are written.
#[cfg(test)]
fn b64url(data: &[u8]) -> String {
    let mut out = Vec::new();
    b64url_into(&mut out, data);
    String::from_utf8(out).expect("base64 digits")
}

/// Appends `data` in unpadded URL-safe base64.
fn b64url_into(out: &mut Vec<u8>, data: &[u8]) {
    const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let digit = |n: u32| URL[n as usize & 63];
    out.reserve(data.len().div_ceil(3) * 4);
    let mut chunks = data.chunks_exact(3);
    for c in &mut chunks {
        let n = (c[0] as u32) << 16 | (c[1] as u32) << 8 | c[2] as u32;
        out.extend_from_slice(&[digit(n >> 18), digit(n >> 12), digit(n >> 6), digit(n)]);
    }
    let rest = chunks.remainder();
    let n = rest.iter().enumerate().fold(0u32, |a, (i, &b)| a | (b as u32) << (16 - 8 * i));
    for i in 0..rest.len() + usize::from(!rest.is_empty()) {
        out.push(digit(n >> (18 - 6 * i)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_references_expand_as_the_kubelet_does() {
        let env = vec![("A".to_string(), "1".to_string())];
        assert_eq!(expand("x$(A)y", &env), "x1y");
        assert_eq!(expand("$(B)", &env), "$(B)");
        assert_eq!(expand("$$(A)", &env), "$(A)");
    }

    #[test]
    fn tokens_are_the_claims_as_a_jwt() {
        let cluster = Cluster::empty(crate::cluster::ClusterConfig::kind_default("kind"), 1, 1_796_029_200_000);
        let pod = serde_json::json!({
            "metadata": {"name": "web-1", "namespace": "shop", "uid": "0b6d0a43-6c0e-4f34-9d2a-3c51f1d1f0aa", "creationTimestamp": "2026-12-01T10:00:00Z"},
            "spec": {"nodeName": "kind-worker2", "serviceAccountName": "builder"},
        });
        let iat = crate::time::parse_rfc3339("2026-12-01T10:00:00Z").unwrap() / 1000;
        let claims = format!(
            r#"{{"aud":["https://kubernetes.default.svc.cluster.local"],"exp":{},"iat":{iat},"iss":"https://kubernetes.default.svc.cluster.local","kubernetes.io":{{"namespace":"shop","node":{{"name":"kind-worker2"}},"pod":{{"name":"web-1","uid":"0b6d0a43-6c0e-4f34-9d2a-3c51f1d1f0aa"}},"serviceaccount":{{"name":"builder"}}}},"nbf":{iat},"sub":"system:serviceaccount:shop:builder"}}"#,
            iat + 3607
        );
        let sig = crate::rng::hex(&claims.as_bytes()[..43]);
        let expected = format!("{}.{}.{}", b64url(br#"{"alg":"RS256","kid":"kubeniwa"}"#), b64url(claims.as_bytes()), b64url(sig.as_bytes()));
        assert_eq!(service_account_token(&cluster, &pod), expected);
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(b64_decode("cGFzc3dvcmQ=").unwrap(), b"password");
        assert_eq!(b64url(b"password"), "cGFzc3dvcmQ");
        assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(b64url(b""), "");
        assert_eq!(b64url(b"a"), "YQ");
        assert_eq!(b64url(b"abcd"), "YWJjZA");
        assert_eq!(b64url(&[0xfb, 0xef, 0xbe]), "----");
    }
}
