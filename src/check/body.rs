//! Rules on each document's Markdown body that the page would otherwise enforce silently:
//! nesting deeper than the renderer takes (E0209), images from another host, which the page
//! drops (W0210). Pure: reads the ledger only.

use crate::diag::{Code, Diagnostic, Pos};
use crate::markdown;
use crate::model::{Doc, Ledger};

/// Checks every document's body.
pub(super) fn check(ledger: &Ledger, out: &mut Vec<Diagnostic>) {
    for (doc, body) in bodies(ledger) {
        if let Some((line, column)) = markdown::too_deep(body) {
            out.push(
                Diagnostic::new(
                    Code::TooDeep,
                    &doc.path,
                    at(doc, line, column),
                    format!(
                        "the Markdown nests more than {} levels deep here (quotes, lists, emphasis and HTML tags count)",
                        markdown::MAX_DEPTH
                    ),
                )
                .with_help("flatten the quotes, lists or HTML; the page shows the body as plain text otherwise"),
            );
        }
        for image in markdown::remote_images(body) {
            out.push(
                Diagnostic::new(
                    Code::RemoteImage,
                    &doc.path,
                    at(doc, image.line, image.column),
                    format!("the image `{}` is on another host and is dropped from the page", image.url),
                )
                .with_help("pages fetch nothing from another host: add the image to the repository and link it by a relative path"),
            );
        }
    }
}

/// A position in a body, as a position in its file.
fn at(doc: &Doc, line: u32, column: u32) -> Pos {
    Pos::new(doc.body_line + line - 1, column)
}

/// Every document's location and Markdown body.
fn bodies(ledger: &Ledger) -> impl Iterator<Item = (&Doc, &str)> {
    let e = ledger.entries.iter().map(|x| (&x.doc, x.body.as_str()));
    let q = ledger
        .requirements
        .iter()
        .map(|x| (&x.doc, x.body.as_str()));
    let r = ledger.releases.iter().map(|x| (&x.doc, x.body.as_str()));
    let b = ledger.runbooks.iter().map(|x| (&x.doc, x.body.as_str()));
    e.chain(q).chain(r).chain(b)
}
