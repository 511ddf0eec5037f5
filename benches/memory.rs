//! Memory per desk, measured with a counting global allocator (`cap`): heap bytes held
//! by the organization, the rules and the router's indexes, divided by the number of
//! desks. Prints a table; no timing. What the process allocates once whatever the
//! organizations (the opening-hours parser's holiday calendar, the compiled schedules'
//! cache) is measured first and printed apart.
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
    // What the process keeps once, whatever the organizations: the holiday calendar the
    // opening-hours parser loads on first use, the compiled schedules' cache (shared by
    // every organization with the same hours), the time zone's offsets. Measured by
    // building and dropping a small organization of the same shape first, so the first
    // size below is not charged for it.
    let once = {
        let before = used();
        let spec = common::org_spec(common::Size {
            desks: 1_000,
            rules: 100,
        });
        // `from_spec` consumes the spec and frees it; the org is dropped: what stays is
        // the process's.
        drop(Org::from_spec(spec).expect("org"));
        used().saturating_sub(before)
    };
    println!(
        "process-wide, once (holiday calendar, compiled schedules, zone offsets): {:.2} MB, not counted below\n",
        once as f64 / 1e6
    );
    println!(
        "| size | file data (OrgSpec + RuleSetSpec, freed after loading) | Org | RuleSet | router indexes | Router total | Router bytes/desk |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut breakdown = Vec::new();
    for size in common::sizes() {
        let org_spec = common::org_spec(size);
        let rules_spec = common::rules_spec(&org_spec, size);
        // Exact-size copies (the generator's strings have spare capacity): what each
        // `from_spec` frees is then exactly what the copy took.
        let (org_spec, org_spec_bytes) = {
            let before = used();
            let copy = org_spec.clone();
            (copy, used() - before)
        };
        let (rules_spec, rules_spec_bytes) = {
            let before = used();
            let copy = rules_spec.clone();
            (copy, used() - before)
        };
        // Each `from_spec` consumes its spec and frees it: what is left is the model.
        let before = used();
        let org = Org::from_spec(org_spec).expect("org");
        let org_bytes = (used() + org_spec_bytes) - before;
        let before = used();
        let rules = RuleSet::from_spec(rules_spec, &org).expect("rules");
        let rules_bytes = (used() + rules_spec_bytes) - before;
        let before = used();
        let router = Router::new(org, rules);
        let index_bytes = used() - before;
        let total = org_bytes + rules_bytes + index_bytes;
        let per_desk = total as f64 / size.desks as f64;
        println!(
            "| {} | {:.1} MB | {:.1} MB | {:.1} MB | {:.1} MB | {:.1} MB | {per_desk:.0} |",
            size.label(),
            (org_spec_bytes + rules_spec_bytes) as f64 / 1e6,
            org_bytes as f64 / 1e6,
            rules_bytes as f64 / 1e6,
            index_bytes as f64 / 1e6,
            total as f64 / 1e6,
        );
        // Where an Org's bytes go, per desk.
        let org = router.org();
        // The desks: the structs and what each owns alone (a clone shares ids and hours).
        let desks_bytes = {
            let before = used();
            let copy = org.desks().to_vec();
            let b = used() - before;
            drop(copy);
            b
        };
        // The petgraph graph is built on demand (analysis); routing never builds it.
        let graph_bytes = {
            let before = used();
            let _ = org.graph();
            used() - before
        };
        let d = size.desks as f64;
        let desk_inline = std::mem::size_of::<rightdesk::model::Desk>();
        breakdown.push(format!(
            "| {} | {desk_inline} | {:.0} | {:.0} | {:.0} | {:.0} ({:.0}) | {:.0} |",
            size.label(),
            desks_bytes.saturating_sub(desk_inline * size.desks) as f64 / d,
            org_bytes.saturating_sub(desks_bytes) as f64 / d,
            rules_bytes as f64 / d,
            index_bytes as f64 / d,
            router.index_bytes() as f64 / d,
            graph_bytes as f64 / d,
        ));
        drop(router);
    }
    println!("\nbytes per desk, by part (the first five add up to the Router total)");
    println!(
        "| size | Desk struct (inline) | desks' own heap (lists) | other Org heap (id strings, id maps, symbols, travel, hours) | RuleSet | router indexes (`Router::index_bytes()`'s own count) | petgraph graph, if built (analysis only) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for row in breakdown {
        println!("{row}");
    }
}
