//! Which files git tracks: the regular files of the HEAD commit's tree and of the index, the
//! only files a path written in content may name (an untracked or ignored file never reaches
//! the site); and which files of the work tree git ignores.

use super::{Repo, git_err};
use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// git's modes of a regular file (plain and executable); links and submodules are not files.
fn is_regular(mode: u32) -> bool {
    mode == 0o100644 || mode == 0o100755
}

impl Repo {
    /// The ledger-relative paths of every regular file in the HEAD commit's tree or in the
    /// index (so a file staged with `git add` counts before its first commit, and a repository
    /// without commits has its index). Files outside the ledger root are left out.
    pub fn tracked_files(&self) -> Result<BTreeSet<String>> {
        self.tracked_under(&self.prefix)
    }

    /// The work tree's root, links resolved; `None` for a bare repository.
    pub fn work_tree(&self) -> Result<Option<PathBuf>> {
        match self.repo.workdir() {
            Some(wd) => Ok(Some(wd.canonicalize().map_err(|e| Error::io(wd, e))?)),
            None => Ok(None),
        }
    }

    /// The paths relative to the work tree of every regular file git tracks in the whole
    /// repository (HEAD or index), also outside the ledger.
    pub fn tracked_in_repository(&self) -> Result<BTreeSet<String>> {
        self.tracked_under("")
    }

    /// The tracked files under `prefix` (`""` or ending in `/`), relative to it.
    fn tracked_under(&self, prefix: &str) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        let mut keep = |full: &str| {
            if let Some(rel) = full.strip_prefix(prefix) {
                out.insert(rel.to_owned());
            }
        };
        let index = self.repo.index().map_err(git_err)?;
        for e in index.iter().filter(|e| is_regular(e.mode)) {
            if let Ok(p) = std::str::from_utf8(&e.path) {
                keep(p);
            }
        }
        if let Some(head) = self.head()? {
            // Read leniently: libgit2 refuses a commit whose author has no e-mail.
            let tree = super::commit_tree(&self.repo, &head)?;
            tree.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
                if is_regular(entry.filemode() as u32)
                    && let Ok(name) = entry.name()
                {
                    keep(&format!("{parent}{name}"));
                }
                git2::TreeWalkResult::Ok
            })
            .map_err(git_err)?;
        }
        Ok(out)
    }

    /// The ledger-relative paths among `rels` that git ignores: not in the index (git's own
    /// test of tracked, so a file staged for deletion counts as untracked) and matched by an
    /// ignore rule (`.gitignore` files, `.git/info/exclude`, `core.excludesFile`), the file's
    /// own or a parent folder's. Only a path missing from the index is matched against the
    /// rules, so a work tree whose files are all tracked costs one read of the index.
    pub fn ignored_among<'a>(
        &self,
        rels: impl IntoIterator<Item = &'a str>,
    ) -> Result<BTreeSet<String>> {
        let index = self.repo.index().map_err(git_err)?;
        let mut out = BTreeSet::new();
        for rel in rels {
            let full = format!("{}{rel}", self.prefix);
            // Stage 0 is a merged file, 1 to 3 the sides of a conflict: all are tracked.
            let tracked = (0..=3).any(|stage| index.get_path(Path::new(&full), stage).is_some());
            if !tracked && self.repo.is_path_ignored(&full).map_err(git_err)? {
                out.insert(rel.to_owned());
            }
        }
        Ok(out)
    }
}
