//! Where each commit landed: the commit on HEAD's first-parent line that brought it in.

use crate::git::CommitChanges;
use std::collections::HashMap;

/// For each commit (by index in `stream`), the index of the commit on HEAD's first-parent
/// line that brought it in.
pub fn landing(stream: &[CommitChanges]) -> Vec<usize> {
    let index: HashMap<&str, usize> = stream
        .iter()
        .enumerate()
        .map(|(i, c)| (c.commit.id.as_str(), i))
        .collect();
    let mut line = Vec::new();
    let mut at = stream.len().checked_sub(1);
    while let Some(i) = at {
        line.push(i);
        at = stream[i]
            .commit
            .parents
            .first()
            .and_then(|p| index.get(p.as_str()).copied());
    }
    let mut landed = vec![usize::MAX; stream.len()];
    for &l in line.iter().rev() {
        landed[l] = l;
        let mut todo: Vec<usize> = stream[l]
            .commit
            .parents
            .iter()
            .skip(1)
            .filter_map(|p| index.get(p.as_str()).copied())
            .collect();
        while let Some(c) = todo.pop() {
            if landed[c] == usize::MAX {
                landed[c] = l;
                todo.extend(
                    stream[c]
                        .commit
                        .parents
                        .iter()
                        .filter_map(|p| index.get(p.as_str()).copied()),
                );
            }
        }
    }
    // Commits not reachable through the line (cannot happen for a walk from HEAD) land as themselves.
    for (i, l) in landed.iter_mut().enumerate() {
        if *l == usize::MAX {
            *l = i;
        }
    }
    landed
}
