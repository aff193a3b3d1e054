//! `opsledger build`: the site of the example ledger in both languages, its links, its
//! determinism, theme overrides, hostile Markdown, and what a failed build leaves behind.

use crate::harness::{self, Ledger, entry, entry_path};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The `<main>` element of a page.
fn main_of(html: &str) -> String {
    let start = html.find("<main>").expect("<main>");
    let end = html.find("</main>").expect("</main>");
    html[start..end + "</main>".len()]
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn build(l: &Ledger, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    l.run(&args)
}

fn example_repo() -> Ledger {
    Ledger::example().commit("example ledger")
}

#[test]
fn the_example_builds_every_page_with_working_links() {
    let l = example_repo();
    let (code, out, err) = build(&l, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("built ") && out.contains("public/index.html"),
        "{out}"
    );
    let site = tree(&l.path("public"));
    for page in [
        "index.html",
        "ledger/index.html",
        "board/index.html",
        "history/index.html",
        "404.html",
        "entries/20/index.html",
        "requirements/REQ-0001/index.html",
        "releases/2019-02-28/index.html",
        "systems/小贷/index.html",
        "people/琳琳/index.html",
        "runbooks/repayment-batch/index.html",
        "metrics/index.html",
        "train/index.html",
        "train/2019-W11/index.html",
        "ledger.csv",
        "ledger.xlsx",
        "ledger.json",
        "feed.xml",
        "search-index.json",
        "static/style.css",
        "static/ledger.js",
    ] {
        assert!(
            site.contains_key(page),
            "{page} missing; have {:?}",
            site.keys().take(20).collect::<Vec<_>>()
        );
    }
    // Every relative link and asset of every page resolves to a file of the site.
    let mut checked = 0;
    for (path, bytes) in site
        .iter()
        .filter(|(p, _)| p.ends_with(".html") && p.as_str() != "404.html")
    {
        let html = String::from_utf8(bytes.clone()).unwrap();
        let dir = Path::new(path).parent().unwrap_or(Path::new(""));
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let url = &piece[..piece.find('"').unwrap()];
                if url.starts_with("http") || url.starts_with('#') || url.starts_with("mailto:") {
                    continue;
                }
                let url = url.split('#').next().unwrap();
                let mut target = normalize(&dir.join(url));
                if target.is_empty() || target.ends_with('/') {
                    target.push_str("index.html");
                }
                assert!(
                    site.contains_key(&target),
                    "{path}: broken link {url} → {target}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "checked {checked} links");
}

/// `a/b/../c` → `a/c`, keeping a trailing slash.
fn normalize(p: &Path) -> String {
    let s = p.to_string_lossy();
    let trailing = s.ends_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in s.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    out
}

#[test]
fn two_builds_of_one_commit_are_byte_identical() {
    let l = example_repo();
    assert_eq!(build(&l, &[]).0, 0);
    let first = tree(&l.path("public"));
    assert_eq!(build(&l, &["--no-cache"]).0, 0);
    let second = tree(&l.path("public"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (k, v) in &first {
        assert!(second[k] == *v, "{k} differs between two builds");
    }
}

#[test]
fn pages_in_both_languages() {
    for (lang, name) in [("zh-CN", "zh"), ("en", "en")] {
        let l = Ledger::example();
        let config = l
            .read("opsledger.toml")
            .replace("language = \"zh-CN\"", &format!("language = \"{lang}\""));
        let l = l.file("opsledger.toml", config).commit("example ledger");
        let (code, out, err) = build(&l, &[]);
        assert_eq!(code, 0, "{out}{err}");
        for page in [
            "entries/20/index.html",
            "releases/2019-02-28/index.html",
            "board/index.html",
        ] {
            let html = std::fs::read_to_string(l.path("public").join(page)).unwrap();
            assert!(html.contains(&format!("<html lang=\"{lang}\">")));
            let main = main_of(&html);
            insta::with_settings!({ snapshot_suffix => format!("{name}-{}", page.replace('/', "_")) }, {
                insta::assert_snapshot!("main", main);
            });
        }
        let html = std::fs::read_to_string(l.path("public/entries/20/index.html")).unwrap();
        let want = if name == "zh" {
            "问题描述"
        } else {
            "Description"
        };
        assert!(html.contains(want), "{name}: {want}");
    }
}

#[test]
fn the_entry_page_shows_its_history_from_git() {
    let path = entry_path(2, "customer-export");
    let l = Ledger::minimal()
        .file(&path, entry(2, ""))
        .commit("register #2");
    let moved = l
        .read(&path)
        .replace("status: developing", "status: submitted");
    let l = l.file(&path, moved).commit("submit #2");
    assert_eq!(build(&l, &[]).0, 0);
    let html = std::fs::read_to_string(l.path("public/entries/2/index.html")).unwrap();
    assert!(
        html.contains("submit #2") && html.contains("register #2"),
        "both commits are listed"
    );
    assert!(
        html.contains("<del>处理中</del> → <ins>已提测</ins>"),
        "the status move is shown"
    );
}

#[test]
fn hostile_markdown_never_reaches_the_page() {
    let body = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[a](javascript:alert(3))\n\n<a href=\"jav&#x61;script:alert(4)\">b</a>\n\n<iframe src=\"https://evil.example\"></iframe>\n";
    let text = entry(2, "").replace("导出客户清单。\n", body);
    let l = Ledger::minimal()
        .file(&entry_path(2, "x"), text)
        .commit("hostile");
    // `check` reports the unsafe links; the site is still built from the rest.
    let (code, out, _) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1);
    assert!(harness::codes(&out).iter().all(|c| c == "E0208"), "{out}");
    let l = l.file(&entry_path(2, "x"), entry(2, "").replace("导出客户清单。\n", "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n<iframe src=\"https://evil.example\"></iframe>\n")).commit("no links");
    let (code, out, err) = build(&l, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let html = std::fs::read_to_string(l.path("public/entries/2/index.html"))
        .unwrap()
        .to_lowercase();
    let main = main_of(&html);
    assert!(
        !main.contains("<script")
            && !main.contains("onerror")
            && !main.contains("<iframe")
            && !main.contains("javascript:"),
        "{main}"
    );
}

#[test]
fn a_theme_override_wins_and_extends_the_builtin() {
    let l = example_repo()
        .file("themes/mine/templates/entry.html", "{% extends \"default/entry.html\" %}{% block title %}OVERRIDE {{ page.e.id }}{% endblock %}")
        .file("themes/mine/static/extra.css", "body{}");
    let config = l
        .read("opsledger.toml")
        .replace("theme = \"default\"", "theme = \"mine\"");
    let l = l.file("opsledger.toml", config).commit("theme");
    let (code, out, err) = build(&l, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let html = std::fs::read_to_string(l.path("public/entries/20/index.html")).unwrap();
    assert!(html.contains("<title>OVERRIDE 20 ·"), "{}", &html[..300]);
    assert!(
        html.contains("还款文件生成"),
        "the rest of the built-in page is there"
    );
    assert!(
        l.path("public/static/extra.css").is_file() && l.path("public/static/style.css").is_file()
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let l = example_repo();
    assert_eq!(build(&l, &[]).0, 0);
    let before = tree(&l.path("public"));
    // A content error: nothing is written.
    let l = l.file(
        "content/entries/0020-repayment-file.md",
        "---\nid: [\n---\n",
    );
    let (code, out, err) = build(&l, &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("nothing was written"));
    assert_eq!(tree(&l.path("public")), before);
    // A template that fails while rendering: nothing is written either.
    let l = l
        .file("content/entries/0020-repayment-file.md", std::fs::read_to_string(harness::project_dir().join("content/entries/0020-repayment-file.md")).unwrap())
        .file("themes/default/templates/board.html", "{% extends \"default/base.html\" %}{% block main %}{{ page.nope.deeper }}{% endblock %}");
    let (code, out, _) = build(&l, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("E0701") && out.contains("themes/default/templates/board.html"),
        "{out}"
    );
    assert_eq!(tree(&l.path("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(l.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn without_git_the_site_builds_without_history() {
    let l = Ledger::example();
    let (code, out, err) = build(&l, &["--out", "site"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("not a git repository"), "{err}");
    assert!(l.path("site/index.html").is_file());
}

/// Commits the whole work tree as 琳琳 at `time` (seconds, +08:00).
fn commit_at(l: &Ledger, message: &str, time: i64) {
    let sig =
        git2::Signature::new("琳琳", "linlin@example.com", &git2::Time::new(time, 480)).unwrap();
    harness::commit_signed(l, message, &sig, &sig, None);
}

/// Seconds of a `YYYY-MM-DDTHH:MM` time in +08:00.
fn at(local: &str) -> i64 {
    format!("{local}:00+08:00")
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_second()
}

const TRAIN_RELEASE_PATH: &str = "content/releases/2019-03-21.md";

fn train_release(status: &str) -> String {
    format!(
        "---\nid: \"2019-03-21\"\ntitle: 2019-03-21 期次投产计划\ndate: 2019-03-21\nstatus: {status}\napprover: 周建国\napproved_on: 2019-03-20\nstrategy: full\nsteps:\n  - {{name: 部署应用, owner: 琳琳, after: [备份数据库]}}\n  - {{name: 备份数据库, owner: 孙强, after: []}}\n  - {{name: 执行脚本, owner: 孙强, after: [备份数据库]}}\nrollback: {{trigger: 批处理失败, plan: 回滚应用与数据, owner: 孙强}}\ndata_migration:\n  backup: 导出 t_repay 全表\n  scripts: [sql/0002-a.sql, sql/0002-b.sql]\n---\n\n投产窗口：20:00-23:00\n"
    )
}

/// Entry 2 of the metrics story in `status` (the tests passed once it is released).
fn story_entry(status: &str) -> String {
    let tests = if matches!(status, "released" | "rolled-back") {
        "test_opinion: 测试通过\ntests:\n  sit: {result: pass, date: 2019-03-19, by: 小周}\n  uat: {result: pass, date: 2019-03-20, by: 小周}\n  preprod: {result: pass, date: 2019-03-21, by: 小周}\n"
    } else {
        ""
    };
    entry(
        2,
        &format!("planned_finish: 2019-03-14\ntech_lead: 王芳\nsql_scripts: [sql/0002-a.sql, sql/0002-b.sql]\nhas_sql: true\nrelease: \"2019-03-21\"\n{tests}"),
    )
    .replace("status: developing", &format!("status: {status}"))
}

/// A month of one entry's life: submitted, bounced back from SIT, carried over a train,
/// released, rolled back, released again; another entry left untouched (stuck).
fn metrics_story() -> Ledger {
    let e2 = entry_path(2, "customer-export");
    let e3 = entry_path(3, "stuck");
    let l = Ledger::minimal()
        .file("sql/0002-a.sql", "update t_repay set a = 1;\n")
        .file("sql/0002-b.sql", "update t_repay set b = 2;\n")
        .file(&e2, story_entry("developing"))
        .file(&e3, entry(3, "tech_lead: 张伟\ntest_lead: 小周\n"))
        .file(TRAIN_RELEASE_PATH, train_release("planning"));
    commit_at(&l, "register", at("2019-03-01T10:00"));
    let mut l = l;
    for (time, status) in [
        ("2019-03-07T10:00", "submitted"),
        ("2019-03-11T10:00", "sit"),
        ("2019-03-12T10:00", "developing"),
        ("2019-03-15T10:00", "submitted"),
        ("2019-03-18T10:00", "sit"),
        ("2019-03-20T10:00", "uat"),
        ("2019-03-21T10:00", "preprod"),
        ("2019-03-21T20:00", "released"),
        ("2019-03-22T09:00", "rolled-back"),
        ("2019-03-25T09:00", "developing"),
        ("2019-03-28T22:00", "released"),
    ] {
        l = l.file(&e2, story_entry(status));
        if time == "2019-03-21T20:00" {
            l = l.file(TRAIN_RELEASE_PATH, train_release("released"));
        }
        commit_at(&l, &format!("#2 {status}"), at(time));
    }
    l
}

#[test]
fn metrics_and_the_train_come_from_history() {
    let l = metrics_story();
    let (code, out, err) = build(&l, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(l.path("public/ledger.json")).unwrap()).unwrap();
    let m = &json["metrics"];
    assert_eq!(m["today"], "2019-03-28");
    let week = |k: &str| {
        m["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["key"] == k)
            .unwrap_or_else(|| panic!("{k} in {m}"))
            .clone()
    };
    let w11 = week("2019-W11");
    assert_eq!(
        (w11["bounce_backs"].as_u64(), w11["sit_entries"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (w11["carried_over"].as_u64(), w11["on_train"].as_u64()),
        (Some(1), Some(1))
    );
    let w12 = week("2019-W12");
    assert_eq!(w12["releases"], 1, "the release document");
    assert_eq!(
        (w12["released"].as_u64(), w12["rolled_back"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(w12["change_failure_rate"], 1.0);
    assert_eq!(w12["lead_median_days"], 20.4, "1 Mar 10:00 → 21 Mar 20:00");
    assert_eq!(
        w12["restore_median_hours"], 157.0,
        "22 Mar 09:00 → 28 Mar 22:00"
    );
    let w13 = week("2019-W13");
    assert_eq!(
        (w13["released"].as_u64(), w13["rolled_back"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(
        (w13["on_time"].as_u64(), w13["with_plan"].as_u64()),
        (Some(0), Some(1))
    );
    let stuck: Vec<u64> = m["stuck"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    assert_eq!(stuck, [1, 3], "untouched for 27 days");
    assert_eq!(m["stuck"][1]["tech_lead"], "张伟");
    assert_eq!(m["stuck"][1]["days"], 27);

    let page = |p: &str| std::fs::read_to_string(l.path("public").join(p)).unwrap();
    let metrics = main_of(&page("metrics/index.html"));
    assert!(metrics.contains("<svg"), "charts");
    assert!(
        metrics.contains("<td class=\"n\">20.4</td>")
            && metrics.contains("<td class=\"n\">157.0</td>")
    );
    assert!(metrics.contains("张伟"), "stuck entries show their owners");
    insta::assert_snapshot!("metrics_zh", metrics);

    let w11 = main_of(&page("train/2019-W11/index.html"));
    assert!(
        w11.contains("顺延") && w11.contains("href=\"../../train/2019-W12/index.html\""),
        "carried over to the next train"
    );
    insta::assert_snapshot!("train_w11_zh", w11);
    let w12 = main_of(&page("train/2019-W12/index.html"));
    let order: Vec<usize> = [
        "备份数据库",
        "部署应用",
        "执行脚本",
        "sql/0002-a.sql",
        "sql/0002-b.sql",
    ]
    .iter()
    .map(|s| w12.find(s).unwrap_or_else(|| panic!("{s}")))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "steps in dependency order, then the scripts"
    );
    assert!(w12.contains("导出 t_repay 全表"), "the backup");
    insta::assert_snapshot!("train_w12_zh", w12);
    let list = page("train/index.html");
    assert!(list.contains("2019-W11") && list.contains("2019-W12"));
    let dashboard = page("index.html");
    assert!(
        dashboard.contains("href=\"train/2019-W12/index.html\""),
        "no train in today's week (W13): the dashboard links to the latest"
    );
}

#[test]
fn an_output_folder_that_would_replace_the_ledger_is_refused() {
    let l = Ledger::example();
    for out in [".", "..", "content", "content/entries", "sql", ".git"] {
        let (code, stdout, err) = build(&l, &["--out", out]);
        assert_eq!(code, 2, "--out {out}: {stdout}{err}");
        assert!(
            err.contains("would replace the ledger's own files"),
            "{err}"
        );
    }
    assert!(l.path("content/entries/0020-repayment-file.md").is_file());
    assert!(l.path("opsledger.toml").is_file());
    // A file is refused too, and kept.
    let l = l.file("notes.txt", "mine");
    let (code, _, err) = build(&l, &["--out", "notes.txt"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a folder"), "{err}");
    assert_eq!(l.read("notes.txt"), "mine");
}

#[cfg(unix)]
#[test]
fn a_rebuild_keeps_unchanged_pages_as_the_same_files() {
    use std::os::unix::fs::MetadataExt;
    // The site is not committed (a folder git tracks is never an `--out`).
    let l = example_repo().file(".gitignore", "/public/\n/fresh/\n");
    assert_eq!(build(&l, &[]).0, 0);
    let inode = |l: &Ledger, p: &str| std::fs::metadata(l.path(p)).unwrap().ino();
    let (e1, e20) = (
        inode(&l, "public/entries/1/index.html"),
        inode(&l, "public/entries/20/index.html"),
    );
    // Only the dashboard carries the generation time, so other pages stay byte-identical.
    let footer = |p: &str| l.read(p).split("<footer>").nth(1).unwrap().to_owned();
    assert!(footer("public/index.html").contains("生成于 2019-03-01T10:00:00+08:00"));
    assert!(!footer("public/entries/1/index.html").contains("生成于"));
    let text = l.read("content/entries/0020-repayment-file.md");
    let l = l
        .file(
            "content/entries/0020-repayment-file.md",
            text.replace("title: 还款文件生成", "title: 还款文件生成（新）"),
        )
        .commit("rename entry 20");
    let (code, out, err) = build(&l, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        inode(&l, "public/entries/1/index.html"),
        e1,
        "unchanged: linked, not written"
    );
    assert_ne!(inode(&l, "public/entries/20/index.html"), e20);
    assert!(
        l.read("public/entries/20/index.html")
            .contains("还款文件生成（新）")
    );
}

#[test]
fn a_rebuild_after_commits_equals_a_build_from_scratch() {
    // The site is not committed (a folder git tracks is never an `--out`).
    let l = example_repo().file(".gitignore", "/public/\n/fresh/\n");
    assert_eq!(build(&l, &[]).0, 0);
    // An entry edited, one removed, a release, a requirement and an SQL script changed, a file
    // the user put in the output folder, and a page edited by hand.
    let e20 = "content/entries/0020-repayment-file.md";
    let text = l
        .read(e20)
        .replace("title: 还款文件生成", "title: 还款文件（改）");
    let release = "content/releases/2019-03-07.md";
    let rel = l.read(release).replacen("title: ", "title: 改 ", 1);
    let removed = std::fs::read_dir(l.path("content/entries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("0001-"))
        .unwrap();
    std::fs::remove_file(&removed).unwrap();
    // What an entry's page shows of other files: its requirement's title, its SQL script.
    let req = "content/requirements/REQ-0001-loan-repayment-file-and-plan.md";
    let req_text = l.read(req).replacen("title: ", "title: 改 ", 1);
    let sql = "sql/0003_fix_card_bill_date.sql";
    let sql_text = l.read(sql) + "\n-- reviewed\n";
    let l = l
        .file(e20, text)
        .file(release, rel)
        .file(req, req_text)
        .file(sql, sql_text)
        .commit("edit, remove");
    std::fs::write(l.path("public/stray.txt"), "not part of the site").unwrap();
    let page = l.path("public/entries/2/index.html");
    let bytes = std::fs::read(&page).unwrap();
    std::fs::write(&page, vec![b'x'; bytes.len()]).unwrap();
    let (code, out, err) = build(&l, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = build(&l, &["--out", "fresh", "--no-cache"]);
    assert_eq!(code, 0, "{out}{err}");
    let (kept, fresh) = (tree(&l.path("public")), tree(&l.path("fresh")));
    assert_eq!(
        kept.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &fresh {
        assert!(
            kept[path] == *bytes,
            "{path} differs from a build from scratch"
        );
    }
    assert!(!l.path("public/entries/1").exists());
    let leftovers: Vec<_> = std::fs::read_dir(l.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
