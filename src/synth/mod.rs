//! Seeded generators of realistic synthetic organizations, rule sets and request streams,
//! for benchmarks, property tests and sizing your own deployment.
//!
//! Everything is deterministic: the same shape (including its `seed`) gives the same
//! specs, on every platform and run. The random numbers come from ChaCha8
//! ([`rand_chacha`](https://crates.io/crates/rand_chacha)), whose output stream is fixed by
//! its specification; ranges, probabilities and Zipf draws are computed here from raw
//! 64-bit words, so results do not depend on a random-distribution library's version.
//!
//! The generated specs are plain [`OrgSpec`](crate::OrgSpec) / [`RuleSetSpec`](crate::RuleSetSpec) data: they can be saved as
//! YAML, JSON or TOML, and they pass [`Org::from_spec`](crate::Org::from_spec) and
//! [`RuleSet::from_spec`](crate::RuleSet::from_spec).
//!
//! # What the data looks like
//!
//! - **Organization** ([`org`]): a unit tree of [`OrgShape::units_depth`] levels and
//!   [`OrgShape::fan_out`] children per unit, some units with a duty desk, each unit's
//!   desks mostly at one site in its parent's region; sites in regions with travel times
//!   between all sites of a region and between neighbouring regions' hubs (other pairs are
//!   unreachable);
//!   desks with 1..=[`OrgShape::capabilities_per_desk`] capabilities drawn from a Zipf
//!   distribution (a few capabilities are offered almost everywhere, most by a handful of
//!   desks), languages, authority levels (mostly low), opening hours from a set of common
//!   schedules (some 24/7, some with public holidays off, one over midnight), queues,
//!   documents to bring, and today's referrals, a few of which form cycles.
//! - **Rules** ([`rules`]): one base rule per common need (`need eq X` → capability `X`),
//!   then refinements of popular needs at higher priorities: membership (`requester in
//!   [...]`) with authority, numeric ranges (`amount`), nested `any`/`all`/`not`, `exists`,
//!   `prefix`, `need in [...]` groups. Some rules require the desk to speak the
//!   request's language, are scoped to a unit subtree or a site, or name an owner unit for
//!   escalations; a few demand a capability nobody offers (coverage gaps). Facts are
//!   declared with types, allowed values and questions.
//! - **Requests** ([`requests`]): needs drawn from a Zipf distribution over the needs the
//!   rules mention (common and rare), facts that make one of the rules for that need true,
//!   some requests missing a fact the rules ask about, some unknown needs, origin sites,
//!   languages and local times over a week.
//!
//! # Scale
//!
//! Generation is linear in desks, rules and requests: about a second per million desks in
//! a release build, plus the memory of the specs themselves (a few hundred bytes per desk).
//!
//! # Example
//! ```
//! use rightdesk::synth::{self, OrgShape, RequestShape, RuleShape};
//! use rightdesk::{Org, RuleSet};
//! let org_spec = synth::org(&OrgShape::new(500).seed(7));
//! let rules_spec = synth::rules(&org_spec, &RuleShape::new(50).seed(7));
//! let requests = synth::requests(&org_spec, &rules_spec, &RequestShape::new(20).seed(7));
//! let org = Org::from_spec(org_spec).map_err(|p| p.to_string())?;
//! let rules = RuleSet::from_spec(rules_spec, &org).map_err(|p| p.to_string())?;
//! assert_eq!(org.desks().len(), 500);
//! assert_eq!(rules.rules().len(), 50);
//! assert_eq!(requests.len(), 20);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod org;
mod random;
mod requests;
mod rules;

pub use org::{OrgShape, org};
pub use requests::{RequestShape, requests};
pub use rules::{RuleShape, rules};
