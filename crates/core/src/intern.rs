//! Interned strings for the few distinct resource and namespace names in store keys,
//! and node names (the scheduler finds a pod's node by its name's address).
//!
//! An [`Interned`] is a `&'static str` taken from one process-wide table: cloning it
//! copies a pointer, and two of them are equal exactly when they point at the same
//! table entry (each distinct text is stored once). Ordering and hashing go by the
//! text, never by the pointer, so key order does not depend on which text was interned
//! first (nor on the thread that did it). Texts are never freed: there are as many as
//! distinct resources, namespaces and nodes a process ever names, a few thousand at
//! most.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::ops::Deref;
use std::sync::{Mutex, OnceLock};

/// A string stored once per process; see the module documentation.
#[derive(Clone)]
pub struct Interned(&'static str);

type Table = HashSet<&'static str, BuildHasherDefault<Fnv>>;

fn table() -> &'static Mutex<Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(Table::default()))
}

/// FNV-1a: the table's texts are short and chosen by the program (or by a user in
/// their own sandbox), so a cheap hash serves better than the default SipHash. The
/// table is never iterated, so its hash has no effect on any order.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

impl Interned {
    /// The entry for `text`, added to the table on first use.
    pub fn new(text: &str) -> Interned {
        if text.is_empty() {
            return Interned("");
        }
        let mut table = table().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = table.get(text) {
            return Interned(entry);
        }
        let entry: &'static str = Box::leak(text.to_owned().into_boxed_str());
        table.insert(entry);
        Interned(entry)
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl Default for Interned {
    fn default() -> Interned {
        Interned("")
    }
}

impl PartialEq for Interned {
    fn eq(&self, other: &Interned) -> bool {
        // One table entry per text: the same text is the same pointer (the empty text
        // is not in the table, so it is compared by length).
        std::ptr::eq(self.0.as_ptr(), other.0.as_ptr()) && self.0.len() == other.0.len()
            || self.0.is_empty() && other.0.is_empty()
    }
}

impl Eq for Interned {}

impl PartialOrd for Interned {
    fn partial_cmp(&self, other: &Interned) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Interned {
    fn cmp(&self, other: &Interned) -> Ordering {
        if self == other {
            Ordering::Equal
        } else {
            self.0.cmp(other.0)
        }
    }
}

impl Hash for Interned {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

impl Deref for Interned {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Interned {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl Borrow<str> for Interned {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl fmt::Display for Interned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0, f)
    }
}

impl fmt::Debug for Interned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl From<&str> for Interned {
    fn from(text: &str) -> Interned {
        Interned::new(text)
    }
}

impl From<&String> for Interned {
    fn from(text: &String) -> Interned {
        Interned::new(text)
    }
}

impl From<String> for Interned {
    fn from(text: String) -> Interned {
        Interned::new(&text)
    }
}

impl From<&Interned> for Interned {
    fn from(text: &Interned) -> Interned {
        text.clone()
    }
}

impl From<Interned> for String {
    fn from(text: Interned) -> String {
        text.0.to_owned()
    }
}

impl serde::Serialize for Interned {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl PartialEq<str> for Interned {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Interned {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Interned {
    fn eq(&self, other: &String) -> bool {
        self.0 == other.as_str()
    }
}

impl PartialEq<compact_str::CompactString> for Interned {
    fn eq(&self, other: &compact_str::CompactString) -> bool {
        self.0 == other.as_str()
    }
}

impl PartialEq<Interned> for str {
    fn eq(&self, other: &Interned) -> bool {
        self == other.0
    }
}

impl PartialEq<Interned> for &str {
    fn eq(&self, other: &Interned) -> bool {
        *self == other.0
    }
}

impl PartialEq<Interned> for String {
    fn eq(&self, other: &Interned) -> bool {
        self.as_str() == other.0
    }
}

#[cfg(test)]
mod tests {
    use super::Interned;

    #[test]
    fn equal_texts_share_one_entry_and_order_by_text() {
        let a = Interned::from("pods".to_string());
        let b = Interned::from("pods");
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        let z = Interned::from("zz-ordered-by-text");
        let y = Interned::from("aa-ordered-by-text");
        assert!(y < z && z > b && y < b);
        assert_eq!(Interned::default(), Interned::from(""));
        assert!(Interned::default() < b);
        assert_eq!(b, "pods");
        assert_eq!("pods", b);
    }
}
