//! The checksum the cache files carry in their header, and a writer that keeps it over what
//! goes through it.

/// A writer that keeps the [`Checksum`] of what goes through it.
pub(super) struct Hashing<W> {
    pub(super) inner: W,
    pub(super) sum: Checksum,
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sum.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// FNV-1a over 8-byte little-endian words (the last one zero-padded), each step followed by an
/// xor-shift, then the length: fast (tens of milliseconds for a 50 MB cache) and the same for
/// the same bytes however they are split. It catches edits and torn writes; it is no signature.
pub(super) struct Checksum {
    h: u64,
    tail: [u8; 8],
    pending: usize,
    len: u64,
}

impl Default for Checksum {
    fn default() -> Self {
        Checksum {
            h: Self::BASIS,
            tail: [0; 8],
            pending: 0,
            len: 0,
        }
    }
}

impl Checksum {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    const BASIS: u64 = 0xcbf2_9ce4_8422_2325;

    pub(super) fn of(bytes: &[u8]) -> u64 {
        let mut c = Checksum::default();
        c.update(bytes);
        c.finish()
    }

    fn word(&mut self, w: u64) {
        let h = (self.h ^ w).wrapping_mul(Self::PRIME);
        self.h = h ^ (h >> 29);
    }

    pub(super) fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if self.pending > 0 {
            let take = (8 - self.pending).min(bytes.len());
            self.tail[self.pending..self.pending + take].copy_from_slice(&bytes[..take]);
            self.pending += take;
            bytes = &bytes[take..];
            if self.pending < 8 {
                return;
            }
            self.word(u64::from_le_bytes(self.tail));
            self.pending = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.word(u64::from_le_bytes(w.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        self.tail[..rest.len()].copy_from_slice(rest);
        self.pending = rest.len();
    }

    pub(super) fn finish(mut self) -> u64 {
        if self.pending > 0 {
            self.tail[self.pending..].fill(0);
            self.word(u64::from_le_bytes(self.tail));
        }
        self.word(self.len);
        self.h
    }
}
