//! `search-index.json`: one document per entry, requirement, release and runbook with its URL,
//! kind, id, title, system, status and capped plain text, for the site's client-side search.
//! Must not render HTML (the Markdown body is reduced to plain text) nor touch the other exports.

use super::{ExportInput, OutputFile, SEARCH_TEXT_MAX, entries_by_id};
use crate::model::{Keyword, Release, Requirement, Runbook};
use crate::site::views;
use serde_json::{Value, json};

/// `search-index.json`: `{"version": 1, "docs": [{"url", "kind", "id", "title", "system",
/// "status", "text"}]}` for entries, requirements, releases and runbooks, in that order, each by
/// id (runbooks by slug). `url` is relative to the site root and names the page's file
/// (`entries/20/index.html`, see [`views`]); `kind` is `entry`,
/// `requirement`, `release` or `runbook`; `status` is the front-matter word (`""` for
/// runbooks), `system` `""` where there is none; `text` is the title, the main text fields and
/// the body as plain text, whitespace collapsed, at most [`SEARCH_TEXT_MAX`] characters.
pub fn search_index(input: &ExportInput) -> crate::Result<OutputFile> {
    let l = input.ledger;
    let mut docs = Vec::new();
    for e in entries_by_id(l) {
        let mut fields: Vec<&str> = vec![
            &e.title,
            &e.subsystem,
            &e.module,
            &e.feature,
            &e.proposer,
            &e.tech_lead,
            &e.test_lead,
            &e.expected_solution,
            &e.technical_solution,
            &e.business_feedback,
            &e.resolution_notes,
            &e.test_opinion,
        ];
        fields.extend(e.related_systems.iter().map(String::as_str));
        fields.extend(e.release.as_deref());
        fields.extend(e.requirement.as_deref());
        docs.push(search_doc(
            views::entry_url(e.id),
            "entry",
            &e.id.to_string(),
            &e.title,
            &e.system,
            e.status.as_str(),
            &fields,
            &e.body,
        ));
    }
    let mut requirements: Vec<&Requirement> = l.requirements.iter().collect();
    requirements.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    for r in requirements {
        docs.push(search_doc(
            views::requirement_url(&r.id),
            "requirement",
            &r.id,
            &r.title,
            &r.system,
            r.status.as_str(),
            &[&r.title, &r.owner, &r.version],
            &r.body,
        ));
    }
    let mut releases: Vec<&Release> = l.releases.iter().collect();
    releases.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    for r in releases {
        let mut fields: Vec<&str> = vec![&r.title, &r.approver];
        fields.extend(r.goals.iter().map(String::as_str));
        fields.extend(r.steps.iter().map(|s| s.name.as_str()));
        fields.extend([r.rollback.trigger.as_str(), r.rollback.plan.as_str()]);
        docs.push(search_doc(
            views::release_url(&r.id),
            "release",
            &r.id,
            &r.title,
            "",
            r.status.as_str(),
            &fields,
            &r.body,
        ));
    }
    let mut runbooks: Vec<&Runbook> = l.runbooks.iter().collect();
    runbooks.sort_by(|a, b| (&a.slug, &a.doc.path).cmp(&(&b.slug, &b.doc.path)));
    for r in runbooks {
        docs.push(search_doc(
            views::runbook_url(&r.slug),
            "runbook",
            &r.slug,
            &r.title,
            &r.system,
            "",
            &[&r.title, &r.owner],
            &r.body,
        ));
    }
    let mut bytes = serde_json::to_vec(&json!({"version": 1, "docs": docs}))?;
    bytes.push(b'\n');
    Ok(OutputFile {
        path: "search-index.json".into(),
        bytes,
    })
}

#[allow(clippy::too_many_arguments)]
fn search_doc(
    url: String,
    kind: &str,
    id: &str,
    title: &str,
    system: &str,
    status: &str,
    fields: &[&str],
    body: &str,
) -> Value {
    let mut raw = fields.join(" ");
    raw.push(' ');
    crate::markdown::text_of(body, &mut raw);
    let mut text = String::new();
    for (n, word) in raw.split_whitespace().enumerate() {
        if n > 0 {
            text.push(' ');
        }
        text.push_str(word);
        if text.len() >= SEARCH_TEXT_MAX * 4 {
            break;
        }
    }
    if let Some((i, _)) = text.char_indices().nth(SEARCH_TEXT_MAX) {
        text.truncate(i);
    }
    json!({
        "url": url,
        "kind": kind,
        "id": id,
        "title": title,
        "system": system,
        "status": status,
        "text": text.trim_end(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::site::export::fixtures::*;

    #[test]
    fn search_index_shape() {
        let out = with(Language::ZhCn, |i| search_index(i).unwrap());
        assert_eq!(out.path, "search-index.json");
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        assert_eq!(v["version"], 1);
        let docs = v["docs"].as_array().unwrap();
        let urls: Vec<&str> = docs.iter().map(|d| d["url"].as_str().unwrap()).collect();
        assert_eq!(
            urls,
            [
                "entries/20/index.html",
                "entries/21/index.html",
                "requirements/REQ-0007/index.html",
                "releases/2019-03-07/index.html",
                "runbooks/repayment-batch/index.html"
            ]
        );
        for d in docs {
            let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                ["url", "kind", "id", "title", "system", "status", "text"]
            );
            assert!(d["url"].as_str().unwrap().ends_with("/index.html"));
        }
        let e = &docs[0];
        assert_eq!(e["kind"], "entry");
        assert_eq!(e["id"], "20");
        assert_eq!(e["title"], "还款文件生成");
        assert_eq!(e["system"], "小贷");
        assert_eq!(e["status"], "uat");
        let text = e["text"].as_str().unwrap();
        assert!(text.starts_with("还款文件生成 "), "{text}");
        assert!(
            text.contains("问题 还款文件 需要每日生成。 一 二"),
            "{text}"
        );
        assert!(!text.contains("  ") && !text.contains('\n') && !text.contains("**"));
        assert_eq!(docs[4]["kind"], "runbook");
        assert_eq!(docs[4]["status"], "");
        assert!(docs[4]["text"].as_str().unwrap().ends_with("重跑 batch.sh"));
    }

    #[test]
    fn search_text_is_capped() {
        let (config, mut ledger, history) = (config(Language::En), ledger(), history());
        ledger.entries[0].body = "长".repeat(10_000);
        let out = search_index(&ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "/",
        })
        .unwrap();
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        let n = v["docs"][0]["text"].as_str().unwrap().chars().count();
        assert!(n <= SEARCH_TEXT_MAX && n > SEARCH_TEXT_MAX - 10, "{n}");
    }
}
