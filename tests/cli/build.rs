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
