//! Markdown → sanitised HTML, the only user of pulldown-cmark: render + sanitise. Must not do IO
//! or print, nor let a script, an event handler or a `javascript:`/`vbscript:`/`data:` URL out.
//!
//! Tables, task lists, footnotes and strikethrough are rendered, heading ids added and links
//! between content files rewritten; then the HTML goes through one configured ammonia builder.
//!
//! - [`render`] turns a body into [`Rendered`] HTML plus the headings for a table of contents.
//! - [`unsafe_urls`] finds the URLs `check` reports, with their line and column.
//! - [`slugify`] makes a heading's anchor.
//!
//! Heading ids are `slugify`d text (CJK kept), de-duplicated with `-1`, `-2`; footnotes use
//! `fn:N` / `fnref:N` ids (a `:` never appears in a slug, so the two cannot collide) and link
//! both ways. Heading attributes (`{#id .class onclick=…}`) are not enabled, so they stay text.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// How links between content files are rewritten: given the path of a link target as written
/// in a content file, without its `#fragment` (e.g. `../entries/0020-repayment-file.md`,
/// `0020-repayment-file.md`, `/content/releases/2019-03-07.md`), return the site URL to use
/// instead (relative, e.g. `../../entries/20/`), or None to leave the link unchanged. The
/// fragment, if any (`#背景`), is appended to the returned URL.
///
/// Only relative (or root-relative) targets whose path ends in `.md` are passed here; any
/// `Fn(&str) -> Option<String> + Sync` is a resolver.
pub trait LinkResolver: Sync {
    fn resolve(&self, target: &str) -> Option<String>;
}

impl<F> LinkResolver for F
where
    F: Fn(&str) -> Option<String> + Sync,
{
    fn resolve(&self, target: &str) -> Option<String> {
        self(target)
    }
}

/// A rendered body: sanitised HTML and its headings, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
}

/// A heading, for a table of contents: `<a href="#{id}">{text}</a>` at `level` (1–6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// An unsafe URL (`javascript:`, `vbscript:`, `file:`, `data:` other than a PNG, GIF, JPEG
/// or WebP image) in a link, image, autolink, reference definition or raw HTML attribute,
/// at 1-based `line` and `column` (in characters) of the text given to [`unsafe_urls`].
/// `url` is the URL as a browser would read it (entities decoded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsafeUrl {
    pub line: u32,
    pub column: u32,
    pub url: String,
}

fn options() -> Options {
    // ENABLE_FOOTNOTES is the default, GitHub-compatible footnote syntax (an undefined
    // `[^x]` stays text). Never ENABLE_HEADING_ATTRIBUTES: `{#id onclick=…}` must stay text.
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
}

/// Renders Markdown `text` to sanitised HTML.
pub fn render(text: &str, links: &dyn LinkResolver) -> Rendered {
    let mut ids = HashSet::new();
    let mut headings = Vec::new();
    let mut footnotes = Footnotes::default();
    let mut out: Vec<Event<'_>> = Vec::new();
    // A heading's events are held back until its end, when its text (and so its id) is known.
    let mut heading: Option<(HeadingLevel, Vec<Event<'_>>)> = None;
    // For each open link, whether it was dropped.
    let mut dropped_links: Vec<bool> = Vec::new();

    for event in Parser::new_ext(text, options()) {
        let event = match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, inner)) = heading.take() {
                    let text = plain_text(&inner);
                    let id = unique_id(&mut ids, &text);
                    out.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(id.clone().into()),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    }));
                    out.extend(inner);
                    out.push(Event::End(TagEnd::Heading(level)));
                    headings.push(Heading {
                        level: level as u8,
                        id,
                        text,
                    });
                }
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // An unsafe link keeps its text and loses its `<a>` (ammonia would only
                // drop the `href`).
                let unsafe_link = is_unsafe_url(&dest_url);
                dropped_links.push(unsafe_link);
                if unsafe_link {
                    continue;
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: rewrite_link(dest_url, links),
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Link) => {
                if dropped_links.pop() == Some(true) {
                    continue;
                }
                Event::End(TagEnd::Link)
            }
            Event::FootnoteReference(name) => Event::InlineHtml(footnotes.reference(&name).into()),
            Event::Start(Tag::FootnoteDefinition(name)) => {
                Event::Html(footnotes.start_definition(&name).into())
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                footnotes.end_definition(&mut out);
                Event::Html("</div>\n".into())
            }
            other => other,
        };
        match &mut heading {
            Some((_, inner)) => inner.push(event),
            None => out.push(event),
        }
    }
    footnotes.drop_dangling_backlinks(&mut out);

    let mut html = String::with_capacity(text.len() * 3 / 2 + 64);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Rendered {
        html: stable_inputs(&SANITISER.clean(&html).to_string()),
        headings,
    }
}

/// The text of a heading's inline events, as shown in a table of contents.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// `slugify(text)`, or `section` if that is empty, made unique with `-1`, `-2`, ….
fn unique_id(ids: &mut HashSet<String>, text: &str) -> String {
    let mut base = slugify(text);
    if base.is_empty() {
        base = "section".to_string();
    }
    let mut id = base.clone();
    let mut n = 0;
    while ids.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    ids.insert(id.clone());
    id
}

/// Footnote numbering (in order of first mention, reference or definition, as pulldown-cmark
/// does) and the HTML for references and definitions, so that they link both ways:
/// reference `<sup id="fnref:N"><a href="#fn:N">` ↔ definition `<div id="fn:N">…<a
/// href="#fnref:N">↩</a>`.
#[derive(Default)]
struct Footnotes {
    numbers: HashMap<String, usize>,
    /// How many references each footnote number has had.
    references: HashMap<usize, usize>,
    /// Numbers of the definitions being rendered (definitions do not nest in GFM syntax, but
    /// a stack costs nothing).
    open: Vec<usize>,
    /// Index in the event list and number of each backlink.
    backlinks: Vec<(usize, usize)>,
}

impl Footnotes {
    fn number(&mut self, name: &str) -> usize {
        // Labels match case-insensitively, as the parser matches them.
        let next = self.numbers.len() + 1;
        *self.numbers.entry(name.to_lowercase()).or_insert(next)
    }

    fn reference(&mut self, name: &str) -> String {
        let n = self.number(name);
        let count = self.references.entry(n).or_insert(0);
        *count += 1;
        let id = if *count == 1 {
            format!("fnref:{n}")
        } else {
            format!("fnref:{n}-{count}")
        };
        format!("<sup class=\"footnote-reference\" id=\"{id}\"><a href=\"#fn:{n}\">{n}</a></sup>")
    }

    fn start_definition(&mut self, name: &str) -> String {
        let n = self.number(name);
        self.open.push(n);
        format!(
            "<div class=\"footnote-definition\" id=\"fn:{n}\">\
             <sup class=\"footnote-definition-label\">{n}</sup>"
        )
    }

    /// Puts the backlink at the end of the definition's last paragraph, or after its content.
    fn end_definition(&mut self, out: &mut Vec<Event<'_>>) {
        let Some(n) = self.open.pop() else { return };
        let link = format!(" <a href=\"#fnref:{n}\" class=\"footnote-backref\">↩</a>");
        let at = match out.last() {
            Some(Event::End(TagEnd::Paragraph)) => out.len() - 1,
            _ => out.len(),
        };
        out.insert(at, Event::InlineHtml(link.into()));
        self.backlinks.push((at, n));
    }

    /// A definition that is never referenced has nothing to link back to.
    fn drop_dangling_backlinks(&self, out: &mut [Event<'_>]) {
        for &(at, n) in &self.backlinks {
            if !self.references.contains_key(&n) {
                out[at] = Event::InlineHtml("".into());
            }
        }
    }
}

/// Passes a relative link to a `.md` file to the resolver, keeping its `#fragment`.
fn rewrite_link<'a>(dest: CowStr<'a>, links: &dyn LinkResolver) -> CowStr<'a> {
    let (path, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (&dest[..], ""),
    };
    if !is_content_link(path) {
        return dest;
    }
    match links.resolve(path) {
        Some(url) => format!("{url}{fragment}").into(),
        None => dest,
    }
}

/// A relative or root-relative path (no scheme, not `//host`) ending in `.md`.
fn is_content_link(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() > 3
        && b[b.len() - 3..].eq_ignore_ascii_case(b".md")
        && !path.starts_with("//")
        && !path.starts_with('\\')
        && scheme(path).is_none()
}

/// The scheme of an absolute URL (`javascript` in `javascript:…`), if `url` has one.
fn scheme(url: &str) -> Option<&str> {
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
fn is_unsafe_url(url: &str) -> bool {
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

/// A URL/anchor slug for a heading: lowercase, spaces to `-`, keeps CJK letters and digits,
/// drops punctuation; de-duplicated by the caller with -1, -2 suffixes.
///
/// Letters and digits of any script, `-` and `_` are kept, as GitHub does, so an anchor that
/// works on GitHub (`#背景`, `#rollback-plan`) works on the site.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_whitespace() {
            slug.push('-');
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            slug.extend(c.to_lowercase());
        }
    }
    slug
}

/// Unsafe URLs in `text` (javascript:, vbscript:, data: except data:image/png|gif|jpeg|webp, file:),
/// in links, images, autolinks, reference definitions and raw HTML attributes (href/src/etc),
/// each with its 1-based line and column in `text`, so `check` can report them.
///
/// `text` is the Markdown body given to [`render`]; a caller that split off front matter adds
/// the body's first line, less one, to `line`. Sorted by position; event handlers (`onerror=`)
/// are not URLs and are not reported here (the sanitiser drops them).
pub fn unsafe_urls(text: &str) -> Vec<UnsafeUrl> {
    let index = LineIndex::new(text);
    let mut found: Vec<(usize, String)> = Vec::new();
    let parser = Parser::new_ext(text, options()).into_offset_iter();

    for (_, def) in parser.reference_definitions().iter() {
        if is_unsafe_url(&def.dest) {
            found.push((refdef_dest(text, def.span.start), def.dest.to_string()));
        }
    }

    // Open links and images: start of the source, destination, kind, end of their text.
    let mut open: Vec<(usize, String, LinkType, usize)> = Vec::new();
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
                open.push((range.start, dest_url.to_string(), link_type, text_start));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                let Some((start, dest, link_type, text_end)) = open.pop() else {
                    continue;
                };
                if let Some(outer) = open.last_mut() {
                    outer.3 = outer.3.max(range.end);
                }
                if !is_unsafe_url(&dest) {
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
                    scan_html(text, start, range.end.max(start), &mut found);
                }
            }
            Event::InlineHtml(_) => scan_html(text, range.start, range.end, &mut found),
            Event::Html(_) if html_block.is_none() => {
                scan_html(text, range.start, range.end, &mut found)
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
fn is_url_attribute(name: &str) -> bool {
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

/// Finds the URL attributes of the tags in `text[start..end]` holding unsafe URLs.
fn scan_html(text: &str, start: usize, end: usize, found: &mut Vec<(usize, String)>) {
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
        while i < b.len() && !is_tag_space(b[i]) && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
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
            if is_url_attribute(&name) {
                let value = decode_entities(&src[value_start..value_end]);
                if is_unsafe_url(&value) {
                    found.push((start + value_start, value));
                }
            }
        }
    }
}

fn is_tag_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Decodes the character references a browser would decode in an attribute value: numeric
/// ones (`&#x61;`, `&#97`, with or without `;`) and the named ones that matter for a scheme.
fn decode_entities(s: &str) -> String {
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
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, starts }
    }

    fn position(&self, at: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= at).max(1);
        let start = self.starts[line - 1];
        let column = self.text.get(start..at).map_or(0, |s| s.chars().count()) + 1;
        (line as u32, column as u32)
    }
}

/// The sanitiser: ammonia's defaults (no script, style, iframe, object, embed, form; no `on*`
/// attributes), plus exactly what the Markdown features produce, with URLs limited to http,
/// https, mailto and relative ones. Built once; `Builder` is `Sync`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Mutex;

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
        "script", "style", "iframe", "object", "embed", "form", "svg", "math", "base", "meta",
        "link", "frame", "frameset", "textarea", "button", "select", "animate", "set",
    ];

    /// No script, no dangerous element, no `on*` (or any unexpected) attribute, no unsafe URL
    /// in any attribute a browser follows.
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
        let out =
            html("<input type=\"text\" name=\"q\" value=\"x\" onfocus=\"alert(1)\" autofocus>");
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
        let out =
            html("Claim[^src] and again[^src], also[^b].\n\n[^src]: The source.\n\n[^b]: Bee.\n");
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
        let out =
            html("[a](https://example.com) [b](http://example.com) [c](ftp://x) [d](tel:123)");
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

    // ---- unsafe_urls ----

    fn found(text: &str) -> Vec<(u32, u32, String)> {
        unsafe_urls(text)
            .into_iter()
            .map(|u| (u.line, u.column, u.url))
            .collect()
    }

    #[test]
    fn unsafe_urls_in_links_with_positions() {
        let text = "# Title\n\
                    [a](javascript:alert(1))\n\
                    x [b](JaVaScRiPt:alert(1))\n\
                    [c](jav&#x61;script:alert(1))\n\
                    <javascript:alert(1)>\n\
                    背景 [**bold** text](vbscript:msgbox(1)) ![i](data:text/html,x)\n\
                    [d](<java\tscript:x>)\n\
                    > [e](file:///etc/passwd)\n";
        assert_eq!(
            found(text),
            [
                (2, 5, "javascript:alert(1)".to_string()),
                (3, 7, "JaVaScRiPt:alert(1)".to_string()),
                (4, 5, "javascript:alert(1)".to_string()),
                (5, 2, "javascript:alert(1)".to_string()),
                (6, 20, "vbscript:msgbox(1)".to_string()),
                (6, 45, "data:text/html,x".to_string()),
                (7, 6, "java\tscript:x".to_string()),
                (8, 7, "file:///etc/passwd".to_string()),
            ]
        );
    }

    #[test]
    fn unsafe_urls_in_reference_definitions() {
        let text = "[a][x] and [y] and [z][]\n\n[x]: javascript:alert(1)\n  [y]:\n  <JAVASCRIPT:y> \"t\"\n[z]: https://fine.example\n[unused]: vbscript:u\n";
        assert_eq!(
            found(text),
            [
                (3, 6, "javascript:alert(1)".to_string()),
                (5, 4, "JAVASCRIPT:y".to_string()),
                (7, 11, "vbscript:u".to_string()),
            ]
        );
    }

    #[test]
    fn unsafe_urls_in_raw_html() {
        let text = "Go <a href=\"javascript:alert(1)\">there</a>.\n\
                    \n\
                    <div>\n\
                    <a title=\"x\" HREF='jav&#x61;script:x'>y</a><img src=data:text/html,z>\n\
                    </div>\n\
                    \n\
                    <svg><a xlink:href=\"&#106;avascript&colon;q\">s</a></svg>\n\
                    \n\
                    <!-- <a href=\"javascript:commented\"> -->\n\
                    <img title=\"javascript:not-a-url\" src=\"ok.png\">\n";
        assert_eq!(
            found(text),
            [
                (1, 13, "javascript:alert(1)".to_string()),
                (4, 20, "javascript:x".to_string()),
                (4, 53, "data:text/html,z".to_string()),
                (7, 21, "javascript:q".to_string()),
            ]
        );
    }

    #[test]
    fn safe_urls_and_code_are_not_reported() {
        let text = "[a](https://example.com) [b](../entries/0001-x.md) [c](mailto:a@b.c) [d](#x)\n\
                    ![png](data:image/png;base64,AAAA) ![gif](DATA:image/gif,x) ![w](data:image/webp;base64,A)\n\
                    `[e](javascript:alert(1))` and plain javascript:alert(1) text\n\
                    \n\
                    ```\n\
                    <a href=\"javascript:alert(1)\">in code</a>\n\
                    ```\n\
                    \n    [f](javascript:indented-code)\n";
        assert_eq!(found(text), []);
        assert_eq!(found("![svg](data:image/svg+xml;base64,PHN2Zz4=)").len(), 1);
    }

    #[test]
    fn url_classification() {
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:x",
            " \u{1}javascript:x",
            "java\tscr\nipt:x",
            "vbscript:x",
            "file:///etc/passwd",
            "data:text/html,x",
            "data:image/svg+xml,x",
            "data:,x",
            "data:image/pngx,x",
        ] {
            assert!(is_unsafe_url(bad), "{bad:?}");
        }
        for good in [
            "https://x",
            "http://x",
            "mailto:a@b",
            "../a.md",
            "/content/a.md",
            "#javascript:x",
            "a/javascript:x",
            "?javascript:x",
            "javascript",
            "data:image/png;base64,AA",
            "data:image/jpeg,AA",
            "",
        ] {
            assert!(!is_unsafe_url(good), "{good:?}");
        }
    }

    #[test]
    fn entity_decoding() {
        assert_eq!(decode_entities("jav&#x61;script&colon;x"), "javascript:x");
        assert_eq!(decode_entities("&#106&#97;v&#X61;"), "java");
        assert_eq!(decode_entities("a&amp;b&lt;&unknown;&"), "a&b<&unknown;&");
        assert_eq!(decode_entities("&#0;&#xFFFFFFFFF;"), "\u{fffd}\u{fffd}");
        assert_eq!(decode_entities("java&Tab;script"), "java\tscript");
    }

    #[test]
    fn line_index_counts_characters() {
        let index = LineIndex::new("ab\n背景x\n\nz");
        assert_eq!(index.position(0), (1, 1));
        assert_eq!(index.position(2), (1, 3));
        assert_eq!(index.position(3), (2, 1));
        assert_eq!(index.position(9), (2, 3));
        assert_eq!(index.position(11), (3, 1));
        assert_eq!(index.position(12), (4, 1));
    }

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
}
