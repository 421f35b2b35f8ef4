//! The safe subset of Markdown used for programme stories and report forewords: paragraphs,
//! emphasis, lists, headings (shifted below the page title), quotes and links to http(s) or
//! mailto. Raw HTML is refused when saving and, should any reach the renderer, shown as text.

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MarkdownError {
    #[error("raw HTML is not allowed")]
    Html,
    #[error("a link uses a forbidden scheme")]
    LinkScheme,
    #[error("too long")]
    TooLong,
}

impl MarkdownError {
    pub fn message_key(self) -> &'static str {
        match self {
            MarkdownError::Html => "error.markdown.html",
            MarkdownError::LinkScheme => "error.markdown.link",
            MarkdownError::TooLong => "error.markdown.too_long",
        }
    }
}

pub const MAX_CHARS: usize = 20_000;

fn link_is_safe(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    // Relative links and anchors are fine; absolute ones only with these schemes.
    let scheme_end = u.find(':');
    let first_slash = u.find(['/', '?', '#']);
    match (scheme_end, first_slash) {
        (Some(c), Some(s)) if s < c => true,
        (Some(_), _) => u.starts_with("http://") || u.starts_with("https://") || u.starts_with("mailto:"),
        (None, _) => true,
    }
}

/// Checks a text before it is saved.
pub fn validate(md: &str) -> Result<(), MarkdownError> {
    if md.chars().count() > MAX_CHARS {
        return Err(MarkdownError::TooLong);
    }
    for event in Parser::new_ext(md, Options::empty()) {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => return Err(MarkdownError::Html),
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })
                if !link_is_safe(&dest_url) =>
            {
                return Err(MarkdownError::LinkScheme)
            }
            _ => {}
        }
    }
    Ok(())
}

/// One event made safe to embed: raw HTML becomes text, unsafe links lose their target,
/// images become links (pages never load third-party images), headings start at h3.
fn safe(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest_url = if link_is_safe(&dest_url) { dest_url } else { CowStr::Borrowed("#") };
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            let dest_url = if link_is_safe(&dest_url) { dest_url } else { CowStr::Borrowed("#") };
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: shift(level), id, classes, attrs })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
        e => e,
    }
}

/// Renders to HTML that is safe to embed (see `safe`).
pub fn to_html(md: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(md, Options::empty()).map(safe));
    out
}

fn shift(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 | HeadingLevel::H3 => HeadingLevel::H3,
        HeadingLevel::H4 => HeadingLevel::H4,
        HeadingLevel::H5 => HeadingLevel::H5,
        HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// The text without markup, for search and excerpts.
pub fn plain_text(md: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(md, Options::empty()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // Inline ends (emphasis, links) add nothing: "**a**, b" stays "a, b".
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    #[test]
    fn refuses_html_and_dangerous_links() {
        assert_eq!(validate("Bonjour <script>alert(1)</script>"), Err(MarkdownError::Html));
        assert_eq!(validate("[clic](javascript:alert(1))"), Err(MarkdownError::LinkScheme));
        assert_eq!(validate("[clic](JavaScript:alert(1))"), Err(MarkdownError::LinkScheme));
        assert_eq!(validate("![x](data:text/html;base64,xx)"), Err(MarkdownError::LinkScheme));
        assert!(validate("**Connexions** [site](https://example.org) [rel](/programmes/x) [m](mailto:a@b.cd)").is_ok());
    }

    #[test]
    fn renders_safely() {
        let h = to_html("# Titre\n\nTexte <script>x</script> [a](javascript:x) ![i](https://tracker.example/p.png)");
        assert!(h.contains("<h3>Titre</h3>"));
        assert!(!h.contains("<script") && h.contains("&lt;script&gt;"));
        assert!(!h.contains("javascript:"));
        assert!(!h.contains("<img"));
        assert_eq!(plain_text("Un *projet* [lié](https://x.org)"), "Un projet lié");
        assert_eq!(plain_text("**Connexions citoyennes**, qui\n\nSuite"), "Connexions citoyennes, qui Suite");
    }

    proptest! {
        #[test]
        fn rendered_output_never_contains_active_content(s in "\\PC{0,200}") {
            let h = to_html(&s).to_ascii_lowercase();
            prop_assert!(!h.contains("<script"));
            prop_assert!(!h.contains("href=\"javascript"));
            prop_assert!(!h.contains("<img"));
            prop_assert!(!h.contains("<iframe"));
        }
    }
}
