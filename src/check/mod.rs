//! Rules across documents that one commit can show (SPEC 2.2–2.5): references, dates, launch
//! plans and the status workflow. Reads no files itself: the caller says which paths exist.

mod body;
mod plan;
mod refs;
mod workflow;

pub use plan::step_order;

use crate::config::Config;
use crate::diag::{self, Code, Diagnostic, Pos};
use crate::model::Ledger;

/// What a repository-relative path from content names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathState {
    /// A regular file inside the repository.
    File,
    Missing,
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

/// Checks one repository-relative path written in content: lexically contained, then present.
fn check_path(
    path: &str,
    files: &dyn RepoFiles,
    file: &str,
    pos: Pos,
    field: &str,
    out: &mut Vec<Diagnostic>,
) {
    let lexically_bad = path.starts_with('/')
        || path.contains('\\')
        || path.contains(':')
        || path
            .split('/')
            .any(|c| c == ".." || c == "." || c.is_empty());
    let problem = if lexically_bad {
        Some((
            "is not a plain path inside the repository",
            "write it relative to the repository root without `..`, e.g. sql/0020_add_table.sql",
        ))
    } else {
        match files.state(path) {
            PathState::File => None,
            PathState::Missing => Some((
                "does not exist",
                "add the file, or fix the path (relative to the repository root)",
            )),
            PathState::Outside => Some((
                "leads outside the repository",
                "keep referenced files inside the repository; symbolic links out of it are not followed",
            )),
        }
    };
    if let Some((what, help)) = problem {
        out.push(
            Diagnostic::new(
                Code::BadPath,
                file,
                pos,
                format!("`{field}` path `{path}` {what}"),
            )
            .with_help(help),
        );
    }
}
