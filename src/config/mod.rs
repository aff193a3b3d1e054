//! `opsledger.toml` → typed [`Config`], every problem a located diagnostic. Pure: the caller
//! reads the file.

use crate::diag::{Code, Diagnostic, Pos, did_you_mean};
use crate::model::Locations;
use jiff::civil::Weekday;
use serde::Serialize;
use toml::de::{DeTable, DeValue};

mod values;

use values::parse_release;
pub use values::{BASE_URL_HELP, check_base_url, parse_offset, parse_weekday, with_slash};

pub const FILE: &str = "opsledger.toml";

/// Site and workflow configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: String,
    pub base_url: String,
    pub language: Language,
    pub theme: String,
    pub systems: Vec<SystemDef>,
    pub train: Train,
    /// Content files larger than this many bytes are refused.
    pub max_file_size: u64,
    /// An open entry that has not changed status for this many days counts as stuck.
    pub stuck_after_days: u32,
    /// Where each top-level key's value was written (`theme`, `base_url`, `train`), so a
    /// problem found after parsing (a theme folder that does not exist) points at it.
    pub locs: Locations,
}

/// The UI language of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Language {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

/// A system that entries may name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemDef {
    pub name: String,
    pub subsystems: Vec<String>,
    pub owner: String,
}

/// The weekly cadence of the release train.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Train {
    pub submit: Weekday,
    pub sit: Vec<Weekday>,
    pub uat: Weekday,
    pub preprod: Weekday,
    pub release_day: Weekday,
    /// Minutes after midnight of the release.
    pub release_time: u16,
    /// Offset from UTC, e.g. `+08:00`.
    pub timezone: jiff::tz::Offset,
}

impl Default for Train {
    fn default() -> Self {
        Train {
            submit: Weekday::Friday,
            sit: vec![Weekday::Monday, Weekday::Tuesday],
            uat: Weekday::Wednesday,
            preprod: Weekday::Thursday,
            release_day: Weekday::Thursday,
            release_time: 20 * 60,
            timezone: jiff::tz::offset(8),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "opsledger".into(),
            base_url: "/".into(),
            language: Language::ZhCn,
            theme: "default".into(),
            systems: Vec::new(),
            train: Train::default(),
            max_file_size: crate::source::DEFAULT_MAX_BYTES,
            stuck_after_days: 14,
            locs: Locations::default(),
        }
    }
}

impl Config {
    /// The declared system of that name.
    pub fn system(&self, name: &str) -> Option<&SystemDef> {
        self.systems.iter().find(|s| s.name == name)
    }
}

const TOP_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "theme",
    "systems",
    "train",
    "max_file_size",
    "stuck_after_days",
];
const SYSTEM_KEYS: &[&str] = &["name", "subsystems", "owner"];
const TRAIN_KEYS: &[&str] = &["submit", "sit", "uat", "preprod", "release", "timezone"];

/// Parses `text`; the config is always returned (defaults where a value was bad) together with
/// every problem found.
pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
    let mut cx = Cx {
        text,
        diags: Vec::new(),
    };
    let mut cfg = Config::default();
    let (table, errors) = DeTable::parse_recoverable(text);
    for e in errors {
        let pos = e.span().map_or(Pos::START, |s| cx.pos(s.start));
        cx.diags.push(
            Diagnostic::new(
                Code::ConfigSyntax,
                FILE,
                pos,
                format!("invalid TOML: {}", e.message().trim()),
            )
            .with_help("see the opsledger.toml reference in the README"),
        );
    }
    let table = table.into_inner();
    for (key, value) in cx.keys(&table, TOP_KEYS) {
        cfg.locs.set(key, cx.pos(value.span().start));
        match key {
            "title" => cx.string(value).map(|s| cfg.title = s),
            "base_url" => cx
                .string(value)
                .and_then(|s| match check_base_url(&s) {
                    Ok(()) => Some(s),
                    Err(why) => cx.invalid(value, format!("`base_url` {why}"), BASE_URL_HELP),
                })
                .map(|s| cfg.base_url = s),
            "theme" => cx.string(value).map(|s| cfg.theme = s),
            "language" => cx
                .string(value)
                .and_then(|s| match s.as_str() {
                    "zh-CN" | "zh" => Some(Language::ZhCn),
                    "en" => Some(Language::En),
                    _ => cx.invalid(
                        value,
                        format!("unknown language `{s}`"),
                        "use `zh-CN` or `en`",
                    ),
                })
                .map(|l| cfg.language = l),
            "max_file_size" => cx.integer(value).map(|n| cfg.max_file_size = n),
            "stuck_after_days" => cx
                .integer(value)
                .map(|n| cfg.stuck_after_days = n.min(u32::MAX as u64) as u32),
            "systems" => cx.array(value).map(|items| {
                cfg.systems.clear();
                let mut seen = std::collections::BTreeSet::new();
                for v in items {
                    let Some(s) = cx.system(v) else { continue };
                    if !seen.insert(s.name.clone()) {
                        let pos = cx.pos(v.span().start);
                        cx.diags.push(
                            Diagnostic::new(
                                Code::ConfigInvalid,
                                FILE,
                                pos,
                                format!("system `{}` is declared twice", s.name),
                            )
                            .with_help("keep one `[[systems]]` table per system"),
                        );
                    }
                    cfg.systems.push(s);
                }
            }),
            "train" => cx.table(value).map(|t| cfg.train = cx.train(t)),
            _ => None,
        };
    }
    let mut diags = cx.diags;
    crate::diag::sort(&mut diags);
    (cfg, diags)
}

type Spanned<T> = toml::Spanned<T>;

struct Cx<'t> {
    text: &'t str,
    diags: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn pos(&self, byte: usize) -> Pos {
        let before = &self.text[..byte.min(self.text.len())];
        let line = before.matches('\n').count() as u32 + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        Pos::new(line, col)
    }

    /// The known keys of a table; unknown ones become diagnostics.
    fn keys<'a, 'i>(
        &mut self,
        t: &'a DeTable<'i>,
        known: &[&str],
    ) -> Vec<(&'a str, &'a Spanned<DeValue<'i>>)> {
        let mut out = Vec::new();
        for (k, v) in t.iter() {
            let name: &str = k.get_ref();
            if known.contains(&name) {
                out.push((name, v));
            } else {
                let mut d = Diagnostic::new(
                    Code::ConfigUnknownKey,
                    FILE,
                    self.pos(k.span().start),
                    format!("unknown key `{name}`"),
                );
                d = match did_you_mean(name, known.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("known keys here: {}", known.join(", "))),
                };
                self.diags.push(d);
            }
        }
        out
    }

    fn invalid<T>(&mut self, v: &Spanned<DeValue>, msg: String, help: &str) -> Option<T> {
        let d = Diagnostic::new(Code::ConfigInvalid, FILE, self.pos(v.span().start), msg)
            .with_help(help);
        self.diags.push(d);
        None
    }

    fn string(&mut self, v: &Spanned<DeValue>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => self.invalid(
                v,
                "expected a string".into(),
                "put the value in double quotes",
            ),
        }
    }

    fn integer(&mut self, v: &Spanned<DeValue>) -> Option<u64> {
        match v.get_ref() {
            DeValue::Integer(i) => {
                match u64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => Some(n),
                    Err(_) => self.invalid(
                        v,
                        "expected a positive whole number".into(),
                        "for example 4194304",
                    ),
                }
            }
            _ => self.invalid(
                v,
                "expected a positive whole number".into(),
                "for example 4194304",
            ),
        }
    }

    fn array<'a, 'i>(&mut self, v: &'a Spanned<DeValue<'i>>) -> Option<&'a [Spanned<DeValue<'i>>]> {
        match v.get_ref() {
            DeValue::Array(a) => Some(&a[..]),
            _ => self.invalid(
                v,
                "expected an array".into(),
                "write `[[systems]]` tables or `[a, b]`",
            ),
        }
    }

    fn table<'a, 'i>(&mut self, v: &'a Spanned<DeValue<'i>>) -> Option<&'a DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => self.invalid(
                v,
                "expected a table".into(),
                "write it as a `[table]` section",
            ),
        }
    }

    fn strings(&mut self, v: &Spanned<DeValue>) -> Option<Vec<String>> {
        let items = self.array(v)?;
        Some(items.iter().filter_map(|i| self.string(i)).collect())
    }

    fn system(&mut self, v: &Spanned<DeValue>) -> Option<SystemDef> {
        let t = self.table(v)?;
        let mut s = SystemDef {
            name: String::new(),
            subsystems: Vec::new(),
            owner: String::new(),
        };
        for (key, value) in self.keys(t, SYSTEM_KEYS) {
            match key {
                "name" => self.string(value).map(|x| s.name = x),
                "owner" => self.string(value).map(|x| s.owner = x),
                _ => self.strings(value).map(|x| s.subsystems = x),
            };
        }
        if s.name.trim().is_empty() {
            return self.invalid(
                v,
                "a system needs a `name`".into(),
                "add `name = \"...\"` to the `[[systems]]` table",
            );
        }
        Some(s)
    }

    fn weekday(&mut self, v: &Spanned<DeValue>) -> Option<Weekday> {
        let s = self.string(v)?;
        parse_weekday(&s).or_else(|| {
            self.invalid(
                v,
                format!("`{s}` is not a weekday"),
                "use Mon, Tue, Wed, Thu, Fri, Sat or Sun",
            )
        })
    }

    fn train(&mut self, t: &DeTable) -> Train {
        let mut train = Train::default();
        for (key, value) in self.keys(t, TRAIN_KEYS) {
            match key {
                "submit" => self.weekday(value).map(|d| train.submit = d),
                "uat" => self.weekday(value).map(|d| train.uat = d),
                "preprod" => self.weekday(value).map(|d| train.preprod = d),
                "sit" => {
                    let days = match value.get_ref() {
                        DeValue::String(_) => self.weekday(value).map(|d| vec![d]),
                        _ => self
                            .array(value)
                            .map(|a| a.iter().filter_map(|d| self.weekday(d)).collect()),
                    };
                    days.map(|d| train.sit = d)
                }
                "release" => self
                    .string(value)
                    .and_then(|s| match parse_release(&s) {
                        Some(t) => Some(t),
                        None => self.invalid(
                            value,
                            format!("`{s}` is not a day and time"),
                            "write it like \"Thu 20:00\"",
                        ),
                    })
                    .map(|(day, minutes)| (train.release_day, train.release_time) = (day, minutes)),
                _ => self
                    .string(value)
                    .and_then(|s| match parse_offset(&s) {
                        Some(o) => Some(o),
                        None => self.invalid(
                            value,
                            format!("`{s}` is not a UTC offset"),
                            "write it like \"+08:00\"",
                        ),
                    })
                    .map(|o| train.timezone = o),
            };
        }
        train
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_systems() {
        let (c, d) = parse(
            "title = \"t\"\n[[systems]]\nname = \"小贷\"\nsubsystems = [\"账务\"]\nowner = \"琳琳\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.title, "t");
        assert_eq!(c.system("小贷").unwrap().subsystems, ["账务"]);
        assert_eq!(c.train, Train::default());
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let (_, d) = parse(
            "titel = \"t\"\nlanguage = \"fr\"\n[train]\nsit = [\"Mon\", \"Xyz\"]\nrelease = \"Thu 25:00\"\n",
        );
        let got: Vec<_> = d.iter().map(|d| (d.code.as_str(), d.line)).collect();
        assert_eq!(
            got,
            [("E0502", 1), ("E0503", 2), ("E0503", 4), ("E0503", 5)]
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn a_system_declared_twice_is_reported_at_the_second() {
        let one = "[[systems]]\nname = \"小贷\"\nowner = \"琳琳\"\n";
        let (c, d) = parse(&format!("title = \"t\"\n{one}\n{one}"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("declared twice"));
        assert!(d[0].line >= 6, "{:?}", d[0]);
        assert_eq!(c.systems.len(), 2);
    }

    #[test]
    fn syntax_errors_are_located() {
        let (_, d) = parse("title = \"t\"\nbase_url = \n");
        assert_eq!(d[0].code, Code::ConfigSyntax);
        assert_eq!(d[0].line, 2);
    }

    #[test]
    fn base_url_is_an_http_url_or_a_path() {
        for ok in [
            "/",
            "/ledger/",
            "https://ops.example.com/ledger/",
            "http://127.0.0.1:1111/",
            "HTTPS://Ops.Example.com",
        ] {
            assert_eq!(check_base_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)//",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "//evil.example.com/",
            "https://",
            "https:///x",
            "http://:80/",
            "ledger/",
            "",
            "/a b/",
            "/a\"onmouseover=\"x",
            "https://x/\u{0}",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_position_of_each_key_is_kept() {
        let (c, _) = parse("title = \"t\"\n\ntheme  =  \"mine\"\n[train]\nsit = \"Mon\"\n");
        assert_eq!(c.locs.get("theme"), Some(Pos::new(3, 11)));
        assert_eq!(c.locs.get("title"), Some(Pos::new(1, 9)));
        assert_eq!(c.locs.get("base_url"), None);
    }

    #[test]
    fn a_bad_base_url_is_reported_at_its_value() {
        let (c, d) = parse("title = \"t\"\nbase_url = \"javascript:alert(1)//\"\n");
        let got: Vec<_> = d.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert_eq!(got, [(Code::ConfigInvalid, 2, 12)], "{d:?}");
        assert!(d[0].message.contains("javascript:"), "{d:?}");
        assert_eq!(c.base_url, "/");
    }

    #[test]
    fn release_time_parses() {
        assert_eq!(parse_release("Thu 20:00"), Some((Weekday::Thursday, 1200)));
        assert_eq!(parse_release("Thu"), None);
        assert_eq!(parse_offset("+08:00"), Some(jiff::tz::offset(8)));
        assert_eq!(parse_offset("8"), None);
    }
}
