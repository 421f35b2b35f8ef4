//! The `tremplin` command.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::App;
use crate::config::{Config, Overrides};
use crate::domain::email::Email;
use crate::domain::locale::Locale;
use crate::domain::role::ProgrammeRole;
use crate::domain::slug::Slug;
use crate::store::Db;

#[derive(Parser)]
#[command(name = "tremplin", version, about = "Tremplin: civic-tech incubation programmes, end to end")]
struct Cli {
    /// TOML configuration file (default: ./tremplin.toml when present).
    #[arg(long, global = true, env = "TREMPLIN_CONFIG")]
    config: Option<PathBuf>,
    /// Directory of the SQLite database, e-mail files and uploads.
    #[arg(long, global = true, env = "TREMPLIN_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); without it the embedded SQLite is used.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web site and the API.
    Serve(ServeArgs),
    /// Apply database migrations, then exit.
    Migrate,
    /// Fill an empty database with the demonstration organisation, then exit.
    Demo {
        /// Also generate this many programmes (10 testimonials each) for benchmarks.
        #[arg(long)]
        scale: Option<usize>,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TREMPLIN_ADDR")]
    addr: Option<SocketAddr>,
    /// Fill an empty database with demo data and print the demo accounts.
    #[arg(long)]
    demo: bool,
    /// Public base URL used in e-mailed links (default: http://ADDR).
    #[arg(long, env = "TREMPLIN_PUBLIC_URL")]
    public_url: Option<String>,
    /// Trust X-Forwarded-For from a reverse proxy.
    #[arg(long, env = "TREMPLIN_BEHIND_PROXY")]
    behind_proxy: Option<bool>,
    /// Log format: text or json.
    #[arg(long, env = "TREMPLIN_LOG_FORMAT")]
    log_format: Option<String>,
    /// Largest file of a resumable upload, in MB (default 200).
    #[arg(long, env = "TREMPLIN_UPLOAD_MAX_MB")]
    upload_max_mb: Option<u64>,
    /// Sender of e-mails, e.g. "Tremplin <no-reply@example.org>".
    #[arg(long, env = "TREMPLIN_MAIL_FROM")]
    mail_from: Option<String>,
    /// SMTP server; without it e-mails are written to DATA_DIR/outbox as .eml files.
    #[arg(long, env = "TREMPLIN_SMTP_HOST")]
    smtp_host: Option<String>,
    #[arg(long, env = "TREMPLIN_SMTP_PORT")]
    smtp_port: Option<u16>,
    #[arg(long, env = "TREMPLIN_SMTP_USERNAME")]
    smtp_username: Option<String>,
    #[arg(long, env = "TREMPLIN_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// starttls (default), tls or none.
    #[arg(long, env = "TREMPLIN_SMTP_SECURITY")]
    smtp_security: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a confirmed account. The password is read from standard input with
    /// --password-stdin, or generated and printed once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value_t = RoleArg::Member)]
        role: RoleArg,
        /// fr or en.
        #[arg(long, default_value = "fr")]
        language: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give an account a role in a programme (manager, reviewer, coach or participant).
    Grant {
        #[arg(long)]
        email: String,
        /// The programme's address name, e.g. connexions-citoyennes.
        #[arg(long)]
        programme: String,
        #[arg(long, value_enum)]
        role: ProgrammeRoleArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ProgrammeRoleArg {
    Manager,
    Reviewer,
    Coach,
    Participant,
}

impl From<ProgrammeRoleArg> for ProgrammeRole {
    fn from(r: ProgrammeRoleArg) -> Self {
        match r {
            ProgrammeRoleArg::Manager => ProgrammeRole::Manager,
            ProgrammeRoleArg::Reviewer => ProgrammeRole::Reviewer,
            ProgrammeRoleArg::Coach => ProgrammeRole::Coach,
            ProgrammeRoleArg::Participant => ProgrammeRole::Participant,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum RoleArg {
    Admin,
    Member,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut o = Overrides { data_dir: cli.data_dir, database_url: cli.database_url, ..Default::default() };
    let demo = match &cli.command {
        Command::Serve(s) => {
            o.addr = s.addr;
            o.public_url = s.public_url.clone();
            o.behind_proxy = s.behind_proxy;
            o.log_format = s.log_format.clone();
            o.upload_max_mb = s.upload_max_mb;
            o.mail_from = s.mail_from.clone();
            o.smtp_host = s.smtp_host.clone();
            o.smtp_port = s.smtp_port;
            o.smtp_username = s.smtp_username.clone();
            o.smtp_password = s.smtp_password.clone();
            o.smtp_security = s.smtp_security.clone();
            s.demo
        }
        _ => false,
    };
    let cfg = Config::load(cli.config.as_deref(), o)?;
    init_logging(cfg.log_json);
    match cli.command {
        Command::Serve(_) => {
            let server = crate::server::start(cfg, demo).await?;
            if demo {
                crate::demo::print_accounts(server.addr);
            }
            crate::web::shutdown_signal().await;
            server.stop().await?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            let db = Db::connect(cfg.database_url.as_deref(), &cfg.data_dir).await?;
            let n = db.migrate().await?;
            println!("{n} migration(s) applied; the database is up to date.");
            Ok(())
        }
        Command::Demo { scale } => {
            let db = Db::connect(cfg.database_url.as_deref(), &cfg.data_dir).await?;
            db.migrate().await?;
            let app = App::new(db, cfg)?;
            if crate::demo::load_if_empty(&app).await? {
                println!("Demo data loaded.");
                if let Some(n) = scale {
                    crate::demo::load_scale(&app, n, 10).await?;
                    println!("{n} generated programmes and {} testimonials added.", n * 10);
                }
            } else {
                println!("The database is not empty: demo data not loaded.");
            }
            Ok(())
        }
        Command::User { command: UserCommand::Create { email, name, role, language, password_stdin } } => {
            let db = Db::connect(cfg.database_url.as_deref(), &cfg.data_dir).await?;
            db.migrate().await?;
            let app = App::new(db, cfg)?;
            let locale = Locale::parse(&language).ok_or_else(|| anyhow::anyhow!("--language must be fr or en"))?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (crate::store::new_secret()[..20].to_owned(), true)
            };
            let result =
                crate::accounts::create_confirmed(&app, &email, &name, &password, role == RoleArg::Admin, locale).await;
            match result {
                Ok(id) => {
                    println!(
                        "Account {id} created for {email}{}.",
                        if role == RoleArg::Admin { " (administrator)" } else { "" }
                    );
                    if generated {
                        println!("Password (shown once): {password}");
                    }
                    Ok(())
                }
                Err(e) => {
                    let i = crate::i18n::I18n::new(Locale::En);
                    // The CLI speaks English; details name the field at fault.
                    let details: Vec<String> = e.fields().iter().map(|(f, k)| format!("{f}: {}", i.t(k))).collect();
                    anyhow::bail!("{} {}", i.t(e.message_key()), details.join("; "))
                }
            }
        }
        Command::User { command: UserCommand::Grant { email, programme, role } } => {
            let db = Db::connect(cfg.database_url.as_deref(), &cfg.data_dir).await?;
            db.migrate().await?;
            let address = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let user = crate::store::accounts::find_by_email(&db, &address)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no account with the address {address}"))?;
            let slug = Slug::parse(&programme)
                .ok_or_else(|| anyhow::anyhow!("--programme: {programme:?} is not a programme address name"))?;
            let programme_id = crate::store::programmes::id_by_slug(&db, &slug)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no programme {programme:?}"))?;
            let role = ProgrammeRole::from(role);
            if crate::store::programmes::add_member(&db, programme_id, user.id, role).await? {
                println!("{address} is now {} of {programme}.", role.code());
            } else {
                println!("{address} already was {} of {programme}.", role.code());
            }
            Ok(())
        }
    }
}
