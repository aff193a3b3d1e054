//! Diagnostics: problems found in the user's content, each with a stable code, a location and
//! a hint. Pure data; rendering lives in [`crate::report`].

use serde::Serialize;

/// How bad a diagnostic is. Errors fail `check`; warnings only with `--deny-warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A 1-based line and column (in characters) counted from the top of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
    /// The top of a file, for problems that concern the file as a whole.
    pub const START: Pos = Pos { line: 1, col: 1 };
}

macro_rules! codes {
    ($($name:ident = $code:literal, $sev:ident, $title:literal;)*) => {
        /// Every diagnostic code opsledger emits. Codes are stable: tools may match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($name,)* }

        impl Code {
            /// All codes, in order; each has a fixture under `tests/fixtures/codes/`.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The stable identifier, e.g. `E0103`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code,)* }
            }

            /// The severity this code is always reported with.
            pub fn severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev,)* }
            }

            /// One line saying what the code means.
            pub fn title(self) -> &'static str {
                match self { $(Code::$name => $title,)* }
            }
        }
    };
}

codes! {
    Unreadable = "E0001", Error, "the file cannot be read";
    InvalidUtf8 = "E0002", Error, "the file is not valid UTF-8";
    BinaryFile = "E0003", Error, "the file is binary";
    FileTooLarge = "E0004", Error, "the file is larger than the size limit";
    Symlink = "E0005", Error, "a symbolic link in content is not followed";
    BadFileName = "E0006", Error, "the file name does not follow the naming rule";
    StrayFile = "W0007", Warning, "a file outside the known content folders is ignored";
    NoFrontMatter = "E0101", Error, "the front matter is missing or not closed";
    YamlSyntax = "E0102", Error, "the front matter is not valid YAML of the expected shape";
    UnknownKey = "E0103", Error, "unknown key";
    MissingKey = "E0104", Error, "a required key is missing or empty";
    InvalidValue = "E0105", Error, "the value is not one of the allowed values";
    InvalidDate = "E0106", Error, "the value is not a date `YYYY-MM-DD`";
    InvalidNumber = "E0107", Error, "the value is not of the expected type";
    DuplicateId = "E0108", Error, "the id is used by another file";
    IdFileMismatch = "E0109", Error, "the id does not match the file name";
    ControlCharacter = "E0110", Error, "a value holds a control character";
    ForeignTag = "E0111", Error, "a YAML tag outside the core schema";
    UnknownSystem = "E0201", Error, "the system is not declared in opsledger.toml";
    UnknownSubsystem = "E0202", Error, "the subsystem is not one of the system's subsystems";
    UnknownRequirement = "E0203", Error, "no requirement document has this id";
    UnknownRelease = "E0204", Error, "no release has this id";
    BadPath = "E0205", Error, "the path does not name a file inside the repository";
    DateOrder = "E0206", Error, "the start date is after the finish date";
    SqlMissing = "E0207", Error, "`has_sql: true` but no `sql_scripts` although submitted to test";
    BadPhases = "E0301", Error, "phases must increase and end at 100";
    UnknownStep = "E0302", Error, "a step depends on a step that does not exist";
    StepCycle = "E0303", Error, "the steps depend on each other in a cycle";
    StrategyPhases = "W0304", Warning, "the strategy and the phases disagree";
    TestNotPassed = "E0401", Error, "the entry moved past a test stage that has not passed";
    ReleaseNotApproved = "E0402", Error, "an approved or released entry needs an approved or released release";
    NoApprover = "E0403", Error, "the release has no approver";
    NoTestOpinion = "E0404", Error, "an approved or released entry needs a test opinion";
    UnfinishedEntry = "E0405", Error, "a released release holds an entry that is not finished";
    ConfigSyntax = "E0501", Error, "opsledger.toml is not valid TOML of the expected shape";
    ConfigUnknownKey = "E0502", Error, "unknown key in opsledger.toml";
    ConfigInvalid = "E0503", Error, "invalid value in opsledger.toml";
    SkippedStage = "E0601", Error, "a status move since the base skips a stage or leaves the workflow";
    IdTakenOnBase = "E0602", Error, "an id added here was also taken on the base branch since the merge base";
    ReleasedEdited = "E0603", Error, "a released entry or release was edited without a rollback";
    AddedMidway = "W0604", Warning, "an entry was added past the start of the workflow (expected of an import, suspicious otherwise)";
    OddCommit = "W0606", Warning, "a commit could not be read as git shows it";
    UnsafeUrl = "E0208", Error, "a link or image in the Markdown uses an unsafe URL";
    TooDeep = "E0209", Error, "the Markdown nests deeper than the limit";
    RemoteImage = "W0210", Warning, "a remote image is dropped";
    TemplateError = "E0701", Error, "a theme template cannot be compiled or rendered";
    ImportRow = "E0801", Error, "import: a row of the spreadsheet cannot be mapped to an entry";
    ImportUnknownColumn = "W0802", Warning, "import: a column of the spreadsheet is not an entry column";
    ImportHeader = "E0803", Error, "import: the header row lacks a required column or repeats one";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem in the user's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// Repository-relative path with `/` separators.
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, file: impl Into<String>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            file: file.into(),
            line: pos.line,
            column: pos.col,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, position and code, so every run reports them in the same order.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let (w, l) = (word.to_lowercase(), c.to_lowercase());
        let mut score = strsim::jaro_winkler(&w, &l);
        // Short words (two CJK characters, say) differ by one edit yet score low.
        if strsim::levenshtein(&w, &l) == 1 && w.chars().count() >= 2 {
            score = score.max(0.8);
        }
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `help` text for a value that must be one of `allowed`, with a suggestion when one is close.
pub fn one_of_help(value: &str, allowed: &[&str]) -> String {
    let list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match did_you_mean(value, allowed.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? allowed: {list}"),
        None => format!("allowed: {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_severity_matches_prefix() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {c}");
            let want = if c.as_str().starts_with('W') {
                Severity::Warning
            } else {
                Severity::Error
            };
            assert_eq!(c.severity(), want, "{c}");
        }
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("titel", ["title", "status"]), Some("title"));
        assert_eq!(
            did_you_mean("proposer_on", ["proposed_on", "proposer"]),
            Some("proposed_on")
        );
        assert_eq!(did_you_mean("zzz", ["title", "status"]), None);
        assert_eq!(did_you_mean("小袋", ["小贷", "信用卡"]), Some("小贷"));
    }

    #[test]
    fn one_of_lists_allowed_values() {
        let h = one_of_help("hgh", &["high", "medium", "low"]);
        assert!(h.starts_with("did you mean `high`?"), "{h}");
        assert!(h.contains("`low`"));
    }
}
