//! Rule E0601 (`SkippedStage`) of `check --base`: each entry's status path from the merge base,
//! through each commit's move, to now must follow the workflow, one stage at a time; the entry
//! is its id (a file added again goes on from the id's last status, even when it was deleted
//! before the merge base), and leaving on-hold goes
//! back to where it was put on hold, or earlier. An entry
//! added since the merge base further on than `registered`, `developing`, `on-hold` or `closed`
//! is warning W0604 (an import does that; anything else should not). Must not
//! judge anything but status moves, nor read git (the moves come in [`Versions`]).

use super::{Move, Versions, short};
use crate::diag::{Code, Diagnostic};
use crate::model::{Doc, Keyword, Status, is_allowed_move, is_allowed_resume};

/// Where an entry stands on its way: its status, and while it is on hold where it was put on
/// hold from (`None`: not known; `Some(None)`: added on hold).
#[derive(Clone, Copy)]
struct At<'m> {
    status: Status,
    held: Option<Option<Status>>,
    /// The move that brought it here; `None` for the merge base.
    last: Option<&'m Move>,
}

/// Each entry's path from its status at the merge base, through each commit's move, to its
/// status now: every step must be allowed by the workflow. The entry is followed by its id, so
/// a file added again (or renamed beyond git's recognition) continues from the last status the
/// id had, and leaving on-hold is judged against where it was put on hold.
pub(super) fn status_moves(v: &Versions, out: &mut Vec<Diagnostic>) {
    for e in &v.head.entries {
        let mut at = start(v, e.id);
        for m in v.moves.iter().filter(|m| m.entry == Some(e.id)) {
            let Some(to) = Status::parse(&m.to) else {
                continue;
            };
            let commit = format!("in commit {} ({})", short(&m.commit), m.author);
            let (judged, when) = match (m.from.as_deref().and_then(Status::parse), at) {
                (Some(from), _) => {
                    let held = at.filter(|a| a.status == from).and_then(|a| a.held);
                    let a = At {
                        status: from,
                        held,
                        last: None,
                    };
                    (Some(a), commit)
                }
                // The commit added the file: an id the ledger had before goes on from there.
                (None, Some(a)) => (Some(a), format!("{commit}, which added it again")),
                (None, None) => {
                    if !is_allowed_move(Status::Registered, to) {
                        out.push(bad_start(e.id, &e.doc, to, &commit));
                    }
                    (None, commit)
                }
            };
            if let Some(a) = judged {
                out.extend(judge(e.id, &e.doc, a, to, &when));
            }
            at = Some(advance(judged, to, m));
        }
        match at {
            Some(a) if a.status != e.status => {
                let when = match a.last {
                    Some(m) => format!("after commit {}", short(&m.commit)),
                    None => format!("since `{}`", v.base_ref),
                };
                out.extend(judge(e.id, &e.doc, a, e.status, &when));
            }
            // Added without a commit that shows it (not committed yet).
            None if !is_allowed_move(Status::Registered, e.status) => {
                let when = format!("since `{}`", v.base_ref);
                out.push(bad_start(e.id, &e.doc, e.status, &when));
            }
            _ => {}
        }
    }
}

/// Where entry `id` stood at the merge base: as its file there, or, with no file there, as its
/// file deleted before (the id's last status); `None` for an id new to the ledger.
fn start<'m>(v: &Versions, id: u32) -> Option<At<'m>> {
    let Some(b) = v.merge_base.entry(id) else {
        return v.gone.get(&id).map(|g| At {
            status: g.status,
            held: Some(g.held).filter(|_| g.status == Status::OnHold),
            last: None,
        });
    };
    Some(At {
        status: b.status,
        held: v
            .held
            .get(&id)
            .copied()
            .filter(|_| b.status == Status::OnHold),
        last: None,
    })
}

/// Where a move to `to` from `from` (none: the entry is new) leaves the entry.
fn advance<'m>(from: Option<At<'m>>, to: Status, m: &'m Move) -> At<'m> {
    let held = match from {
        _ if to != Status::OnHold => None,
        Some(a) if a.status == Status::OnHold => a.held,
        Some(a) => Some(Some(a.status)),
        None => Some(None),
    };
    At {
        status: to,
        held,
        last: Some(m),
    }
}

/// The problem with moving from `at` to `to`, if the workflow does not allow it.
fn judge(id: u32, doc: &Doc, at: At, to: Status, when: &str) -> Option<Diagnostic> {
    match at.held {
        Some(held) if at.status == Status::OnHold => {
            (!is_allowed_resume(held, to)).then(|| bad_resume(id, doc, held, to, when))
        }
        _ => (!is_allowed_move(at.status, to)).then(|| bad_move(id, doc, at.status, to, when)),
    }
}

/// An entry taken off hold further on than where it was put on hold (`None`: added on hold).
fn bad_resume(id: u32, doc: &Doc, held: Option<Status>, to: Status, when: &str) -> Diagnostic {
    let (what, help) = match held {
        Some(h) => {
            let skipped = skipped(h, to);
            let mut what = format!("but it was put on hold at `{h}`");
            let mut help = format!(
                "an entry leaves on-hold back at the stage it was put on hold from or an earlier \
                 one (`{h}`)"
            );
            if !skipped.is_empty() {
                let names: Vec<String> = skipped.iter().map(|s| format!("`{s}`")).collect();
                what.push_str(&format!(", skipping {}", join_with(&names, "and")));
                let path: Vec<&str> = std::iter::once(h)
                    .chain(skipped.iter().copied())
                    .chain(std::iter::once(to))
                    .map(|s| s.as_str())
                    .collect();
                help.push_str(&format!(
                    ", then moves one stage at a time ({}), each after its test has passed",
                    path.join(" → ")
                ));
            }
            (what, help)
        }
        None => {
            let starts: Vec<String> = Status::ALL
                .iter()
                .filter(|&&s| s.rank().is_some() && is_allowed_move(Status::Registered, s))
                .map(|s| format!("`{s}`"))
                .collect();
            (
                "but it was added on hold".to_owned(),
                format!(
                    "an entry added on hold resumes where a new entry starts ({}), then moves \
                     one stage at a time, each after its test has passed",
                    join_with(&starts, "or")
                ),
            )
        }
    };
    Diagnostic::new(
        Code::SkippedStage,
        &doc.path,
        doc.locs.of("status"),
        format!("entry {id} moved from `on-hold` to `{to}` {when}, {what}"),
    )
    .with_help(help)
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
