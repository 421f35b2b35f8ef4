//! The demo's courses: the six-week tutored course of Connexions citoyennes (cohort mode,
//! four weeks open and two to come, whatever the day the demo is loaded) and a small open
//! course, "Initiation au journalisme mobile", that anyone signed in may join.

use jiff::civil::Date;
use jiff::ToSpan;

use crate::app::App;
use crate::domain::course::{monday_of, weekly};
use crate::store::courses::{self as store, CourseFields, LessonFields, ModuleFields};

/// (title, title_en, body)
type Lesson = (&'static str, &'static str, &'static str);
/// (title, title_en, summary, lessons)
type Week = (&'static str, &'static str, &'static str, &'static [Lesson]);

const COHORT_WEEKS: &[Week] = &[
    (
        "Filmer et monter avec son smartphone",
        "Filming and editing with a smartphone",
        "Votre téléphone suffit pour raconter votre projet en images.",
        &[
            (
                "Filmer un pitch d’une minute",
                "Filming a one-minute pitch",
                "Une minute, c’est environ **150 mots** : de quoi dire qui vous êtes, le problème que vous traitez et ce que vous proposez. Écrivez ces trois phrases avant de filmer, puis lisez-les à voix haute en chronométrant.\n\n\
## Avant d’appuyer sur « enregistrer »\n\n\
- Tenez le téléphone **à l’horizontale** et posez-le sur un appui stable (une pile de livres suffit), à hauteur des yeux.\n\
- Placez-vous **face à la lumière** (une fenêtre devant vous, jamais derrière).\n\
- Choisissez un endroit calme : le bruit gêne plus qu’une image imparfaite. Un kit mains libres branché et glissé dans le col améliore beaucoup le son.\n\n\
## Pendant la prise\n\n\
Regardez l’objectif, pas l’écran. Faites trois ou quatre prises et gardez la meilleure : personne ne réussit du premier coup. Laissez deux secondes de silence au début et à la fin, elles facilitent le montage.\n\n\
**Exercice de la semaine** : filmez votre pitch d’une minute et regardez-le en coupant le son. Votre posture et votre regard racontent-ils la même chose que vos mots ?",
            ),
            (
                "Monter sans ordinateur",
                "Editing without a computer",
                "Des applications gratuites de montage tournent sur des téléphones modestes. Trois gestes suffisent pour un premier film : **couper** le début et la fin, **assembler** deux ou trois plans, **ajouter un titre** avec votre nom et celui du projet.\n\n\
Exportez en **720p** plutôt qu’en 1080p ou 4K : le fichier sera trois à quatre fois plus léger, plus facile à envoyer sur une connexion lente, et la différence ne se voit pas sur un écran de téléphone.\n\n\
Avant de publier, vérifiez que vous avez l’accord des personnes qui apparaissent à l’image, surtout des mineurs.",
            ),
            (
                "Règles de sécurité pour le citoyen engagé",
                "Safety rules for engaged citizens",
                "Filmer dans l’espace public n’est pas sans risque. Quelques règles simples protègent vos sources et vous-même :\n\n\
1. Activez un **code de verrouillage** sur votre téléphone et le chiffrement s’il est proposé.\n\
2. Ne filmez pas le visage de quelqu’un qui pourrait être inquiété pour ses propos sans son accord explicite.\n\
3. Sauvegardez vos images ailleurs que sur le téléphone dès que possible.\n\
4. Désactivez la géolocalisation des photos et vidéos quand le lieu doit rester discret.\n\n\
En cas de doute, renoncez à l’image : votre projet a besoin de vous sur la durée.",
            ),
        ],
    ),
    (
        "Cartographier son réseau",
        "Mapping your network",
        "Qui peut aider votre projet, qui peut le freiner, et comment les atteindre.",
        &[
            (
                "Dessiner la carte de ses parties prenantes",
                "Drawing your stakeholder map",
                "Prenez une feuille et écrivez votre projet au centre. Autour, notez toutes les personnes et organisations qui ont un lien avec lui : bénéficiaires, autorités locales, associations, médias, entreprises, financeurs possibles.\n\n\
Pour chacune, posez deux questions : **quelle influence** a-t-elle sur la réussite du projet (forte ou faible) ? **Quel intérêt** y trouve-t-elle (fort ou faible) ? Vous obtenez quatre groupes :\n\n\
- influence forte, intérêt fort : vos **alliés clés**, à associer étroitement ;\n\
- influence forte, intérêt faible : à **convaincre** ;\n\
- influence faible, intérêt fort : à **informer** et mobiliser ;\n\
- influence faible, intérêt faible : à surveiller.\n\n\
Gardez cette carte : elle servira pour le plan de financement et la communication.",
            ),
            (
                "Entretenir son réseau",
                "Keeping your network alive",
                "Un réseau se construit par petits gestes réguliers. Fixez-vous un rythme réaliste : **un nouveau contact par semaine**, et un message à un contact existant pour partager une nouvelle du projet.\n\n\
Tenez une liste simple (un tableur ou un carnet) : nom, organisation, comment vous vous êtes rencontrés, dernière prise de contact, prochaine étape. Quand vous demandez quelque chose, soyez précis : « pouvez-vous me présenter à la responsable jeunesse de la mairie ? » obtient plus de réponses que « pouvez-vous m’aider ? ».\n\n\
Pensez aussi aux autres participant·e·s de la promotion : ils forment déjà un réseau de trente personnes dans une dizaine de pays.",
            ),
        ],
    ),
    (
        "Construire son plan de financement",
        "Building your financing plan",
        "Chiffrer ce que coûte le projet et qui peut le payer.",
        &[
            (
                "Lister ses coûts",
                "Listing your costs",
                "Un plan de financement commence par les **dépenses**, sur une période précise (par exemple les douze prochains mois). Séparez :\n\n\
- les **coûts de lancement**, payés une fois : matériel, création d’un site, formation ;\n\
- les **coûts de fonctionnement**, qui reviennent chaque mois : connexion, transport, hébergement du site, indemnités.\n\n\
N’oubliez pas ce qui est **donné en nature** (un local prêté, du temps bénévole) : notez-le avec sa valeur estimée. Les financeurs apprécient de voir que le projet mobilise déjà des ressources.",
            ),
            (
                "Trouver ses sources de financement",
                "Finding funding sources",
                "Face aux coûts, listez les **ressources** possibles : apport personnel, dons, cotisations, subventions (collectivités, fondations, coopération internationale), prix et concours, vente de services.\n\n\
Un plan solide ne dépend pas d’une seule source. Visez au moins trois sources différentes, et indiquez pour chacune si elle est **acquise**, **demandée** ou **envisagée**.\n\n\
Le total des ressources doit être égal au total des dépenses : c’est l’**équilibre** du plan. S’il manque de l’argent, dites-le et expliquez comment vous comptez le trouver, plutôt que de gonfler une ligne.",
            ),
            (
                "Présenter son budget",
                "Presenting your budget",
                "Présentez le budget en deux colonnes, dépenses à gauche et ressources à droite, avec des montants arrondis et une seule devise. Ajoutez une phrase par grande ligne pour dire à quoi elle sert.\n\n\
Relisez-le en vous mettant à la place du financeur : chaque dépense est-elle utile au projet ? Les montants sont-ils réalistes pour votre pays ? Un budget modeste et crédible vaut mieux qu’un budget ambitieux et flou.",
            ),
        ],
    ),
    (
        "Le benchmarking : apprendre des initiatives comparables",
        "Benchmarking: learning from comparable initiatives",
        "Votre idée existe peut-être ailleurs : tant mieux, vous pouvez apprendre de ses succès et de ses erreurs.",
        &[
            (
                "Trouver des initiatives comparables",
                "Finding comparable initiatives",
                "Cherchez au moins **cinq initiatives** proches de la vôtre : même problème traité ailleurs, ou même solution appliquée à un autre problème. Regardez dans votre pays, dans la région, puis plus loin.\n\n\
Sources utiles : les rapports des organisations de développement, les lauréats des concours d’innovation civique, les réseaux sociaux des associations, et les autres participant·e·s de la promotion.\n\n\
Notez pour chaque initiative : son nom, son pays, son public, son modèle de financement, et un contact si possible.",
            ),
            (
                "Comparer et en tirer des leçons",
                "Comparing and drawing lessons",
                "Construisez un tableau : une ligne par initiative, des colonnes pour les critères qui comptent pour vous (public touché, coût, durée de vie, partenaires, résultats mesurés).\n\n\
Puis posez-vous trois questions : qu’est-ce qui a **marché** et pourquoi ? Qu’est-ce qui a **échoué** et pourquoi ? Qu’est-ce qui rend **votre projet différent** ?\n\n\
La dernière réponse est votre valeur ajoutée : c’est elle que vous mettrez en avant devant un jury ou un financeur.",
            ),
        ],
    ),
    (
        "Communiquer et mobiliser",
        "Communicating and mobilising",
        "Faire connaître le projet et donner envie de s’y joindre.",
        &[
            (
                "Un message, un public",
                "One message, one audience",
                "On ne parle pas de la même façon à un maire, à un financeur et à un jeune de votre quartier. Pour chaque public de votre carte du réseau, écrivez **une phrase** qui dit ce que le projet lui apporte.\n\n\
Choisissez ensuite le canal qu’il utilise vraiment : messagerie, radio communautaire, réunion de quartier, réseaux sociaux. Le meilleur message ne sert à rien sur un canal que personne ne lit.",
            ),
            (
                "Raconter une histoire vraie",
                "Telling a true story",
                "Les chiffres convainquent, les histoires mobilisent. Racontez le parcours d’une personne que votre projet a aidée : la situation avant, ce qui a changé, ce qu’elle en dit. Demandez toujours son accord avant de publier son nom ou son image.\n\n\
Une histoire courte, avec une photo ou votre vidéo d’une minute, circule bien mieux qu’un long texte.",
            ),
        ],
    ),
    (
        "Présenter son projet : la session de pitch",
        "Presenting your project: the pitch session",
        "Préparer la présentation devant le jury de fin de formation.",
        &[
            (
                "Structurer son pitch de trois minutes",
                "Structuring a three-minute pitch",
                "Trois minutes, cinq temps : **le problème** (avec un fait marquant), **votre solution**, **ce qui est déjà fait**, **ce dont vous avez besoin**, et **une phrase de fin** qu’on retient.\n\n\
Reprenez votre pitch d’une minute de la semaine 1 et enrichissez-le avec votre carte du réseau, votre plan de financement et votre benchmarking.",
            ),
            (
                "Répondre aux questions du jury",
                "Answering the jury's questions",
                "Le jury posera des questions sur la faisabilité, le budget et la durée du projet. Préparez les dix questions les plus probables et répétez vos réponses avec un autre participant.\n\n\
Si vous ne savez pas, dites-le et proposez de revenir avec la réponse : l’honnêteté compte plus qu’une réponse improvisée.",
            ),
        ],
    ),
];

const MOOC_WEEKS: &[Week] = &[
    (
        "Le téléphone, outil du journaliste",
        "The phone as a journalist's tool",
        "",
        &[(
            "Préparer son téléphone pour le reportage",
            "Getting your phone ready for reporting",
            "Libérez de la place (au moins 4 Go), chargez la batterie et emportez une batterie de secours. Passez en mode avion pendant les prises pour ne pas être interrompu par un appel.\n\n\
Installez une application d’enregistrement audio et une application de montage, et faites un essai complet avant le premier reportage.",
        )],
    ),
    (
        "Le reportage audio",
        "Audio reporting",
        "",
        &[(
            "Réussir une interview sonore",
            "Recording a good interview",
            "Approchez le téléphone à une vingtaine de centimètres de la bouche de la personne interviewée, micro vers elle. Évitez les lieux où il y a du vent ou de la musique.\n\n\
Commencez par lui demander de se présenter : cela règle le niveau sonore et vous donne son nom correctement orthographié.",
        )],
    ),
    (
        "Vérifier avant de publier",
        "Checking before publishing",
        "",
        &[(
            "Vérifier une image qui circule",
            "Checking an image that circulates",
            "Avant de reprendre une photo ou une vidéo trouvée en ligne, cherchez son origine par une recherche d’image inversée, vérifiez la date et le lieu, et contactez son auteur.\n\n\
Une image ancienne présentée comme récente est l’une des fausses informations les plus courantes.",
        )],
    ),
];

/// Writes a course and its weeks (all lessons published) in one transaction.
async fn write(
    app: &App,
    phase_id: i64,
    fields: &CourseFields<'_>,
    first: Date,
    weeks: &[Week],
    tutor: Option<i64>,
) -> anyhow::Result<i64> {
    let mut tx = app.db.begin().await?;
    let id = store::insert(&mut tx, phase_id, fields).await?;
    for (n, ((title, title_en, summary, lessons), day)) in weeks.iter().zip(weekly(first, weeks.len())).enumerate() {
        let opens_on = day.to_string();
        let m = ModuleFields {
            position: n as i64 + 1,
            title,
            title_en,
            summary,
            summary_en: "",
            opens_on: &opens_on,
            opens_time: "00:00",
        };
        let module = store::insert_module(&mut tx, id, &m).await?;
        for (k, (title, title_en, body)) in lessons.iter().enumerate() {
            let l = LessonFields {
                position: k as i64 + 1,
                kind: "text",
                title,
                title_en,
                body,
                body_en: "",
                status: "published",
            };
            store::insert_lesson(&mut tx, module, &l).await?;
        }
    }
    if let Some(tutor) = tutor {
        store::enrol(&mut tx, id, tutor, "tutor").await?;
    }
    tx.commit().await?;
    Ok(id)
}

async fn phase_of(app: &App, programme: &str, kind: &str) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "SELECT ph.id FROM programme_phases ph JOIN programmes p ON p.id = ph.programme_id \
         WHERE p.slug = $1 AND ph.kind = $2 ORDER BY ph.position, ph.id",
    )
    .bind(programme)
    .bind(kind)
    .fetch_optional(&app.db.pool)
    .await?
    .ok_or_else(|| anyhow::anyhow!("demo phase {programme}/{kind} missing"))
}

/// Loads both courses. Dates follow today's date in Abidjan so that the demo always shows
/// a course in progress: the first Monday three weeks ago, so weeks 1–4 are open.
pub async fn load(app: &App) -> anyhow::Result<()> {
    let tz = jiff::tz::TimeZone::get("Africa/Abidjan")?;
    let this_monday = monday_of(jiff::Timestamp::now().to_zoned(tz).date());
    let coach: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'coach@cfi.demo'").fetch_optional(&app.db.pool).await?;
    let cohort = CourseFields {
        slug: "connexions-citoyennes-formation-en-ligne",
        title: "Connexions citoyennes — formation en ligne",
        title_en: "Citizen Connections — online course",
        mode: "cohort",
        status: "published",
        time_zone: "Africa/Abidjan",
    };
    let phase = phase_of(app, "connexions-citoyennes", "online_course").await?;
    write(app, phase, &cohort, this_monday.checked_sub(21.days())?, COHORT_WEEKS, coach).await?;
    let mooc = CourseFields {
        slug: "initiation-au-journalisme-mobile",
        title: "Initiation au journalisme mobile",
        title_en: "Introduction to mobile journalism",
        mode: "open",
        status: "published",
        time_zone: "Africa/Tunis",
    };
    let phase = phase_of(app, "modernisation-agence-tap", "online_course").await?;
    write(app, phase, &mooc, this_monday.checked_sub(7.days())?, MOOC_WEEKS, None).await?;
    Ok(())
}
