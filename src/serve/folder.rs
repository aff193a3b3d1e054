//! The folders `serve` builds into, one per port under `.opsledger/serve/`: each is locked
//! (the lock of [`crate::site::output::journal::lock`], which a build's temporary folder has)
//! while its server runs, so a folder whose lock nobody holds was left by a killed server
//! (`kill -9`, a crash) and is removed by the next `serve` or `build` ([`sweep`]).

use crate::error::{Error, Result};
use crate::site::output::journal::{InUse, lock};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Where the servers of the ledger at `dir` keep their builds.
pub fn parent(dir: &Path) -> PathBuf {
    dir.join(".opsledger/serve")
}

/// A server's folder, locked while it lives and removed when it is dropped (with
/// `.opsledger/serve/` when no other server uses it).
pub struct Held {
    path: PathBuf,
    _lock: Option<File>,
}

impl Held {
    /// Makes `folder` anew (empty) and locks it. A [`sweep`] of another process may hold the
    /// lock of what stood there an instant: this waits for it to be gone.
    pub fn claim(folder: &Path) -> Result<Held> {
        for _ in 0..200 {
            if folder.exists() {
                match lock(folder) {
                    Ok(_) => std::fs::remove_dir_all(folder).map_err(|e| Error::io(folder, e))?,
                    Err(InUse) => std::thread::sleep(std::time::Duration::from_millis(10)),
                }
                continue;
            }
            std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
            // Locked, and still the folder at that path (no sweep removed it in between).
            if let Ok(held) = lock(folder)
                && folder.is_dir()
            {
                return Ok(Held {
                    path: folder.to_path_buf(),
                    _lock: held,
                });
            }
        }
        Err(Error::Serve(format!(
            "cannot lock {}: another process keeps it",
            folder.display()
        )))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
        if let Some(parent) = self.path.parent() {
            // Fails, as it should, while another port's folder is in it.
            let _ = std::fs::remove_dir(parent);
        }
    }
}

/// Removes the folders under `.opsledger/serve/` of the ledger at `dir` that no running server
/// holds; a folder whose lock cannot be taken or asked (a file system without locks) is kept.
/// Nothing is followed through a symbolic link. Best effort: what cannot be removed stays.
pub fn sweep(dir: &Path) {
    let parent = parent(dir);
    if crate::paths::ensure_real_folder(dir, &parent, "the live preview's builds").is_err() {
        return;
    }
    let Ok(items) = std::fs::read_dir(&parent) else {
        return;
    };
    for item in items.filter_map(|e| e.ok()) {
        if !item.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = item.path();
        if let Ok(Some(_unused)) = lock(&path) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
    let _ = std::fs::remove_dir(&parent);
}
