//! Writing the site. Each file whose bytes differ from the previous output goes into a
//! temporary folder beside the output folder as it is produced; when the whole site was made,
//! [`Staging::commit`] moves those files into the output folder and removes the ones the new
//! site no longer has. A failed build never touches the previous output, and a file that did
//! not change keeps its bytes, inode and times. The moves are written down first ([`journal`]),
//! so a build killed among them is completed by the next one before anything else: the site is
//! the old one or the new one. Only a folder that is new, empty or a site opsledger wrote (its
//! [`MARKER`] file) is ever written into. The [`manifest`] of the pages written lets the next
//! build keep a page without rendering it. It writes; it does not render.

pub mod journal;
pub mod manifest;

use crate::error::{Error, Result};
use manifest::{Fingerprint, Manifest, Record, Stamp};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The file every site opsledger writes holds, so a later build knows the folder is a site it
/// may replace (and never empties a folder of someone else's files).
pub const MARKER: &str = ".opsledger-site";

const MARKER_TEXT: &str = "This folder is a site built by opsledger: each `opsledger build` \
                           into it replaces everything in it.\n";

/// One generated file: its path relative to the site root and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A site being written. Files that differ from the previous output go into a temporary folder
/// beside the output folder as they are produced; [`Staging::commit`] moves them in. Dropped
/// without a commit, the temporary folder is removed and the previous output is untouched.
pub struct Staging {
    out: PathBuf,
    /// The temporary folder: the staged files under `site/`, the journal beside them.
    tmp: PathBuf,
    site: PathBuf,
    /// The lock that keeps another build from taking `tmp` for a leftover of a killed one.
    _lock: Option<std::fs::File>,
    /// The previous output as it was when the build started; `None` when there was none.
    old: Option<Tree>,
    /// What the previous build recorded of its pages, and where this build records its own.
    manifest: Option<(Manifest, PathBuf)>,
    /// Every file of the new site, in the order it was produced.
    made: Mutex<Vec<Made>>,
    committed: bool,
}

/// A file of the new site.
struct Made {
    path: String,
    /// Written into the temporary folder (else: the previous output's file is kept).
    staged: bool,
    fingerprint: Option<Fingerprint>,
}

/// The previous output, read once without following links.
#[derive(Default)]
struct Tree {
    /// Regular files by path under the output folder.
    files: HashMap<String, Stamp>,
    /// Real folders by path.
    dirs: HashSet<String>,
    /// Anything else (links, sockets, names that are not UTF-8): never part of a site.
    others: Vec<PathBuf>,
}

impl Tree {
    fn read(out: &Path) -> Result<Tree> {
        let mut tree = Tree::default();
        for item in walkdir::WalkDir::new(out).min_depth(1).follow_links(false) {
            let item = item.map_err(|e| Error::io(out, e.into()))?;
            let rel = item.path().strip_prefix(out).unwrap_or(item.path());
            let name = rel.to_str().map(|s| s.replace('\\', "/"));
            match (name, item.file_type()) {
                (Some(name), t) if t.is_dir() => {
                    tree.dirs.insert(name);
                }
                (Some(name), t) if t.is_file() => {
                    let meta = item
                        .metadata()
                        .map_err(|e| Error::io(item.path(), e.into()))?;
                    tree.files.insert(name, Stamp::of(&meta));
                }
                _ => tree.others.push(rel.to_path_buf()),
            }
        }
        Ok(tree)
    }
}

impl Staging {
    /// Starts writing a new version of `out`, which must be a folder or not exist yet. With a
    /// `record` folder (the cache), the pages written are recorded there for the next build.
    pub fn new(out: &Path, record: Option<&Path>) -> Result<Staging> {
        if std::fs::symlink_metadata(out).is_ok_and(|m| !m.is_dir()) {
            return Err(Error::Usage(format!(
                "{} exists and is not a folder; the site is written into a folder \
                 (pass --out DIR)",
                out.display()
            )));
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let name = out
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let real_out = parent
            .canonicalize()
            .map_err(|e| Error::io(&parent, e))?
            .join(&name);
        // A build killed while moving its files in is completed first.
        journal::recover(&parent, &name, &real_out)?;
        let exists = std::fs::symlink_metadata(&real_out).is_ok();
        let manifest = record.map(|dir| {
            use std::hash::Hasher;
            let mut h = siphasher::sip::SipHasher13::new();
            h.write(real_out.to_string_lossy().as_bytes());
            let file = dir.join(format!("site-{:016x}.json", h.finish()));
            let manifest = match exists {
                true => Manifest::read(&file, &real_out),
                false => Manifest::new(&real_out),
            };
            (manifest, file)
        });
        if exists {
            ensure_ours(&real_out)?;
        }
        let old = match exists {
            true => Some(Tree::read(&real_out)?),
            false => None,
        };
        let tmp = tempfile_dir(&parent, &name)?;
        let _lock = journal::lock(&tmp).ok().flatten();
        Ok(Staging {
            out: real_out,
            site: tmp.join("site"),
            tmp,
            _lock,
            old,
            manifest,
            made: Mutex::new(Vec::new()),
            committed: false,
        })
    }

    /// Whether the previous build wrote `path` from the same `fingerprint` and its file is
    /// untouched since; then it is kept as it is, and the caller need not make it.
    pub fn fresh(&self, path: &str, fingerprint: Fingerprint) -> bool {
        let (Some(old), Some((manifest, _))) = (&self.old, &self.manifest) else {
            return false;
        };
        let fresh = match (manifest.pages.get(path), old.files.get(path)) {
            (Some(r), Some(stamp)) => r.fingerprint == fingerprint && r.stamp == *stamp,
            _ => false,
        };
        if fresh {
            self.made(path, false, Some(fingerprint));
        }
        fresh
    }

    /// Writes one page made from `fingerprint`, if any (any thread). Paths must be relative and
    /// plain (no `..`). A file the previous output has with the same bytes is kept as it is, any
    /// other is staged.
    pub fn write_page(
        &self,
        path: &str,
        bytes: &[u8],
        fingerprint: Option<Fingerprint>,
    ) -> Result<()> {
        plain(path)?;
        let staged = !self.unchanged(path, bytes);
        if staged {
            let p = self.path_of(path)?;
            std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))?;
        }
        self.made(path, staged, fingerprint);
        Ok(())
    }

    fn made(&self, path: &str, staged: bool, fingerprint: Option<Fingerprint>) {
        let made = Made {
            path: path.to_owned(),
            staged,
            fingerprint,
        };
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(made);
    }

    /// Whether the previous output has a regular file at `path` holding exactly `bytes`.
    fn unchanged(&self, path: &str, bytes: &[u8]) -> bool {
        let Some(old) = &self.old else { return false };
        old.files
            .get(path)
            .is_some_and(|s| s.size() == bytes.len() as u64)
            && std::fs::read(self.out.join(path)).is_ok_and(|b| b == bytes)
    }

    /// Writes one file (any thread) through `write`, buffered, as it is produced. Paths as for
    /// [`Staging::write_page`].
    pub fn write_with(
        &self,
        path: &str,
        write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
    ) -> Result<()> {
        let p = self.path_of(path)?;
        let file = std::fs::File::create(&p).map_err(|e| Error::io(&p, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        // What fails to be written fails on this file.
        write(&mut w).map_err(|e| match e {
            Error::Io { source, .. } => Error::io(&p, source),
            Error::Json(e) if e.is_io() => Error::io(&p, e.into()),
            e => e,
        })?;
        std::io::Write::flush(&mut w).map_err(|e| Error::io(&p, e))?;
        self.made(path, true, None);
        Ok(())
    }

    /// The place of `path` in the temporary folder, its folder created.
    fn path_of(&self, path: &str) -> Result<PathBuf> {
        plain(path)?;
        let p = self.site.join(path);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        }
        Ok(p)
    }

    /// Puts the new site in place: the whole temporary folder when there was no output yet;
    /// else the files that changed are moved in and those the new site does not have are
    /// removed. Then records the pages for the next build.
    pub fn commit(self) -> Result<()> {
        self.commit_until(&mut |_moves| {
            #[cfg(debug_assertions)]
            journal::fault::moved(_moves);
            true
        })
    }

    /// [`Staging::commit`], told of every file moved in; it stops moving (as a killed build
    /// would) when `go_on` says no.
    fn commit_until(mut self, go_on: &mut dyn FnMut(usize) -> bool) -> Result<()> {
        self.write_page(MARKER, MARKER_TEXT.as_bytes(), None)?;
        let made = std::mem::take(self.made.get_mut().unwrap_or_else(|e| e.into_inner()));
        match &self.old {
            None => std::fs::rename(&self.site, &self.out).map_err(|e| Error::io(&self.out, e))?,
            Some(old) => {
                let files: Vec<&str> = made.iter().map(|m| m.path.as_str()).collect();
                journal::write(&self.tmp, &self.out, &files)?;
                // From here on the next build completes the moves if this one does not.
                self.committed = true;
                if !apply(old, &made, &self.site, &self.out, go_on)? {
                    return Ok(());
                }
                journal::done(&self.tmp)?;
            }
        }
        self.committed = true;
        std::fs::remove_dir_all(&self.tmp).map_err(|e| Error::io(&self.tmp, e))?;
        if let Some((_, file)) = &self.manifest {
            record(&made, self.old.as_ref(), &self.out).write(file)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Updates the output folder `out` (as `old` was read) to the files `made`: first removes what
/// the new site does not have (so a link or file never stands where a folder is needed), then
/// moves the staged files in from `tmp`, telling `go_on` how many were moved after each; false
/// when it said to stop. Run again on the folder as it is then, it finishes the same update.
fn apply(
    old: &Tree,
    made: &[Made],
    tmp: &Path,
    out: &Path,
    go_on: &mut dyn FnMut(usize) -> bool,
) -> Result<bool> {
    let files: HashSet<&str> = made.iter().map(|m| m.path.as_str()).collect();
    let dirs: HashSet<&str> = files
        .iter()
        .flat_map(|p| p.match_indices('/').map(|(i, _)| &p[..i]))
        .collect();
    // Something already gone is what was wanted.
    let removed = |p: &Path, r: std::io::Result<()>| match r {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(p, e)),
        _ => Ok(()),
    };
    let stale = old.files.keys().filter(|p| !files.contains(p.as_str()));
    for p in stale.map(PathBuf::from).chain(old.others.iter().cloned()) {
        let p = out.join(p);
        removed(&p, std::fs::remove_file(&p))?;
    }
    let mut stale_dirs: Vec<&String> = old
        .dirs
        .iter()
        .filter(|d| !dirs.contains(d.as_str()))
        .collect();
    stale_dirs.sort_unstable_by_key(|d| std::cmp::Reverse(d.len()));
    for d in stale_dirs {
        let p = out.join(d);
        removed(&p, std::fs::remove_dir_all(&p))?;
    }
    let mut staged: Vec<&str> = made
        .iter()
        .filter(|m| m.staged)
        .map(|m| m.path.as_str())
        .collect();
    staged.sort_unstable();
    for (n, p) in staged.into_iter().enumerate() {
        let to = out.join(p);
        if let Some(d) = to.parent() {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        }
        std::fs::rename(tmp.join(p), &to).map_err(|e| Error::io(&to, e))?;
        if !go_on(n + 1) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Refuses to write into the existing folder `out` unless it is empty or a site opsledger
/// wrote: it holds the [`MARKER`]. The cache's record of the pages built into `out` is not
/// enough: it says nothing of the files put there since (a folder replaced by the user's own
/// would be emptied). A rebuild removes whatever the site does not have.
fn ensure_ours(out: &Path) -> Result<()> {
    let is_marked = std::fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file());
    if is_marked {
        return Ok(());
    }
    let names = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    let Some(first) = names
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::io(out, e))?
        .into_iter()
        .min()
    else {
        return Ok(());
    };
    Err(Error::Usage(format!(
        "refusing to write the site into {}: the folder holds files opsledger did not write \
         (such as `{first}`), and a build removes whatever is not part of the site; nothing was \
         touched\nfix: pass --out with a new or empty folder (or remove the folder if it is an \
         old copy of the site)",
        out.display()
    )))
}

/// The record of the pages written into `out`: a kept page keeps its stamp, a moved-in one is
/// stamped now.
fn record(made: &[Made], old: Option<&Tree>, out: &Path) -> Manifest {
    use rayon::prelude::*;
    let pages: Vec<(String, Record)> = made
        .par_iter()
        .filter_map(|m| {
            let fingerprint = m.fingerprint?;
            let stamp = match old.and_then(|t| t.files.get(&m.path)) {
                Some(s) if !m.staged => *s,
                _ => Stamp::of(&std::fs::symlink_metadata(out.join(&m.path)).ok()?),
            };
            Some((m.path.clone(), Record { fingerprint, stamp }))
        })
        .collect();
    let mut manifest = Manifest::new(out);
    manifest.pages.extend(pages);
    manifest
}

/// Refuses a path that is absolute, climbs (`..`) or has an empty part.
fn plain(path: &str) -> Result<()> {
    if path.starts_with('/') || path.split('/').any(|c| c == ".." || c.is_empty()) {
        return Err(Error::Usage(format!(
            "refusing to write `{path}` outside the output folder"
        )));
    }
    Ok(())
}

/// Creates the temporary folder of a build into `parent/name` (see [`journal::recover`] for
/// its name), with the `site/` folder the files are staged in.
fn tempfile_dir(parent: &Path, name: &str) -> Result<PathBuf> {
    for n in 0..1000u32 {
        let p = parent.join(format!(
            "{}{}-{n}",
            journal::prefix(name),
            std::process::id()
        ));
        match std::fs::create_dir(&p) {
            Ok(()) => {
                let site = p.join("site");
                std::fs::create_dir(&site).map_err(|e| Error::io(&site, e))?;
                return Ok(p);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&p, e)),
        }
    }
    Err(Error::Usage(format!(
        "cannot create a temporary folder in {}",
        parent.display()
    )))
}

#[cfg(test)]
mod tests;
