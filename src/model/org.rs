//! The validated organization model.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono_tz::Tz;
use petgraph::graph::{DiGraph, NodeIndex};
use smallvec::SmallVec;

use super::index::IdIndex;
use super::source::{DeskRef, OrgSource, SpecStr};
use super::spec::{DeskSpec, OrgSpec, SiteSpec, TravelSpec, UnitSpec};
use super::{DeskIx, Id, List, SiteIx, SymIx, UnitIx};
use crate::hours::Hours;
use crate::problem::{Problem, ProblemKind, Problems};

/// A hash map with a fast hasher for ids and indexes. The ids come from files that may be
/// untrusted, so the hasher is foldhash with a per-process random seed (as fast as FxHash
/// on short ids, and not open to precomputed collisions, which FxHash is).
pub(crate) type IdMap<K, V> = HashMap<K, V, hashbrown::DefaultHashBuilder>;

/// A site: a building or other place.
#[derive(Debug, Clone)]
pub struct Site {
    /// Site id.
    pub id: Id,
    /// Human name (the id when none was given).
    pub name: Id,
    /// Street address.
    pub address: Option<Id>,
}

/// A unit in the chain of command.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Unit id.
    pub id: Id,
    /// Human name (the id when none was given).
    pub name: Id,
    /// The unit it reports to.
    pub parent: Option<Id>,
    /// The desk that owns escalations for this unit.
    pub duty_desk: Option<Id>,
    pub(crate) parent_ix: Option<UnitIx>,
    pub(crate) duty_desk_ix: Option<DeskIx>,
}

/// A desk.
#[derive(Debug, Clone)]
pub struct Desk {
    /// Desk id.
    pub id: Id,
    /// Human name (the id when none was given).
    pub name: Id,
    /// The unit that staffs it.
    pub unit: Id,
    /// The site where it is.
    pub site: Id,
    /// What it can solve.
    pub capabilities: Box<[Id]>,
    /// Authority level.
    pub authority: u32,
    /// Languages spoken (empty: unspecified).
    pub languages: List<Id>,
    /// Opening hours.
    pub hours: Hours,
    /// Expected queue in minutes.
    pub wait_minutes: u32,
    /// What the customer must bring.
    pub requires: List<Id>,
    /// Today's practice: need → desk it sends people to, sorted by need.
    pub refers: List<(Id, Id)>,
    pub(crate) unit_ix: UnitIx,
    pub(crate) site_ix: SiteIx,
}

/// A node of the organization graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgNode {
    /// A site, by index into [`Org::sites`].
    Site(u32),
    /// A unit, by index into [`Org::units`].
    Unit(u32),
    /// A desk, by index into [`Org::desks`].
    Desk(u32),
}

/// An edge of the organization graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgEdge {
    /// Parent unit → child unit (chain of command, downwards).
    Command,
    /// Unit → desk it staffs.
    Staffs,
    /// Desk → the site it is at.
    LocatedAt,
    /// Desk → desk it refers customers to today, for the need (interned symbol index).
    Refers(u32),
    /// Site → site, minutes of travel.
    Travel(u32),
}

/// A validated organization.
///
/// Built from an [`OrgSpec`] with [`Org::from_spec`], or loaded from a file with
/// [`load::org_from_path`](crate::load::org_from_path).
#[derive(Debug, Clone)]
#[allow(dead_code)] // some indexes are used only by later layers
pub struct Org {
    pub(crate) name: Option<String>,
    pub(crate) timezone: Tz,
    pub(crate) holidays: Option<String>,
    pub(crate) sites: Vec<Site>,
    pub(crate) units: Vec<Unit>,
    pub(crate) desks: Vec<Desk>,
    pub(crate) site_ix: IdMap<Id, SiteIx>,
    /// Unit id → index into `units` (the ids are the units' own): [`Org::unit_index`].
    pub(crate) unit_ix: IdIndex,
    /// Desk id → index into `desks` (the ids are the desks' own).
    pub(crate) desk_ix: IdIndex,
    /// Interned capability and need names.
    pub(crate) symbols: Vec<Id>,
    pub(crate) symbol_ix: IdMap<Id, SymIx>,
    /// What the desks offer, interned ([`Org::capability_ixs`], [`Org::refers_ix`]).
    pub(crate) offers: Offers,
    /// (from, to) → minutes; same site is 0; absent is unreachable.
    pub(crate) travel: IdMap<(SiteIx, SiteIx), u32>,
    /// Built on the first [`Org::graph`] call: routing never needs it, analysis does.
    pub(crate) graph: OnceLock<DiGraph<OrgNode, OrgEdge>>,
    /// Warnings found while validating (the organization was accepted).
    pub(crate) warnings: Vec<Problem>,
}

impl Org {
    /// Validate an organization spec, reporting every problem found.
    ///
    /// Checks: duplicate ids, unknown references (desk → unit/site, unit → parent/duty desk,
    /// travel → site, referral → desk), cycles in the chain of command, malformed opening
    /// hours, unknown time zone or holiday country, negative or absurd values.
    ///
    /// # Errors
    /// [`Problems`] listing every error (with the path of each, e.g. `desks[2].unit`).
    ///
    /// # Example
    /// ```
    /// use rightdesk::{Org, OrgSpec};
    /// let spec: OrgSpec = serde_json::from_str(r#"{
    ///   "sites": [{"id": "hq"}],
    ///   "units": [{"id": "records"}],
    ///   "desks": [{"id": "counter", "unit": "records", "site": "hq",
    ///              "capabilities": ["report.copy"]}]
    /// }"#)?;
    /// let org = Org::from_spec(spec)?;
    /// assert_eq!(org.desk("counter").map(|d| d.site.as_str()), Some("hq"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_spec(spec: OrgSpec) -> Result<Org, Problems> {
        Org::build(&spec)
    }

    /// [`Org::from_spec`] from any [`OrgSource`]: the public spec, or the loader's view
    /// of the file's text. Every id is allocated once, here.
    pub(crate) fn build<O: OrgSource + Sync>(spec: &O) -> Result<Org, Problems> {
        Org::build_with(spec, PARALLEL_DESKS)
    }

    /// [`Org::build`], reading the desks on two threads from `parallel_desks` desks on.
    fn build_with<O: OrgSource + Sync>(spec: &O, parallel_desks: usize) -> Result<Org, Problems> {
        let mut problems: Vec<Problem> = Vec::new();

        let timezone = match spec.timezone() {
            None => Tz::UTC,
            Some(name) => match name.parse::<Tz>() {
                Ok(tz) => tz,
                Err(_) => {
                    problems.push(
                        Problem::error(
                            ProblemKind::BadSetting,
                            "timezone",
                            format!("unknown time zone `{name}`"),
                        )
                        .with_hint("use an IANA time zone name, e.g. `America/Los_Angeles`"),
                    );
                    Tz::UTC
                }
            },
        };
        if let Some(cc) = spec.holidays() {
            if cc.parse::<opening_hours::localization::Country>().is_err() {
                problems.push(
                    Problem::error(
                        ProblemKind::BadSetting,
                        "holidays",
                        format!("unknown holiday country `{cc}`"),
                    )
                    .with_hint("use an ISO 3166 two-letter country code, e.g. `US`"),
                );
            }
        }

        // Sites.
        let mut sites = Vec::with_capacity(spec.site_count());
        let mut site_ix: IdMap<Id, SiteIx> =
            IdMap::with_capacity_and_hasher(spec.site_count(), Default::default());
        for (i, s) in (0..spec.site_count()).filter_map(|i| Some((i, spec.site(i)?))) {
            let id = Id::from(s.id);
            check_id(&mut problems, &format!("sites[{i}].id"), s.id);
            if site_ix.contains_key(&id) {
                problems.push(duplicate("site", &format!("sites[{i}].id"), &id));
                continue;
            }
            site_ix.insert(id.clone(), sites.len() as SiteIx);
            sites.push(Site {
                name: s.name.map(Id::from).unwrap_or_else(|| id.clone()),
                id,
                address: s.address.map(Id::from),
            });
        }

        // Travel.
        let mut travel: IdMap<(SiteIx, SiteIx), u32> = IdMap::default();
        let mut explicit: IdMap<(SiteIx, SiteIx), usize> = IdMap::default();
        for (i, t) in (0..spec.travel_count()).filter_map(|i| Some((i, spec.travel(i)?))) {
            let from = lookup(
                &mut problems,
                &site_ix,
                "site",
                &format!("travel[{i}].from"),
                t.from,
            );
            let to = lookup(
                &mut problems,
                &site_ix,
                "site",
                &format!("travel[{i}].to"),
                t.to,
            );
            if let (Some(a), Some(b)) = (from, to) {
                if a == b {
                    problems.push(
                        Problem::error(
                            ProblemKind::BadValue,
                            format!("travel[{i}]"),
                            format!("travel from site `{}` to itself", t.from),
                        )
                        .with_hint("travel within a site is always 0 minutes; remove this entry"),
                    );
                    continue;
                }
                if let Some(prev) = explicit.insert((a, b), i) {
                    problems.push(
                        Problem::error(
                            ProblemKind::DuplicateId,
                            format!("travel[{i}]"),
                            format!("travel from `{}` to `{}` is given twice", t.from, t.to),
                        )
                        .with_hint(format!("see travel[{prev}]")),
                    );
                }
                travel.insert((a, b), t.minutes);
            }
        }
        // Symmetric unless given both ways.
        let given: Vec<((SiteIx, SiteIx), u32)> = travel.iter().map(|(&k, &m)| (k, m)).collect();
        for ((a, b), m) in given {
            if !explicit.contains_key(&(b, a)) {
                travel.insert((b, a), m);
            }
        }

        // Units (first pass: ids).
        let mut unit_ix = IdIndex::with_capacity(spec.unit_count());
        let mut unit_spec_ix: Vec<usize> = Vec::with_capacity(spec.unit_count());
        let mut unit_ids: Vec<Id> = Vec::with_capacity(spec.unit_count());
        for (i, u) in (0..spec.unit_count()).filter_map(|i| Some((i, spec.unit(i)?))) {
            let id = Id::from(u.id);
            if blank(u.id) {
                check_id(&mut problems, &format!("units[{i}].id"), u.id);
            }
            let key = |ix: UnitIx| unit_ids.get(ix as usize).map_or("", |u: &Id| u.as_str());
            if unit_ix
                .insert(&id, unit_spec_ix.len() as UnitIx, key)
                .is_err()
            {
                problems.push(duplicate("unit", &format!("units[{i}].id"), &id));
                continue;
            }
            unit_spec_ix.push(i);
            unit_ids.push(id);
        }

        // The desks: where each desk is (unit, site, hours, languages, documents) needs
        // no desk ids, so a large organization reads it on a second thread while this one
        // indexes the desk ids, links the units and reads what each desk offers
        // (capabilities, referrals, interned as symbols). Each part keeps its problems with
        // the desk's position, and they are put in the order one thread finds them: the
        // result is the same `Org` either way.
        let unit_table = IdsTable {
            index: &unit_ix,
            ids: &unit_ids,
        };
        let tables = Tables {
            sites: &sites,
            site_ix: &site_ix,
            units: unit_table,
        };
        let place = || places(spec, &tables, spec.holidays());
        let rest = || {
            let mut problems: Vec<Problem> = Vec::new();
            // Desks (first pass: ids).
            let desks_of = || (0..spec.desk_count()).filter_map(|i| Some((i, spec.desk(i)?)));
            let mut desk_ix = IdIndex::with_capacity(spec.desk_count());
            let mut desk_spec_ix: Vec<usize> = Vec::with_capacity(spec.desk_count());
            let mut desk_ids: Vec<Id> = Vec::with_capacity(spec.desk_count());
            for (i, d) in desks_of() {
                let id = Id::from(d.id);
                if blank(d.id) {
                    check_id(&mut problems, &format!("desks[{i}].id"), d.id);
                }
                let key = |ix: DeskIx| desk_ids.get(ix as usize).map_or("", |d: &Id| d.as_str());
                if desk_ix
                    .insert(&id, desk_spec_ix.len() as DeskIx, key)
                    .is_err()
                {
                    problems.push(duplicate("desk", &format!("desks[{i}].id"), &id));
                    continue;
                }
                desk_spec_ix.push(i);
                desk_ids.push(id);
            }
            let desk_table = IdsTable {
                index: &desk_ix,
                ids: &desk_ids,
            };
            // A duplicate is not built, but its references are still checked, so that one
            // load reports every error.
            for (i, d) in desks_of() {
                if desk_spec_ix.binary_search(&i).is_err() {
                    lookup(
                        &mut problems,
                        &unit_table,
                        "unit",
                        &format!("desks[{i}].unit"),
                        d.unit,
                    );
                    lookup(
                        &mut problems,
                        &site_ix,
                        "site",
                        &format!("desks[{i}].site"),
                        d.site,
                    );
                }
            }

            // Units (second pass: references).
            let mut units = Vec::with_capacity(unit_spec_ix.len());
            for (k, (i, u)) in unit_spec_ix
                .iter()
                .filter_map(|&i| Some((i, spec.unit(i)?)))
                .enumerate()
            {
                let id = unit_ids.get(k).cloned().unwrap_or_else(|| Id::from(u.id));
                let parent_ix = u.parent.and_then(|p| {
                    lookup_with(
                        &mut problems,
                        &unit_table,
                        "unit",
                        || format!("units[{i}].parent"),
                        p,
                    )
                });
                let duty_desk_ix = u.duty_desk.and_then(|d| {
                    lookup_with(
                        &mut problems,
                        &desk_table,
                        "desk",
                        || format!("units[{i}].duty_desk"),
                        d,
                    )
                });
                units.push(Unit {
                    name: u.name.map(Id::from).unwrap_or_else(|| id.clone()),
                    id,
                    // Share the parent's and the duty desk's ids rather than copying the strings.
                    parent: parent_ix
                        .and_then(|p| unit_ids.get(p as usize).cloned())
                        .or_else(|| u.parent.map(Id::from)),
                    duty_desk: duty_desk_ix
                        .and_then(|d| desk_ids.get(d as usize).cloned())
                        .or_else(|| u.duty_desk.map(Id::from)),
                    parent_ix,
                    duty_desk_ix,
                });
            }
            // Chain-of-command cycles: walk up from each unit.
            let mut reported_cycle = vec![false; units.len()];
            for start in 0..units.len() {
                let mut seen: Vec<usize> = Vec::new();
                let mut cur = Some(start);
                while let Some(u) = cur {
                    if let Some(pos) = seen.iter().position(|&s| s == u) {
                        let cycle = &seen[pos..];
                        if cycle.iter().all(|&c| !reported_cycle[c]) {
                            for &c in cycle {
                                reported_cycle[c] = true;
                            }
                            let names: Vec<&str> =
                                cycle.iter().map(|&c| units[c].id.as_str()).collect();
                            let first = cycle[0];
                            problems.push(
                                Problem::error(
                                    ProblemKind::CommandCycle,
                                    format!("units[{}].parent", unit_spec_ix[first]),
                                    format!(
                                        "the chain of command loops: {} -> {}",
                                        names.join(" -> "),
                                        names[0]
                                    ),
                                )
                                .with_id(units[first].id.clone())
                                .with_hint(
                                    "a unit's parent must be above it; remove one `parent` link",
                                ),
                            );
                        }
                        break;
                    }
                    seen.push(u);
                    cur = units[u].parent_ix.map(|p| p as usize);
                }
            }

            let desks_in = DesksIn {
                spec,
                spec_ix: &desk_spec_ix,
                ids: &desk_ids,
            };
            let desk_table = IdsTable {
                index: &desk_ix,
                ids: &desk_ids,
            };
            let offered = desks_in.offers(&desk_table);
            (desk_ix, desk_spec_ix, desk_ids, units, problems, offered)
        };
        let (
            (desk_ix, desk_spec_ix, desk_ids, units, rest_problems, offered),
            (all_places, all_place_problems),
        ) = crate::parallel::join(
            "rightdesk-org",
            spec.desk_count() >= parallel_desks,
            rest,
            place,
        );
        let (desk_offers, offers, symbols, symbol_ix, offer_problems) = offered;
        problems.extend(rest_problems);
        // Only the desks kept (not a duplicate id), numbered among them.
        let (places, place_problems) = kept_places(all_places, all_place_problems, &desk_spec_ix);
        problems.extend(merge_by_desk(place_problems, offer_problems));
        let desks: Vec<Desk> = places
            .into_iter()
            .zip(desk_offers)
            .zip(desk_ids)
            .map(|((p, o), id)| Desk {
                name: p.name.unwrap_or_else(|| id.clone()),
                id,
                unit: p.unit,
                site: p.site,
                capabilities: o.capabilities,
                authority: p.authority,
                languages: p.languages,
                hours: p.hours,
                wait_minutes: p.wait_minutes,
                requires: p.requires,
                refers: o.refers,
                unit_ix: p.unit_ix,
                site_ix: p.site_ix,
            })
            .collect();

        problems.sort_by_key(|p| std::cmp::Reverse(p.severity));
        if problems.iter().any(Problem::is_error) {
            return Err(Problems(problems));
        }

        Ok(Org {
            name: spec.name().map(str::to_owned),
            timezone,
            holidays: spec.holidays().map(str::to_owned),
            sites,
            units,
            desks,
            site_ix,
            unit_ix,
            desk_ix,
            symbols,
            symbol_ix,
            offers,
            travel,
            graph: OnceLock::new(),
            warnings: problems,
        })
    }

    /// The organization's name, if given.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The time zone opening hours are written in.
    pub fn timezone(&self) -> Tz {
        self.timezone
    }

    /// The holiday country `PH` refers to, if given.
    pub fn holidays(&self) -> Option<&str> {
        self.holidays.as_deref()
    }

    /// All sites, in file order.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// All units, in file order.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// All desks, in file order.
    pub fn desks(&self) -> &[Desk] {
        &self.desks
    }

    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&Site> {
        self.site_ix.get(id).map(|&i| &self.sites[i as usize])
    }

    /// The unit with this id.
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.unit_index(id).and_then(|i| self.units.get(i as usize))
    }

    /// The index in [`Org::units`] of the unit with this id.
    pub(crate) fn unit_index(&self, id: &str) -> Option<UnitIx> {
        self.unit_ix.get(id, |i| {
            self.units.get(i as usize).map_or("", |u| u.id.as_str())
        })
    }

    /// The desk with this id.
    pub fn desk(&self, id: &str) -> Option<&Desk> {
        self.desk_index(id).and_then(|i| self.desks.get(i as usize))
    }

    /// The capabilities of desk `d`, as interned symbols (none for no such desk).
    #[inline]
    pub(crate) fn capability_ixs(&self, d: DeskIx) -> DeskCaps<'_> {
        DeskCaps {
            symbols: &self.symbols,
            caps: self.desks.get(d as usize).map_or(&[], |x| &x.capabilities),
        }
    }

    /// Does some desk offer capability `c`?
    pub(crate) fn is_offered(&self, c: SymIx) -> bool {
        self.offers
            .offered
            .get(c as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Desk `d`'s referrals today, interned: (need, desk), parallel to its
    /// [`refers`](Desk::refers); empty for no such desk.
    pub(crate) fn refers_ix(&self, d: DeskIx) -> &[(SymIx, DeskIx)] {
        let from = &self.offers.refers_from;
        let a = from.partition_point(|&x| x < d);
        let b = from.partition_point(|&x| x <= d);
        self.offers.refers_ix.get(a..b).unwrap_or(&[])
    }

    /// The index in [`Org::desks`] of the desk with this id.
    pub(crate) fn desk_index(&self, id: &str) -> Option<DeskIx> {
        self.desk_ix.get(id, |i| {
            self.desks.get(i as usize).map_or("", |d| d.id.as_str())
        })
    }

    /// Travel minutes from one site to another: `Some(0)` within a site, `None` when the
    /// pair is unknown (unreachable) or a site does not exist.
    pub fn travel_minutes(&self, from: &str, to: &str) -> Option<u32> {
        let a = *self.site_ix.get(from)?;
        let b = *self.site_ix.get(to)?;
        self.travel_ix(a, b)
    }

    pub(crate) fn travel_ix(&self, a: SiteIx, b: SiteIx) -> Option<u32> {
        if a == b {
            Some(0)
        } else {
            self.travel.get(&(a, b)).copied()
        }
    }

    /// The chain of command of a unit, from the unit itself up to its root.
    pub fn chain_of_command(&self, unit: &str) -> Vec<&Unit> {
        let mut out = Vec::new();
        let mut cur = self.unit_index(unit);
        while let Some(u) = cur {
            let unit = &self.units[u as usize];
            out.push(unit);
            cur = unit.parent_ix;
            if out.len() > self.units.len() {
                break;
            }
        }
        out
    }

    /// Is `unit` the unit `ancestor` or below it in the chain of command?
    pub fn is_within(&self, unit: &str, ancestor: &str) -> bool {
        self.chain_of_command(unit)
            .iter()
            .any(|u| u.id == *ancestor)
    }

    /// Warnings found while validating (the organization was accepted), e.g. a
    /// capability listed twice on one desk. Loaded from a file, each carries its line and
    /// column.
    ///
    /// ```
    /// use rightdesk::{Org, OrgSpec};
    /// let spec: OrgSpec = serde_json::from_str(r#"{
    ///   "sites": [{"id": "hq"}], "units": [{"id": "records"}],
    ///   "desks": [{"id": "counter", "unit": "records", "site": "hq",
    ///              "capabilities": ["report.copy", "report.copy"]}]
    /// }"#)?;
    /// let org = Org::from_spec(spec)?;
    /// assert_eq!(org.warnings().len(), 1);
    /// assert_eq!(org.warnings()[0].path, "desks[0].capabilities[1]");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// Every capability some desk offers and every need some desk refers, interned.
    pub fn symbols(&self) -> &[Id] {
        &self.symbols
    }

    /// The organization graph (sites, units and desks as nodes; chain of command, staffing,
    /// location, referral and travel edges).
    ///
    /// Nodes are the sites, then the units, then the desks, each in file order (node index
    /// `i` is site `i`; `sites().len() + i` is unit `i`; and so on).
    ///
    /// # Complexity
    /// Built on the first call, in time and memory linear in the organization (about 80
    /// bytes per desk), then kept; routing never builds it.
    pub fn graph(&self) -> &DiGraph<OrgNode, OrgEdge> {
        self.graph.get_or_init(|| self.build_graph())
    }

    fn build_graph(&self) -> DiGraph<OrgNode, OrgEdge> {
        let (sites, units, desks) = (self.sites.len(), self.units.len(), self.desks.len());
        let mut graph =
            DiGraph::with_capacity(sites + units + desks, units + desks * 2 + self.travel.len());
        for i in 0..sites {
            graph.add_node(OrgNode::Site(i as u32));
        }
        for i in 0..units {
            graph.add_node(OrgNode::Unit(i as u32));
        }
        for i in 0..desks {
            graph.add_node(OrgNode::Desk(i as u32));
        }
        let site_node = |i: SiteIx| NodeIndex::new(i as usize);
        let unit_node = |i: UnitIx| NodeIndex::new(sites + i as usize);
        let desk_node = |i: DeskIx| NodeIndex::new(sites + units + i as usize);
        for (i, u) in self.units.iter().enumerate() {
            if let Some(p) = u.parent_ix {
                graph.add_edge(unit_node(p), unit_node(i as UnitIx), OrgEdge::Command);
            }
        }
        for (i, d) in self.desks.iter().enumerate() {
            let node = desk_node(i as DeskIx);
            graph.add_edge(unit_node(d.unit_ix), node, OrgEdge::Staffs);
            graph.add_edge(node, site_node(d.site_ix), OrgEdge::LocatedAt);
            for &(n, t) in self.refers_ix(i as DeskIx) {
                graph.add_edge(node, desk_node(t), OrgEdge::Refers(n));
            }
        }
        let mut pairs: Vec<_> = self.travel.iter().map(|(&k, &v)| (k, v)).collect();
        pairs.sort_unstable();
        for ((a, b), m) in pairs {
            graph.add_edge(site_node(a), site_node(b), OrgEdge::Travel(m));
        }
        graph
    }

    /// The organization as a spec, rebuilt from the model (the model does not keep the
    /// file's data).
    ///
    /// `Org::from_spec(org.to_spec())` gives back the same organization, whose `to_spec()`
    /// is equal to this one. It is not always the spec the organization was built from,
    /// only an equivalent one: a name equal to the id, `timezone: UTC` and `hours: 24/7`
    /// are left out, a capability listed twice once, travel is listed once per pair of
    /// sites (both ways only where the minutes differ), in site order, and opening hours
    /// are trimmed.
    ///
    /// # Complexity
    /// Linear in the size of the organization (one allocation per string).
    ///
    /// # Example
    /// ```
    /// use rightdesk::{Org, OrgSpec};
    /// let spec: OrgSpec = serde_json::from_str(r#"{
    ///   "sites": [{"id": "hq"}, {"id": "annex"}],
    ///   "travel": [{"from": "hq", "to": "annex", "minutes": 10}],
    ///   "units": [{"id": "records"}],
    ///   "desks": [{"id": "counter", "unit": "records", "site": "hq"}]
    /// }"#)?;
    /// let org = Org::from_spec(spec.clone())?;
    /// assert_eq!(org.to_spec(), spec);
    /// assert_eq!(Org::from_spec(org.to_spec())?.to_spec(), org.to_spec());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_spec(&self) -> OrgSpec {
        let unless_id = |name: &Id, id: &Id| (name != id).then(|| name.to_string());
        let sites = self
            .sites
            .iter()
            .map(|s| SiteSpec {
                id: s.id.to_string(),
                name: unless_id(&s.name, &s.id),
                address: s.address.as_ref().map(Id::to_string),
            })
            .collect();
        let mut pairs: Vec<((SiteIx, SiteIx), u32)> =
            self.travel.iter().map(|(&k, &m)| (k, m)).collect();
        pairs.sort_unstable();
        let site_id = |ix: SiteIx| {
            self.sites
                .get(ix as usize)
                .map_or_else(String::new, |s| s.id.to_string())
        };
        let travel = pairs
            .iter()
            .filter(|&&((a, b), m)| a < b || self.travel.get(&(b, a)) != Some(&m))
            .map(|&((a, b), minutes)| TravelSpec {
                from: site_id(a),
                to: site_id(b),
                minutes,
            })
            .collect();
        let units = self
            .units
            .iter()
            .map(|u| UnitSpec {
                id: u.id.to_string(),
                name: unless_id(&u.name, &u.id),
                parent: u.parent.as_ref().map(Id::to_string),
                duty_desk: u.duty_desk.as_ref().map(Id::to_string),
            })
            .collect();
        let strings = |ids: &[Id]| ids.iter().map(Id::to_string).collect::<Vec<String>>();
        let desks = self
            .desks
            .iter()
            .map(|d| DeskSpec {
                id: d.id.to_string(),
                name: unless_id(&d.name, &d.id),
                unit: d.unit.to_string(),
                site: d.site.to_string(),
                capabilities: strings(&d.capabilities),
                authority: d.authority,
                languages: strings(&d.languages),
                hours: (!d.hours.is_always()).then(|| d.hours.as_str().to_owned()),
                wait_minutes: d.wait_minutes,
                requires: strings(&d.requires),
                refers: d
                    .refers
                    .iter()
                    .map(|(need, to)| (need.to_string(), to.to_string()))
                    .collect(),
            })
            .collect();
        OrgSpec {
            name: self.name.clone(),
            timezone: (self.timezone != Tz::UTC).then(|| self.timezone.name().to_owned()),
            holidays: self.holidays.clone(),
            sites,
            travel,
            units,
            desks,
        }
    }
}

/// Organizations with at least this many desks read their desks on two threads (below it,
/// a thread costs more than it saves).
const PARALLEL_DESKS: usize = 20_000;

/// Problems found about desks, each with the desk's position, in desk order.
type DeskProblems = Vec<(usize, Problem)>;

/// The problems of the two parts of the desks' second pass, in the order one pass
/// over the desks finds them: by desk, where-problems before offer-problems.
fn merge_by_desk(a: DeskProblems, b: DeskProblems) -> impl Iterator<Item = Problem> {
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some((ka, _)), Some((kb, _))) if kb < ka => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
    .map(|(_, p)| p)
}

/// The sites and units a desk's references are looked up in.
struct Tables<'a> {
    sites: &'a [Site],
    site_ix: &'a IdMap<Id, SiteIx>,
    units: IdsTable<'a>,
}

/// Where a desk is and what it is like: the first part of building it.
struct DeskPlace {
    name: Option<Id>,
    unit: Id,
    site: Id,
    unit_ix: UnitIx,
    site_ix: SiteIx,
    authority: u32,
    wait_minutes: u32,
    hours: Hours,
    languages: List<Id>,
    requires: List<Id>,
}

/// What a desk offers: the second part of building it.
struct DeskOffer {
    capabilities: Box<[Id]>,
    refers: List<(Id, Id)>,
}

/// A desk's capabilities as interned symbols ([`Org::capability_ixs`]).
///
/// A desk's [`capabilities`](Desk::capabilities) are the symbols' own ids (clones of
/// [`Org::symbols`], sharing their text), so no index per desk is kept: a capability is
/// found by its id, and [`Id`] equality compares addresses first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DeskCaps<'a> {
    symbols: &'a [Id],
    caps: &'a [Id],
}

impl DeskCaps<'_> {
    /// Does the desk offer capability `c`?
    #[inline]
    pub(crate) fn contains(&self, c: &SymIx) -> bool {
        self.symbols
            .get(*c as usize)
            .is_some_and(|s| self.caps.iter().any(|x| x == s))
    }
}

/// What the desks offer beyond their own fields: which symbols are capabilities, and the
/// referrals, interned, in flat arrays (not a list per desk).
#[derive(Debug, Clone, Default)]
pub(crate) struct Offers {
    /// Per symbol: does some desk offer it as a capability?
    offered: Vec<bool>,
    /// The desks that refer some need today, once per referral, ascending.
    refers_from: Vec<DeskIx>,
    /// Parallel to `refers_from`: (need, desk referred to), each desk's sorted by need.
    refers_ix: Vec<(SymIx, DeskIx)>,
}

/// Unit, site, hours, languages and documents of every desk of the spec (duplicates
/// included), problems numbered by position in the spec.
fn places<'s, O: OrgSource>(
    spec: &'s O,
    t: &Tables<'_>,
    holidays: Option<&str>,
) -> (Vec<DeskPlace>, DeskProblems) {
    let mut problems: DeskProblems = Vec::new();
    let mut hours_cache: IdMap<&str, Hours> = IdMap::default();
    // Languages and documents are few: share one `Id` per distinct name, and one list
    // per distinct list of them.
    let mut names: IdMap<&str, Id> = IdMap::default();
    let mut lists: IdMap<&'s [O::S], List<Id>> = IdMap::default();
    let mut out = Vec::with_capacity(spec.desk_count());
    for (i, d) in (0..spec.desk_count()).filter_map(|i| Some((i, spec.desk(i)?))) {
        let mut found: Vec<Problem> = Vec::new();
        // Paths are formatted only when a reference is wrong.
        let unit = lookup_with(
            &mut found,
            &t.units,
            "unit",
            || format!("desks[{i}].unit"),
            d.unit,
        );
        let site = lookup_with(
            &mut found,
            t.site_ix,
            "site",
            || format!("desks[{i}].site"),
            d.site,
        );
        let hours = match d.hours {
            None => Hours::always(),
            Some(text) => match hours_cache.get(text) {
                Some(h) => h.clone(),
                None => match Hours::parse(text, holidays) {
                    Ok(h) => {
                        hours_cache.insert(text, h.clone());
                        h
                    }
                    Err(e) => {
                        found.push(
                            Problem::error(
                                ProblemKind::MalformedHours,
                                format!("desks[{i}].hours"),
                                format!("malformed opening hours `{text}`: {}", e.message()),
                            )
                            .with_id(Id::from(d.id))
                            .with_hint(
                                "use OpenStreetMap opening_hours syntax, e.g. `Mo-Fr 08:00-16:30; Sa 09:00-12:00`",
                            ),
                        );
                        Hours::always()
                    }
                },
            },
        };
        problems.extend(found.into_iter().map(|p| (i, p)));
        out.push(DeskPlace {
            name: d.name.map(Id::from),
            // Share the unit's and site's ids rather than copying the strings per desk.
            unit: unit
                .and_then(|u| t.units.ids.get(u as usize))
                .map_or_else(|| Id::from(d.unit), Id::clone),
            site: site
                .and_then(|s| t.sites.get(s as usize))
                .map_or_else(|| Id::from(d.site), |s| s.id.clone()),
            unit_ix: unit.unwrap_or(0),
            site_ix: site.unwrap_or(0),
            authority: d.authority,
            wait_minutes: d.wait_minutes,
            hours,
            languages: shared_list(&mut lists, &mut names, d.languages),
            requires: shared_list(&mut lists, &mut names, d.requires),
        });
    }
    (out, problems)
}

/// The places of the desks kept, and their problems, numbered among the kept desks
/// (`kept`: their positions in the spec, increasing).
fn kept_places(
    all: Vec<DeskPlace>,
    problems: DeskProblems,
    kept: &[usize],
) -> (Vec<DeskPlace>, DeskProblems) {
    if all.len() == kept.len() {
        // No duplicates: the positions are the same.
        return (all, problems);
    }
    let places = all
        .into_iter()
        .enumerate()
        .filter(|(i, _)| kept.binary_search(i).is_ok())
        .map(|(_, p)| p)
        .collect();
    let problems = problems
        .into_iter()
        .filter_map(|(i, p)| Some((kept.binary_search(&i).ok()?, p)))
        .collect();
    (places, problems)
}

/// The desks being built: the spec, and the position in it and id of each desk kept.
struct DesksIn<'a, O> {
    spec: &'a O,
    spec_ix: &'a [usize],
    ids: &'a [Id],
}

impl<O: OrgSource> DesksIn<'_, O> {
    /// Each kept desk, with its position among them, its position in the spec and its id.
    fn each(&self) -> impl Iterator<Item = (usize, usize, DeskRef<'_, O::S>, &Id)> {
        self.spec_ix
            .iter()
            .zip(self.ids)
            .enumerate()
            .filter_map(|(k, (&i, id))| Some((k, i, self.spec.desk(i)?, id)))
    }

    /// Capabilities and referrals of every desk, and the symbols they intern, in order of
    /// first appearance.
    fn offers(
        &self,
        desk_table: &IdsTable<'_>,
    ) -> (
        Vec<DeskOffer>,
        Offers,
        Vec<Id>,
        IdMap<Id, SymIx>,
        DeskProblems,
    ) {
        let mut problems: DeskProblems = Vec::new();
        let mut symbols: Vec<Id> = Vec::new();
        let mut symbol_ix: IdMap<Id, SymIx> = IdMap::default();
        fn intern(symbols: &mut Vec<Id>, symbol_ix: &mut IdMap<Id, SymIx>, s: &str) -> SymIx {
            if let Some(&ix) = symbol_ix.get(s) {
                return ix;
            }
            let ix = symbols.len() as SymIx;
            let id = Id::from(s);
            symbols.push(id.clone());
            symbol_ix.insert(id, ix);
            ix
        }
        let mut out = Vec::with_capacity(self.spec_ix.len());
        let mut offers = Offers::default();
        for (k, i, d, id) in self.each() {
            let mut found: Vec<Problem> = Vec::new();
            let mut capability_ixs: SmallVec<[SymIx; 4]> = SmallVec::new();
            for (j, c) in d.capabilities.iter().map(|c| &**c).enumerate() {
                if blank(c) {
                    check_id(&mut found, &format!("desks[{i}].capabilities[{j}]"), c);
                }
                let ix = intern(&mut symbols, &mut symbol_ix, c);
                if capability_ixs.contains(&ix) {
                    found.push(
                        Problem::warning(
                            ProblemKind::DuplicateId,
                            format!("desks[{i}].capabilities[{j}]"),
                            format!("capability `{c}` is listed twice"),
                        )
                        .with_id(id.clone()),
                    );
                    continue;
                }
                capability_ixs.push(ix);
            }
            let capabilities: Box<[Id]> = capability_ixs
                .iter()
                .filter_map(|&c| symbols.get(c as usize).cloned())
                .collect();
            for &c in &capability_ixs {
                if offers.offered.len() <= c as usize {
                    offers.offered.resize(c as usize + 1, false);
                }
                if let Some(o) = offers.offered.get_mut(c as usize) {
                    *o = true;
                }
            }
            let mut refers: Vec<(Id, Id)> = Vec::new();
            for (need, to) in d.refers {
                let (need, to): (&str, &str) = (need, to);
                let target = lookup_with(
                    &mut found,
                    desk_table,
                    "desk",
                    || format!("desks[{i}].refers.{need}"),
                    to,
                );
                if let Some(t) = target {
                    let n = intern(&mut symbols, &mut symbol_ix, need);
                    let to = self
                        .ids
                        .get(t as usize)
                        .cloned()
                        .unwrap_or_else(|| Id::from(to));
                    if let Some(need) = symbols.get(n as usize) {
                        refers.push((need.clone(), to));
                        offers.refers_from.push(k as DeskIx);
                        offers.refers_ix.push((n, t));
                    }
                }
            }
            problems.extend(found.into_iter().map(|p| (k, p)));
            out.push(DeskOffer {
                capabilities,
                refers: refers.into(),
            });
        }
        offers.offered.resize(symbols.len(), false);
        offers.refers_from.shrink_to_fit();
        offers.refers_ix.shrink_to_fit();
        (out, offers, symbols, symbol_ix, problems)
    }
}

/// The shared list of ids for these names (languages or documents).
fn shared_list<'a, S: SpecStr>(
    lists: &mut IdMap<&'a [S], List<Id>>,
    names: &mut IdMap<&'a str, Id>,
    items: &'a [S],
) -> List<Id> {
    if items.is_empty() {
        return List::new();
    }
    lists
        .entry(items)
        .or_insert_with(|| {
            items
                .iter()
                .map(|n| names.entry(&**n).or_insert_with(|| Id::from(&**n)).clone())
                .collect()
        })
        .clone()
}

/// Nothing but white space (`s.trim().is_empty()`, stopping at the first other character).
fn blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

fn check_id(problems: &mut Vec<Problem>, path: &str, id: &str) {
    if blank(id) {
        problems.push(
            Problem::error(ProblemKind::BadValue, path, "empty id")
                .with_hint("ids are non-empty names such as `records-counter`"),
        );
    }
}

fn duplicate(what: &str, path: &str, id: &Id) -> Problem {
    Problem::error(
        ProblemKind::DuplicateId,
        path,
        format!("duplicate {what} id `{id}`"),
    )
    .with_id(id.clone())
    .with_hint(format!("each {what} needs its own id"))
}

/// A table of ids to look references up in.
trait IdTable {
    fn find(&self, id: &str) -> Option<u32>;
    fn count(&self) -> usize;
    fn ids(&self) -> impl Iterator<Item = &str>;
}

impl IdTable for IdMap<Id, u32> {
    fn find(&self, id: &str) -> Option<u32> {
        self.get(id).copied()
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys().map(|k| k.as_str())
    }
}

/// The unit or desk ids while an organization is built, with their index.
#[derive(Clone, Copy)]
struct IdsTable<'a> {
    index: &'a IdIndex,
    ids: &'a [Id],
}

impl IdTable for IdsTable<'_> {
    fn find(&self, id: &str) -> Option<u32> {
        self.index
            .get(id, |i| self.ids.get(i as usize).map_or("", |d| d.as_str()))
    }
    fn count(&self) -> usize {
        self.ids.len()
    }
    fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(|d| d.as_str())
    }
}

fn lookup(
    problems: &mut Vec<Problem>,
    table: &impl IdTable,
    what: &str,
    path: &str,
    id: &str,
) -> Option<u32> {
    lookup_with(problems, table, what, || path.to_owned(), id)
}

/// [`lookup`] with the problem's path built only when the id is unknown.
fn lookup_with(
    problems: &mut Vec<Problem>,
    table: &impl IdTable,
    what: &str,
    path: impl FnOnce() -> String,
    id: &str,
) -> Option<u32> {
    match table.find(id) {
        Some(ix) => Some(ix),
        None => {
            let mut p = Problem::error(
                ProblemKind::UnknownReference,
                path(),
                format!("unknown {what} `{id}`"),
            )
            .with_id(id);
            // Typo hints cost O(n) per miss: skip them on very large tables.
            let hint = if table.count() <= 100_000 {
                closest_id(table.ids(), id)
            } else {
                None
            };
            if let Some(s) = hint {
                p = p.with_hint(format!("did you mean `{s}`?"));
            } else {
                p = p.with_hint(format!("declare the {what} or fix the id"));
            }
            problems.push(p);
            None
        }
    }
}

/// The most similar candidate by edit distance, if close enough to be a likely typo.
pub(crate) fn closest_id<'a>(
    candidates: impl Iterator<Item = &'a str>,
    target: &str,
) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(c, target);
        if d <= (target.chars().count() / 3).max(1) && best.is_none_or(|(bd, bs)| (d, c) < (bd, bs))
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, s)| s)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{self, OrgShape};

    /// Everything an organization holds that does not depend on a hasher's seed.
    fn contents(org: &Result<Org, Problems>) -> String {
        match org {
            Ok(o) => format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                o.sites,
                o.units,
                o.desks,
                o.symbols,
                o.warnings,
                o.to_spec()
            ),
            Err(p) => format!("{p:?}"),
        }
    }

    #[test]
    fn interned_offers_are_each_desks_own() {
        let mut spec = synth::org(&OrgShape::new(2_000).seed(3));
        for (k, d) in spec.desks.iter_mut().enumerate().step_by(7) {
            d.refers.insert(format!("need{}", k % 3), "d1".to_owned());
            d.refers.insert("another".to_owned(), "d2".to_owned());
        }
        let org = Org::from_spec(spec).unwrap();
        let mut referring = 0;
        for (i, d) in org.desks.iter().enumerate() {
            let caps: Vec<&str> = (0..org.symbols.len() as SymIx)
                .filter(|c| org.capability_ixs(i as DeskIx).contains(c))
                .map(|c| org.symbols[c as usize].as_str())
                .collect();
            let mut expected: Vec<&str> = d.capabilities.iter().map(|c| c.as_str()).collect();
            expected.sort_unstable_by_key(|c| org.symbol_ix[*c]);
            assert_eq!(caps, expected, "desk {i}");
            // The desk's capabilities are the symbols' own ids, not copies.
            for c in &d.capabilities {
                let s = &org.symbols[org.symbol_ix[c] as usize];
                assert!(std::ptr::eq(c.as_str(), s.as_str()));
                assert!(org.is_offered(org.symbol_ix[c]));
            }
            let refers: Vec<(&str, &str)> = org
                .refers_ix(i as DeskIx)
                .iter()
                .map(|&(n, t)| {
                    (
                        org.symbols[n as usize].as_str(),
                        org.desks[t as usize].id.as_str(),
                    )
                })
                .collect();
            let expected: Vec<(&str, &str)> = d
                .refers
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            assert_eq!(refers, expected, "desk {i}");
            referring += usize::from(!refers.is_empty());
        }
        assert!(referring > 200);
        let past = org.desks.len() as DeskIx;
        assert!(!org.capability_ixs(past).contains(&0) && org.refers_ix(past).is_empty());
        // Needs only referred, never offered.
        assert!(!org.is_offered(org.symbol_ix["another"]));
    }

    #[test]
    fn desks_read_on_two_threads_build_the_same_organization() {
        let mut spec = synth::org(&OrgShape::new(3_000).seed(7));
        for (k, d) in spec.desks.iter_mut().enumerate().step_by(97) {
            // Warnings: a capability listed twice, a referral to a need no desk offers.
            if let Some(c) = d.capabilities.first().cloned() {
                d.capabilities.push(c);
            }
            d.refers.insert(format!("need{}", k % 5), "d0".to_owned());
        }
        let ok = spec.clone();
        let one = Org::build_with(&ok, usize::MAX);
        let two = Org::build_with(&ok, 0);
        assert!(one.as_ref().is_ok_and(|o| !o.warnings.is_empty()));
        assert_eq!(contents(&one), contents(&two));
        // Errors in both parts of a desk, on many desks: same problems, same order.
        for (k, d) in spec.desks.iter_mut().enumerate().step_by(89) {
            match k % 4 {
                0 => d.unit = format!("nope{k}"),
                1 => d.hours = Some("Mo-Zz 25:00".to_owned()),
                2 => d.capabilities.push(" ".to_owned()),
                _ => {
                    d.refers.insert("x".to_owned(), format!("gone{k}"));
                    d.site = "nowhere".to_owned();
                }
            }
        }
        let one = Org::build_with(&spec, usize::MAX);
        let two = Org::build_with(&spec, 0);
        assert!(one.as_ref().is_err_and(|p| p.0.len() > 30));
        assert_eq!(contents(&one), contents(&two));
        // Duplicate desks: not built, their unit and site checked, their hours not read.
        for (k, d) in spec.desks.iter_mut().enumerate().skip(5).step_by(101) {
            d.id = format!("d{}", k / 2);
            d.hours = Some("nonsense".to_owned());
            if k % 2 == 0 {
                d.unit = format!("nope{k}");
            }
        }
        let one = Org::build_with(&spec, usize::MAX);
        let two = Org::build_with(&spec, 0);
        let text = contents(&one);
        assert!(text.contains("duplicate desk id") && text.contains("unknown unit `nope"));
        assert_eq!(text, contents(&two));
    }
}
