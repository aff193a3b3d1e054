//! Markdown → sanitised HTML, the only user of pulldown-cmark: render + sanitise. Must not do IO
//! or print, nor let a script, an event handler or a `javascript:`/`vbscript:`/`data:` URL out.
//!
//! Tables, task lists, footnotes and strikethrough are rendered, heading ids added and links
//! between content files rewritten; then the HTML goes through one configured ammonia builder.
//!
//! - [`render`] turns a body into [`Rendered`] HTML plus the headings for a table of contents.
//! - [`unsafe_urls`] finds the URLs `check` reports, with their line and column;
//!   [`remote_images`] the images from another host, which the sanitiser drops.
//! - [`slugify`] makes a heading's anchor.
//! - [`too_deep`] finds where a body nests deeper than [`MAX_DEPTH`]; such a body is not given
//!   to the sanitiser (whose time grows with the square of the depth) but shown as plain text.
//!
//! Heading ids are `slugify`d text (CJK kept), de-duplicated with `-1`, `-2`; footnotes use
//! `fn:N` / `fnref:N` ids (a `:` never appears in a slug, so the two cannot collide) and link
//! both ways. Heading attributes (`{#id .class onclick=…}`) are not enabled, so they stay text.
//!
//! This file holds the API types and the rendering walk (headings, footnotes, link rewriting);
//! `sanitise` holds the ammonia builder, `urls` the URL classification and [`unsafe_urls`],
//! `depth` the nesting count.

mod depth;
mod sanitise;
#[cfg(test)]
mod tests;
mod urls;

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

pub use depth::MAX_DEPTH;
use urls::{is_unsafe_url, scheme};
pub use urls::{remote_images, unsafe_urls};

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

/// Where `text` first nests deeper than [`MAX_DEPTH`] (Markdown containers and raw HTML tags
/// together), as a 1-based line and column (in characters) of `text`.
pub fn too_deep(text: &str) -> Option<(u32, u32)> {
    let at = depth::too_deep(text)?;
    Some(urls::LineIndex::new(text).position(at))
}

/// Renders Markdown `text` to sanitised HTML. A body that nests deeper than [`MAX_DEPTH`] is
/// shown as escaped plain text in a `<pre>` (`check` refuses it, E0209).
pub fn render(text: &str, links: &dyn LinkResolver) -> Rendered {
    if depth::too_deep(text).is_some() {
        return Rendered {
            html: format!("<pre>{}</pre>\n", escape_text(text)),
            headings: Vec::new(),
        };
    }
    let mut ids = Ids::default();
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
        html: sanitise::clean(&html),
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

/// `&`, `<`, `>` and `"` escaped, for text shown as it is.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The heading ids of one body so far, and for each slug the next suffix to try, so that
/// many headings with the same text cost no more than as many different ones.
#[derive(Default)]
struct Ids {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

/// `slugify(text)`, or `section` if that is empty, made unique with `-1`, `-2`, ….
fn unique_id(ids: &mut Ids, text: &str) -> String {
    let mut base = slugify(text);
    if base.is_empty() {
        base = "section".to_string();
    }
    let mut id = base.clone();
    if ids.taken.contains(&id) {
        // Each taken id is skipped at most once: only `base` makes `base-N`.
        let n = ids.next.entry(base.clone()).or_insert(1);
        loop {
            id = format!("{base}-{n}");
            *n += 1;
            if !ids.taken.contains(&id) {
                break;
            }
        }
    }
    ids.taken.insert(id.clone());
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

/// The readable text of Markdown: text and code, blocks separated by spaces, HTML dropped.
pub fn text_of(md: &str, out: &mut String) {
    use pulldown_cmark::{Event, Options, Parser, TagEnd};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    for ev in Parser::new_ext(md, options) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::End(_) => out.push(' '),
            _ => {}
        }
    }
}
