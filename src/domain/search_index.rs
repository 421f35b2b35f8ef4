//! The in-memory search index: posting lists per term, built from the stored index and
//! queried without touching the database. Ranking: the sum of the weights of the matched
//! terms; every word of the query must match; ties by document order.

use std::collections::HashMap;

use super::search::Query;

#[derive(Debug, Clone)]
pub struct IndexedDoc {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub title_en: String,
    pub body: String,
    pub body_en: String,
    pub url: String,
}

#[derive(Debug, Default)]
pub struct Index {
    docs: Vec<IndexedDoc>,
    postings: HashMap<String, Vec<(u32, u32)>>,
}

impl Index {
    /// `postings` are (term, document id, weight); those of unknown documents are ignored.
    pub fn build(mut docs: Vec<IndexedDoc>, postings: Vec<(String, i64, i64)>) -> Index {
        docs.sort_by_key(|d| d.id);
        let position: HashMap<i64, u32> = docs.iter().enumerate().map(|(i, d)| (d.id, i as u32)).collect();
        let mut map: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        for (term, doc, weight) in postings {
            if let Some(&p) = position.get(&doc) {
                map.entry(term).or_default().push((p, weight.clamp(0, u32::MAX as i64) as u32));
            }
        }
        Index { docs, postings: map }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// One page of results (best first) and the number of results in all.
    pub fn query(&self, q: &Query, page: usize, page_size: usize) -> (Vec<&IndexedDoc>, usize) {
        // Dense arrays over the documents: one pass over the postings of each word.
        let n = self.docs.len();
        let mut score = vec![0u64; n];
        let mut words_matched = vec![0u8; n];
        let mut last_word = vec![u8::MAX; n];
        for (wi, variants) in q.words.iter().enumerate() {
            let wi = wi as u8;
            for term in variants {
                for &(doc, w) in self.postings.get(term).map(Vec::as_slice).unwrap_or(&[]) {
                    let d = doc as usize;
                    if last_word[d] != wi {
                        last_word[d] = wi;
                        words_matched[d] += 1;
                    }
                    score[d] += w as u64;
                }
            }
        }
        let needed = q.words.len() as u8;
        let mut ranked: Vec<(u32, u64)> =
            (0..n).filter(|&d| words_matched[d] == needed).map(|d| (d as u32, score[d])).collect();
        let total = ranked.len();
        let end = ((page + 1) * page_size).min(total);
        let start = (page * page_size).min(end);
        let order = |a: &(u32, u64), b: &(u32, u64)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if end < total && end > 0 {
            ranked.select_nth_unstable_by(end - 1, order);
            ranked.truncate(end);
        }
        ranked.sort_unstable_by(order);
        (ranked[start..].iter().map(|(d, _)| &self.docs[*d as usize]).collect(), total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::locale::Locale;
    use crate::domain::search::weighted_terms;

    fn index(texts: &[&str]) -> Index {
        let docs: Vec<IndexedDoc> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| IndexedDoc {
                id: i as i64 + 1,
                kind: "programme".into(),
                title: t.to_string(),
                title_en: String::new(),
                body: String::new(),
                body_en: String::new(),
                url: format!("/p/{i}"),
            })
            .collect();
        let postings = texts
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                weighted_terms(&[(t, 1)], Locale::Fr).into_iter().map(move |(term, w)| (term, i as i64 + 1, w))
            })
            .collect();
        Index::build(docs, postings)
    }

    #[test]
    fn every_word_must_match_and_weights_rank() {
        let idx = index(&["projet numérique", "projet projet projet agricole", "numérique seulement", "autre chose"]);
        let (hits, total) = idx.query(&Query::parse("projet").unwrap(), 0, 10);
        assert_eq!(total, 2);
        assert_eq!(hits[0].id, 2, "more occurrences rank higher");
        let (hits, total) = idx.query(&Query::parse("numerique projets").unwrap(), 0, 10);
        assert_eq!((total, hits[0].id), (1, 1));
        let (hits, total) = idx.query(&Query::parse("introuvable").unwrap(), 0, 10);
        assert_eq!((hits.len(), total), (0, 0));
    }

    #[test]
    fn pages_cover_all_results_once() {
        let texts: Vec<String> = (0..25).map(|i| format!("projet {}", "x ".repeat(i % 4))).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let idx = index(&refs);
        let q = Query::parse("projet").unwrap();
        let mut seen = vec![];
        for page in 0..3 {
            let (hits, total) = idx.query(&q, page, 10);
            assert_eq!(total, 25);
            seen.extend(hits.iter().map(|d| d.id));
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 25);
        assert!(idx.query(&q, 5, 10).0.is_empty());
    }
}
