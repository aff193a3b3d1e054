//! Writes a made-up history into a new repository: commits of given file contents with a
//! given author and time (committer = author) and given parents, branches, and a final
//! checkout. Used by `demo`; owned values in, commit ids (hex) out.

use super::{git_err, oid};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// Who made a commit and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub email: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
    /// Minutes east of UTC.
    pub offset_minutes: i32,
}

/// A new repository being filled with commits.
pub struct Replay {
    repo: git2::Repository,
}

impl Replay {
    /// Creates a repository in `dir` (which must not be inside one already being reused).
    pub fn init(dir: &Path) -> Result<Replay> {
        let repo = git2::Repository::init(dir).map_err(git_err)?;
        Ok(Replay { repo })
    }

    /// Commits exactly `files` (path → bytes, `/`-separated) as the tree, with `parents`
    /// (hex ids). Moves no reference; returns the new commit's id.
    pub fn commit(
        &self,
        files: &BTreeMap<String, Vec<u8>>,
        author: &Signature,
        message: &str,
        parents: &[String],
    ) -> Result<String> {
        let tree = self.tree(files)?;
        let time = git2::Time::new(author.time, author.offset_minutes);
        let sig = git2::Signature::new(&author.name, &author.email, &time).map_err(git_err)?;
        let parents = parents
            .iter()
            .map(|p| self.repo.find_commit(oid(p)?).map_err(git_err))
            .collect::<Result<Vec<_>>>()?;
        let refs: Vec<&git2::Commit> = parents.iter().collect();
        let id = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &refs)
            .map_err(git_err)?;
        Ok(id.to_string())
    }

    fn tree(&self, files: &BTreeMap<String, Vec<u8>>) -> Result<git2::Tree<'_>> {
        let mut index = git2::Index::new().map_err(git_err)?;
        for (path, bytes) in files {
            let blob = self.repo.blob(bytes).map_err(git_err)?;
            index
                .add(&git2::IndexEntry {
                    ctime: git2::IndexTime::new(0, 0),
                    mtime: git2::IndexTime::new(0, 0),
                    dev: 0,
                    ino: 0,
                    mode: 0o100644,
                    uid: 0,
                    gid: 0,
                    file_size: bytes.len() as u32,
                    id: blob,
                    flags: 0,
                    flags_extended: 0,
                    path: path.as_bytes().to_vec(),
                })
                .map_err(git_err)?;
        }
        let id = index.write_tree_to(&self.repo).map_err(git_err)?;
        self.repo.find_tree(id).map_err(git_err)
    }

    /// Points branch `name` at `commit`, creating or moving it.
    pub fn set_branch(&self, name: &str, commit: &str) -> Result<()> {
        let c = self.repo.find_commit(oid(commit)?).map_err(git_err)?;
        self.repo.branch(name, &c, true).map_err(git_err)?;
        Ok(())
    }

    /// Deletes branch `name` (as a merged pull request's branch is).
    pub fn delete_branch(&self, name: &str) -> Result<()> {
        let mut b = self
            .repo
            .find_branch(name, git2::BranchType::Local)
            .map_err(git_err)?;
        b.delete().map_err(git_err)
    }

    /// Makes `branch` the checked-out branch and writes its files into the work tree.
    pub fn checkout(&self, branch: &str) -> Result<()> {
        let name = format!("refs/heads/{branch}");
        self.repo.set_head(&name).map_err(git_err)?;
        let mut opts = git2::build::CheckoutBuilder::new();
        opts.force();
        self.repo
            .checkout_head(Some(&mut opts))
            .map_err(|e| Error::Git(format!("checkout of {branch}: {}", e.message())))
    }
}
