//! The demonstration organisation, loaded by `serve --demo` (or `tremplin demo`) into an
//! empty database. Programme facts, names and testimonials follow the agency's 2016 activity
//! report (`shared/seed/connexions-citoyennes-2016.txt`) as written.

mod course;
mod exercises;

use std::net::SocketAddr;

use crate::app::App;
use crate::domain::email::Email;
use crate::domain::locale::Locale;
use crate::domain::password::NewPassword;
use crate::domain::person::PersonName;
use crate::domain::role::ProgrammeRole;
use crate::domain::time::unix_now;
use crate::store::accounts::{self, NewAccount};
use crate::store::programmes::{self, BudgetLineFields, PhaseFields, ProgrammeFields, TestimonialFields};
use crate::store::{reports, search};

/// Every demo account shares this password (printed at start-up).
pub const DEMO_PASSWORD: &str = "tremplin-demo-2016";

/// (e-mail, name, administrator?, role in Connexions citoyennes)
pub const DEMO_USERS: &[(&str, &str, bool, Option<ProgrammeRole>)] = &[
    ("admin@cfi.demo", "Administratrice CFI", true, None),
    ("responsable@cfi.demo", "Claire Responsable", false, Some(ProgrammeRole::Manager)),
    ("jury@cfi.demo", "Moussa Jury", false, Some(ProgrammeRole::Reviewer)),
    ("coach@cfi.demo", "Aminata Coach", false, Some(ProgrammeRole::Coach)),
    ("seynabou@cfi.demo", "Seynabou Sy Ndiaye", false, Some(ProgrammeRole::Participant)),
    ("awanabi@cfi.demo", "Awanabi Idrissou", false, Some(ProgrammeRole::Participant)),
];

struct DemoProgramme {
    slug: &'static str,
    title: &'static str,
    title_en: &'static str,
    mission: &'static str,
    mission_en: &'static str,
    summary: &'static str,
    summary_en: &'static str,
    region: &'static str,
    countries: &'static str,
    themes: &'static str,
    funders: &'static str,
    partners: &'static str,
    /// (kind, title, start, end)
    phases: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// (year, category, planned, actual)
    budget_lines: &'static [(i64, &'static str, i64, Option<i64>)],
    start: &'static str,
    end: &'static str,
    budget_minor: Option<i64>,
    costs: &'static [(i64, i64)],
    testimonials: &'static [(&'static str, &'static str)],
}

const PROGRAMMES: &[DemoProgramme] = &[
    DemoProgramme {
        slug: "connexions-citoyennes",
        title: "Connexions citoyennes",
        mission: "Accompagner l’émergence de projets numériques d’action citoyenne",
        summary: "Lancé en octobre 2016, le projet Connexions citoyennes a identifié, via un appel à candidatures, 30 jeunes porteurs de projets numériques et citoyens à fort potentiel, pour les aider à professionnaliser et pérenniser leur actions.\n\n\
Grâce à une session de formation en ligne de six semaines, les participants ont appréhendé les méthodes de constitution et de développement d’un réseau, d’élaboration d’un plan de financement et de réalisation d’un benchmarking. Ils ont également bénéficié d’un accompagnement personnalisé afin de formuler et affiner leurs projets. Des exercices hebdomadaires ont évalué leur motivation, leur réactivité et leur capacité à travailler en équipe. A l’issue de cette première phase, quinze d’entre eux ont été sélectionnés pour poursuivre ce cursus en 2017, avec un stage d’accélération, des « brousse-camps » en Normandie et en Afrique (séjours en zone rurale et non connectée), et une session finale à Paris.\n\n\
Au-delà de ces formations, Connexions citoyennes ambitionne non seulement de faire aboutir des projets innovants et engagés, de créer un véritable « esprit de famille » et d’entraide entre les participants, afin que solidarités et échanges de bonnes pratiques s’installent durablement entre eux.",
        title_en: "Citizen Connections",
        mission_en: "Supporting the emergence of digital citizen action projects",
        summary_en: "Launched in October 2016, Citizen Connections identified, through a call for applications, 30 young holders of high-potential digital and citizen projects, to help them professionalise their action and make it last.\n\nA six-week online course taught them how to build and grow a network, draw up a financing plan and benchmark comparable initiatives. Each of them was also coached to formulate and refine their project. Weekly exercises assessed their motivation, reactivity and teamwork. At the end of this first phase, fifteen of them were selected to continue in 2017, with an acceleration internship, “bush camps” in Normandy and in Africa (stays in rural areas with no connectivity) and a final session in Paris.",
        region: "Afrique subsaharienne",
        countries: "SN,BJ,CI,CM,BF,ML,TG,NE,GN,CD",
        themes: "gouvernance,jeunesse,numerique,egalite",
        funders: "Agence française de développement",
        partners: "",
        phases: &[
            ("call", "Appel à candidatures", "2016-09-15", "2016-10-15"),
            ("online_course", "Formation en ligne (six semaines)", "2016-10-24", "2016-12-04"),
            ("coaching", "Accompagnement personnalisé", "2016-10-24", "2017-06-16"),
            ("internship", "Stage d’accélération", "2017-02-06", "2017-02-24"),
            ("camp", "Brousse-camp en Normandie", "2017-03-20", "2017-03-26"),
            ("camp", "Brousse-camp en Afrique", "2017-04-17", "2017-04-23"),
            ("final_session", "Session finale à Paris", "2017-06-12", "2017-06-16"),
        ],
        budget_lines: &[
            (2016, "Appel à candidatures et sélection", 8_000_00, Some(7_500_00)),
            (2016, "Formation en ligne", 20_000_00, Some(21_500_00)),
            (2016, "Accompagnement personnalisé", 15_000_00, Some(14_000_00)),
            (2016, "Coordination", 12_000_00, Some(12_000_00)),
            (2017, "Stage d’accélération et brousse-camps", 180_000_00, None),
            (2017, "Session finale à Paris", 90_000_00, None),
        ],
        start: "2016-09",
        end: "2017-06",
        budget_minor: Some(500_000_00),
        costs: &[(2016, 55_000_00)],
        testimonials: &[
            ("Au cours de la formation en ligne, j’ai énormément appris, de la découverte des outils pour faire du montage vidéo et filmer avec un smartphone, aux règles de sécurité incontournables pour tout citoyen engagé. Le plus important pour moi, c’est de rester libre et autonome dans mon projet.", "Seynabou Sy Ndiaye"),
            ("Connexions citoyennes me permet de projeter mon projet dans le futur, d’aller vers sa réalisation. Il devient plus grand, plus ambitieux.", "Awanabi Idrissou"),
        ],
    },
    DemoProgramme {
        slug: "modernisation-agence-tap",
        title: "Modernisation de l’agence Tunis Afrique Presse (TAP)",
        mission: "Accompagner la transformation d’une agence de presse publique en média de service public",
        summary: "Depuis 2013, dans un contexte de réforme des médias publics en médias de « service public », CFI accompagne les évolutions engagées par l’agence Tunis Afrique Presse (TAP). Cette agence bénéficie d’un vaste réseau de correspondants régionaux.",
        title_en: "Modernising the Tunis Afrique Presse agency (TAP)",
        mission_en: "Supporting a public news agency's transformation into a public-service medium",
        summary_en: "",
        region: "Maghreb",
        countries: "TN",
        themes: "medias,gouvernance",
        funders: "",
        partners: "Tunis Afrique Presse (TAP)",
        phases: &[("online_course", "MOOC Initiation au journalisme mobile", "2016-05-02", "2016-06-12")],
        budget_lines: &[],
        start: "2013-01",
        end: "2016-12",
        budget_minor: None,
        costs: &[],
        testimonials: &[],
    },
    DemoProgramme {
        slug: "myanmar-journalism-institute",
        title: "Création du Myanmar Journalism Institute",
        mission: "Soutenir la première école de journalisme aux standards internationaux du pays",
        summary: "En 2016, un nouveau gouvernement birman et des réformes ont impacté positivement le secteur des médias et plus particulièrement le Myanmar Journalism Institute (MJI), première école de journalisme aux standards internationaux du pays.",
        title_en: "Creating the Myanmar Journalism Institute",
        mission_en: "Supporting the country's first journalism school of international standard",
        summary_en: "",
        region: "Asie du Sud-Est",
        countries: "MM",
        themes: "medias,education",
        funders: "",
        partners: "Myanmar Journalism Institute (MJI)",
        phases: &[],
        budget_lines: &[],
        start: "2016-01",
        end: "2016-12",
        budget_minor: None,
        costs: &[],
        testimonials: &[],
    },
    DemoProgramme {
        slug: "ecrire-et-produire-en-afrique",
        title: "Ecrire et produire en Afrique",
        mission: "Soutenir la fiction et la création originale africaine",
        summary: "En 2016, CFI a poursuivi son engagement auprès de la fiction et de la création originale africaine, en collaborant avec deux acteurs français du développement d’une industrie des programmes en Afrique (Canal+ et Lagardère Studios).",
        title_en: "Writing and producing in Africa",
        mission_en: "Supporting African fiction and original creation",
        summary_en: "",
        region: "Afrique subsaharienne",
        countries: "",
        themes: "culture,medias",
        funders: "",
        partners: "Canal+\nLagardère Studios",
        phases: &[],
        budget_lines: &[],
        start: "2016-01",
        end: "2016-12",
        budget_minor: None,
        costs: &[],
        testimonials: &[],
    },
];

const FOREWORD_2016: &str = "En 2016, l’agence a poursuivi son action en faveur du développement des médias et de \
l’engagement citoyen, de la Tunisie à la Birmanie. L’année a vu naître **Connexions citoyennes**, qui accompagne \
de jeunes porteurs de projets numériques et citoyens en Afrique, avec une attention particulière à l’égalité \
entre les femmes et les hommes.";
const FOREWORD_2016_EN: &str = "In 2016 the agency pursued its work for media development and civic engagement, from \
Tunisia to Myanmar. The year saw the birth of **Citizen Connections**, which supports young holders of digital \
citizen projects in Africa, with particular attention to gender equality.";

/// The other 28 participants of the first cohort: (name, gender, country).
const COHORT: &[(&str, &str, &str)] = &[
    ("Aïssatou Diallo", "female", "GN"),
    ("Koffi Mensah", "male", "TG"),
    ("Mariam Traoré", "female", "ML"),
    ("Jean-Baptiste Nkurunziza", "male", "CD"),
    ("Fatoumata Keïta", "female", "ML"),
    ("Ibrahim Moussa", "male", "NE"),
    ("Aminata Ouédraogo", "female", "BF"),
    ("Serge Kouassi", "male", "CI"),
    ("Rokia Sangaré", "female", "BF"),
    ("Yves Mbarga", "male", "CM"),
    ("Nafissatou Ba", "female", "SN"),
    ("Olivier Hounkpatin", "male", "BJ"),
    ("Awa Coulibaly", "female", "CI"),
    ("Moussa Camara", "male", "GN"),
    ("Clarisse Ngo Biyong", "female", "CM"),
    ("Abdoulaye Sow", "male", "SN"),
    ("Estelle Agbodjan", "female", "TG"),
    ("Hamidou Maïga", "male", "ML"),
    ("Grâce Mukendi", "female", "CD"),
    ("Ousmane Zongo", "male", "BF"),
    ("Nadège Kaboré", "female", "BF"),
    ("Cheikh Ndiaye", "male", "SN"),
    ("Ramatou Issoufou", "female", "NE"),
    ("Patrick Adjovi", "male", "BJ"),
    ("Christelle Yao", "female", "CI"),
    ("Boubacar Bah", "male", "GN"),
    ("Linda Fotso", "female", "CM"),
    ("Sékou Touré", "male", "ML"),
];

async fn set_profile(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    gender: &str,
    country: &str,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE users SET gender = $1, country = $2 WHERE id = $3")
        .bind(gender)
        .bind(country)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Loads the demo into an empty database; returns false (and changes nothing) otherwise.
/// Everything is written in one transaction.
pub async fn load_if_empty(app: &App) -> anyhow::Result<bool> {
    if !app.db.is_empty().await? {
        tracing::info!("database not empty: demo data not loaded");
        return Ok(false);
    }
    let now = unix_now();
    // One hash for the shared demo password keeps start-up fast.
    let hash =
        accounts::hash_password(&NewPassword::parse(DEMO_PASSWORD, None).map_err(|e| anyhow::anyhow!("{e}"))?).await?;
    let mut tx = app.db.begin().await?;
    let org_id =
        programmes::ensure_organisation(&mut tx, "cfi", "CFI — Agence française de développement médias").await?;
    let mut programme_ids = vec![];
    for p in PROGRAMMES {
        let fields = ProgrammeFields {
            slug: p.slug.into(),
            title: p.title.into(),
            title_en: p.title_en.into(),
            mission: p.mission.into(),
            mission_en: p.mission_en.into(),
            body: p.summary.into(),
            body_en: p.summary_en.into(),
            region: p.region.into(),
            countries: p.countries.into(),
            themes: p.themes.into(),
            funders: p.funders.into(),
            partners: p.partners.into(),
            start_month: p.start.into(),
            end_month: p.end.into(),
            status: "completed".into(),
            currency: "EUR".into(),
            budget_estimate_minor: p.budget_minor,
            budget_public: true,
            is_public: true,
        };
        let id = programmes::insert(&mut tx, org_id, &fields).await?;
        for (year, amount) in p.costs {
            programmes::set_cost(&mut tx, id, *year, Some(*amount)).await?;
        }
        for (position, (kind, title, start, end)) in p.phases.iter().enumerate() {
            let phase =
                PhaseFields { kind, title, title_en: "", start_date: start, end_date: end, position: position as i64 };
            programmes::insert_phase(&mut tx, id, &phase).await?;
        }
        for (year, category, planned, actual) in p.budget_lines {
            let line = BudgetLineFields {
                year: *year,
                category,
                planned_minor: *planned,
                actual_minor: *actual,
                is_public: true,
            };
            programmes::insert_budget_line(&mut tx, id, &line).await?;
        }
        for (quote, name) in p.testimonials {
            let t = TestimonialFields {
                quote,
                person_name: name,
                person_role: "participant·e 2016",
                person_country: "",
                locale: "fr",
                consent: true,
            };
            programmes::insert_testimonial(&mut tx, id, &t).await?;
        }
        programme_ids.push(id);
    }
    for (email, name, admin, role) in DEMO_USERS {
        let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
        let name = PersonName::parse(name).map_err(|e| anyhow::anyhow!("{e}"))?;
        let acc = NewAccount {
            email: &email,
            name: &name,
            password_hash: &hash,
            locale: Locale::Fr,
            is_admin: *admin,
            confirmed: true,
        };
        let user_id = accounts::insert_user(&mut tx, acc).await?.ok_or_else(|| anyhow::anyhow!("demo user exists"))?;
        match email.as_str() {
            "seynabou@cfi.demo" => set_profile(&mut tx, user_id, "female", "SN").await?,
            "awanabi@cfi.demo" => set_profile(&mut tx, user_id, "male", "BJ").await?,
            _ => {}
        }
        if let Some(role) = role {
            sqlx::query(
                "INSERT INTO programme_members (programme_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(programme_ids[0])
            .bind(user_id)
            .bind(role.code())
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
    }
    // The rest of the first cohort (30 selected in 2016), with the gender and country they
    // declared, so that the indicators have something to show.
    for (n, (name, gender, country)) in COHORT.iter().enumerate() {
        let email = Email::parse(&format!("participant{:02}@cfi.demo", n + 3)).map_err(|e| anyhow::anyhow!("{e}"))?;
        let name = PersonName::parse(name).map_err(|e| anyhow::anyhow!("{e}"))?;
        let acc = NewAccount {
            email: &email,
            name: &name,
            password_hash: &hash,
            locale: Locale::Fr,
            is_admin: false,
            confirmed: true,
        };
        let user_id = accounts::insert_user(&mut tx, acc).await?.ok_or_else(|| anyhow::anyhow!("demo user exists"))?;
        set_profile(&mut tx, user_id, gender, country).await?;
        sqlx::query("INSERT INTO programme_members (programme_id, user_id, role, created_at) VALUES ($1, $2, 'participant', $3)")
            .bind(programme_ids[0])
            .bind(user_id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    demo_calls(&mut tx, programme_ids[0], &hash).await?;
    reports::save(&mut tx, 2016, FOREWORD_2016, FOREWORD_2016_EN).await?;
    search::index_report(&mut tx, 2016, FOREWORD_2016, FOREWORD_2016_EN).await?;
    for id in &programme_ids {
        search::index_programme(&mut tx, *id).await?;
    }
    tx.commit().await?;
    demo_cover(app, programme_ids[0]).await?;
    demo_attachments(app).await?;
    demo_review(app, &hash).await?;
    // After the selection: the online course's cohort is the 30 it selected.
    course::load(app).await?;
    demo_teams(app).await?;
    exercises::load(app).await?;
    demo_certificates(app).await?;
    demo_library(app).await?;
    tracing::info!(programmes = PROGRAMMES.len(), users = DEMO_USERS.len(), "demo data loaded");
    Ok(true)
}

/// The 2016 call, closed, and the next one, open until midnight GMT five days after the demo
/// is loaded, so that the countdown shows.
async fn demo_calls(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    programme_id: i64,
    hash: &str,
) -> anyhow::Result<()> {
    use crate::domain::call::{instant_in_zone, CallStatus};
    use crate::store::calls::{insert, CallFields};
    let gmt = crate::domain::time::TimeZoneName::parse("Africa/Abidjan").ok_or_else(|| anyhow::anyhow!("zone"))?;
    let at = |d: &str, t: &str| instant_in_zone(d, t, &gmt).map_err(|e| anyhow::anyhow!("{e}"));
    let today = jiff::Timestamp::now().to_zoned(gmt.zone()).date();
    let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).map(|d| d.to_string()).unwrap_or_default();
    let description = "Vous avez entre 18 et 35 ans, vous vivez en Afrique francophone et vous portez un projet \
numérique d’action citoyenne ? Candidatez à **Connexions citoyennes** : six semaines de formation en ligne, un \
accompagnement personnalisé, puis, pour quinze d’entre vous, un stage d’accélération, des brousse-camps et une \
session finale à Paris.";
    let description_en = "Aged 18 to 35, living in French-speaking Africa, with a digital citizen action project? \
Apply to **Citizen Connections**: a six-week online course, personal coaching, then, for fifteen of you, an \
acceleration internship, bush camps and a final session in Paris.";
    insert(
        tx,
        programme_id,
        &CallFields {
            slug: "connexions-citoyennes-2016",
            title: "Appel à candidatures — Connexions citoyennes 2016",
            title_en: "Call for applications — Citizen Connections 2016",
            description,
            description_en,
            opens_at: at("2016-09-15", "00:00")?,
            closes_at: at("2016-10-15", "24:00")?,
            time_zone: gmt.as_str(),
            languages: "fr",
            max_applications: None,
            status: CallStatus::Closed,
        },
    )
    .await?;
    let open_call = insert(
        tx,
        programme_id,
        &CallFields {
            slug: "connexions-citoyennes-prochaine-promotion",
            title: "Appel à candidatures — Connexions citoyennes, prochaine promotion",
            title_en: "Call for applications — Citizen Connections, next cohort",
            description,
            description_en,
            opens_at: at(&day(-30), "00:00")?,
            closes_at: at(&day(5), "24:00")?,
            time_zone: gmt.as_str(),
            languages: "fr,en",
            max_applications: Some(5000),
            status: CallStatus::Open,
        },
    )
    .await?;
    crate::store::forms::save(tx, open_call, 0, &demo_form()).await?;
    demo_applications(tx, open_call, hash).await?;
    let rules = crate::domain::eligibility::Rules {
        age: Some(crate::domain::eligibility::AgeRule {
            question: "q1".into(),
            min: 18,
            max: 35,
            on: day(5).parse().map_err(|e| anyhow::anyhow!("{e}"))?,
        }),
        countries: Some(crate::domain::eligibility::ListRule {
            question: "q2".into(),
            values: [
                "BJ", "BF", "BI", "CM", "CF", "KM", "CG", "CD", "CI", "DJ", "GA", "GN", "MG", "ML", "MR", "NE", "RW",
                "SN", "TD", "TG", "TN", "MA", "DZ",
            ]
            .map(String::from)
            .to_vec(),
        }),
        languages: Some(crate::domain::eligibility::ListRule { question: "q10".into(), values: vec!["fr".into()] }),
        custom: vec![],
    };
    sqlx::query("UPDATE calls SET eligibility = $1 WHERE id = $2")
        .bind(serde_json::to_string(&rules)?)
        .bind(open_call)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The application form of the open demo call.
fn demo_form() -> crate::domain::form::Form {
    use crate::domain::attachment::FileType;
    use crate::domain::form::{Choice, Condition, Form, Kind, Question, Section};
    let q = |id: &str, label: &str, label_en: &str, required: bool, kind: Kind| Question {
        id: id.into(),
        label: label.into(),
        label_en: label_en.into(),
        help: String::new(),
        help_en: String::new(),
        required,
        kind,
        show_if: None,
        identifying: false,
    };
    let choice = |v: &str, fr: &str, en: &str| Choice { value: v.into(), label: fr.into(), label_en: en.into() };
    let mut born = q("q1", "Date de naissance", "Date of birth", true, Kind::Date);
    born.identifying = true;
    let mut gender = q(
        "q3",
        "Genre",
        "Gender",
        false,
        Kind::SingleChoice {
            options: vec![
                choice("female", "Femme", "Woman"),
                choice("male", "Homme", "Man"),
                choice("other", "Autre", "Other"),
            ],
        },
    );
    gender.identifying = true;
    let mut team_size = q(
        "q7",
        "Combien êtes-vous dans l’équipe ?",
        "How many are you in the team?",
        true,
        Kind::Number { min: Some(2), max: Some(10) },
    );
    team_size.show_if = Some(Condition { question: "q6".into(), equals: "yes".into() });
    let mut phone = q("q9", "Téléphone (format international)", "Phone (international format)", false, Kind::Phone);
    phone.identifying = true;
    Form {
        sections: vec![
            Section {
                id: "s1".into(),
                title: "Vous".into(),
                title_en: "You".into(),
                questions: vec![
                    born,
                    q("q2", "Pays de résidence", "Country of residence", true, Kind::Country),
                    gender,
                    phone,
                ],
            },
            Section {
                id: "s2".into(),
                title: "Votre projet".into(),
                title_en: "Your project".into(),
                questions: vec![
                    q("q4", "Titre du projet", "Project title", true, Kind::ShortText { max_chars: 120 }),
                    q(
                        "q5",
                        "Décrivez votre projet : le problème, les personnes concernées, votre solution",
                        "Describe your project: the problem, the people concerned, your solution",
                        true,
                        Kind::LongText { max_words: Some(300), max_chars: None },
                    ),
                    q("q6", "Travaillez-vous en équipe ?", "Do you work in a team?", true, Kind::YesNo),
                    team_size,
                    q("q8", "Lien vers le projet (site, page)", "Link to the project (site, page)", false, Kind::Url),
                    q(
                        "q10",
                        "Langues parlées",
                        "Languages spoken",
                        true,
                        Kind::MultipleChoice {
                            options: vec![
                                choice("fr", "Français", "French"),
                                choice("en", "Anglais", "English"),
                                choice("other", "Autre", "Other"),
                            ],
                            max_selected: None,
                        },
                    ),
                ],
            },
            Section {
                id: "s3".into(),
                title: "Votre parcours et vos besoins".into(),
                title_en: "Your path and your needs".into(),
                questions: vec![
                    q(
                        "q11",
                        "Structure porteuse (association, collectif…), s’il y en a une",
                        "Organisation behind the project, if any",
                        false,
                        Kind::ShortText { max_chars: 150 },
                    ),
                    q(
                        "q12",
                        "Votre rôle dans le projet",
                        "Your role in the project",
                        true,
                        Kind::ShortText { max_chars: 150 },
                    ),
                    q("q13", "Date de lancement du projet", "Date the project started", false, Kind::Date),
                    q(
                        "q14",
                        "Où en est le projet ?",
                        "Where does the project stand?",
                        true,
                        Kind::SingleChoice {
                            options: vec![
                                choice("idea", "Idée", "Idea"),
                                choice("prototype", "Prototype", "Prototype"),
                                choice("running", "En activité", "Running"),
                            ],
                        },
                    ),
                    q(
                        "q15",
                        "Qui sont les personnes concernées, et combien ?",
                        "Who are the people concerned, and how many?",
                        true,
                        Kind::LongText { max_words: Some(150), max_chars: None },
                    ),
                    q(
                        "q16",
                        "Vos partenaires actuels",
                        "Your current partners",
                        false,
                        Kind::LongText { max_words: Some(100), max_chars: None },
                    ),
                    q(
                        "q17",
                        "Budget annuel estimé du projet (en euros)",
                        "Estimated yearly budget of the project (euros)",
                        false,
                        Kind::Number { min: Some(0), max: Some(10_000_000) },
                    ),
                    q(
                        "q18",
                        "Comment avez-vous connu l’appel ?",
                        "How did you hear of the call?",
                        false,
                        Kind::SingleChoice {
                            options: vec![
                                choice("radio", "Radio", "Radio"),
                                choice("social", "Réseaux sociaux", "Social media"),
                                choice("friend", "Bouche-à-oreille", "Word of mouth"),
                                choice("other", "Autre", "Other"),
                            ],
                        },
                    ),
                    q(
                        "q19",
                        "Êtes-vous disponible 3 heures par semaine pendant six semaines ?",
                        "Are you available 3 hours a week for six weeks?",
                        true,
                        Kind::YesNo,
                    ),
                    q(
                        "q20",
                        "Qu’attendez-vous de Connexions citoyennes ?",
                        "What do you expect from Citizen Connections?",
                        true,
                        Kind::LongText { max_words: Some(200), max_chars: None },
                    ),
                    {
                        let mut doc = q(
                            "q21",
                            "Présentation du projet (facultatif)",
                            "Project presentation (optional)",
                            false,
                            Kind::File { types: vec![FileType::Pdf, FileType::Document], max_bytes: 5 * 1024 * 1024 },
                        );
                        doc.help = "Deux pages au plus : le problème, votre solution, votre équipe.".into();
                        doc.help_en = "Two pages at most: the problem, your solution, your team.".into();
                        doc
                    },
                ],
            },
        ],
    }
}

/// About 200 applications to the open demo call, in every state: submitted, drafts,
/// withdrawn, and some that fail the eligibility rules. Deterministic.
async fn demo_applications(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    call_id: i64,
    hash: &str,
) -> anyhow::Result<()> {
    use rand::{Rng, SeedableRng};
    const FIRST: &[(&str, &str)] = &[
        ("Aïcha", "female"),
        ("Moussa", "male"),
        ("Fatou", "female"),
        ("Ibrahima", "male"),
        ("Mariama", "female"),
        ("Kofi", "male"),
        ("Adjoa", "female"),
        ("Boubacar", "male"),
        ("Khadija", "female"),
        ("Yao", "male"),
        ("Rokia", "female"),
        ("Cheikh", "male"),
        ("Nafi", "female"),
        ("Ousmane", "male"),
        ("Salimata", "female"),
        ("Jean", "male"),
    ];
    const LAST: &[&str] = &[
        "Diallo",
        "Traoré",
        "Koné",
        "Ndiaye",
        "Ouédraogo",
        "Mensah",
        "Camara",
        "Sow",
        "Kaboré",
        "Touré",
        "Diop",
        "Bamba",
    ];
    const COUNTRIES: &[&str] = &["SN", "ML", "CI", "BF", "BJ", "TG", "CM", "GN", "NE", "CD", "MG", "FR"];
    const CITIES: &[&str] = &["Dakar", "Bamako", "Abidjan", "Ouagadougou", "Cotonou", "Lomé"];
    const STAGES: &[&str] = &["idea", "prototype", "running"];
    let mut rng = rand::rngs::StdRng::seed_from_u64(2027);
    let now = unix_now();
    for k in 0..200usize {
        let (first, gender) = FIRST[k % FIRST.len()];
        let last = LAST[(k * 7) % LAST.len()];
        let email = Email::parse(&format!("candidat{k:03}@demo.invalid")).map_err(|e| anyhow::anyhow!("{e}"))?;
        let name = PersonName::parse(&format!("{first} {last}")).map_err(|e| anyhow::anyhow!("{e}"))?;
        let acc = NewAccount {
            email: &email,
            name: &name,
            password_hash: hash,
            locale: Locale::Fr,
            is_admin: false,
            confirmed: true,
        };
        let user_id = accounts::insert_user(tx, acc).await?.ok_or_else(|| anyhow::anyhow!("demo applicant exists"))?;
        let country = COUNTRIES[rng.gen_range(0..COUNTRIES.len())];
        // One in ten is too old: ineligible (and stays a draft).
        let year = if k % 10 == 9 { 1980 } else { rng.gen_range(1991..2007) };
        let mut answers = serde_json::json!({
            "q1": format!("{year}-{:02}-{:02}", rng.gen_range(1..13), rng.gen_range(1..29)),
            "q2": country,
            "q3": gender,
            "q4": format!("Projet citoyen n° {k} à {}", CITIES[k % CITIES.len()]),
            "q5": "Une plateforme pour informer les jeunes de leurs droits et les aider à participer à la vie de leur commune.",
            "q6": if k % 3 == 0 { "yes" } else { "no" },
            "q10": ["fr"],
            "q12": "Fondateur·rice",
            "q14": STAGES[k % 3],
            "q15": "Les jeunes de 15 à 30 ans du quartier, environ 2 000 personnes.",
            "q19": "yes",
            "q20": "Apprendre à financer le projet et rencontrer d’autres porteurs de projets.",
        });
        if k % 3 == 0 {
            answers["q7"] = serde_json::json!(3);
        }
        let answers = answers.to_string();
        // 70 % submitted, 10 % withdrawn, 20 % drafts (with the ineligible ones).
        let status = match k % 10 {
            8 | 9 => "draft",
            6 => "withdrawn",
            _ => "submitted",
        };
        let submitted = status != "draft";
        let at = now - rng.gen_range(3_600..30 * 86_400);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO applications (call_id, user_id, status, form_version, answers, revision, submitted_revision, \
             submitted_at, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, 1, $5, $6, $7, $7) RETURNING id",
        )
        .bind(call_id)
        .bind(user_id)
        .bind(status)
        .bind(&answers)
        .bind(submitted.then_some(1i64))
        .bind(submitted.then_some(at))
        .bind(at)
        .fetch_one(&mut **tx)
        .await?;
        if submitted {
            sqlx::query("UPDATE applications SET receipt = $1 WHERE id = $2")
                .bind(format!("CCP-{id:06}"))
                .bind(id)
                .execute(&mut **tx)
                .await?;
            sqlx::query("INSERT INTO application_versions (application_id, form_version, answers, submitted_at) VALUES ($1, 1, $2, $3)")
                .bind(id)
                .bind(&answers)
                .bind(at)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// One in five sent demo applications comes with a project presentation in PDF (answer to
/// q21), written here and stored like any upload.
async fn demo_attachments(app: &App) -> anyhow::Result<()> {
    use crate::web::pdf::{document, Block};
    use sha2::Digest;
    let sent: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.id, a.answers FROM applications a JOIN calls c ON c.id = a.call_id \
         WHERE c.slug = 'connexions-citoyennes-prochaine-promotion' AND a.status = 'submitted' ORDER BY a.id",
    )
    .fetch_all(&app.db.pool)
    .await?;
    let mut tx = app.db.begin().await?;
    for (_, (application_id, answers)) in sent.into_iter().enumerate().filter(|(n, _)| n % 5 == 0) {
        let mut answers: serde_json::Value = serde_json::from_str(&answers)?;
        let title = answers["q4"].as_str().unwrap_or("Projet").to_owned();
        let pdf = document(&[
            Block::heading(title.clone(), 18.0),
            Block::para(answers["q5"].as_str().unwrap_or("")),
            Block::heading("Équipe", 13.0),
            Block::para("Trois membres : coordination, développement, animation de la communauté."),
            Block::heading("Budget", 13.0),
            Block::para("Première année : 4 500 € (matériel, hébergement, ateliers dans les quartiers)."),
        ]);
        let id = uuid::Uuid::new_v4().simple().to_string();
        let key = crate::attachments::key_of(&id).expect("a new id is a key");
        app.storage.put_bytes(&key, pdf.clone().into()).await?;
        let digest: String = sha2::Sha256::digest(&pdf).iter().map(|b| format!("{b:02x}")).collect();
        sqlx::query(
            "INSERT INTO attachments (id, application_id, question_id, name, file_type, size, sha256, created_at) \
             VALUES ($1, $2, 'q21', $3, 'pdf', $4, $5, $6)",
        )
        .bind(&id)
        .bind(application_id)
        .bind(format!("presentation-projet-{application_id}.pdf"))
        .bind(pdf.len() as i64)
        .bind(digest)
        .bind(unix_now())
        .execute(&mut **tx)
        .await?;
        answers["q21"] = serde_json::Value::String(id);
        for table in [
            "applications SET answers = $1 WHERE id = $2",
            "application_versions SET answers = $1 WHERE application_id = $2",
        ] {
            sqlx::query(&format!("UPDATE {table}"))
                .bind(answers.to_string())
                .bind(application_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The jury of the open call: eight reviewers (Moussa Jury among them, whose queue is left
/// to score), each sent application given to three, and most reviews done, with reviewers
/// harsher or more lenient than others so that normalisation has something to correct.
async fn demo_review(app: &App, hash: &str) -> anyhow::Result<()> {
    use rand::{Rng, SeedableRng};
    const JURY: &[(&str, &str, &str, &str)] = &[
        ("jury@cfi.demo", "Moussa Jury", "fr", "SN"),
        ("fatoumata.jury@cfi.demo", "Fatoumata Keïta", "fr,en", "ML"),
        ("koffi.jury@cfi.demo", "Koffi Agbeko", "fr,en", "TG"),
        ("marie.jury@cfi.demo", "Marie Dupont", "fr", "FR"),
        ("ibrahim.jury@cfi.demo", "Ibrahim Sawadogo", "fr", "BF"),
        ("clarisse.jury@cfi.demo", "Clarisse Mbida", "fr,en", "CM"),
        ("youssouf.jury@cfi.demo", "Youssouf Cissé", "fr", "GN"),
        ("nadia.jury@cfi.demo", "Nadia Rakoto", "fr,en", "MG"),
    ];
    let call = crate::store::calls::by_slug(&app.db, "connexions-citoyennes-prochaine-promotion")
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo call missing"))?;
    // The default settings: blind, 3 reviewers per application, the rubric of the seed.
    let settings = crate::review::Settings::default();
    crate::store::review::save_settings(&app.db, &crate::review::settings_row(call.id, &settings)?).await?;
    let mut tx = app.db.begin().await?;
    for (email, name, _, _) in &JURY[1..] {
        let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
        let name = PersonName::parse(name).map_err(|e| anyhow::anyhow!("{e}"))?;
        let acc = NewAccount {
            email: &email,
            name: &name,
            password_hash: hash,
            locale: Locale::Fr,
            is_admin: false,
            confirmed: true,
        };
        accounts::insert_user(&mut tx, acc).await?;
    }
    tx.commit().await?;
    for (email, name, languages, country) in JURY {
        let row = crate::store::review::ReviewerRow {
            id: 0,
            call_id: call.id,
            email: (*email).into(),
            name: (*name).into(),
            languages: (*languages).into(),
            country: (*country).into(),
            organisation: String::new(),
            active: 1,
        };
        crate::store::review::insert_reviewer(&app.db, &row).await?;
    }
    crate::review::assign_call(app, &call).await.map_err(|e| anyhow::anyhow!("demo assignment: {e}"))?;
    let reviewers = crate::store::review::reviewers(&app.db, call.id).await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(2028);
    for r in crate::store::review::reviews_of_call(&app.db, call.id).await? {
        let reviewer = reviewers.iter().position(|v| v.id == r.reviewer_id).unwrap_or(0);
        // Moussa (the demo's reviewer account) has his queue to do; one in eight of the
        // others is not done yet.
        if reviewer == 0 || rng.gen_range(0..8) == 0 {
            continue;
        }
        // An application's merit, the reviewer's leaning (Marie harsh, Clarisse lenient).
        let merit = ((r.application_id * 37) % 100) as f64 / 100.0 * 4.0 + 0.5;
        let leaning = match reviewer {
            3 => -1.2,
            5 => 1.0,
            _ => 0.0,
        };
        let scores: crate::domain::rubric::Scores = settings
            .rubric
            .criteria
            .iter()
            .map(|c| {
                let s = (merit + leaning + rng.gen_range(-0.8..0.8)).round() as i32;
                (c.id.clone(), s.clamp(c.scale_min, c.scale_max))
            })
            .collect();
        let weighted = settings.rubric.weighted(&scores).map(crate::domain::selection::milli);
        let comment = if weighted.unwrap_or(0) > 60_000 {
            "Projet solide et bien ancré dans son territoire."
        } else {
            "L’idée est intéressante mais le plan d’action reste flou."
        };
        crate::store::review::save_review(&app.db, r.id, &serde_json::to_string(&scores)?, comment, weighted).await?;
    }
    // The selection of 30 with its waitlist under the default rules (40% women at least,
    // 3 per country at most), confirmed and sent: the decisions wait in the outbox, and
    // the selected are participants of the online course.
    let manager = Email::parse("responsable@cfi.demo").map_err(|e| anyhow::anyhow!("{e}"))?;
    let manager = accounts::find_by_email(&app.db, &manager).await?.ok_or_else(|| anyhow::anyhow!("demo manager"))?;
    let i = crate::i18n::I18n::new(Locale::Fr);
    // The selected join the programme's online course (the default phase).
    let params = crate::selection::params_of(app, &call).await.map_err(|e| anyhow::anyhow!("demo rules: {e}"))?;
    crate::selection::confirm(app, &manager, &call.slug, i, &params)
        .await
        .map_err(|e| anyhow::anyhow!("demo selection: {e}"))?;
    // The team rewrote the waitlist message in French; the others are the catalogue's.
    let waitlist_message = crate::decision_messages::MessageInput {
        decision: "waitlisted".into(),
        locale: "fr".into(),
        subject: "{call} : vous êtes sur la liste d’attente".into(),
        body: "Bonjour {name},\n\nle jury a beaucoup apprécié votre candidature. Vous êtes n° {rank} sur la liste \
d’attente : si une place se libère, nous vous écrivons aussitôt, gardez un œil sur votre messagerie.\n\n\
L’équipe Connexions citoyennes"
            .into(),
        reset: false,
    };
    crate::decision_messages::save(app, &manager, &call.slug, &[waitlist_message])
        .await
        .map_err(|e| anyhow::anyhow!("demo messages: {e}"))?;
    crate::selection::notify(app, &manager, &call.slug).await.map_err(|e| anyhow::anyhow!("demo results: {e}"))?;
    Ok(())
}

/// Seynabou followed the open course to its end: her attempts at its three quizzes, passed,
/// and the certificate she asked for. Awanabi enrolled and passed the first quiz only.
async fn demo_certificates(app: &App) -> anyhow::Result<()> {
    let course = "initiation-au-journalisme-mobile";
    let quizzes: Vec<i64> = sqlx::query_scalar(
        "SELECT q.id FROM quizzes q JOIN course_modules m ON m.id = q.module_id JOIN courses c ON c.id = m.course_id \
         WHERE c.slug = $1 AND q.status = 'published' ORDER BY m.position, q.position",
    )
    .bind(course)
    .fetch_all(&app.db.pool)
    .await?;
    for (email, passed, score) in [("seynabou@cfi.demo", quizzes.len(), 85), ("awanabi@cfi.demo", 1, 70)] {
        let who = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
        let user = accounts::find_by_email(&app.db, &who).await?.ok_or_else(|| anyhow::anyhow!("{email}"))?;
        crate::courses::enrol(app, &user, course).await.map_err(|e| anyhow::anyhow!("demo enrolment: {e}"))?;
        let mut tx = app.db.begin().await?;
        for (n, quiz) in quizzes.iter().take(passed).enumerate() {
            let at = unix_now() - 86_400 * (10 - n as i64);
            sqlx::query(
                "INSERT INTO quiz_attempts (quiz_id, user_id, number, answers, score_milli, passed, started_at, submitted_at) \
                 VALUES ($1, $2, 1, '{}', $3, 1, $4, $5)",
            )
            .bind(quiz)
            .bind(user.id)
            .bind(score * 1000)
            .bind(at)
            .bind(at + 600)
            .execute(&mut **tx)
            .await?;
        }
        tx.commit().await?;
        if passed == quizzes.len() {
            crate::certificates::claim(app, &user, course)
                .await
                .map_err(|e| anyhow::anyhow!("demo certificate: {e}"))?;
        }
    }
    Ok(())
}

/// The cohort's teams, formed in one click as a manager would.
async fn demo_teams(app: &App) -> anyhow::Result<()> {
    let manager = Email::parse("responsable@cfi.demo").map_err(|e| anyhow::anyhow!("{e}"))?;
    let manager = accounts::find_by_email(&app.db, &manager).await?.ok_or_else(|| anyhow::anyhow!("demo manager"))?;
    let i = crate::i18n::I18n::new(Locale::Fr);
    crate::teams::form_automatically(app, &manager, "connexions-citoyennes-formation-en-ligne", i, Default::default())
        .await
        .map_err(|e| anyhow::anyhow!("demo teams: {e}"))?;
    Ok(())
}

/// The media library of Connexions citoyennes: a diagram for the network-mapping week and
/// the financing plan template, drawn here (no file to ship), as a manager would upload them.
async fn demo_library(app: &App) -> anyhow::Result<()> {
    use crate::web::pdf::{document, Block};
    let manager = Email::parse("responsable@cfi.demo").map_err(|e| anyhow::anyhow!("{e}"))?;
    let manager = accounts::find_by_email(&app.db, &manager).await?.ok_or_else(|| anyhow::anyhow!("demo manager"))?;
    // Rings of a personal network around its centre: family, friends, partners, funders.
    let img = image::RgbImage::from_fn(1600, 900, |x, y| {
        let (dx, dy) = (x as f64 - 800.0, y as f64 - 450.0);
        let r = (dx * dx + dy * dy).sqrt();
        let ring = [90.0, 200.0, 310.0, 420.0].iter().any(|c| (r - c).abs() < 4.0);
        if r < 40.0 {
            image::Rgb([0, 110, 80])
        } else if ring {
            image::Rgb([0, 150, 110])
        } else {
            image::Rgb([246, 244, 236])
        }
    });
    let mut png = vec![];
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
    let pdf = document(&[
        Block::heading("Plan de financement — modèle", 18.0),
        Block::para(
            "Ressources : apports propres, subventions, mécénat, recettes d’activité, valorisation du bénévolat.",
        ),
        Block::para("Emplois : matériel, hébergement et outils numériques, animation, déplacements, communication."),
        Block::heading("Conseils", 13.0),
        Block::para("Équilibrez ressources et emplois, datez chaque ressource, distinguez l’acquis de l’espéré."),
    ]);
    // Each file goes into the lesson it serves, as a manager would paste its line.
    for (title, name, bytes, lesson) in [
        (
            "Cartographier son réseau : les cercles",
            "cercles-du-reseau.png",
            png,
            "Dessiner la carte de ses parties prenantes",
        ),
        ("Modèle de plan de financement", "modele-plan-de-financement.pdf", pdf, "Lister ses coûts"),
    ] {
        let chunks = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(axum::body::Bytes::from(bytes))]);
        let file = crate::library::upload(app, &manager, "connexions-citoyennes", title, name, chunks)
            .await
            .map_err(|e| anyhow::anyhow!("demo library: {e}"))?;
        sqlx::query("UPDATE lessons SET body = body || $1 WHERE title = $2")
            .bind(format!("\n\n{}", crate::library::markdown_of(&file)))
            .bind(lesson)
            .execute(&app.db.pool)
            .await?;
    }
    // Lessons changed behind the courses' backs: their cached content must go.
    sqlx::query("UPDATE courses SET revision = revision + 1").execute(&app.db.pool).await?;
    Ok(())
}

/// A cover for Connexions citoyennes, drawn here (no file to ship): the sun over a baobab
/// savanna in the brand's green, turned into the light variant like any upload.
async fn demo_cover(app: &App, programme_id: i64) -> anyhow::Result<()> {
    let img = image::RgbImage::from_fn(960, 540, |x, y| {
        let (fx, fy) = (x as f32 / 960.0, y as f32 / 540.0);
        let sun = ((fx - 0.72).powi(2) + ((fy - 0.33) * 0.5625).powi(2)).sqrt() < 0.05;
        let hill = fy > 0.72 - 0.08 * (fx * 6.0).sin();
        let trunk = (fx - 0.3).abs() < 0.018 && fy > 0.45;
        let crown = ((fx - 0.3) / 0.13).powi(2) + ((fy - 0.4) / 0.1).powi(2) < 1.0;
        if sun {
            image::Rgb([250, 196, 60])
        } else if trunk || crown {
            image::Rgb([40, 52, 36])
        } else if hill {
            image::Rgb([11, 93, 59])
        } else {
            image::Rgb([(240.0 - 60.0 * fy) as u8, (200.0 - 40.0 * fy) as u8, (150.0 + 60.0 * fy) as u8])
        }
    });
    let mut png = vec![];
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
    let name = crate::media::store_variant(app, "connexions-citoyennes", &png, crate::media::COVER)
        .await
        .map_err(|e| anyhow::anyhow!("demo cover: {e}"))?;
    let mut tx = app.db.begin().await?;
    programmes::set_cover(&mut tx, programme_id, Some(&name)).await?;
    tx.commit().await?;
    Ok(())
}

/// Prints the demo accounts so that a new user can sign in at once.
pub fn print_accounts(addr: SocketAddr) {
    println!("\nTremplin demo on http://{addr}\nDemo accounts (password for all: {DEMO_PASSWORD}):");
    for (email, name, admin, role) in DEMO_USERS {
        let what = match (admin, role) {
            (true, _) => "administrator".to_owned(),
            (_, Some(r)) => format!("{} of Connexions citoyennes", r.code()),
            _ => "member".to_owned(),
        };
        println!("  {email:<24} {name:<22} {what}");
    }
    println!();
}

/// Adds `programmes` generated programmes with `testimonials_each` consented testimonials
/// each (and the search index), for benchmarks at the scale of a large agency. Deterministic.
pub async fn load_scale(app: &App, programmes_n: usize, testimonials_each: usize) -> anyhow::Result<()> {
    use rand::{Rng, SeedableRng};
    const WORDS: &[&str] = &[
        "projet",
        "citoyen",
        "numérique",
        "jeunesse",
        "réseau",
        "formation",
        "financement",
        "médias",
        "radio",
        "quartier",
        "femmes",
        "entrepreneuriat",
        "solidarité",
        "agriculture",
        "santé",
        "école",
        "transparence",
        "budget",
        "données",
        "village",
        "smartphone",
        "vidéo",
        "communauté",
        "innovation",
        "gouvernance",
        "élections",
        "eau",
        "énergie",
        "climat",
        "marché",
        "artisanat",
        "musique",
        "cinéma",
        "journalisme",
        "enquête",
        "participation",
        "mairie",
        "associations",
        "bénévoles",
        "mentorat",
        "incubation",
        "atelier",
        "terrain",
        "brousse",
        "connexion",
        "plateforme",
    ];
    const PLACES: &[(&str, &str)] = &[
        ("Dakar", "SN"),
        ("Cotonou", "BJ"),
        ("Abidjan", "CI"),
        ("Douala", "CM"),
        ("Ouagadougou", "BF"),
        ("Bamako", "ML"),
        ("Lomé", "TG"),
        ("Niamey", "NE"),
        ("Conakry", "GN"),
        ("Kinshasa", "CD"),
        ("Antananarivo", "MG"),
        ("Tunis", "TN"),
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(2016);
    let sentence = |rng: &mut rand::rngs::StdRng, n: usize| -> String {
        (0..n).map(|_| WORDS[rng.gen_range(0..WORDS.len())]).collect::<Vec<_>>().join(" ")
    };
    let org = crate::store::programmes::first_organisation(&app.db).await?;
    let themes = crate::domain::programme::Theme::ALL;
    for batch in 0..programmes_n.div_ceil(50) {
        let mut tx = app.db.begin().await?;
        let org_id = match org {
            Some(id) => id,
            None => programmes::ensure_organisation(&mut tx, "agence", "Agence").await?,
        };
        for k in 0..50 {
            let n = batch * 50 + k;
            if n >= programmes_n {
                break;
            }
            let (city, country) = PLACES[n % PLACES.len()];
            let year = 2010 + (n % 16) as i64;
            let fields = ProgrammeFields {
                slug: format!("programme-{n:05}"),
                title: format!("{} {} à {city}", capitalise(WORDS[n % WORDS.len()]), WORDS[(n * 7 + 3) % WORDS.len()]),
                title_en: String::new(),
                mission: sentence(&mut rng, 8),
                mission_en: String::new(),
                body: format!("{}.\n\n{}.", sentence(&mut rng, 60), sentence(&mut rng, 40)),
                body_en: String::new(),
                region: if country == "TN" { "Maghreb".into() } else { "Afrique subsaharienne".into() },
                countries: country.into(),
                themes: format!("{},{}", themes[n % themes.len()].code(), themes[(n + 3) % themes.len()].code()),
                funders: String::new(),
                partners: String::new(),
                start_month: format!("{year}-{:02}", 1 + n % 12),
                end_month: format!("{}-{:02}", year + 1, 1 + (n + 5) % 12),
                status: "completed".into(),
                currency: "EUR".into(),
                budget_estimate_minor: Some(rng.gen_range(50_000..2_000_000) * 100),
                budget_public: true,
                is_public: true,
            };
            let id = programmes::insert(&mut tx, org_id, &fields).await?;
            programmes::set_cost(&mut tx, id, year, Some(rng.gen_range(10_000..500_000) * 100)).await?;
            for t in 0..testimonials_each {
                let quote = format!("{}.", capitalise(&sentence(&mut rng, 25)));
                let name = format!("Participant·e {n}-{t}");
                let testimonial = TestimonialFields {
                    quote: &quote,
                    person_name: &name,
                    person_role: city,
                    person_country: country,
                    locale: "fr",
                    consent: true,
                };
                programmes::insert_testimonial(&mut tx, id, &testimonial).await?;
            }
            search::index_programme(&mut tx, id).await?;
        }
        tx.commit().await?;
    }
    tracing::info!(programmes = programmes_n, testimonials = programmes_n * testimonials_each, "scale fixture loaded");
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
