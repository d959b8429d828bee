//! Storage: one diesel schema over SQLite (embedded default) and PostgreSQL (production).
//!
//! `DbConnection` is a diesel `MultiConnection`, so repository code is written once. Each
//! backend has its own embedded migration tree because DDL dialects drift over time.

pub mod models;
pub mod schema;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<ConnectionManager<DbConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not open the database: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("could not run database migrations: {0}")]
    Migration(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// Which backend a database URL selects. Anything that is not `postgres://` or
/// `postgresql://` is a SQLite path (optionally prefixed with `sqlite://`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    #[must_use]
    pub fn of_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Connection manager that picks the variant from the URL instead of trying each backend
/// in turn (a SQLite connection accepts any string as a path).
#[derive(Debug)]
struct ConnectionSetup {
    backend: Backend,
}

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if self.backend == Backend::Sqlite {
            // Foreign keys are off by default in SQLite; WAL + busy timeout let the pool's
            // connections share one file without spurious "database is locked" errors.
            conn.batch_execute(
                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").unwrap_or(url)
}

/// Build the connection pool for `database_url`.
pub fn connect(database_url: &str, max_size: u32) -> Result<DbPool, DbError> {
    let backend = Backend::of_url(database_url);
    let url = match backend {
        Backend::Postgres => database_url.to_owned(),
        Backend::Sqlite => sqlite_path(database_url).to_owned(),
    };
    let manager = ConnectionManager::<DbConnection>::new(url);
    // Connections open on demand (one kept warm): many rota processes, and every test's app,
    // share one PostgreSQL server whose connection limit is finite.
    let pool = Pool::builder()
        .max_size(if backend == Backend::Sqlite { max_size.min(8) } else { max_size })
        .min_idle(Some(1))
        .connection_customizer(Box::new(ConnectionSetup { backend }))
        .build(manager)?;
    Ok(pool)
}

/// Apply every pending migration of the connection's backend.
pub fn migrate(conn: &mut DbConnection) -> Result<usize, DbError> {
    let applied = match conn {
        DbConnection::Postgres(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
        DbConnection::Sqlite(lite) => lite.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    }
    .map_err(|e| DbError::Migration(e.to_string()))?;
    Ok(applied)
}

/// Call first inside a transaction that may write. On SQLite it takes the write lock at once
/// (waiting up to the busy timeout), instead of failing with "database is locked" when a
/// read transaction later tries to upgrade after another writer committed. A no-op elsewhere.
pub fn lock_for_write(conn: &mut DbConnection) -> Result<(), DbError> {
    if let DbConnection::Sqlite(_) = conn {
        conn.batch_execute("UPDATE api_tokens SET id = id WHERE 1 = 0")?;
    }
    Ok(())
}

/// Cheap round trip used by the readiness probe.
pub fn ping(conn: &mut DbConnection) -> Result<(), DbError> {
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

/// Establish a single connection outside the pool (CLI commands, tests).
pub fn establish(database_url: &str) -> Result<DbConnection, DbError> {
    let conn = match Backend::of_url(database_url) {
        Backend::Postgres => DbConnection::Postgres(
            PgConnection::establish(database_url).map_err(|e| DbError::Migration(e.to_string()))?,
        ),
        Backend::Sqlite => {
            let mut c = SqliteConnection::establish(sqlite_path(database_url))
                .map_err(|e| DbError::Migration(e.to_string()))?;
            c.batch_execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")?;
            DbConnection::Sqlite(c)
        }
    };
    Ok(conn)
}
