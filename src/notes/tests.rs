use super::*;
use crate::load::{self, Kind};
use crate::model::{Env, TestResult};

/// A release `2019-03-21` (no approver, no rollback plan, a migration script but no backup)
/// and three entries: #1 passed everywhere with an opinion, #2 failed UAT without an opinion,
/// #3 passed with a script; #4 belongs to another release.
fn ledger() -> Ledger {
    let mut l = Ledger::default();
    let release = "---\nid: \"2019-03-21\"\ntitle: 2019-03-21 期次投产计划\ndate: 2019-03-21\nstatus: testing\nstrategy: phased\nphases:\n  - {percent: 50, exit_criteria: 观察一天}\n  - {percent: 100, exit_criteria: 无异常}\ndata_migration:\n  scripts: [sql/0003_b.sql, sql/9999_m.sql]\n---\n";
    push(
        &mut l,
        Kind::Release,
        "content/releases/2019-03-21.md",
        release,
    );
    let entries = [
        (
            1,
            "tests: {sit: {result: pass, date: 2019-03-18, by: 陈晨}, uat: {result: pass, date: 2019-03-20, by: 林晓}, preprod: {result: pass, date: 2019-03-21, by: 高峰}}\ntest_opinion: 同意投产\n",
        ),
        (
            2,
            "title: 还款 | 文件 <b>\nmodule: 还款\ntests: {sit: {result: pass, date: 2019-03-18, by: 陈晨}, uat: {result: fail, date: 2019-03-20, by: 林晓}}\n",
        ),
        (
            3,
            "has_sql: true\nsql_scripts: [sql/0003_a.sql, sql/0003_b.sql]\ntest_opinion: 通过\ntests: {sit: {result: pass}, uat: {result: pass}, preprod: {result: pass}}\n",
        ),
    ];
    for (id, extra) in entries {
        let title = if extra.starts_with("title:") {
            ""
        } else {
            "title: 条目\n"
        };
        let text = format!(
            "---\nid: {id}\n{title}system: 小贷\nsubsystem: 账务\ncategory: defect\npriority: high\nstatus: sit\nproposer: 琳琳\nproposed_on: 2019-03-01\nrelease: 2019-03-21\n{extra}---\n"
        );
        push(
            &mut l,
            Kind::Entry,
            &format!("content/entries/{id:04}-x.md"),
            &text,
        );
    }
    let other = "---\nid: 4\ntitle: 别的\nsystem: 小贷\ncategory: defect\npriority: low\nstatus: sit\nproposer: 琳琳\nproposed_on: 2019-03-01\nrelease: 2019-03-28\n---\n";
    push(&mut l, Kind::Entry, "content/entries/0004-x.md", other);
    l.sort();
    l
}

fn push(l: &mut Ledger, kind: Kind, path: &str, text: &str) {
    let (parsed, diags) = load::parse(kind, path, text);
    assert!(diags.is_empty(), "{path}: {diags:#?}");
    load::add(l, parsed);
}

fn config(lang: Language) -> Config {
    Config {
        base_url: "https://ops.example.com:8443/ledger".into(),
        language: lang,
        ..Config::default()
    }
}

#[test]
fn finds_the_risks_of_a_hand_built_ledger() {
    let l = ledger();
    let n = Notes::build(&l, &config(Language::ZhCn), "2019-03-21").unwrap();
    assert_eq!(
        n.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(n.passed, 2);
    let sql: Vec<(&str, &[SqlUse])> = n
        .sql
        .iter()
        .map(|s| (s.path.as_str(), s.used_by.as_slice()))
        .collect();
    assert_eq!(
        sql,
        [
            ("sql/0003_a.sql", &[SqlUse::Entry(3)][..]),
            (
                "sql/0003_b.sql",
                &[SqlUse::Entry(3), SqlUse::DataMigration][..]
            ),
            ("sql/9999_m.sql", &[SqlUse::DataMigration][..]),
        ]
    );
    assert_eq!(
        n.risks,
        [
            Risk::NotPassed {
                id: 2,
                title: "还款 | 文件 <b>".into(),
                stages: vec![
                    (Env::Uat, TestResult::Fail),
                    (Env::Preprod, TestResult::Pending)
                ],
            },
            Risk::NoTestOpinion {
                id: 2,
                title: "还款 | 文件 <b>".into()
            },
            Risk::SqlWithoutBackup {
                scripts: vec![
                    "sql/0003_a.sql".into(),
                    "sql/0003_b.sql".into(),
                    "sql/9999_m.sql".into()
                ]
            },
            Risk::NoApprover,
            Risk::NoRollbackPlan,
        ]
    );
    assert_eq!(
        n.risk_text(&n.risks[0]),
        "#2 还款 | 文件 <b>：未在所有环境测试通过（UAT 不通过、预投产 待测）"
    );
    assert_eq!(
        n.url,
        "https://ops.example.com:8443/ledger/releases/2019-03-21/index.html"
    );
    assert_eq!(n.host, "ops.example.com");
}

#[test]
fn a_release_without_entries_is_a_risk_and_an_unknown_id_names_the_others() {
    let mut l = ledger();
    l.entries.clear();
    let n = Notes::build(&l, &config(Language::En), "2019-03-21").unwrap();
    assert_eq!(n.risks[0], Risk::NoEntries);
    let err = Notes::build(&l, &config(Language::En), "2019-03-22").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no release `2019-03-22`; the releases are: 2019-03-21"
    );
}

#[test]
fn markdown_lists_every_entry_its_tests_and_the_risks() {
    let l = ledger();
    let md = Notes::build(&l, &config(Language::ZhCn), "2019-03-21")
        .unwrap()
        .markdown();
    for want in [
        "# 【投产审批】2019-03-21 期次投产计划 测试完成报告\n",
        "本期次共 3 个条目，2 个全部测试通过，5 项风险待关注。",
        "- 投产策略：灰度（50% → 100%）\n  - 50%：观察一天\n",
        "- 审批人：无\n",
        "- 期次页面：https://ops.example.com:8443/ledger/releases/2019-03-21/index.html\n",
        "| 编号 | 标题 | 系统 | 所属模块 | 问题分类 | 优先级 | SIT | UAT | 预投产 |\n|---|---|---|---|---|---|---|---|---|\n",
        "| #1 | 条目 | 小贷 / 账务 |  | 缺陷 | 高 | 通过 2019-03-18 陈晨 | 通过 2019-03-20 林晓 | 通过 2019-03-21 高峰 |\n",
        "| #2 | 还款 \\| 文件 <b> | 小贷 / 账务 | 还款 | 缺陷 | 高 | 通过 2019-03-18 陈晨 | 不通过 2019-03-20 林晓 | 待测 |\n",
        "## 测试意见\n\n- #1 条目：同意投产\n- #2 还款 | 文件 <b>：无\n",
        "- `sql/0003_b.sql`（#3、数据迁移）\n",
        "- 备份：无\n",
        "## 回退方案\n\n- 触发条件：无\n- 方案：无\n- 负责人：无\n",
        "- 未指定审批人\n- 没有回退方案\n",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    assert!(
        !md.contains("别的"),
        "an entry of another release is listed"
    );
}

#[test]
fn english_labels_follow_the_language() {
    let l = ledger();
    let n = Notes::build(&l, &config(Language::En), "2019-03-21").unwrap();
    assert_eq!(
        n.subject(),
        "[Release approval] 2019-03-21 期次投产计划 test report"
    );
    let md = n.markdown();
    assert!(md.contains("- Strategy: Phased (50% → 100%)\n"), "{md}");
    assert!(md.contains("UAT Fail, Pre-prod Pending"), "{md}");
}

#[test]
fn html_escapes_content_and_has_no_script() {
    let l = ledger();
    let html = Notes::build(&l, &config(Language::ZhCn), "2019-03-21")
        .unwrap()
        .html();
    assert!(html.contains("还款 | 文件 &lt;b&gt;"), "{html}");
    assert!(!html.contains("<b>"));
    for banned in ["<script", "<style", "<link", " class="] {
        assert!(!html.contains(banned), "{banned} in\n{html}");
    }
    assert!(html.contains(
        "<a href=\"https://ops.example.com:8443/ledger/releases/2019-03-21/index.html\""
    ));
}

/// Standard base64 decoding, for checking the encoder.
fn unbase64(s: &str) -> Vec<u8> {
    const ABC: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digits: Vec<u32> = s
        .bytes()
        .filter(|&b| b != b'=' && b != b'\r' && b != b'\n')
        .map(|b| ABC.find(b as char).expect("base64 digit") as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0, |n, (i, d)| n | d << (18 - 6 * i));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

#[test]
fn base64_known_vectors() {
    // RFC 4648, section 10.
    for (plain, coded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
        ("投产", "5oqV5Lqn"),
    ] {
        assert_eq!(base64(plain.as_bytes()), coded, "{plain:?}");
        assert_eq!(unbase64(coded), plain.as_bytes());
    }
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(unbase64(&base64(&all)), all);
    assert!(
        base64(&all).ends_with("+/w=="),
        "the last alphabet characters"
    );
}

#[test]
fn rfc2047_round_trip_of_a_chinese_subject() {
    let subject = "【投产审批】2019-03-14 期次投产计划 测试完成报告（风控、小贷、企业网银）";
    let words = encode_words(subject);
    assert!(words.len() > 1, "long enough to split: {words:?}");
    let mut decoded = Vec::new();
    for w in &words {
        assert!(w.len() <= 75, "{w} is longer than 75");
        let b64 = w
            .strip_prefix("=?UTF-8?B?")
            .and_then(|w| w.strip_suffix("?="))
            .expect("an encoded word");
        let part = unbase64(b64);
        assert!(
            std::str::from_utf8(&part).is_ok(),
            "a word splits a character"
        );
        decoded.extend(part);
    }
    assert_eq!(String::from_utf8(decoded).unwrap(), subject);
}

#[test]
fn the_eml_is_deterministic_crlf_and_dated_by_the_release() {
    let l = ledger();
    let cfg = config(Language::ZhCn);
    let env = Envelope {
        from: Some("吴倩 <wuqian@example.com>".into()),
        to: vec!["pm@example.com".into(), "周建国 <zhou@example.com>".into()],
    };
    let a = Notes::build(&l, &cfg, "2019-03-21")
        .unwrap()
        .eml(&env)
        .unwrap();
    let b = Notes::build(&l.clone(), &cfg, "2019-03-21")
        .unwrap()
        .eml(&env)
        .unwrap();
    assert_eq!(a, b);
    assert!(a.is_ascii());
    assert!(
        !a.replace("\r\n", "").contains(['\r', '\n']),
        "bare CR or LF"
    );
    assert!(a.split("\r\n").all(|l| l.len() <= 78), "a line over 78");
    for want in [
        "From: =?UTF-8?B?5ZC05YCp?= <wuqian@example.com>\r\n",
        "To: pm@example.com,\r\n =?UTF-8?B?5ZGo5bu65Zu9?= <zhou@example.com>\r\n",
        "Subject: =?UTF-8?B?",
        "Date: Thu, 21 Mar 2019 20:00:00 +0800\r\n",
        "Message-ID: <release-notes.2019-03-21@ops.example.com>\r\n",
        "MIME-Version: 1.0\r\nX-Unsent: 1\r\nContent-Type: multipart/alternative;\r\n boundary=\"=_opsledger_",
        "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n",
        "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n",
    ] {
        assert!(a.contains(want), "missing {want:?} in\n{a}");
    }
    let n = Notes::build(&l, &cfg, "2019-03-21").unwrap();
    let plain_b64 = a
        .split("Content-Transfer-Encoding: base64\r\n\r\n")
        .nth(1)
        .and_then(|p| p.split("\r\n\r\n--").next())
        .unwrap();
    assert!(plain_b64.lines().all(|l| l.trim_end().len() <= 76));
    let plain = String::from_utf8(unbase64(plain_b64)).unwrap();
    assert_eq!(plain, n.markdown().replace('\n', "\r\n"));
}
