//! Tests of [`render`]: the Markdown features that must survive sanitising, and heading ids.

use super::{assert_safe, html, no_links, tags};
use crate::markdown::{render, slugify};

// ---- Markdown features survive sanitising ----

#[test]
fn table_alignment_survives() {
    let out = html("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n");
    assert!(
        out.contains(r#"<th style="text-align: left">a</th>"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<th style="text-align: center">b</th>"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<th style="text-align: right">c</th>"#),
        "{out}"
    );
    assert!(out.contains("<th>d</th>"), "{out}");
    assert!(
        out.contains(r#"<td style="text-align: right">3</td>"#),
        "{out}"
    );
    assert!(out.contains("<table>") && out.contains("<tbody>"), "{out}");
    assert_safe(&out);
}

#[test]
fn raw_styles_other_than_alignment_are_dropped() {
    let out = html(
        "<table><tr><td style=\"text-align: left; background: url(javascript:alert(1))\">x</td>\
         <td style=\"position: fixed\">y</td><th style=\"TEXT-ALIGN: CENTER\">z</th></tr></table>",
    );
    assert!(
        out.contains("<td>x</td>") && out.contains("<td>y</td>"),
        "{out}"
    );
    assert!(
        !out.contains("background") && !out.contains("fixed"),
        "{out}"
    );
    assert!(!html("<p style=\"text-align: left\">p</p>").contains("style"));
}

#[test]
fn task_list_boxes_survive_disabled() {
    let out = html("- [ ] todo\n- [x] done\n");
    let inputs: Vec<_> = tags(&out)
        .into_iter()
        .filter(|(t, _)| t == "input")
        .collect();
    assert_eq!(inputs.len(), 2, "{out}");
    for (_, attrs) in &inputs {
        assert!(attrs.contains(&("type".into(), "checkbox".into())), "{out}");
        assert!(attrs.iter().any(|(n, _)| n == "disabled"), "{out}");
    }
    assert!(!inputs[0].1.iter().any(|(n, _)| n == "checked"), "{out}");
    assert!(inputs[1].1.iter().any(|(n, _)| n == "checked"), "{out}");
    assert!(out.contains("todo") && out.contains("done"));
}

#[test]
fn raw_inputs_become_disabled_checkboxes() {
    let out = html("<input type=\"text\" name=\"q\" value=\"x\" onfocus=\"alert(1)\" autofocus>");
    let inputs: Vec<_> = tags(&out)
        .into_iter()
        .filter(|(t, _)| t == "input")
        .collect();
    assert_eq!(inputs.len(), 1, "{out}");
    let mut names: Vec<_> = inputs[0]
        .1
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    names.sort();
    assert_eq!(names, [("disabled", ""), ("type", "checkbox")], "{out}");
    assert!(!html("<form action=\"/x\"><button>go</button></form>").contains("<form"));
}

#[test]
fn footnotes_link_both_ways() {
    let out = html("Claim[^src] and again[^src], also[^b].\n\n[^src]: The source.\n\n[^b]: Bee.\n");
    // Reference → definition.
    assert!(
        out.contains(r##"<sup class="footnote-reference" id="fnref:1"><a href="#fn:1""##),
        "{out}"
    );
    assert!(out.contains(r##"id="fnref:1-2"><a href="#fn:1""##), "{out}");
    assert!(out.contains(r##"id="fnref:2"><a href="#fn:2""##), "{out}");
    // Definition → reference.
    assert!(
        out.contains(r#"<div class="footnote-definition" id="fn:1">"#),
        "{out}"
    );
    assert!(
        out.contains(r#"<sup class="footnote-definition-label">1</sup>"#),
        "{out}"
    );
    assert!(
        out.contains(r##"<p>The source. <a href="#fnref:1" class="footnote-backref""##),
        "{out}"
    );
    assert!(
        out.contains(r##"<a href="#fnref:2" class="footnote-backref""##),
        "{out}"
    );
    assert_safe(&out);
}

#[test]
fn footnote_numbers_follow_first_mention() {
    let out = html("[^z]: Defined first.\n\nLater[^a] then[^Z].\n\n[^a]: A.\n");
    assert!(
        out.contains(r#"id="fn:1"><sup class="footnote-definition-label">1"#),
        "{out}"
    );
    assert!(
        out.contains(
            r##"id="fnref:2"><a href="#fn:2">2</a>"##
                .replace("\">2", "\" rel=\"noopener noreferrer\">2")
                .as_str()
        ),
        "{out}"
    );
    // `[^Z]` is `[^z]`: labels match case-insensitively.
    assert!(out.contains(r##"id="fnref:1"><a href="#fn:1""##), "{out}");
}

#[test]
fn unreferenced_footnote_has_no_backlink_and_undefined_reference_stays_text() {
    let out = html("No reference here.\n\n[^lonely]: Alone.\n\nUndefined[^nope].\n");
    assert!(out.contains(r#"id="fn:1""#), "{out}");
    assert!(!out.contains("footnote-backref"), "{out}");
    assert!(out.contains("Undefined[^nope]."), "{out}");
}

#[test]
fn strikethrough() {
    assert_eq!(
        html("~~gone~~ and ~kept~"),
        "<p><del>gone</del> and <del>kept</del></p>\n"
    );
}

#[test]
fn code_keeps_only_language_classes() {
    let out = html("```rust\nfn main() {}\n```\n");
    assert!(out.contains(r#"<code class="language-rust">"#), "{out}");
    let out = html("```sql\nselect 1;\n```\n");
    assert!(out.contains(r#"<code class="language-sql">"#), "{out}");
    let out =
        html(r#"<code class="language-c++ btn-danger">x</code> <code class="modal">y</code>"#);
    assert!(
        out.contains(r#"<code class="language-c++">x</code>"#),
        "{out}"
    );
    assert!(out.contains("<code>y</code>"), "{out}");
    assert!(!html(r#"<p class="footnote-definition">x</p>"#).contains("class"));
    assert!(!html(r#"<div class="modal">x</div>"#).contains("class"));
}

// ---- Headings ----

#[test]
fn cjk_heading_ids_and_duplicates() {
    let out = render(
        "## 背景\n\ntext\n\n## 背景\n\n### 背景\n\n# 上线计划 v2\n",
        &no_links,
    );
    assert!(
        out.html.contains(r#"<h2 id="背景">背景</h2>"#),
        "{}",
        out.html
    );
    assert!(
        out.html.contains(r#"<h2 id="背景-1">背景</h2>"#),
        "{}",
        out.html
    );
    assert!(
        out.html.contains(r#"<h3 id="背景-2">背景</h3>"#),
        "{}",
        out.html
    );
    assert!(
        out.html.contains(r#"<h1 id="上线计划-v2">"#),
        "{}",
        out.html
    );
    let ids: Vec<_> = out
        .headings
        .iter()
        .map(|h| (h.level, h.id.as_str(), h.text.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            (2, "背景", "背景"),
            (2, "背景-1", "背景"),
            (3, "背景-2", "背景"),
            (1, "上线计划-v2", "上线计划 v2"),
        ]
    );
}

#[test]
fn heading_text_and_ids_from_inline_markup() {
    let out = render(
        "## Roll *back* `plan`!\n\nSetext Title\n------------\n\n## ???\n\n## ???\n\n## 背景-1\n\n## 背景\n\n## 背景\n",
        &no_links,
    );
    let ids: Vec<_> = out
        .headings
        .iter()
        .map(|h| (h.id.as_str(), h.text.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("roll-back-plan", "Roll back plan!"),
            ("setext-title", "Setext Title"),
            ("section", "???"),
            ("section-1", "???"),
            ("背景-1", "背景-1"),
            ("背景", "背景"),
            ("背景-2", "背景"),
        ]
    );
    assert!(
        out.html
            .contains(r#"<h2 id="roll-back-plan">Roll <em>back</em> <code>plan</code>!</h2>"#),
        "{}",
        out.html
    );
}

#[test]
fn heading_attributes_are_not_honoured() {
    let out = render("## x {#evil onclick=alert(1) .btn}\n", &no_links);
    assert_safe(&out.html);
    assert!(!out.html.contains(r#"id="evil""#), "{}", out.html);
    assert!(!out.html.contains("class="), "{}", out.html);
    assert_eq!(out.headings[0].id, "x-evil-onclickalert1-btn");
}

#[test]
fn footnote_in_heading_is_not_part_of_its_text() {
    let out = render("## Risk[^1]\n\n[^1]: note\n", &no_links);
    assert_eq!(out.headings[0].id, "risk");
    assert!(
        out.html
            .contains(r##"<h2 id="risk">Risk<sup class="footnote-reference" id="fnref:1">"##),
        "{}",
        out.html
    );
}

#[test]
fn slugs() {
    assert_eq!(slugify("背景"), "背景");
    assert_eq!(slugify("Rollback Plan"), "rollback-plan");
    assert_eq!(slugify("Hello, World!"), "hello-world");
    assert_eq!(slugify("  v1.2 发布说明 "), "v12-发布说明");
    assert_eq!(slugify("全角，标点。（括号）"), "全角标点括号");
    assert_eq!(slugify("snake_case and-dash"), "snake_case-and-dash");
    assert_eq!(slugify("２０１９年 第３周"), "２０１９年-第３周");
    assert_eq!(slugify("ÉTÉ Ünïcode"), "été-ünïcode");
    assert_eq!(slugify("a  b"), "a--b");
    assert_eq!(slugify("<script>alert(1)</script>"), "scriptalert1script");
    assert_eq!(slugify("!!!"), "");
    assert_eq!(slugify(""), "");
}
