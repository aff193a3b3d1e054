//! What the history says of the commits themselves, applied after the cache so it is never
//! stale: names and e-mails through the repository's `.mailmap`, and a warning for each commit
//! that could not be read as written.

use super::History;
use crate::diag::{Code, Diagnostic, Pos};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Names and e-mails as git shows them (`%aN`, `%aE`) through the repository's mailmap.
pub(super) fn apply_mailmap(map: &crate::git::Mailmap, history: &mut History) {
    for step in history.files.values_mut().flat_map(|t| t.steps.iter_mut()) {
        if !step.working_tree {
            (step.author, step.email) = map.resolve(&step.author, &step.email);
        }
    }
}

/// A W0606 warning for each commit of the history that could not be read as written.
pub(super) fn odd_warnings(odd: &BTreeMap<String, OddCommit>) -> Vec<Diagnostic> {
    odd.iter()
        .map(|(id, o)| {
            Diagnostic::new(
                Code::OddCommit,
                o.path.clone(),
                Pos::START,
                format!("commit {id}: {}", o.problem),
            )
            .with_help(format!(
                "the history shows what could be read of it, as `git log` does; \
                 `git cat-file -p {id}` shows the commit as written"
            ))
        })
        .collect()
}

/// A commit of the history that could not be read as written, and a file it changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OddCommit {
    pub path: String,
    pub problem: String,
}
