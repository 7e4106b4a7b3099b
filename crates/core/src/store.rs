//! The object store's representation: every stored object (and every object in the
//! watch log) is kept either as a parsed `serde_json::Value` or packed, or both.
//!
//! A `Value` tree costs about six times its JSON text (each map is a B-tree node of
//! its own), so a cluster holding 100,000 pods keeps the objects nobody has touched
//! lately packed. Reads parse on demand and keep the parsed form until the next
//! [`Store::compact`]; writes keep the new object parsed (and share it with the watch
//! log) until then. What reaches output is the same either way: the packed text is
//! `serde_json`'s exact round trip of the value (`float_roundtrip` is on).
//!
//! Packed is serde_json's compact text with the most common keys written as tokens
//! ([`KEYS`]), then lz4-compressed against a dictionary of the object's resource: the
//! objects of one resource repeat each other's structure and most of their strings, so
//! against a few earlier objects' text an event's text shrinks to about two fifths and a
//! pod's to under a third. A resource's dictionary starts empty and is made again (see
//! [`Dicts`]) with the text of objects that compressed poorly against it; it is never
//! changed in place (a new `Arc`), so an object packed earlier keeps the one it was
//! compressed against.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::cluster::ObjKey;
use crate::intern::Interned;

/// One object, parsed or packed (at least one of the two is present).
#[derive(Clone)]
pub struct Obj {
    parsed: OnceLock<Arc<Value>>,
    packed: Option<Packed>,
}

/// A packed object: its key-token text's length (LEB128) then the text lz4-compressed
/// against `dict`.
#[derive(Clone)]
struct Packed {
    dict: Arc<Dict>,
    data: Arc<[u8]>,
}

/// Text objects are compressed against (only ever shared, never changed).
#[derive(Default)]
pub(crate) struct Dict(Box<[u8]>);

impl Packed {
    /// The key-token text.
    fn text(&self) -> Vec<u8> {
        let (mut len, mut shift, mut i) = (0usize, 0, 0);
        loop {
            let b = self.data[i];
            len |= usize::from(b & 0x7F) << shift;
            i += 1;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        let mut out = vec![0; len];
        let n = lz4_flex::block::decompress_into_with_dict(&self.data[i..], &mut out, &self.dict.0).expect("packed data is a valid LZ4 block (lz4.rs)");
        debug_assert_eq!(n, len);
        out
    }

    /// The same packed object (one write, stored and logged).
    #[cfg(any(test, feature = "bench"))]
    fn same(&self, other: &Packed) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }
}

impl Obj {
    pub(crate) fn new(value: Arc<Value>) -> Obj {
        Obj { parsed: OnceLock::from(value), packed: None }
    }

    /// The object (parsed now if it was only packed).
    pub fn value(&self) -> &Value {
        self.parsed.get_or_init(|| {
            let packed = self.packed.as_ref().expect("an object is parsed or packed");
            Arc::new(serde_json::from_slice(&unpack(&packed.text())).expect("packed text is serde_json's own output"))
        })
    }

    /// The object, shared (parsed now if it was only packed).
    fn shared(&self) -> &Arc<Value> {
        self.value();
        self.parsed.get().expect("just parsed")
    }

    fn is_parsed(&self) -> bool {
        self.parsed.get().is_some()
    }

    /// The parsed form, if there is one (without parsing).
    pub(crate) fn parsed_form(&self) -> Option<&Arc<Value>> {
        self.parsed.get()
    }

    /// Keeps only the packed form (packed now, against `dicts`, if there was none).
    fn pack(&mut self, dicts: &mut Dicts) {
        if self.packed.is_none() {
            let Some(v) = self.parsed.get() else { return };
            self.packed = Some(dicts.pack(v));
        }
        self.parsed = OnceLock::new();
    }

    /// Both hold the same parsed object (one write, stored and logged).
    fn same_write(&self, other: &Obj) -> bool {
        matches!((self.parsed.get(), other.parsed.get()), (Some(a), Some(b)) if Arc::ptr_eq(a, b))
    }
}

/// A dictionary stops growing at this size: a longer one packs no smaller, the objects
/// written lately are what others repeat. (10,000 pods on 1,000 nodes at rest, events
/// and pods packed, with lz4_flex's encoder: 29.5 MB against 3 kB dictionaries, 30.0 MB
/// against 12 kB ones, 31.0 MB against 2 kB ones; 29.2 MB against 3 kB with
/// [`crate::lz4`].)
const DICT_CAP: usize = 3 * 1024;

/// An object compresses poorly when it keeps more than this share (in percent) of its
/// text; its text then goes towards the next dictionary.
const POOR_PERCENT: usize = 38;

/// The least text a dictionary grows by (smaller steps would leave many dictionaries of
/// nearly the same text alive, each held by a few objects packed against it).
const MIN_STEP: usize = 2 * 1024;

/// A full dictionary is replaced once the poorly compressed objects since it was made
/// weigh this many times its size (packed).
const REPLACE_AFTER: usize = 8;

/// One resource's packing: the dictionary its objects are compressed against now.
///
/// The text of objects that compress poorly is kept aside; a new dictionary is made of
/// the current one followed by that text (its last [`DICT_CAP`] bytes) when there is
/// enough of it: half the current dictionary, at least [`MIN_STEP`], while it grows;
/// once it is full, only after [`REPLACE_AFTER`] times its size of poorly compressed
/// output, so that the dictionaries held by old objects stay few. The object that
/// completes a new dictionary is compressed again against it.
#[derive(Clone, Default)]
pub(crate) struct Dicts {
    dict: Arc<Dict>,
    /// The current dictionary's hash table (objects are only ever packed against it).
    table: crate::lz4::DictTable,
    /// The text of poorly compressed objects since the dictionary was made (the last
    /// [`DICT_CAP`] bytes).
    pending: Vec<u8>,
    /// Their packed bytes.
    poor: usize,
}

impl Dicts {
    fn pack(&mut self, v: &Value) -> Packed {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.text.clear();
            write_value(&mut scratch.text, v);
            let Scratch { text, out } = &mut *scratch;
            self.pack_text(text, out)
        })
    }

    /// [`Dicts::pack`] for an object's packed text ([`pack`]'s output); `out` is room
    /// to compress into.
    fn pack_text(&mut self, text: &[u8], out: &mut Vec<u8>) -> Packed {
        let mut len = compress(text, &self.dict, &self.table, out);
        if len * 100 > text.len() * POOR_PERCENT {
            self.poor += len;
            let tail = &text[text.len() - text.len().min(DICT_CAP)..];
            let over = (self.pending.len() + tail.len()).saturating_sub(DICT_CAP);
            self.pending.drain(..over);
            self.pending.extend_from_slice(tail);
            let old = &self.dict.0;
            let grow = if old.len() < DICT_CAP { self.pending.len() >= MIN_STEP.max(old.len() / 2) } else { self.poor >= REPLACE_AFTER * DICT_CAP };
            if grow {
                let keep = old.len().min(DICT_CAP - self.pending.len());
                let mut new = Vec::with_capacity(keep + self.pending.len());
                new.extend_from_slice(&old[old.len() - keep..]);
                new.append(&mut self.pending);
                self.table = crate::lz4::DictTable::new(&new);
                self.dict = Arc::new(Dict(new.into_boxed_slice()));
                self.poor = 0;
                len = compress(text, &self.dict, &self.table, out);
            }
        }
        Packed { dict: self.dict.clone(), data: Arc::from(&out[..len]) }
    }
}

/// Room for packing, kept between packings: a new buffer of a few kB for each packed
/// object costs the allocator more than the packing (glibc's merges its free lists on
/// every allocation that large).
#[derive(Default)]
struct Scratch {
    text: Vec<u8>,
    out: Vec<u8>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// `text`'s length (LEB128) and its LZ4 block against `dict` (whose hash table is
/// `table`), written in `out` (cleared first); returns their length.
fn compress(text: &[u8], dict: &Dict, table: &crate::lz4::DictTable, out: &mut Vec<u8>) -> usize {
    out.clear();
    let mut len = text.len();
    while len >= 0x80 {
        out.push((len & 0x7F) as u8 | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
    crate::lz4::compress(text, &dict.0, table, out);
    out.len()
}

/// Object keys that packed text writes as one byte (the first 30: `0x01`..`0x1E`) or two
/// (`0x1F` and `0x20` + the rest's index), quotes included. serde_json's compact output
/// has no byte below `0x20` (control characters in strings are escaped), so a packed
/// text reads back unambiguously. Chosen by how much of pods' and events' text they are.
const KEYS: [&str; 122] = [
    "resourceVersion",
    "apiVersion",
    "namespace",
    "reportingComponent",
    "creationTimestamp",
    "reportingInstance",
    "firstTimestamp",
    "involvedObject",
    "lastTimestamp",
    "name",
    "kind",
    "eventTime",
    "component",
    "metadata",
    "uid",
    "message",
    "reason",
    "source",
    "count",
    "type",
    "fieldPath",
    "host",
    "observedGeneration",
    "lastTransitionTime",
    "lastProbeTime",
    "status",
    "tolerationSeconds",
    "terminationGracePeriodSeconds",
    "volumeMounts",
    "terminationMessagePolicy",
    "terminationMessagePath",
    "mountPath",
    "serviceAccountToken",
    "blockOwnerDeletion",
    "enableServiceLinks",
    "serviceAccountName",
    "pod-template-hash",
    "readOnly",
    "operator",
    "expirationSeconds",
    "containerStatuses",
    "recursiveReadOnly",
    "preemptionPolicy",
    "ownerReferences",
    "imagePullPolicy",
    "securityContext",
    "serviceAccount",
    "path",
    "restartPolicy",
    "schedulerName",
    "effect",
    "generateName",
    "restartCount",
    "image",
    "tolerations",
    "key",
    "defaultMode",
    "items",
    "downwardAPI",
    "containerID",
    "conditions",
    "generation",
    "controller",
    "containers",
    "resources",
    "dnsPolicy",
    "projected",
    "configMap",
    "lastState",
    "startedAt",
    "startTime",
    "nodeName",
    "priority",
    "fieldRef",
    "qosClass",
    "volumes",
    "sources",
    "imageID",
    "started",
    "running",
    "hostIPs",
    "labels",
    "hostIP",
    "podIPs",
    "ready",
    "state",
    "ip",
    "phase",
    "podIP",
    "spec",
    "lastHeartbeatTime",
    "annotations",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deployment.kubernetes.io/revision",
    "address",
    "fullyLabeledReplicas",
    "addresses",
    "replicas",
    "availableReplicas",
    "readyReplicas",
    "matchLabels",
    "selector",
    "template",
    "terminated",
    "exitCode",
    "finishedAt",
    "waiting",
    "requests",
    "limits",
    "cpu",
    "memory",
    "ports",
    "containerPort",
    "protocol",
    "args",
    "command",
    "env",
    "value",
    "valueFrom",
    "nodeSelector",
    "affinity",
];

/// The packed text of `v`: serde_json's compact output with [`KEYS`] as tokens.
#[cfg(test)]
fn pack(v: &Value) -> Vec<u8> {
    value_text(v)
}

/// A `Value`'s packed text.
#[cfg(test)]
pub(crate) fn value_text(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(&mut out, v);
    out
}

/// Whether a string is written as it is between its quotes (JSON escapes none of it:
/// no control character, quote or backslash), looked at eight bytes at a time.
fn plain(s: &str) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    // A byte of `x` below `n` (n <= 0x80), or a zero byte when `n` is 1.
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_ne_bytes(chunk.try_into().expect("eight bytes"));
        if below(x, 0x20) || below(x ^ ONES * u64::from(b'"'), 1) || below(x ^ ONES * u64::from(b'\\'), 1) {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// A string as JSON writes it (serde_json's escapes).
fn write_str(out: &mut Vec<u8>, s: &str) {
    if plain(s) {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, s).expect("writing to memory");
    }
}

/// An object key: its token, or the string.
fn write_key(out: &mut Vec<u8>, k: &str) {
    match key_index(k.as_bytes()) {
        Some(i) if i < 30 => out.push(i as u8 + 1),
        Some(i) => out.extend_from_slice(&[0x1F, 0x20 + (i - 30) as u8]),
        None => write_str(out, k),
    }
}

/// A `Value`'s packed text, appended to `out`: serde_json's compact text with the keys
/// of [`KEYS`] as their tokens (a string with nothing to escape is copied whole).
fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::String(s) => write_str(out, s),
        Value::Number(_) => serde_json::to_writer(&mut *out, v).expect("writing to memory"),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut o = ObjectText::new(out);
            for (k, item) in map {
                o.value(k, item);
            }
            o.end();
        }
    }
}

/// Writes an object's packed text field by field, as [`write_value`] writes a map:
/// given its fields in the order of their names, the text of the `Value` it stands for,
/// without making the `Value`.
pub(crate) struct ObjectText<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> ObjectText<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>) -> ObjectText<'a> {
        out.push(b'{');
        ObjectText { out, first: true }
    }

    fn key(&mut self, k: &str) {
        if !std::mem::replace(&mut self.first, false) {
            self.out.push(b',');
        }
        write_key(self.out, k);
        self.out.push(b':');
    }

    pub(crate) fn str(&mut self, k: &str, s: &str) -> &mut Self {
        self.key(k);
        write_str(self.out, s);
        self
    }

    pub(crate) fn value(&mut self, k: &str, v: &Value) -> &mut Self {
        self.key(k);
        write_value(self.out, v);
        self
    }

    /// A field whose value is given as JSON text (`1`, `null`).
    pub(crate) fn json(&mut self, k: &str, text: &str) -> &mut Self {
        self.key(k);
        self.out.extend_from_slice(text.as_bytes());
        self
    }

    /// A field whose value is an object, written with the returned writer (ended
    /// before this one goes on).
    pub(crate) fn object(&mut self, k: &str) -> ObjectText<'_> {
        self.key(k);
        ObjectText::new(self.out)
    }

    pub(crate) fn end(self) {
        self.out.push(b'}');
    }
}

/// serde_json's compact output of a packed text (the tokens written out again).
fn unpack(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() + b.len() / 2);
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i] >= 0x20 {
            i += 1;
        }
        out.extend_from_slice(&b[start..i]);
        if i == b.len() {
            break;
        }
        let idx = if b[i] == 0x1F {
            i += 1;
            30 + usize::from(b[i] - 0x20)
        } else {
            usize::from(b[i] - 1)
        };
        i += 1;
        out.push(b'"');
        out.extend_from_slice(KEYS[idx].as_bytes());
        out.push(b'"');
    }
    out
}

/// The index of `key` in [`KEYS`] (keys bucketed by length and first byte: no
/// hashing, about one comparison per key written).
fn key_index(key: &[u8]) -> Option<usize> {
    const SLOTS: usize = 64 * 32;
    fn slot(k: &[u8]) -> Option<usize> {
        let first = *k.first()?;
        (k.len() < 64).then(|| k.len() * 32 + usize::from(first & 31))
    }
    static TABLE: OnceLock<Vec<Vec<(&'static [u8], usize)>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut v: Vec<Vec<(&'static [u8], usize)>> = vec![Vec::new(); SLOTS];
        for (i, k) in KEYS.iter().enumerate() {
            v[slot(k.as_bytes()).expect("keys are short and not empty")].push((k.as_bytes(), i));
        }
        v
    });
    table[slot(key)?].iter().find(|(k, _)| *k == key).map(|&(_, i)| i)
}

impl PartialEq for Obj {
    fn eq(&self, other: &Obj) -> bool {
        self.value() == other.value()
    }
}

impl std::fmt::Debug for Obj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value().fmt(f)
    }
}

/// Objects by key, with the keys of those given a parsed form since the last
/// compaction (which packs only those).
#[derive(Default)]
pub(crate) struct Store {
    map: BTreeMap<ObjKey, Obj>,
    parsed: Mutex<Parsings>,
    /// Each resource's dictionary (the watch log's objects use them too).
    dicts: BTreeMap<Interned, Dicts>,
}

impl Clone for Store {
    fn clone(&self) -> Store {
        Store { map: self.map.clone(), parsed: Mutex::new(self.parsed_keys().clone()), dicts: self.dicts.clone() }
    }
}

/// The stored objects given a parsed form since the last compaction: their keys in the
/// order of their parsings (written or read; a key once per parsing), and how many
/// stored objects are parsed now, which is what a compaction is about (memory).
#[derive(Clone, Default)]
struct Parsings {
    keys: Vec<ObjKey>,
    live: usize,
}

impl Parsings {
    /// A parsed form was made for the object of `key`.
    fn push(&mut self, key: &ObjKey) {
        self.keys.push(key.clone());
        self.live += 1;
    }

    /// A stored object's parsed form went (it was packed, replaced or removed).
    fn drop_one(&mut self) {
        self.live = self.live.saturating_sub(1);
    }
}

/// The last `n` objects of `keys` (parsings, oldest first; a key may be there more than
/// once) that are still stored parsed, each once, oldest first.
fn last_parsed(map: &BTreeMap<ObjKey, Obj>, keys: &[ObjKey], n: usize) -> Vec<ObjKey> {
    let mut seen = std::collections::BTreeSet::new();
    let mut last: Vec<ObjKey> = keys.iter().rev().filter(|k| map.get(*k).is_some_and(Obj::is_parsed) && seen.insert(*k)).take(n).cloned().collect();
    last.reverse();
    last
}

/// Packs one write held by both the store and the watch log once, both keeping the
/// same packed form.
fn pack_shared(stored: &mut Obj, logged: &mut Obj, dicts: &mut Dicts) {
    stored.pack(dicts);
    logged.packed = stored.packed.clone();
    logged.parsed = OnceLock::new();
}

/// The dictionaries of `resource`.
fn dicts_of<'a>(dicts: &'a mut BTreeMap<Interned, Dicts>, resource: &Interned) -> &'a mut Dicts {
    dicts.entry(resource.clone()).or_default()
}

impl Store {
    fn parsed_keys(&self) -> std::sync::MutexGuard<'_, Parsings> {
        self.parsed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn read<'a>(&self, k: &ObjKey, o: &'a Obj) -> &'a Value {
        if !o.is_parsed() {
            self.parsed_keys().push(k);
        }
        o.value()
    }

    pub(crate) fn get(&self, key: &ObjKey) -> Option<&Value> {
        self.map.get(key).map(|o| self.read(key, o))
    }

    /// [`Store::get`], sharing the stored object instead of copying it.
    pub(crate) fn get_shared(&self, key: &ObjKey) -> Option<Arc<Value>> {
        self.map.get(key).map(|o| {
            self.read(key, o);
            o.shared().clone()
        })
    }

    /// The stored object's tree to change in place, when it is parsed and nothing else
    /// holds it (no watch log entry, no component's snapshot). Its packed form, if it
    /// had one, goes; the change counts as a write among the parsings.
    pub(crate) fn unique_mut(&mut self, key: &ObjKey) -> Option<&mut Value> {
        let o = self.map.get_mut(key)?;
        Arc::get_mut(o.parsed.get_mut()?)?;
        o.packed = None;
        self.parsed.get_mut().unwrap_or_else(|e| e.into_inner()).keys.push(key.clone());
        o.parsed.get_mut().and_then(Arc::get_mut)
    }

    pub(crate) fn contains_key(&self, key: &ObjKey) -> bool {
        self.map.contains_key(key)
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &ObjKey> {
        self.map.keys()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&ObjKey, &Value)> {
        self.map.iter().map(|(k, o)| (k, self.read(k, o)))
    }

    pub(crate) fn range_from(&self, start: ObjKey) -> impl Iterator<Item = (&ObjKey, &Value)> {
        self.map.range(start..).map(|(k, o)| (k, self.read(k, o)))
    }

    pub(crate) fn keys_from(&self, start: ObjKey) -> impl Iterator<Item = &ObjKey> {
        self.map.range(start..).map(|(k, _)| k)
    }

    /// Stores `obj`, returning what was there.
    pub(crate) fn insert(&mut self, key: ObjKey, obj: Obj) -> Option<Obj> {
        let parsings = self.parsed.get_mut().unwrap_or_else(|e| e.into_inner());
        if obj.is_parsed() {
            parsings.push(&key);
        }
        let old = self.map.insert(key, obj);
        if old.as_ref().is_some_and(Obj::is_parsed) {
            parsings.drop_one();
        }
        old
    }

    pub(crate) fn remove(&mut self, key: &ObjKey) -> Option<Obj> {
        let old = self.map.remove(key);
        if old.as_ref().is_some_and(Obj::is_parsed) {
            self.parsed.get_mut().unwrap_or_else(|e| e.into_inner()).drop_one();
        }
        old
    }

    /// How many stored objects are parsed (by writes or reads since the last
    /// compaction).
    #[cfg(test)]
    pub(crate) fn parsed_now(&self) -> usize {
        self.parsed_keys().live
    }

    /// Whether `limit` objects or more are parsed, so that it is time to compact. The
    /// list of parsings (a key once per parsing) is kept within a few times `limit`
    /// meanwhile: when it grows past that, only the last parsing of each object still
    /// parsed stays in it.
    pub(crate) fn over(&mut self, limit: usize) -> bool {
        let parsings = self.parsed.get_mut().unwrap_or_else(|e| e.into_inner());
        if parsings.live >= limit {
            return true;
        }
        if parsings.keys.len() > 4 * limit.max(1024) {
            parsings.keys = last_parsed(&self.map, &parsings.keys, usize::MAX);
            parsings.live = parsings.keys.len();
        }
        false
    }

    /// Packs every object and the watch log's, dropping their parsed forms. A logged
    /// object that is also the stored one is packed once and shared.
    pub(crate) fn compact<'a>(&mut self, log: impl Iterator<Item = (&'a ObjKey, &'a mut Obj)>) {
        self.compact_keeping(log, 0);
    }

    /// [`Store::compact`], except for the last `recent` objects parsed (written or
    /// read), which stay parsed and listed: the objects being worked on now are
    /// likely read again soon, so packing them would only parse them again.
    pub(crate) fn compact_keeping<'a>(&mut self, log: impl Iterator<Item = (&'a ObjKey, &'a mut Obj)>, recent: usize) {
        let keys = std::mem::take(&mut self.parsed.get_mut().unwrap_or_else(|e| e.into_inner()).keys);
        let recent = last_parsed(&self.map, &keys, recent);
        let kept: std::collections::BTreeSet<&ObjKey> = recent.iter().collect();
        for (key, logged) in log {
            if !logged.is_parsed() {
                continue;
            }
            let dicts = dicts_of(&mut self.dicts, &key.resource);
            match self.map.get_mut(key) {
                // The stored object stays parsed: so does its logged write (one tree).
                Some(stored) if stored.same_write(logged) && kept.contains(key) => {}
                Some(stored) if stored.same_write(logged) => pack_shared(stored, logged, dicts),
                _ => logged.pack(dicts),
            }
        }
        // Every object with a parsed form was written or read since the last
        // compaction, so its key is in the list (perhaps more than once).
        for k in &keys {
            if kept.contains(k) {
                continue;
            }
            if let Some(o) = self.map.get_mut(k) {
                o.pack(dicts_of(&mut self.dicts, &k.resource));
            }
        }
        drop(kept);
        let parsings = self.parsed.get_mut().unwrap_or_else(|e| e.into_inner());
        parsings.live = recent.len();
        parsings.keys = recent;
    }

    /// Stores a new object given as its packed text ([`ObjectText`]), packed only;
    /// returns the object for the watch log (the same packed form)
    /// and the object it replaced, if any.
    pub(crate) fn insert_packed(&mut self, key: ObjKey, text: &[u8]) -> (Obj, Option<Obj>) {
        let dicts = dicts_of(&mut self.dicts, &key.resource);
        let packed = SCRATCH.with(|scratch| dicts.pack_text(text, &mut scratch.borrow_mut().out));
        let obj = Obj { parsed: OnceLock::new(), packed: Some(packed) };
        let logged = obj.clone();
        let old = self.map.insert(key, obj);
        if old.as_ref().is_some_and(Obj::is_parsed) {
            self.parsed.get_mut().unwrap_or_else(|e| e.into_inner()).drop_one();
        }
        (logged, old)
    }

    /// Packs `logged` (the watch log's object of `key`) if it holds `v` parsed: once a
    /// newer write supersedes it, the log is the only holder of the tree.
    pub(crate) fn pack_if_holding(&mut self, key: &ObjKey, logged: &mut Obj, v: &Arc<Value>) {
        if logged.parsed.get().is_some_and(|p| Arc::ptr_eq(p, v)) {
            logged.pack(dicts_of(&mut self.dicts, &key.resource));
        }
    }

    /// Independent (deep) copies of the objects by resource, parsed and packed forms
    /// apart, for a bench to weigh; `shared` tells which logged objects are the stored
    /// ones (weighed with the store, not again with the log).
    #[cfg(feature = "bench")]
    pub(crate) fn by_resource(&self) -> BTreeMap<String, (usize, usize, Vec<(ObjKey, Obj)>)> {
        let mut out: BTreeMap<String, (usize, usize, Vec<(ObjKey, Obj)>)> = BTreeMap::new();
        for (k, o) in &self.map {
            let e = out.entry(k.resource.to_string()).or_default();
            e.0 += usize::from(o.is_parsed());
            e.1 += usize::from(o.packed.is_some());
            e.2.push((k.clone(), o.deep_copy()));
        }
        // Weighed without the lists' spare capacity.
        for e in out.values_mut() {
            e.2.shrink_to_fit();
        }
        out
    }

    /// Whether `logged` is the stored object of `key` (the same parsed or packed form).
    #[cfg(feature = "bench")]
    pub(crate) fn shares(&self, key: &ObjKey, logged: &Obj) -> bool {
        self.map.get(key).is_some_and(|o| {
            o.same_write(logged) || matches!((&o.packed, &logged.packed), (Some(a), Some(b)) if a.same(b))
        })
    }

    /// Independent copies of every dictionary the objects and `log` use, each once.
    #[cfg(feature = "bench")]
    pub(crate) fn dictionaries<'a>(&'a self, log: impl Iterator<Item = &'a Obj>) -> Vec<Box<[u8]>> {
        let mut seen = BTreeMap::new();
        for o in log.chain(self.map.values()) {
            if let Some(p) = &o.packed {
                seen.entry(Arc::as_ptr(&p.dict) as usize).or_insert_with(|| p.dict.0.clone());
            }
        }
        for d in self.dicts.values() {
            seen.entry(Arc::as_ptr(&d.dict) as usize).or_insert_with(|| d.dict.0.clone());
        }
        seen.into_values().collect()
    }
}

#[cfg(feature = "bench")]
impl Obj {
    /// A copy that shares nothing with `self`.
    pub(crate) fn deep_copy(&self) -> Obj {
        Obj {
            parsed: self.parsed.get().map(|v| OnceLock::from(Arc::new((**v).clone()))).unwrap_or_default(),
            // The dictionary shared: [`Store::dictionaries`] weighs each once.
            packed: self.packed.as_ref().map(|p| Packed { dict: p.dict.clone(), data: Arc::from(&*p.data) }),
        }
    }

    pub(crate) fn is_parsed_bench(&self) -> bool {
        self.is_parsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(name: &str) -> ObjKey {
        ObjKey::pod("default", name)
    }

    #[test]
    fn a_packed_object_reads_back_exactly() {
        let mut s = Store::default();
        let v = json!({"a": {"b": [1, -2, 3.25, 0.1, 1e300, 18446744073709551615u64, "x\u{1F600}\n"], "c": null, "d": true}});
        s.insert(key("p"), Obj::new(Arc::new(v.clone())));
        s.compact(std::iter::empty());
        assert!(!s.map[&key("p")].is_parsed());
        assert_eq!(s.get(&key("p")), Some(&v));
        assert_eq!(s.parsed_now(), 1);
    }

    #[test]
    fn plain_strings_are_those_json_leaves_alone() {
        for b in 0..=255u8 {
            for at in 0..17 {
                let mut bytes = vec![b'a'; 17];
                bytes[at] = b;
                let Ok(s) = String::from_utf8(bytes) else { continue };
                let escaped = serde_json::to_string(&s).unwrap() != format!("\"{s}\"");
                assert_eq!(plain(&s), !escaped, "byte {b:#x} at {at}");
            }
        }
        assert!(plain("") && plain("ünïcode ✓ and more than eight bytes"));
    }

    #[test]
    fn a_values_text_is_what_serde_writes() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let odd = json!({"k\"ey": "tab\there", "é": "ünï\u{1}", "n": [1, -2, 3.5, 1e300, 0.1, u64::MAX, i64::MIN], "t": true, "f": false, "z": null, "": {"": []}, "resourceVersion": "1"});
        for v in (0..200).map(|i| varied(&mut rng, i)).chain([odd]) {
            let mut fast = Vec::new();
            write_value(&mut fast, &v);
            assert_eq!(String::from_utf8(unpack(&fast)).unwrap(), serde_json::to_string(&v).unwrap());
        }
    }

    #[test]
    fn packed_text_is_the_compact_json_with_key_tokens() {
        let v = json!({"metadata": {"name": "a\u{1}\"b", "labels": {"app": "x", "k\"e\ny": 1}}, "status": {"phase": "Running", "podIP": "10.0.0.1"}, "affinity": [], "": null});
        let packed = pack(&v);
        assert!(packed.len() < serde_json::to_string(&v).unwrap().len());
        assert_eq!(String::from_utf8(unpack(&packed)).unwrap(), serde_json::to_string(&v).unwrap());
        for k in KEYS {
            let v = json!({k: {k: k}});
            assert_eq!(String::from_utf8(unpack(&pack(&v))).unwrap(), serde_json::to_string(&v).unwrap());
        }
    }

    /// A varied object: shared structure, some random strings and numbers.
    fn varied(rng: &mut rand_chacha::ChaCha8Rng, i: usize) -> Value {
        use rand::Rng;
        let word = |rng: &mut rand_chacha::ChaCha8Rng| -> String { (0..rng.random_range(0..12)).map(|_| char::from(rng.random_range(b' '..=b'~'))).collect() };
        let mut labels = serde_json::Map::new();
        for _ in 0..rng.random_range(0..4) {
            labels.insert(word(rng), json!(word(rng)));
        }
        let f: f64 = rng.random();
        let kind = ["Pod", "Event", "Node"][i % 3];
        json!({
            "apiVersion": "v1",
            "kind": kind,
            "metadata": {"name": format!("obj-{i}-{}", word(rng)), "namespace": "default", "labels": labels, "uid": format!("{:032x}", rng.random::<u128>())},
            "spec": {"n": rng.random::<u64>(), "f": f * 1e10, "neg": -rng.random_range(0..1000i64), "s": word(rng) + "\u{e9}\u{1F600}\n\"", "list": (0..rng.random_range(0..6)).map(|j| json!({"i": j, "w": word(rng)})).collect::<Vec<_>>()},
            "status": if rng.random() { json!(null) } else { json!({"phase": "Running", "ok": true}) },
        })
    }

    #[test]
    fn varied_objects_read_back_exactly_as_the_dictionaries_grow() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut s = Store::default();
        let mut kept = Vec::new();
        let mut dicts_seen = 0;
        let mut last: Option<Arc<Dict>> = None;
        for i in 0..600 {
            let v = varied(&mut rng, i);
            let k = ObjKey { resource: ["pods", "events"][i % 2].into(), namespace: "default".into(), name: format!("o{i}").into() };
            s.insert(k.clone(), Obj::new(Arc::new(v.clone())));
            s.compact(std::iter::empty());
            let d = s.map[&k].packed.as_ref().unwrap().dict.clone();
            if !last.as_ref().is_some_and(|l| Arc::ptr_eq(l, &d)) {
                dicts_seen += 1;
            }
            last = Some(d);
            kept.push((k, v));
        }
        // The dictionaries changed while objects packed against older ones stayed.
        assert!(dicts_seen > 4, "{dicts_seen}");
        for (k, v) in &kept {
            let o = &s.map[k];
            assert!(!o.is_parsed());
            assert_eq!(o.value(), v);
            assert_eq!(serde_json::to_string(o.value()).unwrap(), serde_json::to_string(v).unwrap());
        }
    }

    #[test]
    fn an_object_packed_against_an_old_dictionary_reads_back() {
        let mut dicts = Dicts::default();
        let first = json!({"metadata": {"name": "first"}, "data": "a poorly compressing text of its own, 0123456789 ".repeat(60)});
        let old = dicts.pack(&first);
        let before = dicts.dict.clone();
        // Unlike objects, until the dictionary changes.
        let mut i = 0;
        while Arc::ptr_eq(&before, &dicts.dict) {
            i += 1;
            dicts.pack(&json!({"other": format!("{i:x}").repeat(40), "more": (0..40).map(|j| j * i * 7919).collect::<Vec<_>>()}));
        }
        assert!(Arc::ptr_eq(&old.dict, &before));
        let o = Obj { parsed: OnceLock::new(), packed: Some(old) };
        assert_eq!(o.value(), &first);
        let later = dicts.pack(&first);
        assert!(!Arc::ptr_eq(&later.dict, &before));
        assert_eq!(Obj { parsed: OnceLock::new(), packed: Some(later) }.value(), &first);
    }

    #[test]
    fn an_obj_is_small() {
        assert!(std::mem::size_of::<Obj>() <= 40);
    }

    #[test]
    fn a_partial_compaction_keeps_the_recently_parsed_objects() {
        let mut s = Store::default();
        let v = |n: u64| json!({"metadata": {"name": format!("p{n}")}, "n": n});
        for n in 0..6 {
            s.insert(key(&format!("p{n}")), Obj::new(Arc::new(v(n))));
        }
        s.compact(std::iter::empty());
        // Parsed since: p2 and p3 written, p1 read, p5 written (and logged).
        for n in [2, 3] {
            s.insert(key(&format!("p{n}")), Obj::new(Arc::new(v(n))));
        }
        s.get(&key("p1"));
        let logged_a = Arc::new(v(5));
        s.insert(key("p5"), Obj::new(logged_a.clone()));
        let mut log = vec![(key("p5"), Obj::new(logged_a)), (key("p0"), Obj::new(Arc::new(v(0))))];
        s.compact_keeping(log.iter_mut().map(|(k, o)| (&*k, o)), 3);
        let parsed: Vec<bool> = (0..6).map(|n| s.map[&key(&format!("p{n}"))].is_parsed()).collect();
        assert_eq!(parsed, [false, true, false, true, false, true]);
        // The kept write and its log entry stay one tree; the other logged object is packed.
        assert!(log[0].1.same_write(&s.map[&key("p5")]));
        assert!(!log[1].1.is_parsed());
        assert_eq!(s.parsed_now(), 3);
        for n in 0..6 {
            assert_eq!(s.get(&key(&format!("p{n}"))), Some(&v(n)));
        }
    }

    #[test]
    fn the_threshold_counts_objects_parsed_now_not_parsings() {
        let mut s = Store::default();
        let v = |n: u64| Obj::new(Arc::new(json!({"n": n})));
        for n in 0..3 {
            s.insert(key(&format!("p{n}")), v(n));
        }
        // A write replacing a parsed object, reads of parsed objects: still three.
        s.insert(key("p0"), v(10));
        s.get(&key("p1"));
        assert_eq!(s.parsed_now(), 3);
        assert!(!s.over(4) && s.over(3));
        // Written packed (as events are), or removed: no longer parsed.
        let (logged, _) = s.insert_packed(key("p1"), &value_text(&json!({"n": 11})));
        assert!(!logged.is_parsed() && logged.value() == &json!({"n": 11}));
        s.remove(&key("p2"));
        assert_eq!(s.parsed_now(), 1);
        // Read again after packing: parsed again.
        s.get(&key("p1"));
        assert_eq!(s.parsed_now(), 2);
        // Many parsings of the same objects: the list keeps one per object still parsed.
        for _ in 0..5000 {
            s.insert(key("p0"), v(12));
        }
        assert!(!s.over(16));
        assert_eq!(s.parsed_keys().keys.len(), 2);
        assert_eq!(s.parsed_now(), 2);
        s.compact(std::iter::empty());
        assert_eq!(s.parsed_now(), 0);
    }

    #[test]
    fn a_logged_write_shares_the_stored_text() {
        let mut s = Store::default();
        let a = Arc::new(json!({"n": 1}));
        s.insert(key("p"), Obj::new(a.clone()));
        let mut logged = vec![(key("p"), Obj::new(a)), (key("q"), Obj::new(Arc::new(json!({"n": 2}))))];
        s.compact(logged.iter_mut().map(|(k, o)| (&*k, o)));
        let stored = s.map[&key("p")].packed.clone().unwrap();
        assert!(stored.same(logged[0].1.packed.as_ref().unwrap()));
        assert_eq!(logged[1].1.value(), &json!({"n": 2}));
    }
}
