//! Inline SVG charts (bars by category, columns over weeks), as strings. No scripts, no
//! external resources: the site works offline. Labels are XML-escaped here.

pub use crate::theme::escape;

/// Horizontal bars: one row per (label, value), longest bar = the largest value.
pub fn bars(title: &str, rows: &[(String, f64)]) -> String {
    let (row_h, label_w, bar_w) = (22.0, 120.0, 260.0);
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1.0);
    let h = row_h * rows.len().max(1) as f64 + 8.0;
    let mut s = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{t}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        t = escape(title),
        w = label_w + bar_w + 50.0
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let w = (value / max * bar_w).max(if *value > 0.0 { 2.0 } else { 0.0 });
        s.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{l}</text><rect x=\"{bx}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bh}\" rx=\"2\"/><text x=\"{vx:.1}\" y=\"{ty}\">{v}</text>",
            lx = label_w - 6.0,
            ty = y + 15.0,
            l = escape(label),
            bx = label_w,
            bh = row_h - 6.0,
            vx = label_w + w + 4.0,
            v = fmt_num(*value),
        ));
    }
    s.push_str("</svg>");
    s
}

/// Vertical columns over a sequence (weeks), labels under every other column.
pub fn columns(title: &str, cols: &[(String, f64)]) -> String {
    let (col_w, plot_h, top, bottom) = (28.0, 120.0, 16.0, 34.0);
    let max = cols.iter().map(|c| c.1).fold(0.0_f64, f64::max).max(1.0);
    let w = col_w * cols.len().max(1) as f64 + 40.0;
    let h = top + plot_h + bottom;
    let mut s = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{t}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        t = escape(title)
    );
    for (i, (label, value)) in cols.iter().enumerate() {
        let x = 20.0 + i as f64 * col_w;
        let bh = value / max * plot_h;
        let y = top + plot_h - bh;
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cw:.1}\" height=\"{bh:.1}\" rx=\"2\"><title>{l}: {v}</title></rect>",
            cw = col_w - 6.0,
            l = escape(label),
            v = fmt_num(*value)
        ));
        if *value > 0.0 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + (col_w - 6.0) / 2.0,
                y - 3.0,
                fmt_num(*value)
            ));
        }
        if i % 2 == 0 {
            s.push_str(&format!(
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + (col_w - 6.0) / 2.0,
                top + plot_h + 14.0,
                escape(label)
            ));
        }
    }
    s.push_str("</svg>");
    s
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_and_escape() {
        let s = bars("By <system>", &[("小贷".into(), 4.0), ("A&B".into(), 2.0)]);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("By &lt;system&gt;") && s.contains("A&amp;B") && s.contains(">小贷<"));
        assert!(
            s.contains("width=\"260.0\"") && s.contains("width=\"130.0\""),
            "{s}"
        );
    }

    #[test]
    fn columns_label_values() {
        let s = columns(
            "per week",
            &[
                ("W01".into(), 1.0),
                ("W02".into(), 0.0),
                ("W03".into(), 2.5),
            ],
        );
        assert!(s.contains(">2.5<") && s.contains(">W01<") && s.contains(">W03<"));
        assert!(!s.contains(">W02<"), "every other label");
    }
}
