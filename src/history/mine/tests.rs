use super::*;
use crate::git::Commit;

fn c(id: &str, parents: &[&str]) -> CommitChanges {
    CommitChanges {
        commit: Commit {
            id: id.into(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
            author: String::new(),
            email: String::new(),
            time: 0,
            offset_minutes: 0,
            commit_time: 0,
            commit_offset_minutes: 0,
            message: String::new(),
            problem: None,
        },
        changes: Vec::new(),
    }
}

#[test]
fn side_branch_commits_land_with_their_merge() {
    // a ← b ← m (merge of b and x), x ← y on a branch from a; m ← n.
    let stream = vec![
        c("a", &[]),
        c("x", &["a"]),
        c("b", &["a"]),
        c("y", &["x"]),
        c("m", &["b", "y"]),
        c("n", &["m"]),
    ];
    let landed = landing(&stream);
    let names: Vec<&str> = landed
        .iter()
        .map(|&i| stream[i].commit.id.as_str())
        .collect();
    assert_eq!(names, ["a", "m", "b", "m", "m", "n"]);
}

#[test]
fn a_version_that_does_not_parse_keeps_its_step_with_a_note() {
    let mut step = Step {
        commit: "c".into(),
        author: String::new(),
        email: String::new(),
        time: String::new(),
        message: String::new(),
        landed_commit: String::new(),
        landed_time: String::new(),
        changes: vec![],
        body_changed: false,
        path: "content/entries/0001-a.md".into(),
        kind: ChangeKind::Modified,
        note: None,
        working_tree: false,
    };
    apply(
        &mut step,
        None,
        version("content/entries/0001-a.md", b"---\nid: [\n---\n").as_ref(),
    );
    assert!(step.note.is_some() && step.changes.is_empty());
}
