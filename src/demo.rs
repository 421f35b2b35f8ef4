//! The demonstration organisation, loaded by `serve --demo` (or `tremplin demo`) into an
//! empty database. Programme facts, names and testimonials follow the agency's 2016 activity
//! report (`shared/seed/connexions-citoyennes-2016.txt`) as written.

use std::net::SocketAddr;

use crate::app::App;
use crate::domain::email::Email;
use crate::domain::locale::Locale;
use crate::domain::password::NewPassword;
use crate::domain::person::PersonName;
use crate::domain::role::ProgrammeRole;
use crate::domain::time::unix_now;
use crate::store::accounts::{self, NewAccount};

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
    mission: &'static str,
    summary: &'static str,
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
        start: "2016-01",
        end: "2016-12",
        budget_minor: None,
        costs: &[],
        testimonials: &[],
    },
];

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
    let mut tx = app.db.pool.begin().await?;
    let org_id: i64 =
        sqlx::query_scalar("INSERT INTO organisations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind("cfi")
            .bind("CFI — Agence française de développement médias")
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
    let mut programme_ids = vec![];
    for p in PROGRAMMES {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO programmes (organisation_id, slug, title, mission, summary, start_month, end_month, currency, \
             budget_estimate_minor, is_public, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'EUR', $8, 1, $9, $9) RETURNING id",
        )
        .bind(org_id)
        .bind(p.slug)
        .bind(p.title)
        .bind(p.mission)
        .bind(p.summary)
        .bind(p.start)
        .bind(p.end)
        .bind(p.budget_minor)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for (year, amount) in p.costs {
            sqlx::query("INSERT INTO programme_costs (programme_id, year, amount_minor) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*year)
                .bind(*amount)
                .execute(&mut *tx)
                .await?;
        }
        for (pos, (quote, name)) in p.testimonials.iter().enumerate() {
            sqlx::query(
                "INSERT INTO testimonials (programme_id, quote, person_name, person_role, locale, consent, position) \
                 VALUES ($1, $2, $3, '', 'fr', 1, $4)",
            )
            .bind(id)
            .bind(*quote)
            .bind(*name)
            .bind(pos as i64)
            .execute(&mut *tx)
            .await?;
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
        if let Some(role) = role {
            sqlx::query(
                "INSERT INTO programme_members (programme_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(programme_ids[0])
            .bind(user_id)
            .bind(role.code())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    tracing::info!(programmes = PROGRAMMES.len(), users = DEMO_USERS.len(), "demo data loaded");
    Ok(true)
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
