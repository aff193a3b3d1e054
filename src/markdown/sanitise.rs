//! The sanitiser every rendered body goes through: one configured ammonia builder, then a
//! rewrite that makes its `<input>` tags byte-stable. Must not parse Markdown or rewrite links
//! (that is [`render`](super::render)'s), nor do IO.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

/// `html` sanitised by [`SANITISER`], with stable `<input>` tags.
pub(super) fn clean(html: &str) -> String {
    stable_inputs(&SANITISER.clean(html).to_string())
}

/// Rewrites every `<input …>` the sanitiser produced as `<input type="checkbox" disabled=""
/// [checked=""]>`: ammonia adds the forced attributes in hash-map order, which differs from
/// one process to the next, and builds must be byte-identical.
fn stable_inputs(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<input") {
        out.push_str(&rest[..i]);
        let tag_end = rest[i..].find('>').map_or(rest.len(), |j| i + j + 1);
        let tag = &rest[i..tag_end];
        let checked = tag.split_whitespace().any(|a| a.starts_with("checked"));
        out.push_str(if checked {
            "<input type=\"checkbox\" disabled=\"\" checked=\"\">"
        } else {
            "<input type=\"checkbox\" disabled=\"\">"
        });
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out
}

/// The sanitiser: ammonia's defaults (no script, style, iframe, object, embed, form; no `on*`
/// attributes; no `srcset`, no `style` but table alignment), plus exactly what the Markdown
/// features produce, with URLs limited to http, https, mailto and relative ones, and no `src`
/// that a browser would fetch from another host. Built once; `Builder` is `Sync`.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        // Task lists: always a disabled checkbox, whatever raw HTML asked for.
        .add_tags(["input"])
        .add_tag_attributes("input", ["checked"])
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        // Footnotes.
        .add_tag_attribute_values(
            "sup",
            "class",
            ["footnote-reference", "footnote-definition-label"],
        )
        .add_tag_attribute_values("div", "class", ["footnote-definition"])
        .add_tag_attribute_values("a", "class", ["footnote-backref"])
        // `language-*` classes, checked by the filter below.
        .add_tag_attributes("code", ["class"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("code", "class") => language_class(value),
            // Nothing is fetched from another host: a remote image keeps only its `alt`.
            (_, "src") if super::urls::is_remote(value) => None,
            _ => Some(Cow::Borrowed(value)),
        });
    // Heading ids and footnote anchors.
    for tag in ["h1", "h2", "h3", "h4", "h5", "h6", "sup", "div", "li"] {
        b.add_tag_attributes(tag, ["id"]);
    }
    // Table alignment, exactly as pulldown-cmark writes it (compared case-insensitively).
    for tag in ["th", "td"] {
        b.add_tag_attribute_values(
            tag,
            "style",
            [
                "text-align: left",
                "text-align: center",
                "text-align: right",
            ],
        );
    }
    b
});

/// Keeps the `language-*` tokens of a `class` attribute on `code`, or drops the attribute.
fn language_class(value: &str) -> Option<Cow<'_, str>> {
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|token| {
            token.strip_prefix("language-").is_some_and(|lang| {
                !lang.is_empty()
                    && lang
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '+' | '#' | '.'))
            })
        })
        .collect();
    match kept.as_slice() {
        [] => None,
        [one] if *one == value => Some(Cow::Borrowed(value)),
        _ => Some(Cow::Owned(kept.join(" "))),
    }
}
