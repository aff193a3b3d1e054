//! Rule E0601 (`SkippedStage`) of `check --base`: each entry's status path from the merge base,
//! through each commit's move, to now must follow the workflow, one stage at a time. An entry
//! added since the merge base further on than `registered`, `developing`, `on-hold` or `closed`
//! is warning W0604 (an import does that; anything else should not). Must not
//! judge anything but status moves, nor read git (the moves come in [`Versions`]).

use super::{Move, Versions, short};
use crate::diag::{Code, Diagnostic};
use crate::model::{Doc, Keyword, Status, is_allowed_move};

/// Each entry's path from its status at the merge base, through each commit's move, to its
/// status now: every step must be allowed by the workflow.
pub(super) fn status_moves(v: &Versions, out: &mut Vec<Diagnostic>) {
    for e in &v.head.entries {
        let mut prev = v.merge_base.entry(e.id).map(|b| (b.status, None::<&Move>));
        let added = prev.is_none();
        for m in v.moves.iter().filter(|m| m.path == e.doc.path) {
            let Some(to) = Status::parse(&m.to) else {
                continue;
            };
            let when = || format!("in commit {} ({})", short(&m.commit), m.author);
            match m.from.as_deref().and_then(Status::parse) {
                Some(from) if !is_allowed_move(from, to) => {
                    out.push(bad_move(e.id, &e.doc, from, to, &when()));
                }
                None if added && prev.is_none() && !is_allowed_move(Status::Registered, to) => {
                    out.push(bad_start(e.id, &e.doc, to, &when()));
                }
                _ => {}
            }
            prev = Some((to, Some(m)));
        }
        match prev {
            Some((from, last)) if from != e.status && !is_allowed_move(from, e.status) => {
                let when = match last {
                    Some(m) => format!("after commit {}", short(&m.commit)),
                    None => format!("since `{}`", v.base_ref),
                };
                out.push(bad_move(e.id, &e.doc, from, e.status, &when));
            }
            // Added without a commit that shows it (not committed yet).
            None if added && !is_allowed_move(Status::Registered, e.status) => {
                let when = format!("since `{}`", v.base_ref);
                out.push(bad_start(e.id, &e.doc, e.status, &when));
            }
            _ => {}
        }
    }
}

/// An entry added at `to`, further on than a new entry starts.
fn bad_start(id: u32, doc: &Doc, to: Status, when: &str) -> Diagnostic {
    let skipped = skipped(Status::Registered, to);
    let what = if skipped.is_empty() {
        "which the workflow does not allow".to_owned()
    } else {
        let names: Vec<String> = skipped.iter().map(|s| format!("`{s}`")).collect();
        format!("skipping {}", join_with(&names, "and"))
    };
    let starts: Vec<String> = Status::ALL
        .iter()
        .filter(|&&s| is_allowed_move(Status::Registered, s))
        .map(|s| format!("`{s}`"))
        .collect();
    Diagnostic::new(
        Code::AddedMidway,
        &doc.path,
        doc.locs.of("status"),
        format!("entry {id} was added at `{to}` {when}, {what}"),
    )
    .with_help(format!(
        "a new entry starts at the beginning of the workflow ({}), then moves one stage at a \
         time, each after its test has passed; an imported ledger starts where it stood (pass \
         --deny-warnings to refuse it)",
        join_with(&starts, "or")
    ))
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
