//! Unsafe URLs: which URLs a browser would run or load as code (`javascript:`, `vbscript:`,
//! `file:`, `data:` other than a PNG, GIF, JPEG or WebP image), and [`unsafe_urls`], which finds
//! them in Markdown source (links, images, autolinks, reference definitions, raw HTML
//! attributes, entities decoded) with their line and column for `check`. Must not render or
//! sanitise HTML (that is [`render`](super::render)'s), nor do IO.

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::{UnsafeUrl, options};

/// The scheme of an absolute URL (`javascript` in `javascript:…`), if `url` has one.
pub(super) fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(s)
}

/// Whether a browser would treat `url` as a `javascript:`, `vbscript:`, `file:` or non-image
/// `data:` URL. `url` must already be entity-decoded.
pub(super) fn is_unsafe_url(url: &str) -> bool {
    // As the URL parser does: strip leading C0 controls and spaces, drop tabs and newlines.
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some(scheme) = scheme(&url) else {
        return false;
    };
    match scheme.to_ascii_lowercase().as_str() {
        "javascript" | "vbscript" | "file" => true,
        "data" => {
            let rest = url[scheme.len() + 1..].trim_start().to_ascii_lowercase();
            !["image/png", "image/gif", "image/jpeg", "image/webp"]
                .iter()
                .any(|t| {
                    rest.strip_prefix(t)
                        .is_some_and(|r| r.starts_with(';') || r.starts_with(','))
                })
        }
        _ => false,
    }
}

/// Unsafe URLs in `text` (javascript:, vbscript:, data: except data:image/png|gif|jpeg|webp, file:),
/// in links, images, autolinks, reference definitions and raw HTML attributes (href/src/etc),
/// each with its 1-based line and column in `text`, so `check` can report them.
///
/// `text` is the Markdown body given to [`render`](super::render); a caller that split off front matter adds
/// the body's first line, less one, to `line`. Sorted by position; event handlers (`onerror=`)
/// are not URLs and are not reported here (the sanitiser drops them).
pub fn unsafe_urls(text: &str) -> Vec<UnsafeUrl> {
    located(text, |url, _| is_unsafe_url(url))
}

/// Images in `text` that a browser would fetch from another host (see [`is_remote`]): Markdown
/// images and the `src`/`srcset` of raw HTML tags, each with its 1-based line and column in
/// `text`, as [`unsafe_urls`] gives them. The sanitiser drops them from the page.
pub fn remote_images(text: &str) -> Vec<UnsafeUrl> {
    located(text, |url, fetched| fetched && is_remote(url))
}

/// Whether a browser would fetch `url` (a `src`, entity-decoded) from a host: it has a scheme
/// other than `data:`, or starts with `//` (or a backslash, which browsers read as `/`).
pub(super) fn is_remote(url: &str) -> bool {
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if url.starts_with("//") || url.starts_with("\\") || url.starts_with("/\\") {
        return true;
    }
    scheme(&url).is_some_and(|s| !s.eq_ignore_ascii_case("data"))
}

/// The URLs of `text` that `keep` (given the entity-decoded URL and whether a browser fetches
/// it by itself: an image or a raw `src`) selects, located and sorted.
fn located(text: &str, keep: impl Fn(&str, bool) -> bool) -> Vec<UnsafeUrl> {
    let index = LineIndex::new(text);
    let mut found: Vec<(usize, String)> = Vec::new();
    let keep = &keep;
    let parser = Parser::new_ext(text, options()).into_offset_iter();

    for (_, def) in parser.reference_definitions().iter() {
        if keep(&def.dest, false) {
            found.push((refdef_dest(text, def.span.start), def.dest.to_string()));
        }
    }

    // Open links and images: start of the source, destination, kind, end of their text, and
    // whether it is an image.
    let mut open: Vec<(usize, String, LinkType, usize, bool)> = Vec::new();
    let mut html_block: Option<usize> = None;
    for (event, range) in parser {
        // The end of an open link's text: the furthest end of the events inside it.
        if let Some(top) = open.last_mut()
            && !matches!(event, Event::End(TagEnd::Link | TagEnd::Image))
        {
            top.3 = top.3.max(range.end);
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => {
                let text_start = range.start
                    + if text[range.start..].starts_with('!') {
                        2
                    } else {
                        1
                    };
                let image = text[range.start..].starts_with('!');
                open.push((
                    range.start,
                    dest_url.to_string(),
                    link_type,
                    text_start,
                    image,
                ));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                let Some((start, dest, link_type, text_end, image)) = open.pop() else {
                    continue;
                };
                if let Some(outer) = open.last_mut() {
                    outer.3 = outer.3.max(range.end);
                }
                let defined_apart = !matches!(
                    link_type,
                    LinkType::Inline | LinkType::Autolink | LinkType::Email
                );
                if image && defined_apart && keep(&dest, true) && !keep(&dest, false) {
                    // A remote image by reference: at the image, the definition is no image.
                    found.push((start, dest));
                    continue;
                }
                if !keep(&dest, image) {
                    continue;
                }
                let at = match link_type {
                    // Reported at their definition.
                    LinkType::Reference
                    | LinkType::ReferenceUnknown
                    | LinkType::Collapsed
                    | LinkType::CollapsedUnknown
                    | LinkType::Shortcut
                    | LinkType::ShortcutUnknown => continue,
                    LinkType::Autolink | LinkType::Email => start + 1,
                    _ => inline_dest(text, text_end, range.end).unwrap_or(start),
                };
                found.push((at, dest));
            }
            Event::Start(Tag::HtmlBlock) => html_block = Some(range.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(start) = html_block.take() {
                    scan_html(text, start, range.end.max(start), keep, &mut found);
                }
            }
            Event::InlineHtml(_) => scan_html(text, range.start, range.end, keep, &mut found),
            Event::Html(_) if html_block.is_none() => {
                scan_html(text, range.start, range.end, keep, &mut found)
            }
            _ => {}
        }
    }

    found.sort_by_key(|(at, _)| *at);
    found.dedup_by_key(|(at, _)| *at);
    found
        .into_iter()
        .map(|(at, url)| {
            let (line, column) = index.position(at);
            UnsafeUrl { line, column, url }
        })
        .collect()
}

/// Where the destination of an inline link or image starts: after the `](` that follows its
/// text (which ends at or after `text_end`), whitespace and an opening `<`.
fn inline_dest(text: &str, text_end: usize, end: usize) -> Option<usize> {
    let src = text.get(text_end..end)?;
    let close = src.find("](")?;
    let after = text_end + close + 2;
    Some(skip_to_dest(text, after, end))
}

/// Where the destination of the reference definition starting at `start` begins.
fn refdef_dest(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    // The label: up to the first unescaped `]` (labels cannot contain unescaped brackets).
    while i < bytes.len() && bytes[i] != b'[' {
        i += 1;
    }
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b']' => break,
            _ => i += 1,
        }
    }
    if bytes.get(i + 1) != Some(&b':') {
        return start;
    }
    skip_to_dest(text, i + 2, text.len())
}

fn skip_to_dest(text: &str, mut i: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    while i < end && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    if bytes.get(i) == Some(&b'<') {
        i += 1;
    }
    i.min(text.len())
}

/// Attributes whose value a browser loads or navigates to.
pub(super) fn is_url_attribute(name: &str) -> bool {
    matches!(
        name,
        "href"
            | "xlink:href"
            | "src"
            | "action"
            | "formaction"
            | "data"
            | "poster"
            | "background"
            | "cite"
            | "ping"
            | "lowsrc"
            | "dynsrc"
            | "longdesc"
            | "codebase"
            | "manifest"
            | "icon"
            | "usemap"
            | "classid"
            | "archive"
            // SVG <animate>/<set> can write an href.
            | "values"
            | "from"
            | "to"
            | "by"
    )
}

/// Finds the URL attributes of the tags in `text[start..end]` that `keep` selects (an `<img>`'s
/// `src` or `srcset`, each of whose URLs is tried, is fetched by the browser itself).
fn scan_html(
    text: &str,
    start: usize,
    end: usize,
    keep: &dyn Fn(&str, bool) -> bool,
    found: &mut Vec<(usize, String)>,
) {
    let Some(src) = text.get(start..end) else {
        return;
    };
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if src[i..].starts_with("<!--") {
            i = src[i + 4..].find("-->").map_or(b.len(), |e| i + 4 + e + 3);
            continue;
        }
        i += 1;
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let tag_start = i;
        while i < b.len() && !is_tag_space(b[i]) && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        // The sanitiser removes every other element that loads something whole.
        let image = src[tag_start..i].eq_ignore_ascii_case("img");
        // Attributes, up to the end of the tag.
        loop {
            while i < b.len() && (is_tag_space(b[i]) || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let name_start = i;
            i += 1; // a name may start with `=`
            while i < b.len() && !is_tag_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let name = src[name_start..i].to_ascii_lowercase();
            let mut j = i;
            while j < b.len() && is_tag_space(b[j]) {
                j += 1;
            }
            if b.get(j) != Some(&b'=') {
                continue;
            }
            j += 1;
            while j < b.len() && is_tag_space(b[j]) {
                j += 1;
            }
            let (value_start, value_end, next) = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let e = src[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                    (j + 1, e, (e + 1).min(b.len()))
                }
                _ => {
                    let mut e = j;
                    while e < b.len() && !is_tag_space(b[e]) && b[e] != b'>' {
                        e += 1;
                    }
                    (j, e, e)
                }
            };
            i = next;
            if is_url_attribute(&name) || name == "srcset" {
                let value = decode_entities(&src[value_start..value_end]);
                let fetched =
                    image && matches!(name.as_str(), "src" | "srcset" | "lowsrc" | "dynsrc");
                let selected = if name == "srcset" {
                    srcset_urls(&value).any(|u| keep(u, image))
                } else {
                    keep(&value, fetched)
                };
                if selected {
                    found.push((start + value_start, value));
                }
            }
        }
    }
}

/// The URLs of a `srcset` value: `a.png 1x, //host/b.png 2x`.
fn srcset_urls(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .filter_map(|candidate| candidate.split_whitespace().next())
}

fn is_tag_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Decodes the character references a browser would decode in an attribute value: numeric
/// ones (`&#x61;`, `&#97`, with or without `;`) and the named ones that matter for a scheme.
pub(super) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    const NAMED: &[(&str, char)] = &[
        ("colon;", ':'),
        ("tab;", '\t'),
        ("newline;", '\n'),
        ("amp;", '&'),
        ("amp", '&'),
        ("lt;", '<'),
        ("gt;", '>'),
        ("quot;", '"'),
        ("apos;", '\''),
        ("nbsp;", '\u{a0}'),
        ("sol;", '/'),
        ("lpar;", '('),
        ("rpar;", ')'),
        ("period;", '.'),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        if let Some(num) = rest.strip_prefix('#') {
            let (radix, digits) = match num.strip_prefix(['x', 'X']) {
                Some(hex) => (16, hex),
                None => (10, num),
            };
            let len = digits
                .bytes()
                .take_while(|c| c.is_ascii_digit() || (radix == 16 && c.is_ascii_hexdigit()))
                .count();
            if len > 0 {
                let c = u32::from_str_radix(&digits[..len.min(8)], radix)
                    .ok()
                    .and_then(char::from_u32)
                    .filter(|&c| c != '\0')
                    .unwrap_or('\u{fffd}');
                out.push(c);
                let after = &digits[len..];
                rest = after.strip_prefix(';').unwrap_or(after);
                continue;
            }
        } else if let Some((name, c)) = NAMED.iter().find(|(name, _)| {
            rest.get(..name.len())
                .is_some_and(|r| r.eq_ignore_ascii_case(name))
        }) {
            out.push(*c);
            rest = &rest[name.len()..];
            continue;
        }
        out.push('&');
    }
    out.push_str(rest);
    out
}

/// Byte offset → 1-based line and column (in characters).
pub(super) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, starts }
    }

    pub(super) fn position(&self, at: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= at).max(1);
        let start = self.starts[line - 1];
        let column = self.text.get(start..at).map_or(0, |s| s.chars().count()) + 1;
        (line as u32, column as u32)
    }
}
