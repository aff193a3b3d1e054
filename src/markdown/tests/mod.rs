//! Unit tests of the Markdown module: the helpers shared by the test files (a tag reader for
//! sanitised HTML, the safety assertions) are here, the tests themselves in the submodules by
//! topic. Test-only code.

mod depth;
mod links;
mod props;
mod render;
mod urls;

use super::render;
use super::urls::{decode_entities, is_remote, is_unsafe_url, is_url_attribute};

fn no_links(_: &str) -> Option<String> {
    None
}

fn html(text: &str) -> String {
    render(text, &no_links).html
}

/// The tags in sanitised output, each with its attributes (names lowercased, values
/// entity-decoded). ammonia always quotes attribute values and escapes `<` in text, so
/// every `<` followed by a letter opens a real tag.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && !b" />".contains(&b[i]) {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i] == b' ' || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let start = i;
            while i < b.len() && !b" =/>".contains(&b[i]) {
                i += 1;
            }
            let attr = html[start..i].to_ascii_lowercase();
            let mut value = String::new();
            if b.get(i) == Some(&b'=') {
                assert_eq!(b.get(i + 1), Some(&b'"'), "unquoted attribute in {html}");
                let end = html[i + 2..].find('"').map_or(b.len(), |e| i + 2 + e);
                value = decode_entities(&html[i + 2..end]);
                i = end + 1;
            }
            attrs.push((attr, value));
        }
        tags.push((name, attrs));
    }
    tags
}

const ALLOWED_ATTRIBUTES: &[&str] = &[
    "href", "hreflang", "rel", "title", "lang", "dir", "cite", "datetime", "align", "char",
    "charoff", "span", "size", "width", "height", "alt", "src", "start", "summary", "colspan",
    "rowspan", "headers", "scope", "id", "class", "style", "type", "checked", "disabled",
];
const FORBIDDEN_TAGS: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "form", "svg", "math", "base", "meta", "link",
    "frame", "frameset", "textarea", "button", "select", "animate", "set",
];

/// No script, no dangerous element, no `on*` (or any unexpected) attribute, no unsafe URL
/// in any attribute a browser follows, no `src` on another host.
fn assert_safe(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "<script in {html}");
    for (tag, attrs) in tags(html) {
        assert!(!FORBIDDEN_TAGS.contains(&tag.as_str()), "<{tag}> in {html}");
        for (name, value) in attrs {
            assert!(!name.starts_with("on"), "event handler {name} in {html}");
            assert!(
                ALLOWED_ATTRIBUTES.contains(&name.as_str()),
                "attribute {name} in {html}"
            );
            let v = value.to_ascii_lowercase();
            if is_url_attribute(&name) {
                // As a browser reads a URL: leading controls and spaces stripped, tabs
                // and newlines dropped. Only http, https, mailto and relative URLs pass.
                let url: String = v
                    .trim_start_matches(|c: char| c <= ' ')
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect();
                for scheme in ["javascript:", "vbscript:", "data:", "file:"] {
                    assert!(
                        !url.starts_with(scheme),
                        "unsafe {name}={value:?} in {html}"
                    );
                }
                assert!(!is_unsafe_url(&v), "unsafe {name}={value:?} in {html}");
                // Nothing is fetched from another host.
                if name == "src" {
                    assert!(!is_remote(&v), "remote {name}={value:?} in {html}");
                }
            }
            if name == "style" {
                assert!(
                    [
                        "text-align: left",
                        "text-align: center",
                        "text-align: right"
                    ]
                    .contains(&v.as_str()),
                    "style {v:?} in {html}"
                );
            }
            if name == "type" {
                assert_eq!((tag.as_str(), v.as_str()), ("input", "checkbox"), "{html}");
            }
        }
    }
}

/// `assert_safe`, and no `javascript:` anywhere at all, text included.
fn assert_clean(html: &str) {
    assert_safe(html);
    let decoded = decode_entities(&html.to_ascii_lowercase());
    assert!(!decoded.contains("javascript:"), "javascript: in {html}");
    assert!(
        !decoded.contains(" on") || !decoded.contains("=alert"),
        "{html}"
    );
}
