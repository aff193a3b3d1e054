//! The diff data: what a change from the merge base to HEAD does to the ledger ([`diff()`]),
//! as [`LedgerDiff`] sections (status moves, added, removed, renamed, field changes, release
//! membership, SQL scripts). Must not render (`render` does) nor judge (the rules do).

use super::{Move, fields_of, show};
use crate::git::{ChangeKind, FileChange};
use crate::history::{FieldChange, Fields, diff_fields};
use crate::model::{Doc, Ledger};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A document named in a diff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocRef {
    /// `entry`, `requirement`, `release` or `runbook`.
    pub kind: &'static str,
    /// A number for entries, text for the rest (a runbook's id is its slug).
    pub id: Value,
    pub title: String,
    pub path: String,
    /// The status it has (for a removed document: had); none for runbooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A status that changed, with the statuses passed through commit by commit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusMove {
    #[serde(flatten)]
    pub doc: DocRef,
    pub from: String,
    pub to: String,
    /// `from`, each status a commit of the range moved it to, `to`.
    pub through: Vec<String>,
}

/// A document whose file name changed (same kind and id).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Renamed {
    #[serde(flatten)]
    pub doc: DocRef,
    pub old_path: String,
}

/// The field changes of one document, `status` left out (see [`StatusMove`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edited {
    #[serde(flatten)]
    pub doc: DocRef,
    pub changes: Vec<FieldChange>,
    pub body_changed: bool,
}

/// A release (by id, which may be dangling) that gains or loses entries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseChange {
    pub release: String,
    /// The release's title, empty when no such release exists.
    pub title: String,
    pub gains: Vec<DocRef>,
    pub loses: Vec<DocRef>,
}

/// A file under `sql/` added, modified, renamed or deleted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SqlChange {
    /// `added`, `modified`, `renamed` or `deleted`.
    pub change: &'static str,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    /// Entries (`sql_scripts`) and releases (`data_migration.scripts`) that name it now.
    pub referenced_by: Vec<DocRef>,
}

/// What a change does to the ledger. Every list is in kind order (entries, requirements,
/// releases, runbooks), then by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LedgerDiff {
    pub status_moves: Vec<StatusMove>,
    pub added: Vec<DocRef>,
    pub removed: Vec<DocRef>,
    pub renamed: Vec<Renamed>,
    pub field_changes: Vec<Edited>,
    pub releases: Vec<ReleaseChange>,
    pub sql_scripts: Vec<SqlChange>,
}

/// How many items each section of a [`LedgerDiff`] has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub status_moves: usize,
    pub added: usize,
    pub removed: usize,
    pub renamed: usize,
    pub edited: usize,
    pub releases: usize,
    pub sql_scripts: usize,
}

impl LedgerDiff {
    pub fn counts(&self) -> Counts {
        Counts {
            status_moves: self.status_moves.len(),
            added: self.added.len(),
            removed: self.removed.len(),
            renamed: self.renamed.len(),
            edited: self.field_changes.len(),
            releases: self.releases.len(),
            sql_scripts: self.sql_scripts.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counts() == Counts::default()
    }
}

/// One document of either version, comparable by field.
struct View {
    doc: DocRef,
    fields: Fields,
    body: String,
}

/// Identity of a document across versions: kind order, entry number, id.
type Key = (u8, u32, String);

fn views(l: &Ledger) -> BTreeMap<Key, View> {
    let mut out = BTreeMap::new();
    let mut put = |key: Key, view: View| {
        out.entry(key).or_insert(view);
    };
    for e in &l.entries {
        put((0, e.id, String::new()), view(e, &e.doc, Value::from(e.id)));
    }
    for r in &l.requirements {
        put(
            (1, 0, r.id.clone()),
            view(r, &r.doc, Value::from(r.id.clone())),
        );
    }
    for r in &l.releases {
        put(
            (2, 0, r.id.clone()),
            view(r, &r.doc, Value::from(r.id.clone())),
        );
    }
    for r in &l.runbooks {
        put(
            (3, 0, r.slug.clone()),
            view(r, &r.doc, Value::from(r.slug.clone())),
        );
    }
    out
}

/// The parts of a model document a diff needs.
trait Document: Serialize {
    const KIND: &'static str;
    fn title(&self) -> &str;
    fn status(&self) -> Option<String>;
    fn body(&self) -> &str;
}

macro_rules! document {
    ($t:ident, $kind:literal $(, $status:ident)?) => {
        impl Document for crate::model::$t {
            const KIND: &'static str = $kind;
            fn title(&self) -> &str {
                &self.title
            }
            fn status(&self) -> Option<String> {
                None $(.or(Some(self.$status.to_string())))?
            }
            fn body(&self) -> &str {
                &self.body
            }
        }
    };
}

document!(Entry, "entry", status);
document!(Requirement, "requirement", status);
document!(Release, "release", status);
document!(Runbook, "runbook");

fn doc_ref<D: Document>(d: &D, doc: &Doc, id: Value) -> DocRef {
    DocRef {
        kind: D::KIND,
        id,
        title: d.title().to_owned(),
        path: doc.path.clone(),
        status: d.status(),
    }
}

fn view<D: Document>(d: &D, doc: &Doc, id: Value) -> View {
    View {
        doc: doc_ref(d, doc, id),
        fields: fields_of(d),
        body: d.body().to_owned(),
    }
}

/// What the change from `base` (the merge base) to `head` does; `moves` are the commits' status
/// moves (for the path each status took), `sql` the files changed under `sql/`.
pub fn diff(base: &Ledger, head: &Ledger, moves: &[Move], sql: &[FileChange]) -> LedgerDiff {
    let (old, new) = (views(base), views(head));
    let mut d = LedgerDiff::default();
    for (key, h) in &new {
        let Some(b) = old.get(key) else {
            d.added.push(h.doc.clone());
            continue;
        };
        if b.doc.path != h.doc.path {
            d.renamed.push(Renamed {
                doc: h.doc.clone(),
                old_path: b.doc.path.clone(),
            });
        }
        let (status, changes): (Vec<FieldChange>, Vec<FieldChange>) =
            diff_fields(Some(&b.fields), &h.fields)
                .into_iter()
                .partition(|c| c.field == "status");
        if let Some(c) = status.first() {
            let (from, to) = (show(&c.from), show(&c.to));
            let mut through = vec![from.clone()];
            for m in moves.iter().filter(|m| m.path == h.doc.path) {
                if through.last() != Some(&m.to) {
                    through.push(m.to.clone());
                }
            }
            if through.last() != Some(&to) {
                through.push(to.clone());
            }
            d.status_moves.push(StatusMove {
                doc: h.doc.clone(),
                from,
                to,
                through,
            });
        }
        let body_changed = b.body != h.body;
        if !changes.is_empty() || body_changed {
            d.field_changes.push(Edited {
                doc: h.doc.clone(),
                changes,
                body_changed,
            });
        }
    }
    d.removed = old
        .iter()
        .filter(|(k, _)| !new.contains_key(*k))
        .map(|(_, b)| b.doc.clone())
        .collect();
    d.releases = releases(base, head);
    d.sql_scripts = sql.iter().map(|f| sql_change(head, f)).collect::<Vec<_>>();
    d
}

fn entry_ref(e: &crate::model::Entry) -> DocRef {
    doc_ref(e, &e.doc, Value::from(e.id))
}

fn releases(base: &Ledger, head: &Ledger) -> Vec<ReleaseChange> {
    let mut by: BTreeMap<&str, (Vec<DocRef>, Vec<DocRef>)> = BTreeMap::new();
    for h in &head.entries {
        let before = base.entry(h.id).and_then(|b| b.release.as_deref());
        if let Some(r) = h.release.as_deref()
            && before != Some(r)
        {
            by.entry(r).or_default().0.push(entry_ref(h));
        }
    }
    for b in &base.entries {
        let now = head.entry(b.id);
        if let Some(r) = b.release.as_deref()
            && now.and_then(|h| h.release.as_deref()) != Some(r)
        {
            by.entry(r).or_default().1.push(entry_ref(now.unwrap_or(b)));
        }
    }
    by.into_iter()
        .map(|(id, (gains, loses))| ReleaseChange {
            release: id.to_owned(),
            title: head
                .release(id)
                .or_else(|| base.release(id))
                .map(|r| r.title.clone())
                .unwrap_or_default(),
            gains,
            loses,
        })
        .collect()
}

fn sql_change(head: &Ledger, f: &FileChange) -> SqlChange {
    let mut referenced_by: Vec<DocRef> = head
        .entries
        .iter()
        .filter(|e| e.sql_scripts.contains(&f.path))
        .map(entry_ref)
        .collect();
    referenced_by.extend(
        head.releases
            .iter()
            .filter(|r| r.data_migration.scripts.contains(&f.path))
            .map(|r| doc_ref(r, &r.doc, Value::from(r.id.clone()))),
    );
    SqlChange {
        change: match f.kind {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "modified",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Deleted => "deleted",
        },
        path: f.path.clone(),
        old_path: f.old_path.clone(),
        referenced_by,
    }
}
