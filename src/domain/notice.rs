//! The messages that tell applicants their result. A manager may rewrite each of them (per
//! decision and language): a one-line subject and a plain-text body, with placeholders
//! filled in for each applicant. Only known placeholders are accepted, so a typo such as
//! `{nom}` is caught when the text is saved, not discovered in 300 sent e-mails.

use std::fmt;

/// The decisions an applicant is told of (a declined place is not: she told us).
pub const DECISIONS: [&str; 3] = ["selected", "waitlisted", "rejected"];

/// What a template may contain between braces, with what it becomes.
pub const PLACEHOLDERS: [&str; 3] = [
    // the applicant's name
    "name", // the call's title, in the applicant's language
    "call", // the place on the waitlist (empty for the other decisions)
    "rank",
];

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 5000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    EmptySubject,
    SubjectTooLong,
    /// A subject is one line: e-mail headers cannot hold a line break.
    SubjectOnOneLine,
    EmptyBody,
    BodyTooLong,
    UnknownPlaceholder(String),
    /// A `{` without its `}`.
    UnclosedBrace,
}

impl TemplateError {
    pub fn message_key(&self) -> &'static str {
        match self {
            TemplateError::EmptySubject => "error.notice.empty_subject",
            TemplateError::SubjectTooLong => "error.notice.subject_too_long",
            TemplateError::SubjectOnOneLine => "error.notice.subject_one_line",
            TemplateError::EmptyBody => "error.notice.empty_body",
            TemplateError::BodyTooLong => "error.notice.body_too_long",
            TemplateError::UnknownPlaceholder(_) => "error.notice.unknown_placeholder",
            TemplateError::UnclosedBrace => "error.notice.unclosed_brace",
        }
    }
    /// Which field is at fault: "subject" or "body".
    pub fn field(&self) -> &'static str {
        match self {
            TemplateError::EmptySubject | TemplateError::SubjectTooLong | TemplateError::SubjectOnOneLine => "subject",
            _ => "body",
        }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message_key())
    }
}

/// A subject and a body that passed `Template::new`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    subject: String,
    body: String,
}

/// The placeholders named in `text`, in order, or the first fault.
fn placeholders(text: &str) -> Result<Vec<&str>, TemplateError> {
    let mut found = vec![];
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(TemplateError::UnclosedBrace)?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(TemplateError::UnknownPlaceholder(name.to_owned()));
        }
        found.push(name);
        rest = &after[close + 1..];
    }
    Ok(found)
}

impl Template {
    /// Checks a subject and a body as typed (trimmed; the body's line breaks normalised).
    pub fn new(subject: &str, body: &str) -> Result<Template, TemplateError> {
        let subject = subject.trim();
        let body = body.replace("\r\n", "\n").trim().to_owned();
        if subject.is_empty() {
            return Err(TemplateError::EmptySubject);
        }
        if subject.chars().count() > MAX_SUBJECT_CHARS {
            return Err(TemplateError::SubjectTooLong);
        }
        if subject.contains(['\n', '\r']) {
            return Err(TemplateError::SubjectOnOneLine);
        }
        placeholders(subject).map_err(|e| match e {
            TemplateError::UnknownPlaceholder(_) | TemplateError::UnclosedBrace => e,
            _ => e,
        })?;
        if body.is_empty() {
            return Err(TemplateError::EmptyBody);
        }
        if body.chars().count() > MAX_BODY_CHARS {
            return Err(TemplateError::BodyTooLong);
        }
        placeholders(&body)?;
        Ok(Template { subject: subject.to_owned(), body })
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn body(&self) -> &str {
        &self.body
    }

    /// The subject and body for one applicant. Values are inserted as they are: a name
    /// containing braces is not read as a placeholder.
    pub fn render(&self, values: &[(&str, &str)]) -> (String, String) {
        (fill(&self.subject, values), fill(&self.body, values))
    }
}

/// Replaces each known placeholder in one pass over the text.
fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(v),
                    None if PLACEHOLDERS.contains(&name) => {}
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_template_is_checked_when_saved() {
        let t = Template::new("  Résultat : {call} ", "Bonjour {name},\r\nvous êtes n° {rank}.").unwrap();
        assert_eq!(t.subject(), "Résultat : {call}");
        assert_eq!(t.body(), "Bonjour {name},\nvous êtes n° {rank}.");
        assert_eq!(Template::new(" ", "x"), Err(TemplateError::EmptySubject));
        assert_eq!(Template::new("s", " \n "), Err(TemplateError::EmptyBody));
        assert_eq!(Template::new("a\nb", "x"), Err(TemplateError::SubjectOnOneLine));
        assert_eq!(Template::new(&"s".repeat(201), "x"), Err(TemplateError::SubjectTooLong));
        assert_eq!(Template::new("s", &"x".repeat(5001)), Err(TemplateError::BodyTooLong));
        assert_eq!(Template::new("s", "Bonjour {nom}"), Err(TemplateError::UnknownPlaceholder("nom".into())));
        assert_eq!(Template::new("{call", "x"), Err(TemplateError::UnclosedBrace));
        assert_eq!(Template::new("s", "Bonjour {name"), Err(TemplateError::UnclosedBrace));
        assert_eq!(TemplateError::UnclosedBrace.field(), "body");
        assert_eq!(TemplateError::SubjectTooLong.field(), "subject");
    }

    #[test]
    fn placeholders_are_filled_once() {
        let t = Template::new("{call}", "Bonjour {name}, place {rank}.").unwrap();
        let (s, b) = t.render(&[("name", "Awa {call}"), ("call", "Connexions"), ("rank", "")]);
        assert_eq!(s, "Connexions");
        assert_eq!(b, "Bonjour Awa {call}, place .", "a value is never read as a placeholder");
    }

    proptest! {
        #[test]
        fn text_without_braces_renders_as_typed(body in "[^{}\\r]{1,300}") {
            prop_assume!(!body.trim().is_empty());
            let t = Template::new("Objet", &body).unwrap();
            prop_assert_eq!(t.render(&[("name", "x")]).1, body.trim());
        }

        #[test]
        fn any_text_is_either_refused_or_rendered_without_a_known_placeholder_left(body in "[a-z {}]{1,80}") {
            if let Ok(t) = Template::new("Objet", &body) {
                let (_, out) = t.render(&[("name", "N"), ("call", "C"), ("rank", "R")]);
                for p in PLACEHOLDERS {
                    let placeholder = format!("{{{p}}}");
                    prop_assert!(!out.contains(&placeholder));
                }
            }
        }
    }
}
