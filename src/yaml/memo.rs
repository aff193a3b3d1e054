//! Reading many documents that share keys' texts (the files of a ledger, the versions of a file)
//! without parsing a text twice: each top-level key's text is parsed once, on its own, and placed
//! where it stands in each document that has it, so a document made of keys met before costs
//! hash lookups. The result is what [`super::parse`] gives, positions included. Only for plain
//! documents, where each key's value can be read on its own: anything else, and any problem, is
//! left to the whole parse.

use super::{Located, Merge, Text, parse};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Mutex;

/// Documents larger than this are parsed whole: they stay well inside [`parse`]'s node budget
/// however they are cut, so parsing their keys one by one fails exactly when the whole fails.
const MAX_BYTES: usize = 64 * 1024;

/// Past this many keys' texts the memo starts again, so memory stays bounded.
const MAX_KEYS: usize = 1 << 14;

/// The values of top-level keys parsed so far, by a hash of their text (any thread).
pub struct Memo<T> {
    parsed: Mutex<HashMap<u128, T>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            parsed: Mutex::new(HashMap::new()),
        }
    }
}

impl<T: DeserializeOwned + Merge + Shift + Default + Clone> Memo<T> {
    /// What [`parse`] reads of `yaml`, from the keys' values met before where it can; `None` when
    /// the document is not plain (see [`plain_keys`]) or a key does not parse: then the caller
    /// parses it whole (and reports what is wrong).
    pub fn parse(&self, path: &str, yaml: &str) -> Option<T> {
        let keys = plain_keys(yaml)?;
        let mut out = T::default();
        for (line, text) in keys {
            let hash = hash(text);
            let known = self.lock().get(&hash).cloned();
            let mut value = match known {
                Some(v) => v,
                None => {
                    let v: T = parse(path, text).ok()?;
                    let mut parsed = self.lock();
                    if parsed.len() >= MAX_KEYS {
                        parsed.clear();
                    }
                    parsed.insert(hash, v.clone());
                    v
                }
            };
            value.shift(line);
            out.merge(value);
        }
        Some(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u128, T>> {
        self.parsed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A value whose positions can be moved down: a key's value read on its own is placed where
/// the key stands in its document.
pub trait Shift {
    fn shift(&mut self, lines: u32);
}

impl Shift for Text {
    fn shift(&mut self, lines: u32) {
        self.pos.line += lines;
    }
}

impl<T: Shift> Shift for Located<T> {
    fn shift(&mut self, lines: u32) {
        self.pos.line += lines;
        self.value.shift(lines);
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, lines: u32) {
        self.iter_mut().for_each(|x| x.shift(lines));
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, lines: u32) {
        if let Some(x) = self {
            x.shift(lines);
        }
    }
}

fn hash(text: &str) -> u128 {
    use siphasher::sip128::Hasher128;
    use std::hash::Hasher;
    let mut h = siphasher::sip128::SipHasher13::new();
    h.write(text.as_bytes());
    h.finish128().as_u128()
}

/// The text of each top-level key of `yaml` (which may open with `---`) and the number of lines
/// before it, when reading each on its own gives what reading
/// the whole gives: a block map of distinct plain keys (`name: ...`) at the first column, every
/// other line indented, blank, a comment, or an item of a block list (`- `); no anchors,
/// aliases, tags, merge keys, directives or document markers, which could tie keys together.
/// `None` otherwise.
fn plain_keys(yaml: &str) -> Option<Vec<(u32, &str)>> {
    if yaml.len() > MAX_BYTES || yaml.contains(['&', '*', '!', '\t', '\r']) || yaml.contains("<<") {
        return None;
    }
    let mut starts: Vec<(usize, u32, &str)> = Vec::new();
    let mut offset = 0;
    for (n, line) in (0u32..).zip(yaml.split_inclusive('\n')) {
        let at = offset;
        offset += line.len();
        let content = line.trim_end_matches('\n');
        match content.as_bytes().first() {
            None | Some(b' ' | b'#') => continue,
            // The front matter's opening line.
            Some(b'-') if content == "---" && starts.is_empty() => continue,
            Some(b'-') if content == "-" || content.starts_with("- ") => {
                if starts.is_empty() {
                    return None;
                }
                continue;
            }
            _ => {}
        }
        let (key, rest) = content.split_once(':')?;
        let plain = key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && key.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
        if !plain || !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        if starts.iter().any(|(_, _, k)| *k == key) {
            return None;
        }
        starts.push((at, n, key));
    }
    if starts.is_empty() {
        return None;
    }
    let ends = starts.iter().skip(1).map(|s| s.0).chain([yaml.len()]);
    Some(
        starts
            .iter()
            .zip(ends)
            .map(|(&(from, line, _), to)| (line, &yaml[from..to]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::RawEntry;

    /// The same document read whole and through the memo, positions aside.
    fn same(yaml: &str) {
        let memo = Memo::<RawEntry>::default();
        let whole: RawEntry = parse("a.md", yaml).unwrap();
        for _ in 0..2 {
            let read = memo.parse("a.md", yaml).expect("plain");
            assert_eq!(
                format!("{:?}", strip(&read)),
                format!("{:?}", strip(&whole))
            );
        }
    }

    /// The values of `e`, without positions.
    fn strip(e: &RawEntry) -> String {
        let debug = format!("{e:?}");
        let re = |s: &str| {
            let mut out = String::new();
            let mut rest = s;
            while let Some(i) = rest.find("pos: Pos {") {
                out.push_str(&rest[..i]);
                let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
                rest = &rest[end..];
            }
            out.push_str(rest);
            out
        };
        re(&debug)
    }

    #[test]
    fn plain_documents_read_the_same_key_by_key() {
        same("id: 1\ntitle: 还款文件\nstatus: sit\n");
        same("---\nid: 1\n");
        same(
            "id: 1\n# a comment\nrelated_systems:\n- 核心\n- CRM\ntests:\n  sit: {result: pass, by: 琳琳}\n  uat:\n    result: fail\n",
        );
        same("id: 2\ntitle: >\n  folded\n  text\n\nexpected_solution: |+\n  kept\n\nstatus: uat\n");
        same("id: 3\nmystery: [a, b]\ntitle: \"quoted: yes\"\n");
    }

    #[test]
    fn documents_whose_keys_are_tied_together_are_left_to_the_whole_parse() {
        for yaml in [
            "id: &a 1\ntitle: *a\n",
            "id: 1\nid: 2\n",
            "%YAML 1.2\n---\nid: 1\n",
            "id: 1\n---\ntitle: a\n",
            "\"id\": 1\n",
            "- a\n",
            "id: 1\n[a]: b\n",
            "id: !!str 1\n",
            "<<: {id: 1}\n",
            "id: [1,\n2]\n",
            "",
        ] {
            assert!(plain_keys(yaml).is_none(), "{yaml:?}");
        }
    }

    proptest::proptest! {
        /// Any document made of these keys and values reads the same key by key as whole, and
        /// one that does not parse whole is left to the whole parse.
        #[test]
        fn key_by_key_reads_what_the_whole_reads(
            keys in proptest::sample::subsequence(
                vec!["id", "title", "status", "related_systems", "tests", "mystery", "module"], 1..7),
            values in proptest::collection::vec(0..VALUES.len(), 7),
            comment in proptest::bool::ANY,
        ) {
            let mut yaml = String::from("---\n");
            for (k, v) in keys.iter().zip(&values) {
                yaml.push_str(&format!("{k}:{}\n", VALUES[*v]));
                if comment {
                    yaml.push_str("# note\n");
                }
            }
            let memo = Memo::<RawEntry>::default();
            let whole = parse::<RawEntry>("a.md", &yaml);
            let read = memo.parse("a.md", &yaml);
            match (&whole, &read) {
                (Err(_), Some(r)) => panic!("{yaml:?} does not parse whole, yet read {r:?}"),
                (Ok(w), Some(r)) => proptest::prop_assert_eq!(w, r),
                _ => {}
            }
        }
    }

    const VALUES: &[&str] = &[
        " 1",
        " 还款文件",
        " \"quoted: yes\"",
        " ''",
        " null",
        " ~",
        " [a, b]",
        "\n- a\n- b",
        "\n  - a\n  - [b, c]",
        " |\n  line one\n\n  line two\n",
        " >-\n  folded\n  text",
        "\n  sit: {result: pass, by: 琳琳}\n  uat:\n    result: fail",
        " {a: 1",
        " [",
        "\n  bad: [",
        " a: b",
        " x\n  y",
    ];

    #[test]
    fn a_key_that_does_not_parse_is_no_value() {
        let memo = Memo::<RawEntry>::default();
        assert!(memo.parse("a.md", "id: 1\ntitle: [\n").is_none());
    }
}
