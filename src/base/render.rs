//! A [`LedgerDiff`] rendered: [`json`] as a versioned document, [`markdown`] for a pull-request
//! comment (text escaped, ids in code spans). Must not compute the diff nor judge the change;
//! it only shows what it is given.

use super::diff::{DocRef, LedgerDiff};
use super::{short, show};
use crate::diag::Diagnostic;
use crate::report::Summary;
use serde::Serialize;
use serde_json::Value;

/// Which commits a diff compares.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// REF as given.
    #[serde(rename = "ref")]
    pub base_ref: String,
    /// REF's commit (full hash).
    pub base_commit: String,
    pub merge_base: String,
    /// HEAD's commit; the ledger compared is its work tree.
    pub head_commit: String,
}

/// The diff as a documented JSON document:
///
/// ```text
/// {"schema_version": 1,
///  "compared": {"ref", "base_commit", "merge_base", "head_commit"},
///  "summary": {"status_moves", "added", "removed", "renamed", "edited", "releases", "sql_scripts"},
///  "status_moves": [{"kind", "id", "title", "path", "status", "from", "to", "through"}],
///  "added" / "removed": [{"kind", "id", "title", "path", "status"}],
///  "renamed": [{..., "old_path"}],
///  "field_changes": [{..., "changes": [{"field", "from", "to"}], "body_changed"}],
///  "releases": [{"release", "title", "gains": [..], "loses": [..]}],
///  "sql_scripts": [{"change", "path", "old_path"?, "referenced_by": [..]}],
///  "check": {"summary": {"errors", "warnings"}, "diagnostics": [...as in check --format json]}}
/// ```
pub fn json(d: &LedgerDiff, compared: &Compared, diags: &[Diagnostic]) -> String {
    let doc = serde_json::json!({
        "schema_version": 1,
        "compared": compared,
        "summary": d.counts(),
        "status_moves": d.status_moves,
        "added": d.added,
        "removed": d.removed,
        "renamed": d.renamed,
        "field_changes": d.field_changes,
        "releases": d.releases,
        "sql_scripts": d.sql_scripts,
        "check": {"summary": Summary::of(diags), "diagnostics": diags},
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// At most this many problems are listed in the Markdown; the rest are counted.
const MAX_LISTED: usize = 30;

/// The diff as Markdown for a pull-request comment: a heading with the counts, then one section
/// per kind of change that has any, then what `check --base` found.
pub fn markdown(d: &LedgerDiff, compared: &Compared, diags: &[Diagnostic]) -> String {
    let c = d.counts();
    let parts: Vec<String> = [
        (c.status_moves, "status move", "status moves"),
        (c.added, "added", "added"),
        (c.removed, "removed", "removed"),
        (c.renamed, "renamed", "renamed"),
        (c.edited, "edited", "edited"),
        (c.releases, "release changed", "releases changed"),
        (c.sql_scripts, "SQL script", "SQL scripts"),
    ]
    .into_iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    let s = Summary::of(diags);
    let verdict = match (s.errors, s.warnings) {
        (0, 0) => "✅ check passes".to_owned(),
        (0, w) => format!("⚠️ {w} warning{}", plural(w)),
        (e, _) => format!("❌ {e} error{}", plural(e)),
    };
    let mut out = format!(
        "## Ledger changes: {} — {verdict}\n\nCompared with {} at merge base {}.\n",
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        },
        code(&compared.base_ref),
        code(short(&compared.merge_base)),
    );
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push_str(&format!("\n### {title}\n\n"));
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
        }
    };
    section(
        "Status moves",
        d.status_moves
            .iter()
            .map(|m| {
                let path: Vec<String> = m.through.iter().map(|s| code(s)).collect();
                format!("- {}: {}", label(&m.doc), path.join(" → "))
            })
            .collect(),
    );
    section(
        "Added",
        d.added
            .iter()
            .map(|a| {
                let status = a
                    .status
                    .as_deref()
                    .map(|s| format!("{}, ", code(s)))
                    .unwrap_or_default();
                format!("- {} — {status}{}", label(a), code(&a.path))
            })
            .collect(),
    );
    section(
        "Removed",
        d.removed
            .iter()
            .map(|r| format!("- {} — {}", label(r), code(&r.path)))
            .collect(),
    );
    section(
        "Renamed",
        d.renamed
            .iter()
            .map(|r| {
                format!(
                    "- {}: {} → {}",
                    label(&r.doc),
                    code(&r.old_path),
                    code(&r.doc.path)
                )
            })
            .collect(),
    );
    section(
        "Field changes",
        d.field_changes
            .iter()
            .map(|e| {
                let mut l = format!("- {}", label(&e.doc));
                for c in &e.changes {
                    l.push_str(&format!(
                        "\n  - {}: {} → {}",
                        code(&c.field),
                        value(&c.from),
                        value(&c.to)
                    ));
                }
                if e.body_changed {
                    l.push_str("\n  - description changed");
                }
                l
            })
            .collect(),
    );
    section(
        "Releases",
        d.releases
            .iter()
            .map(|r| {
                let mut l = format!("- {}", code(&r.release));
                let title = strip_id(&r.title, &r.release);
                if !title.is_empty() {
                    l.push(' ');
                    l.push_str(&escape(title));
                }
                for (word, list) in [("gains", &r.gains), ("loses", &r.loses)] {
                    if !list.is_empty() {
                        let names: Vec<String> = list.iter().map(label).collect();
                        l.push_str(&format!("\n  - {word} {}", names.join(", ")));
                    }
                }
                l
            })
            .collect(),
    );
    section(
        "SQL scripts",
        d.sql_scripts
            .iter()
            .map(|s| {
                let mut l = match &s.old_path {
                    Some(old) => format!("- {} {} → {}", s.change, code(old), code(&s.path)),
                    None => format!("- {} {}", s.change, code(&s.path)),
                };
                if !s.referenced_by.is_empty() {
                    let names: Vec<String> = s.referenced_by.iter().map(label).collect();
                    l.push_str(&format!(" — used by {}", names.join(", ")));
                }
                l
            })
            .collect(),
    );
    out.push_str("\n### Check\n\n");
    if diags.is_empty() {
        out.push_str("✅ no problems\n");
        return out;
    }
    out.push_str(&format!(
        "{} error{}, {} warning{} — run `opsledger check --base {}` to see them with their source lines.\n\n",
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
        compared.base_ref.replace('`', "")
    ));
    for d in diags.iter().take(MAX_LISTED) {
        let mark = if d.is_error() { "❌" } else { "⚠️" };
        out.push_str(&format!(
            "- {mark} **{}** {}: {}\n",
            d.code,
            code(&format!("{}:{}:{}", d.file, d.line, d.column)),
            one_line(&d.message)
        ));
        if let Some(h) = &d.help {
            out.push_str(&format!("  help: {}\n", one_line(h)));
        }
    }
    if diags.len() > MAX_LISTED {
        out.push_str(&format!("- … and {} more\n", diags.len() - MAX_LISTED));
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `` `#20` 还款文件生成 ``: the id in a code span (so GitHub does not link `#20` to an
/// issue), then the title.
fn label(d: &DocRef) -> String {
    let id = match &d.id {
        Value::Number(n) => format!("#{n}"),
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let title = strip_id(&d.title, &id);
    if title.is_empty() {
        code(&id)
    } else {
        format!("{} {}", code(&id), escape(title))
    }
}

/// A title without a leading copy of the id (`2019-03-07 期次投产计划` → `期次投产计划`).
fn strip_id<'a>(title: &'a str, id: &str) -> &'a str {
    title
        .strip_prefix(id)
        .map(str::trim_start)
        .unwrap_or(title)
        .trim()
}

/// A field value in Markdown: a code span, or `∅` for nothing.
fn value(v: &Value) -> String {
    match show(v) {
        s if s == "∅" => s,
        s => code(&s),
    }
}

/// `s` as an inline code span, fenced with more backticks than it holds.
pub(super) fn code(s: &str) -> String {
    let s = one_line(s);
    let mut longest = 0;
    let mut run = 0;
    for ch in s.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// Text with the characters that Markdown or HTML would interpret escaped.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in one_line(s).chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' | '&'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}
