//! One document's front matter → its raw typed document, with what the YAML itself makes
//! wrong reported: syntax (through [`crate::yaml`]), tags outside the core schema (E0111) and
//! control characters in values (E0110). Pure: no IO.

use super::convert::Conv;
use crate::diag::Code;
use crate::yaml;

/// The raw document of `yaml`, every key that parses when not all of them do (the others are
/// reported and noted in `cx`); `None` when nothing at all could be read. Tags outside the core
/// schema (E0111) and control characters in any text value (E0110) are reported too.
pub(super) fn read<T>(cx: &mut Conv, yaml: &str, memo: Option<&yaml::Memo<T>>) -> Option<T>
where
    T: serde::de::DeserializeOwned + yaml::Merge + yaml::Shift + yaml::Texts + Default + Clone,
{
    for (pos, tag) in yaml::foreign_tags(yaml) {
        cx.report(
            Code::ForeignTag,
            pos,
            format!("the YAML tag `{tag}` is not allowed: it is outside the core schema"),
            "remove the tag and write the value as text (quote it); only `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq` and `!!map` are allowed",
        );
    }
    let raw = read_raw(cx, yaml, memo)?;
    for (pos, c) in yaml::bad_characters(&raw) {
        cx.report(
            Code::ControlCharacter,
            pos,
            format!("the value holds the invisible character U+{:04X}", c as u32),
            "remove it: values may hold tabs and line breaks (in a block value `|`), no other control or bidirectional-override character",
        );
    }
    Some(raw)
}

fn read_raw<T: serde::de::DeserializeOwned + yaml::Merge + yaml::Shift + Default + Clone>(
    cx: &mut Conv,
    yaml: &str,
    memo: Option<&yaml::Memo<T>>,
) -> Option<T> {
    if let Some(t) = memo.and_then(|m| m.parse(cx.path, yaml)) {
        return Some(t);
    }
    match yaml::parse_each_key::<T>(cx.path, yaml) {
        Ok(t) => Some(t),
        Err(p) => {
            cx.diags.extend(p.diagnostics);
            cx.failed = true;
            if p.unparsed.is_empty() {
                return None;
            }
            cx.unparsed = p.unparsed;
            Some(p.value)
        }
    }
}
