// Hand-written to match migrations/{sqlite,postgres}; one schema for both backends.
diesel::table! {
    sites (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        time_zone -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    wards (id) {
        id -> Text,
        site_id -> Text,
        code -> Text,
        name -> Text,
        unit_type -> Text,
        beds -> Integer,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        open_shifts_auto_approve -> Bool,
    }
}

diesel::table! {
    roles (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    skills (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    staff (id) {
        id -> Text,
        site_id -> Text,
        employee_number -> Text,
        name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        primary_role_id -> Text,
        fte -> Double,
        active -> Bool,
        employment_type -> Text,
        min_hours_per_week -> Double,
        max_hours_per_week -> Double,
        max_consecutive_days -> Integer,
        min_rest_hours -> Double,
        max_nights_per_4_weeks -> Integer,
        max_weekends_per_4_weeks -> Integer,
        night_eligible -> Bool,
        hourly_cost_cents -> BigInt,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        email_opt_out -> Bool,
    }
}

diesel::table! {
    staff_wards (staff_id,ward_id) {
        staff_id -> Text,
        ward_id -> Text,
        kind -> Text,
    }
}

diesel::table! {
    credentials (id) {
        id -> Text,
        staff_id -> Text,
        skill_id -> Text,
        valid_from -> Date,
        expires_on -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    shift_templates (id) {
        id -> Text,
        ward_id -> Text,
        code -> Text,
        name -> Text,
        start_minute -> Integer,
        duration_minutes -> Integer,
        unpaid_break_minutes -> Integer,
        weekdays -> Integer,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    staffing_requirements (id) {
        id -> Text,
        ward_id -> Text,
        shift_template_id -> Text,
        role_id -> Text,
        skill_id -> Nullable<Text>,
        min_count -> Integer,
        target_count -> Integer,
        max_count -> Integer,
        weekdays -> Integer,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    nurse_ratios (id) {
        id -> Text,
        site_id -> Text,
        unit_type -> Text,
        role_id -> Text,
        patients_per_nurse -> Double,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    census (id) {
        id -> Text,
        ward_id -> Text,
        shift_template_id -> Text,
        date -> Date,
        patients -> Integer,
        acuity -> Nullable<Double>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    unavailability (id) {
        id -> Text,
        staff_id -> Text,
        kind -> Text,
        status -> Text,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        note -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        role -> Text,
        site_id -> Nullable<Text>,
        ward_id -> Nullable<Text>,
        staff_id -> Nullable<Text>,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(wards -> sites (site_id));
diesel::joinable!(staff -> sites (site_id));
diesel::joinable!(staff -> roles (primary_role_id));
diesel::joinable!(staff_wards -> staff (staff_id));
diesel::joinable!(staff_wards -> wards (ward_id));
diesel::joinable!(credentials -> staff (staff_id));
diesel::joinable!(credentials -> skills (skill_id));
diesel::joinable!(shift_templates -> wards (ward_id));
diesel::joinable!(staffing_requirements -> shift_templates (shift_template_id));
diesel::joinable!(staffing_requirements -> wards (ward_id));
diesel::joinable!(nurse_ratios -> sites (site_id));
diesel::joinable!(census -> wards (ward_id));
diesel::joinable!(unavailability -> staff (staff_id));

diesel::table! {
    rosters (id) {
        id -> Text,
        site_id -> Text,
        name -> Text,
        start_date -> Date,
        end_date -> Date,
        status -> Text,
        objective -> Nullable<Double>,
        solved_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        based_on -> Nullable<Text>,
        superseded_by -> Nullable<Text>,
    }
}

diesel::table! {
    roster_wards (roster_id, ward_id) {
        roster_id -> Text,
        ward_id -> Text,
    }
}

diesel::table! {
    roster_assignments (id) {
        id -> Text,
        roster_id -> Text,
        staff_id -> Text,
        ward_id -> Text,
        shift_template_id -> Text,
        date -> Date,
        role_id -> Text,
        skill_id -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        pinned -> Bool,
        override_reason -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        roster_id -> Nullable<Text>,
        status -> Text,
        params -> Text,
        progress -> Nullable<Text>,
        result -> Nullable<Text>,
        error -> Nullable<Text>,
        attempts -> Integer,
        cancel_requested -> Bool,
        worker -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    roster_changes (id) {
        id -> Text,
        roster_id -> Text,
        version -> BigInt,
        actor -> Text,
        action -> Text,
        detail -> Text,
        created_at -> Timestamp,
    }
}
diesel::table! {
    cancelled_shifts (id) {
        id -> Text,
        staff_id -> Text,
        ward_id -> Text,
        shift_template_id -> Text,
        date -> Date,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        cancelled_at -> Timestamp,
    }
}
diesel::table! {
    calendar_feeds (id) {
        id -> Text,
        staff_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}
diesel::table! {
    time_off_requests (id) {
        id -> Text,
        staff_id -> Text,
        site_id -> Text,
        start_date -> Date,
        end_date -> Date,
        reason -> Text,
        status -> Text,
        manager_note -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        unavailability_id -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
diesel::table! {
    open_shifts (id) {
        id -> Text,
        roster_id -> Text,
        site_id -> Text,
        ward_id -> Text,
        shift_template_id -> Text,
        date -> Date,
        role_id -> Text,
        skill_id -> Nullable<Text>,
        slots -> Integer,
        filled -> Integer,
        note -> Nullable<Text>,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
diesel::table! {
    open_shift_claims (id) {
        id -> Text,
        open_shift_id -> Text,
        staff_id -> Text,
        status -> Text,
        manager_note -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
diesel::table! {
    shift_trades (id) {
        id -> Text,
        kind -> Text,
        roster_id -> Text,
        site_id -> Text,
        ward_id -> Text,
        requester_id -> Text,
        assignment_id -> Text,
        recipient_id -> Text,
        recipient_assignment_id -> Nullable<Text>,
        message -> Nullable<Text>,
        status -> Text,
        manager_note -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
diesel::table! {
    notifications (id) {
        id -> Text,
        staff_id -> Text,
        kind -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}
diesel::table! {
    outbox_emails (id) {
        id -> Text,
        notification_id -> Text,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}
diesel::joinable!(open_shift_claims -> open_shifts (open_shift_id));
diesel::joinable!(outbox_emails -> notifications (notification_id));
diesel::joinable!(rosters -> sites (site_id));
diesel::joinable!(roster_wards -> rosters (roster_id));
diesel::joinable!(roster_assignments -> rosters (roster_id));
diesel::joinable!(jobs -> rosters (roster_id));

diesel::allow_tables_to_appear_in_same_query!(
    sites,
    wards,
    roles,
    skills,
    staff,
    staff_wards,
    credentials,
    shift_templates,
    staffing_requirements,
    nurse_ratios,
    census,
    unavailability,
    api_tokens,
    rosters,
    roster_wards,
    roster_assignments,
    jobs,
    roster_changes,
    cancelled_shifts,
    calendar_feeds,
    time_off_requests,
    open_shifts,
    open_shift_claims,
    shift_trades,
    notifications,
    outbox_emails,
);
