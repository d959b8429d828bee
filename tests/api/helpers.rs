use actix_web::dev::ServerHandle;
use diesel::Connection;
use reqwest::{Method, Response, StatusCode};
use rota::config::Settings;
use rota::db::DbPool;
use rota::domain::TokenRole;
use rota::services::auth::{issue, TokenRequest};
use rota::startup::Application;
use serde_json::{json, Value};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub admin: String,
    /// The server's own thread and the handle that stops it.
    server: Option<(ServerHandle, std::thread::JoinHandle<()>)>,
    _scratch: Scratch,
}

/// A test's server stops with the test, so that its workers and connections do not pile up
/// on the shared PostgreSQL server (whose connection limit is finite).
impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((handle, thread)) = self.server.take() {
            // `stop` sends its command at once; the future only waits for completion
            drop(handle.stop(false));
            let _ = thread.join();
        }
    }
}

/// What a test's database leaves behind, removed when dropped: the SQLite file's directory,
/// or the PostgreSQL database (its last connections closed by force).
pub enum Scratch {
    Dir(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Drop for Scratch {
    fn drop(&mut self) {
        match self {
            Scratch::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Scratch::Postgres { admin_url, name } => {
                if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                    let drop_db = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                    let _ = diesel::RunQueryDsl::execute(drop_db, &mut conn);
                }
            }
        }
    }
}

fn postgres_admin_url() -> String {
    std::env::var("ROTA_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh, empty database for one test.
pub fn fresh_database() -> (String, Scratch) {
    let id = uuid::Uuid::now_v7().simple().to_string();
    if std::env::var("ROTA_TEST_DATABASE").as_deref() == Ok("postgres") {
        let admin_url = postgres_admin_url();
        let mut conn = diesel::PgConnection::establish(&admin_url).expect("PostgreSQL must be running for these tests");
        let name = format!("rota_test_{id}");
        diesel::RunQueryDsl::execute(diesel::sql_query(format!("CREATE DATABASE {name}")), &mut conn).unwrap();
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_owned();
        (format!("{base}/{name}"), Scratch::Postgres { admin_url, name })
    } else {
        let dir = std::env::temp_dir().join(format!("rota-test-{id}"));
        std::fs::create_dir_all(&dir).unwrap();
        (dir.join("rota.sqlite3").display().to_string(), Scratch::Dir(dir))
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let (url, scratch) = fresh_database();
    let mut settings =
        Settings { database_url: Some(url), bind: "127.0.0.1:0".into(), pool_size: 4, ..Settings::default() };
    tweak(&mut settings);
    let app = Application::build(&settings).expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool();
    let handle = app.handle();
    // its own thread and runtime, so that dropping the TestApp can stop it and wait
    let thread = std::thread::spawn(move || {
        let _ = actix_web::rt::System::new().block_on(app.run_until_stopped());
    });
    let mut test = TestApp {
        address,
        client: reqwest::Client::new(),
        pool,
        admin: String::new(),
        server: Some((handle, thread)),
        _scratch: scratch,
    };
    test.admin = test.token(TokenRole::Admin, None, None, None);
    test
}

impl TestApp {
    /// Mint a token straight through the service (as `rota token create` does).
    pub fn token(&self, role: TokenRole, site: Option<&str>, ward: Option<&str>, staff: Option<&str>) -> String {
        let mut conn = self.pool.get().unwrap();
        let req = TokenRequest {
            role,
            name: "test".into(),
            site_code: site.map(str::to_owned),
            ward_code: ward.map(str::to_owned),
            employee_number: staff.map(str::to_owned),
        };
        conn.transaction(|c| {
            rota::db::lock_for_write(c).unwrap();
            issue(c, &req)
        })
        .unwrap()
        .secret
    }

    pub async fn call(
        &self,
        method: Method,
        token: Option<&str>,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Response {
        let mut req = self.client.request(method, format!("{}{path}", self.address));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(v) = if_match {
            req = req.header("If-Match", v);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.call(Method::GET, Some(token), path, None, None).await
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Response {
        self.call(Method::POST, Some(token), path, Some(body), None).await
    }

    /// POST `body` as it is, with `content_type` (for bodies that are not JSON, or not whole).
    pub async fn post_raw(&self, token: &str, path: &str, content_type: &str, body: &str) -> Response {
        let url = format!("{}{path}", self.address);
        let req = self.client.post(url).bearer_auth(token).header("content-type", content_type);
        req.body(body.to_owned()).send().await.unwrap()
    }

    /// Create as admin and return the new record's id.
    pub async fn create(&self, path: &str, body: Value) -> String {
        let res = self.post(&self.admin, path, &body).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "POST {path} {body} -> {text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        v["id"].as_str().unwrap().to_owned()
    }
}

/// Read a problem+json answer, checking its status and content type.
pub async fn problem(res: Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status, "unexpected status");
    let ct = res.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert_eq!(ct, "application/problem+json");
    res.json().await.unwrap()
}

/// The fields a validation problem names.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}

/// A small hospital: two sites (London, New York) and one without DST (Kolkata), wards,
/// catalogues, one template per ward, a staff member on each site.
pub struct Hospital {
    pub lon: String,
    pub nyc: String,
    pub kol: String,
    pub icu: String,
    pub med: String,
    pub nyc_ed: String,
    pub kol_ward: String,
    pub rn: String,
    pub hca: String,
    pub als: String,
    pub icu_night: String,
    pub med_day: String,
    pub nyc_night: String,
    pub kol_night: String,
    pub nurse: String,
    pub nyc_nurse: String,
}

pub fn contract() -> Value {
    json!({
        "min_hours_per_week": 20, "max_hours_per_week": 48, "max_consecutive_days": 5, "min_rest_hours": 11,
        "max_nights_per_4_weeks": 8, "max_weekends_per_4_weeks": 2, "night_eligible": true, "hourly_cost": 25.5
    })
}

pub fn staff_body(site: &str, number: &str, role: &str, home: &[&str]) -> Value {
    json!({
        "site_id": site, "employee_number": number, "name": format!("Nurse {number}"), "email": format!("{number}@example.org"),
        "primary_role_id": role, "home_ward_ids": home, "fte": 1.0, "employment_type": "permanent", "contract": contract()
    })
}

pub fn night(ward: &str, code: &str) -> Value {
    json!({ "ward_id": ward, "code": code, "name": "Night", "start_time": "20:00", "duration_minutes": 720, "unpaid_break_minutes": 60 })
}

pub async fn seed(app: &TestApp) -> Hospital {
    let site = |code: &str, tz: &str| json!({ "code": code, "name": format!("{code} hospital"), "time_zone": tz });
    let lon = app.create("/api/v1/sites", site("LON", "Europe/London")).await;
    let nyc = app.create("/api/v1/sites", site("NYC", "America/New_York")).await;
    let kol = app.create("/api/v1/sites", site("KOL", "Asia/Kolkata")).await;
    let ward = |site: &str, code: &str, unit: &str| json!({ "site_id": site, "code": code, "name": code, "unit_type": unit, "beds": 12 });
    let icu = app.create("/api/v1/wards", ward(&lon, "ICU", "icu")).await;
    let med = app.create("/api/v1/wards", ward(&lon, "MED1", "med_surg")).await;
    let nyc_ed = app.create("/api/v1/wards", ward(&nyc, "ED", "ed")).await;
    let kol_ward = app.create("/api/v1/wards", ward(&kol, "GEN", "med_surg")).await;
    let rn = app.create("/api/v1/roles", json!({ "code": "RN", "name": "Registered Nurse" })).await;
    let hca = app.create("/api/v1/roles", json!({ "code": "HCA", "name": "Healthcare Assistant" })).await;
    let als = app.create("/api/v1/skills", json!({ "code": "ALS", "name": "Advanced Life Support" })).await;
    let icu_night = app.create("/api/v1/shift-templates", night(&icu, "N")).await;
    let med_day = app
        .create(
            "/api/v1/shift-templates",
            json!({ "ward_id": med, "code": "E", "name": "Early", "start_time": "07:00", "duration_minutes": 480,
                    "unpaid_break_minutes": 30, "days_of_week": ["mon", "tue", "wed", "thu", "fri"] }),
        )
        .await;
    let nyc_night = app.create("/api/v1/shift-templates", night(&nyc_ed, "N")).await;
    let kol_night = app.create("/api/v1/shift-templates", night(&kol_ward, "N")).await;
    let nurse = app.create("/api/v1/staff", staff_body(&lon, "L001", &rn, &[&icu])).await;
    let nyc_nurse = app.create("/api/v1/staff", staff_body(&nyc, "N001", &rn, &[&nyc_ed])).await;
    Hospital {
        lon,
        nyc,
        kol,
        icu,
        med,
        nyc_ed,
        kol_ward,
        rn,
        hca,
        als,
        icu_night,
        med_day,
        nyc_night,
        kol_night,
        nurse,
        nyc_nurse,
    }
}
