//! Tests of the example ledger, new documents, slugs and quoting.

use super::*;
use jiff::civil::date;

#[test]
fn slugs() {
    assert_eq!(
        slug("Repayment file: export!", "entry"),
        "repayment-file-export"
    );
    assert_eq!(slug("还款文件", "entry"), "entry");
    assert_eq!(slug(&"a".repeat(300), "entry"), "a".repeat(MAX_SLUG));
    let long = slug(&"word ".repeat(5).repeat(20), "entry");
    assert_eq!(long, "word-word-word-word-word-word");
    let cut = slug(&format!("{} {}", "x".repeat(40), "y".repeat(40)), "entry");
    assert_eq!(cut, format!("{}-{}", "x".repeat(40), "y".repeat(7)));
    assert_eq!(cut.len(), MAX_SLUG);
}

#[test]
fn next_release_day() {
    assert_eq!(
        next_weekday(date(2019, 3, 4), Weekday::Thursday),
        date(2019, 3, 7)
    );
    assert_eq!(
        next_weekday(date(2019, 3, 7), Weekday::Thursday),
        date(2019, 3, 7)
    );
    assert_eq!(
        next_weekday(date(2019, 3, 8), Weekday::Thursday),
        date(2019, 3, 14)
    );
}

#[test]
fn new_entry_layout() {
    let o = NewOptions {
        system: Some("小贷".into()),
        proposer: Some("琳琳".into()),
        today: date(2019, 3, 1),
        ..Default::default()
    };
    assert_eq!(
        entry_text(7, "还款文件", &o),
        "---\nid: 7\ntitle: \"还款文件\"\nsystem: \"小贷\"\nsubsystem: \"\"\nmodule: \"\"\nfeature: \"\"\n\
         category: feature\npriority: medium\nstatus: registered\nproposer: \"琳琳\"\nproposed_on: 2019-03-01\n\
         has_sql: false\nsql_scripts: []\nexpected_solution: \"\"\ntechnical_solution: \"\"\nbusiness_feedback: \"\"\n\
         resolution_notes: \"\"\nplanned_start: null\nplanned_finish: null\ntech_lead: \"\"\ntest_start: null\n\
         test_finish: null\ntest_lead: \"\"\ntest_opinion: \"\"\nrelated_systems: []\nrequirement: null\nrelease: null\n\
         tests:\n  sit: {result: pending}\n  uat: {result: pending}\n  preprod: {result: pending}\n---\n\n\
         问题描述 (describe the problem or the change here).\n"
    );
}

#[test]
fn any_entry_renders_with_every_key_and_loads_back() {
    let o = NewOptions {
        system: Some("小贷".into()),
        proposer: Some("琳琳".into()),
        today: date(2019, 3, 1),
        ..Default::default()
    };
    let (parsed, _) = crate::load::parse(
        crate::load::Kind::Entry,
        "content/entries/0007-a.md",
        &entry_text(7, "t", &o),
    );
    let crate::load::Parsed::Entry(mut e) = parsed else {
        panic!()
    };
    e.sql_scripts = vec!["sql/a.sql".into()];
    e.related_systems = vec!["信用卡".into(), "a \"b\"".into()];
    e.planned_finish = Some(date(2019, 3, 8));
    e.release = Some("2019-03-07".into());
    e.tests.sit = crate::model::TestRun {
        result: crate::model::TestResult::Pass,
        date: Some(date(2019, 3, 5)),
        by: "孙强".into(),
    };
    e.body = String::new();
    let text = entry_document(&e);
    assert!(text.contains("\n  sit: {result: pass, date: 2019-03-05, by: \"孙强\"}\n"));
    assert!(
        text.ends_with("preprod: {result: pending}\n---\n"),
        "{text}"
    );
    let (parsed, diags) =
        crate::load::parse(crate::load::Kind::Entry, "content/entries/0007-a.md", &text);
    assert!(diags.is_empty(), "{diags:?}");
    let crate::load::Parsed::Entry(back) = parsed else {
        panic!()
    };
    assert_eq!(
        (back.id, &back.tests, &back.related_systems),
        (e.id, &e.tests, &e.related_systems)
    );
    assert_eq!(
        (&back.sql_scripts, back.planned_finish, &back.release),
        (&e.sql_scripts, e.planned_finish, &e.release)
    );
}

#[test]
fn new_entry_parses_back_with_every_key() {
    let o = NewOptions {
        title: Some("a \"quoted\" title".into()),
        system: Some("小贷".into()),
        proposer: Some("琳琳".into()),
        today: date(2019, 3, 1),
        ..Default::default()
    };
    let text = entry_text(7, "a \"quoted\" title", &o);
    let (parsed, diags) =
        crate::load::parse(crate::load::Kind::Entry, "content/entries/0007-a.md", &text);
    assert!(diags.is_empty(), "{diags:?}");
    let crate::load::Parsed::Entry(e) = parsed else {
        panic!()
    };
    assert_eq!(e.title, "a \"quoted\" title");
    for key in crate::schema::RawEntry::FIELDS {
        assert!(text.contains(&format!("\n{key}:")), "{key} missing");
    }
}
