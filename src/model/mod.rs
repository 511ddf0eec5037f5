//! The organization: sites, units (chain of command), desks, travel and today's referrals.
//!
//! [`OrgSpec`] is the file format; [`Org`] is the validated model, with a petgraph graph
//! inside and ids outside.

mod id;
mod index;
mod list;
mod org;
pub(crate) mod source;
pub mod spec;

pub use id::Id;
pub use list::List;
pub use org::{Desk, Org, OrgEdge, OrgNode, Site, Unit};
pub(crate) use org::{IdMap, closest_id};
pub use spec::{DeskSpec, OrgSpec, SiteSpec, TravelSpec, UnitSpec};

/// Index of a site in [`Org::sites`].
pub(crate) type SiteIx = u32;
/// Index of a unit in [`Org::units`].
pub(crate) type UnitIx = u32;
/// Index of a desk in [`Org::desks`].
pub(crate) type DeskIx = u32;
/// Index of an interned capability or need name.
pub(crate) type SymIx = u32;
