//! An e-mail address that has been checked and normalised.

use std::fmt;

/// A syntactically valid e-mail address, trimmed and lower-cased, so that two spellings of
/// one address compare equal. It cannot hold a bad value: the only way in is [`Email::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the e-mail address is empty")]
    Empty,
    #[error("the e-mail address is too long")]
    TooLong,
    #[error("the e-mail address is not valid")]
    Invalid,
}

impl EmailError {
    /// Catalogue key of the message shown to the user.
    pub fn message_key(self) -> &'static str {
        match self {
            EmailError::Empty => "error.email.empty",
            EmailError::TooLong => "error.email.too_long",
            EmailError::Invalid => "error.email.invalid",
        }
    }
}

impl Email {
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2);
        if !local_ok || !domain_ok {
            return Err(EmailError::Invalid);
        }
        Ok(Email(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`, used to refuse passwords built from the address.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises() {
        let e = Email::parse("  Seynabou.Ndiaye@Example.SN ").unwrap();
        assert_eq!(e.as_str(), "seynabou.ndiaye@example.sn");
        assert_eq!(e.local_part(), "seynabou.ndiaye");
    }

    #[test]
    fn refuses_bad_addresses() {
        for bad in ["", "  ", "a", "a@", "@b.c", "a@b", "a b@c.de", "a@b..c", "a..b@c.de", "a@-b.cd", "a@b.c"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(Email::parse(&format!("{}@b.cd", "a".repeat(250))), Err(EmailError::TooLong));
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(s in "\\PC{0,80}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e.clone());
                prop_assert!(e.as_str().len() <= 254);
            }
        }

        #[test]
        fn well_formed_addresses_parse(local in "[a-z0-9]{1,20}", domain in "[a-z0-9]{1,20}", tld in "[a-z]{2,6}") {
            let addr = format!("{local}@{domain}.{tld}");
            prop_assert!(Email::parse(&addr).is_ok());
        }
    }
}
