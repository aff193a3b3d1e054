//! The content documents git ignores (`.gitignore`, `.git/info/exclude`): never read, so a
//! local note or key kept beside the ledger cannot reach the site; each is reported (W0007).
//! An untracked document that is not ignored is read: a new entry is previewed before its
//! first commit.

use super::Found;
use crate::diag::{Code, Diagnostic, Pos};
use crate::error::Result;
use std::path::Path;

/// Takes the documents git ignores out of `found`, with a W0007 for each. A ledger folder that
/// is not in a git repository has no ignore rules: everything stays.
pub(super) fn drop_ignored(
    root: &Path,
    found: &mut Vec<Found>,
    diags: &mut Vec<Diagnostic>,
) -> Result<()> {
    let Some(repo) = crate::git::Repo::open(root)? else {
        return Ok(());
    };
    let ignored = repo.ignored_among(found.iter().map(|f| f.rel.as_str()))?;
    if ignored.is_empty() {
        return Ok(());
    }
    found.retain(|f| !ignored.contains(&f.rel));
    diags.extend(ignored.iter().map(|rel| diagnostic(rel)));
    Ok(())
}

/// W0007 for a document git ignores.
fn diagnostic(rel: &str) -> Diagnostic {
    Diagnostic::new(
        Code::StrayFile,
        rel,
        Pos::START,
        "git ignores this file, so it is not read and nothing of it is published",
    )
    .with_help(
        "to publish it, commit it (`git add -f`) or take it out of the ignore rules \
         (`git check-ignore -v <file>` names the rule); otherwise keep it outside content/",
    )
}
