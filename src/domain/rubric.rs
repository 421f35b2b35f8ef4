//! The rubric of a call: weighted criteria, each scored on its own integer scale. A review
//! is checked against it criterion by criterion (so the reviewer sees which score is wrong),
//! and its weighted score is what aggregation and ranking work on. A rubric is stored as
//! JSON with each call, so these types are its schema.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Scores of one review by criterion id.
pub type Scores = BTreeMap<String, i32>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub label_en: String,
    /// What the reviewer should look for, shown beside the score.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub description_en: String,
    pub scale_min: i32,
    pub scale_max: i32,
    /// Relative weight in the weighted score; never zero.
    pub weight: u32,
    /// A complete review must score it.
    #[serde(default)]
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub criteria: Vec<Criterion>,
    /// A complete review must carry a comment.
    #[serde(default)]
    pub comment_required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RubricError {
    #[error("a rubric needs at least one criterion")]
    NoCriterion,
    #[error("a criterion has an empty id")]
    EmptyId,
    #[error("criterion id {0:?} is used twice")]
    DuplicateId(String),
    #[error("criterion {0:?} has an empty label")]
    EmptyLabel(String),
    #[error("criterion {0:?} has a scale whose minimum is not below its maximum")]
    BadScale(String),
    #[error("criterion {0:?} has a zero weight")]
    ZeroWeight(String),
}

impl RubricError {
    pub fn message_key(&self) -> &'static str {
        match self {
            RubricError::NoCriterion => "error.rubric.no_criterion",
            RubricError::EmptyId => "error.rubric.empty_id",
            RubricError::DuplicateId(_) => "error.rubric.duplicate_id",
            RubricError::EmptyLabel(_) => "error.rubric.empty_label",
            RubricError::BadScale(_) => "error.rubric.bad_scale",
            RubricError::ZeroWeight(_) => "error.rubric.zero_weight",
        }
    }
}

/// What is wrong with one score of a review.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("score {given} for {criterion:?} is outside {min}..={max}")]
    OutOfScale { criterion: String, given: i32, min: i32, max: i32 },
    #[error("there is no criterion {0:?} in this rubric")]
    UnknownCriterion(String),
    #[error("criterion {0:?} must be scored")]
    Missing(String),
}

impl ScoreError {
    pub fn message_key(&self) -> &'static str {
        match self {
            ScoreError::OutOfScale { .. } => "error.review.out_of_scale",
            ScoreError::UnknownCriterion(_) => "error.review.unknown_criterion",
            ScoreError::Missing(_) => "error.review.missing_score",
        }
    }

    /// The criterion the error is about, to show it beside the right field.
    pub fn criterion(&self) -> &str {
        match self {
            ScoreError::OutOfScale { criterion, .. } => criterion,
            ScoreError::UnknownCriterion(c) | ScoreError::Missing(c) => c,
        }
    }
}

impl Criterion {
    fn new(id: &str, label: &str, label_en: &str, description: &str, description_en: &str, weight: u32) -> Criterion {
        Criterion {
            id: id.into(),
            label: label.into(),
            label_en: label_en.into(),
            description: description.into(),
            description_en: description_en.into(),
            scale_min: 0,
            scale_max: 5,
            weight,
            required: true,
        }
    }

    /// Where a score sits on this criterion's scale: 0 at the minimum, 1 at the maximum.
    fn fraction(&self, score: i32) -> f64 {
        (score as f64 - self.scale_min as f64) / (self.scale_max as f64 - self.scale_min as f64)
    }

    fn check(&self, score: i32) -> Result<(), ScoreError> {
        if (self.scale_min..=self.scale_max).contains(&score) {
            Ok(())
        } else {
            Err(ScoreError::OutOfScale {
                criterion: self.id.clone(),
                given: score,
                min: self.scale_min,
                max: self.scale_max,
            })
        }
    }
}

impl Rubric {
    /// The rubric a new call starts with: four criteria scored 0 to 5, relevance and
    /// impact weighing more than feasibility and motivation.
    pub fn default_fr() -> Rubric {
        Rubric {
            criteria: vec![
                Criterion::new(
                    "pertinence",
                    "Pertinence citoyenne",
                    "Civic relevance",
                    "Le projet répond-il à un vrai problème de la communauté ?",
                    "Does the project answer a real problem of the community?",
                    3,
                ),
                Criterion::new(
                    "faisabilite",
                    "Faisabilité",
                    "Feasibility",
                    "Le projet peut-il être mené avec les moyens et le temps du programme ?",
                    "Can the project be carried out with the programme's means and time?",
                    2,
                ),
                Criterion::new(
                    "impact",
                    "Potentiel d'impact",
                    "Impact potential",
                    "Combien de personnes, et à quel point, le projet peut-il toucher ?",
                    "How many people could the project reach, and how deeply?",
                    3,
                ),
                Criterion::new(
                    "motivation",
                    "Motivation",
                    "Motivation",
                    "La personne montre-t-elle l'engagement de suivre tout le programme ?",
                    "Does the applicant show the commitment to follow the whole programme?",
                    2,
                ),
            ],
            comment_required: true,
        }
    }

    pub fn validate(&self) -> Result<(), RubricError> {
        if self.criteria.is_empty() {
            return Err(RubricError::NoCriterion);
        }
        let mut seen = BTreeSet::new();
        for c in &self.criteria {
            if c.id.trim().is_empty() {
                return Err(RubricError::EmptyId);
            }
            if !seen.insert(c.id.as_str()) {
                return Err(RubricError::DuplicateId(c.id.clone()));
            }
            if c.label.trim().is_empty() {
                return Err(RubricError::EmptyLabel(c.id.clone()));
            }
            if c.scale_min >= c.scale_max {
                return Err(RubricError::BadScale(c.id.clone()));
            }
            if c.weight == 0 {
                return Err(RubricError::ZeroWeight(c.id.clone()));
            }
        }
        Ok(())
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// Every problem with the scores, in rubric order then unknown ids. A draft
    /// (`complete == false`) may leave criteria unscored; a complete review must score every
    /// required criterion.
    pub fn check_scores(&self, scores: &Scores, complete: bool) -> Vec<ScoreError> {
        let mut out = vec![];
        for c in &self.criteria {
            match scores.get(&c.id) {
                Some(&s) => out.extend(c.check(s).err()),
                None if complete && c.required => out.push(ScoreError::Missing(c.id.clone())),
                None => {}
            }
        }
        for id in scores.keys() {
            if self.criterion(id).is_none() {
                out.push(ScoreError::UnknownCriterion(id.clone()));
            }
        }
        out
    }

    /// The weighted score out of 100 of a complete, valid review; `None` otherwise.
    ///
    /// Each score is first placed on its own scale, `(score − min) / (max − min)`, so a
    /// criterion scored 1–10 and one scored 0–5 count by their weights and not by the width
    /// of their scales. The weighted mean of these fractions (over the criteria scored:
    /// an optional criterion left unscored drops out rather than counting as zero) is then
    /// multiplied by 100: 0 means the minimum everywhere, 100 the maximum everywhere.
    pub fn weighted(&self, scores: &Scores) -> Option<f64> {
        if !self.check_scores(scores, true).is_empty() {
            return None;
        }
        let (mut sum, mut weights) = (0.0, 0u64);
        for c in &self.criteria {
            if let Some(&s) = scores.get(&c.id) {
                sum += c.weight as f64 * c.fraction(s);
                weights += c.weight as u64;
            }
        }
        (weights > 0).then(|| 100.0 * sum / weights as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scores(pairs: &[(&str, i32)]) -> Scores {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn the_default_rubric_is_valid_and_bilingual() {
        let r = Rubric::default_fr();
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(r.criteria.len(), 4);
        assert!(r.criteria.iter().all(|c| !c.label_en.is_empty() && !c.description_en.is_empty()));
        assert_eq!(r.criteria[0].label, "Pertinence citoyenne");
        assert_eq!(r.criteria[2].label, "Potentiel d'impact");
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Rubric>(&json).unwrap(), r);
    }

    #[test]
    fn bad_rubrics_are_refused_with_the_criterion_named() {
        let base = Rubric::default_fr();
        let with = |f: &dyn Fn(&mut Rubric)| {
            let mut r = base.clone();
            f(&mut r);
            r.validate().unwrap_err()
        };
        assert_eq!(with(&|r| r.criteria.clear()), RubricError::NoCriterion);
        assert_eq!(with(&|r| r.criteria[1].id = " ".into()), RubricError::EmptyId);
        assert_eq!(with(&|r| r.criteria[1].id = "impact".into()), RubricError::DuplicateId("impact".into()));
        assert_eq!(with(&|r| r.criteria[1].label = "".into()), RubricError::EmptyLabel("faisabilite".into()));
        assert_eq!(with(&|r| r.criteria[3].scale_min = 5), RubricError::BadScale("motivation".into()));
        assert_eq!(with(&|r| r.criteria[0].weight = 0), RubricError::ZeroWeight("pertinence".into()));
        assert_eq!(RubricError::NoCriterion.message_key(), "error.rubric.no_criterion");
    }

    #[test]
    fn scores_are_checked_criterion_by_criterion() {
        let r = Rubric::default_fr();
        let s = scores(&[("pertinence", 6), ("impact", 3), ("style", 2)]);
        let errors = r.check_scores(&s, true);
        assert_eq!(
            errors,
            vec![
                ScoreError::OutOfScale { criterion: "pertinence".into(), given: 6, min: 0, max: 5 },
                ScoreError::Missing("faisabilite".into()),
                ScoreError::Missing("motivation".into()),
                ScoreError::UnknownCriterion("style".into()),
            ]
        );
        assert_eq!(errors[0].message_key(), "error.review.out_of_scale");
        assert_eq!(errors[1].message_key(), "error.review.missing_score");
        assert_eq!(errors[3].message_key(), "error.review.unknown_criterion");
        assert_eq!(errors[3].criterion(), "style");
        // A draft may leave scores out, not put them out of scale.
        assert_eq!(r.check_scores(&s, false).len(), 2);
    }

    #[test]
    fn weighted_scores_combine_scales_by_weight() {
        let mut r = Rubric::default_fr();
        let all = |v| scores(&[("pertinence", v), ("faisabilite", v), ("impact", v), ("motivation", v)]);
        assert_eq!(r.weighted(&all(0)), Some(0.0));
        assert_eq!(r.weighted(&all(5)), Some(100.0));
        // Relevance (weight 3) at the top, the others at the bottom: 3 / 10.
        let s = scores(&[("pertinence", 5), ("faisabilite", 0), ("impact", 0), ("motivation", 0)]);
        assert!((r.weighted(&s).unwrap() - 30.0).abs() < 1e-9);
        // A 1–10 scale counts by weight, not by width: 10/10 weighs like 5/5.
        r.criteria[1].scale_min = 1;
        r.criteria[1].scale_max = 10;
        let s = scores(&[("pertinence", 0), ("faisabilite", 10), ("impact", 0), ("motivation", 0)]);
        assert!((r.weighted(&s).unwrap() - 20.0).abs() < 1e-9);
        // An optional criterion left out drops out of the mean.
        r.criteria[3].required = false;
        let s = scores(&[("pertinence", 5), ("faisabilite", 10), ("impact", 5)]);
        assert_eq!(r.weighted(&s), Some(100.0));
        // Invalid or incomplete reviews have no weighted score.
        assert_eq!(r.weighted(&scores(&[("pertinence", 5)])), None);
        assert_eq!(r.weighted(&all(9)), None);
    }

    proptest! {
        #[test]
        fn weighted_scores_stay_within_0_and_100(
            scales in proptest::collection::vec((-5i32..5, 1i32..10, 1u32..5), 1..6),
            picks in proptest::collection::vec(0.0f64..=1.0, 6),
        ) {
            let criteria: Vec<Criterion> = scales.iter().enumerate().map(|(i, &(min, width, weight))| Criterion {
                id: format!("c{i}"), label: format!("C{i}"), label_en: String::new(), description: String::new(),
                description_en: String::new(), scale_min: min, scale_max: min + width, weight, required: true,
            }).collect();
            let r = Rubric { criteria, comment_required: false };
            prop_assert!(r.validate().is_ok());
            let s: Scores = r.criteria.iter().zip(&picks)
                .map(|(c, p)| (c.id.clone(), c.scale_min + (p * (c.scale_max - c.scale_min) as f64).round() as i32))
                .collect();
            let w = r.weighted(&s).unwrap();
            prop_assert!((0.0..=100.0).contains(&w));
        }
    }
}
