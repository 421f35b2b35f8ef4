//! Who reviews what. Each application goes to `k` distinct reviewers who read its language
//! and have no conflict of interest with it; the work is spread as evenly as the conflicts
//! and languages allow, and when an application cannot get `k` reviewers the plan says so
//! and why, rather than quietly giving it fewer.
//!
//! Guarantee (loads count every assignment of a reviewer, kept ones included): among active
//! reviewers, the loads are *decreasingly minimal*: no other valid plan that keeps the same
//! assignments has a lower maximum load, nor a higher minimum load. So when some valid plan
//! has loads differing by at most 1, this one does too; when none has (a reviewer who reads
//! a rare language only, many conflicts, heavy kept loads), `Plan::min_load`/`max_load` report
//! the best that is possible. The algorithm: a greedy pass (most constrained applications
//! first, each to its least loaded eligible reviewers, ties broken by a seeded shuffle), then
//! repair moves: a chain "application a1 goes from reviewer u to w1, a2 from w1 to w2, ... to
//! v" moves one unit of load from u to v; while some reviewer can pass load to one at least
//! 2 below it, it does. For sets of loads like these (an M-convex set), having no such
//! chain is exactly decreasing minimality (Frank and Murota, 2018); the property tests check
//! it against exact max-flow on small instances.
//!
//! Everything is deterministic given `Problem::seed`. Applications and reviewers are numbered
//! by their position in the problem's lists; the caller maps them to ids.

use std::collections::{BTreeSet, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// The language the application is written in.
    pub language: String,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub organisation: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviewer {
    /// The languages the reviewer reads.
    pub languages: Vec<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub organisation: Option<String>,
    /// Inactive reviewers get no new assignment (they keep the ones the problem keeps).
    pub active: bool,
}

/// Conflicts of interest beyond the declared ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictRules {
    /// A reviewer does not review applications from her own country.
    pub same_country: bool,
    /// A reviewer does not review applications from her own organisation.
    pub same_organisation: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub applications: Vec<Application>,
    pub reviewers: Vec<Reviewer>,
    /// Declared conflicts: (application, reviewer).
    #[serde(default)]
    pub conflicts: BTreeSet<(usize, usize)>,
    #[serde(default)]
    pub rules: ConflictRules,
    /// Reviewers per application.
    pub k: usize,
    /// Assignments that stay as they are, (application, reviewer), e.g. those already
    /// scored; they count towards `k` and towards loads, whoever the reviewer is.
    #[serde(default)]
    pub keep: Vec<(usize, usize)>,
    pub seed: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProblemError {
    #[error("there is no application number {0}")]
    NoSuchApplication(usize),
    #[error("there is no reviewer number {0}")]
    NoSuchReviewer(usize),
}

/// An application that could not get `k` reviewers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub application: usize,
    pub needed: usize,
    pub assigned: usize,
    /// Active reviewers who read the application's language.
    pub reading_language: usize,
    /// Of those, how many have a conflict of interest with it.
    pub conflicted: usize,
}

impl Shortfall {
    pub fn message_key(&self) -> &'static str {
        "error.review.too_few_reviewers"
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// For each application, its reviewers in increasing order.
    pub reviewers: Vec<Vec<usize>>,
    /// For each reviewer, how many applications she has.
    pub loads: Vec<usize>,
    pub shortfalls: Vec<Shortfall>,
    /// Smallest and largest load among active reviewers (0 when there is none).
    pub min_load: usize,
    pub max_load: usize,
}

impl Plan {
    /// Loads among active reviewers differ by at most one.
    pub fn balanced(&self) -> bool {
        self.max_load - self.min_load <= 1
    }
}

/// SplitMix64: a small, well-mixed generator, so the plan for a seed never changes with a
/// dependency's version.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const NONE: u32 = u32::MAX;

/// Strings as small numbers, so eligibility is a few integer comparisons.
#[derive(Default)]
struct Interner<'a>(HashMap<&'a str, u32>);

impl<'a> Interner<'a> {
    fn id(&mut self, s: &'a str) -> u32 {
        let next = self.0.len() as u32;
        *self.0.entry(s).or_insert(next)
    }
    fn opt(&mut self, s: &'a Option<String>) -> u32 {
        s.as_deref().map_or(NONE, |s| self.id(s))
    }
}

/// Who may review what, precomputed.
struct Eligibility {
    reviewers: usize,
    languages: usize,
    app_language: Vec<u32>,
    app_country: Vec<u32>,
    app_organisation: Vec<u32>,
    reads: Vec<bool>,
    active: Vec<bool>,
    reviewer_country: Vec<u32>,
    reviewer_organisation: Vec<u32>,
    declared: Vec<Vec<u32>>,
    rules: ConflictRules,
}

impl Eligibility {
    fn new(p: &Problem) -> Result<Eligibility, ProblemError> {
        let (mut languages, mut countries, mut organisations) =
            (Interner::default(), Interner::default(), Interner::default());
        let app_language = p.applications.iter().map(|a| languages.id(&a.language)).collect();
        let app_country = p.applications.iter().map(|a| countries.opt(&a.country)).collect();
        let app_organisation = p.applications.iter().map(|a| organisations.opt(&a.organisation)).collect();
        let reviewer_languages: Vec<Vec<u32>> =
            p.reviewers.iter().map(|r| r.languages.iter().map(|l| languages.id(l)).collect()).collect();
        let n_lang = languages.0.len();
        let mut reads = vec![false; p.reviewers.len() * n_lang];
        for (r, ls) in reviewer_languages.iter().enumerate() {
            for &l in ls {
                reads[r * n_lang + l as usize] = true;
            }
        }
        let mut declared = vec![vec![]; p.applications.len()];
        for &(a, r) in &p.conflicts {
            check(p, a, r)?;
            declared[a].push(r as u32);
        }
        Ok(Eligibility {
            reviewers: p.reviewers.len(),
            languages: n_lang,
            app_language,
            app_country,
            app_organisation,
            reads,
            active: p.reviewers.iter().map(|r| r.active).collect(),
            reviewer_country: p.reviewers.iter().map(|r| countries.opt(&r.country)).collect(),
            reviewer_organisation: p.reviewers.iter().map(|r| organisations.opt(&r.organisation)).collect(),
            declared,
            rules: p.rules,
        })
    }

    fn reads(&self, a: usize, r: usize) -> bool {
        self.active[r] && self.reads[r * self.languages + self.app_language[a] as usize]
    }

    fn conflicted(&self, a: usize, r: usize) -> bool {
        let same = |x: u32, y: u32| x != NONE && x == y;
        (self.rules.same_country && same(self.app_country[a], self.reviewer_country[r]))
            || (self.rules.same_organisation && same(self.app_organisation[a], self.reviewer_organisation[r]))
            || self.declared[a].contains(&(r as u32))
    }

    /// May get `a` as a new assignment.
    fn eligible(&self, a: usize, r: usize) -> bool {
        self.reads(a, r) && !self.conflicted(a, r)
    }
}

fn check(p: &Problem, a: usize, r: usize) -> Result<(), ProblemError> {
    if a >= p.applications.len() {
        return Err(ProblemError::NoSuchApplication(a));
    }
    if r >= p.reviewers.len() {
        return Err(ProblemError::NoSuchReviewer(r));
    }
    Ok(())
}

/// The plan being built: per application its reviewers, the first `kept[a]` of them fixed.
struct State<'e> {
    e: &'e Eligibility,
    assigned: Vec<Vec<u32>>,
    kept: Vec<usize>,
    load: Vec<usize>,
    /// For each reviewer, the applications she has and could hand over.
    movable: Vec<Vec<u32>>,
}

impl State<'_> {
    fn has(&self, a: usize, r: usize) -> bool {
        self.assigned[a].contains(&(r as u32))
    }

    /// Reviewers who could take `a` over: eligible and not already on it.
    fn takers(&self, a: usize, out: &mut Vec<usize>) {
        out.clear();
        out.extend((0..self.e.reviewers).filter(|&r| self.e.eligible(a, r) && !self.has(a, r)));
    }

    /// Adds (`sign` = 1) or removes (−1) what `a` contributes to the exchange counts:
    /// `count[w][x]` = applications `w` could hand over to `x`.
    fn account(&self, a: usize, count: &mut [i32], sign: i32, buf: &mut Vec<usize>) {
        self.takers(a, buf);
        for &w in &self.assigned[a][self.kept[a]..] {
            let row = &mut count[w as usize * self.e.reviewers..][..self.e.reviewers];
            for &x in buf.iter() {
                row[x] += sign;
            }
        }
    }

    /// Hands one application from `w` over to `x`, keeping the counts up to date.
    fn hand_over(&mut self, w: usize, x: usize, count: &mut [i32], buf: &mut Vec<usize>) {
        let i = self.movable[w]
            .iter()
            .position(|&a| self.e.eligible(a as usize, x) && !self.has(a as usize, x))
            .expect("the exchange counts promised an application");
        let a = self.movable[w].swap_remove(i) as usize;
        self.account(a, count, -1, buf);
        let slot = self.assigned[a].iter().position(|&r| r as usize == w).expect("assigned");
        self.assigned[a][slot] = x as u32;
        self.movable[x].push(a as u32);
        self.load[w] -= 1;
        self.load[x] += 1;
        self.account(a, count, 1, buf);
    }

    fn active_range(&self) -> (usize, usize) {
        let loads = self.load.iter().zip(&self.e.active).filter(|(_, &on)| on).map(|(&l, _)| l);
        (loads.clone().min().unwrap_or(0), loads.max().unwrap_or(0))
    }

    /// A chain from a reviewer with load ≥ `level` to one with load ≤ `level − 2`, as the
    /// list of reviewers it goes through.
    fn chain(&self, level: usize, count: &[i32]) -> Option<Vec<usize>> {
        let n = self.e.reviewers;
        let mut parent = vec![usize::MAX; n];
        let mut queue = VecDeque::new();
        for r in (0..n).filter(|&r| self.e.active[r] && self.load[r] >= level) {
            parent[r] = r;
            queue.push_back(r);
        }
        while let Some(w) = queue.pop_front() {
            for x in 0..n {
                if parent[x] == usize::MAX && count[w * n + x] > 0 {
                    parent[x] = w;
                    if self.load[x] + 2 <= level {
                        let mut path = vec![x];
                        let mut at = x;
                        while parent[at] != at {
                            at = parent[at];
                            path.push(at);
                        }
                        path.reverse();
                        return Some(path);
                    }
                    queue.push_back(x);
                }
            }
        }
        None
    }

    /// Moves load along chains until none lowers a load at least 2 above another.
    fn balance(&mut self) {
        let (min, max) = self.active_range();
        if max <= min + 1 {
            return;
        }
        let n = self.e.reviewers;
        let mut count = vec![0i32; n * n];
        let mut buf = Vec::with_capacity(n);
        for a in 0..self.assigned.len() {
            self.account(a, &mut count, 1, &mut buf);
        }
        'moves: loop {
            let (min, max) = self.active_range();
            for level in (min + 2..=max).rev() {
                if let Some(path) = self.chain(level, &count) {
                    for step in path.windows(2) {
                        self.hand_over(step[0], step[1], &mut count, &mut buf);
                    }
                    continue 'moves;
                }
            }
            break;
        }
    }
}

/// Assigns every application to `k` reviewers (see the module's documentation).
pub fn assign(p: &Problem) -> Result<Plan, ProblemError> {
    let e = Eligibility::new(p)?;
    let (n_apps, n_rev) = (p.applications.len(), p.reviewers.len());
    let mut s = State {
        e: &e,
        assigned: vec![vec![]; n_apps],
        kept: vec![0; n_apps],
        load: vec![0; n_rev],
        movable: vec![vec![]; n_rev],
    };
    for &(a, r) in &p.keep {
        check(p, a, r)?;
        if !s.has(a, r) {
            s.assigned[a].push(r as u32);
            s.kept[a] += 1;
            s.load[r] += 1;
        }
    }

    let mut rng = p.seed;
    let priority: Vec<u64> = (0..n_rev).map(|_| splitmix(&mut rng)).collect();
    // Applications in rare languages first: they have the fewest choices.
    let mut readers = vec![0usize; e.languages];
    for r in (0..n_rev).filter(|&r| e.active[r]) {
        for (l, count) in readers.iter_mut().enumerate() {
            *count += usize::from(e.reads[r * e.languages + l]);
        }
    }
    let mut order: Vec<(usize, u64, usize)> =
        (0..n_apps).map(|a| (readers[e.app_language[a] as usize], splitmix(&mut rng), a)).collect();
    order.sort_unstable();

    let mut shortfalls = vec![];
    let mut best: Vec<(usize, u64, usize)> = Vec::with_capacity(p.k + 1);
    for &(_, _, a) in &order {
        let need = p.k.saturating_sub(s.assigned[a].len());
        if need == 0 {
            continue;
        }
        best.clear();
        for (r, &rank) in priority.iter().enumerate() {
            if !e.eligible(a, r) || s.has(a, r) {
                continue;
            }
            let key = (s.load[r], rank, r);
            if best.len() < need || key < best[need - 1] {
                let at = best.partition_point(|b| *b < key);
                best.insert(at, key);
                best.truncate(need);
            }
        }
        for &(_, _, r) in &best {
            s.assigned[a].push(r as u32);
            s.load[r] += 1;
            s.movable[r].push(a as u32);
        }
        if best.len() < need {
            let reading: Vec<usize> = (0..n_rev).filter(|&r| e.reads(a, r)).collect();
            shortfalls.push(Shortfall {
                application: a,
                needed: p.k,
                assigned: s.assigned[a].len(),
                reading_language: reading.len(),
                conflicted: reading.iter().filter(|&&r| e.conflicted(a, r)).count(),
            });
        }
    }
    shortfalls.sort_by_key(|f| f.application);
    s.balance();

    let (min_load, max_load) = s.active_range();
    let reviewers = s
        .assigned
        .into_iter()
        .map(|list| {
            let mut v: Vec<usize> = list.into_iter().map(|r| r as usize).collect();
            v.sort_unstable();
            v
        })
        .collect();
    Ok(Plan { reviewers, loads: s.load, shortfalls, min_load, max_load })
}

impl Problem {
    /// A new plan after `dropped` leaves: her assignments already scored stay (they are in
    /// `scored`, as (application, reviewer)), every other assignment of the current plan
    /// stays as it is, and only her unscored applications go to other reviewers, to the
    /// least loaded ones in the sense of the module's guarantee.
    pub fn replace(
        &self,
        plan: &Plan,
        dropped: usize,
        scored: &BTreeSet<(usize, usize)>,
    ) -> Result<Plan, ProblemError> {
        if dropped >= self.reviewers.len() {
            return Err(ProblemError::NoSuchReviewer(dropped));
        }
        let mut next = self.clone();
        next.reviewers[dropped].active = false;
        next.keep = plan
            .reviewers
            .iter()
            .enumerate()
            .flat_map(|(a, rs)| rs.iter().map(move |&r| (a, r)))
            .filter(|&(a, r)| r != dropped || scored.contains(&(a, r)))
            .collect();
        assign(&next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn app(language: &str, country: &str) -> Application {
        Application { language: language.into(), country: Some(country.into()), organisation: None }
    }

    fn reviewer(languages: &[&str], country: &str) -> Reviewer {
        Reviewer {
            languages: languages.iter().map(|l| l.to_string()).collect(),
            country: Some(country.into()),
            organisation: None,
            active: true,
        }
    }

    fn problem(applications: Vec<Application>, reviewers: Vec<Reviewer>, k: usize) -> Problem {
        Problem { applications, reviewers, k, seed: 7, ..Problem::default() }
    }

    /// Everything a plan must respect, whatever the instance.
    fn check_plan(p: &Problem, plan: &Plan) {
        let e = Eligibility::new(p).unwrap();
        let mut loads = vec![0; p.reviewers.len()];
        for (a, rs) in plan.reviewers.iter().enumerate() {
            assert!(rs.windows(2).all(|w| w[0] < w[1]), "distinct reviewers");
            let kept: BTreeSet<usize> = p.keep.iter().filter(|k| k.0 == a).map(|k| k.1).collect();
            assert!(kept.iter().all(|r| rs.contains(r)), "kept assignments stay");
            for &r in rs.iter().filter(|r| !kept.contains(r)) {
                assert!(e.eligible(a, r), "application {a} given to ineligible reviewer {r}");
                loads[r] += 1;
            }
            for &r in &kept {
                loads[r] += 1;
            }
            let eligible_left = (0..p.reviewers.len()).filter(|&r| e.eligible(a, r) && !kept.contains(&r)).count();
            let expected = kept.len().max(p.k.min(kept.len() + eligible_left));
            assert_eq!(rs.len(), expected, "application {a}");
            assert_eq!(plan.shortfalls.iter().any(|f| f.application == a), rs.len() < p.k);
        }
        assert_eq!(loads, plan.loads);
    }

    #[test]
    fn every_application_gets_k_balanced_reviewers_outside_its_country() {
        let apps: Vec<Application> = (0..30).map(|i| app("fr", ["SN", "BJ", "CI"][i % 3])).collect();
        let reviewers: Vec<Reviewer> = ["SN", "BJ", "CI", "FR", "SN"].iter().map(|c| reviewer(&["fr"], c)).collect();
        let mut p = problem(apps, reviewers, 3);
        p.rules.same_country = true;
        let plan = assign(&p).unwrap();
        check_plan(&p, &plan);
        assert!(plan.shortfalls.is_empty());
        assert_eq!(plan.loads.iter().sum::<usize>(), 90);
        assert!(plan.balanced(), "{:?}", plan.loads);
        assert_eq!(assign(&p).unwrap(), plan, "same seed, same plan");
    }

    #[test]
    fn too_few_eligible_reviewers_is_reported_with_the_reason() {
        let apps = vec![app("en", "SN"), app("fr", "SN"), app("fr", "BJ")];
        let reviewers = vec![reviewer(&["fr", "en"], "SN"), reviewer(&["fr"], "BJ"), reviewer(&["fr"], "CI")];
        let mut p = problem(apps, reviewers, 2);
        p.rules.same_country = true;
        p.conflicts.insert((2, 2));
        let plan = assign(&p).unwrap();
        check_plan(&p, &plan);
        assert_eq!(
            plan.shortfalls,
            vec![
                Shortfall { application: 0, needed: 2, assigned: 0, reading_language: 1, conflicted: 1 },
                Shortfall { application: 2, needed: 2, assigned: 1, reading_language: 3, conflicted: 2 },
            ]
        );
        assert_eq!(plan.shortfalls[0].message_key(), "error.review.too_few_reviewers");
        assert_eq!(plan.reviewers[1], vec![1, 2]);
        assert_eq!(assign(&Problem { keep: vec![(9, 0)], ..p.clone() }), Err(ProblemError::NoSuchApplication(9)));
        p.conflicts.insert((0, 5));
        assert_eq!(assign(&p), Err(ProblemError::NoSuchReviewer(5)));
    }

    #[test]
    fn a_reviewer_who_drops_out_keeps_only_what_she_scored() {
        let apps: Vec<Application> = (0..12).map(|_| app("fr", "SN")).collect();
        let reviewers: Vec<Reviewer> = (0..4).map(|_| reviewer(&["fr"], "FR")).collect();
        let p = problem(apps, reviewers, 2);
        let plan = assign(&p).unwrap();
        assert_eq!(plan.loads, vec![6, 6, 6, 6]);
        let hers: Vec<usize> = (0..12).filter(|&a| plan.reviewers[a].contains(&1)).collect();
        let scored: BTreeSet<(usize, usize)> = hers.iter().take(2).map(|&a| (a, 1)).collect();
        let next = p.replace(&plan, 1, &scored).unwrap();
        assert_eq!(next.loads[1], 2);
        assert_eq!(next.loads.iter().sum::<usize>(), 24);
        // Every other assignment stays, so the best spread depends on who shares her
        // applications; the property test checks it is the best possible.
        assert!(next.max_load - next.min_load <= 2, "{:?}", next.loads);
        for a in 0..12 {
            assert_eq!(next.reviewers[a].len(), 2);
            for &r in &plan.reviewers[a] {
                if r != 1 || scored.contains(&(a, r)) {
                    assert!(next.reviewers[a].contains(&r), "other assignments stay");
                }
            }
        }
        assert_eq!(p.replace(&plan, 9, &scored), Err(ProblemError::NoSuchReviewer(9)));
    }

    #[test]
    fn rare_languages_do_not_unbalance_the_others() {
        // Reviewer 0 alone reads English; the greedy pass alone would load her with French too.
        let mut apps: Vec<Application> = (0..9).map(|_| app("en", "SN")).collect();
        apps.extend((0..9).map(|_| app("fr", "SN")));
        let reviewers = vec![reviewer(&["fr", "en"], "FR"), reviewer(&["fr"], "FR"), reviewer(&["fr"], "FR")];
        let p = problem(apps, reviewers, 1);
        let plan = assign(&p).unwrap();
        check_plan(&p, &plan);
        assert_eq!(plan.loads[0], 9);
        assert!(plan.loads[1].abs_diff(plan.loads[2]) <= 1);
        assert_eq!((plan.min_load, plan.max_load), (4, 9));
    }

    // Exact references on small instances: max-flow by augmenting paths on a dense matrix.
    fn max_flow(cap: &mut [Vec<i64>], s: usize, t: usize) -> i64 {
        let n = cap.len();
        let mut total = 0;
        loop {
            let mut parent = vec![usize::MAX; n];
            parent[s] = s;
            let mut queue = VecDeque::from([s]);
            while let Some(u) = queue.pop_front() {
                for v in 0..n {
                    if parent[v] == usize::MAX && cap[u][v] > 0 {
                        parent[v] = u;
                        queue.push_back(v);
                    }
                }
            }
            if parent[t] == usize::MAX {
                return total;
            }
            let mut v = t;
            while v != s {
                let u = parent[v];
                cap[u][v] -= 1;
                cap[v][u] += 1;
                v = u;
            }
            total += 1;
        }
    }

    /// What the flow references need: for each application how many new reviewers it
    /// must get and from whom, and the kept load of each reviewer.
    struct Reference {
        need: Vec<i64>,
        candidates: Vec<Vec<usize>>,
        kept_load: Vec<i64>,
        active: Vec<usize>,
    }

    fn reference(p: &Problem) -> Reference {
        let e = Eligibility::new(p).unwrap();
        let keep: BTreeSet<(usize, usize)> = p.keep.iter().copied().collect();
        let mut kept_load = vec![0; p.reviewers.len()];
        let mut need = vec![];
        let mut candidates = vec![];
        for a in 0..p.applications.len() {
            let kept: Vec<usize> = keep.iter().filter(|k| k.0 == a).map(|k| k.1).collect();
            for &r in &kept {
                kept_load[r] += 1;
            }
            let c: Vec<usize> = (0..p.reviewers.len()).filter(|&r| e.eligible(a, r) && !kept.contains(&r)).collect();
            need.push(p.k.saturating_sub(kept.len()).min(c.len()) as i64);
            candidates.push(c);
        }
        let active = (0..p.reviewers.len()).filter(|&r| p.reviewers[r].active).collect();
        Reference { need, candidates, kept_load, active }
    }

    /// Nodes: source, sink, applications, reviewers. Application → reviewer arcs of capacity 1.
    fn network(f: &Reference) -> (Vec<Vec<i64>>, usize) {
        let (na, nr) = (f.need.len(), f.kept_load.len());
        let mut cap = vec![vec![0i64; 2 + na + nr]; 2 + na + nr];
        for (a, c) in f.candidates.iter().enumerate() {
            for &r in c {
                cap[2 + a][2 + na + r] = 1;
            }
        }
        (cap, na)
    }

    /// Smallest possible maximum load among active reviewers.
    fn min_max(f: &Reference) -> i64 {
        let total: i64 = f.need.iter().sum();
        let floor = f.active.iter().map(|&r| f.kept_load[r]).max().unwrap_or(0);
        (floor..)
            .find(|&u| {
                let (mut cap, na) = network(f);
                for (a, &n) in f.need.iter().enumerate() {
                    cap[0][2 + a] = n;
                }
                for &r in &f.active {
                    cap[2 + na + r][1] = u - f.kept_load[r];
                }
                max_flow(&mut cap, 0, 1) == total
            })
            .unwrap()
    }

    /// Largest possible minimum load among active reviewers: every reviewer can be brought
    /// to `l` iff a flow from reviewers to applications saturates all the lacking amounts
    /// (applications never need more than `need`, and the rest can be completed freely).
    fn max_min(f: &Reference) -> i64 {
        let feasible = |l: i64| {
            let (net, na) = network(f);
            let n = net.len();
            let mut cap = vec![vec![0i64; n]; n];
            for u in 0..n {
                for v in 0..n {
                    cap[v][u] = net[u][v];
                }
            }
            let mut lacking = 0;
            for &r in &f.active {
                let d = (l - f.kept_load[r]).max(0);
                cap[0][2 + na + r] = d;
                lacking += d;
            }
            for (a, &n) in f.need.iter().enumerate() {
                cap[2 + a][1] = n;
            }
            max_flow(&mut cap, 0, 1) == lacking
        };
        (0..).take_while(|&l| feasible(l)).last().unwrap_or(0)
    }

    fn arb_problem() -> impl Strategy<Value = Problem> {
        let apps = proptest::collection::vec((0..2usize, 0..3usize, proptest::option::of(0..2usize)), 1..8);
        let revs = proptest::collection::vec(
            (proptest::sample::subsequence(vec![0usize, 1], 0..=2), 0..3usize, proptest::option::of(0..2usize), 0..5u8),
            1..7,
        );
        (
            apps,
            revs,
            1..4usize,
            any::<bool>(),
            any::<bool>(),
            any::<u64>(),
            proptest::collection::vec((0..8usize, 0..7usize), 0..6),
            proptest::collection::vec((0..8usize, 0..7usize), 0..4),
        )
            .prop_map(|(apps, revs, k, same_country, same_organisation, seed, conflicts, keep)| {
                let lang = |l: usize| ["fr", "en"][l].to_string();
                let applications: Vec<Application> = apps
                    .iter()
                    .map(|&(l, c, o)| Application {
                        language: lang(l),
                        country: Some(format!("C{c}")),
                        organisation: o.map(|o| format!("O{o}")),
                    })
                    .collect();
                let reviewers: Vec<Reviewer> = revs
                    .iter()
                    .map(|(ls, c, o, a)| Reviewer {
                        languages: ls.iter().map(|&l| lang(l)).collect(),
                        country: Some(format!("C{c}")),
                        organisation: o.map(|o| format!("O{o}")),
                        active: *a > 0,
                    })
                    .collect();
                let (na, nr) = (applications.len(), reviewers.len());
                Problem {
                    conflicts: conflicts.into_iter().map(|(a, r)| (a % na, r % nr)).collect(),
                    keep: keep.into_iter().map(|(a, r)| (a % na, r % nr)).collect(),
                    applications,
                    reviewers,
                    rules: ConflictRules { same_country, same_organisation },
                    k,
                    seed,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn plans_are_complete_when_possible_and_as_balanced_as_possible(p in arb_problem()) {
            let plan = assign(&p).unwrap();
            check_plan(&p, &plan);
            let f = reference(&p);
            // Feasibility: every application can get k reviewers iff max-flow says so.
            let (mut cap, na) = network(&f);
            let kept_per_app: Vec<usize> = (0..na).map(|a| plan.reviewers[a].len() - f.need[a] as usize).collect();
            let mut wanted = 0;
            for a in 0..na {
                let w = p.k.saturating_sub(kept_per_app[a]) as i64;
                cap[0][2 + a] = w;
                wanted += w;
            }
            for r in 0..p.reviewers.len() {
                cap[2 + na + r][1] = na as i64;
            }
            prop_assert_eq!(max_flow(&mut cap, 0, 1) == wanted, plan.shortfalls.is_empty());
            // Balance: the plan reaches both the lowest possible maximum and the highest
            // possible minimum, so loads differ by at most 1 whenever some plan does.
            if !f.active.is_empty() {
                prop_assert_eq!(plan.max_load as i64, min_max(&f), "loads {:?}", plan.loads);
                prop_assert_eq!(plan.min_load as i64, max_min(&f), "loads {:?}", plan.loads);
            }
        }
    }
}
