//! Text made safe for a terminal. Report text, file names and header names come from whoever
//! wrote the input: printed raw, an escape sequence in them sets the terminal's title, clears
//! the screen, hides text, plants a hyperlink, or (a carriage return, a right-to-left override)
//! makes a line show something else than it holds. Everything a person reads in a terminal
//! (`explain`, every message on stderr) goes through [`terminal_safe`]; data files (TSV, CSV,
//! JSON lines, Parquet) keep the text exactly as read, because they are for programs, and an
//! analysis must see the report as written (docs/safety.md).

use std::borrow::Cow;
use std::fmt::Write;

/// True for a character a terminal acts on instead of showing: C0 controls but tab and line
/// feed, DEL, C1 controls (U+0080–U+009F, `U+009B` is a one-character CSI), and the
/// bidirectional embeddings, overrides and isolates that reorder what is shown ("Trojan
/// Source", CVE-2021-42574). A carriage return is one too, except before a line feed (a report
/// with Windows line ends).
fn acts(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character a terminal would act on shown as an escape (`\x1b`, `\r`,
/// `\u{202e}`) instead; tab and line feed are kept, and so is a carriage return before a line
/// feed. Borrowed when there is nothing to escape, as for almost every report.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    let needs =
        |(i, c): (usize, char)| acts(c) && !(c == '\r' && s.as_bytes().get(i + 1) == Some(&b'\n'));
    if !s.char_indices().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        if !needs((i, c)) {
            out.push(c);
        } else if c == '\r' {
            out.push_str("\\r");
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_acts_on_and_keeps_the_rest() {
        // a title set, a screen clear, concealed text, a hyperlink (OSC 8), a CSI in C1
        let hostile =
            "a\x1b]0;pwned\x07b\x1b[2Jc\x1b[8mhidden\x1b[0m\x1b]8;;http://x\x1b\\d\u{9b}2J";
        let safe = terminal_safe(hostile);
        assert!(!safe.chars().any(acts), "{safe}");
        assert_eq!(
            safe,
            "a\\x1b]0;pwned\\x07b\\x1b[2Jc\\x1b[8mhidden\\x1b[0m\\x1b]8;;http://x\\x1b\\d\\x9b2J"
        );
        // reordering and overwriting
        assert_eq!(terminal_safe("x\u{202e}y\rz"), "x\\u{202e}y\\rz");
        // ordinary report text is borrowed as it is: layout, Windows line ends, accents, emoji
        let plain = "FINDINGS:\tMönckeberg\r\nsclerosis 🙂 “calcified”\n";
        assert!(matches!(terminal_safe(plain), Cow::Borrowed(_)));
    }
}
