//! The names under `content/` that the loader refuses or ignores: a name with a control or a
//! bidirectional-formatting character (or not UTF-8) could hide what a file is in a diff, a
//! terminal or a CI annotation, so it is an error; a file that is not a ledger document is
//! reported as ignored, so no file is silently left out.

use crate::diag::{Code, Diagnostic, Pos};
use std::ffi::OsStr;

/// Bidirectional formatting characters (Unicode's Bidi_Control): they reorder how the rest
/// of a name is shown (`U+202E` makes `0044-dm.exe` read as `0044-exe.md`).
const BIDI: &[char] = &[
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

fn is_hidden_char(c: char) -> bool {
    c.is_control() || BIDI.contains(&c)
}

/// `name` with every control and bidi character written as an escape (`\n`, `\u{202e}`), so a
/// diagnostic shows it as it is and cannot break a line or reorder one.
pub(super) fn shown(name: &str) -> String {
    name.chars()
        .map(|c| {
            if is_hidden_char(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// E0006 when a file or folder name under `content/` is not UTF-8 or holds a control or
/// bidi character; `rel` is its repository-relative path as far as it could be decoded.
pub(super) fn bad_name(name: &OsStr, rel: &str) -> Option<Diagnostic> {
    let what = match name.to_str() {
        None => "is not valid UTF-8",
        Some(n) if n.chars().any(is_hidden_char) => {
            "holds a control or bidirectional-formatting character"
        }
        Some(_) => return None,
    };
    Some(
        Diagnostic::new(
            Code::BadFileName,
            shown(rel),
            Pos::START,
            format!(
                "the name `{}` {what} and is not read",
                shown(&name.to_string_lossy())
            ),
        )
        .with_help(
            "rename it with visible characters only (letters, digits, `-`); nothing in it is read",
        ),
    )
}

/// W0007 for a file under `content/` that is not a ledger document.
pub(super) fn ignored(rel: &str) -> Diagnostic {
    let lower = rel.to_lowercase();
    let help = if (lower.ends_with(".md") || lower.ends_with(".markdown")) && !rel.ends_with(".md")
    {
        "ledger files end in `.md` (lower case): rename it"
    } else {
        "ledger files are `.md` files directly in content/entries, content/requirements, \
         content/releases or content/runbooks; move the file out of content/ (files whose name \
         starts with `.`, such as .gitkeep, are skipped without a warning)"
    };
    Diagnostic::new(
        Code::StrayFile,
        rel,
        Pos::START,
        "this file is not a ledger document and is ignored",
    )
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_refused_and_shown_escaped() {
        for name in [
            "0044-a\nb.md",
            "0044-a\tb.md",
            "0044-\u{202E}dm.exe",
            "0044-\u{1}.md",
        ] {
            let d = bad_name(OsStr::new(name), &format!("content/entries/{name}"))
                .unwrap_or_else(|| panic!("{name:?} accepted"));
            assert_eq!(d.code, Code::BadFileName);
            assert!(!d.file.chars().any(is_hidden_char), "{:?}", d.file);
            assert!(!d.message.chars().any(is_hidden_char), "{:?}", d.message);
        }
        assert_eq!(shown("a\u{202E}b\n"), "a\\u{202e}b\\n");
        for name in ["0044-还款文件.md", "REQ-0001-a b.md", "2019-03-07.md"] {
            assert!(bad_name(OsStr::new(name), name).is_none(), "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_name_that_is_not_utf8_is_refused() {
        use std::os::unix::ffi::OsStrExt;
        let d = bad_name(
            OsStr::from_bytes(b"0044-\xff.md"),
            "content/entries/0044-\u{FFFD}.md",
        );
        assert!(d.is_some_and(|d| d.message.contains("UTF-8")));
    }
}
