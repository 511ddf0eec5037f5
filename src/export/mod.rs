//! Pictures of an organization: Graphviz DOT and Mermaid, with a runaround highlighted.
//!
//! Both show the chain of command (units, parent → child), the desks grouped by site
//! (one cluster or subgraph per site, with its address), which unit staffs each desk
//! (dotted), duty desks (marked in the label), and today's referrals (one arrow per
//! `refers` entry, labelled with the need). Given a [`Trace`] (from
//! [`Router::trace_referrals`](crate::Router::trace_referrals), or the worst runaround of
//! an analysis [`Report`](crate::analyze::Report)), its stops are numbered and filled red
//! and its legs drawn thick red, labelled with the step, travel and wait minutes.
//!
//! # Rendering
//!
//! - DOT: save the text as `org.dot` and run `dot -Tsvg org.dot -o org.svg` (or `-Tpng`);
//!   Graphviz is in every package manager (`apt install graphviz`, `brew install graphviz`).
//! - Mermaid: paste the text into the live editor at <https://mermaid.live>, or put it in
//!   a fenced code block marked `mermaid` in GitHub or GitLab Markdown, which render it.
//!
//! The output is deterministic (file order), so it diffs well. Every id and name is
//! escaped; any text is safe to put in.
//!
//! # Example
//!
//! ```
//! use rightdesk::{export, Org, OrgSpec};
//! let org = Org::from_spec(serde_json::from_str::<OrgSpec>(r#"{
//!   "sites": [{"id": "hq", "name": "Headquarters"}],
//!   "units": [{"id": "records"}],
//!   "desks": [{"id": "counter", "unit": "records", "site": "hq"}]
//! }"#)?)?;
//! let dot = export::dot(&org, None);
//! assert!(dot.contains("\ndigraph"));
//! let mermaid = export::mermaid(&org, None);
//! assert!(mermaid.contains("flowchart LR"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dot;
mod mermaid;

pub use dot::dot;
pub use mermaid::mermaid;

use std::collections::HashMap;

use crate::model::{Id, Org};
use crate::resolve::Trace;

/// A runaround drawn over the picture: legs keyed by (from desk, to desk).
struct Path<'a> {
    /// Desk index → step numbers (1-based) it is visited at.
    steps: HashMap<u32, Vec<usize>>,
    /// (from, to) desk indexes → leg label.
    legs: Vec<((u32, u32), String)>,
    need: &'a Id,
}

impl<'a> Path<'a> {
    fn new(org: &Org, trace: &'a Trace) -> Path<'a> {
        let mut steps: HashMap<u32, Vec<usize>> = HashMap::new();
        let mut prev: Option<u32> = None;
        let mut legs = Vec::new();
        for (i, stop) in trace.stops.iter().enumerate() {
            let Some(d) = org.desk_index(stop.desk.as_str()) else {
                prev = None;
                continue;
            };
            steps.entry(d).or_default().push(i + 1);
            if let Some(p) = prev {
                let travel = stop.travel_minutes.map_or_else(
                    || "no known route".to_owned(),
                    |m| format!("{m} min travel"),
                );
                legs.push((
                    (p, d),
                    format!("step {}: {travel}, {} min wait", i + 1, stop.wait_minutes),
                ));
            }
            prev = Some(d);
        }
        Path {
            steps,
            legs,
            need: &trace.need,
        }
    }

    /// The label of the leg from `a` to `b`, if the path takes it.
    fn leg(&self, a: u32, b: u32) -> Option<&str> {
        self.legs
            .iter()
            .find(|(k, _)| *k == (a, b))
            .map(|(_, l)| l.as_str())
    }
}
