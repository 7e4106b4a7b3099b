//! The object store's representation: every stored object (and every object in the
//! watch log) is kept either as a parsed `serde_json::Value` or as its compact JSON
//! text, or both.
//!
//! A `Value` tree costs about six times its JSON text (each map is a B-tree node of
//! its own), so a cluster holding 100,000 pods keeps the objects nobody has touched
//! lately as text. Reads parse on demand and keep the parsed form until the next
//! [`Store::compact`]; writes keep the new object parsed (and share it with the watch
//! log) until then. What reaches output is the same either way: the text is
//! `serde_json`'s exact round trip of the value (`float_roundtrip` is on).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::cluster::ObjKey;

/// One object, parsed or packed (at least one of the two is present).
#[derive(Clone)]
pub struct Obj {
    parsed: OnceLock<Arc<Value>>,
    packed: Option<Arc<str>>,
}

impl Obj {
    pub(crate) fn new(value: Arc<Value>) -> Obj {
        Obj { parsed: OnceLock::from(value), packed: None }
    }

    /// The object (parsed now if it was only packed).
    pub fn value(&self) -> &Value {
        self.parsed.get_or_init(|| {
            let text = self.packed.as_deref().expect("an object is parsed or packed");
            Arc::new(serde_json::from_str(text).expect("packed text is serde_json's own output"))
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

    /// Packs this (logged) object if it holds `v` parsed: once a newer write
    /// supersedes it, the log is the only holder of the tree.
    pub(crate) fn pack_if_holding(&mut self, v: &Arc<Value>) {
        if self.parsed.get().is_some_and(|p| Arc::ptr_eq(p, v)) {
            self.pack();
        }
    }

    /// Keeps only the JSON text (serialised now if there was none).
    fn pack(&mut self) {
        if self.packed.is_none() {
            let Some(v) = self.parsed.get() else { return };
            self.packed = Some(Arc::from(serde_json::to_string(&**v).expect("a Value serialises")));
        }
        self.parsed = OnceLock::new();
    }

    /// Both hold the same parsed object (one write, stored and logged).
    fn same_write(&self, other: &Obj) -> bool {
        matches!((self.parsed.get(), other.parsed.get()), (Some(a), Some(b)) if Arc::ptr_eq(a, b))
    }
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
    parsed: Mutex<Vec<ObjKey>>,
}

impl Clone for Store {
    fn clone(&self) -> Store {
        Store { map: self.map.clone(), parsed: Mutex::new(self.parsed_keys().clone()) }
    }
}

impl Store {
    fn parsed_keys(&self) -> std::sync::MutexGuard<'_, Vec<ObjKey>> {
        self.parsed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn read<'a>(&self, k: &ObjKey, o: &'a Obj) -> &'a Value {
        if !o.is_parsed() {
            self.parsed_keys().push(k.clone());
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
        self.parsed.get_mut().unwrap_or_else(|e| e.into_inner()).push(key.clone());
        self.map.insert(key, obj)
    }

    pub(crate) fn remove(&mut self, key: &ObjKey) -> Option<Obj> {
        self.map.remove(key)
    }

    /// How many parsed forms were made (by writes or reads) since the last compaction.
    pub(crate) fn parsed_since_compact(&self) -> usize {
        self.parsed_keys().len()
    }

    /// Packs every object and the watch log's, dropping their parsed forms. A logged
    /// object that is also the stored one is serialised once and shared.
    pub(crate) fn compact<'a>(&mut self, log: impl Iterator<Item = (&'a ObjKey, &'a mut Obj)>) {
        for (key, logged) in log {
            if !logged.is_parsed() {
                continue;
            }
            match self.map.get_mut(key) {
                Some(stored) if stored.same_write(logged) => {
                    stored.pack();
                    logged.packed = stored.packed.clone();
                    logged.parsed = OnceLock::new();
                }
                _ => logged.pack(),
            }
        }
        // Every object with a parsed form was written or read since the last
        // compaction, so its key is in the list (perhaps more than once).
        let keys = std::mem::take(self.parsed.get_mut().unwrap_or_else(|e| e.into_inner()));
        for k in keys {
            if let Some(o) = self.map.get_mut(&k) {
                o.pack();
            }
        }
    }

    /// Independent (deep) copies of the objects by resource, parsed and packed forms
    /// apart, for a bench to weigh; `shared` tells which logged objects are the stored
    /// ones (weighed with the store, not again with the log).
    #[cfg(feature = "bench")]
    pub(crate) fn by_resource(&self) -> BTreeMap<String, (usize, usize, Vec<(ObjKey, Obj)>)> {
        let mut out: BTreeMap<String, (usize, usize, Vec<(ObjKey, Obj)>)> = BTreeMap::new();
        for (k, o) in &self.map {
            let e = out.entry(k.resource.clone()).or_default();
            e.0 += usize::from(o.is_parsed());
            e.1 += usize::from(o.packed.is_some());
            e.2.push((k.clone(), o.deep_copy()));
        }
        out
    }

    /// Whether `logged` is the stored object of `key` (the same parsed or packed form).
    #[cfg(feature = "bench")]
    pub(crate) fn shares(&self, key: &ObjKey, logged: &Obj) -> bool {
        self.map.get(key).is_some_and(|o| {
            o.same_write(logged) || matches!((&o.packed, &logged.packed), (Some(a), Some(b)) if Arc::ptr_eq(a, b))
        })
    }
}

#[cfg(feature = "bench")]
impl Obj {
    /// A copy that shares nothing with `self`.
    pub(crate) fn deep_copy(&self) -> Obj {
        Obj {
            parsed: self.parsed.get().map(|v| OnceLock::from(Arc::new((**v).clone()))).unwrap_or_default(),
            packed: self.packed.as_deref().map(Arc::from),
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
        assert_eq!(s.parsed_since_compact(), 1);
    }

    #[test]
    fn a_logged_write_shares_the_stored_text() {
        let mut s = Store::default();
        let a = Arc::new(json!({"n": 1}));
        s.insert(key("p"), Obj::new(a.clone()));
        let mut logged = vec![(key("p"), Obj::new(a)), (key("q"), Obj::new(Arc::new(json!({"n": 2}))))];
        s.compact(logged.iter_mut().map(|(k, o)| (&*k, o)));
        let stored = s.map[&key("p")].packed.clone().unwrap();
        assert!(Arc::ptr_eq(&stored, logged[0].1.packed.as_ref().unwrap()));
        assert_eq!(logged[1].1.value(), &json!({"n": 2}));
    }
}
