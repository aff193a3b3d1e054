//! The weekly release train as views: for one ISO week, the entries due on its release day and
//! those that missed the cut-off (from history), what sat in each test environment and for how
//! long, what bounced back from a test stage, each release's readiness and the night's run
//! sheet (steps in dependency order, SQL scripts in order with the backup). Pure: built from
//! the ledger, the history, the config and "today".

use crate::metrics::{self, Seat};
use crate::model::{Entry, Keyword, Release, ReleaseStatus, Status};
use crate::site::SiteInput;
use crate::site::views::{self, Link, Rows, release_url};
use jiff::civil::Date;
use minijinja::Value;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const DAY: i64 = 86_400;

/// The URL of the train page of an ISO week (its file, as every URL of the site).
pub fn train_url(week: &str) -> String {
    super::views::page_url("train", week)
}

/// One train in the list of trains.
#[derive(Debug, Clone, Serialize)]
pub struct TrainSummary {
    pub week: String,
    pub url: String,
    pub release_date: Date,
    pub releases: Vec<Link>,
    pub due: usize,
    pub released: usize,
    pub carried: usize,
}

/// An entry due on the train, with what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct DueView {
    pub e: Value,
    /// Released on this train (its status moved to `released` before the next cut-off).
    pub released: bool,
    /// Missed the cut-off: on the train at the cut-off, not released on it.
    pub missed: bool,
    /// The later train it went out on, if it did.
    pub went_on: Option<Link>,
}

/// An entry sitting in a test environment.
#[derive(Debug, Clone, Serialize)]
pub struct SittingView {
    pub e: Value,
    /// The entry's id, for the order.
    #[serde(skip)]
    pub id: u32,
    pub since: String,
    pub days: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnvView {
    pub status: &'static str,
    pub entries: Vec<SittingView>,
}

/// A move from a test stage back to developing during the train's week.
#[derive(Debug, Clone, Serialize)]
pub struct BounceView {
    pub e: Value,
    pub from: String,
    pub at: String,
}

/// One readiness check of a release.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub key: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// A release of the train: readiness and the run sheet for the night.
#[derive(Debug, Clone, Serialize)]
pub struct RunSheet {
    pub link: Link,
    pub status: &'static str,
    pub checks: Vec<Check>,
    pub ready: bool,
    pub steps: Vec<views::StepOrderView>,
    pub scripts: Vec<String>,
    pub backup: String,
    pub rollback_owner: String,
}

/// The page of one train.
#[derive(Debug, Clone, Serialize)]
pub struct TrainView {
    pub week: String,
    pub release_date: Date,
    /// The cut-off, local `YYYY-MM-DD HH:MM`.
    pub cut_off: String,
    /// The environments are shown as of this local time: the release, or today if earlier.
    pub as_of: String,
    pub due: Vec<DueView>,
    pub missed: usize,
    pub envs: Vec<EnvView>,
    pub bounced: Vec<BounceView>,
    pub releases: Vec<RunSheet>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
}

fn local(input: &SiteInput, secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(jiff::tz::TimeZone::fixed(input.config.train.timezone))
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The instant of the release on `d` (release day and time, configured zone).
fn release_instant(input: &SiteInput, d: Date) -> i64 {
    let t = &input.config.train;
    let time = jiff::civil::Time::new(
        (t.release_time / 60) as i8,
        (t.release_time % 60) as i8,
        0,
        0,
    )
    .unwrap_or_default();
    d.to_datetime(time)
        .to_zoned(jiff::tz::TimeZone::fixed(t.timezone))
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

/// Every entry's seats on the trains, by entry id. Computed once per build and passed to the
/// functions below (it reads every timeline).
pub type Seats = BTreeMap<u32, Vec<Seat>>;

/// See [`Seats`].
pub fn all_seats(input: &SiteInput) -> Seats {
    use rayon::prelude::*;
    // From the moves worked out once for the whole site, in parallel.
    let moves: Vec<(&u32, &metrics::Moves)> = input.moves().iter().collect();
    moves
        .into_par_iter()
        .map(|(id, m)| (*id, metrics::seats(m, &input.config.train)))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// The weeks that have a train: a release dated in them, or an entry on the train at the
/// cut-off. Oldest first.
pub fn weeks(input: &SiteInput, seats: &Seats) -> Vec<(String, Date)> {
    let train = &input.config.train;
    let mut out: BTreeMap<String, Date> = BTreeMap::new();
    for r in &input.ledger.releases {
        out.insert(
            crate::calendar::week_label(r.date),
            metrics::release_day_of(r.date, train),
        );
    }
    for seats in seats.values() {
        for s in seats {
            out.insert(s.week.clone(), s.release_date);
        }
    }
    out.into_iter().collect()
}

/// The trains of a build, indexed once so that a train page does not scan the whole ledger:
/// the weeks, the seats on each week's train, each week's releases and each release's entries.
pub struct Index<'a> {
    /// See [`weeks`].
    pub weeks: Vec<(String, Date)>,
    seats: &'a Seats,
    /// Every seat on each week's train with its entry's id, by week (by id, then seat order).
    on: HashMap<&'a str, Vec<(u32, &'a Seat)>>,
    /// The releases dated in each week, in ledger order.
    releases: HashMap<String, Vec<&'a Release>>,
    /// The entries of each release, by id.
    entries: HashMap<&'a str, Vec<&'a Entry>>,
    /// Each entry's status moves (landing time, and the test environment it moved into as an
    /// index of [`ENVS`]), for the entries that have moves, in ledger order.
    moves: Vec<(&'a Entry, Vec<EnvMove>)>,
    /// Every move from a test stage back to developing (entry, stage, landing time), in ledger
    /// order.
    bounces: Vec<(&'a Entry, &'a str, i64)>,
}

/// A status move: its landing time and the test environment it moved into (an index of
/// [`ENVS`]), if any.
type EnvMove = (i64, Option<u8>);

/// The test environments a train page shows, in order.
const ENVS: [Status; 3] = [Status::Sit, Status::Uat, Status::Preprod];

impl<'a> Index<'a> {
    pub fn new(input: &'a SiteInput<'a>) -> Index<'a> {
        let seats = input.seats();
        let mut on: HashMap<&str, Vec<(u32, &Seat)>> = HashMap::new();
        for (id, list) in seats {
            for s in list {
                on.entry(s.week.as_str()).or_default().push((*id, s));
            }
        }
        let mut releases: HashMap<String, Vec<&Release>> = HashMap::new();
        for r in &input.ledger.releases {
            releases
                .entry(crate::calendar::week_label(r.date))
                .or_default()
                .push(r);
        }
        let mut entries: HashMap<&str, Vec<&Entry>> = HashMap::new();
        for e in &input.ledger.entries {
            if let Some(r) = e.release.as_deref() {
                entries.entry(r).or_default().push(e);
            }
        }
        let all_moves = input.moves();
        let (mut moves, mut bounces) = (Vec::new(), Vec::new());
        for e in &input.ledger.entries {
            let Some(m) = all_moves.get(&e.id) else {
                continue;
            };
            let env = |to: &str| ENVS.iter().position(|s| s.as_str() == to).map(|i| i as u8);
            moves.push((e, m.iter().map(|(_, to, at)| (*at, env(to))).collect()));
            for (from, to, at) in m {
                if to == "developing"
                    && let Some(from @ ("sit" | "uat" | "preprod")) = from.as_deref()
                {
                    bounces.push((e, from, *at));
                }
            }
        }
        Index {
            weeks: weeks(input, seats),
            moves,
            bounces,
            seats,
            on,
            releases,
            entries,
        }
    }

    fn on(&self, week: &str) -> &[(u32, &'a Seat)] {
        self.on.get(week).map_or(&[], Vec::as_slice)
    }

    fn releases_of(&self, week: &str) -> &[&'a Release] {
        self.releases.get(week).map_or(&[], Vec::as_slice)
    }

    fn entries_of(&self, release: &str) -> &[&'a Entry] {
        self.entries.get(release).map_or(&[], Vec::as_slice)
    }
}

/// The list of trains, newest first.
pub fn summaries(input: &SiteInput, idx: &Index) -> Vec<TrainSummary> {
    let mut out: Vec<TrainSummary> = idx
        .weeks
        .iter()
        .cloned()
        .map(|(week, release_date)| {
            let on = idx.on(&week);
            let rel = idx.releases_of(&week);
            let due = due_ids(input, idx, &week, release_date).len();
            TrainSummary {
                url: train_url(&week),
                release_date,
                releases: rel
                    .iter()
                    .map(|r| Link {
                        text: r.title.clone(),
                        url: release_url(&r.id),
                    })
                    .collect(),
                due,
                released: on.iter().filter(|(_, s)| s.released).count(),
                carried: on.iter().filter(|(_, s)| !s.released && s.carried).count(),
                week,
            }
        })
        .collect();
    out.reverse();
    out
}

/// Ids of the entries due on a week's train: on the train at the cut-off, or planned into one
/// of its releases. Before a cut-off, the seats are a forecast from today's statuses: an entry
/// planned into an earlier release that is still to come is expected to ship there, so it is
/// not due on this train.
fn due_ids(input: &SiteInput, idx: &Index, week: &str, release_date: Date) -> BTreeSet<u32> {
    let l = input.ledger;
    let forecast = input
        .today
        .filter(|t| *t <= metrics::submit_day(release_date, &input.config.train));
    let ships_earlier = |id: u32| {
        let planned = l
            .entry(id)
            .and_then(|e| e.release.as_deref())
            .and_then(|r| l.release(r));
        matches!((forecast, planned), (Some(today), Some(r)) if r.date >= today && r.date < release_date)
    };
    let mut ids: BTreeSet<u32> = idx
        .on(week)
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !ships_earlier(*id))
        .collect();
    for r in idx.releases_of(week) {
        ids.extend(idx.entries_of(&r.id).iter().map(|e| e.id));
    }
    ids
}

/// The readiness checks and run sheet of a release.
pub fn run_sheet(entries: &[&Entry], r: &Release) -> RunSheet {
    let passed = entries.iter().filter(|e| e.tests.all_passed()).count();
    let wanted: Vec<&String> = entries.iter().flat_map(|e| &e.sql_scripts).collect();
    let unlisted: Vec<String> = wanted
        .iter()
        .filter(|p| !r.data_migration.scripts.contains(p))
        .map(|p| (*p).clone())
        .collect();
    let has_sql = !wanted.is_empty() || !r.data_migration.scripts.is_empty();
    let approved = !r.approver.is_empty()
        && matches!(
            r.status,
            ReleaseStatus::Approved | ReleaseStatus::Released | ReleaseStatus::RolledBack
        );
    let checks = vec![
        Check {
            key: "all_passed",
            ok: !entries.is_empty() && passed == entries.len(),
            detail: format!("{passed}/{}", entries.len()),
        },
        Check {
            key: "approval",
            ok: approved,
            detail: r.approver.clone(),
        },
        Check {
            key: "rollback",
            ok: !r.rollback.plan.is_empty(),
            detail: r.rollback.owner.clone(),
        },
        Check {
            key: "backup",
            ok: !has_sql || !r.data_migration.backup.is_empty(),
            detail: r.data_migration.backup.clone(),
        },
        Check {
            key: "sql_scripts",
            ok: unlisted.is_empty(),
            detail: unlisted.join(", "),
        },
    ];
    RunSheet {
        link: Link {
            text: r.title.clone(),
            url: release_url(&r.id),
        },
        status: r.status.as_str(),
        ready: checks.iter().all(|c| c.ok),
        checks,
        steps: views::ordered_steps(r),
        scripts: r.data_migration.scripts.clone(),
        backup: r.data_migration.backup.clone(),
        rollback_owner: r.rollback.owner.clone(),
    }
}

/// The page of the train of `week`, released on `release_date`.
pub fn train_view<'a>(
    input: &'a SiteInput,
    idx: &Index<'a>,
    rows: &Rows,
    week: &str,
    release_date: Date,
) -> TrainView {
    let (all, seats) = (&idx.weeks, idx.seats);
    let l = input.ledger;
    let cfg = &input.config.train;
    let c = metrics::cut_off(release_date, cfg);
    let release_at = release_instant(input, release_date);
    // "Now" is the generation time (the HEAD commit's), never the clock.
    let now = input
        .generated_at
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_second());
    let as_of = now.map_or(release_at, |t| t.min(release_at));
    let past = now.is_none_or(|t| t > c + 7 * DAY);
    let mut due = Vec::new();
    for id in due_ids(input, idx, week, release_date) {
        let Some(e) = l.entry(id) else { continue };
        let seat = seats
            .get(&id)
            .and_then(|s| s.iter().find(|s| s.week == week));
        let released = seat.is_some_and(|s| s.released);
        let missed = seat.is_some_and(|s| !s.released && (s.carried || past));
        let went_on = if missed {
            seats
                .get(&id)
                .and_then(|s| s.iter().find(|s| s.week.as_str() > week && s.released))
                .map(|s| Link {
                    text: s.week.clone(),
                    url: train_url(&s.week),
                })
        } else {
            None
        };
        due.push(DueView {
            e: rows.of(e),
            released,
            missed,
            went_on,
        });
    }
    let mut envs: Vec<EnvView> = ENVS
        .iter()
        .map(|s| EnvView {
            status: s.as_str(),
            entries: Vec::new(),
        })
        .collect();
    let mut bounced = Vec::new();
    for (e, m) in &idx.moves {
        // The last move landed by `as_of`, as the moves are listed (oldest first).
        if let Some(&(at, Some(env))) = m.iter().take_while(|x| x.0 <= as_of).last() {
            envs[usize::from(env)].entries.push(SittingView {
                e: rows.of(e),
                id: e.id,
                since: local(input, at),
                days: (as_of - at).max(0) / DAY,
            });
        }
    }
    for &(e, from, at) in &idx.bounces {
        if at > c && at <= c + 7 * DAY {
            bounced.push(BounceView {
                e: rows.of(e),
                from: from.to_owned(),
                at: local(input, at),
            });
        }
    }
    for env in &mut envs {
        env.entries
            .sort_by(|a, b| (b.days, a.id).cmp(&(a.days, b.id)));
    }
    let pos = all.iter().position(|(w, _)| w == week);
    let link = |i: usize| {
        all.get(i).map(|(w, _)| Link {
            text: w.clone(),
            url: train_url(w),
        })
    };
    TrainView {
        week: week.to_owned(),
        release_date,
        cut_off: local(input, c - 1).get(..10).unwrap_or_default().to_owned() + " 24:00",
        as_of: local(input, as_of),
        missed: due.iter().filter(|d| d.missed).count(),
        due,
        envs,
        bounced,
        releases: idx
            .releases_of(week)
            .iter()
            .map(|r| run_sheet(idx.entries_of(&r.id), r))
            .collect(),
        prev: pos.and_then(|p| p.checked_sub(1)).and_then(link),
        next: pos.and_then(|p| link(p + 1)),
    }
}
