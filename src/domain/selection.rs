//! Choosing the cohort: the `size` candidates with the highest total score that meet the
//! call's diversity rules (at least a share of a gender, at most so many per country, at
//! least so many per region or per answer to a question), with managers' pins and
//! exclusions. The choice is exact, not a greedy approximation: a manager who asks "why is
//! she out?" gets a true answer, and the same inputs always give the same cohort.
//!
//! How: scores are integers (milli-points). When the rules have the usual shape, a gender
//! partition on one side and countries nested in regions on the other, the best cohort is a
//! min-cost flow (genders → countries → regions), solved exactly in a few milliseconds
//! whatever the number of candidates. Any other shape (a minimum per answer value, countries
//! spread over several regions) is an integer program solved by `microlp` (LP relaxation
//! and branch and bound, proven optimal), in two passes so that ties are broken exactly as
//! below. Should it fail numerically or take too long, a plain branch and bound over the
//! candidates takes over, exact too but exponential in the worst case: it gives up with
//! `SelectionError::TooComplex` rather than answer wrongly.
//!
//! Order and ties: candidates are ranked by score (descending), then earlier submission,
//! then id. Between two cohorts with the same total score, the one whose members have the
//! smaller sum of rank positions wins, i.e. better-ranked candidates are preferred. Cohorts
//! equal on both (rare: e.g. ranks 1+4 against 2+3 at equal scores) are told apart by the
//! solver, always the same way for the same inputs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Points to milli-points, the unit scores are compared in.
pub fn milli(points: f64) -> i64 {
    (points * 1000.0).round() as i64
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: i64,
    /// Final score in milli-points (see `milli`).
    pub score: i64,
    pub submitted_at: Timestamp,
    pub gender: String,
    pub country: String,
    pub region: String,
    /// Answers by question id, for minimums on answer values.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerMin {
    pub question: String,
    pub value: String,
    pub min: u32,
}

/// A manager's decision on one candidate, with the reason recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub id: i64,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraints {
    /// At least this percentage of the cohort for a gender value: 40 → ⌈0.4 × size⌉.
    #[serde(default)]
    pub gender_min_percent: BTreeMap<String, u32>,
    /// At most this many per country, for every country.
    #[serde(default)]
    pub country_max: Option<u32>,
    /// At least this many per region.
    #[serde(default)]
    pub region_min: BTreeMap<String, u32>,
    #[serde(default)]
    pub answer_min: Vec<AnswerMin>,
    /// Selected whatever their score.
    #[serde(default)]
    pub pins: Vec<Decision>,
    /// Never selected nor waitlisted.
    #[serde(default)]
    pub excludes: Vec<Decision>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub candidates: Vec<Candidate>,
    pub size: u32,
    pub waitlist: u32,
    #[serde(default)]
    pub constraints: Constraints,
}

/// One diversity rule, with its bound, as named in explanations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    GenderMin { gender: String, min: usize },
    CountryMax { country: String, max: usize },
    RegionMin { region: String, min: usize },
    AnswerMin { question: String, value: String, min: usize },
}

impl Rule {
    fn holds_for(&self, c: &Candidate) -> bool {
        match self {
            Rule::GenderMin { gender, .. } => &c.gender == gender,
            Rule::CountryMax { country, .. } => &c.country == country,
            Rule::RegionMin { region, .. } => &c.region == region,
            Rule::AnswerMin { question, value, .. } => c.answers.get(question) == Some(value),
        }
    }

    fn min(&self) -> usize {
        match self {
            Rule::GenderMin { min, .. } | Rule::RegionMin { min, .. } | Rule::AnswerMin { min, .. } => *min,
            Rule::CountryMax { .. } => 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("candidate {0} appears twice")]
    DuplicateCandidate(i64),
    #[error("there is no candidate {0}")]
    UnknownCandidate(i64),
    #[error("candidate {0} is both pinned and excluded")]
    PinnedAndExcluded(i64),
    #[error("a share of {percent}% for {gender:?} is above 100%")]
    BadShare { gender: String, percent: u32 },
    #[error("{pins} candidates are pinned for {size} places")]
    TooManyPins { pins: usize, size: usize },
    #[error("{pinned} candidates from {country} are pinned, above the maximum of {max} per country")]
    PinsOverCountryMax { country: String, pinned: usize, max: usize },
    #[error("{needed} places but only {available} candidates who are not excluded")]
    NotEnoughCandidates { needed: usize, available: usize },
    #[error("the minimums of {family} add up to {required}, above the {size} places")]
    MinimumsOverSize { family: String, required: usize, size: usize },
    #[error("need {needed} of gender {gender:?}, only {available} can be selected")]
    GenderMin { gender: String, needed: usize, available: usize },
    #[error("need {needed} from region {region:?}, only {available} can be selected")]
    RegionMin { region: String, needed: usize, available: usize },
    #[error("need {needed} answering {value:?} to {question:?}, only {available} can be selected")]
    AnswerMin { question: String, value: String, needed: usize, available: usize },
    #[error("at most {max} per country over {countries} countries gives {capacity} places, fewer than {needed}")]
    CountryMax { max: usize, countries: usize, capacity: usize, needed: usize },
    #[error("each rule can be met alone but not all of them together")]
    Combination,
    #[error("these rules are too intricate for an exact answer; simplify them")]
    TooComplex,
}

impl SelectionError {
    pub fn message_key(&self) -> &'static str {
        match self {
            SelectionError::DuplicateCandidate(_) => "error.selection.duplicate_candidate",
            SelectionError::UnknownCandidate(_) => "error.selection.unknown_candidate",
            SelectionError::PinnedAndExcluded(_) => "error.selection.pinned_and_excluded",
            SelectionError::BadShare { .. } => "error.selection.bad_share",
            SelectionError::TooManyPins { .. } => "error.selection.too_many_pins",
            SelectionError::PinsOverCountryMax { .. } => "error.selection.pins_over_country_max",
            SelectionError::NotEnoughCandidates { .. } => "error.selection.not_enough_candidates",
            SelectionError::MinimumsOverSize { .. } => "error.selection.minimums_over_size",
            SelectionError::GenderMin { .. } => "error.selection.gender_min",
            SelectionError::RegionMin { .. } => "error.selection.region_min",
            SelectionError::AnswerMin { .. } => "error.selection.answer_min",
            SelectionError::CountryMax { .. } => "error.selection.country_max",
            SelectionError::Combination => "error.selection.combination",
            SelectionError::TooComplex => "error.selection.too_complex",
        }
    }
}

/// Why a candidate is in or out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    Pinned {
        reason: String,
    },
    Excluded {
        reason: String,
    },
    /// Among the best scores of the places left after pins.
    InByScore,
    /// Selected over better-ranked candidates to meet these minimums (or because better
    /// ones were held back by these maximums).
    InByConstraint {
        which: Vec<Rule>,
    },
    /// Ranked well enough, but this maximum was full, or these minimums took the places.
    OutByConstraint {
        which: Vec<Rule>,
    },
    OutByScore,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub id: i64,
    /// 1 for the best-ranked candidate.
    pub rank: usize,
    pub selected: bool,
    pub reason: Reason,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitlistEntry {
    pub id: i64,
    pub rank: usize,
    /// The selected candidates whose place this one can take, should they decline, with
    /// every rule still met.
    pub replaces: Vec<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Solver {
    Flow,
    IntegerProgram,
    BranchAndBound,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// In ranking order.
    pub selected: Vec<i64>,
    /// Sum of the selected scores, in milli-points.
    pub total: i64,
    /// The next `waitlist` candidates in ranking order, neither selected nor excluded.
    pub waitlist: Vec<WaitlistEntry>,
    /// Every candidate, in ranking order.
    pub explanations: Vec<Explanation>,
    pub solver: Solver,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PromoteError {
    #[error("candidate {0} is not in the cohort")]
    NotSelected(i64),
    #[error("nobody on the waitlist can take the place of candidate {0} with every rule met")]
    NoneFits(i64),
}

impl PromoteError {
    pub fn message_key(&self) -> &'static str {
        match self {
            PromoteError::NotSelected(_) => "error.selection.not_selected",
            PromoteError::NoneFits(_) => "error.selection.none_fits",
        }
    }
}

/// A minimum rule and how many more it needs once the pinned candidates are counted.
struct MinGroup {
    rule: Rule,
    /// Rules of one family (one gender split, one region split, one question) never overlap.
    family: usize,
    need: usize,
}

/// The problem once ids are resolved, candidates ranked and pins counted.
struct Prepared<'p> {
    p: &'p Problem,
    size: usize,
    /// Candidate indices in ranking order, and each candidate's position in it.
    order: Vec<usize>,
    rank: Vec<usize>,
    /// What the optimisation maximises: score first, then better ranks.
    value: Vec<i128>,
    pinned: Vec<usize>,
    excluded: HashMap<usize, String>,
    /// Neither pinned nor excluded, in ranking order.
    pool: Vec<usize>,
    seats: usize,
    groups: Vec<MinGroup>,
    country_max: Option<usize>,
    pinned_per_country: HashMap<&'p str, usize>,
}

fn ranking(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.score.cmp(&a.score).then(a.submitted_at.cmp(&b.submitted_at)).then(a.id.cmp(&b.id))
}

impl<'p> Prepared<'p> {
    fn new(p: &'p Problem) -> Result<Prepared<'p>, SelectionError> {
        let cs = &p.candidates;
        let mut by_id = HashMap::new();
        for (i, c) in cs.iter().enumerate() {
            if by_id.insert(c.id, i).is_some() {
                return Err(SelectionError::DuplicateCandidate(c.id));
            }
        }
        let find = |id: i64| by_id.get(&id).copied().ok_or(SelectionError::UnknownCandidate(id));
        let mut order: Vec<usize> = (0..cs.len()).collect();
        order.sort_by(|&a, &b| ranking(&cs[a], &cs[b]));
        let mut rank = vec![0; cs.len()];
        for (pos, &i) in order.iter().enumerate() {
            rank[i] = pos;
        }
        let size = p.size as usize;
        let weight = (size as i128 + 1) * (cs.len() as i128 + 1);
        let value = (0..cs.len()).map(|i| cs[i].score as i128 * weight - rank[i] as i128).collect();

        let k = &p.constraints;
        let mut excluded = HashMap::new();
        for d in &k.excludes {
            excluded.insert(find(d.id)?, d.reason.clone());
        }
        let mut pinned = vec![];
        for d in &k.pins {
            let i = find(d.id)?;
            if excluded.contains_key(&i) {
                return Err(SelectionError::PinnedAndExcluded(d.id));
            }
            if !pinned.contains(&i) {
                pinned.push(i);
            }
        }
        pinned.sort_by_key(|&i| rank[i]);
        if pinned.len() > size {
            return Err(SelectionError::TooManyPins { pins: pinned.len(), size });
        }
        let country_max = k.country_max.map(|m| m as usize);
        let mut pinned_per_country: HashMap<&str, usize> = HashMap::new();
        for &i in &pinned {
            *pinned_per_country.entry(cs[i].country.as_str()).or_default() += 1;
        }
        if let Some(max) = country_max {
            let mut over: Vec<(&&str, &usize)> = pinned_per_country.iter().filter(|(_, &n)| n > max).collect();
            over.sort();
            if let Some((country, &pinned)) = over.first() {
                return Err(SelectionError::PinsOverCountryMax { country: country.to_string(), pinned, max });
            }
        }

        let mut rules = vec![];
        for (gender, &percent) in &k.gender_min_percent {
            if percent > 100 {
                return Err(SelectionError::BadShare { gender: gender.clone(), percent });
            }
            let min = (percent as usize * size).div_ceil(100);
            rules.push((0, Rule::GenderMin { gender: gender.clone(), min }));
        }
        for (region, &min) in &k.region_min {
            rules.push((1, Rule::RegionMin { region: region.clone(), min: min as usize }));
        }
        let questions: Vec<&str> =
            k.answer_min.iter().map(|a| a.question.as_str()).collect::<BTreeSet<_>>().into_iter().collect();
        for a in &k.answer_min {
            let family = 2 + questions.iter().position(|q| *q == a.question).unwrap_or(0);
            let rule = Rule::AnswerMin { question: a.question.clone(), value: a.value.clone(), min: a.min as usize };
            rules.push((family, rule));
        }
        let groups = rules
            .into_iter()
            .map(|(family, rule)| {
                let have = pinned.iter().filter(|&&i| rule.holds_for(&cs[i])).count();
                MinGroup { need: rule.min().saturating_sub(have), rule, family }
            })
            .collect();
        let pool = order.iter().copied().filter(|i| !excluded.contains_key(i) && !pinned.contains(i)).collect();
        Ok(Prepared {
            p,
            size,
            order,
            rank,
            value,
            seats: size - pinned.len(),
            pinned,
            excluded,
            pool,
            groups,
            country_max,
            pinned_per_country,
        })
    }

    fn candidate(&self, i: usize) -> &'p Candidate {
        &self.p.candidates[i]
    }

    /// Places left in a country once pins are counted.
    fn room(&self, country: &str) -> usize {
        match self.country_max {
            Some(max) => max - self.pinned_per_country.get(country).copied().unwrap_or(0),
            None => self.seats,
        }
    }

    /// The usual shape: no minimum on answers still to meet, and, if regions have
    /// minimums, each country in a single region.
    fn laminar(&self) -> bool {
        let active = |g: &&MinGroup| g.need > 0;
        if self.groups.iter().filter(active).any(|g| matches!(g.rule, Rule::AnswerMin { .. })) {
            return false;
        }
        if !self.groups.iter().filter(active).any(|g| matches!(g.rule, Rule::RegionMin { .. })) {
            return true;
        }
        let mut region_of: HashMap<&str, &str> = HashMap::new();
        self.pool.iter().all(|&i| {
            let c = self.candidate(i);
            *region_of.entry(&c.country).or_insert(&c.region) == c.region
        })
    }

    fn solve(&self, solver: Solver) -> Result<Option<Vec<usize>>, SelectionError> {
        if self.pool.len() < self.seats {
            return Ok(None);
        }
        match solver {
            Solver::Flow => Ok(self.flow()),
            Solver::BranchAndBound => self.branch_and_bound(),
            Solver::IntegerProgram => self.integer_program(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Min-cost flow: source → gender → country → region → sink; an arc from a gender to a
// country carries that pair's candidates, best first, each unit costing minus its value.

struct Arc {
    from: usize,
    to: usize,
    cap: usize,
    flow: usize,
    /// Cost of each successive unit (increasing); empty for a free arc.
    costs: Vec<i128>,
}

impl Arc {
    fn forward_cost(&self) -> i128 {
        self.costs.get(self.flow).copied().unwrap_or(0)
    }
    fn backward_cost(&self) -> i128 {
        -self.costs.get(self.flow.wrapping_sub(1)).copied().unwrap_or(0)
    }
}

struct Network {
    nodes: usize,
    arcs: Vec<Arc>,
    excess: Vec<i64>,
}

impl Network {
    /// An arc with a lower bound becomes an arc of capacity `upper − lower` plus an
    /// excess moved from its tail to its head.
    fn arc(&mut self, from: usize, to: usize, lower: usize, upper: usize, costs: Vec<i128>) -> Option<usize> {
        if lower > upper {
            return None;
        }
        self.excess[from] -= lower as i64;
        self.excess[to] += lower as i64;
        self.arcs.push(Arc { from, to, cap: upper - lower, flow: 0, costs });
        Some(self.arcs.len() - 1)
    }

    /// Successive shortest paths (Bellman–Ford, the graph being tiny) from a super source
    /// feeding the excesses to a super sink draining the deficits. `false` when the
    /// bounds cannot all be met.
    fn min_cost_feasible(&mut self) -> bool {
        let (ss, tt) = (self.nodes, self.nodes + 1);
        let mut required = 0;
        for v in 0..self.nodes {
            let e = self.excess[v];
            if e > 0 {
                self.arcs.push(Arc { from: ss, to: v, cap: e as usize, flow: 0, costs: vec![] });
                required += e as usize;
            } else if e < 0 {
                self.arcs.push(Arc { from: v, to: tt, cap: (-e) as usize, flow: 0, costs: vec![] });
            }
        }
        let n = self.nodes + 2;
        for _ in 0..required {
            let mut dist = vec![i128::MAX; n];
            let mut via: Vec<Option<(usize, bool)>> = vec![None; n];
            dist[ss] = 0;
            for _ in 0..n {
                let mut changed = false;
                for (i, a) in self.arcs.iter().enumerate() {
                    if a.flow < a.cap && dist[a.from] != i128::MAX && dist[a.from] + a.forward_cost() < dist[a.to] {
                        dist[a.to] = dist[a.from] + a.forward_cost();
                        via[a.to] = Some((i, true));
                        changed = true;
                    }
                    if a.flow > 0 && dist[a.to] != i128::MAX && dist[a.to] + a.backward_cost() < dist[a.from] {
                        dist[a.from] = dist[a.to] + a.backward_cost();
                        via[a.from] = Some((i, false));
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
            if dist[tt] == i128::MAX {
                return false;
            }
            let mut v = tt;
            while v != ss {
                let (i, forward) = via[v].expect("on the path");
                let a = &mut self.arcs[i];
                if forward {
                    a.flow += 1;
                    v = a.from;
                } else {
                    a.flow -= 1;
                    v = a.to;
                }
            }
        }
        true
    }
}

impl Prepared<'_> {
    fn flow(&self) -> Option<Vec<usize>> {
        let need = |rule: &dyn Fn(&Rule) -> Option<&str>| -> BTreeMap<&str, usize> {
            self.groups.iter().filter_map(|g| rule(&g.rule).map(|k| (k, g.need))).collect()
        };
        let gender_need = need(&|r| if let Rule::GenderMin { gender, .. } = r { Some(gender) } else { None });
        let region_need = need(&|r| if let Rule::RegionMin { region, .. } = r { Some(region) } else { None });
        let use_regions = region_need.values().any(|&n| n > 0);

        let mut ids = Nodes::default();
        let mut pairs: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        let mut region_of_country: BTreeMap<usize, usize> = BTreeMap::new();
        for g in gender_need.keys() {
            ids.node(0, g);
        }
        for r in region_need.keys() {
            ids.node(2, r);
        }
        for &i in &self.pool {
            let c = self.candidate(i);
            let (g, k) = (ids.node(0, &c.gender), ids.node(1, &c.country));
            let r = ids.node(2, if use_regions { &c.region } else { "" });
            region_of_country.insert(k, r);
            let list = pairs.entry((g, k)).or_default();
            if list.len() < self.seats.min(self.room(&c.country)) {
                list.push(i);
            }
        }
        let nodes = 2 + ids.0.len();
        let mut net = Network { nodes, arcs: vec![], excess: vec![0; nodes + 2] };
        net.excess[0] = self.seats as i64;
        net.excess[1] = -(self.seats as i64);
        for (&(kind, name), &v) in &ids.0 {
            match kind {
                0 => net.arc(0, v, gender_need.get(name).copied().unwrap_or(0), self.seats, vec![])?,
                2 => net.arc(v, 1, region_need.get(name).copied().unwrap_or(0), self.seats, vec![])?,
                _ => net.arc(v, region_of_country[&v], 0, self.room(name), vec![])?,
            };
        }
        let mut carriers = vec![];
        for (&(g, k), list) in &pairs {
            let costs = list.iter().map(|&i| -self.value[i]).collect();
            carriers.push((net.arc(g, k, 0, list.len(), costs)?, list));
        }
        if !net.min_cost_feasible() {
            return None;
        }
        let mut chosen: Vec<usize> =
            carriers.iter().flat_map(|(a, list)| list[..net.arcs[*a].flow].iter().copied()).collect();
        chosen.sort_by_key(|&i| self.rank[i]);
        Some(chosen)
    }
}

/// Flow nodes by kind (0 gender, 1 country, 2 region) and name, numbered from 2 (after
/// the source and the sink) in order of first use.
#[derive(Default)]
struct Nodes<'a>(BTreeMap<(u8, &'a str), usize>);

impl<'a> Nodes<'a> {
    fn node(&mut self, kind: u8, name: &'a str) -> usize {
        let next = 2 + self.0.len();
        *self.0.entry((kind, name)).or_insert(next)
    }
}

// ---------------------------------------------------------------------------------------
// Integer programming, for any shape of rules: one 0/1 variable per candidate worth
// considering, the size as an equality, each country's room and each minimum as a row.
// Lexicographic like `value`: first the best total score, then, among cohorts with that
// total, the smallest sum of rank positions. Scores are integers, so the first optimum is
// read exactly from the chosen candidates before the second solve holds it.

/// Time given to each of the two solves before giving up (to branch and bound).
const INTEGER_PROGRAM_TIME: std::time::Duration = std::time::Duration::from_secs(5);

impl Prepared<'_> {
    fn integer_program(&self) -> Result<Option<Vec<usize>>, SelectionError> {
        use microlp::{ComparisonOp, OptimizationDirection};
        let (groups, items) = self.worth_considering();
        let cs = &self.p.candidates;
        let build = |direction, objective: &dyn Fn(usize) -> f64| {
            let mut lp = microlp::Problem::new(direction);
            lp.set_time_limit(INTEGER_PROGRAM_TIME);
            let x: Vec<microlp::Variable> = items.iter().map(|&i| lp.add_binary_var(objective(i))).collect();
            let row = |which: &dyn Fn(usize) -> bool| -> Vec<(microlp::Variable, f64)> {
                items.iter().zip(&x).filter(|(&i, _)| which(i)).map(|(_, &v)| (v, 1.0)).collect()
            };
            lp.add_constraint(row(&|_| true), ComparisonOp::Eq, self.seats as f64);
            let countries: BTreeSet<&str> = items.iter().map(|&i| cs[i].country.as_str()).collect();
            for country in countries {
                lp.add_constraint(row(&|i| cs[i].country == country), ComparisonOp::Le, self.room(country) as f64);
            }
            for g in &groups {
                lp.add_constraint(row(&|i| g.rule.holds_for(&cs[i])), ComparisonOp::Ge, g.need as f64);
            }
            (lp, x)
        };
        let chosen = |solution: &microlp::Solution, x: &[microlp::Variable]| -> Vec<usize> {
            items.iter().zip(x).filter(|(_, &v)| solution.var_value(v) > 0.5).map(|(&i, _)| i).collect()
        };
        let solved = |lp: &microlp::Problem| match lp.solve().map(microlp::SolveOutcome::into_solution) {
            Ok(Ok(solution)) if solution.status() == microlp::SolutionStatus::Optimal => Ok(Some(solution)),
            Err(microlp::Error::Infeasible) => Ok(None),
            _ => Err(()),
        };
        let (lp, x) = build(OptimizationDirection::Maximize, &|i| cs[i].score as f64);
        let best = match solved(&lp) {
            Ok(Some(solution)) => chosen(&solution, &x),
            Ok(None) => return Ok(None),
            Err(()) => return self.branch_and_bound(),
        };
        let total: i64 = best.iter().map(|&i| cs[i].score).sum();
        let (mut lp, x) = build(OptimizationDirection::Minimize, &|i| self.rank[i] as f64);
        let scores: Vec<(microlp::Variable, f64)> =
            items.iter().zip(&x).map(|(&i, &v)| (v, cs[i].score as f64)).collect();
        lp.add_constraint(scores, ComparisonOp::Ge, total as f64 - 0.5);
        match solved(&lp) {
            Ok(Some(solution)) => {
                let tied = chosen(&solution, &x);
                // Trust the second solve only if it kept the total exactly.
                if tied.len() == self.seats && tied.iter().map(|&i| cs[i].score).sum::<i64>() == total {
                    return Ok(Some(tied));
                }
                Ok(Some(best))
            }
            _ => Ok(Some(best)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Branch and bound, for any shape of rules: the fallback when the integer program fails
// numerically or runs out of time, and the reference the tests check the others against.

/// Nodes explored before giving up.
const SEARCH_BUDGET: u64 = 20_000_000;

struct Search<'a> {
    items: Vec<usize>,
    value: Vec<i128>,
    /// `prefix[i]` = sum of the values of items before `i` (items are best first).
    prefix: Vec<i128>,
    country: Vec<usize>,
    room: Vec<usize>,
    /// For each item, the minimum groups it counts for.
    member_of: Vec<Vec<usize>>,
    need: Vec<usize>,
    family: Vec<usize>,
    families: usize,
    /// `left[g][i]` = members of group `g` among items from `i` on.
    left: Vec<Vec<usize>>,
    seats: usize,
    taken: Vec<usize>,
    in_group: Vec<usize>,
    in_country: Vec<usize>,
    best: Option<(i128, Vec<usize>)>,
    nodes: u64,
    _p: std::marker::PhantomData<&'a ()>,
}

impl Search<'_> {
    fn hopeless(&self, i: usize, value: i128) -> bool {
        let slots = self.seats - self.taken.len();
        if self.items.len() - i < slots {
            return true;
        }
        if let Some((best, _)) = &self.best {
            if value + self.prefix[i + slots] - self.prefix[i] <= *best {
                return true;
            }
        }
        let mut per_family = vec![0; self.families];
        for g in 0..self.need.len() {
            let lack = self.need[g].saturating_sub(self.in_group[g]);
            if lack > slots || lack > self.left[g][i] {
                return true;
            }
            per_family[self.family[g]] += lack;
        }
        per_family.iter().any(|&l| l > slots)
    }

    fn run(&mut self, i: usize, value: i128) -> Result<(), SelectionError> {
        self.nodes += 1;
        if self.nodes > SEARCH_BUDGET {
            return Err(SelectionError::TooComplex);
        }
        if self.taken.len() == self.seats {
            if self.need.iter().zip(&self.in_group).all(|(n, h)| h >= n)
                && self.best.as_ref().is_none_or(|(b, _)| value > *b)
            {
                self.best = Some((value, self.taken.clone()));
            }
            return Ok(());
        }
        if self.hopeless(i, value) {
            return Ok(());
        }
        let k = self.country[i];
        if self.in_country[k] < self.room[k] {
            self.in_country[k] += 1;
            for &g in &self.member_of[i] {
                self.in_group[g] += 1;
            }
            self.taken.push(self.items[i]);
            self.run(i + 1, value + self.value[i])?;
            self.taken.pop();
            for &g in &self.member_of[i] {
                self.in_group[g] -= 1;
            }
            self.in_country[k] -= 1;
        }
        self.run(i + 1, value)
    }
}

impl Prepared<'_> {
    /// The minimum groups still to fill, and the candidates worth considering for them:
    /// candidates alike for every rule are interchangeable, so only the best of each kind,
    /// as many as could ever be taken, in ranking order.
    fn worth_considering(&self) -> (Vec<&MinGroup>, Vec<usize>) {
        let groups: Vec<&MinGroup> = self.groups.iter().filter(|g| g.need > 0).collect();
        let mut kinds: HashMap<(Vec<usize>, &str), usize> = HashMap::new();
        let mut items = vec![];
        for &i in &self.pool {
            let c = self.candidate(i);
            let member: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].rule.holds_for(c)).collect();
            let seen = kinds.entry((member, &c.country)).or_default();
            if *seen < self.seats.min(self.room(&c.country)) {
                *seen += 1;
                items.push(i);
            }
        }
        (groups, items)
    }

    fn branch_and_bound(&self) -> Result<Option<Vec<usize>>, SelectionError> {
        let (groups, items) = self.worth_considering();
        let mut countries: HashMap<&str, usize> = HashMap::new();
        let mut room = vec![];
        let country: Vec<usize> = items
            .iter()
            .map(|&i| {
                let name = self.candidate(i).country.as_str();
                let next = countries.len();
                *countries.entry(name).or_insert_with(|| {
                    room.push(self.room(name));
                    next
                })
            })
            .collect();
        let member_of: Vec<Vec<usize>> = items
            .iter()
            .map(|&i| (0..groups.len()).filter(|&g| groups[g].rule.holds_for(self.candidate(i))).collect())
            .collect();
        let mut left = vec![vec![0; items.len() + 1]; groups.len()];
        for (g, counts) in left.iter_mut().enumerate() {
            for i in (0..items.len()).rev() {
                counts[i] = counts[i + 1] + usize::from(member_of[i].contains(&g));
            }
        }
        let value: Vec<i128> = items.iter().map(|&i| self.value[i]).collect();
        let mut prefix = vec![0];
        for v in &value {
            prefix.push(prefix.last().copied().unwrap_or(0) + v);
        }
        let mut search = Search {
            value,
            prefix,
            country,
            in_country: vec![0; room.len()],
            room,
            member_of,
            need: groups.iter().map(|g| g.need).collect(),
            family: groups.iter().map(|g| g.family).collect(),
            families: groups.iter().map(|g| g.family + 1).max().unwrap_or(0),
            in_group: vec![0; groups.len()],
            left,
            seats: self.seats,
            taken: vec![],
            items,
            best: None,
            nodes: 0,
            _p: std::marker::PhantomData,
        };
        search.run(0, 0)?;
        Ok(search.best.map(|(_, chosen)| chosen))
    }

    // -----------------------------------------------------------------------------------
    // Why no cohort meets the rules: the first single rule that cannot be met, else the
    // combination.

    fn diagnose(&self) -> SelectionError {
        let cs = &self.p.candidates;
        let eligible: Vec<usize> = self.pinned.iter().chain(&self.pool).copied().collect();
        if eligible.len() < self.size {
            return SelectionError::NotEnoughCandidates { needed: self.size, available: eligible.len() };
        }
        let mut by_family: BTreeMap<usize, usize> = BTreeMap::new();
        for g in &self.groups {
            *by_family.entry(g.family).or_default() += g.rule.min();
        }
        for (family, required) in by_family {
            if required > self.size {
                let family = match family {
                    0 => "gender".to_string(),
                    1 => "region".to_string(),
                    _ => self
                        .groups
                        .iter()
                        .find_map(|g| match &g.rule {
                            Rule::AnswerMin { question, .. } if g.family == family => Some(question.clone()),
                            _ => None,
                        })
                        .unwrap_or_default(),
                };
                return SelectionError::MinimumsOverSize { family, required, size: self.size };
            }
        }
        // How many of a set can be selected at once, given the maximum per country.
        let capacity = |set: &mut dyn Iterator<Item = usize>| -> (usize, usize) {
            let mut per_country: HashMap<&str, usize> = HashMap::new();
            for i in set {
                *per_country.entry(cs[i].country.as_str()).or_default() += 1;
            }
            let cap = self.country_max.unwrap_or(usize::MAX);
            (per_country.values().map(|&n| n.min(cap)).sum(), per_country.len())
        };
        for g in &self.groups {
            let (available, _) = capacity(&mut eligible.iter().copied().filter(|&i| g.rule.holds_for(&cs[i])));
            let needed = g.rule.min();
            if available < needed {
                return match &g.rule {
                    Rule::GenderMin { gender, .. } => {
                        SelectionError::GenderMin { gender: gender.clone(), needed, available }
                    }
                    Rule::RegionMin { region, .. } => {
                        SelectionError::RegionMin { region: region.clone(), needed, available }
                    }
                    Rule::AnswerMin { question, value, .. } => SelectionError::AnswerMin {
                        question: question.clone(),
                        value: value.clone(),
                        needed,
                        available,
                    },
                    Rule::CountryMax { .. } => continue,
                };
            }
        }
        let (capacity, countries) = capacity(&mut eligible.iter().copied());
        if let (Some(max), true) = (self.country_max, capacity < self.size) {
            return SelectionError::CountryMax { max, countries, capacity, needed: self.size };
        }
        SelectionError::Combination
    }

    // -----------------------------------------------------------------------------------
    // Explanations and waitlist.

    fn counts(&self, chosen: &[usize]) -> (Vec<usize>, HashMap<&str, usize>) {
        let cs = &self.p.candidates;
        let in_group =
            self.groups.iter().map(|g| chosen.iter().filter(|&&i| g.rule.holds_for(&cs[i])).count()).collect();
        let mut per_country: HashMap<&str, usize> = HashMap::new();
        for &i in chosen {
            *per_country.entry(cs[i].country.as_str()).or_default() += 1;
        }
        (in_group, per_country)
    }

    fn full(&self, per_country: &HashMap<&str, usize>, country: &str) -> Option<Rule> {
        let max = self.country_max?;
        (per_country.get(country).copied().unwrap_or(0) >= max)
            .then(|| Rule::CountryMax { country: country.to_string(), max })
    }

    /// Reasons, in ranking order. Among candidates neither pinned nor excluded: a selected
    /// one is in by score when everyone ranked above her is selected too, else by
    /// constraint; one left out is out by constraint when someone ranked below her is
    /// selected, else out by score.
    fn explain(&self, chosen: &[usize]) -> Vec<Explanation> {
        let cs = &self.p.candidates;
        let selected: BTreeSet<usize> = chosen.iter().copied().collect();
        let last_in = self.pool.iter().rposition(|i| selected.contains(i));
        let (in_group, per_country) = self.counts(chosen);
        let tight: Vec<&MinGroup> = self
            .groups
            .iter()
            .zip(&in_group)
            .filter(|(g, &n)| g.rule.min() > 0 && n <= g.rule.min())
            .map(|(g, _)| g)
            .collect();
        let mut blocking: Vec<Rule> = vec![];
        let mut skipped = false;
        let mut position = 0;
        self.order
            .iter()
            .map(|&i| {
                let c = &cs[i];
                let is_in = selected.contains(&i);
                let reason = if let Some(reason) = self.excluded.get(&i) {
                    Reason::Excluded { reason: reason.clone() }
                } else if self.pinned.contains(&i) {
                    let reason = self.p.constraints.pins.iter().find(|d| d.id == c.id).map(|d| d.reason.clone());
                    Reason::Pinned { reason: reason.unwrap_or_default() }
                } else {
                    let above_cut = last_in.is_some_and(|l| position < l);
                    position += 1;
                    if is_in && !skipped {
                        Reason::InByScore
                    } else if is_in {
                        let mut which: Vec<Rule> =
                            tight.iter().filter(|g| g.rule.holds_for(c)).map(|g| g.rule.clone()).collect();
                        if which.is_empty() {
                            which = blocking.clone();
                        }
                        Reason::InByConstraint { which }
                    } else if above_cut {
                        skipped = true;
                        let which = match self.full(&per_country, &c.country) {
                            Some(rule) => {
                                if !blocking.contains(&rule) {
                                    blocking.push(rule.clone());
                                }
                                vec![rule]
                            }
                            None => tight.iter().filter(|g| !g.rule.holds_for(c)).map(|g| g.rule.clone()).collect(),
                        };
                        Reason::OutByConstraint { which }
                    } else {
                        Reason::OutByScore
                    }
                };
                Explanation { id: c.id, rank: self.rank[i] + 1, selected: is_in, reason }
            })
            .collect()
    }

    /// Whether `instead` can take `leaving`'s place in `chosen` with every rule met.
    fn fits(&self, chosen: &[usize], leaving: usize, instead: usize) -> bool {
        let cs = &self.p.candidates;
        let (in_group, per_country) = self.counts(chosen);
        let (out, new) = (&cs[leaving], &cs[instead]);
        let groups_ok =
            self.groups.iter().zip(&in_group).all(|(g, &n)| {
                n + usize::from(g.rule.holds_for(new)) - usize::from(g.rule.holds_for(out)) >= g.rule.min()
            });
        let country_ok = match self.country_max {
            Some(max) => {
                per_country.get(new.country.as_str()).copied().unwrap_or(0) + 1
                    - usize::from(out.country == new.country)
                    <= max
            }
            None => true,
        };
        groups_ok && country_ok
    }

    fn waitlist(&self, chosen: &[usize], declined: &BTreeSet<i64>) -> Vec<WaitlistEntry> {
        let cs = &self.p.candidates;
        self.pool
            .iter()
            .filter(|&&i| !chosen.contains(&i) && !declined.contains(&cs[i].id))
            .take(self.p.waitlist as usize)
            .map(|&i| WaitlistEntry {
                id: cs[i].id,
                rank: self.rank[i] + 1,
                replaces: chosen.iter().filter(|&&s| self.fits(chosen, s, i)).map(|&s| cs[s].id).collect(),
            })
            .collect()
    }

    fn outcome(&self, mut chosen: Vec<usize>, solver: Solver) -> Outcome {
        chosen.extend(&self.pinned);
        chosen.sort_by_key(|&i| self.rank[i]);
        let cs = &self.p.candidates;
        Outcome {
            selected: chosen.iter().map(|&i| cs[i].id).collect(),
            total: chosen.iter().map(|&i| cs[i].score).sum(),
            waitlist: self.waitlist(&chosen, &BTreeSet::new()),
            explanations: self.explain(&chosen),
            solver,
        }
    }
}

fn select_with(p: &Problem, solver: Option<Solver>) -> Result<Outcome, SelectionError> {
    let prepared = Prepared::new(p)?;
    let solver = solver.unwrap_or(if prepared.laminar() { Solver::Flow } else { Solver::IntegerProgram });
    match prepared.solve(solver)? {
        Some(chosen) => Ok(prepared.outcome(chosen, solver)),
        None => Err(prepared.diagnose()),
    }
}

/// The best cohort under the rules, its waitlist and why each candidate is in or out; or
/// which rule to relax (see the module's documentation).
pub fn select(p: &Problem) -> Result<Outcome, SelectionError> {
    select_with(p, None)
}

/// After `declined` declines: the first on the waitlist who can take her place with every
/// rule still met joins the cohort; the rest of the waitlist stays, in order, with its
/// `replaces` brought up to date (so the waitlist shrinks by one).
/// Explanations stay those of the original choice. When nobody fits, run `select` again
/// with `declined` excluded: that answer is exact.
pub fn promote_from_waitlist(p: &Problem, outcome: &Outcome, declined: i64) -> Result<Outcome, PromoteError> {
    let prepared = Prepared::new(p).map_err(|_| PromoteError::NotSelected(declined))?;
    let index: HashMap<i64, usize> = p.candidates.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    if !outcome.selected.contains(&declined) {
        return Err(PromoteError::NotSelected(declined));
    }
    let entry =
        outcome.waitlist.iter().find(|w| w.replaces.contains(&declined)).ok_or(PromoteError::NoneFits(declined))?;
    let mut chosen: Vec<usize> =
        outcome.selected.iter().filter(|&&id| id != declined).filter_map(|id| index.get(id).copied()).collect();
    chosen.push(index[&entry.id]);
    chosen.sort_by_key(|&i| prepared.rank[i]);
    let cs = &p.candidates;
    let waitlist = outcome
        .waitlist
        .iter()
        .filter(|w| w.id != entry.id)
        .filter_map(|w| index.get(&w.id).map(|&i| (w, i)))
        .map(|(w, i)| WaitlistEntry {
            id: w.id,
            rank: w.rank,
            replaces: chosen.iter().filter(|&&s| prepared.fits(&chosen, s, i)).map(|&s| cs[s].id).collect(),
        })
        .collect();
    Ok(Outcome {
        selected: chosen.iter().map(|&i| p.candidates[i].id).collect(),
        total: chosen.iter().map(|&i| p.candidates[i].score).sum(),
        waitlist,
        explanations: outcome.explanations.clone(),
        solver: outcome.solver,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cand(id: i64, points: f64, gender: &str, country: &str, region: &str) -> Candidate {
        Candidate {
            id,
            score: milli(points),
            submitted_at: Timestamp::from_second(1_700_000_000 + id).unwrap(),
            gender: gender.into(),
            country: country.into(),
            region: region.into(),
            answers: BTreeMap::new(),
        }
    }

    fn problem(candidates: Vec<Candidate>, size: u32, waitlist: u32) -> Problem {
        Problem { candidates, size, waitlist, constraints: Constraints::default() }
    }

    fn reason_of(o: &Outcome, id: i64) -> &Reason {
        &o.explanations.iter().find(|e| e.id == id).unwrap().reason
    }

    /// Ten men then ten women, in score order; countries SN, BJ alternating; West Africa.
    fn twenty() -> Vec<Candidate> {
        (0..20)
            .map(|i| {
                let gender = if i < 10 { "m" } else { "f" };
                cand(i, 90.0 - i as f64, gender, ["SN", "BJ"][i as usize % 2], "ouest")
            })
            .collect()
    }

    #[test]
    fn without_rules_the_best_scores_are_selected() {
        let o = select(&problem(twenty(), 5, 3)).unwrap();
        assert_eq!(o.selected, vec![0, 1, 2, 3, 4]);
        assert_eq!(o.total, milli(90.0 + 89.0 + 88.0 + 87.0 + 86.0));
        assert_eq!(o.waitlist.iter().map(|w| w.id).collect::<Vec<_>>(), vec![5, 6, 7]);
        assert_eq!(o.waitlist[0].replaces, vec![0, 1, 2, 3, 4]);
        assert_eq!(*reason_of(&o, 0), Reason::InByScore);
        assert_eq!(*reason_of(&o, 5), Reason::OutByScore);
        assert_eq!(o.solver, Solver::Flow);
    }

    #[test]
    fn a_gender_minimum_brings_in_the_best_women_and_says_so() {
        let mut p = problem(twenty(), 5, 8);
        p.constraints.gender_min_percent.insert("f".into(), 40);
        let o = select(&p).unwrap();
        assert_eq!(o.selected, vec![0, 1, 2, 10, 11]);
        let which = vec![Rule::GenderMin { gender: "f".into(), min: 2 }];
        assert_eq!(*reason_of(&o, 10), Reason::InByConstraint { which: which.clone() });
        assert_eq!(*reason_of(&o, 3), Reason::OutByConstraint { which });
        // Man 3 cannot replace a woman who declines; woman 12 can replace anyone.
        assert_eq!(o.waitlist[0].id, 3);
        assert_eq!(o.waitlist[0].replaces, vec![0, 1, 2]);
        let w12 = o.waitlist.iter().find(|w| w.id == 12).unwrap();
        assert_eq!(w12.replaces, vec![0, 1, 2, 10, 11]);
        let next = promote_from_waitlist(&p, &o, 11).unwrap();
        assert_eq!(next.selected, vec![0, 1, 2, 10, 12]);
        assert!(next.waitlist.iter().all(|w| w.id != 12));
        assert_eq!(promote_from_waitlist(&p, &o, 3), Err(PromoteError::NotSelected(3)));
    }

    #[test]
    fn a_country_maximum_leaves_better_candidates_out_with_the_reason() {
        let mut p = problem(twenty(), 4, 0);
        p.candidates[3].country = "SN".into();
        p.constraints.country_max = Some(2);
        let o = select(&p).unwrap();
        assert_eq!(o.selected, vec![0, 1, 2, 5]);
        let rule = Rule::CountryMax { country: "SN".into(), max: 2 };
        assert_eq!(*reason_of(&o, 3), Reason::OutByConstraint { which: vec![rule.clone()] });
        assert_eq!(*reason_of(&o, 4), Reason::OutByConstraint { which: vec![rule.clone()] });
        assert_eq!(*reason_of(&o, 5), Reason::InByConstraint { which: vec![rule] });
    }

    #[test]
    fn pins_and_exclusions_are_kept_with_their_reasons() {
        let mut p = problem(twenty(), 3, 2);
        p.constraints.pins.push(Decision { id: 19, reason: "lauréate du MOOC".into() });
        p.constraints.excludes.push(Decision { id: 0, reason: "déjà accompagné".into() });
        let o = select(&p).unwrap();
        assert_eq!(o.selected, vec![1, 2, 19]);
        assert_eq!(*reason_of(&o, 19), Reason::Pinned { reason: "lauréate du MOOC".into() });
        assert_eq!(*reason_of(&o, 0), Reason::Excluded { reason: "déjà accompagné".into() });
        assert!(o.waitlist.iter().all(|w| w.id != 0));
        p.constraints.pins.push(Decision { id: 0, reason: String::new() });
        assert_eq!(select(&p), Err(SelectionError::PinnedAndExcluded(0)));
        p.constraints.pins = vec![Decision { id: 99, reason: String::new() }];
        assert_eq!(select(&p), Err(SelectionError::UnknownCandidate(99)));
    }

    #[test]
    fn impossible_rules_name_what_to_relax() {
        // 30 places, 40 % women: 12 needed, 9 women apply.
        let mut cs: Vec<Candidate> = (0..40).map(|i| cand(i, 50.0, if i < 9 { "f" } else { "m" }, "SN", "o")).collect();
        for (i, c) in cs.iter_mut().enumerate() {
            c.country = format!("C{}", i % 8);
        }
        let mut p = problem(cs, 30, 0);
        p.constraints.gender_min_percent.insert("f".into(), 40);
        let e = select(&p).unwrap_err();
        assert_eq!(e, SelectionError::GenderMin { gender: "f".into(), needed: 12, available: 9 });
        assert_eq!(e.message_key(), "error.selection.gender_min");
        p.constraints.gender_min_percent.clear();
        p.constraints.country_max = Some(3);
        assert_eq!(
            select(&p).unwrap_err(),
            SelectionError::CountryMax { max: 3, countries: 8, capacity: 24, needed: 30 }
        );
        p.constraints.country_max = None;
        p.constraints.region_min.insert("sahel".into(), 1);
        assert_eq!(
            select(&p).unwrap_err(),
            SelectionError::RegionMin { region: "sahel".into(), needed: 1, available: 0 }
        );
        p.constraints.region_min.clear();
        p.size = 41;
        assert_eq!(select(&p).unwrap_err(), SelectionError::NotEnoughCandidates { needed: 41, available: 40 });
        p.size = 10;
        p.constraints.gender_min_percent = [("f".to_string(), 60), ("m".to_string(), 60)].into();
        assert!(matches!(select(&p).unwrap_err(), SelectionError::MinimumsOverSize { required: 12, .. }));
    }

    #[test]
    fn answer_minimums_use_the_exact_search() {
        let mut p = problem(twenty(), 4, 0);
        for c in p.candidates.iter_mut().filter(|c| c.id % 5 == 4) {
            c.answers.insert("zone".into(), "rurale".into());
        }
        p.constraints.answer_min.push(AnswerMin { question: "zone".into(), value: "rurale".into(), min: 2 });
        let o = select(&p).unwrap();
        assert_eq!(o.solver, Solver::IntegerProgram);
        assert_eq!(o.selected, vec![0, 1, 4, 9]);
    }

    // Exhaustive reference: every subset of the right size.
    fn meets(p: &Problem, chosen: &[usize]) -> bool {
        let cs = &p.candidates;
        let k = &p.constraints;
        let ids: BTreeSet<i64> = chosen.iter().map(|&i| cs[i].id).collect();
        let count = |f: &dyn Fn(&Candidate) -> bool| chosen.iter().filter(|&&i| f(&cs[i])).count();
        k.pins.iter().all(|d| ids.contains(&d.id))
            && k.excludes.iter().all(|d| !ids.contains(&d.id))
            && k.gender_min_percent
                .iter()
                .all(|(g, &pc)| count(&|c| &c.gender == g) * 100 >= pc as usize * p.size as usize)
            && k.region_min.iter().all(|(r, &m)| count(&|c| &c.region == r) >= m as usize)
            && k.answer_min.iter().all(|a| count(&|c| c.answers.get(&a.question) == Some(&a.value)) >= a.min as usize)
            && k.country_max.is_none_or(|m| cs.iter().all(|x| count(&|c| c.country == x.country) <= m as usize))
    }

    fn exhaustive(p: &Problem) -> Option<i64> {
        let n = p.candidates.len();
        (0u32..1 << n)
            .filter(|mask| mask.count_ones() == p.size)
            .map(|mask| (0..n).filter(|i| mask & (1 << i) != 0).collect::<Vec<_>>())
            .filter(|chosen| meets(p, chosen))
            .map(|chosen| chosen.iter().map(|&i| p.candidates[i].score).sum())
            .max()
    }

    fn arb_problem() -> impl Strategy<Value = Problem> {
        let cand = (0..3usize, 0..4usize, 0..6i64, 0..3usize, 0..2usize, 0..4u8);
        (
            proptest::collection::vec(cand, 1..13),
            1..7u32,
            (proptest::option::of(0..70u32), proptest::option::of(1..4u32), proptest::option::of((0..2usize, 0..4u32))),
            (proptest::option::of((0..2usize, 0..4u32)), any::<bool>(), 0..3usize, 0..2usize),
        )
            .prop_map(
                |(cands, size, (share, country_max, region), (answer, messy_regions, pins, excludes))| {
                    let candidates: Vec<Candidate> = cands
                        .iter()
                        .enumerate()
                        .map(|(i, &(g, k, s, r, a, t))| Candidate {
                            id: 100 - i as i64,
                            score: s * 1000,
                            submitted_at: Timestamp::from_second(1_700_000_000 + t as i64).unwrap(),
                            gender: ["f", "m", "x"][g].into(),
                            country: format!("C{k}"),
                            region: if messy_regions { format!("R{r}") } else { format!("R{}", k / 2) },
                            answers: [("zone".to_string(), ["rurale", "urbaine"][a].to_string())].into(),
                        })
                        .collect();
                    let n = candidates.len();
                    let mut constraints = Constraints { country_max, ..Constraints::default() };
                    if let Some(s) = share {
                        constraints.gender_min_percent.insert("f".into(), s);
                    }
                    if let Some((r, m)) = region {
                        constraints.region_min.insert(format!("R{r}"), m);
                    }
                    if let Some((a, m)) = answer {
                        constraints.answer_min.push(AnswerMin {
                            question: "zone".into(),
                            value: ["rurale", "urbaine"][a].into(),
                            min: m,
                        });
                    }
                    for i in 0..pins.min(n) {
                        constraints.pins.push(Decision { id: candidates[(i * 5) % n].id, reason: "p".into() });
                    }
                    for i in 0..excludes {
                        let id = candidates[(i * 7 + 3) % n].id;
                        if constraints.pins.iter().all(|d| d.id != id) {
                            constraints.excludes.push(Decision { id, reason: "e".into() });
                        }
                    }
                    Problem { candidates, size, waitlist: 3, constraints }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn selections_are_optimal_and_infeasibility_is_exact(p in arb_problem()) {
            let best = exhaustive(&p);
            let laminar = Prepared::new(&p).map(|x| x.laminar()).unwrap_or(false);
            let mut solvers = vec![None, Some(Solver::BranchAndBound), Some(Solver::IntegerProgram)];
            if laminar {
                solvers.push(Some(Solver::Flow));
            }
            // (total, sum of rank positions) of the reference: the tie-break every solver meets.
            let rank_sum = |o: &Outcome| -> usize {
                o.explanations.iter().filter(|e| e.selected).map(|e| e.rank).sum()
            };
            let reference = select_with(&p, Some(Solver::BranchAndBound)).ok().map(|o| (o.total, rank_sum(&o)));
            for solver in solvers {
                match (select_with(&p, solver), best) {
                    (Ok(o), Some(total)) => {
                        prop_assert_eq!(o.total, total, "{:?}", solver);
                        // Ties too are broken by the same rule, whichever the solver.
                        prop_assert_eq!(Some((o.total, rank_sum(&o))), reference, "{:?}", solver);
                        let index: HashMap<i64, usize> = p.candidates.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
                        let chosen: Vec<usize> = o.selected.iter().map(|id| index[id]).collect();
                        prop_assert_eq!(chosen.len(), p.size as usize);
                        prop_assert!(meets(&p, &chosen));
                        prop_assert_eq!(o.explanations.iter().filter(|e| e.selected).count(), p.size as usize);
                        // A decline lifts that person's pin.
                        let unpinned = Problem { constraints: Constraints { pins: vec![], ..p.constraints.clone() }, ..p.clone() };
                        for w in &o.waitlist {
                            for &r in &w.replaces {
                                let mut next = chosen.clone();
                                next.retain(|&i| p.candidates[i].id != r);
                                next.push(index[&w.id]);
                                let ok = meets(&unpinned, &next);
                                prop_assert!(ok);
                            }
                        }
                    }
                    (Err(e), None) => prop_assert!(!matches!(e, SelectionError::TooComplex), "{:?}", e),
                    (got, want) => prop_assert!(false, "{:?} gave {:?}, exhaustive search {:?}", solver, got, want),
                }
            }
        }
    }
}
