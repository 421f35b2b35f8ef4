//! Teams for the team exercises of the online course. A cohort is split into teams whose
//! sizes stay within the bounds a manager gives (3 to 5, say) and differ by at most one, so
//! that no team carries more work per head than another. Inside those sizes, teams are mixed:
//! people learn more from teammates of other countries, the programme wants women and men to
//! work together, and a team of five designers has nobody to draw its budget.
//!
//! The mix is measured by a `Penalty`: the number of pairs of teammates who share a country,
//! then a gender, then a skill, compared in that order (fewer same-country pairs always wins;
//! gender breaks ties, then skills). Empty countries and genders are unknown and never count
//! as shared; values are compared trimmed and without regard to case.
//!
//! The method, deterministic (the input order does not matter, members are taken by id):
//! 1. the number of teams is the one whose mean size is nearest the middle of the bounds
//!    (fewer teams on a tie), see `sizes`;
//! 2. members are lined up by country (largest country first), then gender (largest first),
//!    then id, and dealt round-robin: the k-th goes to team k mod t. Each country being a
//!    contiguous run, its c members land in c consecutive teams cyclically: every team gets
//!    ⌊c/t⌋ or ⌈c/t⌉ of them, the fewest possible (a snake draft could give two to the team
//!    at a turn);
//! 3. improvement: two members of different teams are swapped whenever that lowers the
//!    penalty, sweep after sweep, until no swap does (or after `MAX_SWEEPS`). A swap that
//!    added a same-country pair would raise the penalty, so countries stay spread as in 2:
//!    a team never has more than ⌈c/t⌉ members of a country that has c in the cohort.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub country: String,
    pub gender: String,
    #[serde(default)]
    pub skills: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TeamsError {
    #[error("team sizes {min} to {max}: the minimum must be at least 1 and at most the maximum")]
    BadBounds { min: usize, max: usize },
    #[error("{members} members cannot make teams of {min} to {max} whose sizes differ by at most 1")]
    Impossible { members: usize, min: usize, max: usize },
    #[error("member {0} is listed twice")]
    DuplicateMember(i64),
    #[error("there is no member {0}")]
    UnknownMember(i64),
    #[error("member {0} is in more than one team")]
    PlacedTwice(i64),
    #[error("member {0} is in no team")]
    Unplaced(i64),
    #[error("team number {team} has {size} members, not {min} to {max}")]
    TeamSize { team: usize, size: usize, min: usize, max: usize },
}

impl TeamsError {
    pub fn message_key(&self) -> &'static str {
        match self {
            TeamsError::BadBounds { .. } => "error.teams.bad_bounds",
            TeamsError::Impossible { .. } => "error.teams.impossible",
            TeamsError::DuplicateMember(_) => "error.teams.duplicate_member",
            TeamsError::UnknownMember(_) => "error.teams.unknown_member",
            TeamsError::PlacedTwice(_) => "error.teams.placed_twice",
            TeamsError::Unplaced(_) => "error.teams.unplaced",
            TeamsError::TeamSize { .. } => "error.teams.size",
        }
    }

    /// Values for the placeholders of the message. Team numbers are counted from 1.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match *self {
            TeamsError::Impossible { members, min, max } => {
                vec![("members", members.to_string()), ("min", min.to_string()), ("max", max.to_string())]
            }
            TeamsError::TeamSize { team, size, min, max } => vec![
                ("team", (team + 1).to_string()),
                ("size", size.to_string()),
                ("min", min.to_string()),
                ("max", max.to_string()),
            ],
            _ => vec![],
        }
    }
}

/// How mixed a set of teams is not: pairs of teammates sharing a country, a gender, a skill
/// (a pair sharing two skills counts twice). The derived order is the order of importance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Penalty {
    pub same_country: u64,
    pub same_gender: u64,
    pub shared_skills: u64,
}

/// Swaps are tried sweep after sweep; this bounds the work on a large cohort (a sweep tries
/// every pair of members once). Cohorts of a few dozen settle in a handful of sweeps.
pub const MAX_SWEEPS: usize = 100;

fn check_bounds(min: usize, max: usize) -> Result<(), TeamsError> {
    if min == 0 || min > max {
        return Err(TeamsError::BadBounds { min, max });
    }
    Ok(())
}

/// The sizes of the teams for `members` people, largest first: every size within
/// `min..=max`, differing by at most 1. Possible with t teams exactly when
/// t·min ≤ members ≤ t·max; among the possible t, the one whose mean size is nearest
/// (min + max) / 2, the smaller t on a tie. No members, no teams.
pub fn sizes(members: usize, min: usize, max: usize) -> Result<Vec<usize>, TeamsError> {
    check_bounds(min, max)?;
    if members == 0 {
        return Ok(vec![]);
    }
    let (lo, hi) = (members.div_ceil(max), members / min);
    if lo > hi {
        return Err(TeamsError::Impossible { members, min, max });
    }
    // Distance of members / t from (min + max) / 2, as the fraction |2·members − t·(min+max)| / 2t.
    let distance = |t: usize| (2 * members).abs_diff(t * (min + max));
    let t = (lo..=hi).reduce(|best, t| if distance(t) * best < distance(best) * t { t } else { best }).unwrap_or(lo);
    Ok((0..t).map(|j| members / t + usize::from(j < members % t)).collect())
}

fn normalise(s: &str) -> String {
    s.trim().to_lowercase()
}

const COUNTRY: usize = 0;
const GENDER: usize = 1;
const SKILL: usize = 2;

/// Each member's countries, genders and skills as small numbers (at most one country and
/// one gender; skills without repeats), per kind.
type Features = Vec<[Vec<usize>; 3]>;

fn features(members: &[&Member]) -> (Features, [usize; 3]) {
    let mut dicts: [BTreeMap<String, usize>; 3] = Default::default();
    let mut intern = |kind: usize, s: &str| {
        let s = normalise(s);
        let next = dicts[kind].len();
        (!s.is_empty()).then(|| *dicts[kind].entry(s).or_insert(next))
    };
    let features: Features = members
        .iter()
        .map(|m| {
            let mut skills: Vec<usize> = m.skills.iter().filter_map(|s| intern(SKILL, s)).collect();
            skills.sort_unstable();
            skills.dedup();
            let country = intern(COUNTRY, &m.country).into_iter().collect();
            let gender = intern(GENDER, &m.gender).into_iter().collect();
            [country, gender, skills]
        })
        .collect();
    (features, [dicts[0].len(), dicts[1].len(), dicts[2].len()])
}

/// Change in shared pairs in a team with value `counts` when a member with `removed` values
/// leaves and one with `added` values joins.
fn pair_delta(counts: &[i64], removed: &[usize], added: &[usize]) -> i64 {
    let left: i64 = removed.iter().filter(|v| !added.contains(v)).map(|&v| counts[v] - 1).sum();
    let joined: i64 = added.iter().filter(|v| !removed.contains(v)).map(|&v| counts[v]).sum();
    joined - left
}

/// Splits a cohort into balanced, mixed teams (see the module documentation). Each team is
/// a list of ids in increasing order; teams are ordered by their smallest id.
pub fn form(members: &[Member], min: usize, max: usize) -> Result<Vec<Vec<i64>>, TeamsError> {
    check_bounds(min, max)?;
    let mut sorted: Vec<&Member> = members.iter().collect();
    sorted.sort_by_key(|m| m.id);
    if let Some(w) = sorted.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(TeamsError::DuplicateMember(w[0].id));
    }
    let t = sizes(sorted.len(), min, max)?.len();
    if t == 0 {
        return Ok(vec![]);
    }
    let (features, distinct) = features(&sorted);

    // Line up by country then gender (largest group first, unknown last), then id.
    let mut group_size: [HashMap<usize, usize>; 2] = Default::default();
    for f in &features {
        for kind in [COUNTRY, GENDER] {
            for &v in &f[kind] {
                *group_size[kind].entry(v).or_default() += 1;
            }
        }
    }
    let rank = |i: usize, kind: usize| match features[i][kind].first() {
        Some(v) => (0, std::cmp::Reverse(group_size[kind][v]), *v),
        None => (1, std::cmp::Reverse(0), 0),
    };
    let mut line: Vec<usize> = (0..sorted.len()).collect();
    line.sort_by_key(|&i| (rank(i, COUNTRY), rank(i, GENDER), i));
    let mut teams: Vec<Vec<usize>> = vec![vec![]; t];
    for (k, &i) in line.iter().enumerate() {
        teams[k % t].push(i);
    }

    // counts[kind][team][value]
    let mut counts: Vec<Vec<Vec<i64>>> = distinct.iter().map(|&d| vec![vec![0; d]; t]).collect();
    for (team, list) in teams.iter().enumerate() {
        for &i in list {
            for (kind, c) in counts.iter_mut().enumerate() {
                for &v in &features[i][kind] {
                    c[team][v] += 1;
                }
            }
        }
    }
    for _ in 0..MAX_SWEEPS {
        let mut improved = false;
        for a in 0..t {
            for b in a + 1..t {
                for x in 0..teams[a].len() {
                    for y in 0..teams[b].len() {
                        let (i, j) = (teams[a][x], teams[b][y]);
                        let delta: [i64; 3] = std::array::from_fn(|kind| {
                            let (fi, fj) = (&features[i][kind], &features[j][kind]);
                            pair_delta(&counts[kind][a], fi, fj) + pair_delta(&counts[kind][b], fj, fi)
                        });
                        if delta >= [0; 3] {
                            continue;
                        }
                        for (kind, c) in counts.iter_mut().enumerate() {
                            for &v in &features[i][kind] {
                                c[a][v] -= 1;
                                c[b][v] += 1;
                            }
                            for &v in &features[j][kind] {
                                c[b][v] -= 1;
                                c[a][v] += 1;
                            }
                        }
                        teams[a][x] = j;
                        teams[b][y] = i;
                        improved = true;
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }

    let mut out: Vec<Vec<i64>> = teams
        .into_iter()
        .map(|list| {
            let mut ids: Vec<i64> = list.into_iter().map(|i| sorted[i].id).collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    out.sort();
    Ok(out)
}

/// The penalty of some teams (ids that are not members are ignored), to compare a manager's
/// teams with the automatic ones.
pub fn penalty(teams: &[Vec<i64>], members: &[Member]) -> Penalty {
    let by_id: HashMap<i64, &Member> = members.iter().map(|m| (m.id, m)).collect();
    let pairs = |counts: BTreeMap<String, u64>| counts.values().map(|&c| c * c.saturating_sub(1) / 2).sum::<u64>();
    let mut total = Penalty::default();
    for team in teams {
        let mut counts: [BTreeMap<String, u64>; 3] = Default::default();
        for m in team.iter().filter_map(|id| by_id.get(id)) {
            let skills: BTreeSet<String> = m.skills.iter().map(|s| normalise(s)).collect();
            let values = [normalise(&m.country), normalise(&m.gender)].into_iter().enumerate();
            for (kind, value) in values.chain(skills.into_iter().map(|s| (SKILL, s))) {
                if !value.is_empty() {
                    *counts[kind].entry(value).or_default() += 1;
                }
            }
        }
        let [country, gender, skill] = counts;
        total.same_country += pairs(country);
        total.same_gender += pairs(gender);
        total.shared_skills += pairs(skill);
    }
    total
}

/// Checks teams made by hand: each member in exactly one team, no unknown id, every team
/// within `min..=max` (hand-made sizes may differ by more than 1). Gives every problem,
/// teams first in their order, then the members left out by id.
pub fn check_manual(teams: &[Vec<i64>], members: &[Member], min: usize, max: usize) -> Result<(), Vec<TeamsError>> {
    check_bounds(min, max).map_err(|e| vec![e])?;
    let mut errors = vec![];
    let mut known = BTreeSet::new();
    for m in members {
        if !known.insert(m.id) {
            errors.push(TeamsError::DuplicateMember(m.id));
        }
    }
    let mut placed = BTreeSet::new();
    let mut reported = BTreeSet::new();
    for (team, ids) in teams.iter().enumerate() {
        if !(min..=max).contains(&ids.len()) {
            errors.push(TeamsError::TeamSize { team, size: ids.len(), min, max });
        }
        for &id in ids {
            if !known.contains(&id) {
                if reported.insert(id) {
                    errors.push(TeamsError::UnknownMember(id));
                }
            } else if !placed.insert(id) && reported.insert(id) {
                errors.push(TeamsError::PlacedTwice(id));
            }
        }
    }
    errors.extend(known.difference(&placed).map(|&id| TeamsError::Unplaced(id)));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn member(id: i64, country: &str, gender: &str, skills: &[&str]) -> Member {
        Member {
            id,
            country: country.into(),
            gender: gender.into(),
            skills: skills.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn sizes_stay_within_bounds_and_near_the_middle() {
        assert_eq!(sizes(30, 3, 5), Ok(vec![4, 4, 4, 4, 4, 4, 3, 3]));
        assert_eq!(sizes(15, 3, 5), Ok(vec![4, 4, 4, 3]));
        assert_eq!(sizes(5, 3, 5), Ok(vec![5]));
        assert_eq!(sizes(6, 3, 5), Ok(vec![3, 3]), "one team of 6 is too big");
        assert_eq!(sizes(8, 3, 5), Ok(vec![4, 4]));
        assert_eq!(sizes(0, 3, 5), Ok(vec![]));
        let e = sizes(2, 3, 5).unwrap_err();
        assert_eq!(e, TeamsError::Impossible { members: 2, min: 3, max: 5 });
        assert_eq!(e.message_key(), "error.teams.impossible");
        assert_eq!(e.message_args()[0], ("members", "2".to_string()));
        assert!(sizes(7, 4, 5).is_err(), "one team of 7 is too big, two of 3.5 too small");
        assert_eq!(sizes(4, 0, 5), Err(TeamsError::BadBounds { min: 0, max: 5 }));
        assert_eq!(sizes(4, 5, 3).unwrap_err().message_key(), "error.teams.bad_bounds");
    }

    #[test]
    fn teams_mix_countries_and_genders() {
        let mut cohort = vec![];
        for (k, country) in ["SN", "CI", "CM"].iter().enumerate() {
            for i in 0..4 {
                let id = (k * 4 + i) as i64;
                let gender = if i % 2 == 0 { "F" } else { "m" };
                cohort.push(member(id, country, gender, &[["video", "budget", "code", "design"][i]]));
            }
        }
        let teams = form(&cohort, 3, 3).unwrap();
        assert_eq!(teams.len(), 4);
        let by_id: HashMap<i64, &Member> = cohort.iter().map(|m| (m.id, m)).collect();
        for team in &teams {
            let countries: BTreeSet<&str> = team.iter().map(|id| by_id[id].country.as_str()).collect();
            assert_eq!(countries.len(), 3, "{teams:?}");
            let women = team.iter().filter(|id| by_id[id].gender == "F").count();
            assert!((1..=2).contains(&women), "{teams:?}");
        }
        let p = penalty(&teams, &cohort);
        assert_eq!((p.same_country, p.same_gender), (0, 4));
        // Unknown countries and genders are never shared; case and spaces do not matter.
        let loose = [member(1, "", "", &[]), member(2, "", "", &[]), member(3, "sn ", "F", &["Vidéo"])];
        let mut more = loose.to_vec();
        more.push(member(4, "SN", "f", &["vidéo", "VIDÉO "]));
        assert_eq!(penalty(&[vec![1, 2, 3, 4]], &more), Penalty { same_country: 1, same_gender: 1, shared_skills: 1 });
    }

    #[test]
    fn forming_refuses_what_cannot_be_done() {
        let two = [member(1, "SN", "f", &[]), member(2, "SN", "m", &[])];
        assert_eq!(form(&two, 3, 5), Err(TeamsError::Impossible { members: 2, min: 3, max: 5 }));
        let twice = [member(1, "SN", "f", &[]), member(1, "CI", "m", &[]), member(2, "ML", "f", &[])];
        assert_eq!(form(&twice, 1, 3), Err(TeamsError::DuplicateMember(1)));
        assert_eq!(form(&[], 3, 5), Ok(vec![]));
    }

    #[test]
    fn manual_teams_are_checked() {
        let cohort: Vec<Member> = (1..=7).map(|id| member(id, "SN", "f", &[])).collect();
        assert_eq!(check_manual(&[vec![1, 2, 3], vec![4, 5, 6, 7]], &cohort, 3, 5), Ok(()));
        let errors = check_manual(&[vec![1, 2, 3, 3, 9], vec![4, 5], vec![2, 9]], &cohort, 3, 4).unwrap_err();
        assert_eq!(
            errors,
            vec![
                TeamsError::TeamSize { team: 0, size: 5, min: 3, max: 4 },
                TeamsError::PlacedTwice(3),
                TeamsError::UnknownMember(9),
                TeamsError::TeamSize { team: 1, size: 2, min: 3, max: 4 },
                TeamsError::TeamSize { team: 2, size: 2, min: 3, max: 4 },
                TeamsError::PlacedTwice(2),
                TeamsError::Unplaced(6),
                TeamsError::Unplaced(7),
            ]
        );
        assert_eq!(errors[0].message_args()[0], ("team", "1".to_string()));
        let keys: BTreeSet<&str> = errors.iter().map(|e| e.message_key()).collect();
        assert_eq!(keys.len(), 4);
        assert_eq!(check_manual(&[], &cohort, 3, 2), Err(vec![TeamsError::BadBounds { min: 3, max: 2 }]));
    }

    fn cohort_strategy() -> impl Strategy<Value = Vec<Member>> {
        proptest::collection::vec((0usize..5, 0usize..3, proptest::collection::vec(0usize..6, 0..3)), 0..26).prop_map(
            |rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(i, (c, g, skills))| Member {
                        id: (i as i64) * 7 - 40,
                        country: ["SN", "CI", "CM", "BF", "ML"][c].into(),
                        gender: ["f", "m", "x"][g].into(),
                        skills: skills.into_iter().map(|s| format!("skill{s}")).collect(),
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn teams_are_complete_balanced_and_spread(cohort in cohort_strategy(), min in 1usize..5, extra in 0usize..3) {
            let max = min + extra;
            let n = cohort.len();
            match form(&cohort, min, max) {
                Err(TeamsError::Impossible { .. }) => {
                    prop_assert!(!(1..=n).any(|t| t * min <= n && n <= t * max));
                }
                Err(e) => prop_assert!(false, "{e}"),
                Ok(teams) => {
                    let mut all: Vec<i64> = teams.iter().flatten().copied().collect();
                    all.sort_unstable();
                    let mut ids: Vec<i64> = cohort.iter().map(|m| m.id).collect();
                    ids.sort_unstable();
                    prop_assert_eq!(all, ids);
                    let lens: Vec<usize> = teams.iter().map(Vec::len).collect();
                    prop_assert!(lens.iter().all(|l| (min..=max).contains(l)));
                    let (lo, hi) = (lens.iter().min().copied().unwrap_or(0), lens.iter().max().copied().unwrap_or(0));
                    prop_assert!(hi - lo <= 1);
                    prop_assert_eq!(check_manual(&teams, &cohort, min, max), Ok(()));

                    let t = teams.len();
                    let country_of: HashMap<i64, &str> = cohort.iter().map(|m| (m.id, m.country.as_str())).collect();
                    let mut total: HashMap<&str, usize> = HashMap::new();
                    for m in &cohort {
                        *total.entry(m.country.as_str()).or_default() += 1;
                    }
                    for team in &teams {
                        let mut here: HashMap<&str, usize> = HashMap::new();
                        for id in team {
                            *here.entry(country_of[id]).or_default() += 1;
                        }
                        for (country, count) in here {
                            // The documented bound, one better than ⌈c/t⌉ + 1.
                            prop_assert!(count <= total[country].div_ceil(t), "{country}: {count} in {team:?}");
                        }
                    }

                    // Deterministic, whatever the input order.
                    let mut reversed = cohort.clone();
                    reversed.reverse();
                    prop_assert_eq!(form(&reversed, min, max), Ok(teams.clone()));

                    // No single swap lowers the penalty any more.
                    let p = penalty(&teams, &cohort);
                    for a in 0..t {
                        for b in a + 1..t {
                            for x in 0..teams[a].len() {
                                for y in 0..teams[b].len() {
                                    let mut swapped = teams.clone();
                                    swapped[a][x] = teams[b][y];
                                    swapped[b][y] = teams[a][x];
                                    prop_assert!(penalty(&swapped, &cohort) >= p);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
