//! The rules for where opsledger writes: an `--out` of any command never names the ledger's own
//! files or a file git tracks, and the folders it keeps its own files in (the history cache, the
//! live preview's builds) are never among the ledger's inputs and are used only when they are
//! real folders, never through a symbolic link inside the repository, which could lead anywhere;
//! and how a file is written so that a write failing half-way leaves no cut-off file.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The ledger's own files and folders, relative to its root: what no command writes over.
const INPUTS: [&str; 5] = ["content", "sql", "themes", ".git", crate::config::FILE];

/// Refuses `out` as where a command writes `what` (`the site`, `the notes`) when writing it
/// could replace or remove the ledger's own files: the ledger at `dir` itself, a folder above
/// it, one of its inputs (`opsledger.toml`, `content/`, `sql/`, `themes/`, `.git`), or a file
/// git tracks in the repository (in HEAD or the index: `.mailmap`, `.gitignore`, CI files), or
/// a folder holding one; also through a symbolic link. `example` is an `--out` to suggest.
pub fn check_out(dir: &Path, out: &Path, what: &str, example: &str) -> Result<()> {
    let (d, o) = (real(dir), real(out));
    if over_inputs(&d, &o) {
        return Err(Error::Usage(format!(
            "refusing to write {what} into {}: it would replace the ledger's own files \
             (opsledger.toml, content/, sql/, themes/, .git)\nfix: pass --out with a path \
             outside them, e.g. --out {example}",
            out.display()
        )));
    }
    if let Some(file) = tracked_at(dir, &o)? {
        return Err(Error::Usage(format!(
            "refusing to write {what} into {}: it would replace {file}, which git tracks in \
             the repository\nfix: pass --out with a path git does not track, e.g. --out \
             {example}",
            out.display()
        )));
    }
    Ok(())
}

/// True when `o` is the ledger at `d`, a folder above it, or one of its inputs or inside one
/// (both with links resolved).
fn over_inputs(d: &Path, o: &Path) -> bool {
    d.starts_with(o) || INPUTS.iter().any(|x| o.starts_with(d.join(x)))
}

/// A file git tracks (relative to the work tree) that is `o` or inside it, in the repository
/// holding the ledger at `dir`. The tracked files are read only when `o` is in the work tree.
fn tracked_at(dir: &Path, o: &Path) -> Result<Option<String>> {
    let Some(repo) = crate::git::Repo::open(dir)? else {
        return Ok(None);
    };
    let Some(rel) = repo
        .work_tree()?
        .and_then(|wd| o.strip_prefix(wd).ok().map(slashed))
    else {
        return Ok(None);
    };
    let tracked = repo.tracked_in_repository()?;
    if tracked.contains(&rel) {
        return Ok(Some(rel));
    }
    let folder = if rel.is_empty() { rel } else { rel + "/" };
    Ok(tracked
        .range(folder.clone()..)
        .next()
        .filter(|t| t.starts_with(&folder))
        .cloned())
}

/// A relative path as git writes it, parts joined by `/`.
fn slashed(rel: &Path) -> String {
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// `p` with its links resolved, as far as it exists.
fn real(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    match (p.parent().map(Path::canonicalize), p.file_name()) {
        (Some(Ok(parent)), Some(name)) => parent.join(name),
        _ => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    }
}

/// Refuses `dir` as the folder of opsledger's own files `what` (`the history cache`) when it is
/// the ledger at `root`, a folder above it, or one of its inputs or inside one (as
/// [`check_out`]), when it is a symbolic link or not a folder, or when a folder on its way inside the repository at `root`
/// is a symbolic link: what is read and written there would be wherever the link leads. A part
/// that does not exist yet is fine (it is created as a real folder).
pub fn ensure_real_folder(root: &Path, dir: &Path, what: &str) -> Result<()> {
    if over_inputs(&real(root), &real(dir)) {
        return Err(Error::Usage(format!(
            "refusing to keep {what} in {}: it is among the ledger's own files (the ledger \
             itself, opsledger.toml, content/, sql/, themes/, .git), which it would write \
             into\nfix: pass a folder outside them, e.g. --cache-dir .opsledger/cache",
            dir.display()
        )));
    }
    let abs = |p: &Path| std::path::absolute(p).map_err(|e| Error::io(p, e));
    let (root, dir) = (abs(root)?, abs(dir)?);
    let mut on_the_way = vec![dir.clone()];
    if let Ok(rest) = dir.strip_prefix(&root) {
        let mut at = root.clone();
        for part in rest.components() {
            at.push(part);
            on_the_way.push(at.clone());
        }
    }
    for p in on_the_way {
        let why = match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                "is a symbolic link, which could lead outside the repository"
            }
            Ok(m) if !m.is_dir() => "is not a folder",
            _ => continue,
        };
        return Err(Error::Usage(format!(
            "refusing to keep {what} in {}: {} {why}\nfix: remove it (opsledger makes a real \
             folder there)",
            dir.display(),
            p.display()
        )));
    }
    Ok(())
}

/// Removes whatever stands at `path` (a file, a link, a whole folder), never following a link;
/// nothing there is fine. For opsledger's own files only, in a folder [`ensure_real_folder`]
/// accepted.
pub fn clear(path: &Path) -> Result<()> {
    let removed = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
    };
    match removed {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// Creates `path` with `bytes`, failing (kind `AlreadyExists`) if it exists, with no race with
/// another writer. The bytes go to a temporary file beside it, linked into place once whole, so
/// a write that fails (a full disk) leaves no cut-off file.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_beside(path, bytes)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    linked.map_err(|e| Error::io(path, e))
}

/// Writes `bytes` to `path`, replacing the file there only once they are whole (a temporary file
/// beside it is renamed over it): a write that fails keeps the old file and leaves nothing.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_beside(path, bytes)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// A new temporary file in `path`'s folder holding `bytes`; removed again when writing fails.
fn write_beside(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    use std::io::Write;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut n = 0u32;
    let (tmp, mut f) = loop {
        let tmp = path.with_file_name(format!(".{name}.{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(Error::io(path, e)),
        }
    };
    if let Err(e) = f.write_all(bytes).and_then(|()| f.flush()) {
        drop(f);
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_out_over_the_ledger_or_its_inputs_is_refused_and_others_are_not() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::create_dir_all(d.join("content/entries")).unwrap();
        std::fs::write(d.join("opsledger.toml"), "").unwrap();
        for out in [
            ".",
            "..",
            "content",
            "content/entries/x.md",
            "opsledger.toml",
            ".git/x",
        ] {
            let err = check_out(d, &d.join(out), "the notes", "notes.md").unwrap_err();
            assert!(err.to_string().contains("own files"), "{out}: {err}");
        }
        for out in ["public", "notes.md", "out/content", "contents"] {
            check_out(d, &d.join(out), "the notes", "notes.md").unwrap();
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_on_the_way_to_a_folder_inside_the_repository_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let (root, outside) = (t.path().join("ledger"), t.path().join("outside"));
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::create_dir_all(root.join("real/cache")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
        std::os::unix::fs::symlink(&outside, t.path().join("elsewhere")).unwrap();
        ensure_real_folder(&root, &root.join("real/cache"), "the cache").unwrap();
        ensure_real_folder(&root, &root.join("new/cache"), "the cache").unwrap();
        ensure_real_folder(&root, &outside, "the cache").unwrap();
        for bad in [
            root.join("link/cache"),
            root.join("link"),
            t.path().join("elsewhere"),
        ] {
            let err = ensure_real_folder(&root, &bad, "the cache").unwrap_err();
            assert!(err.to_string().contains("symbolic link"), "{err}");
        }
    }
}
