//! Facts derived from timelines, as pure functions: status transitions with time and author,
//! when an entry entered each status, time spent per stage, a release's real release time.

use super::{Step, Timeline};
use serde::Serialize;

/// One status move of a document, borrowed from its step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition<'a> {
    /// `None` for the first status the file was created with.
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub commit: &'a str,
    pub author: &'a str,
    pub time: &'a str,
    pub landed_commit: &'a str,
    pub landed_time: &'a str,
    pub working_tree: bool,
}

/// Every status move recorded in a timeline, oldest first.
pub fn transitions(t: &Timeline) -> Vec<Transition<'_>> {
    let mut out = Vec::new();
    for s in &t.steps {
        if let Some(c) = s.changes.iter().find(|c| c.field == "status") {
            let Some(to) = c.to.as_str() else { continue };
            out.push(Transition {
                from: c.from.as_str(),
                to,
                commit: &s.commit,
                author: &s.author,
                time: &s.time,
                landed_commit: &s.landed_commit,
                landed_time: &s.landed_time,
                working_tree: s.working_tree,
            });
        }
    }
    out
}

/// When the document first reached `status` (landing time, RFC 3339), if it ever did.
pub fn entered(t: &Timeline, status: &str) -> Option<String> {
    transitions(t)
        .into_iter()
        .find(|tr| tr.to == status && !tr.working_tree)
        .map(|tr| tr.landed_time.to_owned())
}

/// The step that made a release `released` most recently: its real release time.
pub fn released_at(t: &Timeline) -> Option<&Step> {
    t.steps.iter().rev().find(|s| {
        !s.working_tree
            && s.changes
                .iter()
                .any(|c| c.field == "status" && c.to == "released")
    })
}

/// Seconds spent in each status, from one landed move to the next (the last status is open and
/// not counted). Pairs of (status, seconds), in order.
pub fn time_in_status(t: &Timeline) -> Vec<(String, i64)> {
    let moves: Vec<(String, i64)> = transitions(t)
        .into_iter()
        .filter(|tr| !tr.working_tree)
        .filter_map(|tr| Some((tr.to.to_owned(), parse_time(tr.landed_time)?)))
        .collect();
    moves
        .windows(2)
        .map(|w| (w[0].0.clone(), (w[1].1 - w[0].1).max(0)))
        .collect()
}

/// Seconds since the epoch of an RFC 3339 time.
pub fn parse_time(s: &str) -> Option<i64> {
    s.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

/// Rollbacks: pairs of (rolled back at, released again at) landing times; the second is `None`
/// while the document has not been released again.
pub fn rollbacks(t: &Timeline) -> Vec<(String, Option<String>)> {
    let tr = transitions(t);
    let mut out = Vec::new();
    for (i, m) in tr.iter().enumerate() {
        if m.to == "rolled-back" && !m.working_tree {
            let again = tr[i + 1..]
                .iter()
                .find(|n| n.to == "released" && !n.working_tree)
                .map(|n| n.landed_time.to_owned());
            out.push((m.landed_time.to_owned(), again));
        }
    }
    out
}

/// A commit that moves `status` from `from` to `to` at `time`, landed at once (for the tests
/// here and in `metrics`).
#[cfg(test)]
pub(crate) fn status_step(time: &str, from: Option<&str>, to: &str) -> Step {
    use serde_json::json;
    Step {
        commit: format!("c{time}"),
        author: "琳琳".into(),
        email: String::new(),
        time: time.into(),
        message: String::new(),
        landed_commit: format!("m{time}"),
        landed_time: time.into(),
        changes: vec![crate::history::FieldChange {
            field: "status".into(),
            from: from.map_or(json!(null), |f| json!(f)),
            to: json!(to),
        }],
        body_changed: false,
        path: "content/entries/0020-a.md".into(),
        kind: crate::git::ChangeKind::Modified,
        note: None,
        working_tree: false,
    }
}

#[cfg(test)]
mod tests {
    use super::status_step as step;
    use super::*;

    fn timeline() -> Timeline {
        Timeline {
            path: "content/entries/0020-a.md".into(),
            deleted: false,
            steps: vec![
                step("2019-03-01T10:00:00+08:00", None, "developing"),
                step("2019-03-08T10:00:00+08:00", Some("developing"), "submitted"),
                step("2019-03-11T10:00:00+08:00", Some("submitted"), "sit"),
                step("2019-03-14T22:00:00+08:00", Some("sit"), "released"),
                step("2019-03-15T09:00:00+08:00", Some("released"), "rolled-back"),
                step("2019-03-21T22:00:00+08:00", Some("developing"), "released"),
            ],
        }
    }

    #[test]
    fn transitions_and_stage_times() {
        let t = timeline();
        let tr = transitions(&t);
        assert_eq!(tr.len(), 6);
        assert_eq!(tr[2].from, Some("submitted"));
        assert_eq!(
            entered(&t, "sit").as_deref(),
            Some("2019-03-11T10:00:00+08:00")
        );
        let times = time_in_status(&t);
        assert_eq!(times[0], ("developing".to_owned(), 7 * 86400));
        assert_eq!(times[1], ("submitted".to_owned(), 3 * 86400));
    }

    #[test]
    fn rollback_and_re_release() {
        let t = timeline();
        assert_eq!(
            rollbacks(&t),
            [(
                "2019-03-15T09:00:00+08:00".to_owned(),
                Some("2019-03-21T22:00:00+08:00".to_owned())
            )]
        );
        assert_eq!(
            released_at(&t).unwrap().landed_time,
            "2019-03-21T22:00:00+08:00"
        );
    }
}
