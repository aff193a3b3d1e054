//! The notes as an RFC 5322 message that a mail client opens as a draft (`X-Unsent: 1`):
//! `multipart/alternative` with the Markdown as text/plain and the HTML as text/html, both UTF-8
//! in base64 lines of 76, CRLF line endings, non-ASCII header text as RFC 2047 encoded words.
//! Every byte follows from the notes: the `Date` is the release's, the `Message-ID` and the
//! boundary are derived from the release id and the host of `base_url`.

use super::Notes;
use crate::error::{Error, Result};

/// Who the draft is from and to, as `user@host` or `Name <user@host>` (the name may be
/// Chinese). Without `from`: `opsledger <opsledger@host>`; without `to`:
/// `undisclosed-recipients:;`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    pub from: Option<String>,
    pub to: Vec<String>,
}

/// The longest UTF-8 payload of one encoded word: 39 bytes are 52 base64 characters, so a word
/// is at most 64 characters and `Subject: ` plus one word stays within 76.
const WORD_BYTES: usize = 39;

impl Notes<'_> {
    /// The notes as a draft message; an address with a line break, a control character or a
    /// non-ASCII address part is a usage error.
    pub fn eml(&self, envelope: &Envelope) -> Result<String> {
        let from = match &envelope.from {
            Some(a) => address(a)?,
            None => format!("opsledger <opsledger@{}>", self.host),
        };
        let to = if envelope.to.is_empty() {
            "undisclosed-recipients:;".to_owned()
        } else {
            let all: Result<Vec<String>> = envelope.to.iter().map(|a| address(a)).collect();
            all?.join(",\r\n ")
        };
        let date = jiff::fmt::rfc2822::to_string(&self.sent_at)
            .map_err(|e| Error::Usage(format!("release `{}`: {e}", self.release.id)))?;
        let seed = format!("{}\n{}", self.release.id, self.host);
        let boundary = format!("=_opsledger_{:016x}", fnv1a(seed.as_bytes()));
        let mut m = String::new();
        for (name, value) in [
            ("From", from),
            ("To", to),
            ("Subject", unstructured(&self.subject())),
            ("Date", date),
            (
                "Message-ID",
                format!(
                    "<release-notes.{}@{}>",
                    msg_id_part(&self.release.id),
                    self.host
                ),
            ),
            ("MIME-Version", "1.0".into()),
            ("X-Unsent", "1".into()),
            (
                "Content-Type",
                format!("multipart/alternative;\r\n boundary=\"{boundary}\""),
            ),
        ] {
            m.push_str(&format!("{name}: {value}\r\n"));
        }
        m.push_str("\r\nThis is a multi-part message in MIME format.\r\n");
        for (kind, body) in [("plain", self.markdown()), ("html", self.html())] {
            m.push_str(&format!(
                "\r\n--{boundary}\r\nContent-Type: text/{kind}; charset=UTF-8\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n"
            ));
            let canonical = body.replace("\r\n", "\n").replace('\n', "\r\n");
            m.push_str(&wrap76(&base64(canonical.as_bytes())));
        }
        m.push_str(&format!("\r\n--{boundary}--\r\n"));
        Ok(m)
    }
}

/// Standard base64 (RFC 4648, `+/`, `=` padding), on one line.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 text in lines of 76 characters, CRLF after each.
fn wrap76(b64: &str) -> String {
    let mut out = String::with_capacity(b64.len() + b64.len() / 76 * 2 + 2);
    for line in b64.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

/// `text` as RFC 2047 `B` encoded words (`=?UTF-8?B?…?=`), each at most 64 characters and
/// never splitting a character; join them with `\r\n ` to fold a header.
pub fn encode_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() - start > WORD_BYTES {
            words.push(start..end);
            start = i;
        }
        end = i + c.len_utf8();
    }
    if end > start {
        words.push(start..end);
    }
    words
        .into_iter()
        .map(|r| format!("=?UTF-8?B?{}?=", base64(text[r].as_bytes())))
        .collect()
}

/// Whether `text` can go into a header as it is: printable ASCII and no `=?` that a reader
/// would take for an encoded word.
fn plain_ascii(text: &str) -> bool {
    text.chars().all(|c| (' '..='~').contains(&c)) && !text.contains("=?")
}

/// An unstructured header value (the subject): as is when plain ASCII (folded at spaces to
/// keep lines near 78), else encoded words.
fn unstructured(text: &str) -> String {
    if !plain_ascii(text) {
        return encode_words(text).join("\r\n ");
    }
    let mut out = String::new();
    let mut line = "Subject: ".len();
    for (n, word) in text.split(' ').enumerate() {
        if n > 0 {
            if line + 1 + word.len() > 78 {
                out.push_str("\r\n");
                line = 0;
            }
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

/// An address for `From`/`To`: `user@host` as is; `Name <user@host>` with a non-ASCII name
/// encoded and an ASCII name with specials quoted.
fn address(a: &str) -> Result<String> {
    let bad = |why: &str| {
        Err(Error::Usage(format!(
            "address `{}` {why}; write `user@example.com` or `Name <user@example.com>`",
            a.escape_debug()
        )))
    };
    if a.chars().any(char::is_control) {
        return bad("has a line break or control character");
    }
    let a = a.trim();
    let (name, spec) = match a.strip_suffix('>').and_then(|s| s.rsplit_once('<')) {
        Some((name, spec)) => (name.trim(), spec.trim()),
        None => ("", a),
    };
    let spec_ok = spec.contains('@')
        && spec
            .chars()
            .all(|c| c.is_ascii_graphic() && !"<>()[],;:\\\"".contains(c));
    if !spec_ok {
        return bad("is not a plain ASCII mail address");
    }
    if name.is_empty() {
        return Ok(if a.contains('<') {
            format!("<{spec}>")
        } else {
            spec.to_owned()
        });
    }
    let unquoted = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(name);
    let display = if !plain_ascii(unquoted) {
        encode_words(unquoted).join("\r\n ")
    } else if unquoted.contains(|c| "()<>[]:;@\\,.\"".contains(c)) {
        format!(
            "\"{}\"",
            unquoted.replace('\\', "\\\\").replace('"', "\\\"")
        )
    } else {
        unquoted.to_owned()
    };
    Ok(format!("{display} <{spec}>"))
}

/// A release id as the left part of a Message-ID: letters, digits, `-` and `_` kept, every
/// other byte as `%XX`.
fn msg_id_part(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        "release".into()
    } else {
        out
    }
}

/// 64-bit FNV-1a, for the boundary.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(address("pm@example.com").unwrap(), "pm@example.com");
        assert_eq!(
            address("王芳 <wf@example.com>").unwrap(),
            "=?UTF-8?B?546L6Iqz?= <wf@example.com>"
        );
        assert_eq!(
            address("Wang, Fang <wf@example.com>").unwrap(),
            "\"Wang, Fang\" <wf@example.com>"
        );
        assert!(address("pm@example.com\r\nBcc: x@evil.com").is_err());
        assert!(address("经理@example.com").is_err());
        assert!(address("nobody").is_err());
    }

    #[test]
    fn long_ascii_subjects_fold_at_spaces() {
        let s = unstructured(&"word ".repeat(30));
        assert!(s.contains("\r\n "));
        assert!(s.split("\r\n").all(|l| l.len() <= 78));
    }

    #[test]
    fn message_id_parts() {
        assert_eq!(msg_id_part("2019-03-14"), "2019-03-14");
        assert_eq!(msg_id_part("a b"), "a%20b");
    }
}
