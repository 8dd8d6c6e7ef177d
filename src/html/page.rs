//! The page shell: head, the inline style sheet and script (`page.css`, `page.js`), the
//! header, the table of contents and the footer. Nothing in it refers to the network, and its
//! Content-Security-Policy forbids loading anything from anywhere.

use std::fmt::Write as _;

use calcmine_core::lexicon::Lexicon;

use super::esc;

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// A whole page: `title`, the header lines (HTML), the table of contents, the body.
pub fn shell(title: &str, header: &str, toc: &[(&str, &str)], body: &str, footer: &str) -> String {
    let mut s = String::with_capacity(body.len() + CSS.len() + JS.len() + 4096);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // nothing from elsewhere, even if the page were served: only inline style and script
    s.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    let _ = writeln!(s, "<title>{}</title>", esc(title));
    let _ = writeln!(s, "<style>\n{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(
        s,
        "<header class=\"top\"><h1>{}</h1>{header}</header>",
        esc(title)
    );
    if !toc.is_empty() {
        s.push_str("<nav class=\"toc\">");
        for (id, label) in toc {
            let _ = write!(s, "<a href=\"#{id}\">{}</a>", esc(label));
        }
        s.push_str("</nav>\n");
    }
    s.push_str("<main>\n");
    s.push_str(body);
    s.push_str("</main>\n");
    let _ = writeln!(s, "<footer>{footer}</footer>");
    let _ = writeln!(s, "<script>\n{JS}</script>\n</body>\n</html>");
    s
}

/// The footer: the version and the lexicon digest.
pub fn footer(lex: &Lexicon) -> String {
    format!(
        "calcmine {} · lexicon <code>{}</code> · made on this machine; no part of this page \
         comes from the network.",
        env!("CARGO_PKG_VERSION"),
        esc(&lex.digest()[..16.min(lex.digest().len())])
    )
}
