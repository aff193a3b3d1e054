//! A change to the ledger judged and summarised: the ledger at the merge base of `--base REF`
//! against the ledger being checked (the work tree at HEAD), plus the status moves made by the
//! commits in between.
//!
//! - [`check`] — the rules only two versions can show (SPEC 2.5): every status move follows the
//!   workflow (a new entry starting at its beginning), no id added here is taken by a file added
//!   on REF meanwhile, and a released entry or release is neither edited without a rollback nor
//!   deleted.
//! - [`diff()`] — what the change does (moves, added, removed, renamed, field changes, release
//!   membership, SQL scripts), rendered by [`markdown`] for a pull-request comment or by
//!   [`json`] as a versioned document.
//!
//! Pure: the caller loads the ledgers and reads the moves and changed files from git.
//!
//! This file holds the inputs and [`check`]; each rule has its own file (`moves` E0601, `ids`
//! E0602, `released` E0603), the diff data its own (`diff`), and so does rendering (`render`).
//! [`track()`] reads the moves from the mined history.

mod diff;
mod ids;
mod moves;
mod released;
mod render;
#[cfg(test)]
mod tests;
mod track;

use crate::diag::{self, Diagnostic};
use crate::history::{Fields, flatten};
use crate::model::{Ledger, Status};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

pub use diff::{
    Counts, DocRef, Edited, LedgerDiff, ReleaseChange, Renamed, SqlChange, StatusMove, diff,
};
pub use render::{Compared, json, markdown};
pub use track::{Gone, Track, track};

/// One status change made by one commit between the merge base and HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The file's path at HEAD (renames followed).
    pub path: String,
    /// The entry's id in the version the commit made (none for other documents): an entry is
    /// followed by its id across deletions, re-adds and renames.
    pub entry: Option<u32>,
    /// The status before; `None` when the commit created the file.
    pub from: Option<String>,
    pub to: String,
    /// Full hash of the commit that made the move.
    pub commit: String,
    pub author: String,
}

/// The versions of the ledger that `check --base` compares.
#[derive(Debug, Clone, Copy)]
pub struct Versions<'a> {
    /// REF as the user wrote it (`main`, `origin/main`), for messages.
    pub base_ref: &'a str,
    /// The ledger at the merge base of REF and HEAD.
    pub merge_base: &'a Ledger,
    /// The ledger at REF, for ids taken there since the merge base.
    pub upstream: &'a Ledger,
    /// The ledger being checked.
    pub head: &'a Ledger,
    /// The status moves of the commits in merge-base..HEAD, in commit order.
    pub moves: &'a [Move],
    /// For each entry on hold at the merge base, the status it was put on hold from (`None`:
    /// added on hold), as [`Track::held`]; an entry not listed may leave on-hold for any stage.
    pub held: &'a BTreeMap<u32, Option<Status>>,
    /// For each id with no file at the merge base whose file was deleted before it, where it
    /// stood then, as [`Track::gone`]: a re-add goes on from there.
    pub gone: &'a BTreeMap<u32, Gone>,
}

/// Every problem of the change; sorted.
pub fn check(v: &Versions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    moves::status_moves(v, &mut out);
    ids::taken_ids(v, &mut out);
    released::released_edits(v, &mut out);
    diag::sort(&mut out);
    out
}

/// A commit hash shortened for people.
pub fn short(hash: &str) -> &str {
    &hash[..hash.len().min(7)]
}

fn fields_of<T: Serialize>(doc: &T) -> Fields {
    flatten(&serde_json::to_value(doc).unwrap_or(Value::Null))
}

/// A value for a message: `sit`, `∅` for nothing, lists joined by commas; at most 60 characters.
pub fn show(v: &Value) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            a.iter().map(show).collect::<Vec<_>>().join(", ")
        }
        v => v.to_string(),
    };
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        "∅".into()
    } else if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}
