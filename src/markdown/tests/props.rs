//! Property tests: hostile and arbitrary text always renders safe (no script, event handler,
//! unsafe URL or `src` on another host, whatever the nesting), and [`unsafe_urls`] never panics
//! and points inside the text.

use super::{assert_safe, no_links};
use crate::markdown::{render, unsafe_urls};
use proptest::prelude::*;

// ---- Properties ----

const VOCABULARY: &[&str] = &[
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<ScRiPt>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:",
    "jav&#x61;script:",
    "&#106;avascript:",
    "java\tscript:",
    "vbscript:msgbox(1)",
    "data:text/html,",
    "data:image/png;base64,AA",
    "<a href=\"",
    "<a href='",
    "<a href=",
    "\">",
    "'>",
    ">",
    "</a>",
    "[a](",
    "](",
    ")",
    "(",
    "[",
    "]",
    "[x]: ",
    "[x]",
    "[x][]",
    "<",
    "\n",
    "\n\n",
    " ",
    "\t",
    "`",
    "```",
    "    ",
    "> ",
    "- ",
    "- [ ] ",
    "- [x] ",
    "1. ",
    "| a | b |\n|:--|--:|\n",
    "|",
    "[^1]",
    "[^1]: ",
    "# ",
    "## ",
    "{#id onclick=alert(1)}",
    "<svg onload=alert(1)>",
    "<svg>",
    "<math>",
    "<iframe src=javascript:alert(1)>",
    "<iframe>",
    "onclick=alert(1)",
    " onmouseover=",
    "\"",
    "'",
    "=",
    "<div ",
    "<input ",
    "type=text",
    "style=\"",
    "text-align: left",
    ";background:url(javascript:alert(1))",
    "<object data=",
    "<embed src=",
    "<form action=",
    "xlink:href=",
    "<animate attributeName=href values=",
    "&colon;",
    "&#58;",
    "&Tab;",
    "%6a",
    "~~",
    "*",
    "_",
    "<!--",
    "-->",
    "\\",
    "&",
    "&amp;",
    "<p title=\"",
    "<code class=\"",
    "language-rust",
    "<sup id=\"",
    "<table>",
    "<td style=\"",
    "<textarea>",
    "<noscript>",
    "<style>",
    "</style>",
    "<base href=",
    "<meta ",
    "背景",
    "é",
    "\0",
    "http://x",
    "https://x.example/a.md",
    "../a.md",
    "#frag",
    "mailto:a@b",
    "![i](",
    "https://evil.example/t.png",
    "//evil.example/t.png",
    "\\\\evil.example/t.png",
    "<img src=",
    "<img src=\"",
    " srcset=\"",
    "HTTPS:",
    "&#47;&#47;evil.example",
    "<video poster=",
    "<source src=",
    "<link rel=prefetch href=",
    "style=\"background:url(//evil.example)\"",
    ">>>>>>>>>>",
    "<div><div><div>",
    "<b id=1>",
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCABULARY), 0..40).prop_map(|v| v.concat())
}

proptest! {
    // No regression files: failures print their minimal input.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn rendered_output_is_always_safe(text in hostile_text()) {
        let out = render(&text, &no_links).html;
        let lower = out.to_lowercase();
        prop_assert!(!lower.contains("<script"), "{text:?} → {out}");
        assert_safe(&out);
    }

    #[test]
    fn unsafe_urls_never_panics_and_points_inside_the_text(text in hostile_text()) {
        let lines: Vec<&str> = text.split('\n').collect();
        for u in unsafe_urls(&text) {
            prop_assert!(u.line >= 1 && (u.line as usize) <= lines.len(), "{text:?} {u:?}");
            let width = lines[u.line as usize - 1].chars().count() as u32;
            prop_assert!(u.column >= 1 && u.column <= width + 1, "{text:?} {u:?}");
        }
    }

    #[test]
    fn arbitrary_text_renders(chars in prop::collection::vec(any::<char>(), 0..200)) {
        let text: String = chars.into_iter().collect();
        assert_safe(&render(&text, &no_links).html);
        let _ = unsafe_urls(&text);
    }
}
