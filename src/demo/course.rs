//! The demo's courses: the six-week tutored course of Connexions citoyennes (cohort mode,
//! four weeks open and two to come, whatever the day the demo is loaded) and a small open
//! course, "Initiation au journalisme mobile", that anyone signed in may join.

use jiff::civil::Date;
use jiff::ToSpan;

use crate::app::App;
use crate::domain::course::{monday_of, weekly};
use crate::domain::quiz::{Answer, Answers, Kind, Quiz};
use crate::domain::quiz_text;
use crate::store::courses::{self as store, CourseFields, LessonFields, ModuleFields};
use crate::store::quizzes::{self as quizzes_store, QuizFields, Submission};

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

/// (title, title_en, questions in the editor's text format): one quiz per week, pass mark
/// 60 %, three attempts. Written in the editor's format, so the demo also reads it.
type DemoQuiz = (&'static str, &'static str, &'static str);

const COHORT_QUIZZES: &[DemoQuiz] = &[
    (
        "Quiz : filmer et monter",
        "Quiz: filming and editing",
        "? Combien de mots dit-on environ en une minute de pitch ? || About how many words are spoken in a one-minute pitch?
- 50 || 50
> Trop peu : on parle plus vite que cela. || Too few: we speak faster than that.
+ 150 || 150
> Oui : de quoi dire qui vous êtes, le problème et votre solution. || Yes: enough to say who you are, the problem and your solution.
- 400 || 400
> Beaucoup trop : personne ne suivrait. || Far too many: nobody could follow.

?? Quels réglages améliorent une prise de vue au téléphone ? || Which settings improve a phone shot?
+ Tenir le téléphone à l’horizontale || Holding the phone horizontally
+ Se placer face à la lumière || Facing the light
- Se placer dos à une fenêtre || Standing with a window behind you
> Le visage serait dans l’ombre. || Your face would be in shadow.

? En quelle définition exporter son film pour l’envoyer sur une connexion lente ? || In which resolution should you export your film to send it over a slow connection?
= 720p
= 720
> Le 720p donne un fichier trois à quatre fois plus léger que le 1080p, sans différence visible sur un téléphone. || 720p makes a file three to four times lighter than 1080p, with no visible difference on a phone.

?? Quelles règles protègent vos sources et vous-même ? || Which rules protect your sources and yourself?
+ Un code de verrouillage sur le téléphone || A lock code on the phone
+ Désactiver la géolocalisation des images || Turning off the location of pictures
- Filmer tous les visages sans demander || Filming every face without asking
> Jamais sans accord explicite. || Never without explicit consent.
",
    ),
    (
        "Quiz : cartographier son réseau",
        "Quiz: mapping your network",
        "? Un acteur à l’influence forte mais à l’intérêt faible pour votre projet est à… || A stakeholder with strong influence but little interest in your project is to be…
- associer étroitement || closely involved
+ convaincre || convinced
- surveiller seulement || only monitored
> Il peut beaucoup pour le projet : montrez-lui ce qu’il y gagne. || They can do a lot for the project: show them what they gain.

? Comment s’appelle la carte des acteurs liés à votre projet ? || What is the map of the people and organisations linked to your project called?
= carte des parties prenantes
= parties prenantes
= stakeholder map
> La carte des parties prenantes classe chacun selon son influence et son intérêt. || The stakeholder map sorts everyone by influence and interest.

? Quel rythme est conseillé pour élargir son réseau ? || Which pace is advised to grow your network?
+ Un nouveau contact par semaine || One new contact a week
- Dix contacts le premier jour, puis plus rien || Ten contacts on the first day, then nothing
- Un contact par an || One contact a year

?? Quelles demandes obtiennent le plus de réponses ? || Which requests get the most answers?
+ « Pouvez-vous me présenter à la responsable jeunesse de la mairie ? » || “Could you introduce me to the town hall's youth officer?”
- « Pouvez-vous m’aider ? » || “Can you help me?”
> Trop vague : votre contact ne sait pas quoi faire. || Too vague: your contact does not know what to do.
+ « Pouvez-vous relire mon budget avant vendredi ? » || “Could you read my budget before Friday?”
",
    ),
    (
        "Quiz : le plan de financement",
        "Quiz: the financing plan",
        "?? Lesquels sont des coûts de fonctionnement ? || Which are running costs?
+ La connexion internet chaque mois || The monthly internet connection
+ Le transport pour les activités || Transport for activities
- L’achat d’un ordinateur || Buying a computer
> C’est un coût de lancement, payé une fois. || It is a start-up cost, paid once.

? Que doit-on noter d’un local prêté gratuitement ? || What should you write down about premises lent for free?
+ Sa valeur estimée, comme apport en nature || Its estimated value, as an in-kind contribution
- Rien, puisqu’il est gratuit || Nothing, since it is free
> Les financeurs aiment voir ce que le projet mobilise déjà. || Funders like to see what the project already mobilises.

? Comment appelle-t-on l’égalité entre le total des dépenses et celui des ressources ? || What is the equality of total costs and total resources called?
= équilibre
= l'équilibre
= balance
> Un plan équilibré dit aussi où trouver ce qui manque. || A balanced plan also says where to find what is missing.

? Combien de sources de financement différentes viser au minimum ? || How many different funding sources should you aim for at least?
- Une seule, la plus grosse || Only one, the largest
+ Trois || Three
- Aucune avant d’avoir lancé le projet || None before the project starts
",
    ),
    (
        "Quiz : le benchmarking",
        "Quiz: benchmarking",
        "? Combien d’initiatives comparables chercher au moins ? || How many comparable initiatives should you look for at least?
- Une || One
+ Cinq || Five
- Cinquante || Fifty

?? Qu’est-ce qu’une initiative comparable ? || What is a comparable initiative?
+ Le même problème traité dans un autre pays || The same problem tackled in another country
+ La même solution appliquée à un autre problème || The same solution applied to another problem
- N’importe quel projet de la même ville || Any project in the same town

? Comment s’appelle ce qui rend votre projet différent des autres ? || What is it that makes your project different from the others called?
= valeur ajoutée
= la valeur ajoutée
= added value
> C’est elle que vous mettrez en avant devant un jury ou un financeur. || It is what you will put forward to a jury or a funder.

? Que faire d’une initiative qui a échoué ? || What should you do with an initiative that failed?
+ Comprendre pourquoi, pour ne pas refaire la même erreur || Understand why, so as not to repeat the mistake
- L’ignorer || Ignore it
",
    ),
    (
        "Quiz : communiquer et mobiliser",
        "Quiz: communicating and mobilising",
        "? Pour chaque public de votre carte, combien de phrases écrire pour dire ce que le projet lui apporte ? || For each audience on your map, how many sentences should say what the project brings them?
+ Une || One
- Une page || A page

?? Qu’est-ce qui fait circuler une histoire ? || What makes a story travel?
+ Elle est courte || It is short
+ Elle s’accompagne d’une photo ou d’une vidéo d’une minute || It comes with a photo or a one-minute video
- Elle est longue et détaillée || It is long and detailed

? Que demander avant de publier le nom d’une personne aidée ? || What must you ask before publishing the name of someone you helped?
= son accord
= accord
= consent

? Quel canal choisir ? || Which channel should you choose?
+ Celui que votre public utilise vraiment || The one your audience really uses
- Le plus à la mode || The most fashionable one
",
    ),
    (
        "Quiz : la session de pitch",
        "Quiz: the pitch session",
        "? Combien de temps dure le pitch devant le jury ? || How long is the pitch to the jury?
- Une minute || One minute
+ Trois minutes || Three minutes
- Dix minutes || Ten minutes

?? Que contient un pitch en cinq temps ? || What does a five-part pitch contain?
+ Le problème || The problem
+ Ce dont vous avez besoin || What you need
- La liste de tous vos contacts || The list of all your contacts

? Que dire quand on ne connaît pas la réponse à une question du jury ? || What should you say when you do not know the answer to a jury's question?
+ Le reconnaître et proposer de revenir avec la réponse || Admit it and offer to come back with the answer
- Improviser un chiffre || Make up a figure

? Combien de questions probables préparer ? || How many likely questions should you prepare?
= 10
= dix
= ten
",
    ),
];

const MOOC_QUIZZES: &[DemoQuiz] = &[
    (
        "Quiz : préparer son téléphone",
        "Quiz: getting your phone ready",
        "? Quelle place libérer au moins avant un reportage ? || How much space should you free at least before reporting?
- 500 Mo || 500 MB
+ 4 Go || 4 GB
> Assez pour une heure de vidéo légère. || Enough for an hour of light video.

?? Que faire avant de partir ? || What should you do before leaving?
+ Charger la batterie et emporter une batterie de secours || Charge the battery and take a spare one
+ Passer en mode avion pendant les prises || Switch to airplane mode while recording
- Désinstaller l’application de montage || Uninstall the editing app

? Quel mode évite d’être interrompu par un appel ? || Which mode avoids being interrupted by a call?
= mode avion
= avion
= airplane mode

? Quand faire un essai complet ? || When should you do a full test?
+ Avant le premier reportage || Before the first report
- Pendant l’interview || During the interview
",
    ),
    (
        "Quiz : le reportage audio",
        "Quiz: audio reporting",
        "? À quelle distance de la bouche tenir le téléphone ? || How far from the mouth should you hold the phone?
- Deux mètres || Two metres
+ Une vingtaine de centimètres || About twenty centimetres

?? Quels lieux éviter ? || Which places should you avoid?
+ Un lieu venteux || A windy place
+ Un lieu avec de la musique || A place with music
- Une pièce calme || A quiet room

? Par quoi commencer l’interview ? || How should you start the interview?
+ Demander à la personne de se présenter || Ask the person to introduce themselves
- Poser la question la plus difficile || Ask the hardest question
> Cela règle le niveau sonore et donne son nom bien orthographié. || It sets the sound level and gives you the correct spelling of their name.

? Vers qui orienter le micro ? || Towards whom should the microphone point?
= la personne interviewée
= l'interviewé
= interviewee
",
    ),
    (
        "Quiz : vérifier avant de publier",
        "Quiz: checking before publishing",
        "? Quelle recherche retrouve l’origine d’une image ? || Which search finds where an image comes from?
= recherche d'image inversée
= recherche inversée
= reverse image search

?? Que vérifier avant de reprendre une image ? || What should you check before using an image?
+ Sa date || Its date
+ Son lieu || Its place
- Son nombre de partages || How often it was shared
> La popularité ne dit rien de la vérité. || Popularity says nothing about truth.

? Qu’est-ce qu’une des fausses informations les plus courantes ? || What is one of the most common kinds of false information?
+ Une image ancienne présentée comme récente || An old image presented as recent
- Une photo floue || A blurry photo

? Qui contacter avant de publier ? || Whom should you contact before publishing?
+ L’auteur de l’image || The author of the image
- Personne || Nobody
",
    ),
];

/// Writes a course and its weeks (all lessons published, one published quiz per week) in
/// one transaction.
async fn write(
    app: &App,
    phase_id: i64,
    fields: &CourseFields<'_>,
    first: Date,
    weeks: &[Week],
    quizzes: &[DemoQuiz],
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
        if let Some((title, title_en, text)) = quizzes.get(n) {
            let quiz = quiz_text::parse(text, 60, Some(3))?;
            quiz.validate()?;
            let definition = serde_json::to_string(&quiz)?;
            let f = QuizFields { title, title_en, definition: &definition, status: "published" };
            quizzes_store::insert(&mut tx, module, &f).await?;
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
    let course =
        write(app, phase, &cohort, this_monday.checked_sub(21.days())?, COHORT_WEEKS, COHORT_QUIZZES, coach).await?;
    attempts(app, course, phase).await?;
    let mooc = CourseFields {
        slug: "initiation-au-journalisme-mobile",
        title: "Initiation au journalisme mobile",
        title_en: "Introduction to mobile journalism",
        mode: "open",
        status: "published",
        time_zone: "Africa/Tunis",
    };
    let phase = phase_of(app, "modernisation-agence-tap", "online_course").await?;
    write(app, phase, &mooc, this_monday.checked_sub(7.days())?, MOOC_WEEKS, MOOC_QUIZZES, None).await?;
    Ok(())
}

/// Answers to a quiz: every question right, except those listed (answered wrong).
fn answers(quiz: &Quiz, wrong: &[usize]) -> Answers {
    let mut out = Answers::new();
    for (n, q) in quiz.questions.iter().enumerate() {
        let right = !wrong.contains(&n);
        let answer = match &q.kind {
            Kind::Single { options } | Kind::Multiple { options } => {
                let ids: Vec<String> = options
                    .iter()
                    .filter(|o| o.correct == right)
                    .take(if right { 9 } else { 1 })
                    .map(|o| o.id.clone())
                    .collect();
                if matches!(q.kind, Kind::Single { .. }) {
                    Answer::One(ids.into_iter().next().unwrap_or_default())
                } else {
                    Answer::Many(ids)
                }
            }
            Kind::Short { accepted } => {
                Answer::One(if right { accepted.first().cloned().unwrap_or_default() } else { "je ne sais pas".into() })
            }
        };
        out.insert(q.id.clone(), answer);
    }
    out
}

/// The attempts of a learner at one quiz, as lists of questions answered wrong: varied by
/// learner and week so that boards show passes, failures, second chances and a few learners
/// with every attempt used.
fn story(learner: usize, week: usize) -> &'static [&'static [usize]] {
    match (learner * 7 + week * 3) % 10 {
        0..=2 => &[&[]],
        3 | 4 => &[&[1]],
        5 => &[&[0, 1, 2], &[]],
        6 => &[&[1, 2, 3], &[2]],
        7 => &[&[0, 2, 3]],
        8 => &[&[0, 1, 3], &[1, 2]],
        _ => &[&[0, 1, 2], &[1, 2, 3], &[0, 3, 2]],
    }
}

/// Attempts at the open weeks' quizzes (weeks 1–4) by two thirds of the cohort, graded by
/// the real rules and written in one transaction.
async fn attempts(app: &App, course: i64, phase: i64) -> anyhow::Result<()> {
    let learners: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM phase_participants WHERE phase_id = $1 ORDER BY user_id")
            .bind(phase)
            .fetch_all(&app.db.pool)
            .await?;
    let quizzes: Vec<(i64, String)> = sqlx::query_as(
        "SELECT q.id, q.definition FROM quizzes q JOIN course_modules m ON m.id = q.module_id \
         WHERE m.course_id = $1 AND m.position <= 4 ORDER BY m.position",
    )
    .bind(course)
    .fetch_all(&app.db.pool)
    .await?;
    let mut tx = app.db.begin().await?;
    for (k, learner) in learners.iter().enumerate().filter(|(k, _)| k % 3 != 2) {
        for (week, (quiz_id, definition)) in quizzes.iter().enumerate() {
            let quiz: Quiz = serde_json::from_str(definition)?;
            for (n, wrong) in story(k, week).iter().enumerate() {
                let sheet = answers(&quiz, wrong);
                let graded = quiz.grade(&sheet)?;
                let id = quizzes_store::start(&mut tx, *quiz_id, *learner, n as i64 + 1)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("demo attempt written twice"))?;
                let (answers_json, graded_json) = (serde_json::to_string(&sheet)?, serde_json::to_string(&graded)?);
                let s = Submission {
                    answers: &answers_json,
                    score_milli: (graded.score_percent * 1000.0).round() as i64,
                    passed: graded.passed,
                    graded: &graded_json,
                    submitted_at: crate::domain::time::unix_now(),
                };
                quizzes_store::submit(&mut **tx, id, &s).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
