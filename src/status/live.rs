//! A router that can be reloaded while it serves: snapshot swapping with `arc-swap`.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use arc_swap::ArcSwap;

use super::{StatusError, StatusUpdate};
use crate::load::{self, Limits, LoadError};
use crate::model::Org;
use crate::resolve::{
    Request, RequestError, RequestTime, Resolution, ResolutionRef, Router, Trace,
};
use crate::rules::RuleSet;

/// A [`Router`] behind an atomically swapped pointer, for services that run all day:
/// requests are answered from a consistent snapshot while status updates and whole
/// organization/rules reloads happen on other threads.
///
/// # Guarantees
/// - Readers never wait and never see a mix: each call works on one snapshot — the
///   organization, rules and live status as they were before an update or reload, or as
///   they are after it, never part of each.
/// - Writers (status updates, reloads) are serialized, so an update made during a reload is
///   carried into the new router, not lost.
/// - A reload of a bad file fails with every problem found and leaves the old state serving.
/// - On reload the live status is carried over to the new organization; updates naming
///   desks that no longer exist are dropped and reported in [`Reload::dropped`].
///
/// # Example
/// ```
/// use rightdesk::load::{org_from_str, rules_from_str};
/// use rightdesk::status::LiveRouter;
/// use rightdesk::{Format, Request, Router, StatusUpdate};
/// let org = org_from_str("sites: [{id: s}]\nunits: [{id: u}]\n\
///     desks: [{id: a, unit: u, site: s, capabilities: [x]}, \
///             {id: b, unit: u, site: s, capabilities: [x], wait_minutes: 5}]",
///     Format::Yaml, None)?;
/// let rules = rules_from_str("rules: [{id: r, then: {capability: x}}]", Format::Yaml, None, &org)?;
/// let live = LiveRouter::new(Router::new(org, rules));
/// assert_eq!(live.resolve(&Request::new("x"))?.outcome.desk().map(|d| d.as_str()), Some("a"));
/// live.update_status([StatusUpdate::Close { desk: "a".into(), until: None, reason: None }])?;
/// assert_eq!(live.resolve(&Request::new("x"))?.outcome.desk().map(|d| d.as_str()), Some("b"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LiveRouter {
    current: ArcSwap<Router>,
    writer: Mutex<()>,
}

/// What a reload did.
#[derive(Debug, Clone, PartialEq)]
pub struct Reload {
    /// Status updates carried over to the new router.
    pub kept: Vec<StatusUpdate>,
    /// Status updates dropped because they name desks the new organization lacks.
    pub dropped: Vec<StatusUpdate>,
}

impl LiveRouter {
    /// Serve `router`.
    pub fn new(router: Router) -> LiveRouter {
        LiveRouter {
            current: ArcSwap::from_pointee(router),
            writer: Mutex::new(()),
        }
    }

    /// Load the organization and rules files and serve them.
    ///
    /// # Errors
    /// [`LoadError`] with every problem found.
    pub fn from_paths(
        org: impl AsRef<Path>,
        rules: impl AsRef<Path>,
    ) -> Result<LiveRouter, LoadError> {
        Ok(LiveRouter::new(load_router(
            org.as_ref(),
            rules.as_ref(),
            &Limits::default(),
        )?))
    }

    /// The router as it is now. Use one snapshot for several calls that must agree with
    /// each other; it stays valid (and unchanged, but for its own live status) after a reload.
    pub fn snapshot(&self) -> Arc<Router> {
        self.current.load_full()
    }

    /// Resolve on the current snapshot. See [`Router::resolve`].
    ///
    /// # Errors
    /// As [`Router::resolve`].
    pub fn resolve(&self, req: &Request) -> Result<Resolution, RequestError> {
        self.current.load().resolve(req)
    }

    /// Resolve on the current snapshot and hand the answer, borrowed from it, to `f` (see
    /// [`Router::resolve_ref`]): for a service that reads a few fields or writes the
    /// answer out at once, without copying names out of the organization. The snapshot
    /// stays current for the call even if a reload happens meanwhile.
    ///
    /// # Errors
    /// As [`Router::resolve`]; `f` is not called then.
    ///
    /// # Example
    /// ```
    /// # use rightdesk::load::{org_from_str, rules_from_str};
    /// # use rightdesk::status::LiveRouter;
    /// # use rightdesk::{Format, Request, Router};
    /// # let org = org_from_str("sites: [{id: s}]\nunits: [{id: u}]\n\
    /// #     desks: [{id: a, unit: u, site: s, capabilities: [x]}]", Format::Yaml, None)?;
    /// # let rules = rules_from_str("rules: [{id: r, then: {capability: x}}]", Format::Yaml, None, &org)?;
    /// let live = LiveRouter::new(Router::new(org, rules));
    /// let json = live.resolve_with(&Request::new("x"), |res| serde_json::to_string(res))??;
    /// assert!(json.contains(r#""desk":"a""#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve_with<T>(
        &self,
        req: &Request,
        f: impl FnOnce(&ResolutionRef<'_>) -> T,
    ) -> Result<T, RequestError> {
        let router = self.current.load();
        router.resolve_ref(req).map(|res| f(&res))
    }

    /// Resolve with a full explanation on the current snapshot. See [`Router::explain`].
    ///
    /// # Errors
    /// As [`Router::explain`].
    pub fn explain(&self, req: &Request) -> Result<Resolution, RequestError> {
        self.current.load().explain(req)
    }

    /// Follow today's referrals on the current snapshot. See [`Router::trace_referrals`].
    ///
    /// # Errors
    /// As [`Router::trace_referrals`].
    pub fn trace_referrals(
        &self,
        entry: &str,
        need: &str,
        at: Option<RequestTime>,
    ) -> Result<Trace, RequestError> {
        self.current.load().trace_referrals(entry, need, at)
    }

    /// Apply a batch of status updates atomically to the serving router.
    ///
    /// # Errors
    /// [`StatusError`]; nothing is applied then.
    pub fn update_status(
        &self,
        updates: impl IntoIterator<Item = StatusUpdate>,
    ) -> Result<(), StatusError> {
        let _writer = self.lock_writer();
        self.current.load().update_status(updates)
    }

    /// Drop every status update on the serving router.
    pub fn clear_status(&self) {
        let _writer = self.lock_writer();
        self.current.load().clear_status();
    }

    /// Serve a new organization and rules, carrying the live status over.
    pub fn replace(&self, org: Org, rules: RuleSet) -> Reload {
        self.swap_in(Router::new(org, rules))
    }

    /// Reload the organization and rules files. On any error the old state keeps serving.
    ///
    /// # Errors
    /// [`LoadError`] with every problem found in either file.
    pub fn reload_from_paths(
        &self,
        org: impl AsRef<Path>,
        rules: impl AsRef<Path>,
    ) -> Result<Reload, LoadError> {
        self.reload_from_paths_with_limits(org, rules, &Limits::default())
    }

    /// [`LiveRouter::reload_from_paths`] with explicit input limits.
    ///
    /// # Errors
    /// [`LoadError`] with every problem found in either file.
    pub fn reload_from_paths_with_limits(
        &self,
        org: impl AsRef<Path>,
        rules: impl AsRef<Path>,
        limits: &Limits,
    ) -> Result<Reload, LoadError> {
        // Build the new router before taking the writer lock: loading can be slow and must
        // not hold up status updates.
        let router = load_router(org.as_ref(), rules.as_ref(), limits)?;
        Ok(self.swap_in(router))
    }

    fn swap_in(&self, router: Router) -> Reload {
        let _writer = self.lock_writer();
        let old = self.current.load();
        let (kept, dropped): (Vec<StatusUpdate>, Vec<StatusUpdate>) = old
            .status_updates()
            .into_iter()
            .partition(|u| applies_to(u, router.org()));
        // Each kept update names a desk the new organization has; apply one by one so that a
        // refused update (none is expected) drops only itself.
        let mut really_kept = Vec::with_capacity(kept.len());
        let mut dropped = dropped;
        for u in kept {
            match router.update_status([u.clone()]) {
                Ok(()) => really_kept.push(u),
                Err(_) => dropped.push(u),
            }
        }
        self.current.store(Arc::new(router));
        Reload {
            kept: really_kept,
            dropped,
        }
    }

    fn lock_writer(&self) -> MutexGuard<'_, ()> {
        // The guarded data is `()`: a writer that panicked left nothing half-done here.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn applies_to(update: &StatusUpdate, org: &Org) -> bool {
    let desk = match update {
        StatusUpdate::Close { desk, .. }
        | StatusUpdate::Reopen { desk }
        | StatusUpdate::AddCapability { desk, .. }
        | StatusUpdate::RemoveCapability { desk, .. }
        | StatusUpdate::SetWait { desk, .. } => desk,
    };
    org.desk(desk).is_some()
}

fn load_router(org: &Path, rules: &Path, limits: &Limits) -> Result<Router, LoadError> {
    let org = load::org_from_path_with_limits(org, limits)?;
    let rules = load::rules_from_path_with_limits(rules, &org, limits)?;
    Ok(Router::new(org, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_router_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<LiveRouter>();
    }
}
