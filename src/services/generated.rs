//! A seeded generator of larger hospitals for benchmarks: the demo hospital's wards are the
//! patterns (their shifts, skill mix and requirements), repeated until there are `wards` of
//! them on one site, with requirements, beds and census scaled so that `staff` people are about
//! as busy as the demo's; every person is a copy of a demo colleague of the same ward with the
//! contract and pay varied a little. The same seed gives the same hospital.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::demo::{Fixture, SiteFixture, StaffFixture, WardFixture};

/// Why a fixture cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("the base fixture has no site with wards and staff to copy")]
    EmptyBase,
    #[error("ask for at least one ward and at least as many staff as wards")]
    TooSmall,
}

/// A hospital of `wards` wards and `staff` people on one site (code `GEN`), from `base`.
pub fn hospital(base: &Fixture, seed: u64, wards: usize, staff: usize) -> Result<Fixture, GenerateError> {
    if wards == 0 || staff < wards {
        return Err(GenerateError::TooSmall);
    }
    let site =
        base.sites.iter().find(|s| !s.wards.is_empty() && !s.staff.is_empty()).ok_or(GenerateError::EmptyBase)?;
    let mut rng = StdRng::seed_from_u64(seed);
    // How many demo people each demo ward has at home: its weight and its pool of models.
    let homes =
        |w: &WardFixture| site.staff.iter().filter(|p| p.home_wards.first() == Some(&w.code)).collect::<Vec<_>>();
    let base_staff_per_ward = site.staff.len() as f64 / site.wards.len() as f64;
    let scale = (staff as f64 / wards as f64) / base_staff_per_ward;
    let patterns: Vec<&WardFixture> = (0..wards).map(|i| &site.wards[i % site.wards.len()]).collect();
    let weights: Vec<f64> = patterns.iter().map(|w| homes(w).len().max(1) as f64).collect();
    let total: f64 = weights.iter().sum();
    let mut out_wards = Vec::new();
    let mut out_staff: Vec<StaffFixture> = Vec::new();
    let mut assigned = 0usize;
    for (i, pattern) in patterns.iter().enumerate() {
        let code = format!("{}{}", pattern.code, i / site.wards.len() + 1);
        let mut ward = (*pattern).clone();
        ward.code.clone_from(&code);
        ward.name = format!("{} {}", pattern.name, i / site.wards.len() + 1);
        ward.beds = scaled(ward.beds, scale);
        for r in &mut ward.requirements {
            r.min = scaled(r.min, scale);
            r.target = scaled(r.target, scale).max(r.min);
            r.max = scaled(r.max, scale).max(r.target);
        }
        for v in ward.census.values_mut().chain(ward.census_weekend.values_mut()) {
            *v = scaled(*v, scale);
        }
        // People: this ward's share of `staff`, the last ward takes the rounding rest.
        let count = if i + 1 == wards {
            staff - assigned
        } else {
            ((staff as f64 * weights[i] / total).round() as usize).min(staff - assigned)
        };
        assigned += count;
        let models = homes(pattern);
        for _ in 0..count {
            let n = out_staff.len() + 1;
            let model = if models.is_empty() {
                &site.staff[rng.random_range(0..site.staff.len())]
            } else {
                models[rng.random_range(0..models.len())]
            };
            let mut person = model.clone();
            person.employee_number = format!("GEN{n:05}");
            person.name = format!("{} {n}", model.name.split(' ').next().unwrap_or("Nurse"));
            person.email = Some(format!("gen{n:05}@gen.example.org"));
            person.home_wards = vec![code.clone()];
            person.float_wards = Vec::new();
            person.contract.hourly_cost =
                (model.contract.hourly_cost * rng.random_range(0.95..1.05) * 100.0).round() / 100.0;
            out_staff.push(person);
        }
        out_wards.push(ward);
    }
    // One in seven may also float to another ward of the same kind.
    let same_kind: Vec<(String, String)> = out_wards.iter().map(|w| (w.code.clone(), w.unit_type.clone())).collect();
    for person in &mut out_staff {
        if rng.random_range(0..7) == 0 {
            let home = person.home_wards[0].clone();
            let kind = same_kind.iter().find(|(c, _)| *c == home).map(|(_, k)| k.clone()).unwrap_or_default();
            let others: Vec<&String> =
                same_kind.iter().filter(|(c, k)| *k == kind && *c != home).map(|(c, _)| c).collect();
            if !others.is_empty() {
                person.float_wards = vec![others[rng.random_range(0..others.len())].clone()];
            }
        }
    }
    let site = SiteFixture {
        code: "GEN".to_owned(),
        name: format!("Generated hospital ({wards} wards, {staff} staff, seed {seed})"),
        time_zone: site.time_zone.clone(),
        ratios: site.ratios.clone(),
        wards: out_wards,
        staff: out_staff,
    };
    Ok(Fixture { roles: base.roles.clone(), skills: base.skills.clone(), sites: vec![site] })
}

fn scaled(value: i64, scale: f64) -> i64 {
    if value == 0 {
        0
    } else {
        ((value as f64 * scale).round() as i64).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Fixture {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo-hospital.yaml")).unwrap();
        super::super::demo::parse(&text).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_hospital_of_the_asked_size() {
        let (a, b) = (hospital(&base(), 7, 20, 1000).unwrap(), hospital(&base(), 7, 20, 1000).unwrap());
        assert_eq!(a.sites[0].wards.len(), 20);
        assert_eq!(a.sites[0].staff.len(), 1000);
        let names = |f: &Fixture| {
            f.sites[0].staff.iter().map(|p| (p.name.clone(), p.contract.hourly_cost.to_bits())).collect::<Vec<_>>()
        };
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&hospital(&base(), 8, 20, 1000).unwrap()));
        // Every ward has people at home, and codes are unique.
        let mut codes: Vec<&str> = a.sites[0].wards.iter().map(|w| w.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 20);
        for w in &a.sites[0].wards {
            assert!(a.sites[0].staff.iter().any(|p| p.home_wards[0] == w.code), "{}", w.code);
        }
        assert!(matches!(hospital(&base(), 1, 3, 2), Err(GenerateError::TooSmall)));
    }
}
