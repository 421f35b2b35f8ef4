//! The open course at scale (issue 6): the demo, then N learners (default 10,000) enrolled in
//! its open course "Initiation au journalisme mobile" and M attempts (default 50,000) at its
//! quizzes, written in bulk in one transaction — a benchmark fixture, not a use case.
//!
//! Run: `cargo run --release --example mooc_scale -- DIR [LEARNERS] [ATTEMPTS]` with DIR an
//! empty (or missing) data directory: SQLite in DIR, or the empty database of
//! `DATABASE_URL=postgres://…` (files still in DIR). Serve it afterwards with
//! `tremplin serve --data-dir DIR` (and the same `DATABASE_URL`). `scripts/bench_mooc.sh`
//! does both and loads the pages with wrk; see BENCHMARKS.md.
//!
//! What it writes (deterministic, seed 2016, except the session secrets):
//! - every week of the course opened (the weeks moved back by whole weeks, order kept);
//! - a manager of the course's programme, two tutors, and one signed-in visitor who has not
//!   enrolled; N learners (generated names, 22 countries, both genders, 85 % French) sharing
//!   the demo password (one Argon2 hash for all), each with a session;
//! - attempts: every learner takes the first quiz, 92 % of those go on to the next, and so on;
//!   the attempts left are spread over learners who still have some (the weaker ones more
//!   often), up to each quiz's limit; earlier attempts fail, the last one goes as the
//!   learner's skill goes; 5 % of the (learner, quiz) pairs end with an attempt started but
//!   not sent. Answers are graded by the real rules (`Quiz::grade`);
//! - certificates for 70 % of the learners who meet the course's rules.
//!
//! and, for the load scripts, `DIR/bench/`: `env.sh` (course, lesson, quiz, certificate code,
//! session secrets of the manager, a tutor, the visitor and one learner), `learners.txt` (one
//! learner's session secret a line), `submits.txt` (`index secret quiz number`: every attempt
//! still open to each learner, first numbers first) and, per quiz, the answers to send as
//! `quiz-ID.json` (API) and `quiz-ID.form` (the page's form).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, ensure, Context};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tremplin::app::App;
use tremplin::config::{Config, Overrides};
use tremplin::domain::certificate::{evaluate, VerificationCode};
use tremplin::domain::quiz::{Answer, Answers, Kind, Quiz};
use tremplin::domain::time::unix_now;
use tremplin::store::{hash_secret, new_secret, Backend, Db};

const COURSE: &str = "initiation-au-journalisme-mobile";
/// Share of the learners of one quiz who go on to the next.
const GO_ON: f64 = 0.92;
/// Share of (learner, quiz) pairs whose last attempt was started and never sent.
const LEFT_OPEN: f64 = 0.05;
/// Share of the learners meeting the rules who asked for their certificate.
const CLAIMED: f64 = 0.70;

const FIRST_NAMES: &[(&str, &str)] = &[
    ("Aïcha", "female"),
    ("Fatou", "female"),
    ("Mariam", "female"),
    ("Aminata", "female"),
    ("Khady", "female"),
    ("Awa", "female"),
    ("Salimata", "female"),
    ("Nadia", "female"),
    ("Yasmine", "female"),
    ("Leïla", "female"),
    ("Grâce", "female"),
    ("Estelle", "female"),
    ("Rokia", "female"),
    ("Nafissatou", "female"),
    ("Clarisse", "female"),
    ("Sonia", "female"),
    ("Amadou", "male"),
    ("Moussa", "male"),
    ("Ibrahima", "male"),
    ("Cheikh", "male"),
    ("Ousmane", "male"),
    ("Mamadou", "male"),
    ("Koffi", "male"),
    ("Yao", "male"),
    ("Souleymane", "male"),
    ("Karim", "male"),
    ("Youssef", "male"),
    ("Mehdi", "male"),
    ("Jean-Baptiste", "male"),
    ("Serge", "male"),
    ("Boubacar", "male"),
    ("Idrissa", "male"),
];

const LAST_NAMES: &[&str] = &[
    "Diallo",
    "Traoré",
    "Ndiaye",
    "Koné",
    "Ouédraogo",
    "Sow",
    "Diop",
    "Camara",
    "Touré",
    "Keïta",
    "Bamba",
    "Kaboré",
    "Sanogo",
    "Cissé",
    "Fofana",
    "Mensah",
    "Kouassi",
    "Nguessan",
    "Mbarga",
    "Ngono",
    "Mabiala",
    "Kabila",
    "Rakoto",
    "Randriamampionona",
    "Ben Salah",
    "Trabelsi",
    "El Amrani",
    "Benali",
    "Haddad",
    "Mahamat",
    "Hakizimana",
    "Niyonzima",
    "Joseph",
    "Pierre-Louis",
    "Ould Ahmed",
    "Zongo",
];

/// 22 countries, as the 2016 MOOC had.
const COUNTRIES: &[&str] = &[
    "SN", "CI", "ML", "BF", "NE", "TG", "BJ", "CM", "GA", "CG", "CD", "GN", "MG", "TN", "MA", "DZ", "TD", "CF", "RW",
    "BI", "HT", "MR",
];

const WRONG_TEXTS: &[&str] = &["je ne sais pas", "le réseau", "appeler", "?", "une photo"];

/// A value of a bulk insert.
enum V {
    I(i64),
    S(String),
    NullI,
    NullS,
}

/// `INSERT INTO table (cols) VALUES (…), (…), …` in chunks well under both databases'
/// limits on parameters (SQLite 32,766, PostgreSQL 65,535).
async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    table: &str,
    cols: &[&str],
    rows: &[Vec<V>],
) -> anyhow::Result<()> {
    let per = (6000 / cols.len()).max(1);
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
        let mut n = 0;
        for (r, row) in chunk.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..row.len() {
                n += 1;
                write!(sql, "{}${n}", if c == 0 { "" } else { ", " })?;
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in chunk {
            for v in row {
                q = match v {
                    V::I(i) => q.bind(*i),
                    V::S(s) => q.bind(s.as_str()),
                    V::NullI => q.bind(None::<i64>),
                    V::NullS => q.bind(None::<String>),
                };
            }
        }
        q.execute(&mut **tx).await.with_context(|| format!("insert into {table}"))?;
    }
    Ok(())
}

/// A learner's answers: each question right with probability `p_right` (a wrong multiple
/// choice ticks some right and some wrong boxes; one question in 20 left blank).
fn sheet(quiz: &Quiz, rng: &mut StdRng, p_right: f64) -> Answers {
    let mut out = Answers::new();
    for q in &quiz.questions {
        if rng.gen_bool(0.05) {
            continue;
        }
        let right = rng.gen_bool(p_right.clamp(0.0, 1.0));
        let answer = match &q.kind {
            Kind::Single { options } => {
                let pool: Vec<&str> = options.iter().filter(|o| o.correct == right).map(|o| o.id.as_str()).collect();
                let pool = if pool.is_empty() { options.iter().map(|o| o.id.as_str()).collect() } else { pool };
                Answer::One(pool[rng.gen_range(0..pool.len())].to_owned())
            }
            Kind::Multiple { options } => {
                let mut ids: Vec<String> = options
                    .iter()
                    .filter(|o| if right { o.correct } else { rng.gen_bool(if o.correct { 0.5 } else { 0.6 }) })
                    .map(|o| o.id.clone())
                    .collect();
                if ids.is_empty() {
                    ids.push(options[rng.gen_range(0..options.len())].id.clone());
                }
                Answer::Many(ids)
            }
            Kind::Short { accepted } => Answer::One(if right && !accepted.is_empty() {
                accepted[rng.gen_range(0..accepted.len())].clone()
            } else {
                WRONG_TEXTS[rng.gen_range(0..WRONG_TEXTS.len())].to_owned()
            }),
        };
        out.insert(q.id.clone(), answer);
    }
    out
}

struct Learner {
    id: i64,
    name: String,
    /// Chance of answering a question right at her last attempt.
    skill: f64,
    enrolled_at: i64,
    token: String,
}

/// One learner's attempts at one quiz.
struct Pair {
    learner: usize,
    quiz: usize,
    count: u32,
    /// The last one was started and never sent.
    left_open: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or_else(|| anyhow!("usage: mooc_scale DIR [LEARNERS] [ATTEMPTS]"))?);
    let n_learners: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10_000);
    let n_attempts: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(50_000);
    let cfg = Config::load(
        Some(Path::new("/dev/null")),
        Overrides {
            data_dir: Some(dir.clone()),
            database_url: std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()),
            ..Default::default()
        },
    )?;
    let db = Db::connect(cfg.database_url.as_deref(), &cfg.data_dir).await?;
    db.migrate().await?;
    let app = App::new(db, cfg)?;
    println!("database: {}", if app.db.backend == Backend::Postgres { "PostgreSQL" } else { "SQLite" });
    let t = Instant::now();
    ensure!(tremplin::demo::load_if_empty(&app).await?, "the database is not empty: the fixture needs an empty one");
    println!("demo loaded in {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    fixture(&app, &dir, n_learners, n_attempts).await?;
    println!("fixture written in {:.1} s", t.elapsed().as_secs_f64());
    for table in ["users", "course_enrolments", "sessions", "quiz_attempts", "certificates"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&app.db.pool).await?;
        println!("{table}: {n} rows");
    }
    Ok(())
}

async fn fixture(app: &App, dir: &Path, n_learners: usize, n_attempts: usize) -> anyhow::Result<()> {
    let pool = &app.db.pool;
    let mut rng = StdRng::seed_from_u64(2016);
    let now = unix_now();
    let (course_id, programme_id, course_title, programme_title): (i64, i64, String, String) = sqlx::query_as(
        "SELECT c.id, ph.programme_id, c.title, pr.title FROM courses c JOIN programme_phases ph ON ph.id = c.phase_id \
         JOIN programmes pr ON pr.id = ph.programme_id WHERE c.slug = $1",
    )
    .bind(COURSE)
    .fetch_one(pool)
    .await?;

    // Every week open: the weeks move back together by whole weeks until the last one opened
    // a week ago (their order and weekdays unchanged).
    let modules: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, opens_on FROM course_modules WHERE course_id = $1 ORDER BY position")
            .bind(course_id)
            .fetch_all(pool)
            .await?;
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Africa/Tunis")?).date();
    let last: jiff::civil::Date = modules.last().ok_or_else(|| anyhow!("no module"))?.1.parse()?;
    let mut weeks = 0;
    while last.checked_sub(jiff::Span::new().weeks(weeks))? > today.checked_sub(jiff::Span::new().days(7))? {
        weeks += 1;
    }
    let mut tx = app.db.begin().await?;
    let mut opens_at = vec![];
    for (id, opens_on) in &modules {
        let d: jiff::civil::Date = opens_on.parse()?;
        let moved = d.checked_sub(jiff::Span::new().weeks(weeks))?;
        sqlx::query("UPDATE course_modules SET opens_on = $1 WHERE id = $2")
            .bind(moved.to_string())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        opens_at.push(moved.to_zoned(jiff::tz::TimeZone::get("Africa/Tunis")?)?.timestamp().as_second());
    }
    sqlx::query("UPDATE courses SET revision = revision + 1 WHERE id = $1").bind(course_id).execute(&mut **tx).await?;
    let quizzes: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT q.id, q.definition, m.position FROM quizzes q JOIN course_modules m ON m.id = q.module_id \
         WHERE m.course_id = $1 AND q.status = 'published' ORDER BY m.position, q.position",
    )
    .bind(course_id)
    .fetch_all(&mut **tx)
    .await?;
    let quizzes: Vec<(i64, Quiz, i64)> = quizzes
        .into_iter()
        .map(|(id, d, position)| Ok((id, serde_json::from_str(&d)?, opens_at[position as usize - 1])))
        .collect::<anyhow::Result<_>>()?;
    ensure!(!quizzes.is_empty(), "the open course has no published quiz");

    // Accounts: one Argon2 hash of the demo password for all.
    let password = tremplin::domain::password::NewPassword::parse(tremplin::demo::DEMO_PASSWORD, None)
        .map_err(|e| anyhow!("{e}"))?;
    let hash = tremplin::store::accounts::hash_password(&password).await?;
    let course_start = opens_at[0];
    let mut users: Vec<Vec<V>> = vec![];
    let user = |email: String, name: String, locale: &str, gender: &str, country: &str, at: i64| {
        vec![
            V::S(email),
            V::S(name),
            V::S(hash.clone()),
            V::I(0),
            V::S(locale.to_owned()),
            V::S("UTC".into()),
            V::I(at),
            V::I(at),
            V::I(at),
            V::S(gender.to_owned()),
            V::S(country.to_owned()),
        ]
    };
    let staff = [
        ("responsable-tap@mooc.invalid", "Leïla Responsable"),
        ("tuteur1@mooc.invalid", "Hichem Tuteur"),
        ("tuteur2@mooc.invalid", "Mariem Tutrice"),
        ("visiteur@mooc.invalid", "Vincent Visiteur"),
    ];
    for (email, name) in staff {
        users.push(user(email.into(), name.into(), "fr", "", "TN", course_start - 30 * 86_400));
    }
    for k in 0..n_learners {
        let (first, gender) = FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())];
        let last = LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())];
        let country = COUNTRIES[rng.gen_range(0..COUNTRIES.len())];
        let locale = if rng.gen_bool(0.85) { "fr" } else { "en" };
        let at = course_start - 21 * 86_400 + rng.gen_range(0..(now - course_start + 14 * 86_400).max(1));
        users.push(user(
            format!("apprenant{k:05}@mooc.invalid"),
            format!("{first} {last}"),
            locale,
            gender,
            country,
            at,
        ));
    }
    insert_rows(
        &mut tx,
        "users",
        &[
            "email",
            "name",
            "password_hash",
            "is_admin",
            "locale",
            "time_zone",
            "email_confirmed_at",
            "created_at",
            "updated_at",
            "gender",
            "country",
        ],
        &users,
    )
    .await?;
    let ids: BTreeMap<String, (i64, String, i64)> = sqlx::query_as::<_, (String, i64, String, i64)>(
        "SELECT email, id, name, created_at FROM users WHERE email LIKE '%@mooc.invalid'",
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|(e, id, name, at)| (e, (id, name, at)))
    .collect();
    let id_of = |email: &str| ids.get(email).map(|x| x.0).ok_or_else(|| anyhow!("{email} missing"));
    sqlx::query(
        "INSERT INTO programme_members (programme_id, user_id, role, created_at) VALUES ($1, $2, 'manager', $3)",
    )
    .bind(programme_id)
    .bind(id_of("responsable-tap@mooc.invalid")?)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let mut learners: Vec<Learner> = (0..n_learners)
        .map(|k| {
            let (id, name, created) = ids[&format!("apprenant{k:05}@mooc.invalid")].clone();
            Learner {
                id,
                name,
                skill: rng.gen_range(0.35..0.97),
                enrolled_at: created.max(course_start - 14 * 86_400) + rng.gen_range(0..3_600),
                token: new_secret(),
            }
        })
        .collect();
    learners.iter_mut().for_each(|l| l.enrolled_at = l.enrolled_at.min(now - 86_400));
    let mut enrolments: Vec<Vec<V>> = vec![];
    for email in ["tuteur1@mooc.invalid", "tuteur2@mooc.invalid"] {
        enrolments.push(vec![V::I(course_id), V::I(id_of(email)?), V::S("tutor".into()), V::I(course_start)]);
    }
    for l in &learners {
        enrolments.push(vec![V::I(course_id), V::I(l.id), V::S("learner".into()), V::I(l.enrolled_at)]);
    }
    insert_rows(&mut tx, "course_enrolments", &["course_id", "user_id", "role", "enrolled_at"], &enrolments).await?;

    // Sessions: the staff's and every learner's (30 days, as a sign-in gives).
    let mut staff_tokens = BTreeMap::new();
    let mut sessions: Vec<Vec<V>> = vec![];
    for (email, _) in staff {
        let token = new_secret();
        sessions.push(vec![V::S(hash_secret(&token)), V::I(id_of(email)?), V::I(now), V::I(now + 30 * 86_400)]);
        staff_tokens.insert(email, token);
    }
    for l in &learners {
        sessions.push(vec![V::S(hash_secret(&l.token)), V::I(l.id), V::I(now), V::I(now + 30 * 86_400)]);
    }
    insert_rows(&mut tx, "sessions", &["token_hash", "user_id", "created_at", "expires_at"], &sessions).await?;

    // Who takes which quiz, and how many times.
    let limit = |q: &Quiz| q.max_attempts.unwrap_or(5);
    let mut pairs: Vec<Pair> = vec![];
    for k in 0..n_learners {
        for qi in 0..quizzes.len() {
            if qi > 0 && !rng.gen_bool(GO_ON) {
                break;
            }
            pairs.push(Pair { learner: k, quiz: qi, count: 1, left_open: false });
        }
    }
    pairs.truncate(n_attempts);
    let capacity: usize = pairs.iter().map(|p| (limit(&quizzes[p.quiz].1) - p.count) as usize).sum();
    let mut extra = n_attempts - pairs.len();
    ensure!(extra <= capacity, "{n_attempts} attempts do not fit: at most {} here", pairs.len() + capacity);
    while extra > 0 {
        let i = rng.gen_range(0..pairs.len());
        let p = &mut pairs[i];
        // The weaker the learner, the likelier she tries again.
        if p.count < limit(&quizzes[p.quiz].1) && rng.gen_bool(1.0 - learners[p.learner].skill * 0.8) {
            p.count += 1;
            extra -= 1;
        }
    }
    for p in pairs.iter_mut() {
        p.left_open = rng.gen_bool(LEFT_OPEN);
    }

    // The attempts, graded by the real rules.
    let mut attempts: Vec<Vec<V>> = Vec::with_capacity(n_attempts);
    let mut best: Vec<BTreeMap<i64, Option<f64>>> =
        vec![quizzes.iter().map(|(id, _, _)| (*id, None)).collect(); n_learners];
    let mut last_submitted = vec![0i64; n_learners];
    for p in &pairs {
        let l = &learners[p.learner];
        let (quiz_id, quiz, opened) = &quizzes[p.quiz];
        let from = (*opened).max(l.enrolled_at);
        let span = (now - 3_600 - from).max(p.count as i64 * 3_600);
        for n in 1..=p.count {
            let started = from + span * (n as i64 - 1) / p.count as i64 + rng.gen_range(0..span / p.count as i64 / 2);
            let started = started.min(now - 1_200);
            if n == p.count && p.left_open {
                attempts.push(vec![
                    V::I(*quiz_id),
                    V::I(l.id),
                    V::I(n as i64),
                    V::S("{}".into()),
                    V::NullI,
                    V::I(0),
                    V::NullS,
                    V::I(started),
                    V::NullI,
                ]);
                continue;
            }
            // Earlier attempts failed (or she would not have tried again); the last one
            // goes as her skill goes.
            let (answers, graded) = if n < p.count {
                let mut tries = 0;
                loop {
                    let a = sheet(quiz, &mut rng, l.skill - 0.3);
                    let g = quiz.grade(&a)?;
                    tries += 1;
                    if !g.passed || tries == 30 {
                        break (a, g);
                    }
                }
            } else {
                let a = sheet(quiz, &mut rng, l.skill);
                let g = quiz.grade(&a)?;
                (a, g)
            };
            let submitted = (started + rng.gen_range(120..1_200)).min(now - 60);
            let score = (graded.score_percent * 1000.0).round() as i64;
            let b = best[p.learner].get_mut(quiz_id).ok_or_else(|| anyhow!("quiz"))?;
            *b = Some(b.unwrap_or(0.0).max(graded.score_percent));
            last_submitted[p.learner] = last_submitted[p.learner].max(submitted);
            attempts.push(vec![
                V::I(*quiz_id),
                V::I(l.id),
                V::I(n as i64),
                V::S(serde_json::to_string(&answers)?),
                V::I(score),
                V::I(graded.passed as i64),
                V::S(serde_json::to_string(&graded)?),
                V::I(started),
                V::I(submitted),
            ]);
        }
    }
    insert_rows(
        &mut tx,
        "quiz_attempts",
        &["quiz_id", "user_id", "number", "answers", "score_milli", "passed", "graded", "started_at", "submitted_at"],
        &attempts,
    )
    .await?;

    // Certificates of those who meet the rules and asked.
    let rules = tremplin::certificates::DEFAULT_RULES;
    let mut certificates: Vec<Vec<V>> = vec![];
    let mut a_code = None;
    for (k, l) in learners.iter().enumerate() {
        if evaluate(&rules, &best[k], 0).complete && rng.gen_bool(CLAIMED) {
            let code = VerificationCode::generate(rng.gen());
            a_code.get_or_insert_with(|| code.to_string());
            certificates.push(vec![
                V::I(course_id),
                V::I(l.id),
                V::S(code.compact()),
                V::S(l.name.clone()),
                V::S(course_title.clone()),
                V::S(programme_title.clone()),
                V::I((last_submitted[k] + rng.gen_range(60..86_400)).min(now)),
            ]);
        }
    }
    insert_rows(
        &mut tx,
        "certificates",
        &["course_id", "user_id", "code", "holder_name", "course_title", "programme_title", "issued_at"],
        &certificates,
    )
    .await?;
    tx.commit().await?;
    if app.db.backend == Backend::Postgres {
        // What autovacuum does within a minute of such a load: statistics for the planner.
        sqlx::raw_sql("ANALYZE").execute(pool).await?;
    }
    // A lesson of the second week (the first one's when there is only one).
    let lesson: i64 = sqlx::query_scalar(
        "SELECT l.id FROM lessons l JOIN course_modules m ON m.id = l.module_id WHERE m.course_id = $1 \
         ORDER BY CASE WHEN m.position = 2 THEN 0 ELSE 1 END, m.position, l.position",
    )
    .bind(course_id)
    .fetch_one(pool)
    .await?;
    write_bench_files(dir, lesson, &quizzes, &learners, &pairs, &staff_tokens, a_code)
}

fn write_bench_files(
    dir: &Path,
    lesson: i64,
    quizzes: &[(i64, Quiz, i64)],
    learners: &[Learner],
    pairs: &[Pair],
    staff: &BTreeMap<&str, String>,
    code: Option<String>,
) -> anyhow::Result<()> {
    let out = dir.join("bench");
    std::fs::create_dir_all(&out)?;
    // The quiz of the second week (the first one when there is only one).
    let quiz = quizzes.get(1).unwrap_or(&quizzes[0]).0;
    // The learner shown in single-cookie runs: one who took that quiz, in the middle.
    let learner = &learners[learners.len() / 2];
    let mut env = String::new();
    writeln!(env, "SLUG={COURSE}")?;
    writeln!(env, "PROGRAMME=modernisation-agence-tap")?;
    writeln!(env, "LESSON={lesson}")?;
    writeln!(env, "QUIZ={quiz}")?;
    writeln!(env, "CODE={}", code.unwrap_or_default())?;
    writeln!(env, "MANAGER={}", staff["responsable-tap@mooc.invalid"])?;
    writeln!(env, "TUTOR={}", staff["tuteur1@mooc.invalid"])?;
    writeln!(env, "VISITOR={}", staff["visiteur@mooc.invalid"])?;
    writeln!(env, "LEARNER={}", learner.token)?;
    std::fs::write(out.join("env.sh"), env)?;
    let tokens: String = learners.iter().map(|l| format!("{}\n", l.token)).collect();
    std::fs::write(out.join("learners.txt"), tokens)?;
    // Every attempt still open to each learner: the attempt in progress, then the next
    // ones up to the limit; first numbers first, so that a learner's next attempt comes
    // long after her previous one.
    let mut lines: Vec<(u32, usize, usize, u32)> = vec![];
    let taken: BTreeMap<(usize, usize), &Pair> = pairs.iter().map(|p| ((p.learner, p.quiz), p)).collect();
    for k in 0..learners.len() {
        for (qi, (_, quiz, _)) in quizzes.iter().enumerate() {
            let limit = quiz.max_attempts.unwrap_or(5);
            let first = match taken.get(&(k, qi)) {
                Some(p) if p.left_open => p.count,
                Some(p) => p.count + 1,
                None => 1,
            };
            for (round, number) in (first..=limit).enumerate() {
                lines.push((round as u32, k, qi, number));
            }
        }
    }
    lines.sort();
    let submits: String = lines
        .iter()
        .map(|(_, k, qi, number)| format!("{k} {} {} {number}\n", learners[*k].token, quizzes[*qi].0))
        .collect();
    std::fs::write(out.join("submits.txt"), submits)?;
    // What the load sends: a typical sheet (three questions in four right), the same each time.
    let mut rng = StdRng::seed_from_u64(6);
    for (id, quiz, _) in quizzes {
        let answers = sheet(quiz, &mut rng, 0.75);
        std::fs::write(out.join(format!("quiz-{id}.json")), serde_json::json!({ "answers": answers }).to_string())?;
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (q, a) in &answers {
            match a {
                Answer::One(v) => {
                    form.append_pair(q, v);
                }
                Answer::Many(vs) => {
                    for v in vs {
                        form.append_pair(q, v);
                    }
                }
            }
        }
        std::fs::write(out.join(format!("quiz-{id}.form")), form.finish())?;
    }
    println!("bench files in {}", out.display());
    Ok(())
}
