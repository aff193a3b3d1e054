//! The metrics on hand-built timelines with known answers: a bounce-back from SIT, a missed
//! train (carry-over), a release, its rollback and the re-release, a stuck entry.

use super::*;
use crate::history::facts::status_step as step;

fn tl(steps: &[(&str, Option<&str>, &str)]) -> Timeline {
    Timeline {
        path: "content/entries/0020-a.md".into(),
        deleted: false,
        steps: steps.iter().map(|(t, f, to)| step(t, *f, to)).collect(),
    }
}

/// Registered Fri 1 Mar, submitted Fri 8 Mar, SIT Mon 11, bounced back Tue 12, submitted
/// again Fri 15 (missed the 14 Mar train), released Thu 21, rolled back Fri 22 09:00,
/// released again Thu 28 22:00.
fn story() -> Timeline {
    tl(&[
        ("2019-03-01T10:00:00+08:00", None, "developing"),
        ("2019-03-07T10:00:00+08:00", Some("developing"), "submitted"),
        ("2019-03-11T10:00:00+08:00", Some("submitted"), "sit"),
        ("2019-03-12T10:00:00+08:00", Some("sit"), "developing"),
        ("2019-03-15T10:00:00+08:00", Some("developing"), "submitted"),
        ("2019-03-18T10:00:00+08:00", Some("submitted"), "sit"),
        ("2019-03-20T10:00:00+08:00", Some("sit"), "uat"),
        ("2019-03-21T10:00:00+08:00", Some("uat"), "preprod"),
        ("2019-03-21T20:00:00+08:00", Some("preprod"), "released"),
        ("2019-03-22T09:00:00+08:00", Some("released"), "rolled-back"),
        (
            "2019-03-25T09:00:00+08:00",
            Some("rolled-back"),
            "developing",
        ),
        ("2019-03-28T22:00:00+08:00", Some("developing"), "released"),
    ])
}

fn blank() -> Entry {
    use crate::model::{Category, Doc, Priority, Tests};
    Entry {
        id: 0,
        title: String::new(),
        system: String::new(),
        subsystem: String::new(),
        module: String::new(),
        feature: String::new(),
        category: Category::Feature,
        priority: Priority::Medium,
        status: Status::Registered,
        proposer: String::new(),
        proposed_on: jiff::civil::date(2019, 3, 1),
        has_sql: false,
        sql_scripts: Vec::new(),
        expected_solution: String::new(),
        technical_solution: String::new(),
        business_feedback: String::new(),
        resolution_notes: String::new(),
        planned_start: None,
        planned_finish: None,
        tech_lead: String::new(),
        test_start: None,
        test_finish: None,
        test_lead: String::new(),
        test_opinion: String::new(),
        related_systems: Vec::new(),
        requirement: None,
        release: None,
        tests: Tests::default(),
        body: String::new(),
        doc: Doc::default(),
    }
}

fn secs(s: &str) -> i64 {
    parse_time(s).unwrap()
}

#[test]
fn median_and_p90() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
    assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    let ten: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(p90(&ten), Some(9.0));
    assert_eq!(p90(&[5.0]), Some(5.0));
}

#[test]
fn weeks_are_local() {
    let tz = jiff::tz::offset(8);
    // Sunday 23:30 in UTC is Monday in +08:00.
    assert_eq!(week_of(secs("2019-03-10T16:30:00Z"), tz), "2019-W11");
    assert_eq!(week_of(secs("2019-03-10T15:30:00Z"), tz), "2019-W10");
}

#[test]
fn releases_and_lead_time() {
    let t = story();
    assert_eq!(
        release_times(&moves(&t)),
        [
            secs("2019-03-21T20:00:00+08:00"),
            secs("2019-03-28T22:00:00+08:00")
        ]
    );
    let (at, days) = lead_time(&t, &moves(&t)).unwrap();
    assert_eq!(at, secs("2019-03-21T20:00:00+08:00"));
    assert_eq!(days, 20.4, "1 Mar 10:00 → 21 Mar 20:00");
    assert_eq!(
        {
            let t = tl(&[("2019-03-01T10:00:00+08:00", None, "sit")]);
            lead_time(&t, &moves(&t))
        },
        None
    );
}

#[test]
fn a_rollback_fails_its_release_and_the_re_release_restores() {
    let t = story();
    assert_eq!(
        failures(&moves(&t)),
        [
            (secs("2019-03-21T20:00:00+08:00"), true),
            (secs("2019-03-28T22:00:00+08:00"), false)
        ]
    );
    assert_eq!(
        restore_hours(&moves(&t)),
        [(secs("2019-03-22T09:00:00+08:00"), 6.0 * 24.0 + 13.0)]
    );
}

#[test]
fn bounce_back_from_sit() {
    let (back, sit) = bounces(&moves(&story()));
    assert_eq!(back, [secs("2019-03-12T10:00:00+08:00")]);
    assert_eq!(sit.len(), 2);
    let (back, _) = bounces(&moves(&tl(&[(
        "2019-03-01T10:00:00+08:00",
        Some("rolled-back"),
        "developing",
    )])));
    assert!(back.is_empty(), "a rollback is not a bounce-back");
}

#[test]
fn on_time_compares_the_last_release_with_the_train_the_plan_aimed_at() {
    // The story is last released on Thursday 2019-03-28.
    let mut e = Entry {
        planned_finish: Some(jiff::civil::date(2019, 3, 14)),
        ..blank()
    };
    let train = Train::default();
    // Planned to finish Thursday 03-14: misses the cut-off of Friday 03-08, so it aims at the
    // train submitted Friday 03-15 and released 03-21. Released 03-28: late.
    assert_eq!(
        on_time(&e, &moves(&story()), &train),
        Some((secs("2019-03-28T22:00:00+08:00"), false))
    );
    // Planned for Friday 03-22 (submit day of the 03-28 train): on time.
    e.planned_finish = Some(jiff::civil::date(2019, 3, 22));
    assert_eq!(
        on_time(&e, &moves(&story()), &train).map(|x| x.1),
        Some(true)
    );
    e.planned_finish = None;
    assert_eq!(on_time(&e, &moves(&story()), &train), None);
}

#[test]
fn late_means_past_the_plan_in_development_or_past_the_train_it_aimed_at() {
    let train = Train::default();
    let d = |m, day| jiff::civil::date(2019, m, day);
    // Planned to finish Friday 03-08: aims at the train released Thursday 03-14.
    let e = |status| Entry {
        status,
        planned_finish: Some(d(3, 8)),
        ..blank()
    };
    assert!(!is_late(&e(Status::Developing), d(3, 8), &train));
    assert!(
        is_late(&e(Status::Developing), d(3, 9), &train),
        "dev past its plan"
    );
    assert!(
        !is_late(&e(Status::Sit), d(3, 14), &train),
        "in test for tonight's train"
    );
    assert!(
        is_late(&e(Status::Sit), d(3, 15), &train),
        "missed its train"
    );
    assert!(is_late(&e(Status::Approved), d(3, 15), &train));
    for done in [
        Status::Released,
        Status::Closed,
        Status::RolledBack,
        Status::OnHold,
    ] {
        assert!(!is_late(&e(done), d(4, 1), &train), "{done:?}");
    }
    let unplanned = Entry {
        planned_finish: None,
        ..e(Status::Developing)
    };
    assert!(!is_late(&unplanned, d(4, 1), &train));
}

#[test]
fn the_due_train_is_the_first_whose_submit_day_is_not_before_the_plan() {
    let train = Train::default();
    let d = |m, day| jiff::civil::date(2019, m, day);
    assert_eq!(
        due_train(d(2, 15), &train),
        d(2, 21),
        "finished on the submit day"
    );
    assert_eq!(
        due_train(d(2, 16), &train),
        d(2, 28),
        "a day late: the next train"
    );
    assert_eq!(due_train(d(2, 20), &train), d(2, 28));
    assert_eq!(
        due_train(d(2, 21), &train),
        d(2, 28),
        "on a release day: the next train"
    );
    assert_eq!(submit_day(d(3, 14), &train), d(3, 8));
}

#[test]
fn cut_off_is_the_end_of_the_friday_before() {
    let train = Train::default();
    assert_eq!(
        cut_off(jiff::civil::date(2019, 3, 14), &train),
        secs("2019-03-09T00:00:00+08:00")
    );
}

#[test]
fn a_carry_over_is_found_from_history() {
    let seats = seats(&moves(&story()), &Train::default());
    let w: Vec<(&str, bool, bool)> = seats
        .iter()
        .map(|s| (s.week.as_str(), s.released, s.carried))
        .collect();
    // On the 14 Mar train (submitted by the 8 Mar cut-off), bounced back: carried over.
    // On the 21 Mar train and released there. Released when the 28 Mar cut-off came.
    assert_eq!(w, [("2019-W11", false, true), ("2019-W12", true, false)]);
}

#[test]
fn stuck_entries_with_their_owners() {
    let mut l = Ledger::default();
    let e = |id: u32, status: Status, path: &str| Entry {
        id,
        status,
        tech_lead: "王工".into(),
        doc: crate::model::Doc {
            path: path.into(),
            ..Default::default()
        },
        ..blank()
    };
    l.entries.push(e(1, Status::Sit, "a.md"));
    l.entries.push(e(2, Status::Released, "b.md"));
    l.entries.push(e(3, Status::Uat, "c.md"));
    let mut h = History::default();
    h.files.insert(
        "a.md".into(),
        tl(&[("2019-03-01T10:00:00+08:00", Some("submitted"), "sit")]),
    );
    h.files.insert(
        "b.md".into(),
        tl(&[("2019-03-01T10:00:00+08:00", Some("preprod"), "released")]),
    );
    h.files.insert(
        "c.md".into(),
        tl(&[("2019-03-10T10:00:00+08:00", Some("sit"), "uat")]),
    );
    let s = stuck(
        &l,
        &h,
        jiff::tz::offset(8),
        jiff::civil::date(2019, 3, 20),
        14,
    );
    assert_eq!(s.len(), 1);
    assert_eq!(
        (s[0].id, s[0].days, s[0].tech_lead.as_str()),
        (1, 19, "王工")
    );
}

#[test]
fn compute_gathers_weeks_and_systems() {
    let mut l = Ledger::default();
    l.entries.push(Entry {
        id: 20,
        system: "贷款".into(),
        status: Status::Released,
        // Aims at the train released 03-21; the last release is 03-28: late.
        planned_finish: Some(jiff::civil::date(2019, 3, 15)),
        doc: crate::model::Doc {
            path: "content/entries/0020-a.md".into(),
            ..Default::default()
        },
        ..blank()
    });
    let mut h = History::default();
    h.files.insert("content/entries/0020-a.md".into(), story());
    let m = compute(
        &l,
        &h,
        &Config::default(),
        Some(jiff::civil::date(2019, 4, 1)),
    );
    let w12 = m.weeks.iter().find(|r| r.key == "2019-W12").unwrap();
    assert_eq!((w12.released, w12.rolled_back), (1, 1));
    assert_eq!(w12.change_failure_rate, Some(1.0));
    assert_eq!(w12.restore_median_hours, Some(157.0));
    assert_eq!(w12.lead_median_days, Some(20.4));
    assert_eq!((w12.on_train, w12.carried_over), (1, 0));
    let w11 = m.weeks.iter().find(|r| r.key == "2019-W11").unwrap();
    assert_eq!((w11.bounce_backs, w11.sit_entries), (1, 1));
    assert_eq!(w11.carry_over_rate, Some(1.0));
    let w13 = m.weeks.iter().find(|r| r.key == "2019-W13").unwrap();
    assert_eq!((w13.with_plan, w13.on_time), (1, 0));
    let sys = &m.systems[0];
    assert_eq!(sys.key, "贷款");
    assert_eq!((sys.released, sys.rolled_back), (2, 1));
    assert_eq!(sys.change_failure_rate, Some(0.5));
    assert_eq!(sys.carry_over_rate, Some(0.5));
    let sit = m.stages.iter().find(|s| s.status == "sit").unwrap();
    assert_eq!(sit.count, 2);
    assert!(m.stuck.is_empty());
}

#[test]
fn an_open_entry_sits_only_on_the_next_train() {
    let t = tl(&[("2019-03-13T10:00:00+08:00", Some("developing"), "submitted")]);
    let s = seats(&moves(&t), &Train::default());
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(
        (s[0].week.as_str(), s[0].released, s[0].carried),
        ("2019-W12", false, false)
    );
}
