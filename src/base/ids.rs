//! Rule E0602 (`IdTakenOnBase`) of `check --base`: an entry or requirement id added on this
//! branch must not also have been taken by a file added on REF since the merge base. Must not
//! judge anything but ids, nor read git (the ledgers come in [`Versions`]).

use super::Versions;
use crate::diag::{Code, Diagnostic};
use std::collections::{BTreeMap, HashSet};

/// Entries and requirements added here whose id a file added on REF since the merge base also
/// took (with another file name, so git merges both and the id ends up used twice).
pub(super) fn taken_ids(v: &Versions, out: &mut Vec<Diagnostic>) {
    let known: HashSet<u32> = v
        .merge_base
        .entries
        .iter()
        .map(|e| e.id)
        .chain(v.merge_base.broken.entries.iter().copied())
        .collect();
    let mut theirs: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for u in v.upstream.entries.iter().filter(|u| !known.contains(&u.id)) {
        theirs.entry(u.id).or_default().push(&u.doc.path);
    }
    let mut next = [v.merge_base, v.upstream, v.head]
        .iter()
        .flat_map(|l| l.entries.iter().map(|e| e.id))
        .max()
        .unwrap_or(0)
        + 1;
    for e in v.head.entries.iter().filter(|e| !known.contains(&e.id)) {
        for &other in theirs.get(&e.id).into_iter().flatten() {
            if other == e.doc.path {
                continue;
            }
            let slug = file_name(&e.doc.path).trim_start_matches(|c: char| c.is_ascii_digit());
            out.push(
                Diagnostic::new(
                    Code::IdTakenOnBase,
                    &e.doc.path,
                    e.doc.locs.of("id"),
                    format!(
                        "entry id {} is also taken by `{other}`, added on `{}` since this branch started",
                        e.id, v.base_ref
                    ),
                )
                .with_help(format!(
                    "take a free id such as {next}: rename the file to `{next:04}{slug}` and set `id: {next}` (`opsledger new entry` picks a free id)"
                )),
            );
            next += 1;
        }
    }
    let known: HashSet<&str> = v
        .merge_base
        .requirements
        .iter()
        .map(|r| r.id.as_str())
        .chain(v.merge_base.broken.requirements.iter().map(String::as_str))
        .collect();
    let mut theirs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for u in v
        .upstream
        .requirements
        .iter()
        .filter(|u| !known.contains(u.id.as_str()))
    {
        theirs.entry(&u.id).or_default().push(&u.doc.path);
    }
    let number = |id: &str| id.strip_prefix("REQ-").and_then(|n| n.parse::<u32>().ok());
    let mut next = [v.merge_base, v.upstream, v.head]
        .iter()
        .flat_map(|l| l.requirements.iter().filter_map(|r| number(&r.id)))
        .max()
        .unwrap_or(0)
        + 1;
    for r in v
        .head
        .requirements
        .iter()
        .filter(|r| !known.contains(r.id.as_str()))
    {
        for &other in theirs.get(r.id.as_str()).into_iter().flatten() {
            if other == r.doc.path {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::IdTakenOnBase,
                    &r.doc.path,
                    r.doc.locs.of("id"),
                    format!(
                        "requirement id {} is also taken by `{other}`, added on `{}` since this branch started",
                        r.id, v.base_ref
                    ),
                )
                .with_help(format!(
                    "take a free id such as REQ-{next:04}: rename the file and set `id: REQ-{next:04}` (`opsledger new requirement` picks a free id)"
                )),
            );
            next += 1;
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
