//! The messages that tell applicants their result (selected, waitlisted, not selected), in
//! French and English. The catalogue gives a text for each; a call's manager may rewrite
//! any of them, with the placeholders `domain::notice` accepts, and go back to the
//! catalogue's. `selection::notify` sends what this module gives.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::domain::locale::Locale;
use crate::domain::notice::{Template, DECISIONS};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::I18n;
use crate::store::accounts::UserRow;
use crate::store::calls::CallRow;
use crate::store::selection as store;

/// One message, as it will be sent.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Message {
    /// selected, waitlisted or rejected
    pub decision: String,
    /// fr or en: sent to applicants whose account is in that language
    pub locale: String,
    pub subject: String,
    pub body: String,
    /// Rewritten by a manager (otherwise the catalogue's text).
    pub custom: bool,
}

/// A message as the manager writes it.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct MessageInput {
    pub decision: String,
    pub locale: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    /// Go back to the catalogue's text (subject and body are then ignored).
    #[serde(default)]
    pub reset: bool,
}

/// Form field names, one per decision, language and part, so that an error points at the
/// very box to correct.
const FIELDS: [(&str, &str, &str, &str); 12] = [
    ("selected", "fr", "subject", "selected_fr_subject"),
    ("selected", "fr", "body", "selected_fr_body"),
    ("selected", "en", "subject", "selected_en_subject"),
    ("selected", "en", "body", "selected_en_body"),
    ("waitlisted", "fr", "subject", "waitlisted_fr_subject"),
    ("waitlisted", "fr", "body", "waitlisted_fr_body"),
    ("waitlisted", "en", "subject", "waitlisted_en_subject"),
    ("waitlisted", "en", "body", "waitlisted_en_body"),
    ("rejected", "fr", "subject", "rejected_fr_subject"),
    ("rejected", "fr", "body", "rejected_fr_body"),
    ("rejected", "en", "subject", "rejected_en_subject"),
    ("rejected", "en", "body", "rejected_en_body"),
];

/// The form field of one part of one message, e.g. "waitlisted_en_body".
pub fn field(decision: &str, locale: &str, part: &str) -> &'static str {
    FIELDS.iter().find(|(d, l, p, _)| *d == decision && *l == locale && *p == part).map(|f| f.3).unwrap_or("messages")
}

/// The catalogue's text for a decision in a language.
pub fn default_text(decision: &str, locale: Locale) -> (String, String) {
    let i = I18n::new(locale);
    (
        i.t(&format!("mail.decision.{decision}.subject")).to_owned(),
        i.t(&format!("mail.decision.{decision}.body")).trim().to_owned(),
    )
}

/// Every message of the call: three decisions in each language.
pub async fn list(app: &App, user: &UserRow, slug: &str) -> AppResult<(CallRow, Vec<Message>)> {
    let call = crate::calls::managed(app, user, slug).await?;
    let custom: HashMap<(String, String), store::MessageRow> = store::messages(&app.db, call.id)
        .await?
        .into_iter()
        .map(|m| ((m.decision.clone(), m.locale.clone()), m))
        .collect();
    let mut out = vec![];
    for decision in DECISIONS {
        for locale in Locale::ALL {
            let message = match custom.get(&(decision.to_owned(), locale.code().to_owned())) {
                Some(m) => Message {
                    decision: decision.into(),
                    locale: locale.code().into(),
                    subject: m.subject.clone(),
                    body: m.body.clone(),
                    custom: true,
                },
                None => {
                    let (subject, body) = default_text(decision, locale);
                    Message { decision: decision.into(), locale: locale.code().into(), subject, body, custom: false }
                }
            };
            out.push(message);
        }
    }
    Ok((call, out))
}

/// Saves the messages given (the others stay as they are), all or none: every fault is
/// reported, on its own field. A text equal to the catalogue's is not kept as a copy, so
/// that a later improvement of the catalogue reaches it.
pub async fn save(app: &App, user: &UserRow, slug: &str, inputs: &[MessageInput]) -> AppResult<Vec<Message>> {
    let call = crate::calls::managed(app, user, slug).await?;
    let mut errors = FieldErrors::new();
    let mut checked: Vec<(&MessageInput, Option<Template>)> = vec![];
    for m in inputs {
        let Some(locale) = Locale::parse(&m.locale).filter(|_| DECISIONS.contains(&m.decision.as_str())) else {
            errors.insert("messages", "error.notice.unknown_message");
            continue;
        };
        if m.reset {
            checked.push((m, None));
            continue;
        }
        match Template::new(&m.subject, &m.body) {
            Ok(t) => {
                let (subject, body) = default_text(&m.decision, locale);
                let is_default = t.subject() == subject && t.body() == body;
                checked.push((m, (!is_default).then_some(t)));
            }
            Err(e) => {
                errors.insert(field(&m.decision, locale.code(), e.field()), e.message_key());
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.db.begin().await?;
    for (m, template) in &checked {
        let locale = m.locale.trim();
        match template {
            Some(t) => {
                store::save_message(&mut tx, call.id, &m.decision, locale, t.subject(), t.body(), user.id).await?
            }
            None => store::reset_message(&mut tx, call.id, &m.decision, locale).await?,
        }
    }
    tx.commit().await?;
    tracing::info!(call = call.id, saved = checked.len(), by = user.id, "result messages saved");
    Ok(list(app, user, slug).await?.1)
}

/// The messages to send for a call, by (decision, language), checked.
pub async fn templates(app: &App, call_id: i64) -> AppResult<HashMap<(String, Locale), Template>> {
    let custom = store::messages(&app.db, call_id).await?;
    let mut out = HashMap::new();
    for decision in DECISIONS {
        for locale in Locale::ALL {
            let mine = custom.iter().find(|m| m.decision == decision && m.locale == locale.code());
            let (subject, body) = match mine {
                Some(m) => (m.subject.clone(), m.body.clone()),
                None => default_text(decision, locale),
            };
            // A stored text passed the same check when saved; the catalogue's is tested.
            let template = Template::new(&subject, &body).map_err(|e| anyhow::anyhow!("message {decision}: {e}"))?;
            out.insert((decision.to_owned(), locale), template);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_messages_are_valid_templates() {
        for decision in DECISIONS {
            for locale in Locale::ALL {
                let (subject, body) = default_text(decision, locale);
                assert!(Template::new(&subject, &body).is_ok(), "{decision} {locale:?}");
                for part in ["subject", "body"] {
                    assert_ne!(field(decision, locale.code(), part), "messages");
                }
            }
        }
    }
}
