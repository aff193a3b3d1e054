//! Issue #10, the configuration and `serve` rows: `base_url` is an http(s) URL or a path (from
//! opsledger.toml and `--base-url` alike), a config error stops the check before the content is
//! judged and every config diagnostic points at its key.

use crate::harness::{self, Ledger, located};

/// The minimal ledger with `base_url` set to `url`.
fn with_base_url(url: &str) -> Ledger {
    let config =
        harness::MINIMAL_CONFIG.replace("base_url = \"/\"", &format!("base_url = {url:?}"));
    Ledger::minimal().file("opsledger.toml", config)
}

#[test]
fn a_base_url_that_is_not_http_or_a_path_is_an_error_at_its_value() {
    for url in [
        "javascript:alert(1)//",
        "data:text/html,x",
        "//evil.example.com/",
    ] {
        let l = with_base_url(url);
        let (code, out, err) = l.run(&["check", "--format", "json"]);
        assert_eq!(code, 1, "{url}: {out}{err}");
        let got = located(&out);
        assert_eq!(
            got,
            [("E0503".to_owned(), "opsledger.toml".to_owned(), 2, 12)],
            "{url}: {out}"
        );
        let (code, _, err) = l.run(&["build"]);
        assert_eq!(code, 1, "{url}: {err}");
        assert!(!l.path("public").exists(), "{url}: a site was written");
    }
}

#[test]
fn a_base_url_flag_that_is_not_http_or_a_path_is_a_usage_error() {
    let l = Ledger::minimal();
    for url in ["javascript:alert(1)//", "data:text/html,<script>x</script>"] {
        let (code, out, err) = l.run(&["build", "--base-url", url]);
        assert_eq!(code, 2, "{url}: {out}{err}");
        assert!(err.contains("--base-url"), "{err}");
        assert!(err.contains("https://"), "the help shows a good one: {err}");
        assert!(!l.path("public").exists(), "{url}: a site was written");
    }
    let (code, out, err) = l.run(&["build", "--base-url", "https://ops.example.com/ledger/"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_broken_config_is_reported_alone_not_under_the_entries_it_would_fail() {
    // The `[[systems]]` header is broken: no system is declared, so every entry's system would
    // be "not declared".
    let config = harness::MINIMAL_CONFIG.replacen("[[systems]]", "[[systems]", 1);
    let l = Ledger::minimal().file("opsledger.toml", config);
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    let codes: Vec<String> = located(&out).into_iter().map(|d| d.0).collect();
    assert_eq!(codes, ["E0501"], "{out}");
    // The same with an unknown key or a bad value: only opsledger.toml is reported.
    let config = harness::MINIMAL_CONFIG.replace("owner = \"琳琳\"", "ownr = \"琳琳\"");
    let l = l.file("opsledger.toml", config).file(
        harness::MINIMAL_ENTRY_PATH,
        harness::MINIMAL_ENTRY.replace("system: 小贷", "system: 小袋"),
    );
    let (code, out, _) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let files: Vec<String> = located(&out).into_iter().map(|d| d.1).collect();
    assert_eq!(files, ["opsledger.toml"], "{out}");
    // Fixed, the content is judged again.
    let l = l.file("opsledger.toml", harness::MINIMAL_CONFIG);
    let (code, out, _) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let codes: Vec<String> = located(&out).into_iter().map(|d| d.0).collect();
    assert_eq!(codes, ["E0201"], "{out}");
}

#[test]
fn a_missing_theme_is_reported_at_its_value() {
    let config = harness::MINIMAL_CONFIG.replace(
        "language = \"zh-CN\"",
        "language = \"zh-CN\"\ntheme = \"nope\"",
    );
    let l = Ledger::minimal().file("opsledger.toml", config);
    let (code, out, err) = l.run(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        located(&out),
        [("E0503".to_owned(), "opsledger.toml".to_owned(), 4, 9)],
        "{out}"
    );
    let (code, out, _) = l.run(&["check"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("theme = \"nope\""),
        "the snippet shows the key: {out}"
    );
}
