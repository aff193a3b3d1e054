//! Sets one front-matter field in a document's text, line by line, keeping every other byte:
//! a top-level key (`status`), a test environment's whole value (`tests.sit`) or its result
//! (`tests.sit.result`). The demo derives a file's earlier versions from its final text this
//! way, so nothing is re-serialised.

/// `text` with `key` set to `value` (written as is, YAML), or `None` when the document has
/// no front matter or no such key. A top-level value that continues on indented lines (or on
/// `- ` items) is replaced as a whole.
pub fn set_field(text: &str, key: &str, value: &str) -> Option<String> {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return None;
    }
    let end = 1 + lines[1..].iter().position(|l| l.trim_end() == "---")?;
    let replaced: String;
    match key.split('.').collect::<Vec<_>>()[..] {
        [top] => {
            let at = (1..end).find(|&i| top_key(lines[i]) == Some(top))?;
            let mut stop = at + 1;
            while stop < end && continues(lines[stop]) {
                stop += 1;
            }
            replaced = format!("{top}: {value}{}", eol(lines[stop - 1]));
            lines.splice(at..stop, [replaced.as_str()]);
        }
        ["tests", env, ref rest @ ..] if rest.is_empty() || rest == ["result"] => {
            let tests = (1..end).find(|&i| top_key(lines[i]) == Some("tests"))?;
            let at = (tests + 1..end)
                .take_while(|&i| continues(lines[i]))
                .find(|&i| {
                    lines[i]
                        .trim_start()
                        .strip_prefix(env)
                        .is_some_and(|r| r.starts_with(':'))
                })?;
            let line = lines[at];
            let indent = &line[..line.len() - line.trim_start().len()];
            let current = line.trim_start()[env.len() + 1..].trim();
            let new_value = if rest.is_empty() {
                value.to_owned()
            } else {
                set_result(current, value)?
            };
            replaced = format!("{indent}{env}: {new_value}{}", eol(line));
            lines[at] = replaced.as_str();
        }
        _ => return None,
    }
    Some(lines.concat())
}

/// The key of a top-level `key: value` line.
fn top_key(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t', '-', '#']) {
        return None;
    }
    let (k, _) = line.split_once(':')?;
    Some(k.trim_end())
}

/// True for a line that belongs to the value of the key above it.
fn continues(line: &str) -> bool {
    line.starts_with([' ', '\t']) || line.starts_with("- ") || line.trim_end() == "-"
}

fn eol(line: &str) -> &str {
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

/// `{result: X, ...}` with X replaced by `value`.
fn set_result(flow: &str, value: &str) -> Option<String> {
    let inner = flow.strip_prefix('{')?.strip_suffix('}')?;
    let mut found = false;
    let parts: Vec<String> = inner
        .split(',')
        .map(|p| match p.trim().strip_prefix("result:") {
            Some(_) => {
                found = true;
                let lead = &p[..p.len() - p.trim_start().len()];
                format!("{lead}result: {value}")
            }
            None => p.to_owned(),
        })
        .collect();
    found.then(|| format!("{{{}}}", parts.join(",")))
}

#[cfg(test)]
mod tests {
    use super::set_field;

    const DOC: &str = "---\nid: 7\nstatus: sit\ngoals:\n  - one\n  - two\nrelease: 2019-03-07\ntests:\n  sit: {result: pass, date: 2019-03-05, by: 陈晨}\n  uat: {result: pending}\nowner: x\n---\n\nstatus: body is not touched\n";

    #[test]
    fn sets_a_top_level_key_and_keeps_the_rest() {
        let out = set_field(DOC, "status", "developing").unwrap();
        assert_eq!(out, DOC.replacen("status: sit", "status: developing", 1));
        let out = set_field(DOC, "release", "null").unwrap();
        assert_eq!(out, DOC.replace("release: 2019-03-07", "release: null"));
    }

    #[test]
    fn replaces_a_multi_line_value_whole() {
        let out = set_field(DOC, "goals", "[]").unwrap();
        assert_eq!(
            out,
            DOC.replace("goals:\n  - one\n  - two\n", "goals: []\n")
        );
    }

    #[test]
    fn sets_a_test_result_or_a_whole_environment() {
        let out = set_field(DOC, "tests.sit.result", "fail").unwrap();
        assert_eq!(out, DOC.replace("{result: pass,", "{result: fail,"));
        let out = set_field(DOC, "tests.uat.result", "pass").unwrap();
        assert_eq!(
            out,
            DOC.replace("uat: {result: pending}", "uat: {result: pass}")
        );
        let out = set_field(DOC, "tests.sit", "{result: pending}").unwrap();
        assert!(out.contains("  sit: {result: pending}\n  uat: {result: pending}\nowner: x\n"));
    }

    #[test]
    fn unknown_keys_and_missing_front_matter_give_none() {
        assert_eq!(set_field(DOC, "titel", "x"), None);
        assert_eq!(set_field(DOC, "tests.preprod", "x"), None);
        assert_eq!(set_field(DOC, "owner.x", "x"), None);
        assert_eq!(set_field("no front matter\n", "status", "x"), None);
        // only the front matter is searched, not the body
        assert_eq!(
            set_field("---\nid: 1\n---\nstatus: x\n", "status", "y"),
            None
        );
    }

    #[test]
    fn setting_back_restores_the_bytes() {
        let crlf = DOC.replace('\n', "\r\n");
        let there = set_field(&crlf, "status", "uat").unwrap();
        assert!(there.contains("status: uat\r\n"));
        assert_eq!(set_field(&there, "status", "sit").unwrap(), crlf);
    }
}
