//! One version of a content file → its flattened fields and a hash of its body, parsed with
//! the loader's own code. Pure: the bytes come from the miner.

use crate::history::fields::{self, Fields};
use crate::load::{self, Parsed};

/// A parsed version of a file: its fields and a hash of its body; `None` if it does not parse.
pub type Version = Option<(Fields, u64)>;

/// Parses one version of a content file with the loader's code.
pub fn version(path: &str, bytes: &[u8]) -> Version {
    version_with(path, bytes, &load::Memo::default())
}

/// [`version`], reusing what `memo` holds of other versions.
pub(super) fn version_with(path: &str, bytes: &[u8], memo: &load::Memo) -> Version {
    fields_of(parse_lite(path, bytes, memo)?)
}

/// A parsed version kept small while it waits to be compared: the document without its body
/// and field positions, and the hash of its body.
pub struct Lite(pub(super) Parsed, pub(super) u64);

/// Parses a version into its [`Lite`] form; `None` when it does not parse.
pub(super) fn parse_lite(path: &str, bytes: &[u8], memo: &load::Memo) -> Option<Lite> {
    let kind = load::classify(path.strip_prefix("content/")?)?;
    let src = crate::source::decode(path, bytes).ok()?;
    let (mut parsed, _) = load::parse_with_memo(kind, path, &src.text, memo);
    let body = match &mut parsed {
        Parsed::Entry(e) => (std::mem::take(&mut e.body), std::mem::take(&mut e.doc)).0,
        Parsed::Requirement(r) => (std::mem::take(&mut r.body), std::mem::take(&mut r.doc)).0,
        Parsed::Release(r) => (std::mem::take(&mut r.body), std::mem::take(&mut r.doc)).0,
        Parsed::Runbook(r) => (std::mem::take(&mut r.body), std::mem::take(&mut r.doc)).0,
        Parsed::Broken(..) | Parsed::Partial(..) => return None,
    };
    Some(Lite(parsed, hash(&body)))
}

/// The flattened fields of a [`Lite`] version.
pub(super) fn fields_of(lite: Lite) -> Version {
    let value = match lite.0 {
        Parsed::Entry(e) => serde_json::to_value(&*e),
        Parsed::Requirement(r) => serde_json::to_value(&*r),
        Parsed::Release(r) => serde_json::to_value(&*r),
        Parsed::Runbook(r) => serde_json::to_value(&*r),
        Parsed::Broken(..) | Parsed::Partial(..) => return None,
    };
    Some((fields::flatten(&value.ok()?), lite.1))
}

pub(super) fn hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // A fixed-key hasher: the same body gives the same value in every run.
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}
