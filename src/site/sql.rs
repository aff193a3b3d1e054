//! SQL shown with highlighting: keywords, strings, numbers and comments wrapped in spans. The
//! text is HTML-escaped first, so a script can never inject markup.

use super::charts::escape;

const KEYWORDS: &[&str] = &[
    "ADD",
    "ALTER",
    "AND",
    "AS",
    "ASC",
    "BEGIN",
    "BETWEEN",
    "BY",
    "CASE",
    "COLUMN",
    "COMMIT",
    "CONSTRAINT",
    "CREATE",
    "DEFAULT",
    "DELETE",
    "DESC",
    "DISTINCT",
    "DROP",
    "ELSE",
    "END",
    "EXISTS",
    "FOREIGN",
    "FROM",
    "GRANT",
    "GROUP",
    "HAVING",
    "IF",
    "IN",
    "INDEX",
    "INNER",
    "INSERT",
    "INTO",
    "IS",
    "JOIN",
    "KEY",
    "LEFT",
    "LIKE",
    "LIMIT",
    "MODIFY",
    "NOT",
    "NULL",
    "ON",
    "OR",
    "ORDER",
    "PRIMARY",
    "REFERENCES",
    "RENAME",
    "RIGHT",
    "ROLLBACK",
    "SELECT",
    "SET",
    "TABLE",
    "THEN",
    "TO",
    "TRUNCATE",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "VALUES",
    "VIEW",
    "WHEN",
    "WHERE",
    "WITH",
];

/// The script as HTML with `<span class="sql-…">` around keywords, strings, numbers, comments.
pub fn highlight(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() * 2);
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    let take = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    while i < chars.len() {
        let c = chars[i];
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            let end = chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p);
            out.push_str(&format!(
                "<span class=\"sql-comment\">{}</span>",
                escape(&take(i, end))
            ));
            i = end;
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let end = (i + 2..chars.len().saturating_sub(1))
                .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
                .map_or(chars.len(), |j| j + 2);
            out.push_str(&format!(
                "<span class=\"sql-comment\">{}</span>",
                escape(&take(i, end))
            ));
            i = end;
        } else if c == '\'' {
            let mut end = i + 1;
            while end < chars.len() && chars[end] != '\'' {
                end += 1;
            }
            let end = (end + 1).min(chars.len());
            out.push_str(&format!(
                "<span class=\"sql-string\">{}</span>",
                escape(&take(i, end))
            ));
            i = end;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let end = (i..chars.len())
                .find(|&j| !(chars[j].is_ascii_alphanumeric() || chars[j] == '_'))
                .unwrap_or(chars.len());
            let word = take(i, end);
            if KEYWORDS
                .binary_search(&word.to_ascii_uppercase().as_str())
                .is_ok()
            {
                out.push_str(&format!("<span class=\"sql-keyword\">{word}</span>"));
            } else {
                out.push_str(&escape(&word));
            }
            i = end;
        } else if c.is_ascii_digit() {
            let end = (i..chars.len())
                .find(|&j| !(chars[j].is_ascii_digit() || chars[j] == '.'))
                .unwrap_or(chars.len());
            out.push_str(&format!(
                "<span class=\"sql-number\">{}</span>",
                take(i, end)
            ));
            i = end;
        } else {
            out.push_str(&escape(&c.to_string()));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn highlights_and_escapes() {
        let h = highlight("-- 备份\nALTER TABLE t ADD c VARCHAR(32) DEFAULT '<x>';");
        assert!(h.starts_with("<span class=\"sql-comment\">-- 备份</span>"));
        assert!(h.contains("<span class=\"sql-keyword\">ALTER</span>"));
        assert!(h.contains("<span class=\"sql-string\">&#39;&lt;x&gt;&#39;</span>"));
        assert!(h.contains("<span class=\"sql-number\">32</span>"));
        assert!(!h.contains("<x>"));
    }
}
