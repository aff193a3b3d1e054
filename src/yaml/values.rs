//! What a document's values may not hold, found after the parse, with positions: control and
//! bidirectional-override characters in any text value ([`bad_characters`]), and YAML tags
//! outside the core schema, which serde-saphyr would apply or drop silently ([`foreign_tags`]).
//! Reports nothing itself: the loader turns these into diagnostics.

use super::{Located, Text};
use crate::diag::Pos;

/// A value made of located text: every [`Text`] in it can be visited.
pub trait Texts {
    fn each_text(&self, f: &mut dyn FnMut(&Text));
}

impl Texts for Text {
    fn each_text(&self, f: &mut dyn FnMut(&Text)) {
        f(self)
    }
}

impl<T: Texts> Texts for Located<T> {
    fn each_text(&self, f: &mut dyn FnMut(&Text)) {
        self.value.each_text(f)
    }
}

impl<T: Texts> Texts for Vec<T> {
    fn each_text(&self, f: &mut dyn FnMut(&Text)) {
        self.iter().for_each(|x| x.each_text(f))
    }
}

impl<T: Texts> Texts for Option<T> {
    fn each_text(&self, f: &mut dyn FnMut(&Text)) {
        if let Some(x) = self {
            x.each_text(f)
        }
    }
}

/// Whether `c` may not appear in a value: C0 and C1 controls and DEL (tab and line feed are
/// allowed: a multi-line value holds them), and the bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), which make text display other than it reads.
pub fn is_bad_character(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Every text value of `value` holding a character [`is_bad_character`] refuses: its position
/// and the first such character.
pub fn bad_characters(value: &impl Texts) -> Vec<(Pos, char)> {
    let mut out = Vec::new();
    value.each_text(&mut |t| {
        if let Some(c) = t.value.chars().find(|&c| is_bad_character(c)) {
            out.push((t.pos, c));
        }
    });
    out
}

/// The tags of `yaml` other than the core schema's (`!!str`, `!!int`, `!!float`, `!!bool`,
/// `!!null`, `!!seq`, `!!map`) and the non-specific `!`, each as written (`!!binary`,
/// `!python/object`) at the tag's position. A document the parser cannot read stops the scan;
/// the parse itself reports that.
pub fn foreign_tags(yaml: &str) -> Vec<(Pos, String)> {
    let mut out = Vec::new();
    if !yaml.contains('!') {
        return out;
    }
    for event in granit_parser::Parser::new_from_str(yaml) {
        let Ok((event, span)) = event else { break };
        let tag = match &event {
            granit_parser::Event::Scalar(_, _, _, tag)
            | granit_parser::Event::SequenceStart(_, _, tag)
            | granit_parser::Event::MappingStart(_, _, tag) => tag,
            _ => continue,
        };
        let Some(tag) = tag else { continue };
        let written = format!("{}{}", tag.original_handle(), tag.suffix());
        if tag.is_yaml_core_schema() || written == "!" {
            continue;
        }
        let at = span.tag_start.unwrap_or(span.start);
        out.push((
            Pos::new(at.line().max(1) as u32, at.col() as u32 + 1),
            written,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_outside_the_core_schema_are_found_where_written() {
        let yaml = "---\nid: !!int 1\ntitle: !!str x\nmodule: !!binary aGVsbG8=\nfeature: !python/object:os.system x\nlist: !!set {a: null}\nwhen: !!timestamp 2019-03-01\nplain: ! text\nverbatim: !<tag:yaml.org,2002:str> y\nother: !<tag:evil.example,2000:x> z\n";
        let found = foreign_tags(yaml);
        let at: Vec<_> = found
            .iter()
            .map(|(p, t)| (p.line, p.col, t.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (4, 9, "!!binary"),
                (5, 10, "!python/object:os.system"),
                (6, 7, "!!set"),
                (7, 7, "!!timestamp"),
                (10, 8, "tag:evil.example,2000:x"),
            ]
        );
        assert!(foreign_tags("---\nid: 1\ntitle: \"a!b\"\n").is_empty());
        // %TAG cannot make `!!` mean another namespace unseen.
        let found = foreign_tags("%TAG !! tag:evil.example,2000:\n---\nid: !!str 1\n");
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn control_and_bidi_characters_are_bad_tab_and_newline_are_not() {
        for c in [
            '\0', '\u{7}', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{202e}', '\u{2066}',
        ] {
            assert!(is_bad_character(c), "{c:?}");
        }
        for c in ['\t', '\n', ' ', 'a', '背', '\u{200d}'] {
            assert!(!is_bad_character(c), "{c:?}");
        }
    }
}
