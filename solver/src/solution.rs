//! The result of a solve, explained per family, per person and per slot.

use crate::problem::{Assignment, Family};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SolveStatus {
    /// Proved optimal (within the requested relative gap).
    Optimal,
    /// A roster that breaks no hard rule; search ended before a proof.
    Feasible,
    /// The time limit ended the search; the roster may break hard rules.
    TimeLimit,
    /// Proved that no roster satisfies the hard rules.
    Infeasible,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffSummary {
    pub staff: String,
    pub shifts: u32,
    pub minutes: u64,
    pub nights: u32,
    pub weekends: u32,
    pub requests_met: u32,
    pub requests_total: u32,
    /// Soft cost attributed to this person.
    pub cost: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlotSummary {
    pub slot: usize,
    pub day: u32,
    pub shift: String,
    pub ward: String,
    pub skill: Option<String>,
    pub assigned: u32,
    pub min: u32,
    pub target: u32,
    pub max: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UncoveredReason {
    /// Nobody has the skill/ward/credential and is available that day.
    NobodyEligible,
    /// Every eligible person is unavailable (approved leave, pinned off).
    Unavailability,
    /// Every eligible person is at their maximum minutes or shift limits.
    AllAtMaxHours,
    /// Eligible people are blocked by rest or forbidden successions.
    RestOrSuccession,
    /// Eligible people already work another shift that day.
    BusyElsewhere,
    /// Covering would cost more elsewhere (sequences, weekends, requests…).
    CostTradeOff,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Uncovered {
    pub slot: usize,
    pub day: u32,
    pub shift: String,
    pub ward: String,
    pub skill: Option<String>,
    pub assigned: u32,
    pub target: u32,
    pub reason: UncoveredReason,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    pub status: SolveStatus,
    pub assignments: Vec<Assignment>,
    /// Objective recomputed by the validator from the assignments.
    pub objective: f64,
    /// Proven lower bound (from the full model), if any.
    pub best_bound: Option<f64>,
    /// Relative gap `(objective - bound) / max(|objective|, 1)`.
    pub gap: Option<f64>,
    /// Raw MILP objective of the full model when the roster came from it.
    pub model_objective: Option<f64>,
    pub cost_by_family: BTreeMap<Family, f64>,
    pub staff: Vec<StaffSummary>,
    pub slots: Vec<SlotSummary>,
    pub uncovered: Vec<Uncovered>,
    /// Number of hard violations (0 unless status is `TimeLimit`).
    pub hard_violations: usize,
    pub elapsed_seconds: f64,
}

impl Solution {
    /// A solution holding only assignments (for validating external rosters).
    pub fn from_assignments(assignments: Vec<Assignment>) -> Solution {
        Solution {
            status: SolveStatus::Feasible,
            assignments,
            objective: 0.0,
            best_bound: None,
            gap: None,
            model_objective: None,
            cost_by_family: BTreeMap::new(),
            staff: Vec::new(),
            slots: Vec::new(),
            uncovered: Vec::new(),
            hard_violations: 0,
            elapsed_seconds: 0.0,
        }
    }
}
