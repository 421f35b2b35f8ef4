//! The password policy. Hashing lives in `store::accounts`; this module only decides whether
//! a chosen password is acceptable, so the rule is the same for the pages, the API and the CLI.

use super::email::Email;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 128;

/// A password that satisfies the policy. Its `Debug` never prints the secret.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("too common")]
    TooCommon,
    #[error("contains the e-mail address")]
    ContainsEmail,
}

impl PasswordError {
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordError::TooShort => "error.password.too_short",
            PasswordError::TooLong => "error.password.too_long",
            PasswordError::TooCommon => "error.password.too_common",
            PasswordError::ContainsEmail => "error.password.contains_email",
        }
    }
}

/// Passwords that appear at the top of every leaked-password list, plus local favourites.
const COMMON: &[&str] = &[
    "123456789",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "azertyuiop",
    "password1",
    "password123",
    "motdepasse",
    "motdepasse1",
    "motdepasse123",
    "0123456789",
    "1111111111",
    "0000000000",
    "iloveyou123",
    "football123",
    "bonjour123",
    "soleil1234",
    "abcdefghij",
    "azerty1234",
    "qwerty1234",
    "1q2w3e4r5t",
    "tremplin123",
    "tremplin2016",
    "changeme123",
    "welcome123",
    "bienvenue1",
    "bienvenue123",
    "administrator",
    "passw0rd123",
    "senegal123",
    "cameroun123",
    "abidjan123",
    "dakar12345",
    "jesus12345",
    "princesse1",
];

impl NewPassword {
    /// Checks the policy: length, not a well-known password, not built from the address.
    pub fn parse(candidate: &str, email: Option<&Email>) -> Result<NewPassword, PasswordError> {
        let chars = candidate.chars().count();
        if chars < MIN_LEN {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_LEN {
            return Err(PasswordError::TooLong);
        }
        let lower = candidate.to_lowercase();
        let distinct = {
            let mut c: Vec<char> = lower.chars().collect();
            c.sort_unstable();
            c.dedup();
            c.len()
        };
        if distinct < 4 || COMMON.contains(&lower.as_str()) {
            return Err(PasswordError::TooCommon);
        }
        if let Some(email) = email {
            let local = email.local_part();
            if local.len() >= 4 && lower.contains(local) {
                return Err(PasswordError::ContainsEmail);
            }
        }
        Ok(NewPassword(candidate.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        let email = Email::parse("awanabi@example.bj").unwrap();
        assert_eq!(NewPassword::parse("court", None).unwrap_err(), PasswordError::TooShort);
        assert_eq!(NewPassword::parse("Azertyuiop", None).unwrap_err(), PasswordError::TooCommon);
        assert_eq!(NewPassword::parse("aaaaaaaaaaaa", None).unwrap_err(), PasswordError::TooCommon);
        assert_eq!(NewPassword::parse("awanabi-2017!", Some(&email)).unwrap_err(), PasswordError::ContainsEmail);
        assert_eq!(NewPassword::parse(&"x1".repeat(65), None).unwrap_err(), PasswordError::TooLong);
        assert!(NewPassword::parse("brousse-camp Normandie", Some(&email)).is_ok());
        // Length counts characters, not bytes: accents are welcome.
        assert!(NewPassword::parse("éèàùçôîêâû", None).is_ok());
        assert!(!format!("{:?}", NewPassword::parse("brousse-camp 2017", None).unwrap()).contains("brousse"));
    }
}
