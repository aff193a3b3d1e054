//! Commit objects read from their raw bytes, leniently as `git log` reads them, where libgit2
//! refuses the whole commit: an author or committer without `<e-mail>`, a timestamp that does
//! not fit, a time zone out of range. What cannot be read as written is said in
//! [`Ident::problem`] (the walkers turn it into a warning naming the commit) and shown as git
//! shows it. Pure: bytes in, owned values out.

/// An author or committer line: `name <email> seconds ±hhmm`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ident {
    pub name: String,
    pub email: String,
    /// Seconds since the epoch; 0 when the time could not be read (as `git log` shows it).
    pub time: i64,
    /// Minutes east of UTC.
    pub offset_minutes: i32,
    /// What could not be read as written, if anything.
    pub problem: Option<String>,
}

/// The parts of a commit object the history needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawCommit {
    pub tree: String,
    pub parents: Vec<String>,
    pub author: Ident,
    pub committer: Ident,
    /// The message, trailing whitespace removed.
    pub message: String,
}

impl RawCommit {
    /// What could not be read of the commit as written (author and committer), if anything.
    pub fn problem(&self) -> Option<String> {
        problems(&self.author, &self.committer)
    }
}

/// The problems of an author and a committer, in one sentence.
pub fn problems(author: &Ident, committer: &Ident) -> Option<String> {
    let said: Vec<String> = [("author", author), ("committer", committer)]
        .iter()
        .filter_map(|(who, i)| Some(format!("the {who} {}", i.problem.as_deref()?)))
        .collect();
    (!said.is_empty()).then(|| said.join("; "))
}

/// Parses a commit object's bytes (without the `commit <size>\0` header). Header lines it does
/// not need (gpgsig, encoding, mergetag, their continuation lines) are skipped.
pub fn parse_commit(bytes: &[u8]) -> RawCommit {
    let (head, message) = match bytes.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&bytes[..i], &bytes[i + 2..]),
        None => (bytes, &[][..]),
    };
    let mut c = RawCommit {
        message: String::from_utf8_lossy(message).trim_end().to_owned(),
        ..Default::default()
    };
    let (mut author, mut committer) = (None, None);
    for line in head.split(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(line);
        let (key, value) = line.split_once(' ').unwrap_or((&line, ""));
        match key {
            "tree" => c.tree = value.to_owned(),
            "parent" => c.parents.push(value.to_owned()),
            // The first of repeated lines counts, as for git.
            "author" if author.is_none() => author = Some(parse_ident(value)),
            "committer" if committer.is_none() => committer = Some(parse_ident(value)),
            _ => {}
        }
    }
    let missing = || Ident {
        problem: Some("is missing".into()),
        ..Default::default()
    };
    c.author = author.unwrap_or_else(missing);
    c.committer = committer.unwrap_or_else(missing);
    c
}

/// Reads `name <email> seconds ±hhmm` as git does (the name before the first `<`, the e-mail up
/// to the `>` after it, the date after the last `>`), and where git gives up, as much as can be
/// read: without `<email>`, the name is what precedes the date.
pub fn parse_ident(line: &str) -> Ident {
    let mut id = Ident::default();
    let date = match line.find('<') {
        Some(lt) if line[lt..].contains('>') => {
            id.name = line[..lt].trim().to_owned();
            let rest = &line[lt + 1..];
            id.email = rest[..rest.find('>').unwrap_or(0)].trim().to_owned();
            &line[line.rfind('>').map_or(line.len(), |i| i + 1)..]
        }
        _ => {
            id.problem = Some("has no <e-mail>".into());
            let words: Vec<&str> = line.split_whitespace().collect();
            let is_date = |w: &str| {
                w.trim_start_matches(['-', '+'])
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            };
            let n = words
                .iter()
                .rev()
                .take(2)
                .take_while(|w| is_date(w))
                .count();
            id.name = words[..words.len() - n].join(" ");
            let date_start = words[words.len() - n..]
                .first()
                .map_or(line.len(), |w| line.rfind(w).unwrap_or(line.len()));
            &line[date_start.min(line.len())..]
        }
    };
    let mut parts = date.split_whitespace();
    let (secs, tz) = (parts.next(), parts.next());
    let (time, offset, problem) = read_time(secs, tz);
    id.time = time;
    id.offset_minutes = offset;
    if let Some(p) = problem {
        id.problem = Some(match id.problem {
            Some(before) => format!("{before} and {p}"),
            None => p,
        });
    }
    id
}

/// Seconds and minutes east of UTC from the date's two words; (0, 0) and a problem where they
/// cannot be read or shown (a time must be in the years 0000–9999 in its own offset).
pub fn read_time(secs: Option<&str>, tz: Option<&str>) -> (i64, i32, Option<String>) {
    let Some(s) = secs else {
        return (0, 0, Some("has no date".into()));
    };
    let offset = tz.and_then(parse_offset);
    let Some(offset) = offset else {
        return (
            0,
            0,
            Some(format!(
                "has a time zone `{}` that cannot be read",
                tz.unwrap_or("")
            )),
        );
    };
    match s.parse::<i64>() {
        Ok(t) if super::time::rfc3339(t, offset).is_some() => (t, offset, None),
        _ => (
            0,
            0,
            Some(format!(
                "has a date `{s}` out of range (shown as 1970-01-01, as git does)"
            )),
        ),
    }
}

/// `+0800` → 480, `-0130` → -90; `None` when it is not `±hhmm` with minutes below 60.
fn parse_offset(tz: &str) -> Option<i32> {
    let sign = match tz.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = &tz[1..];
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    (m < 60).then_some(sign * (h * 60 + m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_idents_read_as_git_reads_them() {
        let i = parse_ident("Lin Lin <lin@x.example> 1551405600 +0800");
        assert_eq!(
            (i.name.as_str(), i.email.as_str(), i.time, i.offset_minutes),
            ("Lin Lin", "lin@x.example", 1_551_405_600, 480)
        );
        assert_eq!(i.problem, None);
        let i = parse_ident("A <> 100 -0130");
        assert_eq!(
            (i.email.as_str(), i.offset_minutes, i.problem),
            ("", -90, None)
        );
    }

    #[test]
    fn an_ident_without_an_email_keeps_its_name_and_date() {
        let i = parse_ident("No Body 1551405600 +0800");
        assert_eq!((i.name.as_str(), i.email.as_str()), ("No Body", ""));
        assert_eq!((i.time, i.offset_minutes), (1_551_405_600, 480));
        assert!(i.problem.unwrap().contains("e-mail"));
        let i = parse_ident("Nobody");
        assert_eq!((i.name.as_str(), i.time), ("Nobody", 0));
        assert!(i.problem.unwrap().contains("no date"));
    }

    #[test]
    fn dates_out_of_range_are_the_epoch_with_a_problem() {
        let i = parse_ident("B <b@x> 99999999999999999999 +0000");
        assert_eq!((i.time, i.offset_minutes), (0, 0));
        assert!(i.problem.unwrap().contains("99999999999999999999"));
        let i = parse_ident("B <b@x> -2208988800 +0000");
        assert_eq!((i.time, i.problem), (-2_208_988_800, None));
        let i = parse_ident("B <b@x> 100 +08");
        assert!(i.problem.unwrap().contains("time zone"));
    }

    #[test]
    fn commits_skip_the_headers_they_do_not_need() {
        let raw = b"tree t\nparent p1\nparent p2\nauthor A <a@x> 1 +0000\ncommitter C 2 +0100\ngpgsig -----BEGIN\n -----END\n\nsubject\n\nbody\n\n";
        let c = parse_commit(raw);
        assert_eq!((c.tree.as_str(), c.parents.len()), ("t", 2));
        assert_eq!(c.author.name, "A");
        assert_eq!(
            (c.committer.name.as_str(), c.committer.offset_minutes),
            ("C", 60)
        );
        assert_eq!(c.message, "subject\n\nbody");
        assert!(
            c.problem()
                .unwrap()
                .starts_with("the committer has no <e-mail>")
        );
    }
}
