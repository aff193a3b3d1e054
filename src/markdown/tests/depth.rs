//! Nesting depth: shapes whose sanitising time grows with the square of their depth are found
//! where they pass the limit and never reach the sanitiser; everyday shapes pass.

use super::{assert_safe, html, no_links};
use crate::markdown::{MAX_DEPTH, render, too_deep};

/// Sizes that took the sanitiser seconds before the limit (6.9 s for 65,000 `>`).
const HUGE: usize = 40_000;

#[test]
fn nested_quotes_are_found_where_they_pass_the_limit() {
    // 100 quotes and the paragraph inside them: 101 levels, at the paragraph.
    let text = format!("{} x\n", ">".repeat(MAX_DEPTH));
    assert_eq!(too_deep(&text), Some((1, MAX_DEPTH as u32 + 2)));
    let fits = format!("{} x\n", ">".repeat(MAX_DEPTH - 1));
    assert_eq!(too_deep(&fits), None);
    // On a later line.
    let text = format!("a\n\n{} x\n", ">".repeat(HUGE));
    assert_eq!(too_deep(&text), Some((3, MAX_DEPTH as u32 + 1)));
}

#[test]
fn huge_nesting_is_shown_as_text_not_sanitised() {
    for text in [
        format!("{} x\n", ">".repeat(HUGE)),
        format!("{}x\n", "- > ".repeat(HUGE / 4)),
        format!("{}\n", "<div>".repeat(HUGE)),
        "<div>\n\n".repeat(HUGE / 4),
        (0..HUGE / 8).map(|i| format!("<b id={i}>x\n\n")).collect(),
    ] {
        assert!(too_deep(&text).is_some(), "{:?}", &text[..40]);
        let out = render(&text, &no_links);
        assert!(out.html.starts_with("<pre>"), "{:?}", &out.html[..40]);
        assert!(out.headings.is_empty());
        assert_safe(&out.html);
    }
    let out = html("<div>\n".repeat(MAX_DEPTH + 1).as_str());
    assert!(out.starts_with("<pre>&lt;div&gt;"), "{out}");
}

#[test]
fn everyday_shapes_pass_whatever_their_length() {
    for text in [
        format!("{} x\n", ">".repeat(20)),
        "> - a\n>   > b\n>   > - c\n".repeat(2_000),
        "<b>x</b> <i>y</i> <span>z</span>\n\n".repeat(2_000),
        "<p>one\n<p>two\n<li>a\n<li>b\n".repeat(2_000),
        "<div>\n<p>a</p>\n</div>\n\n".repeat(2_000),
        "| a | b |\n|---|---|\n| *x* | `y` |\n\n".repeat(2_000),
        "*a* **b** ~~c~~ [d](e) ![f](g.png)\n\n".repeat(2_000),
        "```\n<div><div><div>\n```\n".repeat(2_000),
        "<br><hr><img src=a.png>\n\n".repeat(2_000),
        // An unclosed `<span>` ends with its paragraph.
        "<span>\n> </span>\n\n".repeat(2_000),
    ] {
        assert_eq!(too_deep(&text), None, "{:?}", &text[..30]);
    }
}

#[test]
fn many_identical_headings_get_distinct_ids() {
    let n = 20_000;
    let out = render(&"# x\n".repeat(n), &no_links);
    assert_eq!(out.headings.len(), n);
    assert_eq!(out.headings[0].id, "x");
    assert_eq!(out.headings[1].id, "x-1");
    assert_eq!(out.headings[n - 1].id, format!("x-{}", n - 1));
    let ids: std::collections::HashSet<_> = out.headings.iter().map(|h| &h.id).collect();
    assert_eq!(ids.len(), n);
    // A heading whose own text is a suffixed id is skipped over, once.
    let out = render("# x 1\n# x\n# x\n# x-1\n", &no_links);
    let ids: Vec<_> = out.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["x-1", "x", "x-2", "x-1-1"]);
}
