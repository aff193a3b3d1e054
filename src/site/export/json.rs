//! `ledger.json`: the versioned contract for other tools (schema documented on the `export`
//! module): every document's front matter, path, body and git history. Must not change a key's
//! meaning without raising `SCHEMA_VERSION`, nor touch the other exports.

use super::{ExportInput, OutputFile, SCHEMA_VERSION, entries_by_id};
use crate::history::{History, Step, Timeline};
use crate::model::{Release, Requirement, Runbook};
use serde::Serialize;
use serde_json::Value;
#[cfg(test)]
use serde_json::json;

/// `ledger.json`, the versioned contract described in the [module documentation](super).
pub fn ledger_json(input: &ExportInput) -> crate::Result<OutputFile> {
    let mut bytes = Vec::new();
    write_ledger_json(input, &mut bytes)?;
    Ok(OutputFile {
        path: "ledger.json".into(),
        bytes,
    })
}

/// Writes `ledger.json` to `w` as it is serialised (no JSON tree nor whole file in memory: at
/// 10,000 entries with their history the file is over 100 MB).
pub fn write_ledger_json(input: &ExportInput, w: &mut dyn std::io::Write) -> crate::Result<()> {
    let l = input.ledger;
    let h = input.history;

    let mut requirements: Vec<&Requirement> = l.requirements.iter().collect();
    requirements.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    let mut releases: Vec<&Release> = l.releases.iter().collect();
    releases.sort_by(|a, b| (&a.id, &a.doc.path).cmp(&(&b.id, &b.doc.path)));
    let mut runbooks: Vec<&Runbook> = l.runbooks.iter().collect();
    runbooks.sort_by(|a, b| (&a.slug, &a.doc.path).cmp(&(&b.slug, &b.doc.path)));
    // "Today" for stuck entries is the generation date, as on the site.
    let today = input
        .generated_at
        .and_then(|t| crate::site::views::local_date(input.config, t));

    let root = Root {
        schema_version: SCHEMA_VERSION,
        generated_at: input.generated_at,
        history_partial: h.partial,
        title: &input.config.title,
        entries: items(entries_by_id(l), |e| (&e.doc.path, &e.body), h),
        requirements: items(requirements, |r| (&r.doc.path, &r.body), h),
        releases: items(releases, |r| (&r.doc.path, &r.body), h),
        runbooks: items(runbooks, |r| (&r.doc.path, &r.body), h),
        metrics: crate::metrics::compute(l, h, input.config, today),
    };
    serde_json::to_writer(&mut *w, &root)?;
    w.write_all(b"\n")
        .map_err(|e| crate::Error::io("ledger.json", e))
}

/// The documents with their path, body and history.
fn items<'a, T: Serialize>(
    docs: Vec<&'a T>,
    doc: impl Fn(&'a T) -> (&'a String, &'a String),
    history: &'a History,
) -> Vec<Item<'a, T>> {
    docs.into_iter()
        .map(|d| {
            let (path, body) = doc(d);
            Item {
                doc: d,
                path,
                body,
                history: Steps(history.of(path)),
            }
        })
        .collect()
}

/// The top-level object, keys in the documented order.
#[derive(Serialize)]
struct Root<'a, E: Serialize, Q: Serialize, R: Serialize, B: Serialize> {
    schema_version: u32,
    generated_at: Option<&'a str>,
    /// True when the history is that of a shallow clone (`--allow-shallow`): incomplete.
    history_partial: bool,
    title: &'a str,
    entries: Vec<Item<'a, E>>,
    requirements: Vec<Item<'a, Q>>,
    releases: Vec<Item<'a, R>>,
    runbooks: Vec<Item<'a, B>>,
    metrics: crate::metrics::Metrics,
}

/// A document: its front matter, then `path`, `body`, `history`.
#[derive(Serialize)]
struct Item<'a, T: Serialize> {
    #[serde(flatten)]
    doc: &'a T,
    path: &'a str,
    body: &'a str,
    history: Steps<'a>,
}

/// The steps of a timeline with exactly the documented keys; `[]` without one.
struct Steps<'a>(Option<&'a Timeline>);

impl Serialize for Steps<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let steps = self.0.map_or(&[][..], |t| t.steps.as_slice());
        s.collect_seq(steps.iter().map(StepJson))
    }
}

struct StepJson<'a>(&'a Step);

impl Serialize for StepJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let st = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("commit", &st.commit)?;
        m.serialize_entry("author", &st.author)?;
        m.serialize_entry("email", &st.email)?;
        m.serialize_entry("time", &st.time)?;
        m.serialize_entry("message", &st.message)?;
        m.serialize_entry("landed_commit", &st.landed_commit)?;
        m.serialize_entry("landed_time", &st.landed_time)?;
        m.serialize_entry("changes", &Changes(&st.changes))?;
        m.serialize_entry("body_changed", &st.body_changed)?;
        m.serialize_entry("path", &st.path)?;
        if st.working_tree {
            m.serialize_entry("working_tree", &true)?;
        }
        m.end()
    }
}

/// A field change with exactly the documented keys.
#[derive(Serialize)]
struct ChangeJson<'a> {
    field: &'a str,
    from: &'a Value,
    to: &'a Value,
}

struct Changes<'a>(&'a [crate::history::FieldChange]);

impl Serialize for Changes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| ChangeJson {
            field: &c.field,
            from: &c.from,
            to: &c.to,
        }))
    }
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
                "history_partial",
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
