//! The closed vocabularies of the ledger (status, category, …) as enums with their YAML
//! spellings. Pure data.

use serde::Serialize;

/// An enum whose values are written as fixed words in front matter.
pub trait Keyword: Sized + Copy + 'static {
    /// Every value, in workflow or display order.
    const ALL: &'static [Self];
    /// The spelling in front matter and in `ledger.json`.
    fn as_str(self) -> &'static str;
    /// Every spelling, for "allowed values" hints.
    fn words() -> Vec<&'static str> {
        Self::ALL.iter().map(|k| k.as_str()).collect()
    }
    /// The value spelt `s`, if any.
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

macro_rules! keyword {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub enum $name {
            $(#[serde(rename = $word)] $variant,)*
        }
        impl Keyword for $name {
            const ALL: &'static [Self] = &[$($name::$variant,)*];
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word,)* }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword!(
    /// 问题分类.
    Category { Feature = "feature", Defect = "defect", Improvement = "improvement", DataFix = "data-fix", Config = "config" }
);
keyword!(
    /// 优先级.
    Priority { High = "high", Medium = "medium", Low = "low" }
);
keyword!(
    /// 问题状态: where an entry stands in the release train.
    Status {
        Registered = "registered", Developing = "developing", Submitted = "submitted", Sit = "sit",
        Uat = "uat", Preprod = "preprod", Approved = "approved", Released = "released",
        RolledBack = "rolled-back", OnHold = "on-hold", Closed = "closed",
    }
);
keyword!(
    /// The outcome of one test stage.
    TestResult { Pass = "pass", Fail = "fail", Pending = "pending" }
);
keyword!(
    /// A test environment of the train, in order.
    Env { Sit = "sit", Uat = "uat", Preprod = "preprod" }
);
keyword!(
    /// The state of a requirement document.
    RequirementStatus { Draft = "draft", Approved = "approved", Superseded = "superseded" }
);
keyword!(
    /// The state of a release (期次).
    ReleaseStatus {
        Planning = "planning", Testing = "testing", Approved = "approved", Released = "released",
        RolledBack = "rolled-back", Cancelled = "cancelled",
    }
);
keyword!(
    /// How a release goes live.
    Strategy { Full = "full", Phased = "phased" }
);
