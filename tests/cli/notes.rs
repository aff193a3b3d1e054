//! `opsledger release notes <id>`: the test-complete mail on the example ledger as Markdown
//! (snapshot), HTML and a draft `.eml` that Python's `email` package parses back; unknown ids
//! and bad addresses as tool errors.

use crate::harness::{Ledger, assert_no_panic};
use std::process::Command;

const TITLES: [&str; 4] = [
    "企业网银批量代发文件金额合计校验",
    "提前还款试算接口超时",
    "交易反欺诈规则阈值调整",
    "额度测算模型 V2 上线",
];

fn example() -> Ledger {
    Ledger::example().commit("example ledger")
}

#[test]
fn markdown_lists_entries_13_to_16_and_flags_the_open_risks() {
    let l = example();
    let (code, out, err) = l.run(&["release", "notes", "2019-03-14"]);
    assert_no_panic(&err);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("# 【投产审批】2019-03-14 期次投产计划 测试完成报告\n"),
        "{out}"
    );
    for (id, title) in (13..=16).zip(TITLES) {
        assert!(
            out.contains(&format!("| #{id} | {title} |")),
            "#{id} in\n{out}"
        );
    }
    let risks = out.split("## 待关注风险").nth(1).expect("a risks section");
    for id in [13, 14, 15] {
        assert!(
            risks.contains(&format!("#{id} ")) && risks.contains("未在所有环境测试通过"),
            "#{id} not flagged in\n{risks}"
        );
    }
    assert!(!risks.contains("#16"), "#16 passed everywhere:\n{risks}");
    assert!(
        out.contains("- 期次页面：https://ops.example.com/ledger/releases/2019-03-14/index.html\n")
    );
    insta::assert_snapshot!("notes_markdown", out);
}

#[test]
fn html_is_one_document_without_scripts() {
    let l = example();
    let (code, out, err) = l.run(&["release", "notes", "2019-03-14", "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"),
        "{out}"
    );
    for title in TITLES {
        assert!(out.contains(title), "{title}");
    }
    for banned in ["<script", "<style", "<link", "src="] {
        assert!(!out.contains(banned), "{banned}");
    }
}

#[test]
fn out_writes_the_file_and_the_same_ledger_gives_the_same_bytes() {
    let l = example();
    let args = ["release", "notes", "2019-03-14", "--format", "eml"];
    let (code, stdout, err) = l.run(&args);
    assert_eq!(code, 0, "{err}");
    let (code, said, err) = l.run(&[&args[..], &["--out", "notes.eml"]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(said.starts_with("wrote "), "{said}");
    assert_eq!(
        std::fs::read_to_string(l.path("notes.eml")).unwrap(),
        stdout
    );
}

#[test]
fn an_unknown_release_is_a_tool_error_naming_the_releases() {
    let l = example();
    let (code, out, err) = l.run(&["release", "notes", "2019-03-15"]);
    assert_no_panic(&err);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no release `2019-03-15`; the releases are: 2019-02-21, 2019-02-28, 2019-03-07, 2019-03-14"),
        "{err}"
    );
}

#[test]
fn addresses_are_checked() {
    let l = example();
    let (code, _, err) = l.run(&[
        "release",
        "notes",
        "2019-03-14",
        "--format",
        "eml",
        "--to",
        "pm@example.com\nBcc: x@evil.example",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line break"), "{err}");
    let (code, _, err) = l.run(&["release", "notes", "2019-03-14", "--to", "pm@example.com"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--format eml"), "{err}");
}

/// Parses the message with Python's `email` package and prints what it read as JSON.
const PARSE: &str = r#"
import email, email.policy, json, sys
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
parts = [p for p in m.walk() if not p.is_multipart()]
print(json.dumps({
    "subject": str(m["Subject"]),
    "from": str(m["From"]),
    "to": [str(a) for a in m["To"].addresses],
    "date": str(m["Date"]),
    "message_id": str(m["Message-ID"]),
    "mime_version": str(m["MIME-Version"]),
    "unsent": str(m["X-Unsent"]),
    "type": m.get_content_type(),
    "defects": [repr(d) for d in m.defects] + [repr(d) for p in parts for d in p.defects],
    "parts": [{"type": p.get_content_type(), "charset": p.get_content_charset(),
               "cte": p["Content-Transfer-Encoding"], "content": p.get_content()} for p in parts],
    "plain": m.get_body(("plain",)).get_content(),
    "html": m.get_body(("html",)).get_content(),
}, ensure_ascii=False))
"#;

#[test]
fn eml_parses_back_with_python_email() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("note: python3 is missing; skipping the real-parser check of the .eml");
        return;
    }
    let l = example();
    let (code, _, err) = l.run(&[
        "release",
        "notes",
        "2019-03-14",
        "--format",
        "eml",
        "--from",
        "吴倩 <wuqian@example.com>",
        "--to",
        "周建国 <zhoujianguo@example.com>",
        "--to",
        "ops@example.com",
        "--out",
        "notes.eml",
    ]);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(l.path("notes.eml")).unwrap();
    let text = String::from_utf8(bytes).expect("ASCII");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "CRLF line endings"
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(PARSE)
        .arg(l.path("notes.eml"))
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON from python");
    assert_eq!(
        m["subject"],
        "【投产审批】2019-03-14 期次投产计划 测试完成报告"
    );
    assert_eq!(m["from"], "吴倩 <wuqian@example.com>");
    assert_eq!(
        m["to"],
        serde_json::json!(["周建国 <zhoujianguo@example.com>", "ops@example.com"])
    );
    assert_eq!(m["date"], "Thu, 14 Mar 2019 20:00:00 +0800");
    assert_eq!(
        m["message_id"],
        "<release-notes.2019-03-14@ops.example.com>"
    );
    assert_eq!(m["mime_version"], "1.0");
    assert_eq!(m["unsent"], "1");
    assert_eq!(m["type"], "multipart/alternative");
    assert_eq!(m["defects"], serde_json::json!([]), "{m:#}");
    let parts: Vec<(&str, &str, &str)> = m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["type"].as_str().unwrap(),
                p["charset"].as_str().unwrap(),
                p["cte"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("text/plain", "utf-8", "base64"),
            ("text/html", "utf-8", "base64")
        ]
    );
    let html = m["html"].as_str().unwrap();
    let plain = m["plain"].as_str().unwrap();
    for title in TITLES {
        assert!(html.contains(title), "{title} not in the HTML part");
        assert!(plain.contains(title), "{title} not in the text part");
    }
    assert!(
        html.contains("href=\"https://ops.example.com/ledger/releases/2019-03-14/index.html\"")
    );
}
