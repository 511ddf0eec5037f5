//! Memory per desk, measured with a counting global allocator (`cap`): heap bytes held
//! by the organization, the rules and the router's indexes, divided by the number of
//! desks. Prints a table; no timing.
//!
//! Sizes: (10k desks, 1k rules), (100k, 10k); with `RIGHTDESK_BENCH_LARGE=1` also
//! (1M, 100k).

#[path = "common/mod.rs"]
mod common;

use std::alloc::System;

use cap::Cap;
use rightdesk::{Org, Router, RuleSet};

#[global_allocator]
static ALLOC: Cap<System> = Cap::new(System, usize::MAX);

fn used() -> usize {
    ALLOC.allocated()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass other flags: only
    // measure when run as a bench.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    println!("memory per desk (heap bytes, counting global allocator)");
    println!(
        "| size | OrgSpec (file data) | Org (incl. its spec) | RuleSet | Router total | router indexes | Router bytes/desk | without the kept specs, bytes/desk |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut breakdown = Vec::new();
    for size in common::sizes() {
        let org_spec = common::org_spec(size);
        let rules_spec = common::rules_spec(&org_spec, size);
        let base = used();
        let org_spec_bytes = {
            let before = used();
            let copy = org_spec.clone();
            let b = used() - before;
            drop(copy);
            b
        };
        let rules_spec_bytes = {
            let before = used();
            let copy = rules_spec.clone();
            let b = used() - before;
            drop(copy);
            b
        };
        let before = used();
        let org = Org::from_spec(org_spec).expect("org");
        // The spec moved into the Org: count what it holds now.
        let org_bytes = used() - before + org_spec_bytes;
        let before = used();
        let rules = RuleSet::from_spec(rules_spec, &org).expect("rules");
        let rules_bytes = used() - before + rules_spec_bytes;
        let before = used();
        let router = Router::new(org, rules);
        let index_bytes = used() - before;
        let total = org_bytes + rules_bytes + index_bytes;
        let per_desk = total as f64 / size.desks as f64;
        let without_specs = (total - org_spec_bytes - rules_spec_bytes) as f64 / size.desks as f64;
        println!(
            "| {} | {:.1} MB | {:.1} MB | {:.1} MB | {:.1} MB | {:.1} MB | {per_desk:.0} | {without_specs:.0} |",
            size.label(),
            org_spec_bytes as f64 / 1e6,
            org_bytes as f64 / 1e6,
            rules_bytes as f64 / 1e6,
            total as f64 / 1e6,
            index_bytes as f64 / 1e6,
        );
        // Where an Org's bytes go, per desk.
        let org = router.org();
        let graph_bytes = {
            let before = used();
            let g = org.graph().clone();
            let b = used() - before;
            drop(g);
            b
        };
        let d = size.desks as f64;
        let desk_inline = std::mem::size_of::<rightdesk::model::Desk>();
        let org_only = org_bytes - org_spec_bytes;
        breakdown.push(format!(
            "| {} | {:.0} | {desk_inline} | {:.0} | {:.0} | {:.0} | {:.0} |",
            size.label(),
            org_spec_bytes as f64 / d,
            graph_bytes as f64 / d,
            (org_only.saturating_sub(desk_inline * size.desks + graph_bytes)) as f64 / d,
            (rules_bytes as f64) / d,
            index_bytes as f64 / d,
        ));
        drop(router);
        let _ = base;
    }
    println!("\nbytes per desk, by part");
    println!(
        "| size | kept OrgSpec | Desk struct (inline) | petgraph graph | other Org heap (ids, maps, small vecs) | RuleSet (incl. kept spec) | router indexes |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in breakdown {
        println!("{row}");
    }
}
