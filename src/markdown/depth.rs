//! How deep a body nests, as the HTML tree builder behind the sanitiser will see it: Markdown
//! containers (quotes, lists, emphasis …) and raw HTML tags counted together. The tree builder
//! walks its stack of open elements for each tag, so its time grows with the square of the depth
//! (nested `>`, `- > `, `<div>`, unclosed `<b>`s); [`too_deep`] finds where a body passes
//! [`MAX_DEPTH`], for `check` (E0209) and for [`render`](super::render), which then does not
//! build the tree at all. Must not render, sanitise, or do IO.
//!
//! The count never falls below what the tree builder keeps open: a raw end tag closes only the
//! innermost element when it has the same name; a Markdown end closes what raw HTML left open
//! inside it only when the tree builder would too (no table, cell, list … in between); and raw
//! formatting tags (`<b>`, `<i>`, `<a>` …) closed any other way than by their own end tag keep
//! counting, because the tree builder reopens them in every later paragraph.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::options;

/// The deepest a body may nest. Real documents stay far below it (a quote in a list in a quote
/// is 5); past it the tree builder's time is what grows, not the page's use.
pub const MAX_DEPTH: usize = 100;

/// An open element: a Markdown container (whether it is inline, how many elements it makes) or
/// a raw HTML tag's name (lowercase; empty for a container kept open as raw).
enum Open {
    Markdown { inline: bool, weight: usize },
    Raw(String),
}

#[derive(Default)]
struct Stack {
    open: Vec<Open>,
    /// The elements of `open`, with the weight of each container.
    total: usize,
    /// Raw formatting elements closed by something other than their end tag.
    lingering: usize,
}

impl Stack {
    fn depth(&self) -> usize {
        self.total + self.lingering
    }

    fn start_markdown(&mut self, inline: bool, weight: usize) {
        self.open.push(Open::Markdown { inline, weight });
        self.total += weight;
    }

    /// A Markdown container ends: it and the raw elements opened inside it are closed, unless
    /// one of those raw elements stops the tree builder (then they all stay open).
    fn end_markdown(&mut self) {
        let Some(at) = self
            .open
            .iter()
            .rposition(|o| matches!(o, Open::Markdown { .. }))
        else {
            return;
        };
        let Open::Markdown { inline, weight } = self.open[at] else {
            return;
        };
        let blocked = self.open[at + 1..].iter().any(|o| match o {
            Open::Raw(name) if inline => !is_phrasing(name),
            Open::Raw(name) => is_scope_boundary(name),
            Open::Markdown { .. } => false,
        });
        if blocked {
            // Kept open, as raw, so that the next Markdown end finds its own container.
            self.open[at] = Open::Raw(String::new());
            self.lingering += weight - 1;
            self.total -= weight - 1;
            return;
        }
        for o in self.open.drain(at..) {
            match o {
                Open::Markdown { weight, .. } => self.total -= weight,
                Open::Raw(name) => {
                    self.total -= 1;
                    if is_formatting(&name) {
                        self.lingering += 1;
                    }
                }
            }
        }
    }

    fn start_raw(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        if is_void(&name) {
            return;
        }
        // A block closes an open `<p>`; `<p>`, `<li>`, `<td>` … close an open sibling.
        if closes_p(&name) && matches!(self.open.last(), Some(Open::Raw(top)) if top == "p") {
            self.open.pop();
            self.total -= 1;
        }
        if closes_sibling(&name) && matches!(self.open.last(), Some(Open::Raw(top)) if *top == name)
        {
            return;
        }
        self.open.push(Open::Raw(name));
        self.total += 1;
    }

    fn end_raw(&mut self, name: &str) {
        if matches!(self.open.last(), Some(Open::Raw(top)) if !top.is_empty() && top.eq_ignore_ascii_case(name))
        {
            self.open.pop();
            self.total -= 1;
        }
    }
}

/// Where `text` first nests deeper than [`MAX_DEPTH`]: the byte offset of the container or tag
/// that passes it.
pub(super) fn too_deep(text: &str) -> Option<usize> {
    let mut stack = Stack::default();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            // An HTML block and an image are no element of their own.
            Event::Start(Tag::HtmlBlock | Tag::Image { .. })
            | Event::End(TagEnd::HtmlBlock | TagEnd::Image) => {}
            Event::Start(tag) => {
                let inline = matches!(
                    tag,
                    Tag::Emphasis
                        | Tag::Strong
                        | Tag::Strikethrough
                        | Tag::Superscript
                        | Tag::Subscript
                        | Tag::Link { .. }
                );
                // `<table>…<tbody>`, `<thead><tr>`, `<pre><code>`.
                let two = matches!(tag, Tag::TableHead | Tag::CodeBlock(_) | Tag::Table(_));
                stack.start_markdown(inline, if two { 2 } else { 1 });
                if stack.depth() > MAX_DEPTH {
                    return Some(range.start);
                }
            }
            Event::End(_) => stack.end_markdown(),
            Event::Html(html) | Event::InlineHtml(html) => {
                // The event's text is the source's, unless a container's markers (`> `) were
                // taken out of it: then the tags are placed at the event's start.
                let exact = text.get(range.clone()) == Some(&*html);
                for (at, name, closing) in raw_tags(&html) {
                    if closing {
                        stack.end_raw(name);
                    } else {
                        stack.start_raw(name);
                    }
                    if stack.depth() > MAX_DEPTH {
                        return Some(range.start + if exact { at } else { 0 });
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The tags of a piece of raw HTML: offset, lowercase-insensitive name, whether it closes.
/// Comments, declarations and processing instructions are skipped.
fn raw_tags(html: &str) -> Vec<(usize, &str, bool)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i + 4..].find("-->").map_or(b.len(), |e| i + 4 + e + 3);
            continue;
        }
        let at = i;
        let closing = b.get(i + 1) == Some(&b'/');
        let start = i + 1 + usize::from(closing);
        if !b.get(start).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let mut end = start;
        while end < b.len()
            && !matches!(b[end], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>')
        {
            end += 1;
        }
        out.push((at, &html[start..end], closing));
        i = end;
    }
    out
}

fn is_one_of(name: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn is_void(name: &str) -> bool {
    is_one_of(
        name,
        &[
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
            "source", "track", "wbr", "keygen", "image",
        ],
    )
}

fn closes_sibling(name: &str) -> bool {
    is_one_of(
        name,
        &[
            "p", "li", "dt", "dd", "tr", "td", "th", "option", "rt", "rp",
        ],
    )
}

fn closes_p(name: &str) -> bool {
    is_one_of(
        name,
        &[
            "address",
            "article",
            "aside",
            "blockquote",
            "center",
            "details",
            "dialog",
            "dir",
            "div",
            "dl",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "header",
            "hgroup",
            "main",
            "menu",
            "nav",
            "ol",
            "p",
            "search",
            "section",
            "summary",
            "ul",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "pre",
            "listing",
            "li",
            "dd",
            "dt",
        ],
    )
}

/// Elements the tree builder's end-tag handling does not look past.
fn is_scope_boundary(name: &str) -> bool {
    name.is_empty()
        || is_one_of(
            name,
            &[
                "applet",
                "caption",
                "html",
                "table",
                "td",
                "th",
                "marquee",
                "object",
                "template",
                "svg",
                "math",
                "foreignobject",
                "desc",
                "title",
                "mi",
                "mo",
                "mn",
                "ms",
                "mtext",
                "annotation-xml",
                "button",
                "ol",
                "ul",
                "select",
            ],
        )
}

/// Elements an inline end tag may close past.
fn is_phrasing(name: &str) -> bool {
    is_formatting(name)
        || is_one_of(
            name,
            &[
                "abbr", "bdi", "bdo", "cite", "data", "dfn", "kbd", "mark", "q", "ruby", "samp",
                "span", "sub", "sup", "time", "var", "ins", "del", "label",
            ],
        )
}

/// The elements the tree builder reopens after they were closed by something else.
fn is_formatting(name: &str) -> bool {
    is_one_of(
        name,
        &[
            "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong",
            "tt", "u",
        ],
    )
}
