//! Kubernetes protobuf request bodies as JSON. client-go's typed clients (`kubectl
//! create deployment`, `create configmap`, `drain`'s evictions, ...) send built-in
//! kinds as `application/vnd.kubernetes.protobuf`: the `k8s\0` magic, then a
//! `runtime.Unknown` holding the apiVersion, the kind and the message. The core speaks
//! JSON, so the adapter decodes the message with the field numbers in [`schema`] and
//! writes the JSON that kubectl would have sent: Go's `omitempty` is emulated by
//! dropping zero scalars (except where the Go field is a pointer and zero means
//! something), while nested structs stay, empty, as `encoding/json` writes them.

mod schema;

use serde_json::{json, Map, Value};

/// A field of a message: number, JSON name, type, repeated.
#[derive(Debug)]
pub struct Field {
    num: u32,
    name: &'static str,
    ty: Ty,
    repeated: bool,
}

const fn f(num: u32, name: &'static str, ty: Ty, repeated: bool) -> Field {
    Field { num, name, ty, repeated }
}

/// A field's type, as `generated.proto` declares it.
#[derive(Debug)]
pub enum Ty {
    String,
    Int32,
    Int64,
    Bool,
    Bytes,
    /// A message, by its full name.
    Msg(&'static str),
    /// `map<string, V>`.
    Map(&'static Ty),
}

const MAGIC: &[u8] = b"k8s\0";
const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1";

/// Fields whose Go type is a pointer, so that zero or false was set on purpose and
/// `encoding/json` would write it.
const KEEP_ZERO: &[&str] = &[
    "replicas",
    "parallelism",
    "completions",
    "backoffLimit",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
    "activeDeadlineSeconds",
    "terminationGracePeriodSeconds",
    "revisionHistoryLimit",
    "progressDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
    "startingDeadlineSeconds",
    "ttlSecondsAfterFinished",
    "gracePeriodSeconds",
    "suspend",
    "automountServiceAccountToken",
    "allowPrivilegeEscalation",
    "privileged",
    "runAsNonRoot",
    "runAsUser",
    "runAsGroup",
    "fsGroup",
    "readOnlyRootFilesystem",
    "immutable",
    "optional",
    "enableServiceLinks",
    "allocateLoadBalancerNodePorts",
    "defaultMode",
    "minAvailable",
    "maxUnavailable",
    "maxSurge",
    "orphanDependents",
    "value",
];

/// The JSON object of a Kubernetes protobuf body.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body.strip_prefix(MAGIC).ok_or("the body does not start with the protobuf magic \"k8s\\x00\"")?;
    let mut api_version = String::new();
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for item in Reader::new(rest) {
        let (num, value) = item?;
        match (num, value) {
            (1, Wire::Bytes(type_meta)) => {
                for item in Reader::new(type_meta) {
                    match item? {
                        (1, Wire::Bytes(b)) => api_version = utf8(b)?,
                        (2, Wire::Bytes(b)) => kind = utf8(b)?,
                        _ => {}
                    }
                }
            }
            (2, Wire::Bytes(b)) => raw = b,
            (3, Wire::Bytes(b)) if !b.is_empty() => return Err(format!("unsupported content encoding {:?}", String::from_utf8_lossy(b))),
            _ => {}
        }
    }
    let message = message_name(&api_version, &kind).ok_or_else(|| format!("no protobuf schema for {api_version}, Kind={kind}"))?;
    let mut obj = decode_message(raw, message, 0)?;
    if let Value::Object(m) = &mut obj {
        m.insert("apiVersion".into(), json!(api_version));
        m.insert("kind".into(), json!(kind));
    }
    Ok(obj)
}

/// `apps/v1` + `Deployment` → `k8s.io.api.apps.v1.Deployment`.
fn message_name(api_version: &str, kind: &str) -> Option<&'static str> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let candidates = if matches!(kind, "DeleteOptions" | "Status") || group == "meta.k8s.io" {
        vec![format!("{META}.{kind}")]
    } else {
        let package = if group.is_empty() { "core" } else { group.split('.').next().unwrap_or(group) };
        vec![format!("k8s.io.api.{package}.{version}.{kind}")]
    };
    candidates.iter().find_map(|c| lookup(c).map(|(n, _)| *n))
}

fn lookup(name: &str) -> Option<&'static (&'static str, &'static [Field])> {
    schema::MESSAGES.binary_search_by(|(n, _)| (*n).cmp(name)).ok().map(|i| &schema::MESSAGES[i])
}

/// Deeper than any Kubernetes object; a bound against hostile nesting.
const MAX_DEPTH: u32 = 64;

fn decode_message(bytes: &[u8], name: &str, depth: u32) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("protobuf message nested too deeply".into());
    }
    // Types whose JSON form is not an object.
    match name.rsplit('.').next().unwrap_or("") {
        "Time" | "MicroTime" if name.starts_with(META) => return time(bytes),
        "Duration" if name.starts_with(META) => return duration(bytes),
        "FieldsV1" if name.starts_with(META) => return raw_json(bytes),
        "Quantity" if name.contains("api.resource") => {
            let mut s = String::new();
            for item in Reader::new(bytes) {
                if let (1, Wire::Bytes(b)) = item? {
                    s = utf8(b)?;
                }
            }
            return Ok(json!(s));
        }
        "IntOrString" if name.contains("intstr") => return int_or_string(bytes),
        "RawExtension" if name.contains("pkg.runtime") => return raw_json(bytes),
        _ => {}
    }
    let (_, fields) = lookup(name).ok_or_else(|| format!("no protobuf schema for {name}"))?;
    let mut out = Map::new();
    for item in Reader::new(bytes) {
        let (num, wire) = item?;
        let Some(field) = fields.iter().find(|f| f.num == num) else { continue };
        let values: Vec<Value> = match (&field.ty, wire) {
            (Ty::Map(value_ty), Wire::Bytes(entry)) => {
                let (mut k, mut v) = (String::new(), None);
                for item in Reader::new(entry) {
                    match item? {
                        (1, Wire::Bytes(b)) => k = utf8(b)?,
                        (2, w) => v = Some(scalar_or_message(value_ty, w, depth)?),
                        _ => {}
                    }
                }
                let v = v.unwrap_or_else(|| zero(value_ty));
                let map = out.entry(field.name).or_insert_with(|| json!({}));
                if let Value::Object(m) = map {
                    m.insert(k, v);
                }
                continue;
            }
            // Packed repeated numbers.
            (Ty::Int32 | Ty::Int64 | Ty::Bool, Wire::Bytes(packed)) if field.repeated => {
                let mut vals = Vec::new();
                let mut r = Reader::new(packed);
                while r.pos < packed.len() {
                    vals.push(scalar_or_message(&field.ty, Wire::Varint(r.varint()?), depth)?);
                }
                vals
            }
            (ty, w) => vec![scalar_or_message(ty, w, depth)?],
        };
        if field.repeated {
            let list = out.entry(field.name).or_insert_with(|| json!([]));
            if let Value::Array(a) = list {
                a.extend(values);
            }
        } else if let Some(v) = values.into_iter().next() {
            out.insert(field.name.to_string(), v);
        }
    }
    // Embedded Go structs (`json:",inline"`) are their own proto fields: flatten them.
    let inline = match name {
        "k8s.io.api.networking.v1.IngressRule" => Some("ingressRuleValue"),
        "k8s.io.api.core.v1.Volume" => Some("volumeSource"),
        "k8s.io.api.core.v1.PersistentVolumeSpec" => Some("persistentVolumeSource"),
        "k8s.io.api.core.v1.Probe" => Some("handler"),
        _ => None,
    };
    if let Some(inline) = inline {
        if let Some(Value::Object(inner)) = out.remove(inline) {
            for (k, v) in inner {
                out.entry(k).or_insert(v);
            }
        }
    }
    // Go's omitempty: zero scalars of non-pointer fields are not written.
    out.retain(|k, v| match v {
        Value::String(s) => !s.is_empty(),
        Value::Bool(false) => KEEP_ZERO.contains(&k.as_str()),
        Value::Number(n) if n.as_i64() == Some(0) => KEEP_ZERO.contains(&k.as_str()),
        // The zero time: `omitzero` on ObjectMeta's creationTimestamp since v1.34.
        Value::Null => false,
        _ => true,
    });
    Ok(Value::Object(out))
}

fn zero(ty: &Ty) -> Value {
    match ty {
        Ty::String | Ty::Bytes => json!(""),
        Ty::Int32 | Ty::Int64 => json!(0),
        Ty::Bool => json!(false),
        Ty::Msg(_) | Ty::Map(_) => json!({}),
    }
}

fn scalar_or_message(ty: &Ty, wire: Wire<'_>, depth: u32) -> Result<Value, String> {
    Ok(match (ty, wire) {
        (Ty::String, Wire::Bytes(b)) => json!(utf8(b)?),
        (Ty::Bytes, Wire::Bytes(b)) => json!(base64(b)),
        (Ty::Int32, Wire::Varint(v)) => json!(v as i64 as i32),
        (Ty::Int64, Wire::Varint(v)) => json!(v as i64),
        (Ty::Bool, Wire::Varint(v)) => json!(v != 0),
        (Ty::Msg(name), Wire::Bytes(b)) => decode_message(b, name, depth + 1)?,
        (ty, w) => return Err(format!("protobuf wire type {} does not fit a field of type {ty:?}", w.type_number())),
    })
}

/// `meta/v1.Time`: seconds and nanos since the epoch → RFC 3339; the zero time → null.
fn time(bytes: &[u8]) -> Result<Value, String> {
    let (mut secs, mut nanos) = (0i64, 0i64);
    for item in Reader::new(bytes) {
        match item? {
            (1, Wire::Varint(v)) => secs = v as i64,
            (2, Wire::Varint(v)) => nanos = v as i64,
            _ => {}
        }
    }
    // Go's zero time.Time is 0001-01-01T00:00:00Z.
    if (secs == 0 && nanos == 0) || secs == -62_135_596_800 {
        return Ok(Value::Null);
    }
    let millis = secs.saturating_mul(1000).saturating_add(nanos / 1_000_000);
    Ok(json!(kubeniwa_core::time::rfc3339(millis.max(0) as u64)))
}

/// `meta/v1.Duration` (nanoseconds) as Go prints it: `1h2m3s`, `1.5s`, `0s`.
fn duration(bytes: &[u8]) -> Result<Value, String> {
    let mut ns = 0i64;
    for item in Reader::new(bytes) {
        if let (1, Wire::Varint(v)) = item? {
            ns = v as i64;
        }
    }
    let sign = if ns < 0 { "-" } else { "" };
    let ns = ns.unsigned_abs();
    let (h, m) = (ns / 3_600_000_000_000, ns / 60_000_000_000 % 60);
    let (s, frac) = (ns / 1_000_000_000 % 60, ns % 1_000_000_000);
    let secs = if frac == 0 { format!("{s}s") } else { format!("{s}.{}s", format!("{frac:09}").trim_end_matches('0')) };
    let text = match (h, m) {
        (0, 0) => secs,
        (0, m) => format!("{m}m{secs}"),
        (h, m) => format!("{h}h{m}m{secs}"),
    };
    Ok(json!(format!("{sign}{text}")))
}

fn int_or_string(bytes: &[u8]) -> Result<Value, String> {
    let (mut kind, mut int, mut string) = (0u64, 0i64, String::new());
    for item in Reader::new(bytes) {
        match item? {
            (1, Wire::Varint(v)) => kind = v,
            (2, Wire::Varint(v)) => int = v as i64 as i32 as i64,
            (3, Wire::Bytes(b)) => string = utf8(b)?,
            _ => {}
        }
    }
    Ok(if kind == 1 { json!(string) } else { json!(int) })
}

/// `RawExtension` and `FieldsV1`: field 1 holds JSON.
fn raw_json(bytes: &[u8]) -> Result<Value, String> {
    for item in Reader::new(bytes) {
        if let (1, Wire::Bytes(b)) = item? {
            return serde_json::from_slice(b).map_err(|e| format!("embedded JSON: {e}"));
        }
    }
    Ok(Value::Null)
}

fn utf8(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|_| "a protobuf string is not UTF-8".to_string())
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One field's value on the wire.
enum Wire<'a> {
    Varint(u64),
    /// Kubernetes messages have no fixed-width fields; these are skipped.
    Fixed64,
    Bytes(&'a [u8]),
    Fixed32,
}

impl Wire<'_> {
    fn type_number(&self) -> u8 {
        match self {
            Wire::Varint(_) => 0,
            Wire::Fixed64 => 1,
            Wire::Bytes(_) => 2,
            Wire::Fixed32 => 5,
        }
    }
}

/// The fields of one message, in wire order.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0, failed: false }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.pos).ok_or("truncated protobuf varint")?;
            self.pos += 1;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("protobuf varint too long".into())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.bytes.len()).ok_or("truncated protobuf field")?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn field(&mut self) -> Result<(u32, Wire<'a>), String> {
        let key = self.varint()?;
        let num = u32::try_from(key >> 3).map_err(|_| "protobuf field number out of range")?;
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Wire::Fixed64
            }
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| "protobuf length out of range")?;
                Wire::Bytes(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Wire::Fixed32
            }
            t => return Err(format!("unsupported protobuf wire type {t}")),
        };
        Ok((num, wire))
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<(u32, Wire<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.bytes.len() {
            return None;
        }
        let r = self.field();
        self.failed = r.is_err();
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    fn bytes_field(num: u32, b: &[u8], out: &mut Vec<u8>) {
        varint(u64::from(num) << 3 | 2, out);
        varint(b.len() as u64, out);
        out.extend_from_slice(b);
    }
    fn int_field(num: u32, v: u64, out: &mut Vec<u8>) {
        varint(u64::from(num) << 3, out);
        varint(v, out);
    }

    #[test]
    fn schema_is_sorted_for_binary_search() {
        assert!(schema::MESSAGES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn a_configmap() {
        // metadata { name: "cfg", creationTimestamp {} , labels {a: b} }, data {k: v}, immutable unset
        let mut meta = Vec::new();
        bytes_field(1, b"cfg", &mut meta);
        bytes_field(2, b"", &mut meta);
        bytes_field(8, b"", &mut meta);
        let mut entry = Vec::new();
        bytes_field(1, b"a", &mut entry);
        bytes_field(2, b"b", &mut entry);
        bytes_field(11, &entry, &mut meta);
        int_field(7, 0, &mut meta);
        let mut cm = Vec::new();
        bytes_field(1, &meta, &mut cm);
        let mut data = Vec::new();
        bytes_field(1, b"k", &mut data);
        bytes_field(2, b"v", &mut data);
        bytes_field(2, &data, &mut cm);
        let mut type_meta = Vec::new();
        bytes_field(1, b"v1", &mut type_meta);
        bytes_field(2, b"ConfigMap", &mut type_meta);
        let mut unknown = b"k8s\0".to_vec();
        bytes_field(1, &type_meta, &mut unknown);
        bytes_field(2, &cm, &mut unknown);
        bytes_field(3, b"", &mut unknown);
        bytes_field(4, b"", &mut unknown);
        let v = decode(&unknown).unwrap();
        assert_eq!(
            v,
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "labels": {"a": "b"}}, "data": {"k": "v"}})
        );
    }

    #[test]
    fn special_types() {
        let mut ios = Vec::new();
        int_field(1, 1, &mut ios);
        bytes_field(3, b"25%", &mut ios);
        assert_eq!(int_or_string(&ios).unwrap(), json!("25%"));
        let mut d = Vec::new();
        int_field(1, 3_723_500_000_000, &mut d);
        assert_eq!(duration(&d).unwrap(), json!("1h2m3.5s"));
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hi!"), "aGkh");
        assert!(decode(b"k8s\0\x0a\xff").is_err());
        assert!(decode(b"{}").is_err());
    }
}
