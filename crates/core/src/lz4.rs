//! LZ4 block compression against a dictionary whose hash table is made once.
//!
//! The store packs every written event and every superseded object against its
//! resource's dictionary (see [`crate::store`]). `lz4_flex` builds the dictionary's hash
//! table again for each block, and allocates and zeroes a table for it: for objects of
//! a few hundred bytes to a few kB against a 3 kB dictionary that was most of the cost
//! of packing. Here the dictionary's table is made when the dictionary is, and the
//! block's own positions go into a table that is never cleared (each entry carries the
//! number of the block that wrote it). The output is a standard LZ4 block, read back
//! with `lz4_flex::block::decompress_into_with_dict`.
//!
//! The search is LZ4's greedy one: one candidate per position (the block's own last
//! occurrence of the next four bytes, else the dictionary's), matches extended both
//! ways, a skip that grows while nothing matches.

use std::cell::RefCell;

/// Hash table size (entries) for four-byte sequences.
const HASH_LOG: u32 = 12;
const TABLE: usize = 1 << HASH_LOG;
const MIN_MATCH: usize = 4;
/// No match starts in a block's last 12 bytes, and its last 5 bytes are literals (the
/// format's end-of-block rules).
const MF_LIMIT: usize = 12;
const LAST_LITERALS: usize = 5;
/// The farthest a match may reach back (a 16-bit offset).
const MAX_OFFSET: usize = 65_535;
/// Dictionaries longer than this are not indexed (their table holds 16-bit positions).
pub(crate) const MAX_DICT: usize = u16::MAX as usize - 1;

/// A dictionary's positions by the hash of the four bytes there (position + 1; 0 for
/// none), later positions winning.
#[derive(Clone)]
pub(crate) struct DictTable(Box<[u16; TABLE]>);

impl Default for DictTable {
    fn default() -> DictTable {
        DictTable::new(b"")
    }
}

impl DictTable {
    pub(crate) fn new(dict: &[u8]) -> DictTable {
        assert!(dict.len() <= MAX_DICT, "an LZ4 dictionary over {MAX_DICT} bytes");
        let mut table = Box::new([0u16; TABLE]);
        for p in 0..dict.len().saturating_sub(MIN_MATCH - 1) {
            table[hash(read4(dict, p))] = (p + 1) as u16;
        }
        DictTable(table)
    }
}

/// The current block's positions: (block number, position + 1) by hash. Entries of
/// earlier blocks are told apart by their number, so the table is cleared only when
/// the numbers wrap around.
struct BlockTable {
    block: u32,
    slots: Box<[(u32, u32); TABLE]>,
}

thread_local! {
    static BLOCK_TABLE: RefCell<BlockTable> = RefCell::new(BlockTable { block: 0, slots: Box::new([(0, 0); TABLE]) });
}

fn read4(b: &[u8], p: usize) -> u32 {
    u32::from_le_bytes(b[p..p + 4].try_into().expect("four bytes"))
}

fn hash(seq: u32) -> usize {
    (seq.wrapping_mul(2_654_435_761) >> (32 - HASH_LOG)) as usize
}

/// Appends `input` as one LZ4 block compressed against `dict` (whose table is `table`)
/// to `out`.
pub(crate) fn compress(input: &[u8], dict: &[u8], table: &DictTable, out: &mut Vec<u8>) {
    let n = input.len();
    let d = dict.len();
    // A byte of the dictionary followed by the input, by position in both.
    let at = |v: usize| if v < d { dict[v] } else { input[v - d] };
    let mut anchor = 0;
    if n > MF_LIMIT {
        BLOCK_TABLE.with_borrow_mut(|t| {
            t.block = t.block.wrapping_add(1);
            if t.block == 0 {
                t.slots.fill((0, 0));
                t.block = 1;
            }
            let block = t.block;
            let match_end = n - LAST_LITERALS;
            let mut i = 0;
            let mut misses = 0usize;
            while i + MF_LIMIT < n {
                let seq = read4(input, i);
                let h = hash(seq);
                let (seen, pos) = t.slots[h];
                t.slots[h] = (block, i as u32 + 1);
                // The candidate's position in the dictionary followed by the input.
                let mut candidate = None;
                if seen == block {
                    let c = pos as usize - 1;
                    if i - c <= MAX_OFFSET && read4(input, c) == seq {
                        candidate = Some(d + c);
                    }
                }
                if candidate.is_none() && table.0[h] != 0 {
                    let c = table.0[h] as usize - 1;
                    if d + i - c <= MAX_OFFSET && c + MIN_MATCH <= d && read4(dict, c) == seq {
                        candidate = Some(c);
                    }
                }
                let Some(mut m) = candidate else {
                    misses += 1;
                    i += 1 + (misses >> 5);
                    continue;
                };
                misses = 0;
                // Backwards over the literals not yet written, then forwards.
                let mut start = i;
                while start > anchor && m > 0 && at(m - 1) == input[start - 1] {
                    start -= 1;
                    m -= 1;
                }
                let mut len = i - start + MIN_MATCH;
                if m + len < d {
                    len += same_run(&dict[m + len..], &input[start + len..match_end]);
                }
                if m + len >= d {
                    len = common(input, m + len - d, start + len, match_end) - start;
                }
                sequence(out, &input[anchor..start], d + start - m, len);
                i = start + len;
                anchor = i;
                // The position just before the match's end, for the next one.
                if i + MF_LIMIT < n {
                    t.slots[hash(read4(input, i - 2))] = (block, (i - 2) as u32 + 1);
                }
            }
        });
    }
    let literals = &input[anchor..];
    out.push((literals.len().min(15) as u8) << 4);
    if literals.len() >= 15 {
        length(out, literals.len() - 15);
    }
    out.extend_from_slice(literals);
}

/// How many bytes `a` and `b` start with alike: eight at a time.
fn same_run(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let diff = u64::from_le_bytes(a[i..i + 8].try_into().expect("eight bytes")) ^ u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        if diff != 0 {
            return i + (diff.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Where the bytes of `b` from `y` stop equalling those from `x` (`x < y`), at most
/// `end`: eight at a time.
fn common(b: &[u8], mut x: usize, mut y: usize, end: usize) -> usize {
    while y + 8 <= end {
        let diff = u64::from_le_bytes(b[x..x + 8].try_into().expect("eight bytes")) ^ u64::from_le_bytes(b[y..y + 8].try_into().expect("eight bytes"));
        if diff != 0 {
            return y + (diff.trailing_zeros() / 8) as usize;
        }
        x += 8;
        y += 8;
    }
    while y < end && b[x] == b[y] {
        x += 1;
        y += 1;
    }
    y
}

/// One sequence: its literals, then a match of `len` bytes `offset` back.
fn sequence(out: &mut Vec<u8>, literals: &[u8], offset: usize, len: usize) {
    debug_assert!((1..=MAX_OFFSET).contains(&offset) && len >= MIN_MATCH);
    let extra = len - MIN_MATCH;
    out.push((literals.len().min(15) as u8) << 4 | extra.min(15) as u8);
    if literals.len() >= 15 {
        length(out, literals.len() - 15);
    }
    out.extend_from_slice(literals);
    out.extend_from_slice(&(offset as u16).to_le_bytes());
    if extra >= 15 {
        length(out, extra - 15);
    }
}

/// A length's continuation bytes: 255s, then the rest.
fn length(out: &mut Vec<u8>, mut v: usize) {
    while v >= 255 {
        out.push(255);
        v -= 255;
    }
    out.push(v as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(input: &[u8], dict: &[u8]) -> usize {
        let mut out = Vec::new();
        compress(input, dict, &DictTable::new(dict), &mut out);
        let mut back = vec![0; input.len()];
        let n = lz4_flex::block::decompress_into_with_dict(&out, &mut back, dict).expect("a valid block");
        assert_eq!(n, input.len());
        assert!(back == input, "round trip of {} bytes against {} bytes", input.len(), dict.len());
        out.len()
    }

    /// A small deterministic stream (xorshift).
    fn bytes(seed: u64, n: usize, alphabet: u8) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                b'a' + (x % u64::from(alphabet)) as u8
            })
            .collect()
    }

    #[test]
    fn blocks_read_back_as_written() {
        let json = br#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-5f8d7c9b4-x2k9q","namespace":"default","labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}"#;
        let dicts: [&[u8]; 4] = [b"", &json[..40], json, &bytes(7, 3000, 4)];
        for dict in dicts {
            for n in [0, 1, 12, 13, 14, 20, 100, 1000, 70_000, 200_000] {
                for (seed, alphabet) in [(1, 2), (2, 4), (3, 26)] {
                    round_trip(&bytes(seed, n, alphabet), dict);
                }
                let repeated: Vec<u8> = json.iter().copied().cycle().take(n).collect();
                round_trip(&repeated, dict);
                round_trip(&vec![b'x'; n], dict);
            }
        }
    }

    #[test]
    fn a_block_like_the_dictionary_is_mostly_matches() {
        let dict = bytes(11, 3000, 26);
        let mut input = dict[1000..2500].to_vec();
        input.extend_from_slice(b"something new");
        input.extend_from_slice(&dict[200..900]);
        let size = round_trip(&input, &dict);
        assert!(size < 60, "{size} bytes for {} bytes found in the dictionary", input.len());
        // Against no dictionary the same text does not compress.
        assert!(round_trip(&input, b"") > input.len());
    }

    #[test]
    fn matches_reach_from_the_dictionary_into_the_block() {
        // The block starts with the dictionary's last bytes and goes on repeating them:
        // one match starts in the dictionary and runs on into the block.
        let dict = bytes(5, 500, 26);
        let input: Vec<u8> = dict[480..].iter().copied().cycle().take(400).collect();
        assert!(round_trip(&input, &dict) < 30);
    }

    #[test]
    fn the_block_table_survives_its_numbers_wrapping() {
        BLOCK_TABLE.with_borrow_mut(|t| t.block = u32::MAX - 2);
        for seed in 0..6 {
            round_trip(&bytes(seed, 500, 3), b"");
        }
    }
}
