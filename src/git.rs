//! The only user of git2: opens the ledger's repository and answers questions about it with
//! owned values. No git2 type leaves this module.

use crate::error::{Error, Result};
use std::path::Path;

fn git_err(e: git2::Error) -> Error {
    Error::Git(e.message().to_owned())
}

/// The repository that holds a ledger, and where the ledger sits inside it.
pub struct Repo {
    repo: git2::Repository,
    /// The ledger root relative to the repository's work tree, `""` or ending in `/`.
    prefix: String,
}

impl Repo {
    /// Opens the repository containing `root`; `None` when `root` is not inside one.
    pub fn open(root: &Path) -> Result<Option<Repo>> {
        let repo = match git2::Repository::discover(root) {
            Ok(r) => r,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(git_err(e)),
        };
        let prefix = match repo.workdir() {
            Some(wd) => {
                let wd = wd.canonicalize().map_err(|e| Error::io(wd, e))?;
                let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
                let rel = root.strip_prefix(&wd).unwrap_or(Path::new(""));
                let mut p: String = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if !p.is_empty() {
                    p.push('/');
                }
                p
            }
            None => String::new(),
        };
        Ok(Some(Repo { repo, prefix }))
    }

    /// git's `user.name`, if configured.
    pub fn user_name(&self) -> Option<String> {
        self.repo.config().ok()?.get_string("user.name").ok()
    }

    /// The names of the files in `dir` (ledger-relative) on every local and remote-tracking
    /// branch, so ids taken on another branch are seen.
    pub fn names_on_branches(&self, dir: &str) -> Result<Vec<String>> {
        let full = format!("{}{dir}", self.prefix);
        let mut names = Vec::new();
        for r in self.repo.references().map_err(git_err)? {
            let r = r.map_err(git_err)?;
            let is_branch = r
                .name()
                .is_ok_and(|n| n.starts_with("refs/heads/") || n.starts_with("refs/remotes/"));
            if !is_branch {
                continue;
            }
            let Ok(tree) = r.peel_to_tree() else { continue };
            let Ok(entry) = tree.get_path(Path::new(&full)) else {
                continue;
            };
            let Ok(sub) = self.repo.find_tree(entry.id()) else {
                continue;
            };
            names.extend(sub.iter().filter_map(|e| e.name().ok().map(str::to_owned)));
        }
        names.sort();
        names.dedup();
        Ok(names)
    }
}

/// Makes `dir` a git repository (if it is not in one yet) and commits every file in it.
/// Returns false when `dir` already was inside a repository (nothing is committed then).
pub fn init_and_commit(dir: &Path, message: &str) -> Result<bool> {
    if git2::Repository::discover(dir).is_ok() {
        return Ok(false);
    }
    let repo = git2::Repository::init(dir).map_err(git_err)?;
    let mut index = repo.index().map_err(git_err)?;
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .map_err(git_err)?;
    index.write().map_err(git_err)?;
    let tree_id = index.write_tree().map_err(git_err)?;
    let tree = repo.find_tree(tree_id).map_err(git_err)?;
    let sig = repo
        .signature()
        .or_else(|_| git2::Signature::now("opsledger", "opsledger@localhost"))
        .map_err(git_err)?;
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &[])
        .map_err(git_err)?;
    Ok(true)
}
