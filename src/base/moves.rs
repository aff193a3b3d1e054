//! Rule E0601 (`SkippedStage`) of `check --base`: each entry's status path from the merge base,
//! through each commit's move, to now must follow the workflow, one stage at a time. Must not
//! judge anything but status moves, nor read git (the moves come in [`Versions`]).

use super::{Move, Versions, short};
use crate::diag::{Code, Diagnostic};
use crate::model::{Doc, Keyword, Status, is_allowed_move};

/// Each entry's path from its status at the merge base, through each commit's move, to its
/// status now: every step must be allowed by the workflow.
pub(super) fn status_moves(v: &Versions, out: &mut Vec<Diagnostic>) {
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
