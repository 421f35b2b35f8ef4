//! The cohort course's six weekly exercises and the cohort's work on them: the network map
//! (alone, a form), the benchmark of three initiatives (in teams, a text), the financing
//! plan (in teams, a PDF sent by upload), the one-minute pitch (alone, a video, this week),
//! the prototype (a link) and the review of the course (a text). Weeks 1–3 have work sent
//! on time, late or not at all, graded by the tutor on the rubric (weeks 1 and 2 released,
//! week 3 half graded: the tutor's queue), and peer ratings inside the teams, so that the
//! boards show grades, lateness, at-risk learners and the automatic reactivity.

use jiff::{SignedDuration, Timestamp};

use crate::app::App;
use crate::domain::exercise::{default_rubric, reactivity, AnswerType, Grouping, LatePolicy, Work};
use crate::domain::form::Form;
use crate::store::exercises::{self as store, ExerciseFields, Grade, Save};

pub const COURSE: &str = "connexions-citoyennes-formation-en-ligne";

struct DemoExercise {
    title: &'static str,
    title_en: &'static str,
    instructions: &'static str,
    grouping: Grouping,
    answer: fn() -> AnswerType,
    late: LatePolicy,
}

const NETWORK_FORM: &str = r#"{"sections": [{"id": "carte", "title": "Ma carte du réseau", "title_en": "My network map", "questions": [
  {"id": "personnes", "label": "Les dix personnes ou organisations, une par ligne, avec ce qu’elles peuvent apporter", "label_en": "The ten people or organisations, one per line, with what they can bring", "required": true, "kind": {"type": "long_text", "max_words": 400, "max_chars": null}},
  {"id": "premier", "label": "Qui contacterez-vous en premier, et pour demander quoi ?", "label_en": "Whom will you contact first, and to ask for what?", "required": true, "kind": {"type": "short_text", "max_chars": 300}},
  {"id": "secteur", "label": "Le secteur le plus représenté", "label_en": "The sector most represented", "required": true, "kind": {"type": "single_choice", "options": [
    {"value": "public", "label": "Administration", "label_en": "Government"},
    {"value": "prive", "label": "Entreprises", "label_en": "Business"},
    {"value": "associatif", "label": "Associations", "label_en": "Civil society"},
    {"value": "medias", "label": "Médias", "label_en": "Media"}]}}
]}]}"#;

fn network_form() -> AnswerType {
    AnswerType::Form { form: serde_json::from_str::<Form>(NETWORK_FORM).unwrap_or_default() }
}

const EXERCISES: &[DemoExercise] = &[
    DemoExercise {
        title: "Cartographiez dix personnes ou organisations de votre réseau",
        title_en: "Map ten people or organisations of your network",
        instructions: "Reprenez la carte des parties prenantes de la leçon. Listez **dix** personnes ou organisations qui peuvent aider votre projet, et ce que chacune peut apporter : conseil, argent, visibilité, accès à un public.",
        grouping: Grouping::Individual,
        answer: network_form,
        late: LatePolicy::RefuseAfterGrace { hours: 48 },
    },
    DemoExercise {
        title: "Comparez trois initiatives semblables à votre projet",
        title_en: "Benchmark three initiatives comparable to your project",
        instructions: "En équipe, choisissez **trois** initiatives civiques proches de vos projets (dans votre pays ou ailleurs en Afrique). Pour chacune : ce qu’elle fait, qui la finance, ce qui marche, ce que vous ferez autrement.",
        grouping: Grouping::Team { min: 3, max: 5 },
        answer: || AnswerType::Text,
        late: LatePolicy::AcceptFlagged,
    },
    DemoExercise {
        title: "Rédigez le plan de financement de votre projet",
        title_en: "Draft your project's financing plan",
        instructions: "En équipe, construisez le plan de financement d’un des projets de l’équipe sur un an : dépenses par poste, ressources (subventions, prix, apports, ventes) et ce qui manque. Envoyez-le en PDF ou en tableur.",
        grouping: Grouping::Team { min: 3, max: 5 },
        answer: || AnswerType::File {
            types: vec![
                crate::domain::attachment::FileType::Pdf,
                crate::domain::attachment::FileType::Spreadsheet,
                crate::domain::attachment::FileType::Document,
            ],
            max_mb: Some(20),
        },
        late: LatePolicy::RefuseAfterGrace { hours: 72 },
    },
    DemoExercise {
        title: "Filmez le pitch d’une minute de votre projet",
        title_en: "Film a one-minute pitch of your project",
        instructions: "Avec votre téléphone, filmez-vous présentant votre projet en **une minute** : le problème, votre solution, ce que vous demandez. Pas besoin de montage ; un endroit calme et la lumière en face suffisent. L’envoi reprend tout seul si la connexion coupe.",
        grouping: Grouping::Individual,
        answer: || AnswerType::Video { max_mb: Some(150) },
        late: LatePolicy::RefuseAfterGrace { hours: 48 },
    },
    DemoExercise {
        title: "Présentez le prototype de votre projet",
        title_en: "Present your project's prototype",
        instructions: "Partagez le lien de votre prototype : une page, un formulaire, une maquette ou une courte vidéo en ligne.",
        grouping: Grouping::Individual,
        answer: || AnswerType::Link,
        late: LatePolicy::AcceptFlagged,
    },
    DemoExercise {
        title: "Faites le bilan de vos six semaines",
        title_en: "Review your six weeks",
        instructions: "Ce que vous avez appris, ce que vous ferez de votre projet dans les trois prochains mois, et ce que vous attendez du camp de brousse.",
        grouping: Grouping::Individual,
        answer: || AnswerType::Text,
        late: LatePolicy::RefuseAfterGrace { hours: 24 },
    },
];

fn secs(t: Timestamp) -> i64 {
    t.as_second()
}

fn after(t: Timestamp, hours: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_hours(hours)).unwrap_or(t)
}

/// When work of learner (or team) `k` came for week `week`, if it came: most on time,
/// some early, a few late, a few never.
fn sent_at(k: usize, week: usize, opened: Timestamp, due: Timestamp) -> Option<Timestamp> {
    match (k * 5 + week * 3) % 13 {
        0 => None,
        1 => Some(after(due, 20)),
        2 | 3 => Some(after(opened, 30)),
        4..=8 => Some(after(opened, 100 + 6 * k as i64 % 40)),
        _ => Some(after(due, -3)),
    }
}

/// The tutor's scores: motivation and teamwork varied by learner, reactivity from the
/// automatic suggestion. A few learners' scores fall week after week.
fn scores(k: usize, week: usize, auto: f64, team: bool) -> crate::domain::rubric::Scores {
    let falling = k % 11 == 4;
    let motivation = if falling { 5 - week as i32 * 2 } else { 2 + ((k + week) % 4) as i32 };
    let reactivity = (auto / 20.0).round() as i32;
    let mut s = crate::domain::rubric::Scores::new();
    s.insert("motivation".into(), motivation.clamp(0, 5));
    s.insert("reactivity".into(), reactivity.clamp(0, 5));
    if team {
        s.insert("teamwork".into(), if falling { 1 } else { 3 + (k % 3) as i32 });
    }
    s
}

const FEEDBACK: &[&str] = &[
    "Travail clair et complet. Pensez à préciser ce que chaque contact peut vous apporter concrètement.",
    "Bonne base. Le troisième point mériterait un exemple chiffré.",
    "Très bien : vous êtes allés au-delà de la consigne. Gardez ce rythme.",
    "C’est un début : reprenez la consigne, il manque une partie de ce qui est demandé.",
];

fn work_for(week: usize, k: usize) -> Work {
    match week {
        0 => {
            let mut form = crate::domain::form::Answers::new();
            form.insert(
                "personnes".into(),
                serde_json::Value::String(
                    "1. Maire adjointe — accès aux services municipaux\n2. Radio communautaire — visibilité\n3. Association des femmes du quartier — relais auprès du public\n4. Incubateur local — conseil\n5. Cousin développeur — prototype\n6. Banque de microfinance — crédit\n7. Professeur d’université — données\n8. Journaliste — couverture\n9. ONG internationale — subvention\n10. Chef de quartier — légitimité".into(),
                ),
            );
            form.insert("premier".into(), serde_json::Value::String("La radio communautaire, pour une émission sur le projet.".into()));
            let sectors = ["public", "prive", "associatif", "medias"];
            form.insert("secteur".into(), serde_json::Value::String(sectors[k % 4].into()));
            Work { form, ..Default::default() }
        }
        1 => Work {
            text: "1. Ushahidi (Kenya) : cartographie citoyenne des incidents, financée par des fondations ; nous garderons l’idée de la carte mais par SMS.\n\n2. Wikimedia Côte d’Ivoire : formation de contributeurs, bénévolat ; nous reprendrons les ateliers de quartier.\n\n3. Mobisoft (Sénégal) : application payée par les mairies ; nous viserons plutôt les associations.".into(),
            ..Default::default()
        },
        _ => Work::default(),
    }
}

/// A small real PDF: the team's financing plan.
fn financing_plan(team: i64) -> Vec<u8> {
    use crate::web::pdf::{document, Block};
    document(&[
        Block::heading(format!("Plan de financement — équipe {team}"), 18.0),
        Block::para("Dépenses sur un an : formation 1 200 000 FCFA ; matériel 800 000 FCFA ; communication 400 000 FCFA."),
        Block::para("Ressources : subvention du programme 1 500 000 FCFA ; apport de l’équipe 300 000 FCFA ; ventes 200 000 FCFA."),
        Block::para("Reste à trouver : 400 000 FCFA (prix de l’innovation civique, financement participatif)."),
    ])
}

pub async fn load(app: &App) -> anyhow::Result<()> {
    let course =
        crate::store::courses::by_slug(&app.db, COURSE).await?.ok_or_else(|| anyhow::anyhow!("demo course"))?;
    let openings = crate::courses::openings(app, &course).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut modules: Vec<(i64, i64, Timestamp)> = openings.iter().map(|(id, (pos, at))| (*id, *pos, *at)).collect();
    modules.sort_by_key(|m| m.1);

    // The exercises, published, due each Sunday at 23:59.
    let mut tx = app.db.begin().await?;
    let mut exercises = vec![];
    for (e, (module, _, opened)) in EXERCISES.iter().zip(&modules) {
        let due = after(*opened, 6 * 24 + 23).checked_add(SignedDuration::from_mins(59))?;
        let (grouping, answer, late) = (
            serde_json::to_string(&e.grouping)?,
            serde_json::to_string(&(e.answer)())?,
            serde_json::to_string(&e.late)?,
        );
        let rubric = serde_json::to_string(&default_rubric(e.grouping))?;
        let f = ExerciseFields {
            title: e.title,
            title_en: e.title_en,
            instructions: e.instructions,
            instructions_en: "",
            grouping: &grouping,
            answer: &answer,
            late_policy: &late,
            rubric: &rubric,
            due_at: secs(due),
            status: "published",
        };
        exercises.push((store::insert(&mut tx, *module, &f).await?, *opened, due, e));
    }
    tx.commit().await?;

    let learners: Vec<i64> = crate::store::teams::learners(&app.db, course.id, crate::store::teams::Which::All)
        .await?
        .iter()
        .map(|l| l.user_id)
        .collect();
    let members = crate::store::teams::members(&app.db, course.id).await?;
    let mut teams: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for (n, u) in &members {
        teams.entry(*n).or_default().push(*u);
    }
    let tutor: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'coach@cfi.demo'").fetch_optional(&app.db.pool).await?;
    let tutor = tutor.unwrap_or(learners[0]);
    let now = Timestamp::now();

    // Weeks 1 to 3: the work, the grades, the ratings.
    for (week, (exercise, opened, due, e)) in exercises.iter().enumerate().take(3) {
        let owners: Vec<(String, Option<i64>, Vec<i64>)> = match e.grouping {
            Grouping::Individual => learners.iter().map(|u| (format!("u{u}"), None, vec![*u])).collect(),
            Grouping::Team { .. } => teams.iter().map(|(n, m)| (format!("t{n}"), Some(*n), m.clone())).collect(),
        };
        for (k, (owner, team, who)) in owners.iter().enumerate() {
            let Some(at) = sent_at(k, week, *opened, *due).filter(|t| *t < now) else { continue };
            let work = match week {
                2 => {
                    let user = crate::store::accounts::find_by_id(&app.db, who[0])
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("user"))?;
                    let name = format!("plan-financement-equipe-{}.pdf", team.unwrap_or(0));
                    let id =
                        crate::exercises::upload_whole(app, &user, &name, financing_plan(team.unwrap_or(0)).into())
                            .await
                            .map_err(|e| anyhow::anyhow!("demo upload: {e}"))?;
                    Work { upload: Some(id), ..Default::default() }
                }
                _ => work_for(week, k),
            };
            let late = at > *due;
            let work_json = serde_json::to_string(&work)?;
            let mut tx = app.db.begin().await?;
            let sid = store::save(
                &mut tx,
                &Save {
                    exercise_id: *exercise,
                    owner,
                    team_number: *team,
                    work: &work_json,
                    upload_id: work.upload.as_deref(),
                    send: true,
                    late,
                    by: who[0],
                    members: who,
                },
            )
            .await?;
            sqlx::query("UPDATE submissions SET sent_at = $1, created_at = $1, updated_at = $1 WHERE id = $2")
                .bind(secs(at))
                .bind(sid)
                .execute(&mut **tx)
                .await?;
            // Week 3: half the work graded, none released yet (the tutor's queue).
            if week < 2 || k % 2 == 0 {
                let auto = reactivity(*opened, *due, e.late, at);
                let s = scores(k, week, auto, team.is_some());
                let rubric = default_rubric(e.grouping);
                let weighted = rubric.weighted(&s).unwrap_or(0.0);
                let scores_json = serde_json::to_string(&s)?;
                store::write_grade(
                    &mut tx,
                    &Grade {
                        submission_id: sid,
                        tutor_id: tutor,
                        scores: &scores_json,
                        comment: FEEDBACK[(k + week) % FEEDBACK.len()],
                        score_milli: (weighted * 1000.0).round() as i64,
                        reactivity_milli: (auto * 1000.0).round() as i64,
                    },
                )
                .await?;
                if week < 2 {
                    sqlx::query(
                        "UPDATE submission_grades SET graded_at = $1, released_at = $1 WHERE submission_id = $2",
                    )
                    .bind(secs(after(*due, 48)).min(secs(now)))
                    .bind(sid)
                    .execute(&mut **tx)
                    .await?;
                }
            }
            tx.commit().await?;
        }
        // Teammates rate each other on the team exercises: mostly 3 to 5, one harsh rating.
        if matches!(e.grouping, Grouping::Team { .. }) {
            let mut tx = app.db.begin().await?;
            for (n, team) in &teams {
                for (a, rater) in team.iter().enumerate() {
                    let scores: Vec<(i64, i32)> = team
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| *r != rater)
                        .map(|(b, r)| {
                            let harsh = *n == 2 && a == 0 && b == 1;
                            (*r, if harsh { 1 } else { 3 + ((a + b + week) % 3) as i32 })
                        })
                        .collect();
                    store::rate(&mut tx, *exercise, *rater, &scores).await?;
                }
            }
            tx.commit().await?;
        }
    }
    crate::progress::refresh(app, course.id, &[]).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
