//! The OpenAPI 3.1 document. Schemas come from the DTOs (utoipa derives); the CRUD paths are
//! generated from the same resource table that mounts the routes, so the two cannot drift.

use actix_web::HttpResponse;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, PathsBuilder, Ref, Required, ResponseBuilder};
use utoipa::OpenApi;
use utoipa_scalar::{Scalar, Servable};

use super::RESOURCES;
use crate::error::Problem;
use crate::jobs::{Job, SolveParams};
use crate::services::catalogue::{CatalogueEntry, CatalogueInput};
use crate::services::crud::Record;
use crate::services::firstline::calendar::CalendarFeed;
use crate::services::firstline::inbox::InboxItem;
use crate::services::firstline::open_shifts::{OpenShift, OpenShiftClaim, OpenShiftInput};
use crate::services::firstline::shifts::{Colleague, MyShift, Period, Summary};
use crate::services::firstline::time_off::{Collision, DecisionInput, TimeOffInput, TimeOffRequest};
use crate::services::firstline::trades::{OfferRequestInput, ShiftTrade, SwapRequestInput};
use crate::services::hospital::{NurseRatio, NurseRatioInput, Site, SiteInput, Ward, WardInput};
use crate::services::notify::{Notification, Preferences};
use crate::services::planning::{
    CensusEntry, CensusInput, DemandLine, ShiftOccurrence, ShiftTemplate, ShiftTemplateInput, StaffingRequirement,
    StaffingRequirementInput,
};
use crate::services::rostering::edit::{AssignmentInput, EditOutcome, MoveInput, RuleBreak, SwapInput};
use crate::services::rostering::history::Change;
use crate::services::rostering::repair::{CallOutInput, Repair, ShiftChange};
use crate::services::rostering::workload::{Fairness, PersonLoad, Spread, Workload};
use crate::services::rostering::{AssignmentView, CoverageLine, Roster, RosterInput};
use crate::services::staffing::{
    Contract, Credential, CredentialInput, StaffInput, StaffMember, Unavailability, UnavailabilityInput,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "rota",
        description = "Hospital shift staffing: sites, wards, staff, shift templates and required staffing. \
            Every route except health, readiness and this document needs `Authorization: Bearer <token>`. \
            Changes need `If-Match` with the ETag from GET (412 when stale, 428 when missing). \
            Errors are RFC 9457 problem+json."
    ),
    components(schemas(
        Problem,
        Record,
        Site,
        SiteInput,
        Ward,
        WardInput,
        CatalogueEntry,
        CatalogueInput,
        NurseRatio,
        NurseRatioInput,
        StaffMember,
        StaffInput,
        Contract,
        Credential,
        CredentialInput,
        Unavailability,
        UnavailabilityInput,
        ShiftTemplate,
        ShiftTemplateInput,
        StaffingRequirement,
        StaffingRequirementInput,
        CensusEntry,
        CensusInput,
        ShiftOccurrence,
        DemandLine,
        Roster,
        RosterInput,
        AssignmentView,
        CoverageLine,
        Job,
        SolveParams,
        AssignmentInput,
        EditOutcome,
        RuleBreak,
        CallOutInput,
        Repair,
        ShiftChange,
        MoveInput,
        SwapInput,
        Change,
        MyShift,
        Colleague,
        Summary,
        Period,
        Notification,
        Preferences,
        CalendarFeed,
        TimeOffInput,
        TimeOffRequest,
        Collision,
        DecisionInput,
        OpenShiftInput,
        OpenShift,
        OpenShiftClaim,
        SwapRequestInput,
        OfferRequestInput,
        ShiftTrade,
        InboxItem,
        Workload,
        PersonLoad,
        Fairness,
        Spread
    ))
)]
struct Base;

fn json(schema_name: &str) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(Ref::from_schema_name(schema_name))).build()
}

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new().description(description).content("application/problem+json", json("Problem")).build()
}

fn ok(description: &str, schema: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new().description(description).content("application/json", json(schema)).build()
}

fn string_param(name: &str, place: ParameterIn, required: bool, description: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(place)
        .required(if required { Required::True } else { Required::False })
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

fn secured(op: OperationBuilder, access: &str) -> OperationBuilder {
    op.security(SecurityRequirement::new("bearer", Vec::<String>::new()))
        .response("401", problem("Missing, unknown or revoked token"))
        .response("403", problem(&format!("Not allowed for this token. {access}")))
}

fn list_schema(output: &str) -> utoipa::openapi::Content {
    let page = ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(Ref::from_schema_name(output)))
        .required("items")
        .property(
            "next_cursor",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .description(Some("Pass as `after` for the next page; null on the last page")),
        );
    ContentBuilder::new().schema(Some(page)).build()
}

fn crud_paths(mut paths: PathsBuilder) -> PathsBuilder {
    let list_params = [
        ("after", "Cursor from the previous page's next_cursor"),
        ("limit", "Page size 1-500 (default 100)"),
        ("updated_since", "Only records changed after this RFC 3339 instant"),
        ("include_archived", "Include archived records (true/false)"),
    ];
    for r in RESOURCES {
        let id = || string_param("id", ParameterIn::Path, true, &format!("The {}'s id", r.singular));
        let if_match = || string_param("If-Match", ParameterIn::Header, true, "The ETag from GET");
        let body = || {
            RequestBodyBuilder::new().content("application/json", json(r.input)).required(Some(Required::True)).build()
        };
        let op_id = |verb: &str| format!("{verb}_{}", r.singular.replace(' ', "_"));
        let mut list = OperationBuilder::new()
            .tag(r.tag)
            .operation_id(Some(op_id("list")))
            .summary(Some(format!("List {}", r.path.trim_start_matches('/'))))
            .description(Some(r.access))
            .response(
                "200",
                ResponseBuilder::new()
                    .description("One page")
                    .content("application/json", list_schema(r.output))
                    .build(),
            )
            .response("400", problem("Bad query parameter"));
        for (name, description) in list_params {
            list = list.parameter(string_param(name, ParameterIn::Query, false, description));
        }
        for name in r.filters {
            list = list.parameter(string_param(name, ParameterIn::Query, false, "Filter"));
        }
        let create = OperationBuilder::new()
            .tag(r.tag)
            .operation_id(Some(op_id("create")))
            .summary(Some(format!("Create a {}", r.singular)))
            .description(Some(r.access))
            .request_body(Some(body()))
            .response("201", ok("Created; Location and ETag headers are set", r.output))
            .response("400", problem("Malformed body or unknown field"))
            .response("409", problem("Duplicate code or key"))
            .response("415", problem("Body is not application/json"))
            .response("422", problem("Invalid fields, listed in `errors`"));
        let mut collection = PathItem::new(HttpMethod::Get, secured(list, r.access));
        collection.merge_operations(PathItem::new(HttpMethod::Post, secured(create, r.access)));
        paths = paths.path(format!("/api/v1{}", r.path), collection);

        let get = OperationBuilder::new()
            .tag(r.tag)
            .operation_id(Some(op_id("get")))
            .summary(Some(format!("Get a {}", r.singular)))
            .parameter(id())
            .response("200", ok("The record; ETag header carries its version", r.output))
            .response("404", problem("No such record"));
        let put = OperationBuilder::new()
            .tag(r.tag)
            .operation_id(Some(op_id("replace")))
            .summary(Some(format!("Replace a {}", r.singular)))
            .parameter(id())
            .parameter(if_match())
            .request_body(Some(body()))
            .response("200", ok("Updated", r.output))
            .response("404", problem("No such record"))
            .response("412", problem("Stale If-Match"))
            .response("422", problem("Invalid fields"))
            .response("428", problem("If-Match missing"));
        let delete = OperationBuilder::new()
            .tag(r.tag)
            .operation_id(Some(op_id("delete")))
            .summary(Some(format!("Delete a {}", r.singular)))
            .parameter(id())
            .parameter(if_match())
            .response("204", ResponseBuilder::new().description("Deleted").build())
            .response("404", problem("No such record"))
            .response("409", problem("Still referenced: archive it instead"))
            .response("412", problem("Stale If-Match"))
            .response("428", problem("If-Match missing"));
        let mut item = PathItem::new(HttpMethod::Get, secured(get, r.access));
        item.merge_operations(PathItem::new(HttpMethod::Put, secured(put, r.access)));
        item.merge_operations(PathItem::new(HttpMethod::Delete, secured(delete, r.access)));
        paths = paths.path(format!("/api/v1{}/{{id}}", r.path), item);

        let archive = OperationBuilder::new()
            .tag(r.tag)
            .operation_id(Some(op_id("archive")))
            .summary(Some(format!("Archive a {} (hidden from lists, kept for history)", r.singular)))
            .parameter(id())
            .parameter(if_match())
            .response("200", ok("Archived", r.output))
            .response("404", problem("No such record"))
            .response("412", problem("Stale If-Match"))
            .response("428", problem("If-Match missing"));
        paths = paths.path(
            format!("/api/v1{}/{{id}}/archive", r.path),
            PathItem::new(HttpMethod::Post, secured(archive, r.access)),
        );
    }
    paths
}

/// `{"items": [schema]}`: the shape of every unpaged list answer.
fn items_response(summary: &str, schema: &str) -> utoipa::openapi::Response {
    let items = ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(Ref::from_schema_name(schema)))
        .required("items");
    ResponseBuilder::new()
        .description(summary)
        .content("application/json", ContentBuilder::new().schema(Some(items)).build())
        .build()
}

fn ward_view(summary: &str, schema: &str, access: &str) -> PathItem {
    let op = OperationBuilder::new()
        .tag("ward plans")
        .summary(Some(summary))
        .description(Some(access))
        .parameter(string_param("id", ParameterIn::Path, true, "The ward's id"))
        .parameter(string_param("from", ParameterIn::Query, true, "First local date (YYYY-MM-DD)"))
        .parameter(string_param("to", ParameterIn::Query, true, "Last local date, inclusive (at most 366 days)"))
        .response("200", items_response(summary, schema))
        .response("400", problem("Bad or missing date"))
        .response("404", problem("No such ward"))
        .response("422", problem("Date range invalid"));
    PathItem::new(HttpMethod::Get, secured(op, access))
}

const ROSTER_ACCESS: &str = "Admin, or a manager of every ward of the roster; staff and integrations get 403.";

/// One roster or job operation: `params` are (name, place, required, description).
fn roster_op(
    method: HttpMethod,
    summary: &str,
    params: &[(&str, ParameterIn, bool, &str)],
    body: Option<&str>,
    ok_status: &str,
    ok_schema: Option<&str>,
) -> PathItem {
    operation("rosters", ROSTER_ACCESS, method, summary, params, body, ok_status, ok_schema)
}

/// One operation; `ok_schema` is a schema name, `[Name]` for `{"items": [Name]}`, or none.
#[allow(clippy::too_many_arguments)]
fn operation(
    tag: &str,
    access: &str,
    method: HttpMethod,
    summary: &str,
    params: &[(&str, ParameterIn, bool, &str)],
    body: Option<&str>,
    ok_status: &str,
    ok_schema: Option<&str>,
) -> PathItem {
    let mut op = OperationBuilder::new().tag(tag).summary(Some(summary)).description(Some(access));
    for (name, place, required, description) in params {
        op = op.parameter(string_param(name, place.clone(), *required, description));
    }
    if let Some(schema) = body {
        op = op.request_body(Some(RequestBodyBuilder::new().content("application/json", json(schema)).build()));
    }
    let ok_response = match ok_schema {
        Some(schema) if schema.starts_with('[') => items_response(summary, schema.trim_matches(&['[', ']'][..])),
        Some(schema) => ok(summary, schema),
        None => ResponseBuilder::new().description(summary).build(),
    };
    op = op
        .response(ok_status, ok_response)
        .response("400", problem("Unreadable body or query"))
        .response("403", problem("The caller's role or scope does not allow this"))
        .response("404", problem("No such record"))
        .response("409", problem("Not allowed in the record's current state"))
        .response("422", problem("Invalid fields, or a rule the change would break"));
    PathItem::new(method, secured(op, access))
}

const STAFF_ONLY: &str = "A staff member's own token; other roles get 403.";
const REQUESTS: &str = "Staff: their own requests (and those addressed to them). Managers: requests on their wards \
    (decisions need a manager of the ward; staff never approve). Integrations: 403.";
const MANAGERS: &str = "Admin, or a manager of the ward; staff and integrations get 403.";

/// The firstline routes: (path, method, tag, access, summary, path params, body, status, schema).
type Route = (
    &'static str,
    HttpMethod,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
);

const FIRSTLINE: &[Route] = &[
    (
        "/api/v1/me/shifts",
        HttpMethod::Get,
        "me",
        STAFF_ONLY,
        "My published shifts (query from, to), local and UTC, with colleagues",
        &[],
        None,
        "200",
        Some("[MyShift]"),
    ),
    (
        "/api/v1/me/summary",
        HttpMethod::Get,
        "me",
        STAFF_ONLY,
        "My hours this week and over four weeks against the contract (query date)",
        &[],
        None,
        "200",
        Some("Summary"),
    ),
    (
        "/api/v1/me/notifications",
        HttpMethod::Get,
        "me",
        STAFF_ONLY,
        "My notifications, newest first (query unread=true)",
        &[],
        None,
        "200",
        Some("[Notification]"),
    ),
    (
        "/api/v1/me/notifications/{id}/read",
        HttpMethod::Post,
        "me",
        STAFF_ONLY,
        "Mark a notification read",
        &["id"],
        None,
        "204",
        None,
    ),
    (
        "/api/v1/me/preferences",
        HttpMethod::Get,
        "me",
        STAFF_ONLY,
        "My notification preferences",
        &[],
        None,
        "200",
        Some("Preferences"),
    ),
    (
        "/api/v1/me/preferences",
        HttpMethod::Put,
        "me",
        STAFF_ONLY,
        "Change my notification preferences (e-mail on or off)",
        &[],
        Some("Preferences"),
        "200",
        Some("Preferences"),
    ),
    (
        "/api/v1/me/calendar-token",
        HttpMethod::Post,
        "me",
        STAFF_ONLY,
        "A new personal calendar URL (the previous one stops working)",
        &[],
        None,
        "201",
        Some("CalendarFeed"),
    ),
    (
        "/api/v1/me/calendar-token",
        HttpMethod::Delete,
        "me",
        STAFF_ONLY,
        "Revoke my calendar URL",
        &[],
        None,
        "204",
        None,
    ),
    (
        "/api/v1/time-off-requests",
        HttpMethod::Get,
        "requests",
        REQUESTS,
        "Time-off requests (query status, staff_id)",
        &[],
        None,
        "200",
        Some("[TimeOffRequest]"),
    ),
    (
        "/api/v1/time-off-requests",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "Ask for time off",
        &[],
        Some("TimeOffInput"),
        "201",
        Some("TimeOffRequest"),
    ),
    (
        "/api/v1/time-off-requests/{id}",
        HttpMethod::Get,
        "requests",
        REQUESTS,
        "A time-off request, with the published shifts it collides with",
        &["id"],
        None,
        "200",
        Some("TimeOffRequest"),
    ),
    (
        "/api/v1/time-off-requests/{id}/approve",
        HttpMethod::Post,
        "requests",
        MANAGERS,
        "Approve: the leave becomes hard unavailability",
        &["id"],
        Some("DecisionInput"),
        "200",
        Some("TimeOffRequest"),
    ),
    (
        "/api/v1/time-off-requests/{id}/decline",
        HttpMethod::Post,
        "requests",
        MANAGERS,
        "Decline, with a note",
        &["id"],
        Some("DecisionInput"),
        "200",
        Some("TimeOffRequest"),
    ),
    (
        "/api/v1/time-off-requests/{id}/cancel",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "Withdraw my pending request",
        &["id"],
        None,
        "200",
        Some("TimeOffRequest"),
    ),
    (
        "/api/v1/time-off-requests/{id}/replan",
        HttpMethod::Post,
        "requests",
        MANAGERS,
        "Re-plan the published shifts approved leave collides with (one repair draft per roster)",
        &["id"],
        None,
        "201",
        Some("[Repair]"),
    ),
    (
        "/api/v1/open-shifts",
        HttpMethod::Get,
        "requests",
        REQUESTS,
        "Open shifts (query ward_id, from, to, status)",
        &[],
        None,
        "200",
        Some("[OpenShift]"),
    ),
    (
        "/api/v1/open-shifts",
        HttpMethod::Post,
        "requests",
        MANAGERS,
        "Post an open shift on a published roster",
        &[],
        Some("OpenShiftInput"),
        "201",
        Some("OpenShift"),
    ),
    (
        "/api/v1/open-shifts/{id}",
        HttpMethod::Get,
        "requests",
        REQUESTS,
        "An open shift",
        &["id"],
        None,
        "200",
        Some("OpenShift"),
    ),
    (
        "/api/v1/open-shifts/{id}/requests",
        HttpMethod::Get,
        "requests",
        REQUESTS,
        "Requests for an open shift",
        &["id"],
        None,
        "200",
        Some("[OpenShiftClaim]"),
    ),
    (
        "/api/v1/open-shifts/{id}/requests",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "Ask for a place (rules checked; auto-approved where the ward says so; 409 when no place is left)",
        &["id"],
        None,
        "201",
        Some("OpenShiftClaim"),
    ),
    (
        "/api/v1/open-shifts/{id}/requests/{request_id}/approve",
        HttpMethod::Post,
        "requests",
        MANAGERS,
        "Approve: takes one place atomically and adds the shift to the roster",
        &["id", "request_id"],
        Some("DecisionInput"),
        "200",
        Some("OpenShiftClaim"),
    ),
    (
        "/api/v1/open-shifts/{id}/requests/{request_id}/decline",
        HttpMethod::Post,
        "requests",
        MANAGERS,
        "Decline",
        &["id", "request_id"],
        Some("DecisionInput"),
        "200",
        Some("OpenShiftClaim"),
    ),
    (
        "/api/v1/open-shifts/{id}/requests/{request_id}/withdraw",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "Withdraw my pending request",
        &["id", "request_id"],
        None,
        "200",
        Some("OpenShiftClaim"),
    ),
    (
        "/api/v1/rosters/{id}/open-shifts",
        HttpMethod::Post,
        "requests",
        MANAGERS,
        "Post a published roster's shortfalls as open shifts",
        &["id"],
        None,
        "201",
        Some("[OpenShift]"),
    ),
    (
        "/api/v1/swap-requests",
        HttpMethod::Get,
        "requests",
        REQUESTS,
        "Swap requests (query status)",
        &[],
        None,
        "200",
        Some("[ShiftTrade]"),
    ),
    (
        "/api/v1/swap-requests",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "Ask a colleague to swap shifts",
        &[],
        Some("SwapRequestInput"),
        "201",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/swap-requests/{id}",
        HttpMethod::Get,
        "requests",
        REQUESTS,
        "A swap request",
        &["id"],
        None,
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/swap-requests/{id}/accept",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "The recipient accepts (rules checked again)",
        &["id"],
        None,
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/swap-requests/{id}/decline",
        HttpMethod::Post,
        "requests",
        REQUESTS,
        "The recipient (while pending) or a manager declines",
        &["id"],
        Some("DecisionInput"),
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/swap-requests/{id}/cancel",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "The requester withdraws",
        &["id"],
        None,
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/swap-requests/{id}/approve",
        HttpMethod::Post,
        "requests",
        MANAGERS,
        "Approve an accepted swap: the published roster changes",
        &["id"],
        Some("DecisionInput"),
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/offer-requests",
        HttpMethod::Get,
        "requests",
        REQUESTS,
        "Offers (query status)",
        &[],
        None,
        "200",
        Some("[ShiftTrade]"),
    ),
    (
        "/api/v1/offer-requests",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "Offer one of my shifts to a colleague",
        &[],
        Some("OfferRequestInput"),
        "201",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/offer-requests/{id}",
        HttpMethod::Get,
        "requests",
        REQUESTS,
        "An offer",
        &["id"],
        None,
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/offer-requests/{id}/accept",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "The recipient accepts (rules checked again)",
        &["id"],
        None,
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/offer-requests/{id}/decline",
        HttpMethod::Post,
        "requests",
        REQUESTS,
        "The recipient (while pending) or a manager declines",
        &["id"],
        Some("DecisionInput"),
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/offer-requests/{id}/cancel",
        HttpMethod::Post,
        "requests",
        STAFF_ONLY,
        "The requester withdraws",
        &["id"],
        None,
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/offer-requests/{id}/approve",
        HttpMethod::Post,
        "requests",
        MANAGERS,
        "Approve an accepted offer: the published roster changes",
        &["id"],
        Some("DecisionInput"),
        "200",
        Some("ShiftTrade"),
    ),
    (
        "/api/v1/manager/inbox",
        HttpMethod::Get,
        "requests",
        "Admin and managers (their wards' requests); staff and integrations get 403.",
        "Requests waiting for a manager, oldest first (query kind, ward_id)",
        &[],
        None,
        "200",
        Some("[InboxItem]"),
    ),
];

fn firstline_paths(mut paths: PathsBuilder) -> PathsBuilder {
    let mut items: std::collections::BTreeMap<&str, PathItem> = std::collections::BTreeMap::new();
    for (path, method, tag, access, summary, params, body, status, schema) in FIRSTLINE {
        let params: Vec<(&str, ParameterIn, bool, &str)> =
            params.iter().map(|p| (*p, ParameterIn::Path, true, "Identifier")).collect();
        let item = operation(tag, access, method.clone(), summary, &params, *body, status, *schema);
        match items.get_mut(path) {
            Some(existing) => existing.merge_operations(item),
            None => {
                items.insert(path, item);
            }
        }
    }
    for (path, item) in items {
        paths = paths.path(path, item);
    }
    let feed = OperationBuilder::new()
        .tag("me")
        .summary(Some("A personal iCalendar feed (the secret in the URL is the credential; no bearer token)"))
        .parameter(string_param("token", ParameterIn::Path, true, "The feed secret from POST /me/calendar-token"))
        .response(
            "200",
            ResponseBuilder::new()
                .description("RFC 5545 calendar: published shifts, cancelled ones as STATUS:CANCELLED")
                .content("text/calendar", ContentBuilder::new().build())
                .build(),
        )
        .response("404", problem("Unknown or revoked feed"));
    paths.path("/api/v1/calendar/{token}.ics", PathItem::new(HttpMethod::Get, feed))
}

fn roster_paths(paths: PathsBuilder) -> PathsBuilder {
    let id = || ("id", ParameterIn::Path, true, "The roster's id");
    let job = || ("id", ParameterIn::Path, true, "The job's id");
    let assignment = || ("assignment_id", ParameterIn::Path, true, "The assignment's id");
    let if_match = || ("If-Match", ParameterIn::Header, true, "The roster's ETag");
    let ward = || ("ward_id", ParameterIn::Query, false, "Only this ward");
    let from = || ("from", ParameterIn::Query, false, "First local date");
    let to = || ("to", ParameterIn::Query, false, "Last local date");
    let mut collection = roster_op(HttpMethod::Get, "List rosters", &[], None, "200", Some("[Roster]"));
    collection.merge_operations(roster_op(
        HttpMethod::Post,
        "Create a draft roster",
        &[],
        Some("RosterInput"),
        "201",
        Some("Roster"),
    ));
    let assignment_params = [id(), ward(), ("staff_id", ParameterIn::Query, false, "Only this person"), from(), to()];
    let mut assignments = roster_op(
        HttpMethod::Get,
        "Assignments, local and UTC",
        &assignment_params,
        None,
        "200",
        Some("[AssignmentView]"),
    );
    assignments.merge_operations(roster_op(
        HttpMethod::Post,
        "Add an assignment to a draft (If-Match); 422 lists each rule it breaks",
        &[id(), if_match()],
        Some("AssignmentInput"),
        "201",
        Some("EditOutcome"),
    ));
    paths
        .path("/api/v1/rosters", collection)
        .path("/api/v1/rosters/{id}", roster_op(HttpMethod::Get, "Get a roster", &[id()], None, "200", Some("Roster")))
        .path(
            "/api/v1/rosters/{id}/solve",
            roster_op(
                HttpMethod::Post,
                "Queue a solve (202 + Location of the job)",
                &[id()],
                Some("SolveParams"),
                "202",
                Some("Job"),
            ),
        )
        .path(
            "/api/v1/rosters/{id}/publish",
            roster_op(
                HttpMethod::Post,
                "Publish a solved draft (If-Match required; 409 if already published, 412 if stale)",
                &[id(), if_match()],
                None,
                "200",
                Some("Roster"),
            ),
        )
        .path(
            "/api/v1/rosters/{id}/drafts",
            roster_op(
                HttpMethod::Post,
                "Start a new draft from a published roster",
                &[id()],
                None,
                "201",
                Some("Roster"),
            ),
        )
        .path("/api/v1/rosters/{id}/assignments", assignments)
        .path(
            "/api/v1/rosters/{id}/call-outs",
            roster_op(
                HttpMethod::Post,
                "Re-plan a published roster after a call-out: a repair draft and the diff",
                &[id()],
                Some("CallOutInput"),
                "201",
                Some("Repair"),
            ),
        )
        .path(
            "/api/v1/rosters/{id}/assignments/{assignment_id}",
            roster_op(
                HttpMethod::Delete,
                "Remove an assignment from a draft (If-Match)",
                &[id(), assignment(), if_match()],
                None,
                "200",
                Some("EditOutcome"),
            ),
        )
        .path(
            "/api/v1/rosters/{id}/coverage",
            roster_op(
                HttpMethod::Get,
                "Required against assigned per shift, role and skill (query ward_id, from, to)",
                &[id(), ward(), from(), to()],
                None,
                "200",
                Some("[CoverageLine]"),
            ),
        )
        .path(
            "/api/v1/rosters/{id}/assignments/{assignment_id}/move",
            roster_op(
                HttpMethod::Post,
                "Move an assignment to another person, day or shift (If-Match); 422 lists each rule it breaks",
                &[id(), assignment(), if_match()],
                Some("MoveInput"),
                "200",
                Some("EditOutcome"),
            ),
        )
        .path("/api/v1/rosters/{id}/assignments/{assignment_id}/pin", {
            let mut pin = roster_op(
                HttpMethod::Put,
                "Pin an assignment: re-solving keeps it (If-Match)",
                &[id(), assignment(), if_match()],
                None,
                "200",
                Some("EditOutcome"),
            );
            pin.merge_operations(roster_op(
                HttpMethod::Delete,
                "Unpin an assignment (If-Match)",
                &[id(), assignment(), if_match()],
                None,
                "200",
                Some("EditOutcome"),
            ));
            pin
        })
        .path(
            "/api/v1/rosters/{id}/swaps",
            roster_op(
                HttpMethod::Post,
                "Exchange the people of two assignments of a draft (If-Match)",
                &[id(), if_match()],
                Some("SwapInput"),
                "200",
                Some("EditOutcome"),
            ),
        )
        .path(
            "/api/v1/rosters/{id}/workload",
            roster_op(
                HttpMethod::Get,
                "Hours against contract, nights and weekends per person, and their spread (fairness)",
                &[id()],
                None,
                "200",
                Some("Workload"),
            ),
        )
        .path(
            "/api/v1/rosters/{id}/changes",
            roster_op(HttpMethod::Get, "Who changed what, oldest first", &[id()], None, "200", Some("[Change]")),
        )
        .path(
            "/api/v1/jobs/{id}",
            roster_op(HttpMethod::Get, "A job: status, progress, result", &[job()], None, "200", Some("Job")),
        )
        .path(
            "/api/v1/jobs/{id}/cancel",
            roster_op(HttpMethod::Post, "Cancel a queued or running job", &[job()], None, "200", Some("Job")),
        )
}

fn probe(summary: &str, failure: Option<&str>) -> PathItem {
    let mut op = OperationBuilder::new()
        .tag("operations")
        .summary(Some(summary))
        .response("200", ResponseBuilder::new().description("OK").build());
    if let Some(f) = failure {
        op = op.response("503", problem(f));
    }
    PathItem::new(HttpMethod::Get, op)
}

/// Build the whole document.
#[must_use]
pub fn build() -> Document {
    let mut doc = Base::openapi();
    let mut paths = PathsBuilder::new()
        .path("/api/v1/health", probe("Liveness: the process answers (no auth)", None))
        .path("/api/v1/ready", probe("Readiness: the database answers (no auth)", Some("Database unreachable")))
        .path(
            "/api/v1/wards/{id}/shifts",
            ward_view(
                "Concrete shifts of the ward: local and UTC times, real length across DST",
                "ShiftOccurrence",
                "Read: admin, integration, managers of the ward, staff of the site.",
            ),
        )
        .path(
            "/api/v1/wards/{id}/demand",
            ward_view(
                "Required staff per shift: fixed requirements raised by census × nurse ratio",
                "DemandLine",
                "Read: admin, integration, managers of the ward.",
            ),
        );
    paths = firstline_paths(roster_paths(crud_paths(paths)));
    doc.paths = paths.build();
    if let Some(components) = doc.components.as_mut() {
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
    doc
}

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(build())
}

/// Interactive API reference at `/api/v1/docs`.
pub fn docs_page() -> Scalar<Document> {
    Scalar::with_url("/docs", build())
}
