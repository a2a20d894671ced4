//! Vendor prose made safe for rustdoc, in one place.
//!
//! Spec docs are transcribed from vendor pages, and rustdoc reads every doc comment as Markdown
//! with its own extensions: an indented or fenced sample becomes a doctest that `cargo test`
//! compiles, a bare URL or a `<placeholder>` is a warning (and the placeholder vanishes from the
//! rendered page as an unknown HTML tag), and `[name]` is taken for an intra-doc link that does
//! not resolve. Lowering passes every piece of prose through [`sanitize`] once, as it enters the
//! model, so the emitters and the OpenAPI export receive Markdown that renders as the vendor
//! wrote it and that rustdoc accepts under `-D warnings`. The emitters compose their doc
//! comments from these pieces and lay them out with [`lines`], which drops the blank lines an
//! empty piece would leave; literal text they quote (a document's section heading) goes
//! through [`code`].
//!
//! The rules, each with a unit test below:
//! - a fenced block keeps its fence and content, its info string becomes `text`;
//! - an indented block becomes a fenced `text` block;
//! - a bare `http(s)://` URL becomes an autolink, `<https://…>`;
//! - a `<` that starts no autolink is escaped (`\<id\>`), so placeholders stay visible;
//! - a `[` that starts no Markdown link is escaped (`\[id]`), so it is no intra-doc link;
//! - tabs become spaces, list continuation lines are indented like their item, lines lose
//!   trailing spaces, runs of blank lines become one, and empty text stays empty.
//!
//! Code spans and code blocks are copied as they are; backslash escapes already present are
//! kept, so sanitising sanitised text changes nothing.

use std::collections::BTreeSet;

/// Prose from a spec as rustdoc-safe Markdown; see the module docs for the rules.
pub fn sanitize(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\t', "    ");
    let lines: Vec<&str> = text.lines().collect();
    let refs = reference_labels(&lines);
    let mut out = Blocks::default();
    let mut paragraph: Vec<String> = Vec::new();
    // The column where the text of the current list item starts.
    let mut list: Option<usize> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        let indent = indent_of(line);
        if line.is_empty() {
            out.paragraph(&mut paragraph, &refs);
            out.blank();
            i += 1;
            continue;
        }
        if let Some((fence_indent, fence)) = fence_open(line) {
            out.paragraph(&mut paragraph, &refs);
            out.line(format!("{}{fence}text", " ".repeat(fence_indent)));
            i += 1;
            while i < lines.len() {
                let l = lines[i].trim_end();
                i += 1;
                if fence_closes(l, &fence) {
                    break;
                }
                out.line(l.to_owned());
            }
            out.line(format!("{}{fence}", " ".repeat(fence_indent)));
            continue;
        }
        let base = list.filter(|&w| indent >= w).unwrap_or(0);
        if paragraph.is_empty() && indent >= base + 4 {
            // An indented code block: it runs over blank lines while more code follows.
            let mut end = i;
            let mut j = i;
            while j < lines.len() {
                let l = lines[j].trim_end();
                if l.is_empty() {
                    j += 1;
                } else if indent_of(l) >= base + 4 {
                    j += 1;
                    end = j;
                } else {
                    break;
                }
            }
            let pad = " ".repeat(base);
            out.line(format!("{pad}```text"));
            for l in &lines[i..end] {
                let l = l.trim_end();
                out.line(format!("{pad}{}", l.get(base + 4..).unwrap_or("")));
            }
            out.line(format!("{pad}```"));
            i = end;
            continue;
        }
        if let Some(width) = list_marker(line) {
            out.paragraph(&mut paragraph, &refs);
            list = Some(indent + width);
            paragraph.push(line.to_owned());
        } else if let Some(w) = list.filter(|_| !paragraph.is_empty() || indent > 0) {
            // A continuation of the list item (lazy or over-indented): indented like its text.
            paragraph.push(format!("{}{}", " ".repeat(w), line.trim_start()));
        } else {
            list = None;
            paragraph.push(line.to_owned());
        }
        i += 1;
    }
    out.paragraph(&mut paragraph, &refs);
    out.finish()
}

/// Doc text laid out as doc-comment lines: trailing spaces cut, leading and trailing blank
/// lines dropped, and each run of blank lines outside a code block made one, so that a
/// template joining an empty piece leaves no blank `///` behind. Codepoints that change the
/// direction of text, which rustc refuses in a comment (`text_direction_codepoint_in_literal`),
/// are written as their escapes (`\u{202e}`), and a carriage return ends a line, as it does in
/// the text it came from (rustc refuses a bare one in a doc comment).
pub fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    let text = escape_direction_marks(&text.replace("\r\n", "\n").replace('\r', "\n"));
    for line in text.lines() {
        let line = line.trim_end();
        if let Some(f) = &fence {
            if fence_closes(line, f) {
                fence = None;
            }
            out.push(line.to_owned());
            continue;
        }
        if let Some((_, f)) = fence_open(line) {
            fence = Some(f);
        }
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line.to_owned());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// Prose that the generated documentation puts inside a sentence (an API's title: "A client of
/// the {title}.") or on the first line of an item's docs (a summary), as one line of inline
/// Markdown: whitespace runs, line breaks included, become one space, and text that would still
/// open a block (a code fence) becomes a code span instead.
pub fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let inline = sanitize(&flat);
    if inline.contains('\n') || fence_open(&inline).is_some() {
        code(&flat)
    } else {
        inline
    }
}

/// `label` followed by `text` as one piece of documentation (`Spec note: ...`): on one line,
/// unless `text` opens with a code block, which must start a line of its own (after the label
/// its fence is plain text, and its closing fence opens a block that runs on as a doctest).
pub fn labelled(label: &str, text: &str) -> String {
    let text = text.trim_end();
    let text = text.trim_start_matches(['\n', '\r']);
    let first = text.lines().next().unwrap_or("");
    if fence_open(first).is_some() || indent_of(first) >= 4 {
        format!("{label}\n\n{text}")
    } else {
        format!("{label} {}", text.trim_start())
    }
}

/// The codepoints rustc refuses in comments and literals because they reorder how the
/// surrounding text is shown.
pub fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [`is_direction_mark`] written as its escape, `\u{202e}`.
pub fn escape_direction_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_direction_mark(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Literal text (a section heading, a wire value) as one inline code span, fenced with more
/// backticks than it contains so that nothing in it is read as Markdown.
pub fn code(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// The output lines, with blank runs collapsed as they are written.
#[derive(Default)]
struct Blocks {
    lines: Vec<String>,
}

impl Blocks {
    fn line(&mut self, line: String) {
        self.lines.push(line);
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// Writes the pending paragraph lines, their inline text sanitised as one piece (a code
    /// span may run over a line break).
    fn paragraph(&mut self, lines: &mut Vec<String>, refs: &BTreeSet<String>) {
        if lines.is_empty() {
            return;
        }
        let text = lines.join("\n");
        lines.clear();
        for l in inline(&text, refs).lines() {
            self.lines.push(l.to_owned());
        }
    }

    fn finish(mut self) -> String {
        while self.lines.last().is_some_and(|l| l.is_empty()) {
            self.lines.pop();
        }
        self.lines.join("\n")
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A fence opening at `line`: its indentation and the fence (three or more backticks or
/// tildes). Backticks in the info string make it no fence, as in CommonMark.
fn fence_open(line: &str) -> Option<(usize, String)> {
    let indent = indent_of(line);
    let rest = &line[indent..];
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = rest.len() - rest.trim_start_matches(c).len();
    if n < 3 || (c == '`' && rest[n..].contains('`')) {
        return None;
    }
    Some((indent, rest[..n].to_owned()))
}

/// Whether `line` closes the block `fence` opened: the same character, at least as many.
fn fence_closes(line: &str, fence: &str) -> bool {
    let rest = line.trim();
    let c = fence.chars().next().unwrap_or('`');
    !rest.is_empty() && rest.chars().all(|x| x == c) && rest.len() >= fence.len()
}

/// The width of a list marker starting `line` (after its indentation) with the space after it.
fn list_marker(line: &str) -> Option<usize> {
    let rest = line.trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = if digits == 0 {
        usize::from(rest.starts_with(['-', '*', '+']))
    } else if digits <= 9 && rest[digits..].starts_with(['.', ')']) {
        digits + 1
    } else {
        0
    };
    if marker == 0 {
        return None;
    }
    let after = &rest[marker..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    (spaces >= 1 && !after.trim().is_empty()).then_some(marker + spaces.min(4))
}

/// The labels of the reference definitions (`[label]: url`), lower-cased.
fn reference_labels(lines: &[&str]) -> BTreeSet<String> {
    lines
        .iter()
        .filter_map(|l| reference_definition(l))
        .map(|label| label.to_lowercase())
        .collect()
}

fn reference_definition(line: &str) -> Option<&str> {
    let rest = line.trim_start();
    if indent_of(line) > 3 || !rest.starts_with('[') {
        return None;
    }
    let close = rest.find(']')?;
    let label = &rest[1..close];
    let after = rest[close + 1..].strip_prefix(':')?;
    (!label.is_empty() && !after.trim().is_empty()).then_some(label)
}

/// Sanitises the inline text of one paragraph.
fn inline(text: &str, refs: &BTreeSet<String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut escaped_open = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if line_start {
            line_start = false;
            let line = rest.split('\n').next().unwrap_or("");
            if reference_definition(line).is_some() {
                out.push_str(line);
                i += line.len();
                continue;
            }
        }
        match c {
            '\n' => {
                line_start = true;
                out.push('\n');
                i += 1;
            }
            '\\' => {
                // An escape already present stays as it is.
                let next = rest[1..].chars().next();
                let len = 1 + next
                    .filter(char::is_ascii_punctuation)
                    .map_or(0, char::len_utf8);
                out.push_str(&rest[..len]);
                i += len;
            }
            '`' => {
                let len = code_span(rest)
                    .unwrap_or_else(|| rest.len() - rest.trim_start_matches('`').len());
                out.push_str(&rest[..len]);
                i += len;
            }
            '<' => {
                if let Some(len) = autolink(rest) {
                    out.push_str(&rest[..len]);
                    i += len;
                } else {
                    out.push_str("\\<");
                    escaped_open += 1;
                    i += 1;
                }
            }
            '>' if escaped_open > 0 => {
                out.push_str("\\>");
                escaped_open -= 1;
                i += 1;
            }
            '[' => {
                if let Some(len) = link(rest, refs) {
                    out.push_str(&rest[..len]);
                    i += len;
                } else {
                    out.push_str("\\[");
                    i += 1;
                }
            }
            'h' if starts_url(text, i) => {
                let len = url_len(rest);
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                i += len;
            }
            _ => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// The length of the code span opening `text` (a backtick run and the next run of the same
/// length), or `None` when nothing closes it.
fn code_span(text: &str) -> Option<usize> {
    let n = text.len() - text.trim_start_matches('`').len();
    let mut at = n;
    while let Some(found) = text[at..].find('`') {
        let start = at + found;
        let run = text[start..].len() - text[start..].trim_start_matches('`').len();
        if run == n {
            return Some(start + run);
        }
        at = start + run;
    }
    None
}

/// The length of the autolink opening `text` (`<scheme:…>` or `<name@host>`), if it is one.
fn autolink(text: &str) -> Option<usize> {
    let close = text.find('>')?;
    let inner = &text[1..close];
    if inner.is_empty() || inner.contains(|c: char| c.is_whitespace() || c == '<') {
        return None;
    }
    let is_uri = inner.split_once(':').is_some_and(|(scheme, _)| {
        (2..=32).contains(&scheme.len())
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    let is_email = inner.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host.contains('.')
            && !host.starts_with('.')
            && (user.chars().chain(host.chars()))
                .all(|c| c.is_ascii_alphanumeric() || ".-_+".contains(c))
    });
    (is_uri || is_email).then_some(close + 1)
}

/// The length of the Markdown link opening `text`: `[label](destination)`, or `[label]`,
/// `[label][]` or `[label][ref]` naming a reference defined in the same text.
fn link(text: &str, refs: &BTreeSet<String>) -> Option<usize> {
    let close = matching(text, '[', ']')?;
    let label = &text[1..close];
    let after = &text[close + 1..];
    if after.starts_with('(') {
        return matching(after, '(', ')').map(|end| close + 1 + end + 1);
    }
    if after.starts_with('[') {
        let end = matching(after, '[', ']')?;
        let reference = &after[1..end];
        let name = if reference.is_empty() {
            label
        } else {
            reference
        };
        return refs
            .contains(&name.to_lowercase())
            .then_some(close + 1 + end + 1);
    }
    refs.contains(&label.to_lowercase()).then_some(close + 1)
}

/// The index of the bracket that closes the one opening `text`, on the same line.
fn matching(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '\n' => return None,
            _ if c == open => depth += 1,
            _ if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a bare `http://` or `https://` URL starts at byte `i` of `text`.
fn starts_url(text: &str, i: usize) -> bool {
    let rest = &text[i..];
    let scheme = if rest.starts_with("https://") {
        8
    } else if rest.starts_with("http://") {
        7
    } else {
        return false;
    };
    let before = text[..i].chars().next_back();
    let host = rest[scheme..].chars().next();
    !before.is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '_')
        && host.is_some_and(|c| c.is_alphanumeric() || c == '{' || c == '[')
}

/// The length of the URL at the start of `text`: up to a space or a character no URL holds,
/// without trailing punctuation and without a closing bracket it did not open.
fn url_len(text: &str) -> usize {
    let mut end = text
        .find(|c: char| c.is_whitespace() || "<>\"`".contains(c))
        .unwrap_or(text.len());
    loop {
        let url = &text[..end];
        let Some(last) = url.chars().next_back() else {
            break;
        };
        let unbalanced = |open: char, close: char| {
            last == close && url.matches(open).count() < url.matches(close).count()
        };
        if ".,;:!?'*_".contains(last) || unbalanced('(', ')') || unbalanced('[', ']') {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_line_text_never_opens_a_block() {
        assert_eq!(one_line("    let x = 1;\n    y();"), "let x = 1; y();");
        // A fence's info may hold no backtick: this is a code span already.
        assert_eq!(one_line("```json {} ```"), "```json {} ```");
        assert_eq!(one_line("```\ncode\n```"), "``` code ```");
        assert_eq!(one_line("~~~ tildes"), code("~~~ tildes"));
        assert!(!one_line("~~~ tildes").starts_with('~'));
        assert_eq!(
            one_line("A <b>title</b>\r\nwith  space"),
            "A \\<b\\>title\\</b\\> with space"
        );
    }

    #[test]
    fn a_label_stays_out_of_a_code_block() {
        assert_eq!(labelled("Note:", " plain "), "Note: plain");
        assert_eq!(
            labelled("Note:", "```\ncode\n```"),
            "Note:\n\n```\ncode\n```"
        );
        assert_eq!(labelled("Note:", "\n    code"), "Note:\n\n    code");
    }

    #[test]
    fn a_carriage_return_ends_a_line() {
        assert_eq!(lines("one\rtwo\r\nthree\n"), ["one", "two", "three"]);
    }

    #[test]
    fn direction_marks_are_written_as_escapes() {
        let text = "a \u{202e}reversed\u{202c} b \u{2067}c\u{2069} \u{200b}kept";
        assert_eq!(
            lines(text),
            ["a \\u{202e}reversed\\u{202c} b \\u{2067}c\\u{2069} \u{200b}kept"]
        );
    }

    use super::*;

    #[test]
    fn fenced_code_becomes_text() {
        let text = "Send it as:\n\n```rust\nlet x = call();\n```\n\nDone.";
        assert_eq!(
            sanitize(text),
            "Send it as:\n\n```text\nlet x = call();\n```\n\nDone."
        );
        // The fence character and length are kept, content is copied untouched.
        assert_eq!(
            sanitize("~~~~\n<a> [b] https://x.example\n~~~~"),
            "~~~~text\n<a> [b] https://x.example\n~~~~"
        );
        // A fence nobody closes is closed at the end.
        assert_eq!(sanitize("```\ncurl x"), "```text\ncurl x\n```");
    }

    #[test]
    fn indented_code_becomes_fenced_text() {
        let text = "Example:\n\n    curl -X POST \\\n      https://x.example\n\n    echo\n\nAfter.";
        assert_eq!(
            sanitize(text),
            "Example:\n\n```text\ncurl -X POST \\\n  https://x.example\n\necho\n```\n\nAfter."
        );
        // An indented line that continues a paragraph is no code.
        assert_eq!(sanitize("one\n    two"), "one\n    two");
        // Code inside a list item is fenced at the item's indentation.
        assert_eq!(
            sanitize("- item\n\n      code()"),
            "- item\n\n  ```text\n  code()\n  ```"
        );
    }

    #[test]
    fn bare_url_becomes_link() {
        assert_eq!(
            sanitize("See https://x.example/a?b=1, or (http://y.example/p_(1))."),
            "See <https://x.example/a?b=1>, or (<http://y.example/p_(1)>)."
        );
        assert_eq!(
            sanitize("Base https://{domain}/api."),
            "Base <https://{domain}/api>."
        );
        // Links, autolinks and code are left alone.
        let kept = "[docs](https://x.example) <https://y.example> `https://z.example`";
        assert_eq!(sanitize(kept), kept);
    }

    #[test]
    fn placeholder_is_escaped() {
        assert_eq!(
            sanitize("Send `Bearer <key>` as Bearer <key> to <name>.php"),
            "Send `Bearer <key>` as Bearer \\<key\\> to \\<name\\>.php"
        );
        assert_eq!(sanitize("a <b -> c"), "a \\<b -\\> c");
        assert_eq!(sanitize("1 > 0"), "1 > 0");
        assert_eq!(sanitize("<api key>"), "\\<api key\\>");
        // A code span may run over a line break.
        assert_eq!(sanitize("`Bearer\n<key>` <x>"), "`Bearer\n<key>` \\<x\\>");
    }

    #[test]
    fn brackets_are_no_intra_doc_link() {
        assert_eq!(
            sanitize("The [id] of [POST /users.me] and ids[]"),
            "The \\[id] of \\[POST /users.me] and ids\\[]"
        );
        // Real Markdown links stay.
        let kept = "See [the page](https://x.example) and [Foo][foo].\n\n[foo]: https://y.example";
        assert_eq!(sanitize(kept), kept);
    }

    #[test]
    fn empty_docs_give_nothing() {
        assert_eq!(sanitize(""), "");
        assert_eq!(sanitize(" \n\n \t\n"), "");
        assert_eq!(sanitize("\n\na\n\n\n\nb\n\n"), "a\n\nb");
        assert!(lines("").is_empty());
        assert!(lines("\n\n\n").is_empty());
        assert_eq!(
            lines("Title\n\n\n\n\n\nSource.\n\n"),
            ["Title", "", "Source."]
        );
        // Blank lines inside a code block are content.
        assert_eq!(
            lines("```text\na\n\n\nb\n```"),
            ["```text", "a", "", "", "b", "```"]
        );
    }

    #[test]
    fn list_continuations_are_indented_like_their_item() {
        assert_eq!(
            sanitize("- first\nlazy\n- second\n      deep"),
            "- first\n  lazy\n- second\n  deep"
        );
        assert_eq!(sanitize("1. one\n\nAfter"), "1. one\n\nAfter");
        assert_eq!(sanitize("a\tb"), "a    b");
    }

    #[test]
    fn sanitising_twice_changes_nothing() {
        let text = "x <y> [z] https://a.example\n\n    code\n\n```json\n{}\n```\n\n- a\nb";
        let once = sanitize(text);
        assert_eq!(sanitize(&once), once);
    }

    #[test]
    fn code_quotes_literal_text() {
        assert_eq!(code("a <b> [c]"), "`a <b> [c]`");
        assert_eq!(code("x `y` z"), "``x `y` z``");
        assert_eq!(code("`y`"), "`` `y` ``");
    }
}
