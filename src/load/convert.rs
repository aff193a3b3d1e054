//! Raw front matter (located text) → typed model values, every problem a diagnostic. A bad
//! optional value is reported and left empty; a bad required value makes the document unusable.

use crate::diag::{Code, Diagnostic, Pos, did_you_mean, one_of_help};
use crate::model::{Keyword, Locations};
use crate::yaml::{Located, Text};
use jiff::civil::Date;

/// Converts the fields of one document, collecting diagnostics and field positions.
pub struct Conv<'a> {
    pub path: &'a str,
    pub diags: Vec<Diagnostic>,
    pub locs: Locations,
    /// Set when a required value is missing or bad: the document cannot be used.
    pub failed: bool,
    /// Top-level keys whose YAML did not parse (already reported): not "missing" too.
    pub unparsed: Vec<String>,
    /// The keys whose values were missing or bad (reported): see [`crate::model::Doc::failed`].
    pub bad: Vec<String>,
}

impl<'a> Conv<'a> {
    pub fn new(path: &'a str) -> Self {
        Conv {
            path,
            diags: Vec::new(),
            locs: Locations::default(),
            failed: false,
            unparsed: Vec::new(),
            bad: Vec::new(),
        }
    }

    pub fn report(
        &mut self,
        code: Code,
        pos: Pos,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::new(code, self.path, pos, message).with_help(help));
    }

    /// Reports every unknown key of a map, with a suggestion from `known`.
    pub fn unknown(&mut self, keys: &[Text], known: &[&str], prefix: &str) {
        for k in keys {
            let help = match did_you_mean(&k.value, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "known keys{}: {}",
                    if prefix.is_empty() {
                        String::new()
                    } else {
                        format!(" of `{prefix}`")
                    },
                    known.join(", ")
                ),
            };
            let name = if prefix.is_empty() {
                k.value.clone()
            } else {
                format!("{prefix}.{}", k.value)
            };
            self.report(
                Code::UnknownKey,
                k.pos,
                format!("unknown key `{name}`"),
                help,
            );
        }
    }

    fn note(&mut self, field: &str, t: &Text) {
        self.locs.set(field, t.pos);
    }

    /// Optional text; absent or null is empty.
    pub fn text(&mut self, field: &str, t: Option<Text>) -> String {
        match t {
            Some(t) => {
                self.note(field, &t);
                t.value.trim().to_owned()
            }
            None => String::new(),
        }
    }

    /// Optional text that is `None` when absent or empty.
    pub fn opt_text(&mut self, field: &str, t: Option<Text>) -> Option<String> {
        Some(self.text(field, t)).filter(|s| !s.is_empty())
    }

    /// Required, non-empty text.
    pub fn required(&mut self, field: &str, t: Option<Text>) -> Option<String> {
        let s = self.opt_text(field, t);
        if s.is_none() {
            self.missing(field);
        }
        s
    }

    pub fn missing(&mut self, field: &str) {
        self.bad.push(field.to_owned());
        let top = field.split('.').next().unwrap_or(field);
        if self.unparsed.iter().any(|k| k == top) {
            self.failed = true;
            return;
        }
        let pos = self.locs.of(field);
        self.report(
            Code::MissingKey,
            pos,
            format!("required key `{field}` is missing or empty"),
            format!("add `{field}: ...` to the front matter"),
        );
        self.failed = true;
    }

    /// An optional keyword (`status`, `category`, …).
    pub fn keyword<K: Keyword>(&mut self, field: &str, t: Option<Text>) -> Option<K> {
        let t = t.filter(|t| !t.trimmed().is_empty())?;
        self.note(field, &t);
        let v = t.trimmed();
        K::parse(v).or_else(|| {
            self.bad.push(field.to_owned());
            self.report(
                Code::InvalidValue,
                t.pos,
                format!("`{v}` is not a valid `{field}`"),
                one_of_help(v, &K::words()),
            );
            None
        })
    }

    /// A required keyword.
    pub fn required_keyword<K: Keyword>(&mut self, field: &str, t: Option<Text>) -> Option<K> {
        let present = t.as_ref().is_some_and(|t| !t.trimmed().is_empty());
        let k = self.keyword(field, t);
        if !present {
            self.missing(field);
        } else if k.is_none() {
            self.failed = true;
        }
        k
    }

    /// An optional date `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, t: Option<Text>) -> Option<Date> {
        let t = t.filter(|t| !t.trimmed().is_empty())?;
        self.note(field, &t);
        let v = t.trimmed();
        let parsed = (v.len() == 10).then(|| v.parse::<Date>().ok()).flatten();
        if parsed.is_none() {
            self.bad.push(field.to_owned());
            self.report(
                Code::InvalidDate,
                t.pos,
                format!("`{v}` is not a valid date for `{field}`"),
                "write dates as YYYY-MM-DD, e.g. 2019-03-07",
            );
        }
        parsed
    }

    /// A required date.
    pub fn required_date(&mut self, field: &str, t: Option<Text>) -> Option<Date> {
        let present = t.as_ref().is_some_and(|t| !t.trimmed().is_empty());
        let d = self.date(field, t);
        if !present {
            self.missing(field);
        } else if d.is_none() {
            self.failed = true;
        }
        d
    }

    /// An optional boolean: only `true` and `false`.
    pub fn boolean(&mut self, field: &str, t: Option<Text>) -> bool {
        let Some(t) = t.filter(|t| !t.trimmed().is_empty()) else {
            return false;
        };
        self.note(field, &t);
        match t.trimmed() {
            "true" | "True" | "TRUE" => true,
            "false" | "False" | "FALSE" => false,
            v => {
                self.bad.push(field.to_owned());
                self.report(
                    Code::InvalidNumber,
                    t.pos,
                    format!("`{v}` is not a boolean for `{field}`"),
                    "write `true` or `false`",
                );
                false
            }
        }
    }

    /// A whole number within `max`.
    pub fn number(&mut self, field: &str, t: &Text, max: u64) -> Option<u64> {
        self.note(field, t);
        let v = t.trimmed();
        match v.parse::<u64>() {
            Ok(n) if n <= max => Some(n),
            _ => {
                self.bad.push(field.to_owned());
                self.report(
                    Code::InvalidNumber,
                    t.pos,
                    format!("`{v}` is not a whole number for `{field}`"),
                    format!("write a number from 0 to {max}"),
                );
                None
            }
        }
    }

    /// A list of text; empty items are dropped. Each item kept is located as `{field}.{i}`,
    /// `i` its index in the list returned, so a rule over the list points at the item itself.
    pub fn list(&mut self, field: &str, l: Option<Located<Vec<Text>>>) -> Vec<String> {
        let Some(l) = l else { return Vec::new() };
        self.locs.set(field, l.pos);
        let mut out = Vec::with_capacity(l.value.len());
        for t in l.value {
            let value = t.value.trim();
            if !value.is_empty() {
                self.note(&format!("{field}.{}", out.len()), &t);
                out.push(value.to_owned());
            }
        }
        out
    }
}
