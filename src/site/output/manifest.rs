//! The record of the pages a build wrote into an output folder: each page's fingerprint (a hash
//! of everything its bytes come from) and the stamp of its file (size, inode, times) right after
//! the build. The next build into the same folder keeps a page without rendering it only when
//! both match: the same inputs, and a file nobody touched since. It never decides what a
//! fingerprint covers (that is `site`), and a record it cannot read is simply empty.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// A hash of everything a file's bytes are made from.
pub type Fingerprint = u128;

/// The format of the record file; another value is ignored (everything is rendered again).
const VERSION: u32 = 1;

/// What a file's metadata says about its identity: any write, rename, link or `touch` changes
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    ino: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

impl Stamp {
    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.len
    }

    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            Stamp {
                len: meta.len(),
                ino: meta.ino(),
                mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
                ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128);
            Stamp {
                len: meta.len(),
                ino: 0,
                mtime_ns,
                ctime_ns: 0,
            }
        }
    }
}

/// One page as the last build left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The fingerprint, as 32 hex digits (JSON has no 128-bit numbers).
    #[serde(with = "hex128")]
    pub fingerprint: Fingerprint,
    pub stamp: Stamp,
}

/// The records of one output folder, by the page's path under it.
#[derive(Debug, Default)]
pub struct Manifest {
    version: u32,
    /// The output folder the records describe (resolved).
    out: String,
    pub pages: HashMap<String, Record>,
}

impl Manifest {
    pub fn new(out: &Path) -> Manifest {
        Manifest {
            version: VERSION,
            out: out.to_string_lossy().into_owned(),
            pages: HashMap::new(),
        }
    }

    /// The record at `file` for the output folder `out`; empty when there is none, it is not a
    /// regular file (a link is not followed) or cannot be read, or it was written by another
    /// format or for another folder.
    pub fn read(file: &Path, out: &Path) -> Manifest {
        let read: Option<Manifest> = std::fs::symlink_metadata(file)
            .is_ok_and(|m| m.is_file())
            .then(|| std::fs::read(file).ok())
            .flatten()
            .and_then(|b| serde_json::from_slice(&b).ok());
        match read {
            Some(m) if m.version == VERSION && Path::new(&m.out) == out => m,
            _ => Manifest::new(out),
        }
    }

    /// Writes the record to `file` (through a temporary file, so a reader never sees half of
    /// it); sorted by path, so the same build writes the same bytes.
    pub fn write(&self, file: &Path) -> crate::Result<()> {
        use crate::Error;
        let mut pages: Vec<(&String, &Record)> = self.pages.iter().collect();
        pages.sort_unstable_by_key(|(p, _)| *p);
        #[derive(Serialize)]
        struct Sorted<'a> {
            version: u32,
            out: &'a str,
            pages: Vec<(&'a String, &'a Record)>,
        }
        let bytes = serde_json::to_vec(&Sorted {
            version: self.version,
            out: &self.out,
            pages,
        })
        .map_err(|e| Error::Usage(format!("cannot record the pages written: {e}")))?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        // One name, so what a killed build left is replaced by the next; whatever stands at
        // either name (a folder, a link) is not followed, but replaced.
        let tmp = file.with_extension("json.tmp");
        crate::paths::clear(&tmp)?;
        std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        if std::fs::symlink_metadata(file).is_ok_and(|m| m.is_dir()) {
            crate::paths::clear(file)?;
        }
        std::fs::rename(&tmp, file).map_err(|e| Error::io(file, e))
    }
}

/// The sorted form [`Manifest::write`] writes reads back as the map.
impl<'de> Deserialize<'de> for Manifest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Sorted {
            version: u32,
            out: String,
            pages: Vec<(String, Record)>,
        }
        let s = Sorted::deserialize(d)?;
        Ok(Manifest {
            version: s.version,
            out: s.out,
            pages: s.pages.into_iter().collect(),
        })
    }
}

mod hex128 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:032x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let s = <&str>::deserialize(d)?;
        u128::from_str_radix(s, 16).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_another_folder_or_garbage_reads_as_empty() {
        let t = tempfile::tempdir().unwrap();
        let file = t.path().join("cache/site.json");
        let out = t.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a.html"), "x").unwrap();
        let stamp = Stamp::of(&std::fs::symlink_metadata(out.join("a.html")).unwrap());
        let mut m = Manifest::new(&out);
        let record = Record {
            fingerprint: u128::MAX - 5,
            stamp,
        };
        m.pages.insert("a.html".into(), record);
        m.write(&file).unwrap();
        assert_eq!(Manifest::read(&file, &out).pages["a.html"], record);
        assert!(
            Manifest::read(&file, &t.path().join("other"))
                .pages
                .is_empty()
        );
        std::fs::write(&file, "{ not json").unwrap();
        assert!(Manifest::read(&file, &out).pages.is_empty());
        assert!(
            Manifest::read(&t.path().join("none"), &out)
                .pages
                .is_empty()
        );
    }

    #[test]
    fn a_file_replaced_by_another_has_another_stamp() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("a.html");
        std::fs::write(&f, "one").unwrap();
        let before = Stamp::of(&std::fs::metadata(&f).unwrap());
        assert_eq!(before, Stamp::of(&std::fs::metadata(&f).unwrap()));
        let g = t.path().join("b.html");
        std::fs::write(&g, "two").unwrap(); // same size
        std::fs::rename(&g, &f).unwrap();
        assert_ne!(before, Stamp::of(&std::fs::metadata(&f).unwrap()));
    }
}
