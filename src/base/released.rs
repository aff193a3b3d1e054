//! Rule E0603 (`ReleasedEdited`) of `check --base`: an entry or release that was released at the
//! merge base is not edited unless it was rolled back on the way, nor deleted (which would take
//! it out of what went live; reported at the top of the deleted file). Must not judge status
//! moves (E0601's job), nor read git (the ledgers and moves come in [`Versions`]).

use super::{Versions, fields_of, show};
use crate::diag::{Code, Diagnostic, Pos};
use crate::history::{FieldChange, diff_fields};
use crate::model::{Doc, Keyword, ReleaseStatus, Status};
use serde_json::Value;

/// Fields of entries and releases that were `released` at the merge base and changed since,
/// unless the document was rolled back on the way.
pub(super) fn released_edits(v: &Versions, out: &mut Vec<Diagnostic>) {
    let rolled_back = |path: &str| {
        v.moves
            .iter()
            .any(|m| m.path == path && m.to == Status::RolledBack.as_str())
    };
    for b in v
        .merge_base
        .entries
        .iter()
        .filter(|b| b.status == Status::Released)
    {
        let Some(h) = v.head.entry(b.id) else {
            if !v.head.broken.entries.contains(&b.id) {
                let release = b.release.as_deref().map(|r| format!(" (in release {r})"));
                out.push(released_deleted(
                    "entry",
                    &b.id.to_string(),
                    &b.doc,
                    &release.unwrap_or_default(),
                    "restore the file; an entry no longer followed is closed (`status: closed`), not deleted",
                ));
            }
            continue;
        };
        if h.status == Status::RolledBack || rolled_back(&h.doc.path) {
            continue;
        }
        // A status move away from `released` is the workflow rule's to judge.
        for c in diff_fields(Some(&fields_of(b)), &fields_of(h)) {
            if c.field != "status" {
                out.push(released_edit("entry", &b.id.to_string(), &h.doc, &c));
            }
        }
    }
    for b in v
        .merge_base
        .releases
        .iter()
        .filter(|b| b.status == ReleaseStatus::Released)
    {
        let Some(h) = v.head.release(&b.id) else {
            if !v.head.broken.releases.contains(&b.id) {
                out.push(released_deleted(
                    "release",
                    &b.id,
                    &b.doc,
                    "",
                    "restore the file",
                ));
            }
            continue;
        };
        if h.status == ReleaseStatus::RolledBack || rolled_back(&h.doc.path) {
            continue;
        }
        for c in diff_fields(Some(&fields_of(b)), &fields_of(h)) {
            out.push(released_edit("release", &b.id, &h.doc, &c));
        }
    }
}

fn released_edit(kind: &str, id: &str, doc: &Doc, c: &FieldChange) -> Diagnostic {
    Diagnostic::new(
        Code::ReleasedEdited,
        &doc.path,
        field_pos(doc, &c.field),
        format!(
            "{kind} {id} is released, but `{}` changed from {} to {} without a rollback",
            c.field,
            quoted(&c.from),
            quoted(&c.to)
        ),
    )
    .with_help(format!(
        "a released {kind} records what went live: undo this edit, or roll the {kind} back first (`status: rolled-back`)"
    ))
}

/// A document released at the merge base whose file is gone, located at the top of the file
/// as it was there.
fn released_deleted(kind: &str, id: &str, base: &Doc, what: &str, fix: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ReleasedEdited,
        &base.path,
        Pos::START,
        format!("{kind} {id} is released, but its file was deleted"),
    )
    .with_help(format!(
        "a released {kind}{what} records what went live: {fix}"
    ))
}

/// Where `field` (dotted) is written in `doc`: the field, else its closest written parent,
/// else the `status` line (a field that was removed).
fn field_pos(doc: &Doc, field: &str) -> Pos {
    let mut f = field;
    loop {
        if let Some(p) = doc.locs.get(f) {
            return p;
        }
        match f.rsplit_once('.') {
            Some((parent, _)) => f = parent,
            None => return doc.locs.of("status"),
        }
    }
}

fn quoted(v: &Value) -> String {
    match show(v) {
        s if s == "∅" => s,
        s => format!("`{s}`"),
    }
}
