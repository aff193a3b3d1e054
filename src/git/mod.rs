//! The only user of git2 (and of the `git` binary): opens the ledger's repository and answers
//! questions about it with owned values. No git2 type leaves this module.
//!
//! The history walk has two producers of the same [`CommitChanges`] stream: `git log --raw`
//! when a `git` binary is present (fast on large flat folders) and a libgit2 tree walk as the
//! fallback. A differential test keeps them in agreement.

mod blobs;
mod log;
mod mailmap;
pub mod object;
mod replay;
mod status;
mod time;
mod tracked;
mod walk;

pub use blobs::{BlobReader, BlobSource};
use blobs::{commit_tree, file_at, raw_commit};
pub use mailmap::Mailmap;
pub use replay::{Replay, Signature};
pub use time::rfc3339;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A commit as opsledger needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// Full hex hash.
    pub id: String,
    pub parents: Vec<String>,
    pub author: String,
    pub email: String,
    /// Author time (when the change was written), seconds since the Unix epoch.
    pub time: i64,
    /// Author time zone, minutes east of UTC.
    pub offset_minutes: i32,
    /// Committer time (when the commit was made where it is: for a merge, a squash or a rebase,
    /// when it landed), seconds since the Unix epoch.
    pub commit_time: i64,
    /// Committer time zone, minutes east of UTC.
    pub commit_offset_minutes: i32,
    /// The full message, trailing newline removed.
    pub message: String,
    /// What could not be read of the commit as written (an author without e-mail, a date out
    /// of range): the values above are then what git shows, or what could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Commit {
    /// The commit `id` with its parents, author, committer and message from its raw object.
    fn from_raw(id: String, raw: object::RawCommit) -> Commit {
        Commit {
            problem: raw.problem(),
            id,
            parents: raw.parents,
            author: raw.author.name,
            email: raw.author.email,
            time: raw.author.time,
            offset_minutes: raw.author.offset_minutes,
            commit_time: raw.committer.time,
            commit_offset_minutes: raw.committer.offset_minutes,
            message: raw.message,
        }
    }
}

/// What happened to one file in one commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    Renamed,
}

/// One file changed by a commit, paths relative to the ledger root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChange {
    pub kind: ChangeKind,
    pub path: String,
    /// For renames: the path before.
    pub old_path: Option<String>,
    /// Blob id after the change (none for a deletion).
    pub blob: Option<String>,
    /// Blob id before the change: in the commit's first parent, or for a merge the first parent
    /// that has the file; for a rename, the old path's. None when the file is new.
    pub old_blob: Option<String>,
    /// For a merge: the file's blob in each later parent that has it. A field of the merged
    /// version is the merge's own change only where it differs from all of them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_blobs: Vec<String>,
}

/// A commit and the changes it made under the watched folder (for a merge: only the files
/// that differ from every parent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitChanges {
    pub commit: Commit,
    pub changes: Vec<FileChange>,
}

/// Which producer walks the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walker {
    /// `git log --raw` if a git binary runs, else libgit2.
    Auto,
    GitBinary,
    Libgit2,
}

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
        // Reading objects does not re-hash them, as `git log` does not: a history walk reads
        // every version of every file, and hashing was a few per cent of it. Integrity is
        // git's job (fsck, transfer checks).
        git2::opts::strict_hash_verification(false);
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

    /// A commit's committer time (when it was made where it is, e.g. when a merge landed):
    /// seconds since the epoch and minutes east of UTC.
    pub fn commit_time(&self, id: &str) -> Result<(i64, i32)> {
        let c = raw_commit(&self.repo, oid(id)?)?.committer;
        Ok((c.time, c.offset_minutes))
    }

    /// True for a shallow clone (history cut off).
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The ledger root's path prefix inside the repository (`""` or ending in `/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn workdir(&self) -> Result<&Path> {
        self.repo
            .workdir()
            .ok_or_else(|| Error::Git("the repository has no work tree".into()))
    }

    /// The full hash of HEAD, or `None` for a repository without commits.
    pub fn head(&self) -> Result<Option<String>> {
        match self.repo.head() {
            // Without parsing the commit, which libgit2 refuses for an odd author.
            Ok(h) => Ok(h
                .resolve()
                .ok()
                .and_then(|r| r.target())
                .filter(|id| raw_commit(&self.repo, *id).is_ok())
                .map(|id| id.to_string())),
            Err(e)
                if matches!(
                    e.code(),
                    git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(git_err(e)),
        }
    }

    /// Resolves a revision (`main`, `origin/main`, a hash) to a commit hash.
    pub fn resolve(&self, rev: &str) -> Result<String> {
        let obj = self
            .repo
            .revparse_single(rev)
            .map_err(|e| Error::Git(format!("cannot resolve `{rev}`: {}", e.message())))?;
        let c = obj.peel_to_commit().map_err(git_err)?;
        Ok(c.id().to_string())
    }

    /// The names of the repository's remotes (`origin`, …), sorted.
    pub fn remotes(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .repo
            .remotes()
            .map(|r| r.iter().flatten().flatten().map(str::to_owned).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The best common ancestor of two commits: of `b`'s ancestors, children first, the first
    /// that is also `a`'s (none of the other common ancestors descends from it). Commits are
    /// read leniently, as for the history.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<String> {
        let ours: std::collections::HashSet<git2::Oid> =
            walk::topo_order(&self.repo, oid(a)?, None)?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        walk::topo_order(&self.repo, oid(b)?, None)?
            .into_iter()
            .rev()
            .map(|(id, _)| id)
            .find(|id| ours.contains(id))
            .map(|id| id.to_string())
            .ok_or_else(|| Error::Git(format!("{a} and {b} have no common ancestor")))
    }

    /// Every file under `dir` (ledger-relative, e.g. `content`) at `commit`, with its bytes.
    /// Symbolic links and submodules are skipped, like the work-tree loader does.
    pub fn files_at(&self, commit: &str, dir: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let tree = commit_tree(&self.repo, commit)?;
        let full = format!("{}{dir}", self.prefix);
        let mut out = Vec::new();
        let sub = match tree.get_path(Path::new(&full)) {
            Ok(e) => e,
            Err(_) => return Ok(out),
        };
        let Ok(sub) = self.repo.find_tree(sub.id()) else {
            return Ok(out);
        };
        let mut err = None;
        sub.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
            if entry.filemode() != 0o100644 && entry.filemode() != 0o100755 {
                return git2::TreeWalkResult::Ok;
            }
            let name = entry.name().unwrap_or("");
            match self.repo.find_blob(entry.id()) {
                Ok(b) => out.push((format!("{dir}/{parent}{name}"), b.content().to_vec())),
                Err(e) => {
                    err = Some(e);
                    return git2::TreeWalkResult::Abort;
                }
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(git_err)?;
        if let Some(e) = err {
            return Err(git_err(e));
        }
        Ok(out)
    }

    /// The bytes of one file (ledger-relative) at `commit`, if it is a regular file there.
    pub fn file_at(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>> {
        file_at(&self.repo, &self.prefix, commit, path)
    }

    /// The commits reachable from HEAD and not from `since`: a pull request's own commits when
    /// `since` is its merge base. Parents before their children (oldest first, by commit time
    /// where the graph leaves the order open); empty for a repository without commits.
    pub fn commits_since(&self, since: &str) -> Result<Vec<String>> {
        let Some(head) = self.head()? else {
            return Ok(Vec::new());
        };
        // Parents before their children, as `check --base` judges the moves in order.
        Ok(
            walk::topo_order(&self.repo, oid(&head)?, Some(oid(since)?))?
                .into_iter()
                .map(|(id, _)| id.to_string())
                .collect(),
        )
    }

    /// The files under `dir` (ledger-relative, e.g. `sql`) that differ between `commit` and the
    /// work tree, committed or not (untracked files count, ignored ones do not), with renames
    /// detected. Paths are ledger-relative, sorted; `blob` is the new content's id when git
    /// knows it (a file only in the work tree may have none).
    pub fn changed_since(&self, commit: &str, dir: &str) -> Result<Vec<FileChange>> {
        let tree = commit_tree(&self.repo, commit)?;
        let mut opts = git2::DiffOptions::new();
        opts.pathspec(format!("{}{dir}/", self.prefix))
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .skip_binary_check(true);
        let mut d = self
            .repo
            .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
            .map_err(git_err)?;
        let mut find = git2::DiffFindOptions::new();
        find.renames(true).for_untracked(true);
        d.find_similar(Some(&mut find)).map_err(git_err)?;
        let rel = |f: &git2::DiffFile| {
            f.path().map(|p| {
                let p = p.to_string_lossy().replace('\\', "/");
                p.strip_prefix(self.prefix.as_str())
                    .unwrap_or(&p)
                    .to_owned()
            })
        };
        let is_file =
            |m: git2::FileMode| matches!(m, git2::FileMode::Blob | git2::FileMode::BlobExecutable);
        let mut out = Vec::new();
        for delta in d.deltas() {
            let (nf, of) = (delta.new_file(), delta.old_file());
            let kind = match delta.status() {
                git2::Delta::Added | git2::Delta::Untracked | git2::Delta::Copied => {
                    ChangeKind::Added
                }
                git2::Delta::Deleted => ChangeKind::Deleted,
                git2::Delta::Renamed => ChangeKind::Renamed,
                git2::Delta::Modified | git2::Delta::Typechange => ChangeKind::Modified,
                _ => continue,
            };
            let (side, mode) = if kind == ChangeKind::Deleted {
                (&of, of.mode())
            } else {
                (&nf, nf.mode())
            };
            if !is_file(mode) {
                continue;
            }
            let Some(path) = rel(side) else { continue };
            out.push(FileChange {
                kind,
                path,
                old_path: (kind == ChangeKind::Renamed).then(|| rel(&of)).flatten(),
                blob: (kind != ChangeKind::Deleted && !nf.id().is_zero())
                    .then(|| nf.id().to_string()),
                old_blob: (kind != ChangeKind::Added && !of.id().is_zero())
                    .then(|| of.id().to_string()),
                other_blobs: Vec::new(),
            });
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// Where blobs can be read from by any thread (a `Repository` is not `Sync`).
    pub fn blob_source(&self) -> BlobSource {
        BlobSource {
            path: self.repo.path().to_path_buf(),
            prefix: self.prefix.clone(),
        }
    }

    /// Every commit reachable from HEAD (and not from `since`), parents before children, with
    /// its changes under `dir` (ledger-relative). Empty for a repository without commits.
    pub fn changes(
        &self,
        dir: &str,
        walker: Walker,
        since: Option<&str>,
    ) -> Result<Vec<CommitChanges>> {
        self.changes_with(dir, walker, since, &mut |_| {})
    }

    /// [`Repo::changes`], handing each commit to `sink` as soon as it is known.
    pub fn changes_with(
        &self,
        dir: &str,
        walker: Walker,
        since: Option<&str>,
        sink: &mut dyn FnMut(&CommitChanges),
    ) -> Result<Vec<CommitChanges>> {
        if self.head()?.is_none() {
            return Ok(Vec::new());
        }
        let use_binary = match walker {
            Walker::Libgit2 => false,
            Walker::GitBinary => true,
            Walker::Auto => log::git_available(),
        };
        if use_binary {
            log::changes(&self.repo, self.workdir()?, &self.prefix, dir, since, sink)
        } else {
            walk::changes(&self.repo, &self.prefix, dir, since, sink)
        }
    }

    /// Files under `dir` (ledger-relative) whose work-tree state differs from HEAD: modified,
    /// new (untracked, not ignored) or deleted. Sorted.
    pub fn dirty_files(&self, dir: &str) -> Result<Vec<String>> {
        let tree = match self.head()? {
            Some(h) => Some(commit_tree(&self.repo, &h)?),
            None => None,
        };
        status::dirty_files(&self.repo, tree.as_ref(), &self.prefix, dir)
    }

    /// The repository's mailmap, as git reads it: `.mailmap` in the work tree, the files and
    /// blobs of the `mailmap.file` and `mailmap.blob` settings (`HEAD:.mailmap` in a bare
    /// repository).
    pub fn mailmap(&self) -> Result<Mailmap> {
        self.repo.mailmap().map(Mailmap::new).map_err(git_err)
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

fn oid(hex: &str) -> Result<git2::Oid> {
    git2::Oid::from_str(hex).map_err(git_err)
}

/// Makes `dir` a git repository on branch `main` (if it is not in one yet) and commits every
/// file in it. Returns false when `dir` already was inside a repository (nothing is committed
/// then).
pub fn init_and_commit(dir: &Path, message: &str) -> Result<bool> {
    if git2::Repository::discover(dir).is_ok() {
        return Ok(false);
    }
    // On `main`, whatever libgit2's or the user's default: the workflows `init` writes publish
    // from it.
    let repo =
        git2::Repository::init_opts(dir, git2::RepositoryInitOptions::new().initial_head("main"))
            .map_err(git_err)?;
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
