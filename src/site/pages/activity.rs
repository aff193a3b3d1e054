//! Status moves across the ledger from history: the activity feed and the history page.
//! Builds contexts only.

use super::*;

/// How many status moves the history page lists (the dashboard lists fewer of the same).
pub const ACTIVITY: usize = 200;

/// The first `max` (at most [`ACTIVITY`]) of [`activity`], worked out once per build.
pub(super) fn recent<'s>(site: &'s Site, max: usize) -> &'s [Activity] {
    let all = site.activity.get_or_init(|| activity(site.input, ACTIVITY));
    &all[..max.min(all.len())]
}

/// Recent status moves across the ledger, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct Activity {
    time: String,
    /// `time` in the configured time zone.
    local: String,
    author: String,
    what: Link,
    from: String,
    to: String,
    commit: String,
}

pub(super) fn activity(input: &SiteInput, max: usize) -> Vec<Activity> {
    use crate::history::facts::{Transition, transitions};
    let lang = input.config.language;
    let docs: Vec<(&String, Link)> = input
        .ledger
        .entries
        .iter()
        .map(|e| {
            (
                &e.doc.path,
                Link {
                    text: format!("#{} {}", e.id, e.title),
                    url: views::entry_url(e.id),
                },
            )
        })
        .chain(input.ledger.releases.iter().map(|r| {
            (
                &r.doc.path,
                Link {
                    text: r.title.clone(),
                    url: views::release_url(&r.id),
                },
            )
        }))
        .collect();
    // Every landed move with its document, of which only the newest `max` are made into
    // items: newest first (by landing time, then commit and page, descending).
    let mut moves: Vec<(usize, Transition)> = Vec::new();
    for (i, (path, _)) in docs.iter().enumerate() {
        if let Some(t) = input.history.of(path) {
            let landed = transitions(t).into_iter().filter(|tr| !tr.working_tree);
            moves.extend(landed.map(|tr| (i, tr)));
        }
    }
    let url = |i: usize| docs[i].1.url.as_str();
    let newest_first = |a: &(usize, Transition), b: &(usize, Transition)| {
        (b.1.landed_time, b.1.commit, url(b.0)).cmp(&(a.1.landed_time, a.1.commit, url(a.0)))
    };
    if moves.len() > max {
        moves.select_nth_unstable_by(max, newest_first);
        moves.truncate(max);
    }
    moves.sort_by(newest_first);
    moves
        .into_iter()
        .map(|(i, tr)| {
            let (path, link) = &docs[i];
            let kind = if path.starts_with("content/releases/") {
                "release_status"
            } else {
                "status"
            };
            Activity {
                local: views::local_time(input.config, tr.landed_time),
                time: tr.landed_time.to_owned(),
                author: tr.author.to_owned(),
                what: link.clone(),
                from: tr
                    .from
                    .map(|f| crate::site::i18n::value(lang, kind, f).to_owned())
                    .unwrap_or_default(),
                to: crate::site::i18n::value(lang, kind, tr.to).to_owned(),
                commit: tr.commit.to_owned(),
            }
        })
        .collect()
}

pub(super) fn history<'a>(site: &Site) -> Page<'a> {
    let input = site.input;
    let releases: Vec<_> = input
        .ledger
        .releases
        .iter()
        .rev()
        .map(|r| release_view(r, input.ledger, input.history, &site.rows))
        .collect();
    let data = minijinja::context! {
        releases => Value::from(Serde(releases)),
        activity => Value::from(Serde(recent(site, ACTIVITY))),
        has_history => input.history.head.is_some(),
        partial => input.history.partial,
    };
    Page::new("history/index.html".into(), "history.html", "history", data)
}
