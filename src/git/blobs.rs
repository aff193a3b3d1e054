//! Objects read by id: blobs (from any thread, through a [`BlobSource`]), a commit's tree and
//! a commit itself, read from its raw object leniently (see [`super::object`]) rather than
//! parsed by libgit2, which refuses a commit with an odd author or committer.

use super::{git_err, object, oid};
use crate::error::{Error, Result};
use std::path::Path;

/// The repository's location, from which each thread opens its own [`BlobReader`].
#[derive(Debug, Clone)]
pub struct BlobSource {
    pub(super) path: std::path::PathBuf,
    pub(super) prefix: String,
}

impl BlobSource {
    pub fn reader(&self) -> Result<BlobReader> {
        Ok(BlobReader {
            repo: git2::Repository::open(&self.path).map_err(git_err)?,
            prefix: self.prefix.clone(),
        })
    }
}

/// Reads blobs by id; one per thread, from [`BlobSource::reader`].
pub struct BlobReader {
    repo: git2::Repository,
    prefix: String,
}

impl BlobReader {
    pub fn read(&self, id: &str) -> Result<Vec<u8>> {
        let blob = self.repo.find_blob(oid(id)?).map_err(git_err)?;
        Ok(blob.content().to_vec())
    }

    /// The bytes of the file at `path` (ledger-relative) in `commit`, if it is a regular file.
    pub fn file_at(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>> {
        file_at(&self.repo, &self.prefix, commit, path)
    }
}

/// The bytes of the file at `prefix` + `path` in `commit`, if it is a regular file there.
pub(super) fn file_at(
    repo: &git2::Repository,
    prefix: &str,
    commit: &str,
    path: &str,
) -> Result<Option<Vec<u8>>> {
    let tree = commit_tree(repo, commit)?;
    let Ok(entry) = tree.get_path(Path::new(&format!("{prefix}{path}"))) else {
        return Ok(None);
    };
    if entry.filemode() != 0o100644 && entry.filemode() != 0o100755 {
        return Ok(None);
    }
    let blob = repo.find_blob(entry.id()).map_err(git_err)?;
    Ok(Some(blob.content().to_vec()))
}

/// A commit read from its raw object, leniently (see [`object`]); an error when `id` is not a
/// commit.
pub(super) fn raw_commit(repo: &git2::Repository, id: git2::Oid) -> Result<object::RawCommit> {
    let odb = repo.odb().map_err(git_err)?;
    let obj = odb.read(id).map_err(git_err)?;
    if obj.kind() != git2::ObjectType::Commit {
        return Err(Error::Git(format!("{id} is not a commit")));
    }
    Ok(object::parse_commit(obj.data()))
}

/// The tree of `commit`, read without parsing the commit's author and committer.
pub(super) fn commit_tree<'r>(repo: &'r git2::Repository, commit: &str) -> Result<git2::Tree<'r>> {
    let raw = raw_commit(repo, oid(commit)?)?;
    repo.find_tree(oid(&raw.tree)?).map_err(git_err)
}
