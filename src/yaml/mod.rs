//! The only user of serde-saphyr: YAML front matter → typed raw documents, every scalar kept as
//! located text. It knows nothing of what the keys mean; [`crate::schema`] declares them.
//!
//! Leaves are [`Text`] (the scalar exactly as written, with its position), so `no`, `0020` and
//! `1.10` stay text and the loader, not the YAML parser, decides what a value means. Maps are
//! read by [`strict_struct!`], which records every unknown key with its position instead of
//! stopping at the first.

mod memo;
mod values;

pub use memo::{Memo, Shift};
pub use values::{Texts, bad_characters, foreign_tags, is_bad_character};

use crate::diag::{Code, Diagnostic, Pos};
use serde::de::{Deserialize, DeserializeOwned, Deserializer};

/// A scalar as written, with the position of its first character.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    pub value: String,
    pub pos: Pos,
}

impl Text {
    /// The value with surrounding whitespace removed.
    pub fn trimmed(&self) -> &str {
        self.value.trim()
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<String>::deserialize(d)?;
        Ok(Text {
            value: s.value,
            pos: to_pos(s.referenced),
        })
    }
}

/// A value of any shape with the position where it starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        Ok(Located {
            value: s.value,
            pos: to_pos(s.referenced),
        })
    }
}

fn to_pos(l: serde_saphyr::Location) -> Pos {
    Pos::new(l.line().max(1) as u32, l.column().max(1) as u32)
}

/// A key of a map read by [`strict_struct!`]: its name and where it stands.
pub trait Key {
    fn name(&self) -> &str;
    fn pos(&self) -> Pos;
}

impl Key for Text {
    fn name(&self) -> &str {
        &self.value
    }
    fn pos(&self) -> Pos {
        self.pos
    }
}

/// Parses `yaml` (which starts at line 1 of `path`) into `T`, with limits that make alias bombs,
/// deep nesting and huge documents fail fast.
pub fn parse<T: DeserializeOwned>(path: &str, yaml: &str) -> Result<T, Box<Diagnostic>> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
        leading_zero_numbers_as_strings: true,
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_nodes: 50_000,
            max_aliases: 100,
            max_total_scalar_bytes: 8 * 1024 * 1024,
        },
    };
    serde_saphyr::from_str_with_options(yaml, options)
        .map_err(|e| Box::new(to_diagnostic(path, &e)))
}

/// A map type whose keys can be filled from several partial reads.
pub trait Merge {
    /// Takes every key `other` has.
    fn merge(&mut self, other: Self);
}

/// What [`parse_each_key`] read of a document that does not parse as a whole.
#[derive(Debug)]
pub struct Partial<T> {
    /// The keys that parsed.
    pub value: T,
    /// The top-level keys whose values did not.
    pub unparsed: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `yaml` like [`parse`]; when it does not parse as a whole, parses each top-level key
/// on its own, so that every broken value is reported (not only the first) and the keys that
/// do parse can still be checked.
pub fn parse_each_key<T: DeserializeOwned + Merge + Default>(
    path: &str,
    yaml: &str,
) -> Result<T, Partial<T>> {
    let whole = match parse::<T>(path, yaml) {
        Ok(t) => return Ok(t),
        Err(d) => d,
    };
    let mut partial = Partial {
        value: T::default(),
        unparsed: Vec::new(),
        diagnostics: Vec::new(),
    };
    let blocks = top_level_keys(yaml);
    if blocks.len() > 1 {
        for (line, key, text) in blocks {
            // Blank lines in front keep the line numbers of the file.
            let doc = format!("{}{text}", "\n".repeat(line));
            match parse::<T>(path, &doc) {
                Ok(t) => partial.value.merge(t),
                // An alias of another key's anchor: only the whole document can read it, and
                // its own error says what is wrong.
                Err(d) if d.message.contains("unknown anchor") => {
                    partial.unparsed.push(key.to_owned());
                }
                Err(mut d) => {
                    d.message = d.message.replacen(
                        "invalid front matter",
                        &format!("invalid front matter in `{key}`"),
                        1,
                    );
                    partial.diagnostics.push(*d);
                    partial.unparsed.push(key.to_owned());
                }
            }
        }
    }
    // The whole document's error, unless one key's is the same: broken across keys (a duplicate
    // key, say), or a document of one key.
    if !partial
        .diagnostics
        .iter()
        .any(|d| (d.line, d.column) == (whole.line, whole.column))
    {
        partial.diagnostics.push(*whole);
    }
    Err(partial)
}

/// The top-level keys of a block map, each with the line it starts on (counted from 0) and its
/// text up to the next top-level key. Comments and `---` before the first key are left out.
fn top_level_keys(yaml: &str) -> Vec<(usize, &str, &str)> {
    let mut starts: Vec<(usize, usize, &str)> = Vec::new();
    let mut offset = 0;
    for (n, line) in yaml.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        let first = trimmed.chars().next();
        let key_like = trimmed.ends_with(':') || trimmed.contains(": ");
        if first.is_some_and(|c| !c.is_whitespace() && !"#-]},".contains(c)) && key_like {
            let key = trimmed.split(':').next().unwrap_or("").trim();
            starts.push((n, offset, key.trim_matches(['"', '\''])));
        }
        offset += line.len();
    }
    let ends = starts.iter().skip(1).map(|s| s.1).chain([yaml.len()]);
    starts
        .iter()
        .zip(ends)
        .map(|(&(line, from, key), to)| (line, key, &yaml[from..to]))
        .collect()
}

fn to_diagnostic(path: &str, e: &serde_saphyr::Error) -> Diagnostic {
    let pos = e.location().map_or(Pos::START, to_pos);
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // Drop the "line N column M: " prefix: the location is ours to print.
    let message = match first.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") && head.contains(" column ") => rest,
        _ => first,
    };
    // Drop a trailing " at line N, column M" and the parser's advice meant for programmers.
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let message = match message.split_once("duplicate mapping key: ") {
        Some((_, rest)) => format!(
            "duplicate key `{}`",
            rest.split(',').next().unwrap_or(rest).trim()
        ),
        None => message.to_owned(),
    };
    // A breached budget is reported in the parser's own words (`Nodes { nodes: 50001 }`).
    let message = if message.contains("budget") {
        let what = [
            ("Depth", "it nests more than 32 levels deep"),
            ("Aliases", "it uses aliases (`*name`) more than 100 times"),
            ("Anchors", "it defines too many anchors (`&name`)"),
            (
                "Nodes",
                "it holds more than 50,000 values (each use of an alias counts again)",
            ),
            ("Scalar", "its text is larger than 8 MiB"),
        ]
        .iter()
        .find(|(k, _)| message.contains(k))
        .map_or("it is too large", |(_, w)| w);
        format!("too large to read: {what}")
    } else {
        message
    };
    let help = if message.starts_with("too large to read") {
        "the front matter is too large or nests too deeply (anchors and aliases count too)"
    } else if message.contains("duplicate") {
        "each key may appear once; remove or merge the repeated key"
    } else if message.contains("expected") {
        "check the shape of the value: text, a list `[a, b]`, or a map `{key: value}`"
    } else {
        "check the YAML syntax: `key: value`, two spaces of indentation, quotes around text with `: ` or `#`"
    };
    Diagnostic::new(
        Code::YamlSyntax,
        path,
        pos,
        format!("invalid front matter: {message}"),
    )
    .with_help(help)
}

/// Declares a struct read from a YAML (or TOML) map whose every key is optional, recording the
/// keys it does not know in `unknown` rather than failing, and listing its keys in `FIELDS` for
/// "did you mean" hints.
#[macro_export]
macro_rules! strict_struct {
    ($(#[$meta:meta])* $vis:vis struct $name:ident [$key:ty] { $($(#[$fmeta:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        $vis struct $name {
            $($(#[$fmeta])* pub $field: Option<$ty>,)*
            /// Keys this struct does not know, in the order they appear.
            pub unknown: Vec<$key>,
        }

        impl $name {
            /// The keys this struct knows.
            #[allow(dead_code)]
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field),)*];
        }

        impl $crate::yaml::Shift for $name {
            fn shift(&mut self, lines: u32) {
                $($crate::yaml::Shift::shift(&mut self.$field, lines);)*
                $crate::yaml::Shift::shift(&mut self.unknown, lines);
            }
        }

        impl $crate::yaml::Texts for $name {
            fn each_text(&self, f: &mut dyn FnMut(&$crate::yaml::Text)) {
                $($crate::yaml::Texts::each_text(&self.$field, f);)*
            }
        }

        impl $crate::yaml::Merge for $name {
            fn merge(&mut self, other: Self) {
                $(if other.$field.is_some() {
                    self.$field = other.$field;
                })*
                self.unknown.extend(other.unknown);
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a map of keys")
                    }
                    fn visit_unit<E: serde::de::Error>(self) -> Result<$name, E> {
                        Ok($name::default())
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<$name, A::Error> {
                        let mut out = $name::default();
                        while let Some(k) = m.next_key::<$key>()? {
                            match $crate::yaml::Key::name(&k) {
                                $(stringify!($field) => out.$field = m.next_value()?,)*
                                _ => {
                                    m.next_value::<serde::de::IgnoredAny>()?;
                                    out.unknown.push(k);
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    strict_struct! {
        struct Doc [Text] {
            id: Text,
            title: Text,
            list: Located<Vec<Text>>,
            nested: Inner,
        }
    }
    strict_struct! {
        struct Inner [Text] {
            a: Text,
        }
    }

    #[test]
    fn text_stays_text_and_unknown_keys_are_collected() {
        let d: Doc = parse(
            "a.md",
            "---\nid: 0020\ntitle: no\nlist: [1.10, yes]\ntitel: x\nnested: {a: 1, b: 2}\n",
        )
        .unwrap();
        assert_eq!(d.id.unwrap().value, "0020");
        assert_eq!(d.title.as_ref().unwrap().value, "no");
        assert_eq!(d.title.unwrap().pos, Pos::new(3, 8));
        let list: Vec<_> = d.list.unwrap().value.into_iter().map(|t| t.value).collect();
        assert_eq!(list, ["1.10", "yes"]);
        assert_eq!(d.unknown.len(), 1);
        assert_eq!(
            (d.unknown[0].value.as_str(), d.unknown[0].pos),
            ("titel", Pos::new(5, 1))
        );
        assert_eq!(d.nested.unwrap().unknown[0].value, "b");
    }

    #[test]
    fn every_broken_value_is_reported_and_the_other_keys_still_read() {
        let y = "---\nid: [1]\ntitle: fine\ntitel: x\nlist: {a: 1}\nnested:\n  a: [2]\n";
        let p = parse_each_key::<Doc>("a.md", y).unwrap_err();
        let at: Vec<_> = p
            .diagnostics
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(at.len(), 3, "{at:?}");
        assert_eq!(at[0].0, 2);
        assert!(at[0].1.contains("in `id`"), "{at:?}");
        assert_eq!(at[1].0, 5);
        assert!(at[1].1.contains("in `list`"), "{at:?}");
        assert_eq!(at[2].0, 7);
        assert_eq!(p.unparsed, ["id", "list", "nested"]);
        assert_eq!(p.value.title.unwrap().value, "fine");
        assert_eq!(p.value.unknown[0].value, "titel");
        // Broken across keys: the whole document's error.
        let p = parse_each_key::<Doc>("a.md", "---\nid: 1\nid: 2\n").unwrap_err();
        assert_eq!(p.diagnostics.len(), 1);
        assert!(p.diagnostics[0].message.contains("duplicate key"));
        // An alias of another key's anchor is no error of its own.
        let y = "---\ntitle: &t x\nid: *t\nid: 2\n";
        let p = parse_each_key::<Doc>("a.md", y).unwrap_err();
        let all: Vec<_> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].contains("duplicate key"), "{all:?}");
        assert!(parse_each_key::<Doc>("a.md", "---\nid: 1\n").is_ok());
    }

    #[test]
    fn null_is_absent() {
        let d: Doc = parse("a.md", "---\nid: null\ntitle: ~\n").unwrap();
        assert!(d.id.is_none() && d.title.is_none());
    }

    #[test]
    fn alias_bomb_fails_fast_with_a_location() {
        let mut y = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            y.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let d = parse::<Doc>("a.md", &y).unwrap_err();
        assert_eq!(d.code, Code::YamlSyntax);
        assert!(d.line > 1);
        assert!(
            d.message.contains("too large to read: it uses aliases")
                || d.message.contains("more than 50,000 values"),
            "{}",
            d.message
        );
    }

    #[test]
    fn duplicate_keys_and_deep_nesting_are_errors() {
        let d = parse::<Doc>("a.md", "---\nid: 1\nid: 2\n").unwrap_err();
        assert_eq!((d.line, d.column), (3, 1));
        assert!(!d.message.contains("line 3"), "{}", d.message);
        let deep = format!(
            "---\nnested: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert_eq!(
            parse::<Doc>("a.md", &deep).unwrap_err().code,
            Code::YamlSyntax
        );
    }
}
