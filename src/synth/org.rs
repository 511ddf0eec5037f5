//! Synthetic organizations.

use std::collections::BTreeMap;

use super::random::{Rand, Zipf};
use crate::model::{DeskSpec, OrgSpec, SiteSpec, TravelSpec, UnitSpec};

/// The shape of a synthetic organization. Start from [`OrgShape::new`] and change fields.
///
/// ```
/// use rightdesk::synth::{self, OrgShape};
/// let mut shape = OrgShape::new(2_000).seed(42);
/// shape.languages = 3;
/// shape.zipf_exponent = 1.2;
/// let spec = synth::org(&shape);
/// assert_eq!(spec.desks.len(), 2_000);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OrgShape {
    /// Seed of the random choices.
    pub seed: u64,
    /// Number of desks.
    pub desks: usize,
    /// Levels of the unit tree (1: a single unit).
    pub units_depth: u32,
    /// Children of each unit above the last level.
    pub fan_out: u32,
    /// Number of sites.
    pub sites: usize,
    /// Sites per region: travel is known between every pair of sites of a region.
    pub region_sites: usize,
    /// Each region's first site (its hub) has travel to the hubs of this many next regions
    /// on a ring. Other pairs of sites are unreachable.
    pub hub_links: usize,
    /// Number of distinct capability names.
    pub capabilities: usize,
    /// Each desk has 1..=this many capabilities.
    pub capabilities_per_desk: u32,
    /// Skew of capability popularity: rank `k` is drawn with weight `1/(k+1)^s`.
    pub zipf_exponent: f64,
    /// Number of languages spoken (the first is spoken at most desks).
    pub languages: usize,
    /// Highest authority level (most desks are low).
    pub max_authority: u32,
    /// Share of units that have a duty desk.
    pub duty_desk_fraction: f64,
    /// Share of desks that refer some need elsewhere today.
    pub referral_fraction: f64,
    /// Share of referrals that come back (a cycle of two or three desks).
    pub cycle_fraction: f64,
    /// Share of desks open 24/7.
    pub always_open_fraction: f64,
    /// The organization's time zone.
    pub timezone: Option<String>,
    /// Holiday country for `PH` in opening hours.
    pub holidays: Option<String>,
}

impl OrgShape {
    /// A realistic shape for `desks` desks: about 10 desks per unit in a tree of fan-out 8,
    /// one site per 200 desks (at least 4, at most 5 000), one capability per 20 desks (at
    /// least 20, at most 20 000), regions of 16 sites, Zipf exponent 1.0, 5 languages,
    /// authority 0..=4.
    pub fn new(desks: usize) -> OrgShape {
        let fan_out = 8u32;
        let target_units = (desks / 10).max(1);
        let mut units_depth = 1u32;
        let mut total = 1usize;
        let mut level = 1usize;
        while total < target_units && units_depth < 12 {
            level = level.saturating_mul(fan_out as usize);
            total = total.saturating_add(level);
            units_depth += 1;
        }
        OrgShape {
            seed: 0,
            desks,
            units_depth,
            fan_out,
            sites: (desks / 200).clamp(4, 5_000),
            region_sites: 16,
            hub_links: 4,
            capabilities: (desks / 20).clamp(20, 20_000),
            capabilities_per_desk: 4,
            zipf_exponent: 1.0,
            languages: 5,
            max_authority: 4,
            duty_desk_fraction: 0.7,
            referral_fraction: 0.05,
            cycle_fraction: 0.2,
            always_open_fraction: 0.15,
            timezone: Some("America/Los_Angeles".to_owned()),
            holidays: Some("US".to_owned()),
        }
    }

    /// The same shape with another seed.
    pub fn seed(mut self, seed: u64) -> OrgShape {
        self.seed = seed;
        self
    }

    /// Number of units the tree will have.
    pub fn unit_count(&self) -> usize {
        let mut total = 0usize;
        let mut level = 1usize;
        for _ in 0..self.units_depth.max(1) {
            total = total.saturating_add(level);
            level = level.saturating_mul(self.fan_out.max(1) as usize);
        }
        total.min(10_000_000)
    }
}

impl Default for OrgShape {
    fn default() -> Self {
        OrgShape::new(1_000)
    }
}

/// Common opening hours, with weights. `None` is 24/7.
pub(crate) const HOURS: &[(&str, u32)] = &[
    ("Mo-Fr 08:00-16:30", 20),
    ("Mo-Fr 08:00-12:00,13:00-17:00; Sa 09:00-12:00; PH off", 15),
    ("Mo-Fr 09:00-17:00; PH off", 15),
    ("Mo-Fr 07:30-18:00", 8),
    ("Mo-Sa 07:00-19:00; PH off", 6),
    ("Mo-Th 08:00-17:00; Fr 08:00-13:00; PH off", 6),
    ("Tu-Sa 10:00-18:00", 5),
    ("Mo-Fr 08:00-18:00; We 08:00-12:00", 4),
    ("Mo-Su 06:00-22:00", 4),
    ("Mo-Fr 22:00-06:00", 2),
    ("Jan-Jun Mo-Fr 08:00-16:00; Jul-Dec Mo-Fr 09:00-17:00", 2),
    ("Mo,We,Fr 10:00-14:00; PH off", 2),
];

/// Language codes, most spoken first.
const LANGUAGES: &[&str] = &[
    "en", "es", "zh", "vi", "fr", "de", "ar", "ru", "pt", "ko", "tl", "hi", "ja", "it", "pl", "uk",
];

/// Things customers are asked to bring, with their probability.
const DOCUMENTS: &[(&str, f64)] = &[
    ("photo_id", 0.2),
    ("case_number", 0.1),
    ("proof_of_address", 0.05),
];

/// Capability areas and actions; names are `area.action`, then `area.action.N`.
const AREAS: &[&str] = &[
    "records",
    "permits",
    "licensing",
    "billing",
    "benefits",
    "housing",
    "parking",
    "tax",
    "health",
    "it",
    "hr",
    "facilities",
    "legal",
    "traffic",
    "water",
    "waste",
    "parks",
    "transit",
    "passports",
    "customs",
];
const ACTIONS: &[&str] = &[
    "copy", "renew", "issue", "appeal", "refund", "inspect", "register", "cancel", "update",
    "report", "certify", "schedule", "transfer", "verify", "exempt",
];

/// The name of capability rank `k`.
pub(crate) fn capability_name(k: usize) -> String {
    let combos = AREAS.len() * ACTIONS.len();
    let area = AREAS.get(k % AREAS.len()).copied().unwrap_or("misc");
    let action = ACTIONS
        .get((k / AREAS.len()) % ACTIONS.len())
        .copied()
        .unwrap_or("handle");
    if k < combos {
        format!("{area}.{action}")
    } else {
        format!("{area}.{action}.{}", k / combos)
    }
}

/// The language code number `k`.
pub(crate) fn language_name(k: usize) -> String {
    match LANGUAGES.get(k) {
        Some(l) => (*l).to_owned(),
        None => format!("l{k}"),
    }
}

/// Generate an organization of the given shape.
///
/// # Complexity
/// O(desks × (capabilities per desk × log capabilities + languages) + units + sites).
pub fn org(shape: &OrgShape) -> OrgSpec {
    let mut rng = Rand::new(shape.seed, 1);
    let n_desks = shape.desks;
    let n_sites = shape.sites.max(1);
    let n_units = shape.unit_count().max(1);
    let fan_out = shape.fan_out.max(1) as usize;

    // Sites in regions of `region_sites` sites with travel between every pair of the
    // region; the first site of each region (its hub) also has travel to the hubs of the
    // next `hub_links` regions on a ring. Other pairs are unreachable.
    let sites: Vec<SiteSpec> = (0..n_sites)
        .map(|i| SiteSpec {
            id: format!("s{i}"),
            name: None,
            address: None,
        })
        .collect();
    let region = shape.region_sites.max(1);
    let n_regions = n_sites.div_ceil(region);
    let mut travel = Vec::new();
    for r in 0..n_regions {
        let first = r * region;
        let last = (first + region).min(n_sites);
        for a in first..last {
            for b in (a + 1)..last {
                travel.push(TravelSpec {
                    from: format!("s{a}"),
                    to: format!("s{b}"),
                    minutes: 5 + 3 * (b - a) as u32 + rng.range(0, 15),
                });
            }
        }
        let links = shape.hub_links.min(n_regions.saturating_sub(1) / 2);
        for k in 1..=links {
            let other = ((r + k) % n_regions) * region;
            travel.push(TravelSpec {
                from: format!("s{first}"),
                to: format!("s{other}"),
                minutes: 60 * k as u32 + rng.range(0, 120),
            });
        }
    }

    // Units: a full tree in breadth-first order; unit `i`'s parent is `(i - 1) / fan_out`.
    let mut units: Vec<UnitSpec> = (0..n_units)
        .map(|i| UnitSpec {
            id: format!("u{i}"),
            name: None,
            parent: (i > 0).then(|| format!("u{}", (i - 1) / fan_out)),
            duty_desk: None,
        })
        .collect();
    // Each unit's home site: mostly in its parent's region.
    let mut home_site: Vec<usize> = Vec::with_capacity(n_units);
    for i in 0..n_units {
        let parent_home = (i > 0)
            .then(|| home_site.get((i - 1) / fan_out).copied())
            .flatten();
        let site = match parent_home {
            Some(p) if rng.chance(0.8) => {
                let first = p / region * region;
                first + rng.below((first + region).min(n_sites) - first)
            }
            _ => rng.below(n_sites),
        };
        home_site.push(site);
    }

    // Desks.
    let zipf = Zipf::new(shape.capabilities.max(1), shape.zipf_exponent);
    let hours_total: u32 = HOURS.iter().map(|(_, w)| w).sum();
    let n_lang = shape.languages.max(1);
    let mut desk_unit: Vec<usize> = Vec::with_capacity(n_desks);
    let mut desks: Vec<DeskSpec> = Vec::with_capacity(n_desks);
    for i in 0..n_desks {
        // Every unit gets a desk first (so most units can have a duty desk), then at random.
        let unit = if i < n_units { i } else { rng.below(n_units) };
        let site = if rng.chance(0.75) {
            home_site.get(unit).copied().unwrap_or(0)
        } else {
            rng.below(n_sites)
        };
        let n_caps = rng.range(1, shape.capabilities_per_desk.max(1));
        let mut caps: Vec<usize> = Vec::with_capacity(n_caps as usize);
        for _ in 0..n_caps {
            let c = zipf.sample(&mut rng);
            if !caps.contains(&c) {
                caps.push(c);
            }
        }
        let mut languages = Vec::new();
        if rng.chance(0.9) {
            languages.push(language_name(0));
        }
        for l in 1..n_lang {
            if rng.chance(0.25 / (l as f64).powf(0.7)) {
                languages.push(language_name(l));
            }
        }
        if languages.is_empty() {
            languages.push(language_name(rng.below(n_lang)));
        }
        let mut authority = 0;
        while authority < shape.max_authority && rng.chance(0.35) {
            authority += 1;
        }
        let hours = if rng.chance(shape.always_open_fraction) {
            None
        } else {
            let mut x = rng.below(hours_total as usize) as u32;
            let mut chosen = HOURS.first().map(|h| h.0);
            for (h, w) in HOURS {
                if x < *w {
                    chosen = Some(h);
                    break;
                }
                x -= w;
            }
            chosen.map(str::to_owned)
        };
        let requires = DOCUMENTS
            .iter()
            .filter(|(_, p)| rng.chance(*p))
            .map(|(d, _)| (*d).to_owned())
            .collect();
        desk_unit.push(unit);
        desks.push(DeskSpec {
            id: format!("d{i}"),
            name: None,
            unit: format!("u{unit}"),
            site: format!("s{site}"),
            capabilities: caps.into_iter().map(capability_name).collect(),
            authority,
            languages,
            hours,
            wait_minutes: rng.range(0, 45),
            requires,
            refers: BTreeMap::new(),
        });
    }

    // Duty desks: the first desk of a unit (units get desk `i` first).
    for (i, unit) in units.iter_mut().enumerate() {
        if i < n_desks && rng.chance(shape.duty_desk_fraction) {
            unit.duty_desk = Some(format!("d{i}"));
        }
    }

    // Today's referrals: a need the desk does not handle, sent to another desk (often one
    // that cannot handle it either); some come back, making a cycle.
    if n_desks >= 2 {
        let n_ref = (n_desks as f64 * shape.referral_fraction) as usize;
        for _ in 0..n_ref {
            let from = rng.below(n_desks);
            let need = capability_name(zipf.sample(&mut rng));
            if desks
                .get(from)
                .is_some_and(|d| d.capabilities.contains(&need) || d.refers.contains_key(&need))
            {
                continue;
            }
            let mut to = rng.below(n_desks - 1);
            if to >= from {
                to += 1;
            }
            if let Some(d) = desks.get_mut(from) {
                d.refers.insert(need.clone(), format!("d{to}"));
            }
            if rng.chance(shape.cycle_fraction) {
                // `to` sends it back, directly or through a third desk.
                let third = rng.below(n_desks);
                let back = if third != to && third != from && rng.chance(0.5) {
                    if let Some(d) = desks.get_mut(third) {
                        d.refers.entry(need.clone()).or_insert(format!("d{from}"));
                    }
                    third
                } else {
                    from
                };
                if let Some(d) = desks.get_mut(to) {
                    d.refers.entry(need).or_insert(format!("d{back}"));
                }
            }
        }
    }

    OrgSpec {
        name: Some(format!(
            "synthetic organization ({n_desks} desks, seed {})",
            shape.seed
        )),
        timezone: shape.timezone.clone(),
        holidays: shape.holidays.clone(),
        sites,
        travel,
        units,
        desks,
    }
}
