//! The history from libgit2 alone: a topological walk from HEAD, each commit's watched subtree
//! compared with its parents' (skipped when the subtree id is unchanged), renames detected only
//! where a commit both adds and deletes.

use super::object::RawCommit;
use super::{ChangeKind, Commit, CommitChanges, FileChange, git_err};
use crate::error::Result;
use git2::{Delta, DiffOptions, Oid, Repository, Tree};
use std::collections::{HashMap, HashSet};
use std::path::Path;

pub(super) fn changes(
    repo: &Repository,
    prefix: &str,
    dir: &str,
    since: Option<&str>,
    sink: &mut dyn FnMut(&CommitChanges),
) -> Result<Vec<CommitChanges>> {
    let full = format!("{prefix}{dir}");
    let head = repo
        .head()
        .map_err(git_err)?
        .resolve()
        .map_err(git_err)?
        .target()
        .ok_or_else(|| crate::error::Error::Git("HEAD points at no commit".into()))?;
    let since = since.map(super::oid).transpose()?;
    let order = topo_order(repo, head, since)?;
    let subtree = |tree: Option<&str>| -> Option<Oid> {
        repo.find_tree(Oid::from_str(tree?).ok()?)
            .ok()?
            .get_path(Path::new(&full))
            .ok()
            .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
            .map(|e| e.id())
    };
    let trees: HashMap<Oid, String> = order.iter().map(|(id, c)| (*id, c.tree.clone())).collect();
    let tree_of = |p: &str| -> Option<String> {
        let id = Oid::from_str(p).ok()?;
        match trees.get(&id) {
            Some(t) => Some(t.clone()),
            None => super::raw_commit(repo, id).ok().map(|c| c.tree),
        }
    };
    let mut out = Vec::new();
    for (id, raw) in order {
        let tree = raw.tree.clone();
        let commit = Commit::from_raw(id.to_string(), raw);
        let new = subtree(Some(&tree));
        let parents: Vec<Option<String>> = commit.parents.iter().map(|p| tree_of(p)).collect();
        let mut changes = Vec::new();
        let first = parents.first().and_then(|t| subtree(t.as_deref()));
        if parents.is_empty() || first != new {
            changes = diff(repo, first, new, dir)?;
            for p in parents.iter().skip(1) {
                let other = subtree(p.as_deref());
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

/// The commits reachable from `head` and not from `since`, parents first, read leniently from
/// their raw objects (libgit2's own walk refuses a commit whose committer it cannot parse). The
/// order is git's `--topo-order`, reversed: from the tip, a commit is shown once all its
/// children are, the parents it made ready last first. Grafts and replace refs are not
/// followed, as `git log` is run without them; a shallow clone's boundary has no parents.
pub(super) fn topo_order(
    repo: &Repository,
    head: Oid,
    since: Option<Oid>,
) -> Result<Vec<(Oid, RawCommit)>> {
    let shallow: HashSet<Oid> = std::fs::read_to_string(repo.path().join("shallow"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| Oid::from_str(l.trim()).ok())
        .collect();
    let read = |id: Oid| -> Result<RawCommit> {
        let mut c = super::raw_commit(repo, id)?;
        if shallow.contains(&id) {
            c.parents.clear();
        }
        Ok(c)
    };
    let parents = |c: &RawCommit| -> Vec<Oid> {
        c.parents
            .iter()
            .filter_map(|p| Oid::from_str(p).ok())
            .collect()
    };
    let mut hidden = HashSet::new();
    let mut todo: Vec<Oid> = since.into_iter().collect();
    while let Some(id) = todo.pop() {
        if hidden.insert(id) {
            todo.extend(parents(&read(id)?));
        }
    }
    let mut commits: HashMap<Oid, RawCommit> = HashMap::new();
    let mut todo = vec![head];
    while let Some(id) = todo.pop() {
        if hidden.contains(&id) || commits.contains_key(&id) {
            continue;
        }
        let c = read(id)?;
        todo.extend(parents(&c));
        commits.insert(id, c);
    }
    let mut children: HashMap<Oid, usize> = commits.keys().map(|k| (*k, 0)).collect();
    for c in commits.values() {
        for p in parents(c) {
            if let Some(n) = children.get_mut(&p) {
                *n += 1;
            }
        }
    }
    let mut stack: Vec<Oid> = commits
        .contains_key(&head)
        .then_some(head)
        .into_iter()
        .collect();
    let mut order = Vec::with_capacity(commits.len());
    while let Some(id) = stack.pop() {
        let Some(c) = commits.remove(&id) else {
            continue;
        };
        for p in parents(&c) {
            if let Some(n) = children.get_mut(&p) {
                *n -= 1;
                if *n == 0 {
                    stack.push(p);
                }
            }
        }
        order.push((id, c));
    }
    order.reverse();
    Ok(order)
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
