//! Which files of the work tree differ from HEAD, as `git status` tells: HEAD's tree against
//! the index, the index against the work tree (untracked files count, ignored ones do not).
//! HEAD's tree is given, read without parsing its commit (libgit2 refuses an odd author).

use super::git_err;
use crate::error::Result;

/// The paths under `dir` of the ledger at `prefix` in the repository that differ, ledger-relative,
/// sorted.
pub(super) fn dirty_files(
    repo: &git2::Repository,
    tree: Option<&git2::Tree>,
    prefix: &str,
    dir: &str,
) -> Result<Vec<String>> {
    let pathspec = format!("{prefix}{dir}");
    let mut staged = git2::DiffOptions::new();
    staged.pathspec(&pathspec);
    let mut unstaged = git2::DiffOptions::new();
    unstaged
        .pathspec(&pathspec)
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    let diffs = [
        repo.diff_tree_to_index(tree, None, Some(&mut staged)),
        repo.diff_index_to_workdir(None, Some(&mut unstaged)),
    ];
    let mut out = Vec::new();
    for d in diffs {
        for delta in d.map_err(git_err)?.deltas() {
            use git2::Delta::*;
            if !matches!(
                delta.status(),
                Added | Deleted | Modified | Renamed | Untracked
            ) {
                continue;
            }
            for f in [delta.old_file(), delta.new_file()] {
                if let Some(p) = f.path().and_then(|p| p.to_str()) {
                    let p = p.replace('\\', "/");
                    out.push(p.strip_prefix(prefix).unwrap_or(&p).to_owned());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}
