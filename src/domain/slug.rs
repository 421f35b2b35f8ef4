//! The last part of a public address, e.g. `connexions-citoyennes`.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// Lower-case ASCII letters, digits and single dashes, 1 to 100 characters.
    pub fn parse(s: &str) -> Option<Slug> {
        let ok = !s.is_empty()
            && s.len() <= 100
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| Slug(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Slug;

    #[test]
    fn slugs() {
        assert!(Slug::parse("connexions-citoyennes").is_some());
        for bad in ["", "-a", "a-", "a--b", "A", "é", "a\0b", &"a".repeat(101)] {
            assert!(Slug::parse(bad).is_none(), "{bad:?}");
        }
    }
}
