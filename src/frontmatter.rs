//! Splits a Markdown file into its `---` front matter and its body. It does not parse YAML;
//! [`crate::yaml`] does, on the slice returned here, so line numbers count from the top of the file.

use crate::diag::{Code, Diagnostic, Pos};

/// The two halves of a content file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The text from the start of the file up to (not including) the closing `---`. It starts
    /// with the opening `---`, a YAML document marker, so YAML line numbers are file line numbers.
    pub yaml: &'a str,
    /// The Markdown body after the closing `---` line.
    pub body: &'a str,
    /// The line the body starts on (1-based).
    pub body_line: u32,
}

/// Splits normalised text (see [`crate::source`]) into front matter and body.
pub fn split<'a>(path: &str, text: &'a str) -> Result<Split<'a>, Box<Diagnostic>> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Box::new(
            Diagnostic::new(
                Code::NoFrontMatter,
                path,
                Pos::START,
                "the file does not start with a `---` front matter line",
            )
            .with_help(
                "start the file with `---`, the YAML keys, then `---` and the Markdown body",
            ),
        ));
    }
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if n > 0 && matches!(line.trim_end(), "---" | "...") {
            let rest = &text[offset + line.len()..];
            return Ok(Split {
                yaml: &text[..offset],
                body: rest,
                body_line: n as u32 + 2,
            });
        }
        offset += line.len();
    }
    Err(Box::new(
        Diagnostic::new(
            Code::NoFrontMatter,
            path,
            Pos::START,
            "the front matter is never closed",
        )
        .with_help("add a line with only `---` after the last key"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_body_line() {
        let s = split("a.md", "---\nid: 1\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "---\nid: 1\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn empty_body_and_no_trailing_newline() {
        let s = split("a.md", "---\nid: 1\n---").unwrap();
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_and_unclosed_are_diagnostics() {
        assert_eq!(
            split("a.md", "# title\n").unwrap_err().code,
            Code::NoFrontMatter
        );
        let d = split("a.md", "---\nid: 1\n").unwrap_err();
        assert!(d.message.contains("never closed"));
    }

    #[test]
    fn a_dash_line_inside_a_value_is_not_the_end() {
        let s = split("a.md", "---\ntitle: a --- b\n---\n").unwrap();
        assert_eq!(s.yaml, "---\ntitle: a --- b\n");
    }
}
