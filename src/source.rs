//! A content file's bytes turned into text we can trust: size limit, binary detection, UTF-8
//! validation, BOM and CRLF normalisation. It does not walk folders or parse anything.

use crate::diag::{Code, Diagnostic, Pos};

/// Files larger than this are refused unless the caller sets another limit.
pub const DEFAULT_MAX_BYTES: u64 = 4 * 1024 * 1024;

/// A content file as text, `\n` line endings, no BOM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Repository-relative path with `/` separators.
    pub path: String,
    pub text: String,
}

/// Decodes `bytes` read from `path`; a problem is a diagnostic naming the file.
pub fn decode(path: &str, bytes: &[u8]) -> Result<Source, Box<Diagnostic>> {
    // Anywhere in the file: a NUL is never part of Markdown, and a text that carries one would
    // reach the page.
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        let pos = pos_of_byte(bytes, at);
        return Err(Box::new(
            Diagnostic::new(
                Code::BinaryFile,
                path,
                pos,
                "the file holds a NUL byte: it is binary, not Markdown",
            )
            .with_help("keep only Markdown files under content/; put attachments elsewhere"),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let pos = pos_of_byte(bytes, e.valid_up_to());
            return Err(Box::new(
                Diagnostic::new(Code::InvalidUtf8, path, pos, "the file is not valid UTF-8")
                    .with_help("save the file as UTF-8 (not GBK or GB2312)"),
            ));
        }
    };
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_owned()
    };
    Ok(Source {
        path: path.to_owned(),
        text,
    })
}

/// The diagnostic for a file over `limit` bytes (not read at all).
pub fn too_large(path: &str, size: u64, limit: u64) -> Diagnostic {
    Diagnostic::new(
        Code::FileTooLarge,
        path,
        Pos::START,
        format!("the file has {size} bytes, more than the limit of {limit}"),
    )
    .with_help("split the file, or raise `max_file_size` in opsledger.toml")
}

/// Line and column (in characters) of byte `at`, decoding leniently up to it.
fn pos_of_byte(bytes: &[u8], at: usize) -> Pos {
    let before = String::from_utf8_lossy(&bytes[..at]);
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    Pos::new(line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_crlf() {
        let s = decode("a.md", b"\xEF\xBB\xBF---\r\nid: 1\r\n---\r\n").unwrap();
        assert_eq!(s.text, "---\nid: 1\n---\n");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let d = decode("a.md", b"---\nti\xfftle: x\n").unwrap_err();
        assert_eq!((d.code, d.line, d.column), (Code::InvalidUtf8, 2, 3));
    }

    #[test]
    fn nul_byte_means_binary() {
        let d = decode("a.md", b"PK\x03\x04\x00\x00").unwrap_err();
        assert_eq!(d.code, Code::BinaryFile);
        let mut late = "---\nid: 1\n---\n".to_owned() + &"正文\n".repeat(5_000);
        late.push('\0');
        let d = decode("a.md", late.as_bytes()).unwrap_err();
        assert_eq!((d.code, d.line), (Code::BinaryFile, 5_004));
    }
}
