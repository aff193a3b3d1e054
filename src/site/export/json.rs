//! `ledger.json`: the versioned contract for other tools (schema documented on the `export`
//! module): every document's front matter, path, body and git history. Must not change a key's
//! meaning without raising `SCHEMA_VERSION`, nor touch the other exports.

use super::{ExportInput, OutputFile, SCHEMA_VERSION, entries_by_id};
use crate::history::{History, Step, Timeline};
use crate::model::{Release, Requirement, Runbook};
use serde::Serialize;
use serde_json::{Map, Value, json};

/// `ledger.json`, the versioned contract described in the [module documentation](super).
pub fn ledger_json(input: &ExportInput) -> crate::Result<OutputFile> {
    let l = input.ledger;
    let h = input.history;

    let mut requirements: Vec<&Requirement> = l.requirements.iter().collect();
    requirements.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    let mut releases: Vec<&Release> = l.releases.iter().collect();
    releases.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    let mut runbooks: Vec<&Runbook> = l.runbooks.iter().collect();
    runbooks.sort_by(|a, b| (&a.slug, &a.doc.path).cmp(&(&b.slug, &b.doc.path)));

    let mut root = Map::new();
    root.insert("schema_version".into(), json!(SCHEMA_VERSION));
    root.insert(
        "generated_at".into(),
        input.generated_at.map_or(Value::Null, |s| json!(s)),
    );
    root.insert("title".into(), json!(input.config.title));
    root.insert(
        "entries".into(),
        items(entries_by_id(l), |e| (&e.doc.path, &e.body), h)?,
    );
    root.insert(
        "requirements".into(),
        items(requirements, |r| (&r.doc.path, &r.body), h)?,
    );
    root.insert(
        "releases".into(),
        items(releases, |r| (&r.doc.path, &r.body), h)?,
    );
    root.insert(
        "runbooks".into(),
        items(runbooks, |r| (&r.doc.path, &r.body), h)?,
    );
    // "Today" for stuck entries is the generation date, as on the site.
    let today = input
        .generated_at
        .and_then(|t| crate::site::views::local_date(input.config, t));
    root.insert(
        "metrics".into(),
        serde_json::to_value(crate::metrics::compute(l, h, input.config, today))?,
    );
    let mut bytes = serde_json::to_vec(&Value::Object(root))?;
    bytes.push(b'\n');
    Ok(OutputFile {
        path: "ledger.json".into(),
        bytes,
    })
}

/// The JSON array of `docs`: each document's front matter, then `path`, `body`, `history`.
fn items<T: Serialize>(
    docs: Vec<&T>,
    doc: impl Fn(&T) -> (&String, &String),
    history: &History,
) -> crate::Result<Value> {
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let (path, body) = doc(d);
        let mut map = match serde_json::to_value(d)? {
            Value::Object(m) => m,
            other => {
                let mut m = Map::new();
                m.insert("value".into(), other);
                m
            }
        };
        map.insert("path".into(), json!(path));
        map.insert("body".into(), json!(body));
        map.insert("history".into(), history_json(history.of(path)));
        out.push(Value::Object(map));
    }
    Ok(Value::Array(out))
}

/// The steps of a timeline with exactly the documented keys.
fn history_json(t: Option<&Timeline>) -> Value {
    let Some(t) = t else {
        return Value::Array(Vec::new());
    };
    Value::Array(t.steps.iter().map(step_json).collect())
}

fn step_json(s: &Step) -> Value {
    let changes: Vec<Value> = s
        .changes
        .iter()
        .map(|c| json!({"field": c.field, "from": c.from, "to": c.to}))
        .collect();
    let mut v = json!({
        "commit": s.commit,
        "author": s.author,
        "email": s.email,
        "time": s.time,
        "message": s.message,
        "landed_commit": s.landed_commit,
        "landed_time": s.landed_time,
        "changes": changes,
        "body_changed": s.body_changed,
        "path": s.path,
    });
    if s.working_tree
        && let Value::Object(m) = &mut v
    {
        m.insert("working_tree".into(), Value::Bool(true));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use crate::site::export::fixtures::*;

    #[test]
    fn json_shape() {
        let out = with(Language::ZhCn, |i| ledger_json(i).unwrap());
        assert_eq!(out.path, "ledger.json");
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            top,
            [
                "schema_version",
                "generated_at",
                "title",
                "entries",
                "requirements",
                "releases",
                "runbooks",
                "metrics"
            ]
        );
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["generated_at"], GENERATED);
        assert_eq!(v["title"], "小贷 运维台帐");

        let e = &v["entries"][0];
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        let expected = [
            "id",
            "title",
            "system",
            "subsystem",
            "module",
            "feature",
            "category",
            "priority",
            "status",
            "proposer",
            "proposed_on",
            "has_sql",
            "sql_scripts",
            "expected_solution",
            "technical_solution",
            "business_feedback",
            "resolution_notes",
            "planned_start",
            "planned_finish",
            "tech_lead",
            "test_start",
            "test_finish",
            "test_lead",
            "test_opinion",
            "related_systems",
            "requirement",
            "release",
            "tests",
            "path",
            "body",
            "history",
        ];
        assert_eq!(keys, expected);
        assert_eq!(e["id"], 20);
        assert_eq!(e["status"], "uat");
        assert_eq!(e["category"], "feature");
        assert_eq!(e["proposed_on"], "2019-02-25");
        assert_eq!(e["test_start"], Value::Null);
        assert_eq!(e["tests"]["sit"]["result"], "pending");
        assert_eq!(e["path"], "content/entries/0020-x.md");
        assert!(e["body"].as_str().unwrap().contains("每日"));

        let h = e["history"].as_array().unwrap();
        assert_eq!(h.len(), 3);
        let step_keys = [
            "commit",
            "author",
            "email",
            "time",
            "message",
            "landed_commit",
            "landed_time",
            "changes",
            "body_changed",
            "path",
        ];
        for s in &h[..2] {
            let k: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(k, step_keys);
        }
        let wt: Vec<&str> = h[2]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(wt[..10], step_keys);
        assert_eq!(wt[10..], ["working_tree"]);
        assert_eq!(h[2]["working_tree"], true);
        assert_eq!(h[0]["time"], "2019-03-01T10:00:00+08:00");
        assert_eq!(h[1]["commit"], format!("{:040}", 2));
        assert_eq!(h[1]["body_changed"], true);
        assert_eq!(
            h[1]["changes"],
            json!([
                {"field": "status", "from": "sit", "to": "uat"},
                {"field": "tests.sit.result", "from": "pending", "to": "pass"}
            ])
        );
        assert_eq!(h[0]["changes"][0]["from"], Value::Null);

        // An entry without history has an empty list.
        assert_eq!(v["entries"][1]["history"], json!([]));
        assert_eq!(v["entries"][1]["release"], Value::Null);

        let r = &v["requirements"][0];
        assert_eq!(r["id"], "REQ-0007");
        assert_eq!(r["status"], "approved");
        assert_eq!(r["path"], "content/requirements/REQ-0007-export.md");
        assert_eq!(r["history"], json!([]));
        let rel = &v["releases"][0];
        for k in [
            "id",
            "title",
            "date",
            "status",
            "approver",
            "approved_on",
            "strategy",
            "phases",
            "goals",
            "steps",
            "rollback",
            "environment_checklist",
            "data_migration",
            "verification",
            "monitoring",
            "docs_updates",
            "runbook",
            "path",
            "body",
            "history",
        ] {
            assert!(rel.get(k).is_some(), "release lacks {k}");
        }
        assert_eq!(rel["history"][0]["changes"][0]["to"], "released");
        assert_eq!(
            rel["rollback"],
            json!({"trigger": "", "plan": "", "owner": ""})
        );
        let rb = &v["runbooks"][0];
        assert_eq!(rb["slug"], "repayment-batch");
        assert_eq!(rb["path"], "content/runbooks/repayment-batch.md");
    }

    #[test]
    fn json_without_git() {
        let (config, ledger) = (config(Language::En), ledger());
        let history = History::default();
        let out = ledger_json(&ExportInput {
            config: &config,
            ledger: &ledger,
            history: &history,
            generated_at: None,
            base_url: "/",
        })
        .unwrap();
        let v: Value = serde_json::from_slice(&out.bytes).unwrap();
        assert_eq!(v["generated_at"], Value::Null);
        assert_eq!(v["entries"][0]["history"], json!([]));
        assert_eq!(v["releases"][0]["history"], json!([]));
    }
}
