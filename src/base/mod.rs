//! A change to the ledger judged and summarised: the ledger at the merge base of `--base REF`
//! against the ledger being checked (the work tree at HEAD), plus the status moves made by the
//! commits in between.
//!
//! - [`check`] — the rules only two versions can show (SPEC 2.5): every status move follows the
//!   workflow, no id added here is taken by a file added on REF meanwhile, and a released entry
//!   or release is not edited without a rollback.
//! - [`diff`] — what the change does (moves, added, removed, renamed, field changes, release
//!   membership, SQL scripts), rendered by [`markdown`] for a pull-request comment or by
//!   [`json`] as a versioned document.
//!
//! Pure: the caller loads the ledgers and reads the moves and changed files from git.

use crate::diag::{self, Code, Diagnostic, Pos};
use crate::git::{ChangeKind, FileChange};
use crate::history::{FieldChange, Fields, diff_fields, flatten};
use crate::model::{Doc, Keyword, Ledger, ReleaseStatus, Status, is_allowed_move};
use crate::report::Summary;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// One status change made by one commit between the merge base and HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The file's path at HEAD (renames followed).
    pub path: String,
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
    /// The status moves of the commits in merge-base..HEAD, oldest first for each file.
    pub moves: &'a [Move],
}

/// Every problem of the change; sorted.
pub fn check(v: &Versions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    status_moves(v, &mut out);
    taken_ids(v, &mut out);
    released_edits(v, &mut out);
    diag::sort(&mut out);
    out
}

/// A commit hash shortened for people.
pub fn short(hash: &str) -> &str {
    &hash[..hash.len().min(7)]
}

/// Each entry's path from its status at the merge base, through each commit's move, to its
/// status now: every step must be allowed by the workflow.
fn status_moves(v: &Versions, out: &mut Vec<Diagnostic>) {
    for e in &v.head.entries {
        let mut prev = v.merge_base.entry(e.id).map(|b| (b.status, None::<&Move>));
        for m in v.moves.iter().filter(|m| m.path == e.doc.path) {
            let Some(to) = Status::parse(&m.to) else {
                continue;
            };
            if let Some(from) = m.from.as_deref().and_then(Status::parse)
                && !is_allowed_move(from, to)
            {
                let when = format!("in commit {} ({})", short(&m.commit), m.author);
                out.push(bad_move(e.id, &e.doc, from, to, &when));
            }
            prev = Some((to, Some(m)));
        }
        if let Some((from, last)) = prev
            && from != e.status
            && !is_allowed_move(from, e.status)
        {
            let when = match last {
                Some(m) => format!("after commit {}", short(&m.commit)),
                None => format!("since `{}`", v.base_ref),
            };
            out.push(bad_move(e.id, &e.doc, from, e.status, &when));
        }
    }
}

fn bad_move(id: u32, doc: &Doc, from: Status, to: Status, when: &str) -> Diagnostic {
    let skipped = skipped(from, to);
    let (what, help) = if skipped.is_empty() {
        let allowed: Vec<String> = Status::ALL
            .iter()
            .filter(|&&s| s != from && is_allowed_move(from, s))
            .map(|s| format!("`{s}`"))
            .collect();
        let mut help = format!(
            "from `{from}` an entry moves to {}",
            join_with(&allowed, "or")
        );
        if from == Status::Released {
            help.push_str("; a released entry is reopened by rolling it back first (`rolled-back`, then `developing`)");
        }
        ("which the workflow does not allow".to_owned(), help)
    } else {
        let names: Vec<String> = skipped.iter().map(|s| format!("`{s}`")).collect();
        let path: Vec<&str> = std::iter::once(from)
            .chain(skipped.iter().copied())
            .chain(std::iter::once(to))
            .map(|s| s.as_str())
            .collect();
        (
            format!("skipping {}", join_with(&names, "and")),
            format!(
                "move one stage at a time ({}), each after its test has passed",
                path.join(" → ")
            ),
        )
    };
    Diagnostic::new(
        Code::SkippedStage,
        &doc.path,
        doc.locs.of("status"),
        format!("entry {id} moved from `{from}` to `{to}` {when}, {what}"),
    )
    .with_help(help)
}

/// The stages of the forward line strictly between `from` and `to`, when `to` is further on.
fn skipped(from: Status, to: Status) -> Vec<Status> {
    match (from.rank(), to.rank()) {
        (Some(a), Some(b)) if b > a + 1 => Status::ALL
            .iter()
            .copied()
            .filter(|s| s.rank().is_some_and(|r| r > a && r < b))
            .collect(),
        _ => Vec::new(),
    }
}

/// `a`, `a or b`, `a, b or c`.
fn join_with(items: &[String], word: &str) -> String {
    match items {
        [] => "nowhere".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}

/// Entries and requirements added here whose id a file added on REF since the merge base also
/// took (with another file name, so git merges both and the id ends up used twice).
fn taken_ids(v: &Versions, out: &mut Vec<Diagnostic>) {
    let known: HashSet<u32> = v
        .merge_base
        .entries
        .iter()
        .map(|e| e.id)
        .chain(v.merge_base.broken.entries.iter().copied())
        .collect();
    let mut theirs: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for u in v.upstream.entries.iter().filter(|u| !known.contains(&u.id)) {
        theirs.entry(u.id).or_default().push(&u.doc.path);
    }
    let mut next = [v.merge_base, v.upstream, v.head]
        .iter()
        .flat_map(|l| l.entries.iter().map(|e| e.id))
        .max()
        .unwrap_or(0)
        + 1;
    for e in v.head.entries.iter().filter(|e| !known.contains(&e.id)) {
        for &other in theirs.get(&e.id).into_iter().flatten() {
            if other == e.doc.path {
                continue;
            }
            let slug = file_name(&e.doc.path).trim_start_matches(|c: char| c.is_ascii_digit());
            out.push(
                Diagnostic::new(
                    Code::IdTakenOnBase,
                    &e.doc.path,
                    e.doc.locs.of("id"),
                    format!(
                        "entry id {} is also taken by `{other}`, added on `{}` since this branch started",
                        e.id, v.base_ref
                    ),
                )
                .with_help(format!(
                    "take a free id such as {next}: rename the file to `{next:04}{slug}` and set `id: {next}` (`opsledger new entry` picks a free id)"
                )),
            );
            next += 1;
        }
    }
    let known: HashSet<&str> = v
        .merge_base
        .requirements
        .iter()
        .map(|r| r.id.as_str())
        .chain(v.merge_base.broken.requirements.iter().map(String::as_str))
        .collect();
    let mut theirs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for u in v
        .upstream
        .requirements
        .iter()
        .filter(|u| !known.contains(u.id.as_str()))
    {
        theirs.entry(&u.id).or_default().push(&u.doc.path);
    }
    let number = |id: &str| id.strip_prefix("REQ-").and_then(|n| n.parse::<u32>().ok());
    let mut next = [v.merge_base, v.upstream, v.head]
        .iter()
        .flat_map(|l| l.requirements.iter().filter_map(|r| number(&r.id)))
        .max()
        .unwrap_or(0)
        + 1;
    for r in v
        .head
        .requirements
        .iter()
        .filter(|r| !known.contains(r.id.as_str()))
    {
        for &other in theirs.get(r.id.as_str()).into_iter().flatten() {
            if other == r.doc.path {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::IdTakenOnBase,
                    &r.doc.path,
                    r.doc.locs.of("id"),
                    format!(
                        "requirement id {} is also taken by `{other}`, added on `{}` since this branch started",
                        r.id, v.base_ref
                    ),
                )
                .with_help(format!(
                    "take a free id such as REQ-{next:04}: rename the file and set `id: REQ-{next:04}` (`opsledger new requirement` picks a free id)"
                )),
            );
            next += 1;
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Fields of entries and releases that were `released` at the merge base and changed since,
/// unless the document was rolled back on the way.
fn released_edits(v: &Versions, out: &mut Vec<Diagnostic>) {
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

fn quoted(v: &Value) -> String {
    match show(v) {
        s if s == "∅" => s,
        s => format!("`{s}`"),
    }
}

// ---------------------------------------------------------------------------------------------
// diff

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

// ---------------------------------------------------------------------------------------------
// rendering

/// Which commits a diff compares.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// REF as given.
    #[serde(rename = "ref")]
    pub base_ref: String,
    /// REF's commit (full hash).
    pub base_commit: String,
    pub merge_base: String,
    /// HEAD's commit; the ledger compared is its work tree.
    pub head_commit: String,
}

/// The diff as a documented JSON document:
///
/// ```text
/// {"schema_version": 1,
///  "compared": {"ref", "base_commit", "merge_base", "head_commit"},
///  "summary": {"status_moves", "added", "removed", "renamed", "edited", "releases", "sql_scripts"},
///  "status_moves": [{"kind", "id", "title", "path", "status", "from", "to", "through"}],
///  "added" / "removed": [{"kind", "id", "title", "path", "status"}],
///  "renamed": [{..., "old_path"}],
///  "field_changes": [{..., "changes": [{"field", "from", "to"}], "body_changed"}],
///  "releases": [{"release", "title", "gains": [..], "loses": [..]}],
///  "sql_scripts": [{"change", "path", "old_path"?, "referenced_by": [..]}],
///  "check": {"summary": {"errors", "warnings"}, "diagnostics": [...as in check --format json]}}
/// ```
pub fn json(d: &LedgerDiff, compared: &Compared, diags: &[Diagnostic]) -> String {
    let doc = serde_json::json!({
        "schema_version": 1,
        "compared": compared,
        "summary": d.counts(),
        "status_moves": d.status_moves,
        "added": d.added,
        "removed": d.removed,
        "renamed": d.renamed,
        "field_changes": d.field_changes,
        "releases": d.releases,
        "sql_scripts": d.sql_scripts,
        "check": {"summary": Summary::of(diags), "diagnostics": diags},
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// At most this many problems are listed in the Markdown; the rest are counted.
const MAX_LISTED: usize = 30;

/// The diff as Markdown for a pull-request comment: a heading with the counts, then one section
/// per kind of change that has any, then what `check --base` found.
pub fn markdown(d: &LedgerDiff, compared: &Compared, diags: &[Diagnostic]) -> String {
    let c = d.counts();
    let parts: Vec<String> = [
        (c.status_moves, "status move", "status moves"),
        (c.added, "added", "added"),
        (c.removed, "removed", "removed"),
        (c.renamed, "renamed", "renamed"),
        (c.edited, "edited", "edited"),
        (c.releases, "release changed", "releases changed"),
        (c.sql_scripts, "SQL script", "SQL scripts"),
    ]
    .into_iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    let s = Summary::of(diags);
    let verdict = match (s.errors, s.warnings) {
        (0, 0) => "✅ check passes".to_owned(),
        (0, w) => format!("⚠️ {w} warning{}", plural(w)),
        (e, _) => format!("❌ {e} error{}", plural(e)),
    };
    let mut out = format!(
        "## Ledger changes: {} — {verdict}\n\nCompared with {} at merge base {}.\n",
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        },
        code(&compared.base_ref),
        code(short(&compared.merge_base)),
    );
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push_str(&format!("\n### {title}\n\n"));
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
        }
    };
    section(
        "Status moves",
        d.status_moves
            .iter()
            .map(|m| {
                let path: Vec<String> = m.through.iter().map(|s| code(s)).collect();
                format!("- {}: {}", label(&m.doc), path.join(" → "))
            })
            .collect(),
    );
    section(
        "Added",
        d.added
            .iter()
            .map(|a| {
                let status = a
                    .status
                    .as_deref()
                    .map(|s| format!("{}, ", code(s)))
                    .unwrap_or_default();
                format!("- {} — {status}{}", label(a), code(&a.path))
            })
            .collect(),
    );
    section(
        "Removed",
        d.removed
            .iter()
            .map(|r| format!("- {} — {}", label(r), code(&r.path)))
            .collect(),
    );
    section(
        "Renamed",
        d.renamed
            .iter()
            .map(|r| {
                format!(
                    "- {}: {} → {}",
                    label(&r.doc),
                    code(&r.old_path),
                    code(&r.doc.path)
                )
            })
            .collect(),
    );
    section(
        "Field changes",
        d.field_changes
            .iter()
            .map(|e| {
                let mut l = format!("- {}", label(&e.doc));
                for c in &e.changes {
                    l.push_str(&format!(
                        "\n  - {}: {} → {}",
                        code(&c.field),
                        value(&c.from),
                        value(&c.to)
                    ));
                }
                if e.body_changed {
                    l.push_str("\n  - description changed");
                }
                l
            })
            .collect(),
    );
    section(
        "Releases",
        d.releases
            .iter()
            .map(|r| {
                let mut l = format!("- {}", code(&r.release));
                let title = strip_id(&r.title, &r.release);
                if !title.is_empty() {
                    l.push(' ');
                    l.push_str(&escape(title));
                }
                for (word, list) in [("gains", &r.gains), ("loses", &r.loses)] {
                    if !list.is_empty() {
                        let names: Vec<String> = list.iter().map(label).collect();
                        l.push_str(&format!("\n  - {word} {}", names.join(", ")));
                    }
                }
                l
            })
            .collect(),
    );
    section(
        "SQL scripts",
        d.sql_scripts
            .iter()
            .map(|s| {
                let mut l = match &s.old_path {
                    Some(old) => format!("- {} {} → {}", s.change, code(old), code(&s.path)),
                    None => format!("- {} {}", s.change, code(&s.path)),
                };
                if !s.referenced_by.is_empty() {
                    let names: Vec<String> = s.referenced_by.iter().map(label).collect();
                    l.push_str(&format!(" — used by {}", names.join(", ")));
                }
                l
            })
            .collect(),
    );
    out.push_str("\n### Check\n\n");
    if diags.is_empty() {
        out.push_str("✅ no problems\n");
        return out;
    }
    out.push_str(&format!(
        "{} error{}, {} warning{} — run `opsledger check --base {}` to see them with their source lines.\n\n",
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
        compared.base_ref.replace('`', "")
    ));
    for d in diags.iter().take(MAX_LISTED) {
        let mark = if d.is_error() { "❌" } else { "⚠️" };
        out.push_str(&format!(
            "- {mark} **{}** {}: {}\n",
            d.code,
            code(&format!("{}:{}:{}", d.file, d.line, d.column)),
            one_line(&d.message)
        ));
        if let Some(h) = &d.help {
            out.push_str(&format!("  help: {}\n", one_line(h)));
        }
    }
    if diags.len() > MAX_LISTED {
        out.push_str(&format!("- … and {} more\n", diags.len() - MAX_LISTED));
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `` `#20` 还款文件生成 ``: the id in a code span (so GitHub does not link `#20` to an
/// issue), then the title.
fn label(d: &DocRef) -> String {
    let id = match &d.id {
        Value::Number(n) => format!("#{n}"),
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let title = strip_id(&d.title, &id);
    if title.is_empty() {
        code(&id)
    } else {
        format!("{} {}", code(&id), escape(title))
    }
}

/// A title without a leading copy of the id (`2019-03-07 期次投产计划` → `期次投产计划`).
fn strip_id<'a>(title: &'a str, id: &str) -> &'a str {
    title
        .strip_prefix(id)
        .map(str::trim_start)
        .unwrap_or(title)
        .trim()
}

/// A field value in Markdown: a code span, or `∅` for nothing.
fn value(v: &Value) -> String {
    match show(v) {
        s if s == "∅" => s,
        s => code(&s),
    }
}

/// `s` as an inline code span, fenced with more backticks than it holds.
fn code(s: &str) -> String {
    let s = one_line(s);
    let mut longest = 0;
    let mut run = 0;
    for ch in s.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// Text with the characters that Markdown or HTML would interpret escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in one_line(s).chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' | '&'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{self, Parsed};

    /// A ledger from (path, text) pairs, parsed like the loader does.
    fn ledger(files: &[(&str, &str)]) -> Ledger {
        let mut l = Ledger::default();
        for (path, text) in files {
            let kind = load::classify(path.strip_prefix("content/").unwrap()).unwrap();
            let (parsed, diags) = load::parse(kind, path, text);
            assert!(diags.is_empty(), "{path}: {diags:?}");
            assert!(!matches!(parsed, Parsed::Broken(..)));
            load::add(&mut l, parsed);
        }
        l.sort();
        l
    }

    fn entry(id: u32, status: &str, extra: &str) -> String {
        format!(
            "---\nid: {id}\ntitle: 还款文件生成\nsystem: 小贷\ncategory: feature\npriority: medium\nstatus: {status}\nproposer: 琳琳\nproposed_on: 2019-03-01\n{extra}---\n\n描述\n"
        )
    }

    const P1: &str = "content/entries/0001-repay.md";

    fn mv(from: &str, to: &str, commit: &str) -> Move {
        Move {
            path: P1.into(),
            from: Some(from.into()),
            to: to.into(),
            commit: commit.into(),
            author: "琳琳".into(),
        }
    }

    fn run(base: &Ledger, head: &Ledger, moves: &[Move]) -> Vec<Diagnostic> {
        check(&Versions {
            base_ref: "main",
            merge_base: base,
            upstream: base,
            head,
            moves,
        })
    }

    #[test]
    fn one_stage_forward_is_fine() {
        let base = ledger(&[(P1, &entry(1, "sit", ""))]);
        let head = ledger(&[(P1, &entry(1, "uat", ""))]);
        assert!(run(&base, &head, &[mv("sit", "uat", "abcdef123")]).is_empty());
        assert!(run(&base, &head, &[]).is_empty());
    }

    #[test]
    fn a_skip_in_one_commit_is_reported_once_with_its_commit() {
        let base = ledger(&[(P1, &entry(1, "sit", ""))]);
        let head = ledger(&[(P1, &entry(1, "preprod", ""))]);
        let d = run(&base, &head, &[mv("sit", "preprod", "abcdef1234567")]);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            (d[0].code, d[0].line, d[0].column),
            (Code::SkippedStage, 7, 9)
        );
        assert_eq!(
            d[0].message,
            "entry 1 moved from `sit` to `preprod` in commit abcdef1 (琳琳), skipping `uat`"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("move one stage at a time (sit → uat → preprod), each after its test has passed")
        );
    }

    #[test]
    fn two_legal_commits_are_not_a_skip_but_a_skip_without_history_is() {
        let base = ledger(&[(P1, &entry(1, "sit", ""))]);
        let head = ledger(&[(P1, &entry(1, "preprod", ""))]);
        let two = [mv("sit", "uat", "a1"), mv("uat", "preprod", "b2")];
        assert!(run(&base, &head, &two).is_empty());
        let d = run(&base, &head, &[]);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.ends_with("since `main`, skipping `uat`"),
            "{}",
            d[0].message
        );
        // Committed up to uat, then edited in the work tree to approved.
        let head = ledger(&[(P1, &entry(1, "approved", ""))]);
        let d = run(&base, &head, &[mv("sit", "uat", "a1")]);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message
                .contains("from `uat` to `approved` after commit a1, skipping `preprod`"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn backwards_and_out_of_released_list_the_allowed_moves() {
        let base = ledger(&[(P1, &entry(1, "uat", ""))]);
        let head = ledger(&[(P1, &entry(1, "sit", ""))]);
        let d = run(&base, &head, &[]);
        assert_eq!(
            d[0].help.as_deref(),
            Some("from `uat` an entry moves to `developing`, `preprod`, `on-hold` or `closed`")
        );
        let base = ledger(&[(P1, &entry(1, "released", ""))]);
        let head = ledger(&[(P1, &entry(1, "developing", ""))]);
        let d = run(&base, &head, &[]);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("rolling it back first")
        );
    }

    #[test]
    fn an_id_added_on_both_sides_under_different_names() {
        let base = ledger(&[(P1, &entry(1, "developing", ""))]);
        let up = ledger(&[
            (P1, &entry(1, "developing", "")),
            (
                "content/entries/0002-theirs.md",
                &entry(2, "developing", ""),
            ),
        ]);
        let head = ledger(&[
            (P1, &entry(1, "developing", "")),
            ("content/entries/0002-mine.md", &entry(2, "developing", "")),
        ]);
        let v = Versions {
            base_ref: "main",
            merge_base: &base,
            upstream: &up,
            head: &head,
            moves: &[],
        };
        let d = check(&v);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            (d[0].code, d[0].file.as_str(), d[0].line, d[0].column),
            (Code::IdTakenOnBase, "content/entries/0002-mine.md", 2, 5)
        );
        assert!(d[0].help.as_deref().unwrap().contains("`0003-mine.md`"));
        // The same file on both sides is one file, not a collision.
        let v = Versions {
            upstream: &head,
            ..v
        };
        assert!(check(&v).is_empty());
    }

    #[test]
    fn released_entries_are_not_edited_without_a_rollback() {
        let base = ledger(&[(P1, &entry(1, "released", "planned_finish: 2019-03-07\n"))]);
        let head = ledger(&[(P1, &entry(1, "released", "planned_finish: 2019-03-14\n"))]);
        let d = run(&base, &head, &[]);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            (d[0].code, d[0].line, d[0].column),
            (Code::ReleasedEdited, 10, 17)
        );
        assert!(
            d[0].message
                .contains("`planned_finish` changed from `2019-03-07` to `2019-03-14`"),
            "{}",
            d[0].message
        );
        let rolled = ledger(&[(P1, &entry(1, "rolled-back", "planned_finish: 2019-03-14\n"))]);
        assert!(run(&base, &rolled, &[]).is_empty());
        // Rolled back in one commit, back to developing in the next: the edits are fine.
        let dev = ledger(&[(P1, &entry(1, "developing", "planned_finish: 2019-03-14\n"))]);
        let moves = [
            mv("released", "rolled-back", "a1"),
            mv("rolled-back", "developing", "b2"),
        ];
        assert!(run(&base, &dev, &moves).is_empty());
    }

    #[test]
    fn diff_sections() {
        let rel = "---\nid: \"2019-03-14\"\ntitle: 2019-03-14 期次投产计划\ndate: 2019-03-14\nstatus: planning\n---\n";
        let base = ledger(&[
            (P1, &entry(1, "sit", "")),
            ("content/entries/0002-old.md", &entry(2, "developing", "")),
            ("content/entries/0003-gone.md", &entry(3, "developing", "")),
            ("content/releases/2019-03-14.md", rel),
        ]);
        let head = ledger(&[
            (P1, &entry(1, "preprod", "")),
            (
                "content/entries/0002-new.md",
                &entry(2, "developing", "release: \"2019-03-14\"\n"),
            ),
            (
                "content/entries/0004-add.md",
                &entry(4, "registered", "sql_scripts: [sql/0004.sql]\n"),
            ),
            ("content/releases/2019-03-14.md", rel),
        ]);
        let sql = [FileChange {
            kind: ChangeKind::Added,
            path: "sql/0004.sql".into(),
            old_path: None,
            blob: None,
        }];
        let d = diff(
            &base,
            &head,
            &[mv("sit", "uat", "a"), mv("uat", "preprod", "b")],
            &sql,
        );
        assert_eq!(d.status_moves.len(), 1);
        assert_eq!(d.status_moves[0].through, ["sit", "uat", "preprod"]);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].id, Value::from(4));
        assert_eq!(d.removed[0].path, "content/entries/0003-gone.md");
        assert_eq!(d.renamed[0].old_path, "content/entries/0002-old.md");
        assert_eq!(d.field_changes.len(), 1);
        assert_eq!(d.field_changes[0].changes[0].field, "release");
        assert_eq!(d.releases.len(), 1);
        assert_eq!(d.releases[0].gains[0].id, Value::from(2));
        assert_eq!(d.sql_scripts[0].referenced_by[0].id, Value::from(4));
        let md = markdown(
            &d,
            &Compared {
                base_ref: "main".into(),
                base_commit: "b".repeat(40),
                merge_base: "a".repeat(40),
                head_commit: "c".repeat(40),
            },
            &[],
        );
        assert!(md.starts_with("## Ledger changes: 1 status move, 1 added, 1 removed, 1 renamed, 1 edited, 1 release changed, 1 SQL script — ✅ check passes\n"), "{md}");
        assert!(
            md.contains("- `#1` 还款文件生成: `sit` → `uat` → `preprod`\n"),
            "{md}"
        );
        assert!(
            md.contains("- `2019-03-14` 期次投产计划\n  - gains `#2` 还款文件生成\n"),
            "{md}"
        );
        assert!(md.ends_with("### Check\n\n✅ no problems\n"), "{md}");
    }

    #[test]
    fn markdown_text_is_escaped() {
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("x\ny"), "`x y`");
        assert_eq!(escape("<b>*x*</b> #3"), "\\<b\\>\\*x\\*\\</b\\> \\#3");
        assert_eq!(show(&serde_json::json!(["a", "b"])), "a, b");
        assert_eq!(show(&serde_json::json!("")), "∅");
        assert_eq!(show(&Value::String("x".repeat(70))).chars().count(), 60);
    }
}
