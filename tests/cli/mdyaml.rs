//! Hostile Markdown and YAML, end to end: shapes whose rendering time grows with the square of
//! their size, remote images, control characters and YAML tags in values.

use crate::harness::{Ledger, assert_no_panic, entry, entry_path, located};

/// A valid entry 2 whose body ends with `more` (which starts on line 13 of the file).
fn entry_with_body(more: &str) -> String {
    format!("{}{more}", entry(2, ""))
}

fn check_json(l: &Ledger) -> (i32, Vec<(String, String, u64, u64)>) {
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_no_panic(&err);
    (code, located(&out))
}

#[test]
fn deep_nesting_is_refused_at_the_line_that_passes_the_limit() {
    let path = entry_path(2, "deep");
    for (body, column) in [
        // 40,000 quotes: 6.9 s of sanitising at 65 KB before the limit.
        (format!("{} x\n", ">".repeat(40_000)), 101),
        (format!("{}x\n", "- > ".repeat(10_000)), 1),
        (format!("{}\n", "<div>".repeat(80_000)), 501),
    ] {
        let l = Ledger::minimal()
            .file(&path, entry_with_body(&format!("\n{body}")))
            .commit("deep");
        let (code, found) = check_json(&l);
        assert_eq!(code, 1, "{found:?}");
        assert_eq!(found.len(), 1, "{found:?}");
        let (c, file, line, col) = &found[0];
        assert_eq!(
            (c.as_str(), file.as_str(), *line),
            ("E0209", path.as_str(), 14)
        );
        if column > 1 {
            assert_eq!(*col, column);
        }
        let (code, out, err) = l.run(&["build"]);
        assert_no_panic(&err);
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains("E0209") || out.contains("E0209"), "{out}{err}");
        assert!(!l.path("public").exists());
    }
}

#[test]
fn twenty_thousand_identical_headings_build_with_distinct_ids() {
    let l = Ledger::minimal()
        .file(
            &entry_path(2, "heads"),
            entry_with_body(&"# x\n".repeat(20_000)),
        )
        .commit("headings");
    let (code, out, err) = l.run(&["build"]);
    assert_no_panic(&err);
    assert_eq!(code, 0, "{out}{err}");
    let page = l.read("public/entries/2/index.html");
    assert!(page.contains("id=\"x-19999\""), "no last id");
    assert!(page.contains("id=\"x\""), "no first id");
}

#[test]
fn remote_images_are_warned_about_and_left_out_of_the_page() {
    let path = entry_path(2, "images");
    let body = "\n![t](https://evil.example/track.png)\n\n<img src=//evil.example/a.png srcset=\"https://evil.example/b.png 2x\">\n\n![local](../../sql/a.png)\n";
    let l = Ledger::minimal()
        .file(&path, entry_with_body(body))
        .commit("images");
    let (code, found) = check_json(&l);
    assert_eq!(code, 0, "{found:?}");
    let at: Vec<_> = found
        .iter()
        .map(|(c, f, line, col)| (c.as_str(), f.as_str(), *line, *col))
        .collect();
    assert_eq!(
        at,
        [
            ("W0210", path.as_str(), 14, 6),
            ("W0210", path.as_str(), 16, 10),
            ("W0210", path.as_str(), 16, 39),
        ]
    );
    let (code, _, err) = l.run(&["check", "--deny-warnings"]);
    assert_eq!(code, 1, "{err}");
    let (code, out, err) = l.run(&["build"]);
    assert_eq!(code, 0, "{out}{err}");
    let page = l.read("public/entries/2/index.html");
    assert!(!page.contains("evil.example"), "remote URL kept");
    assert!(page.contains("alt=\"t\""), "the image's text is kept");
    assert!(
        page.contains("src=\"../../sql/a.png\""),
        "a local image is kept"
    );
}

#[test]
fn control_characters_are_refused_in_every_kind_of_document() {
    let l = Ledger::minimal()
        .file(
            &entry_path(2, "ctl"),
            entry(2, "module: \"\\x00\\u0007\"\ntests: {sit: {result: pending, by: \"a\\u202Eb\"}}\nrelated_systems: [\"\\e\"]\nexpected_solution: |\n  tab\tand\n  lines\n"),
        )
        .file(
            "content/requirements/REQ-0002-ctl.md",
            "---\nid: REQ-0002\ntitle: \"需求\\r\"\nstatus: draft\n---\n",
        )
        .file(
            "content/releases/2019-03-14.md",
            "---\nid: 2019-03-14\ntitle: 期次\ndate: 2019-03-14\nstatus: planning\nsteps: [{name: \"a\\x7f\", owner: 琳琳}]\n---\n",
        )
        .file("content/runbooks/ctl.md", "---\ntitle: \"\\u2066手册\"\n---\n")
        .commit("control characters");
    let (code, found) = check_json(&l);
    assert_eq!(code, 1, "{found:?}");
    // (`\e` is no system either: E0201 as well.)
    let at: Vec<_> = found
        .iter()
        .filter(|d| d.0 != "E0201")
        .map(|(c, f, line, col)| (c.as_str(), f.as_str(), *line, *col))
        .collect();
    let e = entry_path(2, "ctl");
    assert_eq!(
        at,
        [
            ("E0110", e.as_str(), 10, 9),
            ("E0110", e.as_str(), 11, 36),
            ("E0110", e.as_str(), 12, 19),
            ("E0110", "content/releases/2019-03-14.md", 6, 16),
            ("E0110", "content/requirements/REQ-0002-ctl.md", 3, 8),
            ("E0110", "content/runbooks/ctl.md", 2, 8),
        ]
    );
    let (code, _, err) = l.run(&["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(!l.path("public").exists());
}

#[test]
fn tags_outside_the_core_schema_are_refused_at_the_tag() {
    let path = entry_path(2, "tags");
    let l = Ledger::minimal()
        .file(
            &path,
            entry(2, "module: !!binary aGVsbG8=\nfeature: !!python/object:os.system x\nsubsystem: !!str 账务\nrelated_systems: !!set {a: null}\n"),
        )
        .commit("tags");
    let (code, found) = check_json(&l);
    assert_eq!(code, 1, "{found:?}");
    let tags: Vec<_> = found
        .iter()
        .filter(|d| d.0 == "E0111")
        .map(|(_, f, line, col)| (f.as_str(), *line, *col))
        .collect();
    assert_eq!(
        tags,
        [
            (path.as_str(), 10, 9),
            (path.as_str(), 11, 10),
            (path.as_str(), 13, 18)
        ]
    );
}
