//! A document version as a flat map of dotted field paths to JSON values, and the field-level
//! difference of two versions. Pure.

use super::FieldChange;
use serde_json::Value;
use std::collections::BTreeMap;

/// A parsed version: `status` → `"sit"`, `tests.sit.result` → `"pass"`, lists kept whole.
pub type Fields = BTreeMap<String, Value>;

/// Flattens a serialised document: maps become dotted keys, lists stay values.
pub fn flatten(value: &Value) -> Fields {
    let mut out = Fields::new();
    walk("", value, &mut out);
    out
}

fn walk(prefix: &str, v: &Value, out: &mut Fields) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                walk(&key, v, out);
            }
        }
        _ => {
            out.insert(prefix.to_owned(), v.clone());
        }
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    }
}

/// The fields that differ between `old` (none: a new file) and `new`, in key order. An empty
/// value and an absent one are the same; a new file lists its non-empty fields.
pub fn diff(old: Option<&Fields>, new: &Fields) -> Vec<FieldChange> {
    let empty = Fields::new();
    let old = old.unwrap_or(&empty);
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (
                old.get(k).unwrap_or(&Value::Null),
                new.get(k).unwrap_or(&Value::Null),
            );
            let same = a == b || (is_empty(a) && is_empty(b));
            (!same).then(|| FieldChange {
                field: k.clone(),
                from: a.clone(),
                to: b.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattens_nested_maps_and_diffs_values() {
        let a = flatten(
            &json!({"status": "sit", "tests": {"sit": {"result": "pending"}}, "sql_scripts": []}),
        );
        let b = flatten(
            &json!({"status": "uat", "tests": {"sit": {"result": "pass"}}, "sql_scripts": null}),
        );
        let d = diff(Some(&a), &b);
        let got: Vec<_> = d
            .iter()
            .map(|c| (c.field.as_str(), c.from.clone(), c.to.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("status", json!("sit"), json!("uat")),
                ("tests.sit.result", json!("pending"), json!("pass"))
            ]
        );
    }

    #[test]
    fn a_new_file_lists_its_non_empty_fields() {
        let b = flatten(&json!({"id": 1, "title": "", "status": "registered"}));
        let fields: Vec<_> = diff(None, &b).into_iter().map(|c| c.field).collect();
        assert_eq!(fields, ["id", "status"]);
    }
}
