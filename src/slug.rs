//! The one function from a name to a path segment: every folder of the site named after
//! something in the content (a person, a system, a requirement, a release, a runbook, a week)
//! is `slug(name)`, so two names never share a page and no name leaves its folder.
//!
//! The slug is readable and reversible: letters (of any script) and digits, `-` and `_` stay
//! as they are, `.` too except first, last and before a file-like extension (`index.html` →
//! `index~2ehtml`, so no folder meets a page file the site writes beside it, `v1.2` stays), and
//! every other character is `~` and the two
//! lowercase hex digits of each of its UTF-8 bytes (`Pay Hub` → `Pay~20Hub`, `..` →
//! `~2e~2e`, `a/b` → `a~2fb`, `小贷` → `小贷`). A name whose slug would be longer than
//! [`MAX_LEN`] bytes is cut and ends in `~~` and a hash of the whole name, so a folder name
//! stays far below the 255 bytes file systems allow; `~~` is never part of a reversible slug,
//! so the two kinds cannot meet. A slug never needs percent-encoding in a URL (browsers show
//! the Chinese as it is), and never names a device on Windows (`CON`, `nul`, `COM1` …).
//!
//! Characters a file system may treat as another one are encoded too: letters with a case
//! outside ASCII (`É`, `é`: a case-insensitive file system folds them), and Hangul jamo and
//! CJK compatibility ideographs (a normalising file system composes or decomposes them).
//! ASCII letters keep their case (`REQ-0001` stays readable), so two names that differ only
//! in ASCII case (`AML`, `aml`) get slugs that differ only in case: distinct on Linux and on
//! a web server, one folder on a case-insensitive file system (macOS, Windows).

use std::fmt::Write;

/// The longest slug in bytes; longer ones are cut and hashed.
pub const MAX_LEN: usize = 120;
/// What is kept of a long name before its hash.
const CUT_LEN: usize = 96;

/// The path segment of `name`: see the module documentation.
pub fn slug(name: &str) -> String {
    let last = name.chars().count().saturating_sub(1);
    // A `.` before letters alone looks like a file's extension: a folder `index.html` would
    // meet the listing page `index.html` beside it (and `con.txt` is a device on Windows).
    let extension = name
        .rfind('.')
        .filter(|&d| d + 1 < name.len() && name[d + 1..].bytes().all(|b| b.is_ascii_alphabetic()));
    let mut out = String::with_capacity(name.len());
    for (i, (at, c)) in name.char_indices().enumerate() {
        if is_kept(c) || (c == '.' && i != 0 && i != last && Some(at) != extension) {
            out.push(c);
        } else {
            escape(c, &mut out);
        }
    }
    if out.is_empty() {
        // The empty name: `~` alone is no escape, so no other name has this slug.
        out.push('~');
    } else if is_windows_device(&out) {
        let first = out.remove(0);
        let mut escaped = String::new();
        escape(first, &mut escaped);
        out.insert_str(0, &escaped);
    }
    if out.len() > MAX_LEN {
        return bounded(name, &out);
    }
    out
}

/// Letters and digits that every file system keeps apart, `-` and `_`.
fn is_kept(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '-' || c == '_';
    }
    c.is_alphanumeric()
        && !c.is_lowercase()
        && !c.is_uppercase()
        && !matches!(c,
            // Hangul jamo: a normalising file system composes them into syllables.
            '\u{1100}'..='\u{11FF}' | '\u{A960}'..='\u{A97F}' | '\u{D7B0}'..='\u{D7FF}'
            // CJK compatibility ideographs: they decompose into unified ones.
            | '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}'
            // Superscript digits: `COM¹` is a device on Windows.
            | '¹' | '²' | '³')
}

fn escape(c: char, out: &mut String) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        let _ = write!(out, "~{b:02x}");
    }
}

/// `CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9` in any case (a slug keeps no `.`
/// before an extension, so `CON.txt`-like names do not arise).
fn is_windows_device(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    matches!(l.as_str(), "con" | "prn" | "aux" | "nul")
        || (l.len() == 4
            && (l.starts_with("com") || l.starts_with("lpt"))
            && l.as_bytes()[3].is_ascii_digit())
}

/// A slug that is too long: its first [`CUT_LEN`] bytes (never cutting an escape or a
/// character), `~~` and 16 hex digits of a hash of the whole name.
fn bounded(name: &str, full: &str) -> String {
    let mut cut = CUT_LEN;
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    // An escape is `~` and two hex digits: do not end inside one.
    if let Some(t) = full[..cut].rfind('~')
        && cut - t < 3
    {
        cut = t;
    }
    use std::hash::Hasher;
    // Fixed keys: the same name gets the same folder on every machine and in every version.
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0x6f70_736c_6564_6765, 0x7273_6c75_6773);
    h.write(name.as_bytes());
    format!("{}~~{:016x}", &full[..cut], h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The name of a reversible slug (None for a hashed one): proves that no two names share
    /// a slug.
    fn name_of(slug: &str) -> Option<String> {
        if slug == "~" {
            return Some(String::new());
        }
        if slug.contains("~~") {
            return None;
        }
        let mut bytes = Vec::new();
        let mut rest = slug;
        while let Some(t) = rest.find('~') {
            bytes.extend_from_slice(&rest.as_bytes()[..t]);
            let hex = rest.get(t + 1..t + 3)?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &rest[t + 3..];
        }
        bytes.extend_from_slice(rest.as_bytes());
        String::from_utf8(bytes).ok()
    }

    #[test]
    fn no_slug_is_a_page_file_name() {
        assert_eq!(slug("index.html"), "index~2ehtml");
        assert_eq!(slug("INDEX.HTML"), "INDEX~2eHTML");
        assert_eq!(slug("feed.xml"), "feed~2exml");
        assert_eq!(slug("con.txt"), "con~2etxt");
        assert_eq!(slug("a.b.json"), "a.b~2ejson");
        assert_eq!(slug("v1.2"), "v1.2");
        assert_eq!(slug("2019.03.07"), "2019.03.07");
        for s in ["index.html", "a.b.json", "x.y"] {
            assert_eq!(name_of(&slug(s)).as_deref(), Some(s));
        }
    }

    #[test]
    fn readable_names_stay_as_they_are() {
        for name in [
            "小贷",
            "琳琳",
            "REQ-0001",
            "2019-03-07",
            "repayment-batch",
            "a_b",
            "v1.2",
            "2019-W11",
            "データ",
            "신용",
        ] {
            assert_eq!(slug(name), name);
        }
    }

    #[test]
    fn names_that_collapsed_onto_one_page_get_their_own() {
        let names = [
            "..", ".", "/", "??", "a b", "a-b", "a/b", "a_b", "Pay Hub", "Pay-Hub", "Pay/Hub", "",
            "~", "-", "_",
        ];
        let slugs: Vec<String> = names.iter().map(|n| slug(n)).collect();
        assert_eq!(slugs[..5], ["~2e~2e", "~2e", "~2f", "~3f~3f", "a~20b"]);
        assert_eq!(slug("Pay Hub"), "Pay~20Hub");
        let unique: std::collections::BTreeSet<_> = slugs.iter().collect();
        assert_eq!(unique.len(), names.len(), "{slugs:?}");
        for (name, s) in names.iter().zip(&slugs) {
            assert_eq!(name_of(s).as_deref(), Some(*name));
        }
    }

    #[test]
    fn no_slug_is_a_device_or_a_hidden_or_relative_folder() {
        assert_eq!(slug("con"), "~63on");
        assert_eq!(slug("COM1"), "~43OM1");
        assert_eq!(slug("LPT¹"), "LPT~c2~b9");
        assert_eq!(slug(".git"), "~2egit");
        assert_eq!(slug("a."), "a~2e");
        assert_eq!(slug("console"), "console");
    }

    #[test]
    fn lookalikes_for_a_file_system_are_encoded() {
        assert_eq!(slug("Émile"), "~c3~89mile");
        assert_eq!(slug("é"), "~c3~a9");
        // U+F900 is a compatibility ideograph: it decomposes into U+8C48 (豈).
        assert_eq!(slug("\u{F900}"), "~ef~a4~80");
        assert_eq!(slug("豈"), "豈");
    }

    #[test]
    fn long_names_are_bounded_and_still_unique() {
        let long = "长".repeat(300);
        let s = slug(&long);
        assert!(s.len() <= MAX_LEN, "{} bytes", s.len());
        assert!(s.starts_with("长长长") && s.contains("~~"), "{s}");
        assert_eq!(s, slug(&long), "deterministic");
        let other = format!("{}短", "长".repeat(299));
        assert_ne!(slug(&other), s);
        let ascii = "a".repeat(300);
        assert_eq!(slug(&ascii).len(), CUT_LEN + 2 + 16);
        // An escape is never cut in half.
        let spaced = format!("{}{}", "a".repeat(CUT_LEN - 1), " ".repeat(100));
        assert!(slug(&spaced).starts_with(&format!("{}~~", "a".repeat(CUT_LEN - 1))));
        assert_eq!(slug(&"a".repeat(MAX_LEN)), "a".repeat(MAX_LEN));
    }

    proptest! {
        #[test]
        fn every_slug_is_safe_and_reversible_or_bounded(name in "\\PC{0,60}|[ -~]{0,200}") {
            let s = slug(&name);
            prop_assert!(s.len() <= MAX_LEN);
            prop_assert!(!s.is_empty() && !s.starts_with('.') && !s.ends_with('.'));
            prop_assert!(!s.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|', '%', '#', ' ']));
            prop_assert!(!s.chars().any(char::is_control));
            prop_assert!(!is_windows_device(&s));
            // No page file's name: nothing after the last `.` is letters alone.
            prop_assert!(!s.rsplit_once('.').is_some_and(|(_, ext)| !ext.is_empty()
                && ext.bytes().all(|b| b.is_ascii_alphabetic())));
            match name_of(&s) {
                Some(back) => prop_assert_eq!(back, name),
                None => prop_assert!(s.contains("~~")),
            }
        }
    }
}
