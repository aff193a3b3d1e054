use super::*;
use crate::history::facts::status_step;

fn file(path: &str, steps: Vec<Step>) -> FileState {
    FileState {
        timeline: Timeline {
            path: path.into(),
            deleted: false,
            steps,
        },
        broken: BTreeMap::new(),
    }
}

fn state() -> State {
    State {
        head: Some("c2019-03-08T10:00:00+08:00".into()),
        by_path: [("content/entries/0020-a.md".to_owned(), 0)].into(),
        files: vec![file(
            "content/entries/0020-a.md",
            vec![
                status_step("2019-03-01T10:00:00+08:00", None, "developing"),
                status_step("2019-03-08T10:00:00+08:00", Some("developing"), "submitted"),
            ],
        )],
        // Kept by the cache, so a warm run warns as a cold one.
        odd: [(
            "c2019-03-08T10:00:00+08:00".to_owned(),
            super::OddCommit {
                path: "content/entries/0020-a.md".into(),
                problem: "the author has no <e-mail>".into(),
            },
        )]
        .into(),
        since_base: None,
    }
}

/// What a state read back must equal (the bookkeeping of the tail aside).
fn content(s: &State) -> (&Option<String>, &BTreeMap<String, usize>, &Vec<FileState>) {
    (&s.head, &s.by_path, &s.files)
}

#[test]
fn the_checksum_does_not_depend_on_how_the_bytes_are_split() {
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
    let whole = Checksum::of(&bytes);
    for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
        let mut c = Checksum::default();
        c.update(&bytes[..cut]);
        c.update(&bytes[cut..]);
        assert_eq!(c.finish(), whole, "cut at {cut}");
    }
    let mut edited = bytes.clone();
    edited[517] ^= 1;
    assert_ne!(Checksum::of(&edited), whole);
    assert_ne!(Checksum::of(&bytes[..999]), whole);
    assert_ne!(Checksum::of(b""), Checksum::of(b"\0"));
}

#[test]
fn a_written_cache_reads_back_and_an_edited_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    save(Some(dir.path()), &state()).unwrap();
    let back = read(dir.path(), &mut Vec::new()).expect("reads back");
    assert_eq!(content(&back), content(&state()));

    let path = dir.path().join(FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(&format!("{FORMAT} ")), "{text}");
    // Still valid JSON, but not what was written.
    std::fs::write(&path, text.replacen("\"submitted\"", "\"released\"", 1)).unwrap();
    assert!(read(dir.path(), &mut Vec::new()).is_none());
    std::fs::write(&path, &text[..text.len() - 1]).unwrap();
    assert!(read(dir.path(), &mut Vec::new()).is_none(), "a torn write");
}

#[test]
fn a_cache_pointing_out_of_range_is_refused() {
    let state = state();
    let mut bad = to_cache(&state).unwrap();
    bad.by_path.insert("content/entries/0021-b.md".into(), 5);
    let bad = serde_json::from_slice(&serde_json::to_vec(&bad).unwrap()).unwrap();
    assert!(from_cache(bad).is_none());
    let mut bad = to_cache(&state).unwrap();
    bad.files[0].steps[0].c = 99;
    let bad = serde_json::from_slice(&serde_json::to_vec(&bad).unwrap()).unwrap();
    assert!(from_cache(bad).is_none());
    let good = serde_json::to_vec(&to_cache(&state).unwrap()).unwrap();
    assert!(from_cache(serde_json::from_slice(&good).unwrap()).is_some());
}

/// The state read from `dir`, then moved on as `extend` would: #20 renamed with a new step,
/// #21 added.
fn moved_on(dir: &Path) -> State {
    let mut s = read(dir, &mut Vec::new()).expect("the base");
    let since = s.since_base.as_mut().expect("read from a base");
    let renamed = "content/entries/0020-b.md";
    s.by_path.remove("content/entries/0020-a.md");
    s.by_path.insert(renamed.into(), 0);
    s.by_path.insert("content/entries/0021-c.md".into(), 1);
    since.dropped.insert("content/entries/0020-a.md".into());
    since.files.extend([0, 1]);
    let mut step = status_step("2019-03-11T10:00:00+08:00", Some("submitted"), "sit");
    step.path = renamed.into();
    s.files[0].timeline.steps.push(step);
    s.files[0].timeline.path = renamed.into();
    s.files.push(file(
        "content/entries/0021-c.md",
        vec![status_step("2019-03-11T10:00:00+08:00", None, "registered")],
    ));
    s.head = Some("c2019-03-11T10:00:00+08:00".into());
    s
}

#[test]
fn a_few_changes_are_written_as_a_tail_that_reads_back_onto_its_base() {
    let dir = tempfile::tempdir().unwrap();
    save(Some(dir.path()), &state()).unwrap();
    let base = std::fs::read(dir.path().join(FILE)).unwrap();
    let moved = moved_on(dir.path());
    save(Some(dir.path()), &moved).unwrap();
    assert_eq!(
        std::fs::read(dir.path().join(FILE)).unwrap(),
        base,
        "the base is not written again"
    );
    assert!(dir.path().join(TAIL).is_file());
    let back = read(dir.path(), &mut Vec::new()).expect("base and tail");
    assert_eq!(content(&back), content(&moved));
    assert_eq!(
        back.since_base, moved.since_base,
        "the next tail holds both"
    );

    // A tail for another base (the base was written again since) is not applied.
    save(Some(dir.path()), &state()).unwrap();
    assert!(
        !dir.path().join(TAIL).exists(),
        "a full write drops the tail"
    );
    let mut other = moved_on(dir.path());
    other.since_base.as_mut().unwrap().base = "another".into();
    save(Some(dir.path()), &other).unwrap();
    assert_eq!(
        content(&read(dir.path(), &mut Vec::new()).unwrap()),
        content(&state())
    );
}

#[test]
fn a_tail_that_does_not_hold_together_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    save(Some(dir.path()), &state()).unwrap();
    let moved = moved_on(dir.path());
    let since = moved.since_base.clone().unwrap();
    let mut tail = to_tail(&moved, &since).unwrap();
    // A new file with a gap before it.
    let f = tail.files.remove(&1).unwrap();
    tail.files.insert(3, f);
    write(dir.path(), TAIL, &tail).unwrap();
    assert_eq!(
        content(&read(dir.path(), &mut Vec::new()).unwrap()),
        content(&state())
    );
}

#[test]
fn many_changes_rewrite_the_base() {
    assert!(tail_is_small(1, 3));
    assert!(tail_is_small(64, 100));
    assert!(tail_is_small(625, 10_000));
    assert!(!tail_is_small(626, 10_000));
}

#[test]
fn a_folder_where_the_cache_file_goes_is_a_warning_and_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(FILE).join("stray")).unwrap();
    let mut warnings = Vec::new();
    assert!(read(dir.path(), &mut warnings).is_none());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("is not a file"), "{warnings:?}");
    save(Some(dir.path()), &state()).unwrap();
    let mut warnings = Vec::new();
    let back = read(dir.path(), &mut warnings).expect("rewritten");
    assert_eq!(content(&back), content(&state()));
    assert!(warnings.is_empty(), "{warnings:?}");
    // A cache of another version is no warning: it is expected after an upgrade.
    let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
    std::fs::write(
        dir.path().join(FILE),
        text.replacen(FORMAT, "0.0.1/history-1", 1),
    )
    .unwrap();
    assert!(read(dir.path(), &mut warnings).is_none() && warnings.is_empty());
}
