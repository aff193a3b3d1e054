//! The history from libgit2 alone: a topological walk from HEAD, each commit's watched subtree
//! compared with its parents' (skipped when the subtree id is unchanged), renames detected only
//! where a commit both adds and deletes.

use super::{ChangeKind, Commit, CommitChanges, FileChange, git_err};
use crate::error::Result;
use git2::{Delta, DiffOptions, Oid, Repository, Sort, Tree};
use std::path::Path;

pub(super) fn changes(
    repo: &Repository,
    prefix: &str,
    dir: &str,
    since: Option<&str>,
    sink: &mut dyn FnMut(&CommitChanges),
) -> Result<Vec<CommitChanges>> {
    let full = format!("{prefix}{dir}");
    let mut walk = repo.revwalk().map_err(git_err)?;
    walk.push_head().map_err(git_err)?;
    if let Some(s) = since {
        walk.hide(super::oid(s)?).map_err(git_err)?;
    }
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
        .map_err(git_err)?;
    let subtree = |c: &git2::Commit| -> Option<Oid> {
        c.tree()
            .ok()?
            .get_path(Path::new(&full))
            .ok()
            .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
            .map(|e| e.id())
    };
    let mut out = Vec::new();
    for id in walk {
        let c = repo.find_commit(id.map_err(git_err)?).map_err(git_err)?;
        let sig = c.author();
        let committed = c.committer().when();
        let commit = Commit {
            id: c.id().to_string(),
            parents: c.parent_ids().map(|p| p.to_string()).collect(),
            author: String::from_utf8_lossy(sig.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(sig.email_bytes()).into_owned(),
            time: sig.when().seconds(),
            offset_minutes: sig.when().offset_minutes(),
            commit_time: committed.seconds(),
            commit_offset_minutes: committed.offset_minutes(),
            message: String::from_utf8_lossy(c.message_bytes())
                .trim_end()
                .to_owned(),
        };
        let new = subtree(&c);
        let parents: Vec<git2::Commit> = c.parents().collect();
        let mut changes = Vec::new();
        let first = parents.first().and_then(&subtree);
        if parents.is_empty() || first != new {
            changes = diff(repo, first, new, dir)?;
            for p in parents.iter().skip(1) {
                let other = subtree(p);
                if other == new {
                    changes.clear();
                    break;
                }
                let other_tree = other.and_then(|o| repo.find_tree(o).ok());
                // A merge changed a file only where it differs from every parent.
                changes.retain(|fc| blob_in(other_tree.as_ref(), &fc.path, dir) != fc.blob);
                // Compared with the first parent that has the file (as `git log` does); the
                // file in the other parents is kept to tell the merge's own changes.
                for fc in changes.iter_mut() {
                    let theirs = blob_in(other_tree.as_ref(), &fc.path, dir);
                    if fc.old_blob.is_none() {
                        fc.old_blob = theirs;
                        if fc.old_blob.is_some() && fc.kind == ChangeKind::Added {
                            fc.kind = ChangeKind::Modified;
                        }
                    } else {
                        fc.other_blobs.extend(theirs);
                    }
                }
            }
        }
        let cc = CommitChanges { commit, changes };
        sink(&cc);
        out.push(cc);
    }
    Ok(out)
}

fn blob_in(tree: Option<&Tree>, path: &str, dir: &str) -> Option<String> {
    let rel = path.strip_prefix(dir)?.trim_start_matches('/');
    tree?
        .get_path(Path::new(rel))
        .ok()
        .map(|e| e.id().to_string())
}

fn diff(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
    dir: &str,
) -> Result<Vec<FileChange>> {
    let old = old
        .map(|o| repo.find_tree(o))
        .transpose()
        .map_err(git_err)?;
    let new = new
        .map(|o| repo.find_tree(o))
        .transpose()
        .map_err(git_err)?;
    let mut opts = DiffOptions::new();
    opts.skip_binary_check(true);
    let mut d = repo
        .diff_tree_to_tree(old.as_ref(), new.as_ref(), Some(&mut opts))
        .map_err(git_err)?;
    let (mut adds, mut dels) = (false, false);
    for delta in d.deltas() {
        adds |= delta.status() == Delta::Added;
        dels |= delta.status() == Delta::Deleted;
    }
    if adds && dels {
        let mut find = git2::DiffFindOptions::new();
        find.renames(true);
        d.find_similar(Some(&mut find)).map_err(git_err)?;
    }
    let path_of = |f: &git2::DiffFile| {
        f.path()
            .map(|p| format!("{dir}/{}", p.to_string_lossy().replace('\\', "/")))
    };
    let mut out = Vec::new();
    for delta in d.deltas() {
        let (nf, of) = (delta.new_file(), delta.old_file());
        let kind = match delta.status() {
            Delta::Added | Delta::Copied => ChangeKind::Added,
            Delta::Deleted => ChangeKind::Deleted,
            Delta::Renamed => ChangeKind::Renamed,
            Delta::Modified | Delta::Typechange => ChangeKind::Modified,
            _ => continue,
        };
        let is_file =
            |m: git2::FileMode| matches!(m, git2::FileMode::Blob | git2::FileMode::BlobExecutable);
        if kind == ChangeKind::Deleted {
            if !is_file(of.mode()) {
                continue;
            }
            out.push(FileChange {
                kind,
                path: path_of(&of).unwrap_or_default(),
                old_path: None,
                blob: None,
                old_blob: Some(of.id().to_string()),
                other_blobs: Vec::new(),
            });
            continue;
        }
        if !is_file(nf.mode()) {
            continue;
        }
        out.push(FileChange {
            kind,
            path: path_of(&nf).unwrap_or_default(),
            old_path: if kind == ChangeKind::Renamed {
                path_of(&of)
            } else {
                None
            },
            blob: Some(nf.id().to_string()),
            old_blob: (kind != ChangeKind::Added && !of.id().is_zero())
                .then(|| of.id().to_string()),
            other_blobs: Vec::new(),
        });
    }
    Ok(out)
}
