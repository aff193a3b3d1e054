//! The history of every content file, read from git in one pass: who changed which field, when,
//! and in which landing commit. Mining is in [`mine`], the on-disk cache in [`cache`], the
//! facts derived from timelines (status transitions, time per stage) in [`facts`]. Nothing here
//! prints or reads the clock.

pub mod cache;
mod commits;
pub mod facts;
mod fields;
pub mod mine;

pub use fields::{Fields, diff as diff_fields, flatten};
pub use mine::{MineOptions, mine};

use crate::git::ChangeKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One field that changed between two versions of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Dotted path: `status`, `tests.sit.result`, `steps`.
    pub field: String,
    pub from: serde_json::Value,
    pub to: serde_json::Value,
}

impl std::hash::Hash for FieldChange {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.field.hash(h);
        hash_json(&self.from, h);
        hash_json(&self.to, h);
    }
}

/// Hashes a JSON value (which has no `Hash` of its own), its variant included.
fn hash_json<H: std::hash::Hasher>(v: &serde_json::Value, h: &mut H) {
    use serde_json::Value;
    use std::hash::Hash;
    std::mem::discriminant(v).hash(h);
    match v {
        Value::Null => {}
        Value::Bool(b) => b.hash(h),
        Value::Number(n) => n.hash(h),
        Value::String(s) => s.hash(h),
        Value::Array(a) => {
            a.len().hash(h);
            a.iter().for_each(|x| hash_json(x, h));
        }
        Value::Object(o) => {
            o.len().hash(h);
            for (k, x) in o {
                k.hash(h);
                hash_json(x, h);
            }
        }
    }
}

/// One change to one file: a commit that touched it, or the uncommitted work tree.
#[derive(Debug, Clone, PartialEq, Hash, Serialize, Deserialize)]
pub struct Step {
    /// Full hash; empty for the working-tree step.
    pub commit: String,
    pub author: String,
    pub email: String,
    /// Author time (when the change was written), RFC 3339 with the author's offset.
    pub time: String,
    pub message: String,
    /// The commit on HEAD's first-parent line that brought this change in (the merge of its
    /// pull request; the commit itself when it is on that line).
    pub landed_commit: String,
    /// When the change landed: the committer time of `landed_commit` (for a squash or a rebase
    /// that is later than the author time), RFC 3339 with the committer's offset.
    pub landed_time: String,
    pub changes: Vec<FieldChange>,
    pub body_changed: bool,
    /// The file's path at this commit.
    pub path: String,
    pub kind: ChangeKind,
    /// Set when this version of the file could not be parsed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// True for the step that stands for uncommitted edits.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub working_tree: bool,
}

/// The steps of one file, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Hash, Serialize, Deserialize)]
pub struct Timeline {
    /// The file's latest path (at HEAD, or where it was deleted).
    pub path: String,
    pub deleted: bool,
    pub steps: Vec<Step>,
}

/// The mined history of a ledger repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// HEAD when mined; `None` for a folder without git history.
    pub head: Option<String>,
    /// The repository is a shallow clone: the oldest steps are missing.
    pub partial: bool,
    /// Timelines by the file's latest path.
    pub files: BTreeMap<String, Timeline>,
    /// Warnings about the history: commits that could not be read as written (W0606).
    #[serde(skip)]
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// For the user: what was wrong with the cache (it was rebuilt). Not part of the history.
    #[serde(skip)]
    pub cache_warnings: Vec<String>,
}

impl History {
    /// The timeline of the file now at `path`.
    pub fn of(&self, path: &str) -> Option<&Timeline> {
        self.files.get(path)
    }
}

/// An RFC 3339 time with offset from seconds and minutes east of UTC; the epoch for a time
/// that cannot be shown (the walkers have already replaced those by the epoch and said so).
pub fn rfc3339(secs: i64, offset_minutes: i32) -> String {
    crate::git::rfc3339(secs, offset_minutes)
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_keep_their_offset() {
        assert_eq!(
            super::rfc3339(1_551_405_600, 480),
            "2019-03-01T10:00:00+08:00"
        );
        assert_eq!(super::rfc3339(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(
            super::rfc3339(253_402_300_800, 0),
            "1970-01-01T00:00:00+00:00",
            "out of range"
        );
    }
}
