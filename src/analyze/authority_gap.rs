//! `authority-gap`: desks offer the capability, but none with the authority the rule
//! requires — in the whole organization (error), or within reach of some site (warning:
//! customers there can only reach desks that may not solve it).

use super::Lint;
use super::context::Context;
use super::coverage_gap::{rules_require, scope};
use super::finding::{Code, Finding, Severity, Subject};
use super::logic::Dnf;

/// See the [module docs](self).
pub(crate) struct AuthorityGap;

impl Lint for AuthorityGap {
    fn code(&self) -> Code {
        Code::AuthorityGap
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let statics = cx.statics();
        for (s, rules) in cx.live_sigs() {
            let Some((sig, st)) = statics.sigs.get(s) else {
                continue;
            };
            let Some(needed) = sig.authority else {
                continue;
            };
            if st.in_scope.is_empty() {
                continue;
            }
            let ids = cx.rule_ids(&rules);
            let example = rules.first().and_then(|&r| cx.rule_example(r));
            if st.candidates.is_empty() {
                let mut holders: Vec<(u32, String)> = st
                    .in_scope
                    .iter()
                    .filter_map(|&d| cx.desk(d))
                    .map(|d| (d.authority, d.id.to_string()))
                    .collect();
                holders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                let best = holders.first().map(|h| h.0).unwrap_or(0);
                let list: Vec<String> = holders
                    .iter()
                    .take(5)
                    .map(|(a, d)| format!("`{d}`: {a}"))
                    .collect();
                out.push(
                    Finding::new(
                        Code::AuthorityGap,
                        Severity::Error,
                        format!(
                            "{} authority {needed} for `{}`, but the desks offering it{} hold at most {best} ({}): nobody may solve it",
                            rules_require(&ids),
                            sig.capability,
                            scope(sig),
                            list.join(", ")
                        ),
                        format!(
                            "raise the authority of `{}` to {needed}, or lower the rule's minimum",
                            holders.first().map(|h| h.1.as_str()).unwrap_or_default()
                        ),
                    )
                    .with([Subject::Capability(sig.capability.clone())])
                    .with(ids.iter().cloned().map(Subject::Rule))
                    .with(st.in_scope.iter().map(|&d| Subject::Desk(cx.desk_id(d))))
                    .example(example),
                );
                continue;
            }
            // Per site: only weaker desks within reach.
            let customer = cx.customer_sites();
            let covered = cx.covered_sites(&st.candidates);
            let weaker = cx.covered_sites(&st.in_scope);
            let rl = cx.logic();
            let site_no = rl.logic.vocab.get("site");
            // Only the sites weaker desks cover, in index order.
            let missing: Vec<usize> = weaker
                .iter()
                .filter(|&s| {
                    customer.get(s) == Some(&true) && !covered.contains(s) && {
                        let pins: Vec<Dnf> = site_no
                            .and_then(|f| rl.eq(f, &cx.site_id(s)))
                            .into_iter()
                            .collect();
                        rules.iter().any(|&r| {
                            rl.can_match(r, &pins, cx.options.search_budget) != Some(false)
                        })
                    }
                })
                .collect();
            let Some(&first) = missing.first() else {
                continue;
            };
            let sites: Vec<String> = missing
                .iter()
                .take(5)
                .map(|&s| format!("`{}`", cx.site_id(s)))
                .collect();
            let fix = match cx.nearest_by_road(first, &st.candidates) {
                Some((to, m)) => format!(
                    "add a travel time from `{}` to `{to}` (about {m} min by known routes), or give a desk within reach authority {needed}",
                    cx.site_id(first)
                ),
                None => format!(
                    "give a desk within reach of {} authority {needed}",
                    sites.join(", ")
                ),
            };
            let mut f = Finding::new(
                Code::AuthorityGap,
                Severity::Warning,
                format!(
                    "customers at {} can reach desks offering `{}`, but none with authority {needed} ({} it)",
                    sites.join(", "),
                    sig.capability,
                    rules_require(&ids)
                ),
                fix,
            )
            .with([Subject::Capability(sig.capability.clone())])
            .with(ids.iter().cloned().map(Subject::Rule))
            .with(missing.iter().map(|&s| Subject::Site(cx.site_id(s))))
            .example(example);
            if let Some(ex) = f.example.as_mut().filter(|ex| ex.site.is_none()) {
                ex.site = Some(cx.site_id(first).to_string());
            }
            out.push(f);
        }
    }
}
