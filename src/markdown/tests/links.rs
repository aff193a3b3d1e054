//! Tests of [`render`](crate::markdown::render): link rewriting, and hostile input neutralised.

use super::{assert_clean, assert_safe, html, no_links};
use crate::markdown::{LinkResolver, render};
use std::sync::Mutex;

// ---- Links ----

struct Recorder(Mutex<Vec<String>>);

impl LinkResolver for Recorder {
    fn resolve(&self, target: &str) -> Option<String> {
        self.0.lock().unwrap().push(target.to_string());
        match target {
            "../entries/0020-repayment-file.md" | "0020-repayment-file.md" => {
                Some("../../entries/20/".into())
            }
            "/content/releases/2019-03-07.md" => Some("../../releases/2019-03-07/".into()),
            _ => None,
        }
    }
}

#[test]
fn links_to_content_files_are_rewritten() {
    let resolver = Recorder(Mutex::new(Vec::new()));
    let out = render(
        "[a](../entries/0020-repayment-file.md) [b](0020-repayment-file.md#背景) \
         [c](/content/releases/2019-03-07.md) [d](missing.md) [e](https://example.com/x.md) \
         [f](../runbooks/db.txt) [g](#local) [h][ref] <https://example.com/y.md> \
         [i](mailto:ops@example.com)\n\n[ref]: ../entries/0020-repayment-file.md#风险\n",
        &resolver,
    )
    .html;
    assert!(
        out.contains(r#"<a href="../../entries/20/" rel="noopener noreferrer">a</a>"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<a href="../../entries/20/#%E8%83%8C%E6%99%AF" rel"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<a href="../../releases/2019-03-07/" rel"#),
        "{out}"
    );
    assert!(out.contains(r#"<a href="missing.md" rel"#), "{out}");
    assert!(
        out.contains(r#"<a href="https://example.com/x.md" rel"#),
        "{out}"
    );
    assert!(out.contains(r#"<a href="../runbooks/db.txt" rel"#), "{out}");
    assert!(out.contains(r##"<a href="#local" rel"##), "{out}");
    assert!(
        out.contains(r#"<a href="../../entries/20/#%E9%A3%8E%E9%99%A9" rel"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<a href="https://example.com/y.md" rel"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<a href="mailto:ops@example.com" rel"#),
        "{out}"
    );
    let mut asked = resolver.0.into_inner().unwrap();
    asked.sort();
    assert_eq!(
        asked,
        [
            "../entries/0020-repayment-file.md",
            "../entries/0020-repayment-file.md",
            "/content/releases/2019-03-07.md",
            "0020-repayment-file.md",
            "missing.md",
        ]
    );
}

#[test]
fn closures_are_resolvers_and_images_are_not_rewritten() {
    let resolve = |t: &str| Some(format!("resolved/{t}"));
    let out = render(
        "[x](A.MD) ![i](pic.md) [y](//cdn.example.com/z.md)",
        &resolve,
    )
    .html;
    assert!(out.contains(r#"href="resolved/A.MD""#), "{out}");
    assert!(out.contains(r#"src="pic.md""#), "{out}");
    assert!(out.contains(r#"href="//cdn.example.com/z.md""#), "{out}");
}

#[test]
fn external_links_get_rel_and_other_schemes_are_dropped() {
    let out = html("[a](https://example.com) [b](http://example.com) [c](ftp://x) [d](tel:123)");
    assert!(
        out.contains(r#"<a href="https://example.com" rel="noopener noreferrer">a</a>"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<a href="http://example.com" rel="noopener noreferrer">b</a>"#),
        "{out}"
    );
    assert!(!out.contains("ftp:") && !out.contains("tel:"), "{out}");
}

// ---- Hostile input ----

#[test]
fn hostile_inputs_are_neutralised() {
    let cases = [
        "<script>alert(1)</script>",
        "text <script>alert(1)</script> inline",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"javascript:alert(1)\">",
        "[a](javascript:alert(1))",
        "[a](JaVaScRiPt:alert(1))",
        "[a](jav&#x61;script:alert(1))",
        "[a](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
        "[a](javascript&colon;alert(1))",
        "[a](<java\tscript:alert(1)>)",
        "[a](  javascript:alert(1) \"title\")",
        "![i](javascript:alert(1))",
        "[a][x]\n\n[x]: javascript:alert(1)",
        "[x]\n\n[x]: <JAVASCRIPT:alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"jav&#x61;script:alert(1)\">x</a>",
        "<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>",
        "<a href=' javascript:alert(1)'>x</a>",
        "<a href=java&#x09;script:alert(1)>x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<svg onload=alert(1)><circle r=1 /></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<svg><animate attributeName=href values=javascript:alert(1) /></svg>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "[a](data:text/html,<script>alert(1)</script>)",
        "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><input type=submit></form>",
        "<div onclick=\"alert(1)\" onmouseover=alert(1)>x</div>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<style>body{background:url(javascript:alert(1))}</style>",
        "<base href=\"javascript:alert(1)//\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<link rel=stylesheet href=\"javascript:alert(1)\">",
        "<details open ontoggle=alert(1)>x</details>",
        "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
        "<textarea><script>alert(1)</script></textarea>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<!-- <script>alert(1)</script> -->",
        "- [ ] <input type=checkbox onclick=alert(1)>",
        "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
        "[^1]\n\n[^1]: <script>alert(1)</script>",
        "## h <img src=x onerror=alert(1)>",
        "> <a href=\"javascript:alert(1)\">quoted</a>",
    ];
    for case in cases {
        let out = html(case);
        assert_clean(&out);
        assert!(
            !out.to_ascii_lowercase().contains("alert(1)</script"),
            "{case} → {out}"
        );
    }
}

#[test]
fn unsafe_autolink_becomes_plain_text() {
    let out = html("<javascript:alert(1)>");
    assert_safe(&out);
    assert_eq!(out, "<p>javascript:alert(1)</p>\n");
    assert_eq!(html("[a](javascript:alert(1))"), "<p>a</p>\n");
}

#[test]
fn safe_images_and_plain_html_survive() {
    let out = html(
        "![chart](img/chart.png \"Chart\") <kbd>Ctrl</kbd> <details><summary>s</summary>d</details>",
    );
    assert!(
        out.contains(r#"<img src="img/chart.png" alt="chart" title="Chart">"#),
        "{out}"
    );
    assert!(
        out.contains("<kbd>Ctrl</kbd>") && out.contains("<summary>s</summary>"),
        "{out}"
    );
}

#[test]
fn rendering_is_deterministic() {
    let text = "# A\n\n## 背景\n\n| a |\n|:-:|\n| 1 |\n\nx[^1]\n\n[^1]: y\n";
    assert_eq!(render(text, &no_links), render(text, &no_links));
}
