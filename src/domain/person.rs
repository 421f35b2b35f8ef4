//! A person's display name.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong,
    #[error("forbidden characters")]
    Forbidden,
}

impl NameError {
    pub fn message_key(self) -> &'static str {
        match self {
            NameError::Empty => "error.name.empty",
            NameError::TooLong => "error.name.too_long",
            NameError::Forbidden => "error.name.forbidden",
        }
    }
}

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    /// Trims and collapses inner white space; refuses control characters and angle brackets
    /// (a name is shown in e-mails and lists, never markup).
    pub fn parse(input: &str) -> Result<PersonName, NameError> {
        let collapsed = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(NameError::Empty);
        }
        if collapsed.chars().count() > Self::MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if collapsed.chars().any(|c| c.is_control() || c == '<' || c == '>') {
            return Err(NameError::Forbidden);
        }
        Ok(PersonName(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(PersonName::parse("  Seynabou   Sy Ndiaye ").unwrap().as_str(), "Seynabou Sy Ndiaye");
        assert_eq!(PersonName::parse(" \t").unwrap_err(), NameError::Empty);
        assert_eq!(PersonName::parse("<b>x</b>").unwrap_err(), NameError::Forbidden);
        assert_eq!(PersonName::parse(&"a".repeat(101)).unwrap_err(), NameError::TooLong);
    }
}
