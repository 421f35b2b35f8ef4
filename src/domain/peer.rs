//! Peer evaluation of teamwork. After a team exercise each member rates how each teammate
//! worked with the team, on a small scale (1 to 5, say). Ratings are anonymous to teammates:
//! a member sees the score she received and how many teammates rated her, never who gave
//! what; managers and coaches see the full aggregate.
//!
//! One grudge should not sink anyone, so ratings are damped. When a member received at least
//! `DAMPING_MIN` ratings, each rating is clamped to the median of her ratings ± a band of a
//! quarter of the scale's width (± 1 point on 1–5), and her score is the mean of the clamped
//! ratings; with fewer ratings there is no median to speak of and the score is the plain mean.
//!
//! The bound this gives, with n ≥ `DAMPING_MIN` ratings, b the band and W the scale's width:
//! if the other n − 1 ratings lie within s points of each other, whatever the last rater gives
//! moves the score by at most s + 2b/n (the median stays within the others' range, and a
//! clamped rating moves no more than the median it is clamped to). When the others agree
//! (s = 0) the last rater moves the score at most b/n = W/(4n) from their common rating,
//! where a plain mean would let her move it by up to W/n.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// One rating of `ratee` by `rater`, both members of the same team.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rating {
    pub rater: i64,
    pub ratee: i64,
    pub score: i32,
}

/// An integer scale `min..=max` with `min < max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawScale")]
pub struct Scale {
    min: i32,
    max: i32,
}

#[derive(Deserialize)]
struct RawScale {
    min: i32,
    max: i32,
}

impl TryFrom<RawScale> for Scale {
    type Error = PeerError;

    fn try_from(raw: RawScale) -> Result<Scale, PeerError> {
        Scale::new(raw.min, raw.max)
    }
}

impl Scale {
    /// The usual scale of peer ratings.
    pub const ONE_TO_FIVE: Scale = Scale { min: 1, max: 5 };

    pub fn new(min: i32, max: i32) -> Result<Scale, PeerError> {
        if min < max {
            Ok(Scale { min, max })
        } else {
            Err(PeerError::BadScale { min, max })
        }
    }

    pub fn min(self) -> i32 {
        self.min
    }

    pub fn max(self) -> i32 {
        self.max
    }

    pub fn contains(self, score: i32) -> bool {
        (self.min..=self.max).contains(&score)
    }

    pub fn width(self) -> f64 {
        f64::from(self.max) - f64::from(self.min)
    }

    /// How far from the median a rating may pull once damped: a quarter of the width.
    pub fn band(self) -> f64 {
        self.width() / 4.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeerError {
    #[error("a scale needs its minimum ({min}) below its maximum ({max})")]
    BadScale { min: i32, max: i32 },
    #[error("the rater is not in this team")]
    RaterNotInTeam,
    #[error("nobody rates herself")]
    SelfRating,
    #[error("the person rated is not a teammate of the rater")]
    NotTeammate,
    #[error("score {given} is outside {min}..={max}")]
    OutOfScale { given: i32, min: i32, max: i32 },
}

impl PeerError {
    pub fn message_key(&self) -> &'static str {
        match self {
            PeerError::BadScale { .. } => "error.peer.bad_scale",
            PeerError::RaterNotInTeam => "error.peer.rater_not_in_team",
            PeerError::SelfRating => "error.peer.self",
            PeerError::NotTeammate => "error.peer.not_teammate",
            PeerError::OutOfScale { .. } => "error.peer.out_of_scale",
        }
    }

    /// Values for the placeholders of the message.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match *self {
            PeerError::OutOfScale { min, max, .. } => vec![("min", min.to_string()), ("max", max.to_string())],
            _ => vec![],
        }
    }
}

/// Whether a rating may be recorded: the rater is in `team` (the rater's team), rates a
/// teammate other than herself, on the scale.
pub fn check(rating: &Rating, team: &[i64], scale: Scale) -> Result<(), PeerError> {
    if !team.contains(&rating.rater) {
        return Err(PeerError::RaterNotInTeam);
    }
    if rating.ratee == rating.rater {
        return Err(PeerError::SelfRating);
    }
    if !team.contains(&rating.ratee) {
        return Err(PeerError::NotTeammate);
    }
    if !scale.contains(rating.score) {
        return Err(PeerError::OutOfScale { given: rating.score, min: scale.min, max: scale.max });
    }
    Ok(())
}

/// Damping needs a median of at least this many ratings.
pub const DAMPING_MIN: usize = 3;

/// What a member's teammates said, for managers and coaches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeerResult {
    pub member: i64,
    /// Teammates who rated her.
    pub received: usize,
    /// On the scale; `None` without ratings.
    pub score: Option<f64>,
    /// Some rating was pulled towards the median.
    pub damped: bool,
}

/// Median of sorted values.
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Score and damping of sorted ratings (see the module documentation). Summing in sorted
/// order makes the result independent of the order ratings came in, to the last bit.
fn damped_mean(sorted: &[f64], scale: Scale) -> (Option<f64>, bool) {
    let n = sorted.len();
    if n == 0 {
        return (None, false);
    }
    if n < DAMPING_MIN {
        return (Some(sorted.iter().sum::<f64>() / n as f64), false);
    }
    let (m, b) = (median(sorted), scale.band());
    let clamped: Vec<f64> = sorted.iter().map(|v| v.clamp(m - b, m + b)).collect();
    let damped = clamped.iter().zip(sorted).any(|(c, v)| c != v);
    (Some(clamped.iter().sum::<f64>() / n as f64), damped)
}

/// The results of a team, one per member in increasing id order. Ratings that `check`
/// refuses are left out. A rater counts once per teammate: if the same pair appears more
/// than once, the mean of its scores is that rater's rating.
pub fn aggregate(team: &[i64], ratings: &[Rating], scale: Scale) -> Vec<PeerResult> {
    let members: BTreeSet<i64> = team.iter().copied().collect();
    let mut by_pair: BTreeMap<(i64, i64), (i64, u32)> = BTreeMap::new();
    for r in ratings.iter().filter(|r| check(r, team, scale).is_ok()) {
        let e = by_pair.entry((r.ratee, r.rater)).or_default();
        e.0 += i64::from(r.score);
        e.1 += 1;
    }
    members
        .into_iter()
        .map(|member| {
            let mut values: Vec<f64> = by_pair
                .range((member, i64::MIN)..=(member, i64::MAX))
                .map(|(_, &(sum, count))| sum as f64 / f64::from(count))
                .collect();
            values.sort_by(f64::total_cmp);
            let (score, damped) = damped_mean(&values, scale);
            PeerResult { member, received: values.len(), score, damped }
        })
        .collect()
}

/// A member's score is shown to her only once this many teammates have rated her: with a
/// single rating, the score would be that teammate's rating.
pub const MIN_SHOWN: usize = 2;

/// What a member may see of her own result.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub received: usize,
    /// `None` until `MIN_SHOWN` teammates have rated her.
    pub score: Option<f64>,
}

/// A member's own view of the results of her team: the score and how many rated her, never
/// who rated what nor whether some rating was damped (that would tell that one teammate
/// stood apart). `None` if she is not in the results.
pub fn anonymised(results: &[PeerResult], member: i64) -> Option<MemberView> {
    let r = results.iter().find(|r| r.member == member)?;
    Some(MemberView { received: r.received, score: r.score.filter(|_| r.received >= MIN_SHOWN) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rating(rater: i64, ratee: i64, score: i32) -> Rating {
        Rating { rater, ratee, score }
    }

    const TEAM: [i64; 5] = [1, 2, 3, 4, 5];

    #[test]
    fn ratings_stay_inside_the_team_and_the_scale() {
        let s = Scale::ONE_TO_FIVE;
        assert_eq!(check(&rating(1, 2, 5), &TEAM, s), Ok(()));
        assert_eq!(check(&rating(1, 2, 1), &TEAM, s), Ok(()));
        let e = check(&rating(3, 3, 4), &TEAM, s).unwrap_err();
        assert_eq!((e.clone(), e.message_key()), (PeerError::SelfRating, "error.peer.self"));
        assert_eq!(check(&rating(1, 9, 4), &TEAM, s).unwrap_err().message_key(), "error.peer.not_teammate");
        assert_eq!(check(&rating(9, 1, 4), &TEAM, s).unwrap_err().message_key(), "error.peer.rater_not_in_team");
        let e = check(&rating(1, 2, 6), &TEAM, s).unwrap_err();
        assert_eq!(e, PeerError::OutOfScale { given: 6, min: 1, max: 5 });
        assert_eq!((e.message_key(), e.message_args()[1].1.as_str()), ("error.peer.out_of_scale", "5"));
        assert!(check(&rating(1, 2, 0), &TEAM, s).is_err());
        assert_eq!(Scale::new(5, 5).unwrap_err().message_key(), "error.peer.bad_scale");
        assert!(serde_json::from_str::<Scale>(r#"{"min":5,"max":1}"#).is_err());
        assert_eq!(serde_json::from_str::<Scale>(r#"{"min":1,"max":5}"#).unwrap(), s);
    }

    #[test]
    fn one_grudge_is_damped() {
        let ratings = [
            rating(1, 5, 4),
            rating(2, 5, 4),
            rating(3, 5, 4),
            rating(4, 5, 1), // far below the others: counted as 3 (median 4 − 1)
            rating(5, 1, 3),
            rating(2, 1, 5),
            rating(1, 1, 5), // herself: ignored
            rating(9, 1, 1), // outsider: ignored
            rating(3, 2, 7), // off the scale: ignored
        ];
        let r = aggregate(&TEAM, &ratings, Scale::ONE_TO_FIVE);
        assert_eq!(r.iter().map(|x| x.member).collect::<Vec<_>>(), TEAM);
        assert_eq!(r[4], PeerResult { member: 5, received: 4, score: Some(3.75), damped: true });
        assert_eq!(r[0], PeerResult { member: 1, received: 2, score: Some(4.0), damped: false });
        assert_eq!(r[1], PeerResult { member: 2, received: 0, score: None, damped: false });
        // Close ratings are not touched.
        let close = [rating(1, 2, 3), rating(3, 2, 4), rating(4, 2, 5)];
        let r = aggregate(&TEAM, &close, Scale::ONE_TO_FIVE);
        assert_eq!((r[1].score, r[1].damped), (Some(4.0), false));
    }

    #[test]
    fn a_rater_counts_once_per_teammate() {
        let ratings = [rating(1, 2, 1), rating(1, 2, 5), rating(3, 2, 2)];
        let r = aggregate(&TEAM, &ratings, Scale::ONE_TO_FIVE);
        assert_eq!((r[1].received, r[1].score), (2, Some(2.5)));
    }

    #[test]
    fn members_see_a_score_not_who_gave_it() {
        let ratings = [rating(1, 2, 4), rating(3, 2, 2), rating(2, 1, 5)];
        let results = aggregate(&TEAM, &ratings, Scale::ONE_TO_FIVE);
        assert_eq!(anonymised(&results, 2), Some(MemberView { received: 2, score: Some(3.0) }));
        assert_eq!(anonymised(&results, 1), Some(MemberView { received: 1, score: None }), "one rating would tell");
        assert_eq!(anonymised(&results, 4), Some(MemberView { received: 0, score: None }));
        assert_eq!(anonymised(&results, 9), None);
        let json = serde_json::to_string(&anonymised(&results, 2).unwrap()).unwrap();
        assert_eq!(json, r#"{"received":2,"score":3.0}"#);
    }

    fn score_of(others: &[i32], last: i32, scale: Scale) -> f64 {
        let mut ratings: Vec<Rating> = others.iter().enumerate().map(|(i, &s)| rating(i as i64 + 1, 0, s)).collect();
        ratings.push(rating(100, 0, last));
        let mut team: Vec<i64> = (0..=others.len() as i64).collect();
        team.push(100);
        aggregate(&team, &ratings, scale)[0].score.unwrap()
    }

    proptest! {
        #[test]
        fn results_are_on_the_scale_and_order_free(
            (lo, width) in (-5i32..5, 1i32..10),
            raw in proptest::collection::vec((0i64..8, 0i64..8, -6i32..16), 0..40),
            seed in any::<u64>(),
        ) {
            let scale = Scale::new(lo, lo + width).unwrap();
            let team = [1, 2, 3, 4, 5, 6];
            let ratings: Vec<Rating> = raw.iter().map(|&(a, b, s)| rating(a, b, s)).collect();
            let results = aggregate(&team, &ratings, scale);
            prop_assert_eq!(results.len(), team.len());
            for r in &results {
                prop_assert!(r.received < team.len());
                prop_assert_eq!(r.score.is_some(), r.received > 0);
                if let Some(s) = r.score {
                    prop_assert!(f64::from(scale.min()) <= s && s <= f64::from(scale.max()), "{s}");
                }
                let view = anonymised(&results, r.member).unwrap();
                prop_assert_eq!(view.received, r.received);
            }
            // Any permutation of the ratings gives the same results, bit for bit.
            let mut shuffled = ratings.clone();
            let mut state = seed;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (state >> 33) as usize % (i + 1));
            }
            prop_assert_eq!(aggregate(&team, &shuffled, scale), results);
        }

        #[test]
        fn one_rater_moves_a_score_by_a_bounded_amount(
            others in proptest::collection::vec(1i32..=5, 2..8),
            x in 1i32..=5,
            y in 1i32..=5,
            agreed in 1i32..=5,
        ) {
            let scale = Scale::ONE_TO_FIVE;
            let n = (others.len() + 1) as f64;
            let spread = f64::from(others.iter().max().unwrap() - others.iter().min().unwrap());
            let moved = (score_of(&others, x, scale) - score_of(&others, y, scale)).abs();
            prop_assert!(moved <= spread + 2.0 * scale.band() / n + 1e-9, "{moved}");
            // When the others agree, she moves the score at most a quarter of the scale over n.
            let same = vec![agreed; others.len()];
            let s = score_of(&same, x, scale);
            prop_assert!((s - f64::from(agreed)).abs() <= scale.width() / (4.0 * n) + 1e-9, "{s}");
        }
    }
}
