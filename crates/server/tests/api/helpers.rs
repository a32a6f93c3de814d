//! `spawn_app()`: a real server on port 0 over a fresh database with the demo data, and a
//! cookie-keeping client that logs in like a browser.

use std::sync::atomic::{AtomicU32, Ordering};

use jianfu_domain::auth::PasswordHasher;
use jianfu_domain::bootstrap::DEMO_PASSWORD;
use jianfu_domain::{App, Clock};
use jianfu_server::{AppState, ServerConfig};
use jianfu_store::orm::{ConnectionTrait, Database, DbBackend, Statement};
use jianfu_store::{AuditKey, Store};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub db_url: String,
    /// The audit key the store was opened with (a second server on the same database needs it).
    audit_key: Vec<u8>,
    pg_drop: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The PostgreSQL server URL for tests, when the suite runs on PostgreSQL.
pub fn postgres_url() -> Option<String> {
    std::env::var("JIANFU_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.is_empty())
}

fn replace_db_name(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let cut = base.rfind('/').expect("postgres URL has a path");
    let mut out = format!("{}/{}", &base[..cut], db);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A fresh, empty database URL: a temp SQLite file, or a new PostgreSQL database.
async fn fresh_database(dir: &tempfile::TempDir) -> (String, Option<(String, String)>) {
    match postgres_url() {
        None => (
            format!("sqlite://{}", dir.path().join("test.db").display()),
            None,
        ),
        Some(admin) => {
            let name = format!(
                "jianfu_t_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                rand::random::<u32>()
            );
            // No silent fallback: an unreachable server fails the test.
            let conn = Database::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("JIANFU_TEST_POSTGRES is set but cannot connect: {e}"));
            conn.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("CREATE DATABASE {name}"),
            ))
            .await
            .unwrap();
            conn.close().await.unwrap();
            (replace_db_name(&admin, &name), Some((admin, name)))
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_drop.take() {
            // Drop from another thread with its own runtime: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(conn) = Database::connect(&admin).await {
                        let _ = conn
                            .execute_raw(Statement::from_string(
                                DbBackend::Postgres,
                                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                            ))
                            .await;
                        let _ = conn.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Starts a server with the demo data on a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(true).await
}

pub async fn spawn_app_with(demo: bool) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let (db_url, pg_drop) = fresh_database(&dir).await;
    let audit_key = rand::random::<[u8; 32]>().to_vec();
    let store = Store::open(&db_url, AuditKey::new(audit_key.clone()).unwrap())
        .await
        .unwrap();
    let app = App::new(store, Clock::system(), PasswordHasher::fast_for_tests());
    if demo {
        assert!(app.seed_demo(|_| {}).await.unwrap());
    }
    let base = serve(&app).await;
    start_up_jobs_done(&app).await;
    TestApp {
        base,
        app,
        db_url,
        audit_key,
        pg_drop,
        _dir: dir,
    }
}

/// Serves `app` on a port of its own; returns its base URL.
async fn serve(app: &App) -> String {
    serve_configured(app, ServerConfig::default()).await
}

impl TestApp {
    /// A second server on this test's database, as another process would run it: its own
    /// store (pool), application (memory) and port, the same audit key. For the tests of
    /// several servers sharing one PostgreSQL database; the first server drops the database.
    pub async fn second_server(&self) -> TestApp {
        let store = Store::open(&self.db_url, AuditKey::new(self.audit_key.clone()).unwrap())
            .await
            .unwrap();
        let app = App::new(store, Clock::system(), PasswordHasher::fast_for_tests());
        let base = serve(&app).await;
        TestApp {
            base,
            app,
            db_url: self.db_url.clone(),
            audit_key: self.audit_key.clone(),
            pg_drop: None,
            _dir: tempfile::tempdir().unwrap(),
        }
    }
}

/// `serve` runs its background jobs once at start, on tasks of their own. The escalation run
/// writes a `job_run` row and a `job.run` audit entry; on a loaded machine it could land in the
/// middle of a test that counts audit entries to show a refused request changed nothing (CI
/// saw exactly that: one entry more in `attachments_are_checked_by_size_content_and_name`).
/// Wait until that run is recorded, at most 30 s, so every test starts after it.
async fn start_up_jobs_done(app: &App) {
    let db = app.store.db();
    for _ in 0..600 {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) FROM job_run WHERE job = 'escalate_overdue'".to_owned(),
            ))
            .await
            .unwrap()
            .unwrap();
        if row.try_get_by_index::<i64>(0).unwrap() > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the start-up escalation run was not recorded within 30 s");
}

/// A browser-like client: keeps cookies, does not follow redirects (tests assert them).
pub struct Browser {
    pub client: Client,
    pub base: String,
    pub csrf: String,
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The value of `<input name="csrf_token" value="…">` in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"input[name="csrf_token"]"#).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_owned)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Logs in through the form; panics unless it succeeds.
    pub async fn login(&self, username: &str) -> Browser {
        self.login_with(username, DEMO_PASSWORD)
            .await
            .expect("login succeeds")
    }

    /// Logs in through the form; returns the failing response when it does not redirect.
    pub async fn login_with(&self, username: &str, password: &str) -> Result<Browser, Response> {
        let client = client();
        let page = client
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_in(&page).expect("login form has a csrf token");
        let res = client
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .unwrap();
        if res.status() != StatusCode::SEE_OTHER {
            return Err(res);
        }
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        let html = client
            .get(self.url(&to))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_in(&html).unwrap_or_default();
        Ok(Browser {
            client,
            base: self.base.clone(),
            csrf,
        })
    }

    /// Id of a node by name.
    pub async fn node_id(&self, name: &str) -> i64 {
        use jianfu_store::entity::node;
        use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter};
        node::Entity::find()
            .filter(node::Column::Name.eq(name))
            .one(self.app.store.db())
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// The tree path of the node named `name`.
    pub async fn node_path(&self, name: &str) -> String {
        let db = self.app.store.db();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT path FROM node WHERE name = $1",
                [name.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "path").unwrap()
    }

    /// Id of an account by username.
    pub async fn account_id(&self, username: &str) -> i64 {
        use jianfu_store::entity::account;
        use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter};
        account::Entity::find()
            .filter(account::Column::Username.eq(username))
            .one(self.app.store.db())
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// Runs raw SQL against the test database (to tamper, or to age records).
    pub async fn sql(&self, sql: &str) {
        let db = self.app.store.db();
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap();
    }

    /// A domain context for a demo account, to call use cases directly (for error codes that the
    /// pages show only as messages).
    pub async fn ctx(&self, username: &str) -> jianfu_domain::Ctx {
        use jianfu_store::entity::account;
        use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter};
        let row = account::Entity::find()
            .filter(account::Column::Username.eq(username))
            .one(self.app.store.db())
            .await
            .unwrap()
            .unwrap();
        let principal = self.app.principal(&row).await.unwrap();
        jianfu_domain::Ctx::new(principal, None)
    }

    /// Moves the server's clock forward (every copy of the app's `Clock` moves with it).
    /// Sessions idle longer than the policy allows expire: log in again afterwards.
    pub fn advance_clock_ms(&self, ms: i64) {
        self.app.clock.advance_ms(ms);
    }

    /// Moves the server's clock forward to 10:00 in Beijing on `day`, when that is still ahead.
    /// Whether it moved.
    pub fn move_clock_to(&self, day: chrono::NaiveDate) -> bool {
        let target = day
            .and_hms_opt(2, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        let now = self.app.now_ms();
        if now < target {
            self.advance_clock_ms(target - now);
        }
        now < target
    }

    /// Today's date in Beijing on the server's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        jianfu_domain::clock::cst_date(self.app.now_ms()).unwrap()
    }

    /// Number of audit entries with this action code.
    pub async fn audit_count(&self, action: &str) -> u64 {
        use jianfu_store::entity::audit_entry;
        use jianfu_store::orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq(action))
            .count(self.app.store.db())
            .await
            .unwrap()
    }
}

/// This year in Beijing on the system clock, for test data whose dates must stay in the present
/// (a period that ended last year is refused on submit, 4.2-4): `this_year()` is "2026" in 2026.
pub fn this_year() -> i32 {
    use chrono::Datelike;
    jianfu_domain::clock::cst_date(chrono::Utc::now().timestamp_millis())
        .unwrap()
        .year()
}

/// A day of this year as `YYYY-MM-DD`: `this_year_on("12-31")`.
pub fn this_year_on(month_day: &str) -> String {
    format!("{}-{month_day}", this_year())
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }
    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }
    /// Posts a form with the session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        f.push(("csrf_token", &self.csrf));
        self.client
            .post(self.url(path))
            .form(&f)
            .send()
            .await
            .unwrap()
    }
    /// Posts `multipart/form-data` like a page's file upload form: the CSRF token in the query
    /// string (as the form's action carries it), text `fields`, and `files` as
    /// (field name, file name, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Response {
        let boundary = format!("----jianfu-test-{:016x}", rand::random::<u64>());
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(value.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        for (name, file_name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let sep = if path.contains('?') { '&' } else { '?' };
        self.client
            .post(self.url(&format!("{path}{sep}csrf_token={}", self.csrf)))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// POSTs `body` as JSON (session-authenticated) and reads the answer's JSON (null if none).
    pub async fn post_api(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let r = self
            .json(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// GETs `path` and reads the answer's JSON (null if none).
    pub async fn get_api(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let r = self.json(reqwest::Method::GET, path).send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// A JSON request with the CSRF header (session-authenticated API use).
    pub fn json(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("x-csrf-token", &self.csrf)
    }
}

/// A server with its own settings (proxies, `/metrics` access) over `app`; returns its base URL.
pub async fn serve_configured(app: &App, config: ServerConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(app.clone(), config);
    tokio::spawn(jianfu_server::serve(
        state,
        listener,
        std::future::pending(),
    ));
    format!("http://{addr}")
}

impl TestApp {
    /// Another server on this test's database with its own connection pool (`pool`) and
    /// settings, as another process would run it; its base URL and application.
    pub async fn server_with(
        &self,
        pool: jianfu_store::PoolSettings,
        config: ServerConfig,
    ) -> (String, App) {
        let store = Store::open_with(
            &self.db_url,
            AuditKey::new(self.audit_key.clone()).unwrap(),
            pool,
        )
        .await
        .unwrap();
        let app = App::new(store, Clock::system(), PasswordHasher::fast_for_tests());
        (serve_configured(&app, config).await, app)
    }
}

/// An Excel workbook read back from its bytes.
pub type Workbook = calamine::Xlsx<std::io::Cursor<Vec<u8>>>;

/// Opens the workbook `bytes` hold.
pub fn workbook(bytes: Vec<u8>) -> Workbook {
    use calamine::Reader;
    calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
}

/// The sheet `name` of a workbook, as text cells, row by row.
pub fn sheet_rows(book: &mut Workbook, name: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    book.worksheet_range(name)
        .unwrap()
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect()
}
