//! Test fixtures shared by the exports' unit tests: a small ledger (two entries, a requirement,
//! a release, a runbook), its history and config, and a CSV reader. Test-only code.

use super::{COLUMNS, ExportInput};
use crate::config::{Config, Language};
use crate::git::ChangeKind;
use crate::history::{FieldChange, History, Step, Timeline};
use crate::model::{
    Category, Doc, Entry, Ledger, Priority, Release, ReleaseStatus, Requirement, RequirementStatus,
    Runbook, Status, Tests,
};
use jiff::civil::date;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub(super) const GENERATED: &str = "2019-03-14T22:05:00+08:00";

pub(super) fn entry(id: u32, title: &str, status: Status, body: &str) -> Entry {
    Entry {
        id,
        title: title.into(),
        system: "小贷".into(),
        subsystem: "账务".into(),
        module: "还款".into(),
        feature: "还款文件".into(),
        category: Category::Feature,
        priority: Priority::High,
        status,
        proposer: "琳琳".into(),
        proposed_on: date(2019, 2, 25),
        has_sql: true,
        sql_scripts: vec!["sql/0020_add_export_table.sql".into()],
        expected_solution: "每日生成还款文件".into(),
        technical_solution: "批量任务, \"quoted\"\n第二行".into(),
        business_feedback: String::new(),
        resolution_notes: String::new(),
        planned_start: Some(date(2019, 3, 1)),
        planned_finish: Some(date(2019, 3, 7)),
        tech_lead: "王工".into(),
        test_start: None,
        test_finish: None,
        test_lead: "李测".into(),
        test_opinion: "通过 <ok> & 好".into(),
        related_systems: vec!["核心".into(), "渠道".into()],
        requirement: Some("REQ-0007".into()),
        release: Some("2019-03-07".into()),
        tests: Tests::default(),
        body: body.into(),
        doc: Doc {
            path: format!("content/entries/{id:04}-x.md"),
            ..Doc::default()
        },
    }
}

pub(super) fn ledger() -> Ledger {
    let mut second = entry(
        21,
        "Password policy",
        Status::Registered,
        "Plain *English* body.\n",
    );
    second.has_sql = false;
    second.release = None;
    second.requirement = None;
    second.related_systems = vec![];
    second.planned_start = None;
    second.planned_finish = None;
    Ledger {
        entries: vec![
            entry(
                20,
                "还款文件生成",
                Status::Uat,
                "\n## 问题\n\n还款文件  需要**每日**生成。\n\n- 一\n- 二\n\n",
            ),
            second,
        ],
        requirements: vec![Requirement {
            id: "REQ-0007".into(),
            title: "还款文件需求".into(),
            system: "小贷".into(),
            owner: "琳琳".into(),
            status: RequirementStatus::Approved,
            version: "1.0".into(),
            created: Some(date(2019, 2, 20)),
            body: "需求正文".into(),
            doc: Doc {
                path: "content/requirements/REQ-0007-export.md".into(),
                ..Doc::default()
            },
        }],
        releases: vec![Release {
            id: "2019-03-07".into(),
            title: "3月7日发版".into(),
            date: date(2019, 3, 7),
            status: ReleaseStatus::Released,
            approver: "张经理".into(),
            approved_on: Some(date(2019, 3, 7)),
            strategy: None,
            phases: vec![],
            goals: vec!["还款文件上线".into()],
            steps: vec![],
            rollback: Default::default(),
            environment_checklist: vec![],
            data_migration: Default::default(),
            verification: vec![],
            monitoring: vec![],
            docs_updates: vec![],
            runbook: Some("content/runbooks/repayment-batch.md".into()),
            body: "发版说明".into(),
            doc: Doc {
                path: "content/releases/2019-03-07.md".into(),
                ..Doc::default()
            },
        }],
        runbooks: vec![Runbook {
            slug: "repayment-batch".into(),
            title: "还款批量手册".into(),
            system: "小贷".into(),
            owner: "运维".into(),
            updated: None,
            body: "# 步骤\n\n重跑 `batch.sh`".into(),
            doc: Doc {
                path: "content/runbooks/repayment-batch.md".into(),
                ..Doc::default()
            },
        }],
        broken: Default::default(),
    }
}

pub(super) fn step(
    n: u32,
    time: &str,
    path: &str,
    changes: Vec<(&str, Value, Value)>,
    working_tree: bool,
) -> Step {
    Step {
        commit: if working_tree {
            String::new()
        } else {
            format!("{n:040}")
        },
        author: if working_tree { "" } else { "琳琳 <&>" }.into(),
        email: "linlin@example.com".into(),
        time: time.into(),
        message: format!("commit {n}\n\nbody"),
        landed_commit: if working_tree {
            String::new()
        } else {
            format!("{:040}", n + 100)
        },
        landed_time: time.into(),
        changes: changes
            .into_iter()
            .map(|(f, from, to)| FieldChange {
                field: f.into(),
                from,
                to,
            })
            .collect(),
        body_changed: n == 2,
        path: path.into(),
        kind: ChangeKind::Modified,
        note: None,
        working_tree,
    }
}

pub(super) fn history() -> History {
    let e20 = "content/entries/0020-x.md";
    let rel = "content/releases/2019-03-07.md";
    let mut files = BTreeMap::new();
    files.insert(
        e20.to_owned(),
        Timeline {
            path: e20.into(),
            deleted: false,
            steps: vec![
                step(
                    1,
                    "2019-03-01T10:00:00+08:00",
                    e20,
                    vec![("status", Value::Null, json!("registered"))],
                    false,
                ),
                step(
                    2,
                    "2019-03-11T10:00:00+08:00",
                    e20,
                    vec![
                        ("status", json!("sit"), json!("uat")),
                        ("tests.sit.result", json!("pending"), json!("pass")),
                    ],
                    false,
                ),
                step(
                    3,
                    "",
                    e20,
                    vec![("status", json!("uat"), json!("preprod"))],
                    true,
                ),
            ],
        },
    );
    files.insert(
        rel.to_owned(),
        Timeline {
            path: rel.into(),
            deleted: false,
            steps: vec![step(
                4,
                "2019-03-07T22:00:00+08:00",
                rel,
                vec![("status", json!("approved"), json!("released"))],
                false,
            )],
        },
    );
    History {
        head: Some("f".repeat(40)),
        partial: false,
        files,
        warnings: Vec::new(),
    }
}

pub(super) fn config(language: Language) -> Config {
    Config {
        title: "小贷 运维台帐".into(),
        language,
        ..Config::default()
    }
}

pub(super) fn with<R>(language: Language, f: impl FnOnce(&ExportInput) -> R) -> R {
    let (config, ledger, history) = (config(language), ledger(), history());
    f(&ExportInput {
        config: &config,
        ledger: &ledger,
        history: &history,
        generated_at: Some(GENERATED),
        base_url: "https://ops.example.com/ledger",
    })
}

/// An input of `ledger` and `history` without a generation time, under `/`.
pub(super) fn bare<'a>(
    config: &'a Config,
    ledger: &'a Ledger,
    history: &'a History,
) -> ExportInput<'a> {
    ExportInput {
        config,
        ledger,
        history,
        generated_at: None,
        base_url: "/",
    }
}

pub(super) fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

pub(super) fn col(key: &str) -> usize {
    COLUMNS.iter().position(|c| c.0 == key).unwrap()
}
