//! The router: compiled once, then resolves requests through `&self` from any thread.

use std::sync::Arc;

use arc_swap::ArcSwap;

use super::engine::{Ctx, Engine};
use super::time::check_range;
use super::validate::{self, desk_hint};
use super::{Request, RequestError, RequestTime, Resolution, ResolutionRef, Trace};
use crate::compile::Compiled;
use crate::compile::fast::Facts;
use crate::model::Org;
use crate::rules::RuleSet;
use crate::status::{Overlay, StatusError, StatusUpdate};

/// Routes requests to desks.
///
/// Built once from an [`Org`] and a [`RuleSet`] (the rules are compiled into indexes then);
/// `Send + Sync`, so one router can serve every thread. Live status updates
/// ([`Router::update_status`]) are applied as a whole batch by swapping one pointer:
/// readers see the status before or after a batch, never half of it, and never wait.
///
/// # Semantics
/// 1. Rules are evaluated by descending priority, then file order, in three-valued logic
///    (a test of a fact the request lacks is *unknown*; `exists` never is). The first true
///    rule decides; if an unknown rule comes before it (or, with no true rule, any rule is
///    unknown) the outcome is [`Outcome::NeedsInfo`](crate::Outcome::NeedsInfo) with the
///    questions whose answers decide — never a guess. A true rule whose desk constraint
///    refers to a declared fact the request lacks also asks for it.
/// 2. Candidates: desks offering the rule's capability (after status updates), with at
///    least its authority, in its unit subtree and site, speaking the language it demands
///    (a constraint on a request value the request does not give, like `{fact: language}`
///    without a language, is not applied). A desk must list a language to speak it.
/// 3. The customer travels from the request's site (same site: 0 minutes; a pair without a
///    known route: unreachable; no site: 0 for all). Among candidates open on arrival
///    (request time + travel, hours checked in the organization's civil time) the least
///    travel + wait wins, then the smallest desk id. If none is open, the one that can serve
///    soonest (opening + wait), then least cost, then id, with when it opens. Without a
///    request time hours are ignored. A desk that will not open within a year, or is closed
///    by a status update without an end, is not a candidate.
/// 4. No candidate: escalated to the nearest open duty desk up the chain of command from
///    the rule's owner unit (else the one that serves soonest); no owner or no duty desk:
///    [`Outcome::NoDesk`](crate::Outcome::NoDesk) naming the gap.
///
/// # Example
/// ```
/// use rightdesk::load::{org_from_str, rules_from_str};
/// use rightdesk::{Format, Request, Router};
/// let org = org_from_str(r#"
/// sites: [{id: hq, address: "1 Main St"}]
/// units: [{id: records}]
/// desks:
///   - {id: records-counter, unit: records, site: hq, capabilities: [report.copy],
///      requires: [photo_id], hours: "Mo-Fr 08:00-16:00"}
/// "#, Format::Yaml, None)?;
/// let rules = rules_from_str(r#"
/// rules:
///   - id: copies
///     when: {fact: need, eq: report.copy}
///     then: {capability: report.copy}
/// "#, Format::Yaml, None, &org)?;
/// let router = Router::new(org, rules);
/// let res = router.resolve(&Request::new("report.copy").site("hq")
///     .at_local("2026-11-30T09:15:00".parse()?))?;
/// assert_eq!(res.outcome.desk().map(|d| d.as_str()), Some("records-counter"));
/// println!("{res}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Router {
    org: Org,
    rules: RuleSet,
    compiled: Compiled,
    status: ArcSwap<Overlay>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("desks", &self.org.desks.len())
            .field("rules", &self.rules.rules.len())
            .finish_non_exhaustive()
    }
}

impl Router {
    /// Build a router: compile the rules and the organization into indexes.
    ///
    /// # Complexity
    /// O(R·c + D·k·log(D·k) + T·log T) for R rules of condition size c, D desks with k
    /// capabilities each and T travel pairs.
    pub fn new(org: Org, rules: RuleSet) -> Router {
        let compiled = Compiled::build(&org, &rules);
        Router {
            org,
            rules,
            compiled,
            status: ArcSwap::from_pointee(Overlay::default()),
        }
    }

    /// The organization.
    pub fn org(&self) -> &Org {
        &self.org
    }

    /// The rules.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Resolve a request to the one desk that can solve it. The explanation names the
    /// deciding rule; [`Router::explain`] also gives every verdict.
    ///
    /// # Errors
    /// [`RequestError`] when the request has no need, names an unknown site or unit, carries
    /// an undeclared fact or a value its fact does not allow, or a time outside the years
    /// 1900–9998.
    ///
    /// # Complexity
    /// Typically O(r + g + k): r rules filed under the request's values (plus rules without
    /// an equality test), g site groups visited (nearest first, stopping once travel alone
    /// exceeds the best cost), k desks looked at per group (cheapest first). No allocation
    /// besides the answer itself.
    pub fn resolve(&self, req: &Request) -> Result<Resolution, RequestError> {
        self.resolve_ref(req).map(|r| r.to_resolution())
    }

    /// [`Router::resolve`]'s answer as a view into the router: the chosen desk, its site
    /// and the deciding rule are borrowed, not copied, so a routed answer costs no
    /// allocation and no reference count (no shared counter for threads to contend on).
    /// [`ResolutionRef::to_resolution`] gives the owned [`Resolution`]; both serialize to
    /// the same JSON. For a caller that reads a few fields or writes the answer out at once.
    ///
    /// # Errors
    /// As [`Router::resolve`].
    ///
    /// # Complexity
    /// As [`Router::resolve`]; the answer allocates only for questions and gaps.
    pub fn resolve_ref(&self, req: &Request) -> Result<ResolutionRef<'_>, RequestError> {
        self.run(req, |e, ctx, facts| e.resolve(ctx, facts))
    }

    /// Resolve with a full explanation: every rule evaluated, with its verdict and why, and
    /// every desk offering (or, by a status update, no longer offering) the capability, with
    /// why it was or was not chosen. The outcome is the same as [`Router::resolve`]'s.
    ///
    /// # Errors
    /// As [`Router::resolve`].
    ///
    /// # Complexity
    /// O(R + C): every rule and every desk with the capability.
    pub fn explain(&self, req: &Request) -> Result<Resolution, RequestError> {
        self.run(req, |e, ctx, facts| e.explain(ctx, facts))
    }

    /// Validate the request, then answer it with an engine over today's status. The
    /// request's facts are checked as they are read for the rules (one lookup each); the
    /// full check runs only to say what is wrong.
    #[inline]
    fn run<'a, T>(
        &'a self,
        req: &Request,
        answer: impl FnOnce(&Engine<'a, '_>, &Ctx<'_>, &Facts<'_>) -> T,
    ) -> Result<T, RequestError> {
        let names = validate::Fast(&self.org, &self.compiled, &self.rules);
        let (origin, unit) = validate::check_place(&names, &self.org, req)?;
        let symbols = &self.compiled.rule_index.symbols;
        let mut facts = Facts::default();
        if !symbols.read_checked(req, &self.rules.facts, &mut facts) {
            validate::check_facts(&names, &self.rules, req)?;
            facts = symbols.facts(req);
        }
        let at = validate::check_time(&self.compiled.zone, req)?;
        let checked = validate::Checked { origin, unit, at };
        let status = self.status.load();
        Ok(answer(
            &self.engine(&status),
            &Ctx::new(req, checked),
            &facts,
        ))
    }

    fn engine<'s>(&self, status: &'s Overlay) -> Engine<'_, 's> {
        Engine {
            org: &self.org,
            rules: &self.rules,
            comp: &self.compiled,
            status,
        }
    }

    /// Apply a batch of status updates, in order, atomically: every update is checked first
    /// and none is applied if one is wrong. Readers see the whole batch or none of it.
    ///
    /// # Errors
    /// [`StatusError`] naming the first bad update (unknown desk, empty capability, time out
    /// of range); nothing is applied then.
    ///
    /// # Example
    /// ```
    /// # use rightdesk::load::{org_from_str, rules_from_str};
    /// # use rightdesk::{Format, Router, StatusUpdate};
    /// # let org = org_from_str("sites: [{id: s}]\nunits: [{id: u}]\ndesks: [{id: d, unit: u, site: s}]",
    /// #     Format::Yaml, None)?;
    /// # let rules = rules_from_str("rules: []", Format::Yaml, None, &org)?;
    /// let router = Router::new(org, rules);
    /// router.update_status([StatusUpdate::Close {
    ///     desk: "d".into(), until: None, reason: Some("out sick".into()) }])?;
    /// assert_eq!(router.status_updates().len(), 1);
    /// router.clear_status();
    /// assert!(router.status_updates().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn update_status(
        &self,
        updates: impl IntoIterator<Item = StatusUpdate>,
    ) -> Result<(), StatusError> {
        let checked = Overlay::check(&self.org, updates)?;
        if checked.is_empty() {
            return Ok(());
        }
        self.status.rcu(|current| {
            let mut next = Overlay::clone(current);
            next.apply(&self.org, &checked);
            next
        });
        Ok(())
    }

    /// Replace the whole live status with the result of these updates applied to the
    /// organization as loaded (e.g. to restore what [`Router::status_updates`] returned).
    ///
    /// # Errors
    /// As [`Router::update_status`]; the status is unchanged then.
    pub fn replace_status(
        &self,
        updates: impl IntoIterator<Item = StatusUpdate>,
    ) -> Result<(), StatusError> {
        let checked = Overlay::check(&self.org, updates)?;
        let mut next = Overlay::default();
        next.apply(&self.org, &checked);
        self.status.store(Arc::new(next));
        Ok(())
    }

    /// Drop every status update: back to the organization as loaded.
    pub fn clear_status(&self) {
        self.status.store(Arc::new(Overlay::default()));
    }

    /// The live status as the shortest list of updates that recreates it from the
    /// organization as loaded (closures, waits, capability changes; ordered by desk).
    pub fn status_updates(&self) -> Vec<StatusUpdate> {
        self.status.load().updates(&self.org)
    }

    /// Follow today's referrals (`refers`) from an entry desk for a need: the runaround a
    /// customer gets now. Each stop counts travel from the previous one and the wait there
    /// (queue, plus waiting for a closed desk to open when a time is given; a desk closed
    /// by a status update without an end just refers onwards). It ends at the first desk
    /// that can solve the need (has the capability the rules map the need to, with their
    /// authority and scope; the need itself when no rule decides without more facts), in a
    /// cycle, or at a dead end.
    ///
    /// # Errors
    /// [`RequestError::UnknownDesk`] for an unknown entry desk, [`RequestError::EmptyNeed`],
    /// [`RequestError::BadValue`] for a time out of range.
    ///
    /// # Complexity
    /// O(s) for s stops (at most the number of desks).
    pub fn trace_referrals(
        &self,
        entry: &str,
        need: &str,
        at: Option<RequestTime>,
    ) -> Result<Trace, RequestError> {
        if need.trim().is_empty() {
            return Err(RequestError::EmptyNeed);
        }
        let Some(d) = self.org.desk_index(entry) else {
            return Err(RequestError::UnknownDesk {
                id: entry.to_owned(),
                hint: desk_hint(&self.org, entry),
            });
        };
        let at = match at {
            None => None,
            Some(t) => Some(check_range(self.org.timezone, t).map_err(RequestError::BadValue)?),
        };
        let status = self.status.load();
        Ok(super::referrals::follow(&self.engine(&status), d, need, at))
    }

    /// Approximate heap bytes held by the router's own indexes (not counting the
    /// organization and rules themselves).
    pub fn index_bytes(&self) -> usize {
        self.compiled.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn router_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Router>();
    }
}
