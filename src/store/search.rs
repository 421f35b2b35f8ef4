//! The search index: one document per programme, testimonial or report foreword, with its
//! terms (folded and stemmed by `domain::search`). Kept current inside the transaction of
//! every edit; queries run on the in-memory index built from it (`cache`, `domain::search_index`).

use sqlx::{Any, FromRow, Transaction};

use super::programmes::{self, ProgrammeRow};
use super::Db;
use crate::domain::locale::Locale;
use crate::domain::markdown::plain_text;
use crate::domain::search::weighted_terms;

pub const PAGE_SIZE: i64 = 10;

/// A document to index: French text, optional English translation.
pub struct Doc<'a> {
    pub kind: &'a str,
    pub ref_key: String,
    pub title: &'a str,
    pub title_en: &'a str,
    /// Secondary text weighted above the body (a mission line, a person's name).
    pub lead: &'a str,
    pub lead_en: &'a str,
    pub body: String,
    pub body_en: String,
    pub url: String,
    pub is_public: bool,
}

pub async fn put(tx: &mut Transaction<'static, Any>, d: &Doc<'_>) -> anyhow::Result<()> {
    super::bump_content_version(tx).await?;
    remove(tx, d.kind, &d.ref_key).await?;
    let body = format!("{} {}", d.lead, d.body).trim().to_owned();
    let body_en = format!("{} {}", d.lead_en, d.body_en).trim().to_owned();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO search_docs (kind, ref_key, title, title_en, body, body_en, url, is_public) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(d.kind)
    .bind(&d.ref_key)
    .bind(d.title)
    .bind(d.title_en)
    .bind(&body)
    .bind(&body_en)
    .bind(&d.url)
    .bind(d.is_public as i64)
    .fetch_one(&mut **tx)
    .await?;
    let mut terms = weighted_terms(&[(d.title, 10), (d.lead, 4), (&d.body, 1)], Locale::Fr);
    for (t, w) in weighted_terms(&[(d.title_en, 10), (d.lead_en, 4), (&d.body_en, 1)], Locale::En) {
        match terms.iter_mut().find(|(x, _)| *x == t) {
            Some((_, weight)) => *weight = (*weight).max(w),
            None => terms.push((t, w)),
        }
    }
    // Insert in chunks to stay under every backend's parameter limit.
    for chunk in terms.chunks(200) {
        let mut sql = String::from("INSERT INTO search_terms (doc_id, term, weight) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3));
        }
        let mut q = sqlx::query(&sql);
        for (t, w) in chunk {
            q = q.bind(id).bind(t.as_str()).bind(*w);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

pub async fn remove(tx: &mut Transaction<'static, Any>, kind: &str, ref_key: &str) -> anyhow::Result<()> {
    sqlx::query(
        "DELETE FROM search_terms WHERE doc_id IN (SELECT id FROM search_docs WHERE kind = $1 AND ref_key = $2)",
    )
    .bind(kind)
    .bind(ref_key)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM search_docs WHERE kind = $1 AND ref_key = $2")
        .bind(kind)
        .bind(ref_key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Re-indexes a programme and its testimonials (their visibility follows the programme's).
pub async fn index_programme(tx: &mut Transaction<'static, Any>, programme_id: i64) -> anyhow::Result<()> {
    let Some(p) = programmes::by_id_tx(tx, programme_id).await? else { return Ok(()) };
    put(tx, &programme_doc(&p)).await?;
    let existing: Vec<String> =
        sqlx::query_scalar("SELECT ref_key FROM search_docs WHERE kind = 'testimonial' AND url = $1")
            .bind(programme_url(&p))
            .fetch_all(&mut **tx)
            .await?;
    for key in existing {
        remove(tx, "testimonial", &key).await?;
    }
    for t in programmes::testimonials_of_tx(tx, programme_id).await? {
        let english = t.locale == "en";
        let doc = Doc {
            kind: "testimonial",
            ref_key: t.id.to_string(),
            title: if english { "" } else { &t.person_name },
            title_en: if english { &t.person_name } else { "" },
            lead: if english { "" } else { &p.title },
            lead_en: if english { &p.title_en } else { "" },
            body: if english { String::new() } else { t.quote.clone() },
            body_en: if english { t.quote.clone() } else { String::new() },
            url: programme_url(&p),
            is_public: p.is_public() && t.consent != 0,
        };
        put(tx, &doc).await?;
    }
    Ok(())
}

fn programme_url(p: &ProgrammeRow) -> String {
    format!("/programmes/{}", p.slug)
}

fn programme_doc(p: &ProgrammeRow) -> Doc<'_> {
    Doc {
        kind: "programme",
        ref_key: p.id.to_string(),
        title: &p.title,
        title_en: &p.title_en,
        lead: &p.mission,
        lead_en: &p.mission_en,
        body: plain_text(&p.body),
        body_en: plain_text(&p.body_en),
        url: programme_url(p),
        is_public: p.is_public(),
    }
}

pub async fn index_report(
    tx: &mut Transaction<'static, Any>,
    year: i64,
    foreword: &str,
    foreword_en: &str,
) -> anyhow::Result<()> {
    let title = format!("Rapport d’activité {year}");
    let title_en = format!("Annual report {year}");
    put(
        tx,
        &Doc {
            kind: "report",
            ref_key: year.to_string(),
            title: &title,
            title_en: &title_en,
            lead: "",
            lead_en: "",
            body: plain_text(foreword),
            body_en: plain_text(foreword_en),
            url: format!("/rapport/{year}"),
            is_public: true,
        },
    )
    .await
}

#[derive(Clone, Debug, FromRow)]
pub struct DocRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub title_en: String,
    pub body: String,
    pub body_en: String,
    pub url: String,
}

/// Every public document, for the in-memory index.
pub async fn public_docs(db: &Db) -> anyhow::Result<Vec<DocRow>> {
    Ok(sqlx::query_as("SELECT id, kind, title, title_en, body, body_en, url FROM search_docs WHERE is_public = 1")
        .fetch_all(&db.pool)
        .await?)
}

/// Every (term, document, weight) of public documents.
pub async fn public_postings(db: &Db) -> anyhow::Result<Vec<(String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT t.term, t.doc_id, t.weight FROM search_terms t JOIN search_docs d ON d.id = t.doc_id WHERE d.is_public = 1",
    )
    .fetch_all(&db.pool)
    .await?)
}
