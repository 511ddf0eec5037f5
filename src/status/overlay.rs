//! The live status overlay: what status updates changed, kept apart from the immutable
//! organization and indexes. A [`Router`](crate::Router) holds one overlay behind an
//! atomic pointer and swaps in a new one per batch of updates.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::{StatusError, StatusUpdate};
use crate::model::{DeskIx, Id, Org, SymIx};
use crate::resolve::RequestTime;
use crate::resolve::time::check_range;

type IxBuild = crate::compile::FastBuild;

/// A desk closed by a status update.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Closure {
    /// Closed before this instant; `None`: until re-opened.
    pub until: Option<DateTime<Utc>>,
    /// `until` as the update gave it.
    pub until_given: Option<RequestTime>,
    /// Why.
    pub reason: Option<String>,
}

impl Closure {
    /// Is the desk closed at `t`? Without a time only an open-ended closure counts (a
    /// closure with an end cannot be placed relative to no particular moment).
    #[inline]
    pub(crate) fn closed_at(&self, t: Option<DateTime<Utc>>) -> bool {
        match self.until {
            None => true,
            Some(u) => t.is_some_and(|t| t < u),
        }
    }
}

/// A status update checked against the organization.
#[derive(Debug, Clone)]
pub(crate) enum Checked {
    Close {
        desk: DeskIx,
        until: Option<(RequestTime, DateTime<Utc>)>,
        reason: Option<String>,
    },
    Reopen {
        desk: DeskIx,
    },
    Capability {
        desk: DeskIx,
        capability: Id,
        offered: bool,
    },
    Wait {
        desk: DeskIx,
        minutes: u32,
    },
}

/// The current live status: only what differs from the organization file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overlay {
    closed: HashMap<DeskIx, Closure, IxBuild>,
    wait: HashMap<DeskIx, u32, IxBuild>,
    /// (desk, capability) → offered, only where it differs from the organization.
    caps: BTreeMap<(DeskIx, Id), bool>,
    /// Derived from `caps`: capability → desks given it (ascending).
    added: HashMap<Id, Vec<DeskIx>>,
    /// Derived from `caps`: (desk, capability) taken away.
    removed: HashSet<(DeskIx, SymIx), IxBuild>,
}

impl Overlay {
    /// Check a batch against the organization; nothing is applied.
    pub(crate) fn check(
        org: &Org,
        updates: impl IntoIterator<Item = StatusUpdate>,
    ) -> Result<Vec<Checked>, StatusError> {
        let mut out = Vec::new();
        for (index, u) in updates.into_iter().enumerate() {
            let desk_ix = |desk: &str| -> Result<DeskIx, StatusError> {
                org.desk_index(desk)
                    .ok_or_else(|| StatusError::UnknownDesk {
                        index,
                        desk: desk.to_owned(),
                    })
            };
            out.push(match u {
                StatusUpdate::Close {
                    desk,
                    until,
                    reason,
                } => {
                    let until = match until {
                        None => None,
                        Some(t) => Some((
                            t,
                            check_range(org.timezone, t)
                                .map_err(|message| StatusError::BadTime { index, message })?,
                        )),
                    };
                    Checked::Close {
                        desk: desk_ix(&desk)?,
                        until,
                        reason,
                    }
                }
                StatusUpdate::Reopen { desk } => Checked::Reopen {
                    desk: desk_ix(&desk)?,
                },
                StatusUpdate::AddCapability { desk, capability }
                | StatusUpdate::RemoveCapability { desk, capability }
                    if capability.trim().is_empty() =>
                {
                    desk_ix(&desk)?;
                    return Err(StatusError::EmptyCapability { index });
                }
                StatusUpdate::AddCapability { desk, capability } => Checked::Capability {
                    desk: desk_ix(&desk)?,
                    capability: Id::from(capability),
                    offered: true,
                },
                StatusUpdate::RemoveCapability { desk, capability } => Checked::Capability {
                    desk: desk_ix(&desk)?,
                    capability: Id::from(capability),
                    offered: false,
                },
                StatusUpdate::SetWait { desk, minutes } => Checked::Wait {
                    desk: desk_ix(&desk)?,
                    minutes,
                },
            });
        }
        Ok(out)
    }

    /// Apply checked updates in order.
    pub(crate) fn apply(&mut self, org: &Org, updates: &[Checked]) {
        let mut caps_changed = false;
        for u in updates {
            match u {
                Checked::Close {
                    desk,
                    until,
                    reason,
                } => {
                    self.closed.insert(
                        *desk,
                        Closure {
                            until: until.map(|(_, i)| i),
                            until_given: until.map(|(g, _)| g),
                            reason: reason.clone(),
                        },
                    );
                }
                Checked::Reopen { desk } => {
                    self.closed.remove(desk);
                }
                Checked::Wait { desk, minutes } => {
                    let base = org.desks.get(*desk as usize).map(|d| d.wait_minutes);
                    if base == Some(*minutes) {
                        self.wait.remove(desk);
                    } else {
                        self.wait.insert(*desk, *minutes);
                    }
                }
                Checked::Capability {
                    desk,
                    capability,
                    offered,
                } => {
                    caps_changed = true;
                    let base = org
                        .desks
                        .get(*desk as usize)
                        .is_some_and(|d| d.capabilities.iter().any(|c| c == capability));
                    let key = (*desk, capability.clone());
                    if base == *offered {
                        self.caps.remove(&key);
                    } else {
                        self.caps.insert(key, *offered);
                    }
                }
            }
        }
        if caps_changed {
            self.added.clear();
            self.removed.clear();
            for ((desk, cap), &offered) in &self.caps {
                if offered {
                    self.added.entry(cap.clone()).or_default().push(*desk);
                } else if let Some(&sym) = org.symbol_ix.get(cap) {
                    self.removed.insert((*desk, sym));
                }
            }
        }
    }

    /// True when nothing differs from the organization.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.closed.is_empty() && self.wait.is_empty() && self.caps.is_empty()
    }

    /// The desk's closure, if a status update closed it.
    #[inline]
    pub(crate) fn closure(&self, d: DeskIx) -> Option<&Closure> {
        if self.closed.is_empty() {
            None
        } else {
            self.closed.get(&d)
        }
    }

    /// The desk's expected wait.
    #[inline]
    pub(crate) fn wait(&self, d: DeskIx, base: u32) -> u32 {
        if self.wait.is_empty() {
            base
        } else {
            self.wait.get(&d).copied().unwrap_or(base)
        }
    }

    /// True when some desk's wait differs from the organization file.
    #[inline]
    pub(crate) fn has_wait_overrides(&self) -> bool {
        !self.wait.is_empty()
    }

    /// Was capability `cap` (which the desk has in the organization) taken away?
    #[inline]
    pub(crate) fn removed(&self, d: DeskIx, cap: SymIx) -> bool {
        !self.removed.is_empty() && self.removed.contains(&(d, cap))
    }

    /// Desks given capability `cap` by status updates (they lack it in the organization).
    #[inline]
    pub(crate) fn added(&self, cap: &str) -> &[DeskIx] {
        if self.added.is_empty() {
            &[]
        } else {
            self.added.get(cap).map_or(&[], |v| v)
        }
    }

    /// Does the desk offer `cap` now?
    pub(crate) fn offers(&self, org: &Org, d: DeskIx, cap: &str) -> bool {
        match self.caps.get(&(d, Id::from(cap))) {
            Some(&o) => o,
            None => org
                .desks
                .get(d as usize)
                .is_some_and(|desk| desk.capabilities.iter().any(|c| c == cap)),
        }
    }

    /// The smallest list of updates that, applied to the organization, gives this status.
    pub(crate) fn updates(&self, org: &Org) -> Vec<StatusUpdate> {
        let mut per_desk: BTreeMap<DeskIx, Vec<StatusUpdate>> = BTreeMap::new();
        let name = |d: DeskIx| -> String {
            org.desks
                .get(d as usize)
                .map(|x| x.id.to_string())
                .unwrap_or_default()
        };
        let mut closed: Vec<_> = self.closed.iter().collect();
        closed.sort_by_key(|(d, _)| **d);
        for (&d, c) in closed {
            per_desk.entry(d).or_default().push(StatusUpdate::Close {
                desk: name(d),
                until: c.until_given,
                reason: c.reason.clone(),
            });
        }
        let mut waits: Vec<_> = self.wait.iter().collect();
        waits.sort_by_key(|(d, _)| **d);
        for (&d, &minutes) in waits {
            per_desk.entry(d).or_default().push(StatusUpdate::SetWait {
                desk: name(d),
                minutes,
            });
        }
        for ((d, cap), &offered) in &self.caps {
            let (desk, capability) = (name(*d), cap.to_string());
            per_desk.entry(*d).or_default().push(if offered {
                StatusUpdate::AddCapability { desk, capability }
            } else {
                StatusUpdate::RemoveCapability { desk, capability }
            });
        }
        per_desk.into_values().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Format, org_from_str};

    fn org() -> Org {
        org_from_str(
            r#"
sites: [{id: s}]
units: [{id: u}]
desks:
  - {id: a, unit: u, site: s, capabilities: [x], wait_minutes: 5}
  - {id: b, unit: u, site: s, capabilities: [y]}
"#,
            Format::Yaml,
            None,
        )
        .unwrap()
    }

    #[test]
    fn apply_and_canonical_updates() {
        let org = org();
        let mut o = Overlay::default();
        let batch = vec![
            StatusUpdate::Close {
                desk: "a".into(),
                until: None,
                reason: Some("sick".into()),
            },
            StatusUpdate::AddCapability {
                desk: "b".into(),
                capability: "x".into(),
            },
            StatusUpdate::RemoveCapability {
                desk: "a".into(),
                capability: "x".into(),
            },
            StatusUpdate::SetWait {
                desk: "b".into(),
                minutes: 9,
            },
            StatusUpdate::SetWait {
                desk: "a".into(),
                minutes: 5,
            },
        ];
        let checked = Overlay::check(&org, batch).unwrap();
        o.apply(&org, &checked);
        let a = org.desk_index("a").unwrap();
        let b = org.desk_index("b").unwrap();
        let x = org.symbol_ix["x"];
        assert!(o.closure(a).is_some_and(|c| c.closed_at(None)));
        assert_eq!(o.added("x"), &[b]);
        assert!(o.removed(a, x));
        assert!(o.offers(&org, b, "x") && !o.offers(&org, a, "x"));
        assert_eq!(o.wait(b, 0), 9);
        assert_eq!(o.wait(a, 5), 5);
        let canon = o.updates(&org);
        assert_eq!(canon.len(), 4);
        // Re-applying the canonical list to an empty overlay gives the same status.
        let mut o2 = Overlay::default();
        o2.apply(&org, &Overlay::check(&org, canon.clone()).unwrap());
        assert_eq!(o2.updates(&org), canon);
        // Undo everything.
        let undo = vec![
            StatusUpdate::Reopen { desk: "a".into() },
            StatusUpdate::RemoveCapability {
                desk: "b".into(),
                capability: "x".into(),
            },
            StatusUpdate::AddCapability {
                desk: "a".into(),
                capability: "x".into(),
            },
            StatusUpdate::SetWait {
                desk: "b".into(),
                minutes: 0,
            },
        ];
        o.apply(&org, &Overlay::check(&org, undo).unwrap());
        assert!(o.is_empty());
    }

    #[test]
    fn check_rejects_bad_updates() {
        let org = org();
        let e = Overlay::check(
            &org,
            vec![
                StatusUpdate::Reopen { desk: "a".into() },
                StatusUpdate::Reopen { desk: "zz".into() },
            ],
        )
        .unwrap_err();
        assert!(matches!(e, StatusError::UnknownDesk { index: 1, .. }));
        let e = Overlay::check(
            &org,
            vec![StatusUpdate::AddCapability {
                desk: "a".into(),
                capability: " ".into(),
            }],
        )
        .unwrap_err();
        assert_eq!(e, StatusError::EmptyCapability { index: 0 });
        let e = Overlay::check(
            &org,
            vec![StatusUpdate::Close {
                desk: "a".into(),
                until: Some(RequestTime::parse("1200-01-01T00:00").unwrap()),
                reason: None,
            }],
        )
        .unwrap_err();
        assert!(matches!(e, StatusError::BadTime { index: 0, .. }));
    }
}
