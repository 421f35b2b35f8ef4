//! E-mail: composition of messages in the recipient's language, and delivery of the outbox
//! by SMTP (lettre over rustls) or, when no SMTP server is configured, as `.eml` files under
//! `data_dir/outbox` for local development.

pub mod compose;
pub mod worker;

use std::path::PathBuf;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, SmtpSecurity};
use crate::store::outbox::OutgoingMail;

pub enum Transport {
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
    Files(PathBuf),
}

pub struct Mailer {
    from: lettre::message::Mailbox,
    transport: Transport,
}

impl Mailer {
    pub fn from_config(cfg: &Config) -> anyhow::Result<Mailer> {
        let from = cfg.mail_from.parse().with_context(|| format!("invalid sender address {:?}", cfg.mail_from))?;
        let transport = match &cfg.smtp {
            Some(smtp) => {
                let builder = match smtp.security {
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
                    SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
                    SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
                };
                let mut builder = builder.port(smtp.port);
                if let (Some(u), Some(p)) = (&smtp.username, &smtp.password) {
                    builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
                }
                Transport::Smtp(Box::new(builder.build()))
            }
            None => Transport::Files(cfg.data_dir.join("outbox")),
        };
        Ok(Mailer { from, transport })
    }

    pub async fn send(&self, mail: &OutgoingMail) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to_address.parse().context("invalid recipient")?)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body_text.clone())?;
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(message).await?;
            }
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let path = dir.join(format!("{:08}.eml", mail.id));
                tokio::fs::write(&path, message.formatted()).await?;
                tracing::info!(to = %mail.to_address, subject = %mail.subject, path = %path.display(), "e-mail written to file (no SMTP configured)");
            }
        }
        Ok(())
    }
}
