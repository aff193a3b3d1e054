//! The status moves of a change read from the mined history ([`track`]): each commit's move of
//! each document, with the entry id it was made on, in commit order; for each entry on hold at
//! the merge base, where it was put on hold from; and for each id whose files were all deleted
//! before the merge base, where it stood then. Pure: the caller mines the history and lists the
//! commits. Must not judge the moves (`moves` does).

use super::Move;
use crate::git::ChangeKind;
use crate::history::facts::parse_time;
use crate::history::{History, Timeline};
use crate::model::{Keyword, Status};
use std::collections::{BTreeMap, HashMap};

/// What the history says about a change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Track {
    /// The status moves of the commits of the range, in commit order (then by path).
    pub moves: Vec<Move>,
    /// For each entry on hold at the merge base: the status it was put on hold from (`None`:
    /// it was added on hold). Empty when the history is partial (a shallow clone): then nothing
    /// is known of it.
    pub held: BTreeMap<u32, Option<Status>>,
    /// For each id that no file has at the merge base but a file deleted before it had: where
    /// the id stood when the last such file was deleted, so that a re-add goes on from there.
    /// Empty when the history is partial, as `held`.
    pub gone: BTreeMap<u32, Gone>,
}

/// Where an entry stood when its file was deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gone {
    pub status: Status,
    /// While `status` is on-hold, the status it was put on hold from (`None`: added on hold).
    pub held: Option<Status>,
}

/// The moves of `range` (the commits since the merge base, parents before children) in
/// `history`, which holds every file's timeline, deleted files' too.
pub fn track(history: &History, range: &[String]) -> Track {
    let order: HashMap<&str, usize> = range
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut moves = Vec::new();
    let mut held = BTreeMap::new();
    let mut present = Vec::new();
    // The deleted files by id, the latest deletion last.
    let mut deleted: BTreeMap<u32, ((i64, i64), Gone)> = BTreeMap::new();
    for t in history.files.values() {
        let before = walk(t, &order, &mut moves);
        let (Some(id), false) = (before.id, history.partial) else {
            continue;
        };
        if before.exists {
            present.push(id);
            if before.status == Some(Status::OnHold) {
                held.entry(id).or_insert(before.held);
            }
        } else if let Some(status) = before.status {
            let gone = Gone {
                status,
                held: before.held.filter(|_| status == Status::OnHold),
            };
            match deleted.get(&id) {
                Some((when, _)) if *when >= before.when => {}
                _ => {
                    deleted.insert(id, (before.when, gone));
                }
            }
        }
    }
    for id in present {
        deleted.remove(&id);
    }
    moves.sort_by(|(a, x), (b, y)| (a, &x.path).cmp(&(b, &y.path)));
    Track {
        moves: moves.into_iter().map(|(_, m)| m).collect(),
        held,
        gone: deleted.into_iter().map(|(id, (_, g))| (id, g)).collect(),
    }
}

/// One file at the merge base, as its commits before the range left it.
#[derive(Default)]
struct Before {
    id: Option<u32>,
    status: Option<Status>,
    /// Where it was put on hold from, while `status` is on-hold.
    held: Option<Status>,
    /// Not deleted.
    exists: bool,
    /// When its last commit before the range landed, then was written (seconds).
    when: (i64, i64),
}

/// Collects the moves of `t` in the range, each with its position in it; returns the file as
/// it was at the merge base.
fn walk(t: &Timeline, order: &HashMap<&str, usize>, out: &mut Vec<(usize, Move)>) -> Before {
    let mut id = None;
    let mut before = Before::default();
    for s in t.steps.iter().filter(|s| !s.working_tree) {
        if let Some(c) = s.changes.iter().find(|c| c.field == "id") {
            id = c.to.as_u64().and_then(|n| u32::try_from(n).ok());
        }
        let status = s.changes.iter().find(|c| c.field == "status");
        if let Some(&at) = order.get(s.commit.as_str()) {
            if let Some(c) = status
                && let Some(to) = c.to.as_str()
            {
                let m = Move {
                    path: t.path.clone(),
                    entry: id,
                    from: c.from.as_str().map(str::to_owned),
                    to: to.to_owned(),
                    commit: s.commit.clone(),
                    author: s.author.clone(),
                };
                out.push((at, m));
            }
            continue;
        }
        before.id = id;
        before.exists = s.kind != ChangeKind::Deleted;
        let seconds = |t: &str| parse_time(t).unwrap_or(i64::MIN);
        before.when = (seconds(&s.landed_time), seconds(&s.time));
        let Some(to) = status.and_then(|c| c.to.as_str()).and_then(Status::parse) else {
            continue;
        };
        // A file added again continues from the status its id had before it was deleted.
        let from = status
            .and_then(|c| c.from.as_str())
            .and_then(Status::parse)
            .or(before.status);
        if to == Status::OnHold && from != Some(Status::OnHold) {
            before.held = from;
        }
        before.status = Some(to);
    }
    before
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::facts::status_step;

    fn history(steps: Vec<crate::history::Step>) -> History {
        let t = Timeline {
            path: "content/entries/0020-a.md".into(),
            deleted: false,
            steps,
        };
        History {
            files: [(t.path.clone(), t)].into_iter().collect(),
            ..Default::default()
        }
    }

    fn with_id(mut s: crate::history::Step, id: u32) -> crate::history::Step {
        s.changes.push(crate::history::FieldChange {
            field: "id".into(),
            from: serde_json::Value::Null,
            to: id.into(),
        });
        s
    }

    #[test]
    fn moves_carry_their_entry_and_the_hold_before_the_base_is_known() {
        let h = history(vec![
            with_id(status_step("2019-03-01T10:00:00+08:00", None, "sit"), 20),
            status_step("2019-03-02T10:00:00+08:00", Some("sit"), "on-hold"),
            status_step("2019-03-03T10:00:00+08:00", Some("on-hold"), "sit"),
        ]);
        let range = vec!["c2019-03-03T10:00:00+08:00".to_owned()];
        let t = track(&h, &range);
        assert_eq!(t.moves.len(), 1);
        assert_eq!(t.moves[0].entry, Some(20));
        assert_eq!(t.moves[0].from.as_deref(), Some("on-hold"));
        assert_eq!(t.held, [(20, Some(Status::Sit))].into_iter().collect());

        let partial = History {
            partial: true,
            ..h.clone()
        };
        assert!(
            track(&partial, &range).held.is_empty(),
            "unknown, not guessed"
        );
        assert!(track(&h, &[]).moves.is_empty());
    }

    #[test]
    fn a_file_added_again_continues_before_the_base() {
        let mut gone = status_step("2019-03-02T10:00:00+08:00", None, "x");
        gone.changes.clear();
        gone.kind = ChangeKind::Deleted;
        let h = history(vec![
            with_id(status_step("2019-03-01T10:00:00+08:00", None, "uat"), 7),
            gone,
            with_id(status_step("2019-03-03T10:00:00+08:00", None, "on-hold"), 7),
        ]);
        let t = track(&h, &[]);
        assert_eq!(t.held, [(7, Some(Status::Uat))].into_iter().collect());
    }

    #[test]
    fn an_id_deleted_before_the_base_is_known_by_its_last_status() {
        let deleted = |mut s: crate::history::Step| {
            s.changes.clear();
            s.kind = ChangeKind::Deleted;
            s
        };
        let file = |path: &str, steps: Vec<crate::history::Step>| Timeline {
            path: path.into(),
            deleted: true,
            steps,
        };
        let a = file(
            "content/entries/0007-a.md",
            vec![
                with_id(status_step("2019-03-01T10:00:00+08:00", None, "uat"), 7),
                deleted(status_step("2019-03-04T10:00:00+08:00", None, "x")),
            ],
        );
        // Another file of the id, on hold, deleted earlier (written later in another offset).
        let b = file(
            "content/entries/0007-b.md",
            vec![
                with_id(status_step("2019-03-02T10:00:00+08:00", None, "sit"), 7),
                status_step("2019-03-02T11:00:00+08:00", Some("sit"), "on-hold"),
                deleted(status_step("2019-03-04T11:00:00+10:00", None, "x")),
            ],
        );
        let h = History {
            files: [a, b].into_iter().map(|t| (t.path.clone(), t)).collect(),
            ..Default::default()
        };
        let uat = Gone {
            status: Status::Uat,
            held: None,
        };
        assert_eq!(track(&h, &[]).gone, [(7, uat)].into_iter().collect());
        assert!(track(&h, &[]).held.is_empty(), "not on hold at the base");

        // The file deleted last was on hold: where it was held comes along.
        let mut later = h.clone();
        later
            .files
            .get_mut("content/entries/0007-a.md")
            .unwrap()
            .steps[1] = deleted(status_step("2019-03-03T10:00:00+08:00", None, "x"));
        let held = Gone {
            status: Status::OnHold,
            held: Some(Status::Sit),
        };
        assert_eq!(track(&later, &[]).gone, [(7, held)].into_iter().collect());

        // An id a file still has at the base is not gone; a partial history knows nothing.
        let mut kept = h.clone();
        let c = Timeline {
            deleted: false,
            ..file(
                "content/entries/0007-c.md",
                vec![with_id(
                    status_step("2019-03-05T10:00:00+08:00", None, "developing"),
                    7,
                )],
            )
        };
        kept.files.insert(c.path.clone(), c);
        assert!(track(&kept, &[]).gone.is_empty());
        let partial = History { partial: true, ..h };
        assert!(track(&partial, &[]).gone.is_empty(), "unknown, not guessed");
    }
}
