//! Delivers the e-mail outbox over SMTP (lettre). A sender claims due mails with a short lease
//! (so two senders never send the same mail), sends each, and marks it sent; a failure is
//! retried with exponential backoff until `max_attempts`, then marked failed. Because a mail
//! is marked sent right after the SMTP server accepts it, each mail goes out once; the only
//! window for a duplicate is a crash between the server's acceptance and that update.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{Message, SmtpTransport, Transport};

use crate::db::schema::outbox_emails;
use crate::db::{DbConnection, DbPool};
use crate::services::notify::{FAILED, PENDING, SENT};
use crate::services::ServiceError;

/// How to reach the SMTP relay and how hard to try.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://host:port` (plain, or STARTTLS when the server offers it with `?tls=opportunistic`),
    /// `smtps://host:port` (implicit TLS); user and password may be given in the URL.
    pub smtp_url: String,
    /// The From address, e.g. `rota <rota@hospital.example>`.
    pub from: String,
    /// First retry delay; doubled after each failed attempt, capped at 64×.
    pub retry_base: Duration,
    pub max_attempts: i32,
}

const LEASE_SECONDS: i64 = 60;
const BATCH: i64 = 20;

struct Due {
    id: String,
    to: String,
    subject: String,
    body: String,
    attempts: i32,
}

/// Claim up to `BATCH` due mails: each claim is a compare-and-set on the lease, so concurrent
/// senders (several `rota serve` or `rota worker` processes) skip each other's mails.
fn claim(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<Due>, ServiceError> {
    let lease_free = outbox_emails::lease_until.is_null().or(outbox_emails::lease_until.lt(now));
    let candidates: Vec<(String, String, String, String, i32)> = outbox_emails::table
        .filter(outbox_emails::status.eq(PENDING))
        .filter(outbox_emails::next_attempt_at.le(now))
        .filter(lease_free)
        .order(outbox_emails::created_at.asc())
        .limit(BATCH)
        .select((
            outbox_emails::id,
            outbox_emails::to_address,
            outbox_emails::subject,
            outbox_emails::body,
            outbox_emails::attempts,
        ))
        .load(conn)?;
    let mut claimed = Vec::new();
    for (id, to, subject, body, attempts) in candidates {
        let won = diesel::update(
            outbox_emails::table
                .filter(outbox_emails::id.eq(&id))
                .filter(outbox_emails::status.eq(PENDING))
                .filter(outbox_emails::lease_until.is_null().or(outbox_emails::lease_until.lt(now))),
        )
        .set(outbox_emails::lease_until.eq(Some(now + chrono::Duration::seconds(LEASE_SECONDS))))
        .execute(conn)?;
        if won == 1 {
            claimed.push(Due { id, to, subject, body, attempts });
        }
    }
    Ok(claimed)
}

fn message(settings: &MailSettings, due: &Due) -> Result<Message, String> {
    let from: Mailbox = settings.from.parse().map_err(|e| format!("mail_from {:?}: {e}", settings.from))?;
    let to: Mailbox = due.to.parse().map_err(|e| format!("recipient {:?}: {e}", due.to))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(due.subject.clone())
        .message_id(Some(format!("<{}@rota>", due.id)))
        .header(ContentType::TEXT_PLAIN)
        .body(due.body.clone())
        .map_err(|e| e.to_string())
}

/// Build the SMTP transport from the settings' URL.
pub fn transport(settings: &MailSettings) -> Result<SmtpTransport, String> {
    SmtpTransport::from_url(&settings.smtp_url)
        .map(|b| b.timeout(Some(Duration::from_secs(10))).build())
        .map_err(|e| format!("smtp_url {:?}: {e}", settings.smtp_url))
}

/// Send what is due now; returns how many were sent.
pub fn send_due(pool: &DbPool, smtp: &SmtpTransport, settings: &MailSettings) -> Result<usize, ServiceError> {
    let mut pooled = pool.get().map_err(|e| ServiceError::Unavailable(e.to_string()))?;
    let conn: &mut DbConnection = &mut pooled;
    // Look before locking: on SQLite the write lock is for the whole database, and an idle
    // sender must not take it every few hundred milliseconds.
    let now = crate::services::now();
    let waiting: i64 = outbox_emails::table
        .filter(outbox_emails::status.eq(PENDING))
        .filter(outbox_emails::next_attempt_at.le(now))
        .count()
        .get_result(conn)?;
    if waiting == 0 {
        return Ok(0);
    }
    let due = conn.transaction(|c| {
        crate::db::lock_for_write(c)?;
        claim(c, crate::services::now())
    })?;
    let mut sent = 0;
    for mail in due {
        let outcome = message(settings, &mail).and_then(|m| smtp.send(&m).map(|_| ()).map_err(|e| e.to_string()));
        let now = crate::services::now();
        let target = outbox_emails::table.filter(outbox_emails::id.eq(&mail.id));
        match outcome {
            Ok(()) => {
                diesel::update(target)
                    .set((
                        outbox_emails::status.eq(SENT),
                        outbox_emails::sent_at.eq(Some(now)),
                        outbox_emails::attempts.eq(mail.attempts + 1),
                        outbox_emails::lease_until.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
                sent += 1;
                tracing::info!(mail_id = %mail.id, to = %mail.to, "mail sent");
            }
            Err(error) => {
                let attempts = mail.attempts + 1;
                let status = if attempts >= settings.max_attempts { FAILED } else { PENDING };
                let factor = 1u32 << u32::try_from(attempts - 1).unwrap_or(0).min(6);
                let delay = chrono::Duration::from_std(settings.retry_base * factor).unwrap_or_default();
                diesel::update(target)
                    .set((
                        outbox_emails::status.eq(status),
                        outbox_emails::attempts.eq(attempts),
                        outbox_emails::next_attempt_at.eq(now + delay),
                        outbox_emails::lease_until.eq(None::<NaiveDateTime>),
                        outbox_emails::last_error.eq(Some(&error)),
                    ))
                    .execute(conn)?;
                tracing::warn!(mail_id = %mail.id, to = %mail.to, attempts, %error, "mail not sent; will retry");
            }
        }
    }
    Ok(sent)
}

/// Run the sender until `stop` is set.
pub fn spawn(pool: &DbPool, settings: MailSettings, stop: &Arc<AtomicBool>) -> Option<std::thread::JoinHandle<()>> {
    let smtp = match transport(&settings) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "e-mail disabled: bad SMTP settings");
            return None;
        }
    };
    let pool = pool.clone();
    let stop = stop.clone();
    std::thread::Builder::new()
        .name("rota-mail".into())
        .spawn(move || {
            tracing::info!(smtp = %settings.smtp_url.split('@').next_back().unwrap_or_default(), "mail sender started");
            while !stop.load(Ordering::Relaxed) {
                match send_due(&pool, &smtp, &settings) {
                    Ok(n) if n > 0 => {}
                    Ok(_) => std::thread::sleep(Duration::from_millis(200)),
                    Err(e) => {
                        tracing::warn!(error = %e, "mail sender could not reach the database");
                        std::thread::sleep(Duration::from_secs(1));
                    }
                }
            }
        })
        .ok()
}
