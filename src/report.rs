//! Diagnostics → text in one of three formats: `human` (the source line with a caret, like
//! rustc), `json` (a documented, versioned shape) and `github` (workflow commands that annotate
//! a pull request). It returns strings; printing is the CLI's job.

use crate::diag::{Code, Diagnostic, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Counts of errors and warnings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of(diags: &[Diagnostic]) -> Self {
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        Summary {
            errors,
            warnings: diags.len() - errors,
        }
    }
}

/// Renders `diags` in `format`. `source` returns a file's text (for the human format's
/// snippets); `color` adds ANSI colours to the human format.
pub fn render(
    diags: &[Diagnostic],
    format: Format,
    source: &dyn Fn(&str) -> Option<String>,
    color: bool,
) -> String {
    match format {
        Format::Human => human(diags, source, color),
        Format::Json => json(diags),
        Format::Github => github(diags),
    }
}

fn human(diags: &[Diagnostic], source: &dyn Fn(&str) -> Option<String>, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let mut cached: Option<(String, Option<Lines>)> = None;
    for d in diags {
        // A file reported as not read (W0007: not a document, or git ignores it) is not read
        // for an excerpt either: it may be a local note or a key.
        if d.code != Code::StrayFile && cached.as_ref().is_none_or(|(p, _)| *p != d.file) {
            cached = Some((d.file.clone(), source(&d.file).map(Lines::new)));
        }
        let excerpt = cached
            .as_mut()
            .filter(|(p, _)| d.code != Code::StrayFile && *p == d.file)
            .and_then(|(_, t)| t.as_mut())
            .and_then(|t| t.excerpt(d.line, d.column));
        let line = excerpt.as_ref().map(|(l, _)| l.as_str());
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
        let mut groups = Vec::new();
        let mut relocate: Option<(String, String)> = None;
        match line {
            Some(line) => {
                let column = excerpt.as_ref().map_or(d.column, |(_, c)| *c);
                let (start, end) = span_in_line(line, column);
                let snippet = Snippet::source(line)
                    .line_start(d.line as usize)
                    .path(d.file.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end));
                groups.push(title.element(snippet));
                if column != d.column {
                    // An excerpt: the renderer counts the column in it; show the real one.
                    let at = |c: u32| format!("{}:{}:{c}", d.file, d.line);
                    relocate = Some((at(column), at(d.column)));
                }
            }
            None => groups.push(
                title.element(
                    annotate_snippets::Origin::path(d.file.as_str())
                        .line(d.line as usize)
                        .char_column(d.column as usize),
                ),
            ),
        }
        if let Some(help) = &d.help {
            groups.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        let shown = renderer.render(&groups);
        match relocate {
            Some((excerpt, real)) => out.push_str(&shown.replacen(&excerpt, &real, 1)),
            None => out.push_str(&shown),
        }
        out.push_str("\n\n");
    }
    let s = Summary::of(diags);
    if s.errors + s.warnings > 0 {
        out.push_str(&format!(
            "{} error{}, {} warning{}\n",
            s.errors,
            plural(s.errors),
            s.warnings,
            plural(s.warnings)
        ));
    }
    out
}

/// At most this many characters of a source line are shown, around the diagnostic's column: a
/// line of megabytes with thousands of problems must not be copied for each of them.
const WINDOW: usize = 100;

/// A file's text split into lines once, for showing many diagnostics of it.
struct Lines {
    text: String,
    /// Byte ranges of the lines (without their `\r\n`).
    lines: Vec<(usize, usize)>,
    /// For long lines, by line index: the byte offset of each character.
    chars: std::collections::HashMap<usize, Vec<usize>>,
}

impl Lines {
    fn new(text: String) -> Lines {
        let mut lines = Vec::new();
        let mut start = 0;
        for l in text.split_inclusive('\n') {
            let body = l.trim_end_matches('\n').trim_end_matches('\r');
            lines.push((start, start + body.len()));
            start += l.len();
        }
        Lines {
            text,
            lines,
            chars: Default::default(),
        }
    }

    /// The text of line `line` (from 1) around `column` (in characters, from 1), with `…` where
    /// it is cut, and the column within that text.
    fn excerpt(&mut self, line: u32, column: u32) -> Option<(String, u32)> {
        let i = (line as usize).checked_sub(1)?;
        let &(from, to) = self.lines.get(i)?;
        let text = &self.text[from..to];
        if text.len() <= WINDOW {
            return Some((text.to_owned(), column));
        }
        let chars = self
            .chars
            .entry(i)
            .or_insert_with(|| text.char_indices().map(|(b, _)| b).collect());
        let n = chars.len();
        let col = (column.max(1) as usize - 1).min(n);
        let first = col.saturating_sub(WINDOW / 3);
        let last = (first + WINDOW).min(n);
        let at = |c: usize| chars.get(c).copied().unwrap_or(text.len());
        let mut shown = String::new();
        if first > 0 {
            shown.push('…');
        }
        shown.push_str(&text[at(first)..at(last)]);
        if last < n {
            shown.push('…');
        }
        Some((shown, (col - first + usize::from(first > 0) + 1) as u32))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Byte range of the token starting at 1-based character `column` of `line` (at least one char).
fn span_in_line(line: &str, column: u32) -> (usize, usize) {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let len = rest
        .char_indices()
        .find(|&(i, c)| i > 0 && (c.is_whitespace() || matches!(c, ',' | ']' | '}' | ':')))
        .map_or(rest.len(), |(i, _)| i);
    let len = if len == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        len
    };
    (start, start + len)
}

/// The JSON shape: `{"schema_version": 1, "summary": {...}, "diagnostics": [...]}`.
fn json(diags: &[Diagnostic]) -> String {
    let doc = serde_json::json!({
        "schema_version": 1,
        "summary": Summary::of(diags),
        "diagnostics": diags,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub Actions workflow commands, escaped per GitHub's rules.
fn github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut msg = d.message.clone();
        if let Some(h) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&format!(
            "::{kind} file={},line={},col={},title={}::{}\n",
            escape_property(&d.file),
            d.line,
            d.column,
            escape_property(d.code.as_str()),
            escape_data(&msg)
        ));
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Pos};

    fn sample() -> Vec<Diagnostic> {
        vec![
            Diagnostic::new(
                Code::UnknownKey,
                "content/entries/0020-a,b.md",
                Pos::new(3, 1),
                "unknown key `titel`",
            )
            .with_help("did you mean `title`?"),
            Diagnostic::new(Code::StrayFile, "content/x.md", Pos::START, "100% ignored"),
        ]
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let s = render(&sample(), Format::Github, &|_| None, false);
        assert_eq!(
            s,
            "::error file=content/entries/0020-a%2Cb.md,line=3,col=1,title=E0103::unknown key `titel`%0Ahelp: did you mean `title`?\n\
             ::warning file=content/x.md,line=1,col=1,title=W0007::100%25 ignored\n"
        );
    }

    #[test]
    fn human_shows_the_line_and_a_caret() {
        let src = |_: &str| Some("---\nid: 1\ntitel: 还款\n".to_owned());
        let s = render(&sample()[..1], Format::Human, &src, false);
        assert!(s.contains("error[E0103]: unknown key `titel`"), "{s}");
        assert!(s.contains("3 | titel: 还款"), "{s}");
        assert!(s.contains("^^^^^"), "{s}");
        assert!(s.contains("help: did you mean `title`?"), "{s}");
        assert!(s.ends_with("1 error, 0 warnings\n"), "{s}");
    }

    #[test]
    fn a_file_reported_as_not_read_is_not_read_for_an_excerpt() {
        let asked = std::cell::RefCell::new(Vec::new());
        let src = |rel: &str| {
            asked.borrow_mut().push(rel.to_owned());
            Some("API_KEY=hunter2\n".to_owned())
        };
        let s = render(&sample()[1..], Format::Human, &src, false);
        assert!(s.contains("warning[W0007]: 100% ignored"), "{s}");
        assert!(
            s.contains("content/x.md:1:1") && !s.contains("hunter2"),
            "{s}"
        );
        assert!(asked.borrow().is_empty(), "{asked:?}");
    }

    #[test]
    fn json_has_schema_version_and_summary() {
        let s = render(&sample(), Format::Json, &|_| None, false);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["summary"]["errors"], 1);
        assert_eq!(v["diagnostics"][0]["code"], "E0103");
        assert_eq!(v["diagnostics"][0]["column"], 1);
    }

    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let mut lines = Lines::new(format!(
            "a: 1\ntests: {{{}bad: [x]}}\n",
            "k: 1, ".repeat(10_000)
        ));
        assert_eq!(lines.excerpt(1, 1), Some(("a: 1".to_owned(), 1)));
        let col = 8 + 6 * 10_000 + 1;
        let (text, c) = lines.excerpt(2, col as u32).unwrap();
        assert!(text.starts_with('…') && !text.ends_with('…'), "{text}");
        assert!(text.chars().count() <= WINDOW + 2);
        assert_eq!(text.chars().nth(c as usize - 1), Some('b'), "{text} {c}");
        assert_eq!(lines.excerpt(3, 1), None);
        // Many problems on one long line: each is cheap.
        let d: Vec<Diagnostic> = (0..20_000)
            .map(|i| {
                Diagnostic::new(
                    Code::UnknownKey,
                    "a.md",
                    Pos::new(2, 8 + 6 * i),
                    "unknown key",
                )
            })
            .collect();
        let text = lines.text.clone();
        let s = render(&d, Format::Human, &|_| Some(text.clone()), false);
        assert!(s.ends_with("20000 errors, 0 warnings\n"));
        // The location is the real column, not the one in the excerpt, also in colour.
        assert!(
            s.contains(&format!("--> a.md:2:{}", 8 + 6 * 19_999)),
            "{}",
            &s[s.len() - 600..]
        );
        let c = render(&d[..1], Format::Human, &|_| Some(text.clone()), true);
        assert!(c.contains("a.md:2:8"), "{c}");
        let c = render(&d[19_999..], Format::Human, &|_| Some(text.clone()), true);
        assert!(c.contains(&format!("a.md:2:{}", 8 + 6 * 19_999)), "{c}");
    }

    #[test]
    fn spans_cover_the_token_in_chars() {
        assert_eq!(span_in_line("titel: x", 1), (0, 5));
        assert_eq!(span_in_line("system: 小贷x", 9), (8, 15));
        assert_eq!(span_in_line("", 1), (0, 0));
    }
}
