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

/// The id of a file of the media library named by a Markdown image: `/medias/<id>`.
fn library_image(dest: &str) -> Option<&str> {
    dest.strip_prefix("/medias/").filter(|id| crate::domain::attachment::is_id(id))
}

/// `to_html` for lessons: images of the media library show inline, as their light variant
/// (lazily, so a long lesson costs nothing below the fold), the original one tap away;
/// every other image stays a link.
pub fn to_html_with_media(md: &str) -> String {
    let mut events: Vec<Event> = vec![];
    // Inside a library image: its id and the alt text gathered so far.
    let mut image: Option<(String, String)> = None;
    for event in Parser::new_ext(md, Options::empty()) {
        match (&mut image, event) {
            (None, Event::Start(Tag::Image { dest_url, .. })) if library_image(&dest_url).is_some() => {
                image = library_image(&dest_url).map(|id| (id.to_owned(), String::new()));
            }
            (Some((_, alt)), Event::Text(t) | Event::Code(t) | Event::InlineHtml(t)) => alt.push_str(&t),
            (Some(_), Event::End(TagEnd::Image)) => {
                let (id, alt) = image.take().unwrap_or_default();
                let mut alt_html = String::new();
                html::push_html(&mut alt_html, std::iter::once(Event::Text(CowStr::from(alt))));
                // The only HTML let through: made here, from a checked id and escaped text.
                events.push(Event::InlineHtml(CowStr::from(format!(
                    "<a href=\"/medias/{id}/original\"><img src=\"/medias/{id}\" alt=\"{}\" loading=\"lazy\"></a>",
                    alt_html.replace('"', "&quot;")
                ))));
            }
            (Some(_), _) => {}
            (None, e) => events.push(safe(e)),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
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

    #[test]
    fn lessons_show_library_images_inline_and_nothing_else() {
        let id = "0123456789abcdef0123456789abcdef";
        let html = to_html_with_media(&format!(
            "Voici ![la carte \"A\" <b>](/medias/{id}) et ![ailleurs](https://x.org/a.png)"
        ));
        assert!(html.contains(&format!("<a href=\"/medias/{id}/original\"><img src=\"/medias/{id}\" alt=\"la carte &quot;A&quot; &lt;b&gt;\" loading=\"lazy\"></a>")), "{html}");
        assert!(html.contains("<a href=\"https://x.org/a.png\">ailleurs</a>"), "third-party images stay links: {html}");
        let sneaky = to_html_with_media("<a href=\"/medias/x\"><img src=x onerror=alert(1)></a>");
        assert!(!sneaky.contains("<img"), "{sneaky}");
        assert!(to_html_with_media("![x](/medias/../../etc)").contains("<a href=\"/medias/../../etc\">x</a>"));
    }
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
