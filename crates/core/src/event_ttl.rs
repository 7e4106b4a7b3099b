//! The events' time to live. kube-apiserver stores every Event with an etcd lease of
//! `--event-ttl` (1h, the default, kind's too) and sets it again on every create and
//! update, so an event goes an hour after its last write: an aggregated event lives an
//! hour past its last bump.
//!
//! [`Expiry`] is the queue of stored events by their last write. A cluster can hold
//! hundreds of thousands of events, so it keeps one small entry per event (no timer,
//! no map node, no heap allocation in the common case) and the cluster one timer at
//! the earliest expiry.

use std::collections::VecDeque;

use compact_str::CompactString;

use crate::cluster::ObjKey;
use crate::intern::Interned;
use crate::time::Millis;

/// How long an Event is kept after its last write (`--event-ttl=1h`).
pub const EVENT_TTL_MS: Millis = 3_600_000;

/// The two resources events are stored as (core/v1 and events.k8s.io/v1).
const RESOURCES: [&str; 2] = ["events", "events.events.k8s.io"];

/// The stored events by the resourceVersion of their last write.
#[derive(Clone, Default)]
pub(crate) struct Expiry {
    /// One queue per resource of [`RESOURCES`].
    queues: [Queue; 2],
}

/// One resource's events, in resourceVersion order, which is the order of the writes'
/// instants: the front is the next to expire. A write appends its version and marks
/// the entry of the version it replaces gone (found by its resourceVersion); gone
/// entries leave the front at once and the rest of the queue when they outnumber the
/// live ones.
#[derive(Clone, Default)]
struct Queue {
    entries: VecDeque<Entry>,
    /// Gone entries still in `entries` (never the front).
    gone: usize,
}

#[derive(Clone)]
struct Entry {
    rv: u64,
    /// When this version was written; [`GONE`] once it was replaced or removed.
    written: Millis,
    namespace: Interned,
    name: Name,
}

const GONE: Millis = Millis::MAX;

/// An event's name. The recorder's `<object>.<UnixNano in hex>` is kept as the
/// object's name (inline up to 24 bytes, as most are) and the number, so an entry holds
/// no heap allocation in the common case; any other name is kept whole.
#[derive(Clone, PartialEq, Eq)]
struct Name {
    stem: CompactString,
    /// [`WHOLE`]: `stem` is the whole name.
    nanos: u64,
}

const WHOLE: u64 = u64::MAX;

/// A recorder's event name `<object>.<UnixNano in hex>` as the object's name and the
/// number, when `{:x}` writes the number back exactly so (any other name: `None`).
pub(crate) fn recorder_name(name: &str) -> Option<(&str, u64)> {
    let (stem, hex) = name.rsplit_once('.')?;
    let canonical = !hex.is_empty() && hex.len() <= 16 && (hex == "0" || !hex.starts_with('0')) && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    u64::from_str_radix(hex, 16).ok().filter(|&n| canonical && n != WHOLE).map(|n| (stem, n))
}

impl Name {
    fn of(name: &str) -> Name {
        match recorder_name(name) {
            Some((stem, nanos)) => Name { stem: stem.into(), nanos },
            None => Name { stem: name.into(), nanos: WHOLE },
        }
    }

    fn text(&self) -> CompactString {
        if self.nanos == WHOLE {
            self.stem.clone()
        } else {
            compact_str::format_compact!("{}.{:x}", self.stem, self.nanos)
        }
    }
}

impl Queue {
    fn note(&mut self, key: &ObjKey, old_rv: Option<u64>, new: Option<(u64, Millis)>) {
        if let Some(rv) = old_rv {
            if let Ok(i) = self.entries.binary_search_by_key(&rv, |e| e.rv) {
                let e = &mut self.entries[i];
                if e.written != GONE && e.namespace == key.namespace && e.name == Name::of(&key.name) {
                    e.written = GONE;
                    e.name = Name { stem: CompactString::default(), nanos: WHOLE };
                    self.gone += 1;
                }
            }
        }
        if let Some((rv, written)) = new {
            let entry = Entry { rv, written, namespace: key.namespace.clone(), name: Name::of(&key.name) };
            // Versions come in order; the search is only a guard.
            match self.entries.back() {
                Some(last) if last.rv >= rv => {
                    let i = self.entries.partition_point(|e| e.rv < rv);
                    self.entries.insert(i, entry);
                }
                _ => self.entries.push_back(entry),
            }
        }
        self.trim();
        if self.gone > 64 && self.gone > self.entries.len() / 2 {
            self.entries.retain(|e| e.written != GONE);
            self.gone = 0;
            self.fit();
        }
    }

    /// Gives back most of the room of entries that left (after an hour's events
    /// expired together, say), keeping room to grow.
    fn fit(&mut self) {
        if self.entries.capacity() > 4 * self.entries.len() + 64 {
            self.entries.shrink_to(2 * self.entries.len());
        }
    }

    /// Drops the gone entries at the front.
    fn trim(&mut self) {
        while self.entries.front().is_some_and(|e| e.written == GONE) {
            self.entries.pop_front();
            self.gone -= 1;
        }
    }

    fn next_expiry(&self) -> Option<Millis> {
        self.entries.front().map(|e| e.written + EVENT_TTL_MS)
    }
}

impl Expiry {
    fn queue(resource: &str) -> Option<usize> {
        RESOURCES.iter().position(|r| *r == resource)
    }

    /// Notes a write of the event at `key`: the version `old_rv` (if any) was replaced
    /// or removed, and the version `new` (resourceVersion, instant) written.
    pub(crate) fn note(&mut self, key: &ObjKey, old_rv: Option<u64>, new: Option<(u64, Millis)>) {
        if let Some(q) = Expiry::queue(key.resource.as_str()) {
            self.queues[q].note(key, old_rv, new);
        }
    }

    /// The instant the first stored event expires.
    pub(crate) fn next_expiry(&self) -> Option<Millis> {
        self.queues.iter().filter_map(Queue::next_expiry).min()
    }

    /// Takes the next event whose time to live has run out at `now`: its key and the
    /// resourceVersion of its last write (earlier writes first).
    pub(crate) fn pop_due(&mut self, now: Millis) -> Option<(ObjKey, u64)> {
        let q = (0..RESOURCES.len())
            .filter(|&q| self.queues[q].next_expiry().is_some_and(|at| at <= now))
            .min_by_key(|&q| self.queues[q].entries.front().map(|e| e.rv))?;
        let queue = &mut self.queues[q];
        let e = queue.entries.pop_front()?;
        queue.trim();
        queue.fit();
        Some((ObjKey { resource: RESOURCES[q].into(), namespace: e.namespace, name: e.name.text() }, e.rv))
    }

    /// The events it holds, in key order (for tests).
    #[cfg(test)]
    pub(crate) fn keys(&self) -> Vec<ObjKey> {
        let mut keys: Vec<ObjKey> = (0..RESOURCES.len())
            .flat_map(|q| {
                self.queues[q].entries.iter().filter(|e| e.written != GONE).map(move |e| ObjKey { resource: RESOURCES[q].into(), namespace: e.namespace.clone(), name: e.name.text() })
            })
            .collect();
        keys.sort();
        keys
    }

    /// How many events it holds.
    #[cfg(any(test, feature = "bench"))]
    pub(crate) fn len(&self) -> usize {
        self.queues.iter().map(|q| q.entries.len() - q.gone).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_again_exactly() {
        for name in ["web.18a2b3c4d5e6f7a8", "web.0", "web.00", "web.0a", "web.", "web", ".5", "a.b.c", "x.ffffffffffffffff", "x.1ffffffffffffffff", "x.ABC", "kind-control-plane.187d0f0b6a4e1c00"] {
            assert_eq!(Name::of(name).text(), name);
        }
        assert_eq!(Name::of("app12-5d8f7c9b4-x7k2p.18a2b3c4d5e6f7a8").nanos, 0x18a2b3c4d5e6f7a8);
        assert_eq!(std::mem::size_of::<Entry>(), 64);
    }

    #[test]
    fn a_bumped_event_leaves_one_entry_and_gone_ones_are_dropped() {
        let key = |n: &str| ObjKey { resource: "events".into(), namespace: "default".into(), name: n.into() };
        let mut x = Expiry::default();
        x.note(&key("a.1"), None, Some((10, 1_000)));
        x.note(&key("b.2"), None, Some((11, 1_000)));
        x.note(&key("a.1"), Some(10), Some((12, 2_000)));
        assert_eq!(x.len(), 2);
        assert_eq!(x.next_expiry(), Some(1_000 + EVENT_TTL_MS));
        assert_eq!(x.pop_due(1_000 + EVENT_TTL_MS), Some((key("b.2"), 11)));
        assert_eq!(x.pop_due(1_000 + EVENT_TTL_MS), None);
        assert_eq!(x.next_expiry(), Some(2_000 + EVENT_TTL_MS));
        // Behind a live front, the entries of replaced versions are dropped once
        // they outnumber the live ones.
        x.note(&key("c.3"), None, Some((13, 2_500)));
        for i in 0..1_000u64 {
            x.note(&key("c.3"), Some(13 + i), Some((14 + i, 3_000 + i)));
        }
        assert_eq!(x.len(), 2);
        assert!(x.queues[0].entries.len() < 200, "{} entries", x.queues[0].entries.len());
        x.note(&key("a.1"), Some(12), None);
        assert_eq!(x.next_expiry(), Some(3_999 + EVENT_TTL_MS));
        assert_eq!(x.pop_due(3_999 + EVENT_TTL_MS), Some((key("c.3"), 1_013)));
        assert_eq!((x.len(), x.next_expiry()), (0, None));
    }
}
