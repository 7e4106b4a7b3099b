//! The one seeded random source of a world, and the random names Kubernetes makes.
//!
//! `ChaCha8Rng` is portable: the same seed gives the same stream natively and on wasm32.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The alphabet of `k8s.io/apimachinery/pkg/util/rand.String` (no vowels, no
/// look-alike characters), used for generated names such as `myapp-7d4b9c8f5-x2k9q`.
const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A seeded generator with the helpers the simulation needs.
#[derive(Debug, Clone)]
pub struct SimRng {
    inner: ChaCha8Rng,
}

impl SimRng {
    pub fn new(seed: u64) -> SimRng {
        SimRng { inner: ChaCha8Rng::seed_from_u64(seed) }
    }

    /// A derived generator for a sub-system, so adding draws in one place does not
    /// change the names chosen in another.
    pub fn fork(&mut self) -> SimRng {
        SimRng::new(self.inner.random())
    }

    /// How far the stream has moved (to check that a step drew nothing).
    pub(crate) fn position(&self) -> u128 {
        self.inner.get_word_pos()
    }

    pub fn next_u64(&mut self) -> u64 {
        self.inner.random()
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.inner.random_range(0..n.max(1))
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        self.inner.random_range(lo..=hi.max(lo))
    }

    /// `n` characters of Kubernetes' random-name alphabet.
    pub fn name_suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| NAME_ALPHABET[self.below(NAME_ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    /// A version-4 UUID, as the API server assigns to `metadata.uid`.
    pub fn uuid(&mut self) -> String {
        let mut b: [u8; 16] = self.inner.random();
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex(&b);
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }

    /// `n` random bytes as lower-case hex (container IDs, image digests).
    pub fn hex(&mut self, n: usize) -> String {
        let bytes: Vec<u8> = (0..n).map(|_| self.inner.random()).collect();
        hex(&bytes)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// A stable 32-bit FNV-1a hash, for values that must not depend on the seed
/// (e.g. a pod-template-hash is a function of the template alone).
/// A version-4-shaped uuid derived from `text` without drawing from the generator, for
/// objects added after others whose random draws transcripts pin.
pub fn uuid_from(text: &str) -> String {
    let mut b = [0u8; 16];
    for (i, chunk) in b.chunks_mut(4).enumerate() {
        chunk.copy_from_slice(&fnv32a(format!("{i}/{text}").as_bytes()).to_be_bytes());
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// FNV-1a, 128 bits: an identity for long keys (collisions are out of reach).
pub fn fnv128a(data: &[u8]) -> u128 {
    let mut h = Fnv128a::default();
    h.write(data);
    h.finish()
}

/// [`fnv128a`] over several pieces, as if concatenated.
pub struct Fnv128a(u128);

impl Default for Fnv128a {
    fn default() -> Fnv128a {
        Fnv128a(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d)
    }
}

impl Fnv128a {
    pub fn write(&mut self, data: &[u8]) {
        for &b in data {
            self.0 ^= b as u128;
            self.0 = self.0.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
        }
    }

    pub fn finish(&self) -> u128 {
        self.0
    }
}

pub fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in data {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Kubernetes' `rand.SafeEncodeString`: maps a decimal rendering of a hash onto the
/// name alphabet so it can be part of a name.
pub fn safe_encode(s: &str) -> String {
    s.bytes().map(|b| NAME_ALPHABET[b as usize % NAME_ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (SimRng::new(7), SimRng::new(7));
        assert_eq!(a.uuid(), b.uuid());
        assert_eq!(a.name_suffix(5), b.name_suffix(5));
        let u = SimRng::new(1).uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
