//! Which files git tracks: the regular files of the HEAD commit's tree and of the index, the
//! only files a path written in content may name (an untracked or ignored file never reaches
//! the site).

use super::{Repo, git_err};
use crate::error::Result;
use std::collections::BTreeSet;

/// git's modes of a regular file (plain and executable); links and submodules are not files.
fn is_regular(mode: u32) -> bool {
    mode == 0o100644 || mode == 0o100755
}

impl Repo {
    /// The ledger-relative paths of every regular file in the HEAD commit's tree or in the
    /// index (so a file staged with `git add` counts before its first commit, and a repository
    /// without commits has its index). Files outside the ledger root are left out.
    pub fn tracked_files(&self) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        let mut keep = |full: &str| {
            if let Some(rel) = full.strip_prefix(self.prefix.as_str()) {
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
}
