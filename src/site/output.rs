//! Writing the site: every file into a fresh temporary folder beside the output folder (a file
//! the previous site has with the same bytes is hard-linked from it instead of written), then
//! one swap, so a failed build never touches the previous output and readers never see a half
//! written site.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// One generated file: its path relative to the site root and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A site being written: files go into a fresh temporary folder beside the output folder as
/// they are produced; [`Staging::commit`] swaps it in. Dropped without a commit, the temporary
/// folder is removed and the previous output is untouched.
pub struct Staging {
    out: PathBuf,
    /// `out` resolved, when it exists: the previous site, whose unchanged files are linked
    /// instead of written again.
    previous: Option<PathBuf>,
    parent: PathBuf,
    name: String,
    tmp: PathBuf,
    committed: bool,
}

impl Staging {
    /// Starts writing a new version of `out`, which must be a folder or not exist yet.
    pub fn new(out: &Path) -> Result<Staging> {
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
        let tmp = tempfile_dir(&parent, &name)?;
        Ok(Staging {
            out: out.to_path_buf(),
            previous: out.canonicalize().ok(),
            parent,
            name,
            tmp,
            committed: false,
        })
    }

    /// Writes one file (any thread). Paths must be relative and plain (no `..`). A file that
    /// the previous site has with the same bytes is hard-linked from it instead: after one
    /// commit most pages are unchanged, and linking them saves writing (and later deleting)
    /// hundreds of megabytes on a large ledger.
    pub fn write(&self, f: &OutputFile) -> Result<()> {
        let p = self.path_of(&f.path)?;
        if let Some(old) = self.unchanged(&f.path, &f.bytes)
            && std::fs::hard_link(&old, &p).is_ok()
        {
            return Ok(());
        }
        std::fs::write(&p, &f.bytes).map_err(|e| Error::io(&p, e))
    }

    /// The previous site's file at `path` when it holds exactly `bytes` (a regular file inside
    /// the previous site, never one reached through a link leading out of it).
    fn unchanged(&self, path: &str, bytes: &[u8]) -> Option<PathBuf> {
        let previous = self.previous.as_ref()?;
        let old = previous.join(path);
        let meta = std::fs::symlink_metadata(&old).ok()?;
        if !meta.is_file() || meta.len() != bytes.len() as u64 {
            return None;
        }
        let real = old.canonicalize().ok()?;
        (real.starts_with(previous) && std::fs::read(&real).ok()? == bytes).then_some(real)
    }

    /// Writes one file (any thread) through `write`, buffered, as it is produced. Paths as for
    /// [`Staging::write`].
    pub fn write_with(
        &self,
        path: &str,
        write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
    ) -> Result<()> {
        let p = self.path_of(path)?;
        let file = std::fs::File::create(&p).map_err(|e| Error::io(&p, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        std::io::Write::flush(&mut w).map_err(|e| Error::io(&p, e))
    }

    /// The place of `path` in the temporary folder, its folder created.
    fn path_of(&self, path: &str) -> Result<PathBuf> {
        if path.starts_with('/') || path.split('/').any(|c| c == ".." || c.is_empty()) {
            return Err(Error::Usage(format!(
                "refusing to write `{path}` outside the output folder"
            )));
        }
        let p = self.tmp.join(path);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
        }
        Ok(p)
    }

    /// Swaps the new site in for the old one.
    pub fn commit(mut self) -> Result<()> {
        swap(&self.tmp, &self.out, &self.parent, &self.name)?;
        self.committed = true;
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

/// Writes `files` as the new content of `out`. Paths must be relative and plain (no `..`).
pub fn write_atomic(out: &Path, files: &[OutputFile]) -> Result<()> {
    use rayon::prelude::*;
    let staging = Staging::new(out)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit()
}

fn tempfile_dir(parent: &Path, name: &str) -> Result<PathBuf> {
    for n in 0..1000u32 {
        let p = parent.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        match std::fs::create_dir(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&p, e)),
        }
    }
    Err(Error::Usage(format!(
        "cannot create a temporary folder in {}",
        parent.display()
    )))
}

fn swap(tmp: &Path, out: &Path, parent: &Path, name: &str) -> Result<()> {
    if std::fs::symlink_metadata(out).is_ok() {
        // A name nothing has: a leftover of a killed build may hold the obvious one.
        let old = (0..)
            .map(|n| parent.join(format!(".{name}.old-{}-{n}", std::process::id())))
            .find(|p| std::fs::symlink_metadata(p).is_err())
            .unwrap_or_else(|| parent.join(format!(".{name}.old")));
        std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
        std::fs::rename(tmp, out).map_err(|e| Error::io(out, e))?;
        remove_tree(&old)
    } else {
        std::fs::rename(tmp, out).map_err(|e| Error::io(out, e))
    }
}

/// Removes a folder tree, its subfolders in parallel (a site is thousands of small files).
fn remove_tree(dir: &Path) -> Result<()> {
    use rayon::prelude::*;
    let items: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    items.par_iter().try_for_each(|p| {
        let is_dir = std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
        if is_dir {
            remove_tree(p)
        } else {
            std::fs::remove_file(p).map_err(|e| Error::io(p, e))
        }
    })?;
    std::fs::remove_dir(dir).map_err(|e| Error::io(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str, s: &str) -> OutputFile {
        OutputFile {
            path: p.into(),
            bytes: s.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_output_in_one_swap() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        write_atomic(
            &out,
            &[file("index.html", "one"), file("a/b/index.html", "x")],
        )
        .unwrap();
        write_atomic(&out, &[file("index.html", "two")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("a").exists(), "old files are gone");
        let leftovers: Vec<_> = std::fs::read_dir(t.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn a_leftover_of_a_killed_build_does_not_block_the_swap() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        write_atomic(&out, &[file("index.html", "one")]).unwrap();
        let leftover = t
            .path()
            .join(format!(".public.old-{}-0", std::process::id()));
        std::fs::write(&leftover, "not a folder").unwrap();
        write_atomic(&out, &[file("index.html", "two")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert_eq!(std::fs::read_to_string(&leftover).unwrap(), "not a folder");
    }

    #[test]
    fn an_output_that_is_a_file_is_refused_and_kept() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("notes.txt");
        std::fs::write(&out, "mine").unwrap();
        let err = write_atomic(&out, &[file("index.html", "x")]).unwrap_err();
        assert!(err.to_string().contains("is not a folder"), "{err}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_site_and_changed_ones_written() {
        use std::os::unix::fs::MetadataExt;
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        write_atomic(&out, &[file("a/index.html", "same"), file("b.html", "old")]).unwrap();
        let inode = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        let (a, b) = (inode("a/index.html"), inode("b.html"));
        write_atomic(&out, &[file("a/index.html", "same"), file("b.html", "new")]).unwrap();
        assert_eq!(
            inode("a/index.html"),
            a,
            "the unchanged file is the same file"
        );
        assert_ne!(inode("b.html"), b);
        assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "new");
        // Same size, other bytes: written.
        write_atomic(&out, &[file("a/index.html", "SAME")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "SAME"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_previous_site_leading_out_of_it_is_not_followed() {
        use std::os::unix::fs::MetadataExt;
        let t = tempfile::tempdir().unwrap();
        let outside = t.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("index.html"), "same").unwrap();
        let out = t.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("a")).unwrap();
        write_atomic(&out, &[file("a/index.html", "same")]).unwrap();
        let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
        assert_ne!(
            ino(&out.join("a/index.html")),
            ino(&outside.join("index.html"))
        );
        assert!(
            outside.join("index.html").is_file(),
            "the outside file is untouched"
        );
    }

    #[test]
    fn a_bad_path_fails_and_leaves_the_old_output() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        write_atomic(&out, &[file("index.html", "one")]).unwrap();
        assert!(write_atomic(&out, &[file("../evil", "x")]).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "one"
        );
        assert!(!t.path().join("evil").exists());
    }
}
