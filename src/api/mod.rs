//! HTTP API under `/api/v1`. The route table is here; the handlers are generic over the
//! resources of the hospital model, and the OpenAPI document is built from the same table.

pub mod extract;
pub mod handlers;
pub mod me;
pub mod openapi;
pub mod requests;
pub mod rosters;
pub mod wards;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::db::{DbConnection, DbPool};
use crate::error::AppError;
use crate::services::catalogue::{Roles, Skills};
use crate::services::hospital::{NurseRatios, Sites, Wards};
use crate::services::planning::{Census, ShiftTemplates, StaffingRequirements};
use crate::services::staffing::{Credentials, Staff, Unavailabilities};
use crate::services::{Resource, ServiceError};

/// Shared, cheap-to-clone state of one server.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub max_body_bytes: usize,
}

/// Run `f` on a pooled connection inside one transaction, off the async executor.
pub async fn run<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ServiceError> + Send + 'static,
{
    use diesel::Connection;
    let pool = state.pool.clone();
    let result = web::block(move || {
        let mut pooled = pool.get().map_err(|e| ServiceError::Unavailable(format!("database unavailable: {e}")))?;
        let conn: &mut DbConnection = &mut pooled;
        conn.transaction(|c| {
            crate::db::lock_for_write(c)?;
            f(c)
        })
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("blocking task failed: {e}")))?;
    Ok(result?)
}

/// What the OpenAPI document says about one resource collection.
pub struct ResourceDoc {
    pub path: &'static str,
    pub tag: &'static str,
    pub singular: &'static str,
    pub input: &'static str,
    pub output: &'static str,
    /// Who may read and who may change it, in words (the rules live in services::policy).
    pub access: &'static str,
    /// List filters that apply.
    pub filters: &'static [&'static str],
}

fn mount<R: Resource>(cfg: &mut web::ServiceConfig, doc: &ResourceDoc) {
    let path = doc.path;
    cfg.service(
        web::resource(path)
            .route(web::get().to(handlers::list::<R>))
            .route(web::post().to(handlers::create::<R>))
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource(format!("{path}/{{id}}"))
            .route(web::get().to(handlers::get::<R>))
            .route(web::put().to(handlers::replace::<R>))
            .route(web::delete().to(handlers::delete::<R>))
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource(format!("{path}/{{id}}/archive"))
            .route(web::post().to(handlers::archive::<R>))
            .default_service(web::to(method_not_allowed)),
    );
}

macro_rules! resources {
    ($($ty:ty => $doc:expr),+ $(,)?) => {
        fn mount_resources(cfg: &mut web::ServiceConfig) {
            $(mount::<$ty>(cfg, &$doc);)+
        }

        /// Every CRUD collection, for the OpenAPI document.
        pub const RESOURCES: &[ResourceDoc] = &[$($doc),+];
    };
}

const ADMIN_WRITES: &str = "Read: any token. Change: admin.";

resources! {
    Sites => ResourceDoc { path: "/sites", tag: "sites", singular: "site", input: "SiteInput", output: "Site",
        access: "Read: admin, integration, managers and staff of the site. Change: admin.", filters: &["site_id"] },
    Wards => ResourceDoc { path: "/wards", tag: "wards", singular: "ward", input: "WardInput", output: "Ward",
        access: "Read: admin, integration, managers and staff of the site. Change: admin, site manager.", filters: &["site_id", "ward_id"] },
    Roles => ResourceDoc { path: "/roles", tag: "catalogues", singular: "role", input: "CatalogueInput", output: "CatalogueEntry",
        access: ADMIN_WRITES, filters: &[] },
    Skills => ResourceDoc { path: "/skills", tag: "catalogues", singular: "skill", input: "CatalogueInput", output: "CatalogueEntry",
        access: ADMIN_WRITES, filters: &[] },
    NurseRatios => ResourceDoc { path: "/nurse-ratios", tag: "demand", singular: "nurse ratio", input: "NurseRatioInput", output: "NurseRatio",
        access: "Read: admin, integration, managers of the site. Change: admin, site manager.", filters: &["site_id"] },
    Staff => ResourceDoc { path: "/staff", tag: "staff", singular: "staff member", input: "StaffInput", output: "StaffMember",
        access: "Read: admin, integration, managers of the site, the person themselves. Change: admin, integration, site manager.", filters: &["site_id", "ward_id"] },
    Credentials => ResourceDoc { path: "/credentials", tag: "staff", singular: "credential", input: "CredentialInput", output: "Credential",
        access: "Read: admin, integration, managers of the site, the holder. Change: admin, integration, managers of the site.", filters: &["staff_id", "from", "to"] },
    Unavailabilities => ResourceDoc { path: "/unavailability", tag: "staff", singular: "unavailability", input: "UnavailabilityInput", output: "Unavailability",
        access: "Read: admin, integration, managers of the site, the person. Change: admin, integration, managers of the site.", filters: &["staff_id", "from", "to"] },
    ShiftTemplates => ResourceDoc { path: "/shift-templates", tag: "ward plans", singular: "shift template", input: "ShiftTemplateInput", output: "ShiftTemplate",
        access: "Read: admin, integration, managers of the ward, staff of the site. Change: admin, managers of the ward.", filters: &["site_id", "ward_id"] },
    StaffingRequirements => ResourceDoc { path: "/staffing-requirements", tag: "ward plans", singular: "staffing requirement", input: "StaffingRequirementInput", output: "StaffingRequirement",
        access: "Read: admin, integration, managers of the ward. Change: admin, managers of the ward.", filters: &["ward_id", "from", "to"] },
    Census => ResourceDoc { path: "/census", tag: "demand", singular: "census entry", input: "CensusInput", output: "CensusEntry",
        access: "Read: admin, integration, managers of the ward. Change: admin, integration, managers of the ward.", filters: &["ward_id", "from", "to"] },
}

/// The whole route table.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/health", web::get().to(health))
            .route("/ready", web::get().to(ready))
            .route("/openapi.json", web::get().to(openapi::document))
            .route("/wards/{id}/shifts", web::get().to(wards::shifts))
            .route("/wards/{id}/demand", web::get().to(wards::demand))
            .service(
                web::resource("/rosters").route(web::get().to(rosters::list)).route(web::post().to(rosters::create)),
            )
            .route("/rosters/{id}", web::get().to(rosters::get))
            .route("/rosters/{id}/solve", web::post().to(rosters::solve))
            .route("/rosters/{id}/publish", web::post().to(rosters::publish))
            .route("/rosters/{id}/drafts", web::post().to(rosters::new_draft))
            .route("/rosters/{id}/call-outs", web::post().to(rosters::call_out))
            .service(
                web::resource("/rosters/{id}/assignments")
                    .route(web::get().to(rosters::assignments))
                    .route(web::post().to(rosters::add_assignment)),
            )
            .route("/rosters/{id}/assignments/{assignment_id}", web::delete().to(rosters::remove_assignment))
            .route("/rosters/{id}/assignments/{assignment_id}/move", web::post().to(rosters::move_assignment))
            .service(
                web::resource("/rosters/{id}/assignments/{assignment_id}/pin")
                    .route(web::put().to(rosters::pin))
                    .route(web::delete().to(rosters::unpin)),
            )
            .route("/rosters/{id}/swaps", web::post().to(rosters::swap))
            .route("/rosters/{id}/changes", web::get().to(rosters::changes))
            .route("/rosters/{id}/workload", web::get().to(rosters::workload))
            .route("/rosters/{id}/coverage", web::get().to(rosters::coverage))
            .route("/rosters/{id}/open-shifts", web::post().to(requests::open_shifts_from_roster))
            .route("/me/shifts", web::get().to(me::shifts))
            .route("/me/summary", web::get().to(me::summary))
            .route("/me/notifications", web::get().to(me::notifications))
            .route("/me/notifications/{id}/read", web::post().to(me::mark_read))
            .service(
                web::resource("/me/preferences")
                    .route(web::get().to(me::preferences))
                    .route(web::put().to(me::set_preferences)),
            )
            .service(
                web::resource("/me/calendar-token")
                    .route(web::post().to(me::create_calendar_token))
                    .route(web::delete().to(me::revoke_calendar_token)),
            )
            .route("/calendar/{token}.ics", web::get().to(me::calendar_feed))
            .service(
                web::resource("/time-off-requests")
                    .route(web::get().to(requests::list_time_off))
                    .route(web::post().to(requests::request_time_off)),
            )
            .route("/time-off-requests/{id}", web::get().to(requests::get_time_off))
            .route("/time-off-requests/{id}/approve", web::post().to(requests::approve_time_off))
            .route("/time-off-requests/{id}/decline", web::post().to(requests::decline_time_off))
            .route("/time-off-requests/{id}/cancel", web::post().to(requests::cancel_time_off))
            .route("/time-off-requests/{id}/replan", web::post().to(requests::replan_time_off))
            .service(
                web::resource("/open-shifts")
                    .route(web::get().to(requests::list_open_shifts))
                    .route(web::post().to(requests::create_open_shift)),
            )
            .route("/open-shifts/{id}", web::get().to(requests::get_open_shift))
            .service(
                web::resource("/open-shifts/{id}/requests")
                    .route(web::get().to(requests::list_claims))
                    .route(web::post().to(requests::claim_open_shift)),
            )
            .route("/open-shifts/{id}/requests/{request_id}/approve", web::post().to(requests::approve_claim))
            .route("/open-shifts/{id}/requests/{request_id}/decline", web::post().to(requests::decline_claim))
            .route("/open-shifts/{id}/requests/{request_id}/withdraw", web::post().to(requests::withdraw_claim))
            .route("/swap-requests", web::post().to(requests::request_swap))
            .route("/offer-requests", web::post().to(requests::request_offer))
            .route("/{collection:swap-requests|offer-requests}", web::get().to(requests::list_trades))
            .route("/{collection:swap-requests|offer-requests}/{id}", web::get().to(requests::get_trade))
            .route(
                "/{collection:swap-requests|offer-requests}/{id}/{action:accept|decline|cancel|approve}",
                web::post().to(requests::act_on_trade),
            )
            .route("/manager/inbox", web::get().to(requests::manager_inbox))
            .route("/jobs/{id}", web::get().to(rosters::job))
            .route("/jobs/{id}/cancel", web::post().to(rosters::cancel_job))
            .configure(mount_resources)
            .service(openapi::docs_page()),
    );
}

/// Liveness: the process answers.
async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Readiness: the database answers.
async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    match run(&state, |conn| Ok(crate::db::ping(conn)?)).await {
        Ok(()) => Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready", "database": "ok" }))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(AppError::Service(ServiceError::Unavailable("the database is not reachable".into())))
        }
    }
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::MethodNotAllowed(format!("{} is not supported on {}", req.method(), req.path())))
}

/// Anything outside the route table.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound(format!("no route for {} {}", req.method(), req.path())))
}
