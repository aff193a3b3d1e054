use super::*;

fn file(p: &str, s: &str) -> OutputFile {
    OutputFile {
        path: p.into(),
        bytes: s.as_bytes().to_vec(),
    }
}

/// Writes `files` as the whole new content of `out`, as a build does.
fn write_atomic(out: &Path, files: &[OutputFile]) -> Result<()> {
    let staging = Staging::new(out, None)?;
    for f in files {
        staging.write_page(&f.path, &f.bytes, None)?;
    }
    staging.commit()
}

#[test]
fn replaces_the_output_in_one_swap() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    write_atomic(
        &out,
        &[file("index.html", "one"), file("a/b/index.html", "x")],
    )
    .unwrap();
    write_atomic(&out, &[file("index.html", "two")]).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "two"
    );
    assert!(!out.join("a").exists(), "old files are gone");
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn a_leftover_of_a_killed_build_does_not_block_the_swap() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    write_atomic(&out, &[file("index.html", "one")]).unwrap();
    let leftover = t
        .path()
        .join(format!(".public.old-{}-0", std::process::id()));
    std::fs::write(&leftover, "not a folder").unwrap();
    write_atomic(&out, &[file("index.html", "two")]).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "two"
    );
    assert_eq!(std::fs::read_to_string(&leftover).unwrap(), "not a folder");
}

#[test]
fn an_output_that_is_a_file_is_refused_and_kept() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("notes.txt");
    std::fs::write(&out, "mine").unwrap();
    let err = write_atomic(&out, &[file("index.html", "x")]).unwrap_err();
    assert!(err.to_string().contains("is not a folder"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
}

fn staging(out: &Path, record: &Path, pages: &[(&str, &str, u128)]) -> Result<()> {
    let s = Staging::new(out, Some(record))?;
    for (path, text, fp) in pages {
        if !s.fresh(path, *fp) {
            s.write_page(path, text.as_bytes(), Some(*fp))?;
        }
    }
    s.commit()
}

#[test]
fn a_page_is_fresh_only_with_its_fingerprint_and_an_untouched_file() {
    let t = tempfile::tempdir().unwrap();
    let (out, record) = (t.path().join("public"), t.path().join("cache"));
    staging(
        &out,
        &record,
        &[("a/index.html", "one", 1), ("b.html", "two", 2)],
    )
    .unwrap();
    let s = Staging::new(&out, Some(&record)).unwrap();
    assert!(s.fresh("a/index.html", 1));
    assert!(!s.fresh("b.html", 3), "another fingerprint");
    assert!(!s.fresh("c.html", 1), "never written");
    drop(s);
    // Edited by hand (same size): not fresh, so it is made again.
    std::fs::write(out.join("a/index.html"), "ONE").unwrap();
    staging(
        &out,
        &record,
        &[("a/index.html", "one", 1), ("b.html", "two", 2)],
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("a/index.html")).unwrap(),
        "one"
    );
    // Without a record nothing is fresh.
    assert!(!Staging::new(&out, None).unwrap().fresh("b.html", 2));
}

#[test]
fn a_file_can_become_a_folder_and_a_folder_a_file() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    write_atomic(&out, &[file("a", "file"), file("b/index.html", "x")]).unwrap();
    write_atomic(
        &out,
        &[
            file("a/index.html", "now a folder"),
            file("b", "now a file"),
        ],
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("a/index.html")).unwrap(),
        "now a folder"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("b")).unwrap(),
        "now a file"
    );
}

#[test]
fn an_unfinished_build_leaves_the_output_as_it_was() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    write_atomic(&out, &[file("index.html", "one"), file("a/b.html", "x")]).unwrap();
    let s = Staging::new(&out, None).unwrap();
    s.write_page("index.html", b"two", None).unwrap();
    s.write_page("new.html", b"new", None).unwrap();
    drop(s);
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "one"
    );
    assert!(out.join("a/b.html").is_file() && !out.join("new.html").exists());
    assert_eq!(
        std::fs::read_dir(t.path()).unwrap().count(),
        1,
        "no temporary folder left"
    );
}

#[cfg(unix)]
#[test]
fn unchanged_files_are_kept_and_changed_ones_written() {
    use std::os::unix::fs::MetadataExt;
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    write_atomic(&out, &[file("a/index.html", "same"), file("b.html", "old")]).unwrap();
    let inode = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
    let (a, b) = (inode("a/index.html"), inode("b.html"));
    write_atomic(&out, &[file("a/index.html", "same"), file("b.html", "new")]).unwrap();
    assert_eq!(
        inode("a/index.html"),
        a,
        "the unchanged file is the same file"
    );
    assert_ne!(inode("b.html"), b);
    assert_eq!(std::fs::read_to_string(out.join("b.html")).unwrap(), "new");
    // Same size, other bytes: written.
    write_atomic(&out, &[file("a/index.html", "SAME")]).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("a/index.html")).unwrap(),
        "SAME"
    );
}

#[cfg(unix)]
#[test]
fn a_link_in_the_previous_site_leading_out_of_it_is_not_followed() {
    use std::os::unix::fs::MetadataExt;
    let t = tempfile::tempdir().unwrap();
    let outside = t.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("index.html"), "same").unwrap();
    let out = t.path().join("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(MARKER), "").unwrap();
    std::os::unix::fs::symlink(&outside, out.join("a")).unwrap();
    write_atomic(&out, &[file("a/index.html", "same")]).unwrap();
    let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
    assert_ne!(
        ino(&out.join("a/index.html")),
        ino(&outside.join("index.html"))
    );
    assert!(
        outside.join("index.html").is_file(),
        "the outside file is untouched"
    );
}

#[test]
fn a_bad_path_fails_and_leaves_the_old_output() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    write_atomic(&out, &[file("index.html", "one")]).unwrap();
    assert!(write_atomic(&out, &[file("../evil", "x")]).is_err());
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "one"
    );
    assert!(!t.path().join("evil").exists());
}

/// Every file under `dir` with its text, by relative path.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.into_owned(), std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_folder_of_other_files_is_refused_and_left_as_it_was() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("docs");
    std::fs::create_dir_all(out.join("notes")).unwrap();
    std::fs::write(out.join("notes/plan.txt"), "mine").unwrap();
    std::fs::write(out.join("index.html"), "mine too").unwrap();
    let before = files(&out);
    let err = write_atomic(&out, &[file("index.html", "site")]).unwrap_err();
    assert!(
        err.to_string().contains("did not write") && err.to_string().contains("`index.html`"),
        "{err}"
    );
    assert_eq!(files(&out), before);
    assert_eq!(
        std::fs::read_dir(t.path()).unwrap().count(),
        1,
        "nothing made beside it"
    );
    // Empty, it is taken; then it is a site, rebuilt like any other.
    let empty = t.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    write_atomic(&empty, &[file("index.html", "one")]).unwrap();
    assert!(empty.join(MARKER).is_file());
    write_atomic(&empty, &[file("index.html", "two")]).unwrap();
    assert_eq!(files(&empty)[1], ("index.html".into(), "two".into()));
}

/// The old site, and a new one that changes, adds, removes and turns a file into a folder.
fn old_and_new() -> (Vec<OutputFile>, Vec<OutputFile>) {
    let old = [
        "index.html",
        "a.html",
        "gone.html",
        "b",
        "c/index.html",
        "d/e/f.html",
    ]
    .map(|p| file(p, &format!("old {p}")));
    let new = [
        "index.html",
        "a.html",
        "b/index.html",
        "c",
        "d/e/f.html",
        "n/new.html",
    ]
    .map(|p| file(p, &format!("new {p}")));
    (old.to_vec(), new.to_vec())
}

#[test]
fn a_build_stopped_among_its_moves_is_finished_by_the_next_one() {
    let (old, new) = old_and_new();
    for stop_after in 1..=new.len() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("public");
        write_atomic(&out, &old).unwrap();
        let s = Staging::new(&out, None).unwrap();
        for f in &new {
            s.write_page(&f.path, &f.bytes, None).unwrap();
        }
        s.commit_until(&mut |moved| moved < stop_after).unwrap();
        let mixed = files(&out);
        // The next build (here it fails before its commit) first completes the killed one.
        drop(Staging::new(&out, None).unwrap());
        let mut want: Vec<(String, String)> = new
            .iter()
            .map(|f| (f.path.clone(), String::from_utf8(f.bytes.clone()).unwrap()))
            .collect();
        want.push((MARKER.into(), MARKER_TEXT.into()));
        want.sort();
        assert_eq!(
            files(&out),
            want,
            "stopped after {stop_after}; was {mixed:?}"
        );
        assert_eq!(
            std::fs::read_dir(t.path()).unwrap().count(),
            1,
            "no leftover"
        );
    }
}

#[test]
fn a_leftover_without_a_journal_is_removed_and_one_in_use_is_kept() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("public");
    write_atomic(&out, &[file("index.html", "one")]).unwrap();
    let killed = t.path().join(".public.tmp-999999-0");
    std::fs::create_dir_all(killed.join("site")).unwrap();
    std::fs::write(killed.join("site/index.html"), "half").unwrap();
    let running = Staging::new(&out, None).unwrap();
    running.write_page("index.html", b"two", None).unwrap();
    write_atomic(&out, &[file("index.html", "three")]).unwrap();
    assert!(!killed.exists(), "the killed build's folder is removed");
    assert!(running.tmp.exists(), "the running build's folder is kept");
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "three"
    );
    running.commit().unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "two"
    );
    assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
}
