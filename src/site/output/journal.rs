//! What makes the update of an output folder all-or-nothing across a crash. A build stages its
//! files in a temporary folder beside the output (`.NAME.tmp-PID-N/site/`), locked while the
//! build runs. Before it moves the first file in, it writes down every file of the new site
//! (`journal.json` in that folder). The next build into the same folder first looks at the
//! temporary folders no running build holds: with a journal it finishes the moves (the site is
//! then the new one), without one the killed build had not touched the output; either way the
//! folder is removed, so nothing is left behind.

use super::{Made, Tree, apply};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

const JOURNAL: &str = "journal.json";

/// What a build is about to make of the output folder `out`: exactly these files.
#[derive(Serialize, Deserialize)]
struct Journal {
    out: String,
    files: Vec<String>,
}

/// How the temporary folders of builds into a folder named `name` begin.
pub(super) fn prefix(name: &str) -> String {
    format!(".{name}.tmp-")
}

/// Writes the journal of an update of `out` to `files` into the temporary folder `tmp`
/// (through a file renamed into place, so it is whole or absent).
pub(super) fn write(tmp: &Path, out: &Path, files: &[&str]) -> Result<()> {
    let journal = Journal {
        out: out.to_string_lossy().into_owned(),
        files: files.iter().map(|f| (*f).to_owned()).collect(),
    };
    let part = tmp.join("journal.part");
    std::fs::write(&part, serde_json::to_vec(&journal)?).map_err(|e| Error::io(&part, e))?;
    let file = tmp.join(JOURNAL);
    std::fs::rename(&part, &file).map_err(|e| Error::io(&file, e))
}

/// Forgets the journal of `tmp`, once every move is done.
pub(super) fn done(tmp: &Path) -> Result<()> {
    let file = tmp.join(JOURNAL);
    std::fs::remove_file(&file).map_err(|e| Error::io(&file, e))
}

/// A folder whose lock another running process holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InUse;

/// Takes the lock that marks the temporary folder `dir` as in use by this process (held until
/// the file is dropped or the process ends, however it ends). `Err` when another running
/// process holds it; `Ok(None)` where a folder cannot be locked (or opened). `serve` marks its
/// build folder with the same lock.
pub fn lock(dir: &Path) -> std::result::Result<Option<std::fs::File>, InUse> {
    let Ok(file) = std::fs::File::open(dir) else {
        return Ok(None);
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(InUse),
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// Finishes or drops what killed builds left of their work on `parent/name` (whose resolved
/// path is `out`), and removes their temporary folders.
pub(super) fn recover(parent: &Path, name: &str, out: &Path) -> Result<()> {
    let Ok(items) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let prefix = prefix(name);
    let mut leftovers: Vec<_> = items
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    leftovers.sort();
    for tmp in leftovers {
        let Ok(_lock) = lock(&tmp) else {
            continue; // a build that is running
        };
        roll_forward(&tmp, out)?;
        std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    Ok(())
}

/// Finishes the update the journal of `tmp` describes, when it has one for `out`: the folder
/// as it is now is updated to the files listed, those still staged moved in.
fn roll_forward(tmp: &Path, out: &Path) -> Result<()> {
    let journal: Option<Journal> = std::fs::read(tmp.join(JOURNAL))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let Some(journal) = journal.filter(|j| Path::new(&j.out) == out) else {
        return Ok(());
    };
    if !std::fs::symlink_metadata(out).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let now = Tree::read(out)?;
    let site = tmp.join("site");
    let made: Vec<Made> = journal
        .files
        .into_iter()
        .map(|path| Made {
            staged: std::fs::symlink_metadata(site.join(&path)).is_ok_and(|m| m.is_file()),
            path,
            fingerprint: None,
        })
        .collect();
    for m in &made {
        super::plain(&m.path)?; // the journal is a file on disk: trust no path in it
    }
    apply(&now, &made, &site, out, &mut |_| true)?;
    done(tmp)
}

/// A crash on purpose, for the tests of what the next build does after one: debug builds only.
#[cfg(debug_assertions)]
pub mod fault {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static ABORT_AFTER: AtomicUsize = AtomicUsize::new(usize::MAX);

    /// Makes the process abort (as `kill -9` would stop it) once `n` files have been moved into
    /// an output folder.
    pub fn abort_after_moves(n: usize) {
        ABORT_AFTER.store(n, Ordering::SeqCst);
    }

    pub(in crate::site::output) fn moved(n: usize) {
        if n >= ABORT_AFTER.load(Ordering::SeqCst) {
            std::process::abort();
        }
    }
}
