//! `opsledger check`: the example ledger, many mistakes in one run in every format, the JSON
//! shape, exit codes, hostile inputs and a generated corpus.

use crate::harness::{self, Ledger, assert_no_panic, entry, entry_path, json, located};
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn the_example_ledger_passes() {
    let l = Ledger::example();
    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("ok: "), "{out}");
    assert!(err.is_empty(), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Ten mistakes in five files, one run.

const TEN_CONFIG: &str = r#"title = "测试台帐"
base_url = "/"
language = "zh-CN"

[[systems]]
name = "小贷"
subsystems = ["账务", "核心"]
owner = "琳琳"

[[systems]]
name = "信用卡"
subsystems = ["发卡", "清算"]
owner = "何欢"
"#;

const TEN_ENTRY_1: &str = "---
id: 1
title: 还款文件生成
system: 小贷
subsystem: 账务
modul: 接口
category: feture
priority: medium
status: developing
proposer: 琳琳
proposed_on: 2019-13-01
requirement: REQ-0001
release: 2019-03-07
---

日终批处理生成当日还款文件。
";

const TEN_ENTRY_2_PATH: &str = "content/entries/0002-card-bill-day.md";
const TEN_ENTRY_2: &str = "---
id: 2
title: 信用卡账单日自选
system: 小袋
category: feature
priority: high
status: developing
proposer: 何欢
proposed_on: 2019-03-02
planned_start: 2019-03-10
planned_finish: 2019-03-05
requirement: REQ-0009
---

持卡人可在手机银行自选账单日。
";

const TEN_RELEASE: &str = "---
id: \"2019-03-07\"
title: 2019-03-07 期次投产计划
date: 2019-03-07
status: planning
strategy: phased
phases:
  - {percent: 10, exit_criteria: 错误率低于 0.1%}
  - {percent: 50, exit_criteria: 无客诉}
steps:
  - {name: 备份数据库, owner: 孙强, after: []}
  - {name: 部署应用, owner: 琳琳, after: [备份数据]}
---

投产窗口：20:00-23:00
";

const TEN_REQUIREMENT: &str = "---
id: REQ-0001
title: 还款文件改造
system: 小贷
owner: 琳琳
status: approved
version: \"1.0\"
created: 2019-02-30
---

日终自动生成还款文件。
";

const E1: &str = harness::MINIMAL_ENTRY_PATH;
const E2: &str = TEN_ENTRY_2_PATH;
const REL: &str = harness::MINIMAL_RELEASE_PATH;
const REQ: &str = harness::MINIMAL_REQUIREMENT_PATH;
// Not a mistake in opsledger.toml: a config error stops the check before content is judged.
const RUNBOOK: &str = "content/runbooks/repayment-batch.md";
const TEN_RUNBOOK: &str = "---
title: 还款日终批处理运维手册
system: 小贷
updated: 2019-02-30
---

日终批处理由调度平台触发。
";

/// Every mistake: (code, file, line, column), in the order `check` sorts them (by file, then
/// position).
const TEN: [(&str, &str, u64, u64); 10] = [
    ("E0103", E1, 6, 1),       // modul
    ("E0105", E1, 7, 11),      // category: feture
    ("E0106", E1, 11, 14),     // proposed_on: 2019-13-01
    ("E0201", E2, 4, 9),       // system: 小袋
    ("E0206", E2, 11, 17),     // planned_finish before planned_start
    ("E0203", E2, 12, 14),     // requirement: REQ-0009
    ("E0301", REL, 9, 15),     // the last phase is 50%
    ("E0302", REL, 12, 37),    // after: [备份数据]
    ("E0106", REQ, 8, 10),     // created: 2019-02-30
    ("E0106", RUNBOOK, 4, 10), // updated: 2019-02-30
];

fn ten_mistakes() -> Ledger {
    Ledger::minimal()
        .file("opsledger.toml", TEN_CONFIG)
        .file(E1, TEN_ENTRY_1)
        .file(E2, TEN_ENTRY_2)
        .file(REL, TEN_RELEASE)
        .file(REQ, TEN_REQUIREMENT)
        .file(RUNBOOK, TEN_RUNBOOK)
}

/// The expected mistakes, owned.
fn ten() -> Vec<(String, String, u64, u64)> {
    TEN.iter()
        .map(|&(c, f, l, col)| (c.to_owned(), f.to_owned(), l, col))
        .collect()
}

#[test]
fn ten_mistakes_in_five_files_json() {
    let l = ten_mistakes();
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_no_panic(&err);
    // All ten, each at its place, sorted by file and position.
    assert_eq!(located(&out), ten(), "{out}");
    let files: BTreeSet<&str> = TEN.iter().map(|t| t.1).collect();
    assert_eq!(files.len(), 5);
    insta::assert_snapshot!("ten_mistakes_json", out);
}

#[test]
fn ten_mistakes_in_five_files_human() {
    let l = ten_mistakes();
    let (code, out, err) = l.run(&["check", "--format", "human"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_no_panic(&err);
    for (c, file, line, col) in TEN {
        // The title names the code, the snippet header the place.
        assert!(out.contains(&format!("error[{c}]")), "{c} missing:\n{out}");
        let at = format!("--> {file}:{line}:{col}");
        assert!(out.contains(&at), "`{at}` missing:\n{out}");
    }
    assert_eq!(out.matches("\nerror[").count() + 1, 10, "{out}");
    assert!(out.ends_with("10 errors, 0 warnings\n"), "{out}");
    insta::assert_snapshot!("ten_mistakes_human", out);
}

#[test]
fn ten_mistakes_in_five_files_github() {
    let l = ten_mistakes();
    let (code, out, err) = l.run(&["check", "--format", "github"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_no_panic(&err);
    assert_eq!(out.lines().count(), 10, "{out}");
    for (c, file, line, col) in TEN {
        let file = file.replace(':', "%3A").replace(',', "%2C");
        let at = format!("::error file={file},line={line},col={col},title={c}::");
        assert!(out.contains(&at), "`{at}` missing:\n{out}");
    }
    insta::assert_snapshot!("ten_mistakes_github", out);
}

// ---------------------------------------------------------------------------------------------
// The JSON shape (schema_version 1).

#[test]
fn json_has_the_documented_shape() {
    let (code, out, _) = ten_mistakes().run(&["check", "--format", "json"]);
    assert_eq!(code, 1);
    let v = json(&out);
    let top: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        top,
        BTreeSet::from(["schema_version", "summary", "diagnostics"])
    );
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["summary"]["errors"], 10);
    assert_eq!(v["summary"]["warnings"], 0);
    let required = ["severity", "code", "file", "line", "column", "message"];
    for d in v["diagnostics"].as_array().unwrap() {
        let o = d.as_object().unwrap();
        for k in required {
            assert!(o.contains_key(k), "{k} missing in {d}");
        }
        for k in o.keys() {
            assert!(
                required.contains(&k.as_str()) || k == "help",
                "undocumented key {k} in {d}"
            );
        }
        assert!(matches!(d["severity"].as_str(), Some("error" | "warning")));
        let code = d["code"].as_str().unwrap();
        assert!(
            code.len() == 5 && (code.starts_with('E') || code.starts_with('W')),
            "{code}"
        );
        assert!(d["line"].as_u64().unwrap() >= 1);
        assert!(d["column"].as_u64().unwrap() >= 1);
        assert!(!d["message"].as_str().unwrap().is_empty());
        assert!(!d["file"].as_str().unwrap().contains('\\'));
        if let Some(h) = o.get("help") {
            assert!(!h.as_str().unwrap().is_empty(), "{d}");
        }
    }

    // A clean ledger: an empty list, zero counts.
    let (code, out, _) = Ledger::minimal().run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v = json(&out);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["warnings"], 0);
    assert_eq!(v["diagnostics"], serde_json::json!([]));

    // Warnings are counted apart and carry `"severity": "warning"`.
    let (code, out, _) = Ledger::minimal()
        .file("content/notes.md", "# 会议纪要\n")
        .run(&["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v = json(&out);
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["summary"]["warnings"], 1);
    assert_eq!(v["diagnostics"][0]["severity"], "warning");
    assert_eq!(v["diagnostics"][0]["code"], "W0007");
    assert_eq!(v["diagnostics"][0]["file"], "content/notes.md");
}

// ---------------------------------------------------------------------------------------------
// Exit codes.

#[test]
fn exit_codes() {
    // 0: clean.
    let (code, out, err) = Ledger::minimal().run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("ok: 1 entr"), "{out}");
    assert!(err.is_empty(), "{err}");

    // 1: errors.
    let (code, out, _) = Ledger::minimal()
        .file(
            harness::MINIMAL_ENTRY_PATH,
            entry(1, "priority: urgent\n").replace("priority: low\n", ""),
        )
        .run(&["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[E0105]"), "{out}");

    // 0: only warnings (a stray Markdown file), 1 with --deny-warnings.
    let stray = Ledger::minimal().file("content/notes.md", "# 会议纪要\n");
    for format in ["human", "json", "github"] {
        let (code, out, err) = stray.run(&["check", "--format", format]);
        assert_eq!(code, 0, "{format}: {out}{err}");
        assert!(out.contains("W0007"), "{format}: {out}");
        let (code, out, err) = stray.run(&["check", "--format", format, "--deny-warnings"]);
        assert_eq!(code, 1, "{format} --deny-warnings: {out}{err}");
        assert!(out.contains("W0007"), "{format}: {out}");
    }
    let (_, out, _) = stray.run(&["check"]);
    assert!(out.contains("warning[W0007]"), "{out}");
    assert!(out.ends_with("0 errors, 1 warning\n"), "{out}");

    // 2: not a ledger (no opsledger.toml); the message says what to do.
    let (code, out, err) = Ledger::empty().run(&["check"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("no opsledger.toml"), "{err}");
    assert!(err.contains("opsledger init"), "{err}");
    assert_no_panic(&err);

    // 2: a usage error.
    let (code, _, err) = Ledger::minimal().run(&["check", "--format", "xml"]);
    assert_eq!(code, 2, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Hostile inputs: each is one diagnostic naming the file, never a panic or a hang.

/// Runs `check` in every format and asserts exit 1, no panic, and a diagnostic `code` on
/// `file` (at `at` when given) in each. Returns all the output, to look for leaks.
fn assert_rejected(l: &Ledger, code: &str, file: &str, at: Option<(u64, u64)>) -> String {
    let (exit, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(exit, 1, "{out}{err}");
    assert_no_panic(&err);
    let hits: Vec<_> = located(&out)
        .into_iter()
        .filter(|(c, f, ..)| c == code && f == file)
        .collect();
    assert!(!hits.is_empty(), "no {code} on {file}:\n{out}");
    if let Some((line, col)) = at {
        assert_eq!((hits[0].2, hits[0].3), (line, col), "{out}");
    }
    let (exit, gh, err) = l.run(&["check", "--format", "github"]);
    assert_eq!(exit, 1, "{gh}{err}");
    assert_no_panic(&err);
    assert!(gh.contains(&format!("title={code}::")), "{gh}");
    let (exit, human, err) = l.run(&["check"]);
    assert_eq!(exit, 1, "{human}{err}");
    assert_no_panic(&err);
    assert!(human.contains(&format!("[{code}]")), "{human}");
    assert!(human.contains(file), "{human}");
    format!("{out}{gh}{human}{err}")
}

#[test]
fn invalid_utf8_is_located() {
    let path = entry_path(2, "gbk");
    // 还款 in GBK, then valid text again.
    let mut bytes = b"---\nid: 2\ntitle: \xbb\xb9\xbf\xee\n".to_vec();
    bytes.extend_from_slice(
        entry(2, "")
            .split_once("title: 客户清单导出\n")
            .unwrap()
            .1
            .as_bytes(),
    );
    let l = Ledger::minimal().file(&path, bytes);
    let all = assert_rejected(&l, "E0002", &path, Some((3, 8)));
    assert!(all.contains("UTF-8"), "{all}");
}

#[test]
fn binary_file_is_rejected() {
    let path = entry_path(2, "scan");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    let l = Ledger::minimal().file(&path, png);
    assert_rejected(&l, "E0003", &path, None);
}

#[test]
fn file_over_the_size_limit_is_not_read() {
    let path = entry_path(2, "large");
    let mut text = entry(2, "");
    text.push_str(&"x".repeat(2000 - text.len()));
    assert_eq!(text.len(), 2000);
    let l = Ledger::minimal()
        .file(
            "opsledger.toml",
            // A top-level key: before the first `[[systems]]` table.
            harness::MINIMAL_CONFIG.replace("base_url", "max_file_size = 1000\nbase_url"),
        )
        .file(&path, text);
    let all = assert_rejected(&l, "E0004", &path, Some((1, 1)));
    assert!(all.contains("2000 bytes"), "{all}");
    assert!(all.contains("1000"), "{all}");
}

#[test]
fn unclosed_front_matter() {
    let path = entry_path(2, "unclosed");
    let text = entry(2, "").replacen("---\n\n", "\n", 1);
    let l = Ledger::minimal().file(&path, text);
    let all = assert_rejected(&l, "E0101", &path, Some((1, 1)));
    assert!(all.contains("never closed"), "{all}");
}

#[test]
fn yaml_alias_bomb_fails_fast() {
    let path = entry_path(2, "bomb");
    let mut lols = String::from("lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = format!("*a{}", i - 1);
        let refs = [p.as_str(); 10].join(", ");
        lols.push_str(&format!("lol{i}: &a{i} [{refs}]\n"));
    }
    let l = Ledger::minimal().file(&path, entry(2, &lols));
    let all = assert_rejected(&l, "E0102", &path, None);
    assert!(all.contains("budget") || all.contains("alias"), "{all}");
}

#[test]
fn ten_thousand_nested_brackets() {
    let path = entry_path(2, "deep");
    let deep = format!("module: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let l = Ledger::minimal().file(&path, entry(2, &deep));
    assert_rejected(&l, "E0102", &path, None);
}

#[test]
fn every_broken_value_of_a_file_is_reported_with_its_key() {
    let path = entry_path(2, "shapes");
    let extra = "module: [接口, x]\npriorty: medium\ntech_lead: {a: 1}\n";
    let l = Ledger::minimal().file(&path, entry(2, extra));
    let (exit, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(exit, 1, "{out}{err}");
    let found: Vec<_> = located(&out)
        .into_iter()
        .filter(|(_, f, ..)| *f == path)
        .collect();
    let at = |code: &str, line: u64| found.iter().any(|(c, _, l, _)| c == code && *l == line);
    assert!(
        at("E0102", 10) && at("E0103", 11) && at("E0102", 12),
        "{found:?}"
    );
    assert!(
        out.contains("in `module`") && out.contains("in `tech_lead`"),
        "{out}"
    );
    // The keys that did not parse are not also "missing".
    assert!(!out.contains("E0104"), "{out}");
}

#[test]
fn a_broken_document_is_not_also_missing_for_those_that_refer_to_it() {
    let release = harness::MINIMAL_RELEASE.replacen("---\n", "---\nid: 2019-03-07\n", 1);
    let l = Ledger::minimal()
        .file(harness::MINIMAL_RELEASE_PATH, release)
        .file(
            harness::MINIMAL_REQUIREMENT_PATH,
            "---\nid: REQ-0001\ntitle: 没有结尾\n",
        );
    let (exit, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(exit, 1, "{out}{err}");
    let codes = harness::codes(&out);
    assert!(
        codes.contains(&"E0102".to_owned()) && codes.contains(&"E0101".to_owned()),
        "{out}"
    );
    assert!(!codes.iter().any(|c| c == "E0203" || c == "E0204"), "{out}");
}

#[test]
fn a_long_line_with_thousands_of_problems_is_reported_in_every_format() {
    let keys: Vec<String> = (0..20_000).map(|i| format!("k{i}: 1")).collect();
    let path = entry_path(2, "wide");
    let extra = format!("tests: {{{}}}\n", keys.join(", "));
    let l = Ledger::minimal().file(&path, entry(2, &extra));
    for format in ["human", "json", "github"] {
        let (exit, out, err) = l.run(&["check", "--format", format]);
        assert_eq!(exit, 1, "{err}");
        assert_no_panic(&err);
        assert!(out.contains("k19999"), "{format}");
    }
    let (_, human, _) = l.run(&["check"]);
    let widest = human.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(
        widest < 400,
        "a source line is shown whole: {widest} characters"
    );
}

#[test]
fn a_runbook_must_be_a_runbook() {
    let release = harness::MINIMAL_RELEASE.replacen(
        "strategy: full\n",
        "strategy: full\nrunbook: opsledger.toml\n",
        1,
    );
    let l = Ledger::minimal().file(harness::MINIMAL_RELEASE_PATH, release);
    let all = assert_rejected(&l, "E0205", harness::MINIMAL_RELEASE_PATH, Some((7, 10)));
    assert!(all.contains("is not a runbook"), "{all}");
}

#[test]
fn duplicate_keys() {
    let path = entry_path(2, "dup");
    let l = Ledger::minimal().file(&path, entry(2, "title: 又一个标题\n"));
    let all = assert_rejected(&l, "E0102", &path, Some((10, 1)));
    assert!(all.contains("duplicate"), "{all}");
}

#[test]
fn bom_and_crlf_are_accepted() {
    let path = entry_path(2, "windows");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        entry(2, "planned_start: 2019-03-04\n")
            .replace('\n', "\r\n")
            .as_bytes(),
    );
    let l = Ledger::minimal().file(&path, bytes);
    let (code, out, err) = l.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("ok: 2 entries"), "{out}");
    // Positions in such a file count like in any other.
    let l = l.file(
        &path,
        [
            b"\xEF\xBB\xBF".as_slice(),
            entry(2, "priorty: low\n").replace('\n', "\r\n").as_bytes(),
        ]
        .concat(),
    );
    let (code, out, _) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(located(&out), [("E0103".into(), path, 10, 1)]);
}

#[cfg(unix)]
#[test]
fn symlink_in_content_is_not_followed() {
    let path = entry_path(2, "passwd");
    let l = Ledger::minimal().symlink(&path, "/etc/passwd");
    let all = assert_rejected(&l, "E0005", &path, Some((1, 1)));
    assert!(!all.contains("root:"), "{all}");
}

#[test]
fn sql_script_paths_that_escape() {
    for bad in ["../../etc/passwd", "/etc/passwd", "sql/../../etc/passwd"] {
        let path = entry_path(2, "escape");
        let extra = format!("has_sql: true\nsql_scripts: [{bad}]\n");
        let l = Ledger::minimal().file(&path, entry(2, &extra));
        let all = assert_rejected(&l, "E0205", &path, Some((11, 15)));
        assert!(
            all.contains("not a plain path inside the repository"),
            "{bad}: {all}"
        );
        assert!(!all.contains("root:"), "{all}");
    }
}

#[cfg(unix)]
#[test]
fn sql_symlink_leading_outside_the_repository() {
    let path = entry_path(2, "outside");
    let l = Ledger::minimal();
    let secret = l.root().join("outside/secret.sql");
    std::fs::create_dir_all(secret.parent().unwrap()).unwrap();
    std::fs::write(&secret, "DROP TABLE t_secret;\n").unwrap();
    let l = l.symlink("sql/0002_secret.sql", &secret).file(
        &path,
        entry(2, "has_sql: true\nsql_scripts: [sql/0002_secret.sql]\n"),
    );
    let all = assert_rejected(&l, "E0205", &path, Some((11, 15)));
    assert!(all.contains("outside"), "{all}");
    assert!(!all.contains("DROP TABLE"), "{all}");
    // A link that stays inside the repository is not followed either: it could name `.env`.
    let l = l
        .file("sql/0002_real.sql", "SELECT 1;\n")
        .remove("sql/0002_secret.sql")
        .symlink("sql/0002_secret.sql", "0002_real.sql");
    let all = assert_rejected(&l, "E0205", &path, Some((11, 15)));
    assert!(all.contains("symbolic link"), "{all}");
}

#[cfg(unix)]
#[test]
fn content_folder_linked_outside_is_not_read() {
    let l = Ledger::minimal().remove("content");
    let outside = l.root().join("outside");
    std::fs::create_dir_all(outside.join("entries")).unwrap();
    std::fs::write(
        outside.join("entries/0007-secret.md"),
        entry(7, "modul: SECRET-OUTSIDE\n"),
    )
    .unwrap();
    let l = l.symlink("content", &outside);
    let all = assert_rejected(&l, "E0005", "content", Some((1, 1)));
    // The file out there has an unknown key: reporting it would mean it was read.
    assert!(
        !all.contains("SECRET-OUTSIDE") && !all.contains("0007-secret") && !all.contains("modul"),
        "read outside the repository:\n{all}"
    );
}

#[cfg(unix)]
#[test]
fn config_linked_outside_is_not_read() {
    let l = Ledger::minimal().remove("opsledger.toml");
    let outside = l.root().join("outside.toml");
    std::fs::write(&outside, "leaked_secret_key = 1\n").unwrap();
    let l = l.symlink("opsledger.toml", &outside);
    for format in ["human", "json", "github"] {
        let (code, out, err) = l.run(&["check", "--format", format]);
        assert_ne!(code, 0, "{out}{err}");
        assert_no_panic(&err);
        assert!(
            !format!("{out}{err}").contains("leaked_secret_key"),
            "read outside the repository:\n{out}{err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A generated corpus with history.

#[test]
fn generated_corpus_passes() {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_ledger.py");
    if !generator.is_file() {
        eprintln!("note: skipped, {} not found", generator.display());
        return;
    }
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output();
    if !python.is_ok_and(|o| o.status.success()) {
        eprintln!("note: skipped, python3 not found");
        return;
    }
    let l = Ledger::empty();
    let corpus = l.root().join("corpus");
    let gen_out = std::process::Command::new("python3")
        .arg(&generator)
        .arg(&corpus)
        .args(["--entries", "50", "--commits", "300", "-q"])
        .output()
        .expect("run gen_ledger.py");
    assert!(
        gen_out.status.success(),
        "gen_ledger.py failed: {}",
        String::from_utf8_lossy(&gen_out.stderr)
    );
    let (code, out, err) = l.run_in(&corpus, &["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_no_panic(&err);
    let v = json(&out);
    assert_eq!(v["summary"]["errors"], 0, "{out}");
    let (code, out, err) = l.run_in(&corpus, &["check"]);
    assert_eq!(code, 0, "{out}{err}");
}
