//! Review and selection at the scale of one deployment: assigning 100,000 applications to
//! 300 reviewers (k = 3), aggregating and ranking the 300,000 reviews, and choosing a cohort
//! of 50 among 10,000 candidates under three families of rules. Run with
//! `cargo bench --bench review`.

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use tremplin::domain::aggregation::{aggregate, Params, Review};
use tremplin::domain::assignment::{assign, Application, ConflictRules, Problem, Reviewer};
use tremplin::domain::selection::{self, Candidate, Constraints};

/// A small deterministic generator, so every run measures the same instance.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const COUNTRIES: [&str; 20] = [
    "SN", "ML", "BF", "NE", "GN", "CI", "TG", "BJ", "CM", "GA", "CG", "CD", "TD", "CF", "MG", "MA", "TN", "DZ", "MR",
    "RW",
];

fn region(country: usize) -> String {
    format!("R{}", country / 4)
}

/// 85 % of applications in French, 15 % in English; every reviewer reads French, a third
/// English too; no reviewer reviews her own country; 1,000 declared conflicts.
fn assignment_problem() -> Problem {
    let mut rng = Lcg(42);
    let applications = (0..100_000)
        .map(|_| Application {
            language: if rng.below(100) < 85 { "fr" } else { "en" }.into(),
            country: Some(COUNTRIES[rng.below(20) as usize].into()),
            organisation: (rng.below(10) == 0).then(|| format!("O{}", rng.below(50))),
        })
        .collect();
    let reviewers = (0..300)
        .map(|i| Reviewer {
            languages: if i % 3 == 0 { vec!["fr".into(), "en".into()] } else { vec!["fr".into()] },
            country: Some(COUNTRIES[rng.below(20) as usize].into()),
            organisation: Some(format!("O{}", rng.below(50))),
            active: true,
        })
        .collect();
    let conflicts: BTreeSet<(usize, usize)> =
        (0..1000).map(|_| (rng.below(100_000) as usize, rng.below(300) as usize)).collect();
    Problem {
        applications,
        reviewers,
        conflicts,
        rules: ConflictRules { same_country: true, same_organisation: true },
        k: 3,
        keep: vec![],
        seed: 2025,
    }
}

/// One review per assignment: the application's quality, the reviewer's bias and noise.
fn reviews(plan: &[Vec<usize>]) -> Vec<Review> {
    let mut rng = Lcg(7);
    let bias: Vec<f64> = (0..300).map(|_| rng.below(31) as f64 - 15.0).collect();
    let mut out = Vec::with_capacity(plan.len() * 3);
    for (a, rs) in plan.iter().enumerate() {
        let quality = 30.0 + rng.below(50) as f64;
        for &r in rs {
            let score = (quality + bias[r] + rng.below(21) as f64 - 10.0).clamp(0.0, 100.0);
            out.push(Review { application: a as i64, reviewer: r as i64, score, criteria: BTreeMap::new() });
        }
    }
    out
}

/// 10,000 candidates, 45 % women, 20 countries in 5 regions; 50 places, at least 40 %
/// women, at most 4 per country, at least 5 per region.
fn selection_problem() -> selection::Problem {
    let mut rng = Lcg(99);
    let candidates = (0..10_000)
        .map(|i| {
            let country = rng.below(20) as usize;
            Candidate {
                id: i,
                score: rng.below(100_000) as i64,
                submitted_at: jiff::Timestamp::from_second(1_700_000_000 + rng.below(1_000_000) as i64).unwrap(),
                gender: if rng.below(100) < 45 { "f" } else { "m" }.into(),
                country: COUNTRIES[country].into(),
                region: region(country),
                answers: [("stage".to_string(), ["idea", "prototype", "running"][rng.below(3) as usize].to_string())]
                    .into(),
            }
        })
        .collect();
    let constraints = Constraints {
        gender_min_percent: [("f".to_string(), 40)].into(),
        country_max: Some(4),
        region_min: (0..5).map(|r| (format!("R{r}"), 5)).collect(),
        ..Constraints::default()
    };
    selection::Problem { candidates, size: 50, waitlist: 10, constraints }
}

/// The same with a fourth family the flow cannot hold: at least 20 projects at the idea
/// stage, which sends the selection to the integer program.
fn selection_with_answers() -> selection::Problem {
    let mut p = selection_problem();
    p.constraints.answer_min.push(selection::AnswerMin { question: "stage".into(), value: "idea".into(), min: 20 });
    p
}

fn bench(c: &mut Criterion) {
    let problem = assignment_problem();
    let started = Instant::now();
    let plan = assign(&problem).unwrap();
    eprintln!(
        "assignment: {:?} once, loads {}..{}, {} shortfalls",
        started.elapsed(),
        plan.min_load,
        plan.max_load,
        plan.shortfalls.len()
    );
    let reviews = reviews(&plan.reviewers);
    let params = Params::default();
    let a = aggregate(&reviews, &params);
    eprintln!(
        "aggregation: {} reviews, alpha {:.3}, {} flagged",
        reviews.len(),
        a.alpha.unwrap_or(f64::NAN),
        a.applications.iter().filter(|x| x.disagreement).count()
    );
    let sp = selection_problem();
    let o = selection::select(&sp).unwrap();
    eprintln!("selection: {:?} solver, total {} milli-points", o.solver, o.total);
    let sa = selection_with_answers();
    let o = selection::select(&sa).unwrap();
    eprintln!("selection with an answer minimum: {:?} solver, total {} milli-points", o.solver, o.total);

    let mut group = c.benchmark_group("review");
    group.sample_size(10);
    group.bench_function("assign 100k applications x 300 reviewers, k=3", |b| {
        b.iter(|| assign(black_box(&problem)).unwrap())
    });
    group.bench_function("aggregate and rank 300k reviews", |b| b.iter(|| aggregate(black_box(&reviews), &params)));
    group.bench_function("select 50 of 10k, gender min + country max + region min", |b| {
        b.iter(|| selection::select(black_box(&sp)).unwrap())
    });
    group.bench_function("select 50 of 10k, the same + answer min (integer program)", |b| {
        b.iter(|| selection::select(black_box(&sa)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
