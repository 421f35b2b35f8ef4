//! From reviews to a ranking. Reviewers do not all score alike: some give 40 where others
//! give 70 for the same work. Each application's raw mean is kept, and beside it a
//! normalised mean that removes each reviewer's own level and spread (z-scores), so an
//! application is not ranked low only because it drew harsh reviewers. Managers also see
//! how much reviewers disagree, on an application (spread) and over the call (Krippendorff's
//! alpha), and who scores high or low compared with the others.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::rubric::Scores;

/// One complete review: its weighted score out of 100 (see `Rubric::weighted`) and the
/// scores by criterion. The store keeps at most one review per application and reviewer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub application: i64,
    pub reviewer: i64,
    pub score: f64,
    #[serde(default)]
    pub criteria: Scores,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// An application whose raw scores differ by more than this (max − min, out of 100)
    /// is flagged for a discussion.
    pub disagreement_threshold: f64,
    /// Reviewers with fewer reviews than this (at least 2) are not normalised: too few
    /// scores to tell their level from the applications they happened to read.
    pub min_reviews: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params { disagreement_threshold: 30.0, min_reviews: 3 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationResult {
    pub application: i64,
    pub reviews: usize,
    pub raw_mean: f64,
    /// Mean of the reviewers' normalised scores, on the 0–100 scale (see `aggregate`).
    pub normalised_mean: f64,
    /// Highest minus lowest raw score; 0 with a single review.
    pub spread: f64,
    pub disagreement: bool,
    /// Mean score by criterion, on each criterion's own scale.
    pub criteria_means: Vec<(String, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewerResult {
    pub reviewer: i64,
    pub reviews: usize,
    pub mean: f64,
    /// Population standard deviation of the reviewer's scores.
    pub sd: f64,
    /// Mean minus the mean of all reviews: negative for a harsh reviewer, positive for a
    /// lenient one.
    pub offset: f64,
    /// Whether this reviewer's scores were normalised by z-score (enough reviews, sd > 0).
    pub calibrated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Leaning {
    Harsh,
    Neutral,
    Lenient,
}

impl Leaning {
    pub fn message_key(self) -> &'static str {
        match self {
            Leaning::Harsh => "review.leaning.harsh",
            Leaning::Neutral => "review.leaning.neutral",
            Leaning::Lenient => "review.leaning.lenient",
        }
    }
}

impl ReviewerResult {
    /// Harsh or lenient when the offset is beyond `threshold` points.
    pub fn leaning(&self, threshold: f64) -> Leaning {
        if self.offset < -threshold {
            Leaning::Harsh
        } else if self.offset > threshold {
            Leaning::Lenient
        } else {
            Leaning::Neutral
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// In ranking order (see `ranking_order`).
    pub applications: Vec<ApplicationResult>,
    /// By reviewer id.
    pub reviewers: Vec<ReviewerResult>,
    pub global_mean: f64,
    pub global_sd: f64,
    /// Krippendorff's alpha (interval) over the weighted scores of the call; `None` when no
    /// application has two reviews or all scores are equal.
    pub alpha: Option<f64>,
}

/// Mean and population standard deviation.
fn mean_sd(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = values.clone().count();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = values.clone().sum::<f64>() / n as f64;
    let var = values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
    (mean, var.sqrt())
}

/// Ranking order: normalised mean descending, then raw mean descending, then the smaller
/// spread first (reviewers agreeing is more evidence than reviewers disagreeing), then the
/// application id ascending so the order never depends on input order.
pub fn ranking_order(a: &ApplicationResult, b: &ApplicationResult) -> Ordering {
    b.normalised_mean
        .total_cmp(&a.normalised_mean)
        .then(b.raw_mean.total_cmp(&a.raw_mean))
        .then(a.spread.total_cmp(&b.spread))
        .then(a.application.cmp(&b.application))
}

/// Krippendorff's alpha for interval data: 1 − observed / expected disagreement, from the
/// values of each unit (an application's scores, one per reviewer). Units with a single
/// value cannot be paired and are left out, as the method says. `None` when fewer than two
/// pairable units' values vary at all (the expected disagreement is zero) or none pair.
pub fn krippendorff_alpha_interval(units: &[Vec<f64>]) -> Option<f64> {
    let pairable = || units.iter().filter(|u| u.len() >= 2);
    let n: usize = pairable().map(Vec::len).sum();
    if n < 2 {
        return None;
    }
    // Σ over ordered pairs i ≠ j of (vi − vj)² = 2 m Σ (v − mean)², computed centred.
    let pairs_sq = |values: &mut dyn Iterator<Item = f64>, m: usize, mean: f64| {
        2.0 * m as f64 * values.map(|v| (v - mean) * (v - mean)).sum::<f64>()
    };
    let observed: f64 = pairable()
        .map(|u| {
            let mean = u.iter().sum::<f64>() / u.len() as f64;
            pairs_sq(&mut u.iter().copied(), u.len(), mean) / (u.len() - 1) as f64
        })
        .sum();
    let mean = pairable().flatten().sum::<f64>() / n as f64;
    let expected = pairs_sq(&mut pairable().flatten().copied(), n, mean);
    (expected > 0.0).then(|| 1.0 - (n - 1) as f64 * observed / expected)
}

/// Aggregates reviews (non-finite scores are ignored).
///
/// Normalisation: a reviewer with at least `min_reviews` reviews and a non-zero standard
/// deviation has each score turned into a z-score `(x − mean_r) / sd_r`, then mapped back
/// to the scale as `global_mean + z × global_sd` (mean and sd of all reviews), so a
/// normalised 70 reads like a raw 70 of an average reviewer. A reviewer who gave the same
/// score to everything (sd = 0, with enough reviews) tells nothing about order: each of her
/// scores becomes the global mean. A reviewer with too few reviews keeps her raw scores.
/// Normalised values are not clamped and may fall slightly outside 0–100.
pub fn aggregate(reviews: &[Review], params: &Params) -> Aggregate {
    let reviews: Vec<&Review> = reviews.iter().filter(|r| r.score.is_finite()).collect();
    let (global_mean, global_sd) = mean_sd(reviews.iter().map(|r| r.score));

    let mut by_reviewer: HashMap<i64, Vec<f64>> = HashMap::new();
    for r in &reviews {
        by_reviewer.entry(r.reviewer).or_default().push(r.score);
    }
    let mut reviewers: Vec<ReviewerResult> = by_reviewer
        .iter()
        .map(|(&reviewer, scores)| {
            let (mean, sd) = mean_sd(scores.iter().copied());
            ReviewerResult {
                reviewer,
                reviews: scores.len(),
                mean,
                sd,
                offset: mean - global_mean,
                calibrated: scores.len() >= params.min_reviews.max(2) && sd > 0.0,
            }
        })
        .collect();
    reviewers.sort_by_key(|r| r.reviewer);
    let stats: HashMap<i64, &ReviewerResult> = reviewers.iter().map(|r| (r.reviewer, r)).collect();
    let normalise = |r: &Review| {
        let s = stats[&r.reviewer];
        if s.calibrated {
            global_mean + (r.score - s.mean) / s.sd * global_sd
        } else if s.reviews >= params.min_reviews.max(2) {
            global_mean
        } else {
            r.score
        }
    };

    let mut by_application: HashMap<i64, Vec<&Review>> = HashMap::new();
    for r in &reviews {
        by_application.entry(r.application).or_default().push(r);
    }
    let mut applications: Vec<ApplicationResult> = by_application
        .iter()
        .map(|(&application, list)| {
            let n = list.len() as f64;
            let raw = list.iter().map(|r| r.score);
            let (min, max) = raw.clone().fold((f64::MAX, f64::MIN), |(lo, hi), s| (lo.min(s), hi.max(s)));
            let spread = max - min;
            let mut criteria: HashMap<&str, (f64, usize)> = HashMap::new();
            for (c, &s) in list.iter().flat_map(|r| r.criteria.iter()) {
                let e = criteria.entry(c).or_default();
                e.0 += s as f64;
                e.1 += 1;
            }
            let mut criteria_means: Vec<(String, f64)> =
                criteria.into_iter().map(|(c, (sum, count))| (c.to_owned(), sum / count as f64)).collect();
            criteria_means.sort_by(|a, b| a.0.cmp(&b.0));
            ApplicationResult {
                application,
                reviews: list.len(),
                raw_mean: raw.sum::<f64>() / n,
                normalised_mean: list.iter().map(|r| normalise(r)).sum::<f64>() / n,
                spread,
                disagreement: spread > params.disagreement_threshold,
                criteria_means,
            }
        })
        .collect();
    applications.sort_by(ranking_order);

    let units: Vec<Vec<f64>> = by_application.values().map(|l| l.iter().map(|r| r.score).collect()).collect();
    Aggregate { applications, reviewers, global_mean, global_sd, alpha: krippendorff_alpha_interval(&units) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn review(application: i64, reviewer: i64, score: f64) -> Review {
        Review { application, reviewer, score, criteria: Scores::new() }
    }

    #[test]
    fn alpha_matches_krippendorffs_worked_example() {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with
        // 4 observers, 12 units and missing values: alpha (interval) = 0.849.
        let observers: [[Option<f64>; 12]; 4] = {
            let n = None;
            let s = |v: f64| Some(v);
            [
                [s(1.), s(2.), s(3.), s(3.), s(2.), s(1.), s(4.), s(1.), s(2.), n, n, n],
                [s(1.), s(2.), s(3.), s(3.), s(2.), s(2.), s(4.), s(1.), s(2.), s(5.), n, s(3.)],
                [n, s(3.), s(3.), s(3.), s(2.), s(3.), s(4.), s(2.), s(2.), s(5.), s(1.), n],
                [s(1.), s(2.), s(3.), s(3.), s(2.), s(4.), s(4.), s(1.), s(2.), s(5.), s(1.), n],
            ]
        };
        let units: Vec<Vec<f64>> = (0..12).map(|u| observers.iter().filter_map(|o| o[u]).collect()).collect();
        let alpha = krippendorff_alpha_interval(&units).unwrap();
        assert!((alpha - 0.849).abs() < 1e-3, "{alpha}");
        assert_eq!(krippendorff_alpha_interval(&[vec![3.0, 3.0], vec![3.0, 3.0]]), None);
        assert_eq!(krippendorff_alpha_interval(&[vec![3.0]]), None);
        assert_eq!(krippendorff_alpha_interval(&[vec![1.0, 1.0], vec![5.0, 5.0]]), Some(1.0));
    }

    #[test]
    fn harsh_reviewers_do_not_sink_the_applications_they_read() {
        // Reviewer 1 scores 20 points below reviewer 2 on the same work. Application 10 is
        // read by 1 only, 20 by 2 only; both are the middle of their reviewer's range.
        let reviews = vec![
            review(1, 1, 30.0),
            review(2, 1, 40.0),
            review(10, 1, 50.0),
            review(3, 1, 60.0),
            review(4, 1, 70.0),
            review(1, 2, 50.0),
            review(2, 2, 60.0),
            review(20, 2, 70.0),
            review(3, 2, 80.0),
            review(4, 2, 90.0),
        ];
        let a = aggregate(&reviews, &Params::default());
        let get = |id| a.applications.iter().find(|x| x.application == id).unwrap();
        assert_eq!(get(10).raw_mean, 50.0);
        assert_eq!(get(20).raw_mean, 70.0);
        assert!((get(10).normalised_mean - get(20).normalised_mean).abs() < 1e-9);
        assert!((get(10).normalised_mean - a.global_mean).abs() < 1e-9);
        let r1 = &a.reviewers[0];
        assert_eq!((r1.reviewer, r1.reviews, r1.mean), (1, 5, 50.0));
        assert!((r1.offset + 10.0).abs() < 1e-9);
        assert_eq!(r1.leaning(5.0), Leaning::Harsh);
        assert_eq!(a.reviewers[1].leaning(5.0), Leaning::Lenient);
        assert_eq!(a.reviewers[1].leaning(15.0), Leaning::Neutral);
        // Same normalised score: the higher raw mean comes first.
        let pos = |id| a.applications.iter().position(|x| x.application == id).unwrap();
        assert!(pos(20) < pos(10));
        assert_eq!(get(1).spread, 20.0);
        assert!(!get(1).disagreement);
    }

    #[test]
    fn flat_and_occasional_reviewers_are_handled() {
        let mut reviews = vec![review(1, 1, 80.0), review(2, 1, 80.0), review(3, 1, 80.0)];
        reviews.extend([review(1, 2, 20.0), review(2, 2, 50.0), review(3, 2, 90.0), review(4, 3, 10.0)]);
        reviews.push(review(5, 4, f64::NAN));
        let a = aggregate(&reviews, &Params { disagreement_threshold: 50.0, min_reviews: 3 });
        let flat = &a.reviewers[0];
        assert!(!flat.calibrated && flat.sd == 0.0);
        assert!(a.reviewers[1].calibrated);
        assert!(!a.reviewers[2].calibrated, "a single review cannot be calibrated");
        assert_eq!(a.reviewers.len(), 3, "the NaN review is ignored");
        let get = |id| a.applications.iter().find(|x| x.application == id).unwrap();
        assert_eq!(get(4).normalised_mean, 10.0, "kept raw");
        assert!(get(1).disagreement && !get(2).disagreement);
        assert!(a.alpha.is_some());
    }

    #[test]
    fn ties_fall_back_to_raw_mean_spread_then_id() {
        let mk = |application, raw_mean, spread| ApplicationResult {
            application,
            reviews: 2,
            raw_mean,
            normalised_mean: 60.0,
            spread,
            disagreement: false,
            criteria_means: vec![],
        };
        let mut v = [mk(4, 60.0, 10.0), mk(3, 60.0, 0.0), mk(2, 61.0, 40.0), mk(1, 60.0, 10.0)];
        v.sort_by(ranking_order);
        assert_eq!(v.iter().map(|a| a.application).collect::<Vec<_>>(), vec![2, 3, 1, 4]);
    }

    #[test]
    fn criteria_are_averaged_per_application() {
        let mut r1 = review(1, 1, 50.0);
        r1.criteria = [("impact".to_string(), 2), ("motivation".to_string(), 5)].into();
        let mut r2 = review(1, 2, 70.0);
        r2.criteria = [("impact".to_string(), 3)].into();
        let a = aggregate(&[r1, r2], &Params::default());
        assert_eq!(a.applications[0].criteria_means, vec![("impact".into(), 2.5), ("motivation".into(), 5.0)]);
    }

    proptest! {
        #[test]
        fn normalisation_removes_a_reviewers_level_and_scale(
            base in proptest::collection::vec(0.0f64..100.0, 4..20),
            shift in -30.0f64..30.0,
            stretch in 0.3f64..2.0,
        ) {
            // Two reviewers read the same applications; the second scores a linear
            // transformation of the first. Normalised, they agree exactly.
            let mut reviews = vec![];
            for (i, &b) in base.iter().enumerate() {
                reviews.push(review(i as i64, 1, b));
                reviews.push(review(i as i64, 2, b * stretch + shift));
            }
            let a = aggregate(&reviews, &Params { disagreement_threshold: 30.0, min_reviews: 2 });
            let (m1, s1) = mean_sd(base.iter().copied());
            prop_assume!(s1 > 1e-6);
            for app in &a.applications {
                let b = base[app.application as usize];
                let expected = a.global_mean + (b - m1) / s1 * a.global_sd;
                prop_assert!((app.normalised_mean - expected).abs() < 1e-6);
            }
            // Ranking follows the normalised means.
            prop_assert!(a.applications.windows(2).all(|w| w[0].normalised_mean >= w[1].normalised_mean));
            if let Some(alpha) = a.alpha {
                prop_assert!(alpha <= 1.0 + 1e-9);
            }
        }
    }
}
