//! Search text processing, the same for documents and queries: lower-casing, accent folding
//! ("numérique" and "numerique" are one word), French or English Snowball stemming, and
//! the limits on what a query may be. Used by `store::search` on both databases.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

use super::locale::Locale;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words of a query beyond this are ignored.
pub const MAX_QUERY_WORDS: usize = 8;

/// Lower-case, without accents or ligatures.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c if unicode_normalization::char::is_combining_mark(c) => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Words that carry no meaning for search, in both languages (already folded).
const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il", "ils", "je",
    "la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "me", "meme", "mes", "moi", "mon", "ne", "nos", "notre",
    "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes",
    "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "c", "d", "j", "l", "m", "n", "s", "t", "y", "est",
    "sont", "the", "of", "and", "to", "in", "is", "it", "that", "for", "on", "with", "as", "by", "at", "an", "be",
    "this", "are", "or", "from", "was", "were", "its", "their",
];

/// The words of a text, folded, in order (stop words and one-letter words dropped).
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && !STOP_WORDS.contains(w))
        .map(str::to_owned)
        .collect()
}

fn stemmer(locale: Locale) -> Stemmer {
    Stemmer::create(match locale {
        Locale::Fr => Algorithm::French,
        Locale::En => Algorithm::English,
    })
}

/// The index terms of a text written in `locale`: folded then stemmed.
pub fn terms(text: &str, locale: Locale) -> Vec<String> {
    let s = stemmer(locale);
    words(text).iter().map(|w| s.stem(w).into_owned()).collect()
}

/// What a query asks for: for each word, the terms that match it (its French and English
/// stems), so that a query finds documents in either language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub words: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("query too long")]
    TooLong,
    #[error("no word to search")]
    NoWord,
}

impl QueryError {
    pub fn message_key(self) -> &'static str {
        match self {
            QueryError::TooLong => "error.search.too_long",
            QueryError::NoWord => "error.search.no_word",
        }
    }
}

impl Query {
    pub fn parse(input: &str) -> Result<Query, QueryError> {
        if input.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let (fr, en) = (stemmer(Locale::Fr), stemmer(Locale::En));
        let mut seen = std::collections::HashSet::new();
        let words: Vec<Vec<String>> = words(input)
            .into_iter()
            .filter(|w| seen.insert(w.clone()))
            .take(MAX_QUERY_WORDS)
            .map(|w| {
                let mut v = vec![fr.stem(&w).into_owned(), en.stem(&w).into_owned()];
                v.sort();
                v.dedup();
                v
            })
            .collect();
        if words.is_empty() {
            return Err(QueryError::NoWord);
        }
        Ok(Query { words })
    }

    /// Every term of every word.
    pub fn all_terms(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.words.iter().flatten().map(String::as_str).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// True when a word of a text (stemmed either way) is one the query asks for.
    fn matches(&self, word: &str, stemmers: &(Stemmer, Stemmer)) -> bool {
        let folded = fold(word);
        let (fr, en) = (stemmers.0.stem(&folded), stemmers.1.stem(&folded));
        self.words.iter().flatten().any(|t| *t == fr || *t == en)
    }
}

/// Terms of a document with their weight: each field's weight times the occurrences, capped.
pub fn weighted_terms(fields: &[(&str, i64)], locale: Locale) -> Vec<(String, i64)> {
    let mut weights: std::collections::BTreeMap<String, i64> = Default::default();
    for (text, field_weight) in fields {
        for t in terms(text, locale) {
            let w = weights.entry(t).or_default();
            *w = (*w + field_weight).min(field_weight * 5 + 20);
        }
    }
    weights.into_iter().filter(|(t, _)| t.len() <= 60).collect()
}

/// A piece of `text` around the first match, with matches wrapped in `<mark>`; HTML-escaped.
pub fn snippet(text: &str, query: &Query, max_words: usize) -> String {
    let stemmers = (stemmer(Locale::Fr), stemmer(Locale::En));
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let first = tokens
        .iter()
        .position(|t| query.matches(t.trim_matches(|c: char| !c.is_alphanumeric()), &stemmers))
        .unwrap_or(0);
    let start = first.saturating_sub(max_words / 3);
    let end = (start + max_words).min(tokens.len());
    let mut out = String::new();
    if start > 0 {
        out.push_str("… ");
    }
    for (i, tok) in tokens[start..end].iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = tok.trim_matches(|c: char| !c.is_alphanumeric());
        if !core.is_empty() && query.matches(core, &stemmers) {
            let (pre, rest) = tok.split_at(tok.find(core).unwrap_or(0));
            let post = &rest[core.len()..];
            out.push_str(&escape(pre));
            out.push_str("<mark>");
            out.push_str(&escape(core));
            out.push_str("</mark>");
            out.push_str(&escape(post));
        } else {
            out.push_str(&escape(tok));
        }
    }
    if end < tokens.len() {
        out.push_str(" …");
    }
    out
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accents_do_not_matter() {
        assert_eq!(fold("Numérique, ÉGALITÉ, cœur"), "numerique, egalite, coeur");
        let q = Query::parse("numerique").unwrap();
        let doc = terms("projets numériques d’action citoyenne", Locale::Fr);
        assert!(q.all_terms().iter().any(|t| doc.contains(&t.to_string())), "{q:?} vs {doc:?}");
    }

    #[test]
    fn english_and_french_stems() {
        let q = Query::parse("citizens").unwrap();
        assert!(terms("engaged citizen projects", Locale::En).iter().any(|t| q.all_terms().contains(&t.as_str())));
        let q = Query::parse("formations").unwrap();
        assert!(terms("une formation en ligne", Locale::Fr).iter().any(|t| q.all_terms().contains(&t.as_str())));
    }

    #[test]
    fn bad_queries() {
        assert_eq!(Query::parse(&"a".repeat(201)), Err(QueryError::TooLong));
        assert_eq!(Query::parse("!!! ??? ..."), Err(QueryError::NoWord));
        assert_eq!(Query::parse("le la les"), Err(QueryError::NoWord));
        assert_eq!(Query::parse(&"mot ".repeat(20)).unwrap().words.len(), 1, "repeated words count once");
    }

    #[test]
    fn snippets_highlight_and_escape() {
        let q = Query::parse("numerique").unwrap();
        let s = snippet("Un <projet> très numérique, vraiment.", &q, 30);
        assert_eq!(s, "Un &lt;projet&gt; très <mark>numérique</mark>, vraiment.");
    }

    proptest! {
        #[test]
        fn any_input_is_handled(s in "\\PC{0,300}") {
            if let Ok(q) = Query::parse(&s) {
                prop_assert!(!q.words.is_empty() && q.words.len() <= MAX_QUERY_WORDS);
                let _ = snippet(&s, &q, 20);
            }
        }
    }
}
