//! Delivery metrics from history: pure functions over the Ledger, the mined History and the
//! Config. No IO and no clock: "today" is passed in. Every metric is its own small function
//! over one timeline ([`release_times`], [`lead_time`], [`failures`], [`restore_hours`],
//! [`bounces`], [`on_time`], [`is_late`], [`seats`], [`stuck`]); [`compute`] gathers them into
//! per-week rows (ISO week `YYYY-Www` of the landing time in the configured time zone),
//! per-system rows and the time spent per stage. The definitions are in the README ("Metrics").

use crate::calendar::{local_date, week_label, week_of};
use crate::config::{Config, Train};
use crate::history::facts::{parse_time, transitions};
use crate::history::{History, Timeline};
use crate::model::{Entry, Keyword, Ledger, Status};
use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use serde::Serialize;
use std::collections::BTreeMap;

const DAY: i64 = 86_400;

/// Every metric of a ledger.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// The day "stuck" is measured against.
    pub today: Option<String>,
    pub stuck_after_days: u32,
    /// One row per ISO week that has any event, oldest first.
    pub weeks: Vec<Row>,
    /// One row per system of the entries, by name.
    pub systems: Vec<Row>,
    /// Time spent per status, in days, over every entry.
    pub stages: Vec<Stage>,
    pub stuck: Vec<Stuck>,
}

/// The metrics of one week or one system.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Row {
    /// `2019-W10` or the system's name.
    pub key: String,
    /// Release documents moved to `released`.
    pub releases: u32,
    /// Entries moved to `released` (each re-release counts).
    pub released: u32,
    pub lead_median_days: Option<f64>,
    pub lead_p90_days: Option<f64>,
    /// Of `released`, how many were rolled back before being released again.
    pub rolled_back: u32,
    pub change_failure_rate: Option<f64>,
    pub restore_median_hours: Option<f64>,
    pub bounce_backs: u32,
    pub sit_entries: u32,
    pub bounce_back_rate: Option<f64>,
    pub on_time: u32,
    pub with_plan: u32,
    pub on_time_rate: Option<f64>,
    pub carried_over: u32,
    pub on_train: u32,
    pub carry_over_rate: Option<f64>,
}

/// Time spent in one status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub status: String,
    pub count: u32,
    pub median_days: f64,
    pub p90_days: f64,
}

/// An open entry whose status has not moved for more than `stuck_after_days`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stuck {
    pub id: u32,
    pub title: String,
    pub system: String,
    pub status: String,
    pub since: String,
    pub days: i64,
    pub tech_lead: String,
    pub test_lead: String,
}

/// An entry's place on one weekly train.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Seat {
    /// The train's ISO week and release day.
    pub week: String,
    pub release_date: Date,
    /// Released on this train (between its cut-off and the next one).
    pub released: bool,
    /// Missed this train and was released on a later one.
    pub carried: bool,
}

/// The median (mean of the two middle values for an even count).
pub fn median(v: &[f64]) -> Option<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(s[n / 2]),
        _ => Some((s[n / 2 - 1] + s[n / 2]) / 2.0),
    }
}

/// The 90th percentile, nearest rank.
pub fn p90(v: &[f64]) -> Option<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    if s.is_empty() {
        return None;
    }
    let rank = ((0.9 * s.len() as f64).ceil() as usize).max(1);
    Some(s[rank - 1])
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn rate(n: u32, d: u32) -> Option<f64> {
    (d > 0).then(|| (n as f64 / d as f64 * 1000.0).round() / 1000.0)
}

/// A landed status move: `(from, to, unix time of landing)`.
pub type Move = (Option<String>, String, i64);

/// A document's landed status moves, oldest first.
pub type Moves = Vec<Move>;

/// The landed status moves of a timeline; the metrics below are computed from them.
pub fn moves(t: &Timeline) -> Moves {
    transitions(t)
        .into_iter()
        .filter(|m| !m.working_tree)
        .filter_map(|m| {
            let at = parse_time(m.landed_time)?;
            Some((m.from.map(str::to_owned), m.to.to_owned(), at))
        })
        .collect()
}

/// Days spent in each status, from one landed move to the next (the last status is open and
/// not counted), of a document's [`moves`].
fn stage_days(m: &[Move]) -> impl Iterator<Item = (&str, f64)> {
    m.windows(2).map(|w| {
        (
            w[0].1.as_str(),
            (w[1].2 - w[0].2).max(0) as f64 / DAY as f64,
        )
    })
}

/// Landing times of every move to `released`, of a document's [`moves`].
pub fn release_times(m: &[Move]) -> Vec<i64> {
    m.iter()
        .filter(|m| m.1 == "released")
        .map(|m| m.2)
        .collect()
}

/// Lead time: from the first landed step (registered) to the first release, as (released at,
/// days).
pub fn lead_time(t: &Timeline, m: &[Move]) -> Option<(i64, f64)> {
    let end = m.iter().find(|m| m.1 == "released")?.2;
    let start = t
        .steps
        .iter()
        .find(|s| !s.working_tree)
        .and_then(|s| parse_time(&s.landed_time))?;
    Some((end, round1((end - start).max(0) as f64 / DAY as f64)))
}

/// Each release as (released at, rolled back before the next release), of a document's
/// [`moves`].
pub fn failures(m: &[Move]) -> Vec<(i64, bool)> {
    let mut out = Vec::new();
    for (i, mv) in m.iter().enumerate() {
        if mv.1 == "released" {
            let failed = m[i + 1..]
                .iter()
                .take_while(|n| n.1 != "released")
                .any(|n| n.1 == "rolled-back");
            out.push((mv.2, failed));
        }
    }
    out
}

/// Time to restore: each rollback that was released again, as (rolled back at, hours), of a
/// document's [`moves`].
pub fn restore_hours(m: &[Move]) -> Vec<(i64, f64)> {
    m.iter()
        .enumerate()
        .filter(|(_, b)| b.1 == "rolled-back")
        .filter_map(|(i, b)| {
            let a = m[i + 1..].iter().find(|a| a.1 == "released")?;
            Some((b.2, round1((a.2 - b.2).max(0) as f64 / 3600.0)))
        })
        .collect()
}

/// (bounce-backs, moves into sit): times of moves from sit/uat/preprod back to developing, and
/// of moves into sit.
pub fn bounces(m: &[Move]) -> (Vec<i64>, Vec<i64>) {
    let back = m
        .iter()
        .filter(|(f, to, _)| {
            to == "developing" && matches!(f.as_deref(), Some("sit" | "uat" | "preprod"))
        })
        .map(|m| m.2)
        .collect();
    let sit = m.iter().filter(|m| m.1 == "sit").map(|m| m.2).collect();
    (back, sit)
}

/// On time: for an entry released (its last release) with a `planned_finish`, (released at,
/// released no later than the train its plan aimed at, [`due_train`]).
pub fn on_time(e: &Entry, m: &[Move], train: &Train) -> Option<(i64, bool)> {
    let plan = e.planned_finish?;
    let at = m.iter().rev().find(|m| m.1 == "released")?.2;
    Some((at, local_date(at, train.timezone) <= due_train(plan, train)))
}

/// The release day of the first train that an entry whose development is planned to finish
/// on `plan` can catch: the first release day whose submit day is on or after `plan`.
pub fn due_train(plan: Date, train: &Train) -> Date {
    let mut release = release_day_of(plan, train);
    while submit_day(release, train) < plan {
        release += jiff::Span::new().days(7);
    }
    release
}

/// Late on `today`: an open entry (not on hold) with a `planned_finish` that is still in
/// development (registered, developing) after it, or not released after the release day of
/// the train that plan aimed at ([`due_train`]). An entry in test on Thursday for that
/// night's train is not late.
pub fn is_late(e: &Entry, today: Date, train: &Train) -> bool {
    let Some(plan) = e.planned_finish else {
        return false;
    };
    if !e.status.is_open() || e.status == Status::OnHold {
        return false;
    }
    let developing = matches!(e.status, Status::Registered | Status::Developing);
    (developing && today > plan) || today > due_train(plan, train)
}

/// The release day of the train in `d`'s ISO week.
pub fn release_day_of(d: Date, train: &Train) -> Date {
    let back = d.weekday().to_monday_zero_offset() as i64;
    let monday = d - jiff::Span::new().days(back);
    monday + jiff::Span::new().days(train.release_day.to_monday_zero_offset() as i64)
}

/// The cut-off of the train released on `release`: the end of the submit day before it.
pub fn cut_off(release: Date, train: &Train) -> i64 {
    let day = submit_day(release, train) + jiff::Span::new().days(1);
    day.to_zoned(TimeZone::fixed(train.timezone))
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

/// The submit day of the train released on `release`: the last `[train] submit` weekday
/// before it.
pub fn submit_day(release: Date, train: &Train) -> Date {
    let mut back = (release.weekday().to_monday_zero_offset() as i64
        - train.submit.to_monday_zero_offset() as i64)
        .rem_euclid(7);
    if back == 0 {
        back = 7;
    }
    release - jiff::Span::new().days(back)
}

fn is_on_train(status: &str) -> bool {
    Status::parse(status).is_some_and(Status::is_on_train)
}

/// The trains an entry was on: every weekly cut-off (up to the first one after its last status
/// move) at which its status was submitted to approved; whether it was released on that train
/// (before the next cut-off) or carried over to a later one.
pub fn seats(m: &[Move], train: &Train) -> Vec<Seat> {
    let (Some(first), Some(last)) = (m.first(), m.last()) else {
        return Vec::new();
    };
    let released: Vec<i64> = m
        .iter()
        .filter(|x| x.1 == "released")
        .map(|x| x.2)
        .collect();
    let mut d = release_day_of(local_date(first.2, train.timezone), train);
    let mut out = Vec::new();
    loop {
        let c = cut_off(d, train);
        // At most one cut-off after the last move: later ones are not known yet.
        if c > last.2 + 7 * DAY {
            break;
        }
        let next = c + 7 * DAY;
        let status = m
            .iter()
            .take_while(|x| x.2 <= c)
            .last()
            .map(|x| x.1.as_str());
        if status.is_some_and(is_on_train) {
            let on = released.iter().any(|&r| r > c && r <= next);
            out.push(Seat {
                week: week_label(d),
                release_date: d,
                released: on,
                carried: !on && released.iter().any(|&r| r > next),
            });
        }
        d += jiff::Span::new().days(7);
    }
    out
}

/// Open entries whose last landed status move is more than `after_days` before `today`.
pub fn stuck(
    ledger: &Ledger,
    history: &History,
    tz: Offset,
    today: Date,
    after_days: u32,
) -> Vec<Stuck> {
    let mut out = Vec::new();
    for e in ledger.entries.iter().filter(|e| e.status.is_open()) {
        let Some(t) = history.of(&e.doc.path) else {
            continue;
        };
        let Some(last) = moves(t).last().map(|m| m.2) else {
            continue;
        };
        let since = local_date(last, tz);
        let days = (today - since).get_days() as i64;
        if days > after_days as i64 {
            out.push(Stuck {
                id: e.id,
                title: e.title.clone(),
                system: e.system.clone(),
                status: e.status.as_str().to_owned(),
                since: since.to_string(),
                days,
                tech_lead: e.tech_lead.clone(),
                test_lead: e.test_lead.clone(),
            });
        }
    }
    out.sort_by(|a, b| (b.days, a.id).cmp(&(a.days, b.id)));
    out
}

/// What one entry adds to the metrics, from its timeline.
struct Facts {
    moves: Moves,
    failures: Vec<(i64, bool)>,
    lead_time: Option<(i64, f64)>,
    restore_hours: Vec<(i64, f64)>,
    bounces: (Vec<i64>, Vec<i64>),
    on_time: Option<(i64, bool)>,
    seats: Vec<Seat>,
}

impl Facts {
    fn of(e: &Entry, t: &Timeline, train: &Train) -> Facts {
        let m = moves(t);
        Facts {
            failures: failures(&m),
            lead_time: lead_time(t, &m),
            restore_hours: restore_hours(&m),
            bounces: bounces(&m),
            on_time: on_time(e, &m, train),
            seats: seats(&m, train),
            moves: m,
        }
    }
}

#[derive(Default)]
struct Acc {
    releases: u32,
    released: u32,
    lead: Vec<f64>,
    rolled_back: u32,
    restore: Vec<f64>,
    bounce_backs: u32,
    sit_entries: u32,
    on_time: u32,
    with_plan: u32,
    carried: u32,
    on_train: u32,
}

impl Acc {
    fn row(self, key: String) -> Row {
        Row {
            key,
            releases: self.releases,
            released: self.released,
            lead_median_days: median(&self.lead).map(round1),
            lead_p90_days: p90(&self.lead).map(round1),
            rolled_back: self.rolled_back,
            change_failure_rate: rate(self.rolled_back, self.released),
            restore_median_hours: median(&self.restore).map(round1),
            bounce_backs: self.bounce_backs,
            sit_entries: self.sit_entries,
            bounce_back_rate: rate(self.bounce_backs, self.sit_entries),
            on_time: self.on_time,
            with_plan: self.with_plan,
            on_time_rate: rate(self.on_time, self.with_plan),
            carried_over: self.carried,
            on_train: self.on_train,
            carry_over_rate: rate(self.carried, self.on_train),
        }
    }
}

/// Every metric of the ledger, `today` being the day stuck entries are measured against.
pub fn compute(
    ledger: &Ledger,
    history: &History,
    config: &Config,
    today: Option<Date>,
) -> Metrics {
    let tz = config.train.timezone;
    let mut weeks: BTreeMap<String, Acc> = BTreeMap::new();
    let mut systems: BTreeMap<String, Acc> = BTreeMap::new();
    let mut stages: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in &ledger.releases {
        let Some(t) = history.of(&r.doc.path) else {
            continue;
        };
        let mut names: Vec<&str> = ledger
            .entries_of_release(&r.id)
            .map(|e| e.system.as_str())
            .collect();
        names.sort();
        names.dedup();
        for at in release_times(&moves(t)) {
            weeks.entry(week_of(at, tz)).or_default().releases += 1;
            for n in &names {
                systems.entry((*n).to_owned()).or_default().releases += 1;
            }
        }
    }
    // Each entry's facts are worked out in parallel from its moves, then added up in order.
    use rayon::prelude::*;
    let facts: Vec<(&Entry, Facts)> = ledger
        .entries
        .par_iter()
        .filter_map(|e| Some((e, Facts::of(e, history.of(&e.doc.path)?, &config.train))))
        .collect();
    for (e, f) in facts {
        let mut add = |at: i64, f: &dyn Fn(&mut Acc)| {
            f(weeks.entry(week_of(at, tz)).or_default());
            f(systems.entry(e.system.clone()).or_default());
        };
        for (at, failed) in f.failures {
            add(at, &|a| {
                a.released += 1;
                a.rolled_back += u32::from(failed);
            });
        }
        if let Some((at, days)) = f.lead_time {
            add(at, &|a| a.lead.push(days));
        }
        for (at, hours) in f.restore_hours {
            add(at, &|a| a.restore.push(hours));
        }
        for at in f.bounces.0 {
            add(at, &|a| a.bounce_backs += 1);
        }
        for at in f.bounces.1 {
            add(at, &|a| a.sit_entries += 1);
        }
        if let Some((at, ok)) = f.on_time {
            add(at, &|a| {
                a.with_plan += 1;
                a.on_time += u32::from(ok);
            });
        }
        for s in f.seats {
            if s.released || s.carried {
                let w = weeks.entry(s.week.clone()).or_default();
                w.on_train += 1;
                w.carried += u32::from(s.carried);
                let y = systems.entry(e.system.clone()).or_default();
                y.on_train += 1;
                y.carried += u32::from(s.carried);
            }
        }
        for (status, days) in stage_days(&f.moves) {
            stages.entry(status.to_owned()).or_default().push(days);
        }
    }
    let stages = Status::ALL
        .iter()
        .filter_map(|s| {
            let v = stages.get(s.as_str())?;
            Some(Stage {
                status: s.as_str().to_owned(),
                count: v.len() as u32,
                median_days: round1(median(v)?),
                p90_days: round1(p90(v)?),
            })
        })
        .collect();
    Metrics {
        today: today.map(|d| d.to_string()),
        stuck_after_days: config.stuck_after_days,
        weeks: weeks.into_iter().map(|(k, a)| a.row(k)).collect(),
        systems: systems.into_iter().map(|(k, a)| a.row(k)).collect(),
        stages,
        stuck: today
            .map(|d| stuck(ledger, history, tz, d, config.stuck_after_days))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests;
