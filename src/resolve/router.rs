//! The router. (Skeleton: the engine is being written.)

use std::sync::Arc;

use arc_swap::ArcSwap;

use super::{Gap, Outcome, Request, RequestError, RequestTime, Resolution, Trace};
use crate::explain::Explanation;
use crate::model::{Id, Org};
use crate::rules::RuleSet;
use crate::status::{StatusError, StatusUpdate};

/// Routes requests to desks. Built once from an [`Org`] and a [`RuleSet`]; `Send + Sync`;
/// live status updates apply atomically without rebuilding.
pub struct Router {
    org: Org,
    rules: RuleSet,
    status: ArcSwap<Vec<StatusUpdate>>,
}

impl Router {
    /// Build a router.
    pub fn new(org: Org, rules: RuleSet) -> Router {
        Router {
            org,
            rules,
            status: ArcSwap::from_pointee(Vec::new()),
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

    /// Resolve a request.
    ///
    /// # Errors
    /// [`RequestError`] when the request names unknown sites, units or facts.
    pub fn resolve(&self, req: &Request) -> Result<Resolution, RequestError> {
        Ok(Resolution {
            outcome: Outcome::NoDesk {
                gap: Gap {
                    need: Id::from(&req.need),
                    rule: None,
                    capability: None,
                    authority: None,
                    unit: None,
                    site: None,
                    language: None,
                    owner: None,
                    summary: String::from("not implemented"),
                },
            },
            explanation: Explanation::default(),
        })
    }

    /// Resolve with a full explanation.
    ///
    /// # Errors
    /// As [`Router::resolve`].
    pub fn explain(&self, req: &Request) -> Result<Resolution, RequestError> {
        self.resolve(req)
    }

    /// Apply status updates atomically.
    ///
    /// # Errors
    /// [`StatusError`]; nothing is applied then.
    pub fn update_status(
        &self,
        updates: impl IntoIterator<Item = StatusUpdate>,
    ) -> Result<(), StatusError> {
        let mut v: Vec<StatusUpdate> = (**self.status.load()).clone();
        v.extend(updates);
        self.status.store(Arc::new(v));
        Ok(())
    }

    /// Follow today's referrals.
    ///
    /// # Errors
    /// [`RequestError::UnknownDesk`].
    pub fn trace_referrals(
        &self,
        entry: &str,
        need: &str,
        _at: Option<RequestTime>,
    ) -> Result<Trace, RequestError> {
        Err(RequestError::UnknownDesk(format!("{entry} {need}")))
    }
}
