//! The only user of minijinja: the template environment of the site, set up in one function.
//! The default theme is embedded in the binary; a `themes/<name>/` folder of the ledger
//! overrides any template or static file by name, and an override can extend the built-in one
//! as `default/<name>`. It renders; it does not decide what pages exist (that is `site`).

use crate::diag::{Code, Diagnostic, Pos};
use crate::embedded;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// A loaded theme: the template environment and the static files to copy.
pub struct Theme {
    env: Environment<'static>,
    /// Static files by path under `static/`, override winning over built-in.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Where override templates come from, for diagnostics.
    override_dir: Option<String>,
    /// The names of the override templates.
    override_names: Vec<String>,
    /// Everything loaded so far that a page's bytes depend on besides its context: every
    /// template, every static file and every global, hashed.
    hasher: siphasher::sip128::SipHasher13,
}

/// Template files a theme folder may hold, by name (`entry.html`) → source.
type Sources = BTreeMap<String, String>;

fn builtin_templates() -> Sources {
    embedded::THEME
        .iter()
        .filter_map(|(p, b)| {
            Some((
                p.strip_prefix("templates/")?.to_owned(),
                String::from_utf8_lossy(b).into_owned(),
            ))
        })
        .collect()
}

/// Reads `themes/<name>/` of the ledger at `root` (templates and static files), if it exists.
/// Links are not followed; unreadable files are diagnostics.
fn read_override(
    root: &Path,
    name: &str,
    named_at: Pos,
) -> (Sources, BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
    let (mut templates, mut statics, mut diags) = (Sources::new(), BTreeMap::new(), Vec::new());
    let dir = root.join("themes").join(name);
    if name == "default" && !dir.is_dir() {
        return (templates, statics, diags);
    }
    if name.contains(['/', '\\']) || name.starts_with('.') || !dir.is_dir() {
        diags.push(
            Diagnostic::new(Code::ConfigInvalid, crate::config::FILE, named_at, format!("theme `{name}` is not a folder under themes/"))
                .with_help("use `theme = \"default\"` or create themes/<name>/templates and themes/<name>/static"),
        );
        return (templates, statics, diags);
    }
    for item in walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by_file_name()
    {
        let Ok(item) = item else { continue };
        if !item.file_type().is_file() {
            continue;
        }
        let rel = item.path().strip_prefix(&dir).unwrap_or(item.path());
        let rel: String = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let shown = format!("themes/{name}/{rel}");
        let Ok(bytes) = std::fs::read(item.path()) else {
            diags.push(Diagnostic::new(
                Code::Unreadable,
                shown,
                Pos::START,
                "cannot read the theme file",
            ));
            continue;
        };
        if let Some(t) = rel.strip_prefix("templates/") {
            match String::from_utf8(bytes) {
                Ok(s) => {
                    templates.insert(t.to_owned(), s);
                }
                Err(_) => diags.push(Diagnostic::new(
                    Code::InvalidUtf8,
                    shown,
                    Pos::START,
                    "the template is not valid UTF-8",
                )),
            }
        } else if let Some(s) = rel.strip_prefix("static/") {
            statics.insert(s.to_owned(), bytes);
        }
    }
    (templates, statics, diags)
}

impl Theme {
    /// The default theme with the ledger's override folder `themes/<name>/` on top; `named_at`
    /// is where opsledger.toml names it (a missing folder is reported there).
    pub fn load(root: &Path, name: &str, named_at: Pos) -> (Theme, Vec<Diagnostic>) {
        let (overrides, override_statics, diags) = read_override(root, name, named_at);
        let mut statics: BTreeMap<String, Vec<u8>> = embedded::THEME
            .iter()
            .filter_map(|(p, b)| Some((p.strip_prefix("static/")?.to_owned(), b.to_vec())))
            .collect();
        statics.extend(override_statics);
        let override_dir = (!overrides.is_empty()).then(|| format!("themes/{name}/templates"));
        let override_names = overrides.keys().cloned().collect();
        let mut hasher = siphasher::sip128::SipHasher13::new();
        {
            use std::hash::Hash;
            embedded::THEME.hash(&mut hasher);
            overrides.hash(&mut hasher);
            statics.hash(&mut hasher);
        }
        (
            Theme {
                env: environment(builtin_templates(), overrides),
                statics,
                override_dir,
                override_names,
                hasher,
            },
            diags,
        )
    }

    /// Compiles every template, so syntax errors show up in `check`, not only in `build`.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut names: Vec<String> = builtin_templates().into_keys().collect();
        names.extend(self.override_names.iter().cloned());
        names.sort();
        names.dedup();
        names
            .iter()
            .filter_map(|n| self.env.get_template(n).err())
            .map(|e| self.diagnostic(&e))
            .collect()
    }

    /// Adds a value every template can read.
    pub fn add_global(&mut self, name: &'static str, value: Value) {
        use std::hash::Hash;
        (name, &value).hash(&mut self.hasher);
        self.env.add_global(name, value);
    }

    /// A hash of the templates, static files and globals: with the context, all that a page's
    /// bytes are made of.
    pub fn fingerprint(&self) -> u128 {
        use siphasher::sip128::Hasher128;
        self.hasher.clone().finish128().as_u128()
    }

    /// Renders `template` with `ctx`; a template problem is a diagnostic at the template's line.
    pub fn render(&self, template: &str, ctx: Value) -> Result<String, Box<Diagnostic>> {
        self.env
            .get_template(template)
            .and_then(|t| t.render(ctx))
            .map_err(|e| Box::new(self.diagnostic(&e)))
    }

    fn diagnostic(&self, e: &minijinja::Error) -> Diagnostic {
        let name = e.name().unwrap_or("?");
        let file = match name.strip_prefix("default/") {
            Some(n) => format!("(built-in theme) templates/{n}"),
            None => match &self.override_dir {
                Some(dir) if self.override_names.iter().any(|n| n == name) => {
                    format!("{dir}/{name}")
                }
                _ => format!("(built-in theme) templates/{name}"),
            },
        };
        let line = e.line().unwrap_or(1) as u32;
        let mut msg = e
            .detail()
            .map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            msg.push_str(&format!(": {s}"));
            src = s.source();
        }
        Diagnostic::new(
            Code::TemplateError,
            file,
            Pos::new(line, 1),
            format!("template error: {msg}"),
        )
        .with_help("fix the template; `{% extends \"default/<name>\" %}` reaches the built-in one")
    }
}

/// The one environment: loader with override precedence, strict undefined, auto-escape by
/// extension (`.svg` and `.xml` too), debug info, and the custom filters.
fn environment(builtin: Sources, overrides: Sources) -> Environment<'static> {
    let mut env = Environment::new();
    let (builtin, overrides) = (Arc::new(builtin), Arc::new(overrides));
    env.set_loader(move |name: &str| {
        if let Some(n) = name.strip_prefix("default/") {
            return Ok(builtin.get(n).cloned());
        }
        Ok(overrides.get(name).or_else(|| builtin.get(name)).cloned())
    });
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".svg") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.set_debug(true);
    // HTML-escape like the default, but leave `/` alone: URLs stay readable and pages smaller.
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Html)
            && !value.is_safe()
            && value.as_str().is_some()
        {
            let s = value.as_str().unwrap_or_default();
            escape_into(out, s).map_err(|e| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
            })
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env.add_filter("segment", filters::segment);
    env.add_filter("shorthash", filters::shorthash);
    env.add_filter("day", filters::day);
    env
}

/// Template filters: plain functions, tested here.
pub mod filters {
    /// A name made safe as one URL path segment (and folder name): see [`crate::theme::segment`].
    pub fn segment(s: String) -> String {
        super::segment(&s)
    }

    /// The first 10 characters of a commit hash.
    pub fn shorthash(s: String) -> String {
        s.chars().take(10).collect()
    }

    /// The date part `YYYY-MM-DD` of an RFC 3339 time; the value itself otherwise.
    pub fn day(s: String) -> String {
        if s.len() >= 10 && s.as_bytes()[4] == b'-' {
            s[..10].to_owned()
        } else {
            s
        }
    }
}

/// Writes `s` escaped as [`escape`] does, in runs of plain text (no copy of the text).
fn escape_into(out: &mut dyn std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[plain..i])?;
        out.write_str(rep)?;
        plain = i + 1;
    }
    out.write_str(&s[plain..])
}

/// Escapes text for HTML and XML (`&`, `<`, `>`, `"`, `'`).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing into a String cannot fail.
    let _ = escape_into(&mut out, s);
    out
}

/// A name (system, person) as a safe folder name and URL segment: letters (any script),
/// digits, `-` and `_` kept; anything else becomes `-`; never empty, never `.` or `..`.
pub fn segment(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() || s.chars().all(|c| c == '-') {
        "_".to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(overrides: &[(&str, &str)]) -> Theme {
        let mut builtin = Sources::new();
        builtin.insert(
            "base.html".into(),
            "<title>{% block title %}T{% endblock %}</title>{% block body %}{% endblock %}".into(),
        );
        builtin.insert(
            "page.html".into(),
            "{% extends \"base.html\" %}{% block body %}<p>{{ text }}</p>{% endblock %}".into(),
        );
        let o: Sources = overrides
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let override_names = o.keys().cloned().collect();
        Theme {
            env: environment(builtin, o.clone()),
            statics: BTreeMap::new(),
            override_dir: (!o.is_empty()).then(|| "themes/x/templates".into()),
            override_names,
            hasher: Default::default(),
        }
    }

    #[test]
    fn escapes_html_and_fails_on_undefined() {
        let t = theme(&[]);
        let out = t
            .render("page.html", minijinja::context! { text => "<script>" })
            .unwrap();
        assert_eq!(out, "<title>T</title><p>&lt;script&gt;</p>");
        let d = t.render("page.html", minijinja::context! {}).unwrap_err();
        assert_eq!(d.code, Code::TemplateError);
        assert!(
            d.file.contains("page.html") && d.message.contains("undefined"),
            "{d:?}"
        );
    }

    #[test]
    fn an_override_wins_and_can_extend_the_builtin() {
        let t = theme(&[(
            "page.html",
            "{% extends \"default/page.html\" %}{% block title %}Mine{% endblock %}",
        )]);
        let out = t
            .render("page.html", minijinja::context! { text => "x" })
            .unwrap();
        assert_eq!(out, "<title>Mine</title><p>x</p>");
    }

    #[test]
    fn template_errors_name_the_override_file_and_line() {
        let t = theme(&[("page.html", "line one\n{{ oops( }}\n")]);
        let d = t.render("page.html", minijinja::context! {}).unwrap_err();
        assert_eq!(
            (d.file.as_str(), d.line),
            ("themes/x/templates/page.html", 2),
            "{d:?}"
        );
    }

    #[test]
    fn escape_replaces_the_five_characters_and_keeps_the_rest() {
        let cases = [
            ("", ""),
            ("plain", "plain"),
            ("a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f"),
            ("<<", "&lt;&lt;"),
            ("中文 & 'x'", "中文 &amp; &#39;x&#39;"),
            ("&", "&amp;"),
        ];
        for (s, want) in cases {
            assert_eq!(escape(s), want, "{s}");
        }
    }

    #[test]
    fn segments_are_safe() {
        assert_eq!(segment("小贷"), "小贷");
        assert_eq!(segment("../etc"), "---etc");
        assert_eq!(segment("Alice Chen"), "Alice-Chen");
        assert_eq!(segment(".."), "_");
        assert_eq!(filters::shorthash("0123456789abcdef".into()), "0123456789");
        assert_eq!(
            filters::day("2019-03-01T10:00:00+08:00".into()),
            "2019-03-01"
        );
    }
}
