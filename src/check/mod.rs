//! Rules across documents that one commit can show (SPEC 2.2–2.5): references, dates, launch
//! plans and the status workflow. Reads no files itself: the caller says which paths exist.

mod body;
mod plan;
mod refs;
mod workflow;

pub use refs::SQL;

use crate::config::Config;
use crate::diag::{self, Code, Diagnostic, Pos};
use crate::model::Ledger;

/// What a repository-relative path from content names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathState {
    /// A regular file inside the repository that git tracks (in HEAD or the index), reached
    /// without a symbolic link.
    File,
    Missing,
    /// A file git does not track: untracked or ignored (`.env`, local keys).
    Untracked,
    /// A symbolic link, or a path through one, that stays inside the repository.
    Link,
    /// Resolves outside the repository (through a symbolic link).
    Outside,
}

/// Answers whether a path exists in the repository being checked (work tree or a commit).
pub trait RepoFiles: Sync {
    fn state(&self, path: &str) -> PathState;
}

/// Runs every rule; diagnostics come back sorted.
pub fn check(config: &Config, ledger: &Ledger, files: &dyn RepoFiles) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    refs::check(config, ledger, files, &mut out);
    body::check(ledger, &mut out);
    plan::check(ledger, &mut out);
    workflow::check(ledger, &mut out);
    diag::sort(&mut out);
    out
}

/// Why `path`, written in content, may not be used, as (what is wrong, how to fix it); `None`
/// when it names a file git tracks under the folder `under` (`sql/`), outside every dot-folder.
/// The one rule for every path from content: `check` reports it (E0205) and the site reads a
/// file's text only when it holds.
pub fn path_problem(
    path: &str,
    under: &str,
    files: &dyn RepoFiles,
) -> Option<(String, &'static str)> {
    let lexically_bad = path.starts_with('/')
        || path.contains('\\')
        || path.contains(':')
        || path
            .split('/')
            .any(|c| c == ".." || c == "." || c.is_empty());
    if lexically_bad {
        return Some((
            "is not a plain path inside the repository".into(),
            "write it relative to the repository root without `..`, e.g. sql/0020_add_table.sql",
        ));
    }
    // `.git` holds the remote's URL with its token and CI's `http.extraheader`; other
    // dot-folders and dotfiles (`.env`, `.ssh/`) are local by convention.
    if path.split('/').any(|c| c.starts_with('.')) {
        return Some((
            "names a hidden file or folder (its name starts with `.`)".into(),
            "files in .git and in other dot-folders are never published; name a file the repository tracks",
        ));
    }
    if !path.starts_with(under) {
        return Some((
            format!("is not under {under}"),
            "keep the files content names in their folder, e.g. sql/0020_add_table.sql",
        ));
    }
    let problem = match files.state(path) {
        PathState::File => return None,
        PathState::Missing => (
            "does not exist",
            "add the file, or fix the path (relative to the repository root)",
        ),
        PathState::Untracked => (
            "is not tracked by git",
            "commit the file (or `git add` it); untracked and ignored files never reach the site",
        ),
        PathState::Link => (
            "is a symbolic link or goes through one",
            "name the file itself; symbolic links are not followed",
        ),
        PathState::Outside => (
            "leads outside the repository",
            "keep referenced files inside the repository; symbolic links out of it are not followed",
        ),
    };
    Some((problem.0.into(), problem.1))
}

/// Checks one repository-relative path written in content against [`path_problem`].
fn check_path(
    path: &str,
    under: &str,
    files: &dyn RepoFiles,
    at: (&str, Pos),
    field: &str,
    out: &mut Vec<Diagnostic>,
) {
    if let Some((what, help)) = path_problem(path, under, files) {
        out.push(
            Diagnostic::new(
                Code::BadPath,
                at.0,
                at.1,
                format!("`{field}` path `{path}` {what}"),
            )
            .with_help(help),
        );
    }
}
