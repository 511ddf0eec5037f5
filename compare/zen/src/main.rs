//! Side by side: rightdesk's router, its reference resolver, and GoRules zen-engine
//! evaluating the equivalent first-hit decision table, on the same synthetic requests.
//!
//! Run with `cargo run --release -p rightdesk-compare-zen` (see README.md). For each size it
//! builds the synthetic organization, rules and requests (`rightdesk::synth`, seed 2026, as
//! `benches/resolve.rs`), translates the rules into a zen decision table, `compile()`s it,
//! checks that all three agree on every request, then times them. The table goes to
//! stdout (tab-separated, one header line); progress and a Markdown copy go to stderr.
//!
//! `--quick` runs the smallest size only.
#![forbid(unsafe_code)]

mod table;

use std::collections::BTreeMap;
use std::error::Error;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveTime;
use rightdesk::resolve::reference;
use rightdesk::synth::{self, OrgShape, RequestShape, RuleShape};
use rightdesk::{Org, Outcome, Request, Router, RuleSet};
use zen_engine::model::DecisionContent;
use zen_engine::{Decision, DecisionEngine, Variable};

/// Seed of the synthetic data (as in `benches/common`).
const SEED: u64 = 2026;
/// Requests per size.
const REQUESTS: usize = 1_000;
/// Repetitions of each request when timing the router (as in `benches/resolve.rs`).
const ROUTER_REPS: u32 = 50;
/// Repetitions of each request when timing zen.
const ZEN_REPS: u32 = 10;
/// The sizes: (desks, rules).
const SIZES: [(usize, usize); 3] = [(1_000, 100), (10_000, 1_000), (100_000, 10_000)];

type Res<T> = Result<T, Box<dyn Error>>;

/// One size's results.
struct Row {
    desks: usize,
    rules: usize,
    router_build: Duration,
    zen_build: Duration,
    kinds: BTreeMap<&'static str, usize>,
    needs_info: usize,
    zen_hit_on_needs_info: usize,
    agreed: usize,
    router: (f64, f64),
    /// The same answers as borrowed views (`Router::resolve_ref`).
    router_ref: (f64, f64),
    zen: (f64, f64),
    reference: (f64, f64),
}

fn human(n: usize) -> String {
    if n >= 1_000 && n % 1_000 == 0 {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

/// Median and mean.
fn stats(mut ns: Vec<f64>) -> (f64, f64) {
    if ns.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    ns.sort_by(f64::total_cmp);
    let mean = ns.iter().sum::<f64>() / ns.len() as f64;
    (ns[ns.len() / 2], mean)
}

/// The rule id in zen's answer (`None`: no row hit).
fn zen_rule(answer: &Variable) -> Option<String> {
    answer
        .dot("rule")
        .and_then(|v| v.as_str().map(str::to_owned))
}

async fn zen_eval(decision: &Decision, input: Variable) -> Res<Option<String>> {
    let response = decision
        .evaluate(input)
        .await
        .map_err(|e| format!("zen evaluate: {e}"))?;
    Ok(zen_rule(&response.result))
}

/// The synthetic scenario of a size, as `benches/common` builds it.
fn scenario(desks: usize, rules: usize) -> Res<(Router, Vec<Request>)> {
    let org_spec = synth::org(&OrgShape::new(desks).seed(SEED));
    let rules_spec = synth::rules(&org_spec, &RuleShape::new(rules).seed(SEED));
    let today = chrono::Utc::now().date_naive().and_time(NaiveTime::MIN);
    let requests = synth::requests(
        &org_spec,
        &rules_spec,
        &RequestShape::new(REQUESTS).seed(SEED).starting(today),
    );
    let org = Org::from_spec(org_spec).map_err(|p| format!("synthetic org: {p}"))?;
    let rules =
        RuleSet::from_spec(rules_spec, &org).map_err(|p| format!("synthetic rules: {p}"))?;
    Ok((Router::new(org, rules), requests))
}

fn run(rt: &tokio::runtime::Runtime, desks: usize, n_rules: usize) -> Res<Row> {
    let label = format!("{}d_{}r", human(desks), human(n_rules));
    let t = Instant::now();
    let (router, requests) = scenario(desks, n_rules)?;
    let router_build = t.elapsed();
    let (org, rules) = (router.org(), router.rules());

    // zen: translate, load, compile.
    let t = Instant::now();
    let jdm = table::decision_json(rules)?;
    let content: DecisionContent = serde_json::from_value(jdm)?;
    let mut decision = DecisionEngine::default().create_decision(Arc::new(content))?;
    decision.compile();
    let zen_build = t.elapsed();
    eprintln!(
        "{label}: router built in {router_build:.2?}, zen table of {} rows loaded + compiled in {zen_build:.2?}",
        rules.rules().len()
    );

    // Agreement before timing: router == reference (whole resolution) on every request;
    // zen's first hit == the router's deciding rule on every request the router does not
    // answer with NeedsInfo.
    let inputs: Vec<Variable> = requests
        .iter()
        .map(|r| Variable::from(table::request_json(r)))
        .collect();
    let mut kinds = BTreeMap::new();
    let mut agreed: Vec<usize> = Vec::new();
    let mut reference_ns = Vec::new();
    let (mut needs_info, mut zen_hit_on_needs_info) = (0, 0);
    let mut disagreements = Vec::new();
    for (i, req) in requests.iter().enumerate() {
        let fast = router.resolve(req)?;
        let t = Instant::now();
        let slow = reference::resolve(org, rules, &[], req)?;
        let ref_ns = t.elapsed().as_nanos() as f64;
        if fast != slow {
            return Err(format!("router and reference disagree on {req:?}").into());
        }
        *kinds.entry(fast.outcome.kind()).or_insert(0) += 1;
        let zen = rt.block_on(zen_eval(
            &decision,
            Variable::from(table::request_json(req)),
        ))?;
        if matches!(fast.outcome, Outcome::NeedsInfo { .. }) {
            needs_info += 1;
            zen_hit_on_needs_info += usize::from(zen.is_some());
            continue;
        }
        let router_rule = fast
            .explanation
            .rule
            .as_ref()
            .map(|id| id.as_str().to_owned());
        if zen != router_rule {
            disagreements.push(format!("router {router_rule:?} vs zen {zen:?} on {req:?}"));
            continue;
        }
        agreed.push(i);
        reference_ns.push(ref_ns);
    }
    if !disagreements.is_empty() {
        for d in disagreements.iter().take(10) {
            eprintln!("  disagreement: {d}");
        }
        return Err(format!(
            "{label}: zen and the router disagree on {} requests",
            disagreements.len()
        )
        .into());
    }
    eprintln!(
        "{label}: agreement on all {} requests without NeedsInfo ({needs_info} NeedsInfo excluded; zen hit a row on {zen_hit_on_needs_info} of them)",
        agreed.len()
    );

    // Timing, on the agreed requests: each request `reps` times in a row, per-request mean;
    // then the median and mean over requests. One warm-up pass first. The three are timed
    // request by request in turn (router, borrowed router, zen), so a slow spell of this
    // shared machine falls on all three alike and their ratios stay comparable.
    // zen runs inside one `block_on`, so the runtime's entry cost is not counted; its
    // input is a prebuilt `Variable`, cloned per evaluation (as zen-engine's own benches
    // do).
    let reqs: Vec<&Request> = agreed.iter().map(|&i| &requests[i]).collect();
    let ins: Vec<&Variable> = agreed.iter().map(|&i| &inputs[i]).collect();
    let per_rep = |t: Instant, reps: u32| t.elapsed().as_nanos() as f64 / f64::from(reps);
    let (router_ns, router_ref_ns, zen_ns) = rt.block_on(async {
        for (r, v) in reqs.iter().zip(&ins) {
            black_box(router.resolve(r).ok());
            black_box(decision.evaluate((*v).clone()).await.ok());
        }
        let mut out = (
            Vec::with_capacity(reqs.len()),
            Vec::with_capacity(reqs.len()),
            Vec::with_capacity(reqs.len()),
        );
        for (r, v) in reqs.iter().zip(&ins) {
            let t = Instant::now();
            for _ in 0..ROUTER_REPS {
                black_box(router.resolve(black_box(r)).ok());
            }
            out.0.push(per_rep(t, ROUTER_REPS));
            let t = Instant::now();
            for _ in 0..ROUTER_REPS {
                black_box(router.resolve_ref(black_box(r)).is_ok());
            }
            out.1.push(per_rep(t, ROUTER_REPS));
            let t = Instant::now();
            for _ in 0..ZEN_REPS {
                black_box(decision.evaluate(black_box((*v).clone())).await.ok());
            }
            out.2.push(per_rep(t, ZEN_REPS));
        }
        out
    });
    // The same answers after the timed runs with cloned inputs.
    for (&i, v) in agreed.iter().zip(&ins) {
        let zen = rt.block_on(zen_eval(&decision, (*v).clone()))?;
        let want = router
            .resolve(&requests[i])?
            .explanation
            .rule
            .map(|id| id.as_str().to_owned());
        if zen != want {
            return Err(format!("{label}: zen answer changed after timing on request {i}").into());
        }
    }

    Ok(Row {
        desks,
        rules: n_rules,
        router_build,
        zen_build,
        kinds,
        needs_info,
        zen_hit_on_needs_info,
        agreed: agreed.len(),
        router: stats(router_ns),
        router_ref: stats(router_ref_ns),
        zen: stats(zen_ns),
        reference: stats(reference_ns),
    })
}

fn main() -> Res<()> {
    let quick = std::env::args().skip(1).any(|a| a == "--quick");
    let sizes = if quick { &SIZES[..1] } else { &SIZES[..] };
    let rt = tokio::runtime::Builder::new_current_thread().build()?;
    let mut rows = Vec::new();
    for &(desks, rules) in sizes {
        rows.push(run(&rt, desks, rules)?);
    }

    println!(
        "desks\trules\trequests\tagreed\tneeds_info_excluded\tzen_hit_on_needs_info\trouter_median_ns\trouter_mean_ns\tzen_median_ns\tzen_mean_ns\treference_median_ns\treference_mean_ns\tzen_over_router_median\tzen_over_router_mean\treference_over_router_median\trouter_build_ms\tzen_build_ms\trouter_ref_median_ns\trouter_ref_mean_ns\tzen_over_router_ref_median\tzen_over_router_ref_mean"
    );
    for r in &rows {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{:.0}\t{:.0}\t{:.0}\t{:.0}\t{:.0}\t{:.0}\t{:.1}\t{:.1}\t{:.1}\t{:.0}\t{:.1}\t{:.0}\t{:.0}\t{:.1}\t{:.1}",
            r.desks,
            r.rules,
            REQUESTS,
            r.agreed,
            r.needs_info,
            r.zen_hit_on_needs_info,
            r.router.0,
            r.router.1,
            r.zen.0,
            r.zen.1,
            r.reference.0,
            r.reference.1,
            r.zen.0 / r.router.0,
            r.zen.1 / r.router.1,
            r.reference.0 / r.router.0,
            r.router_build.as_secs_f64() * 1e3,
            r.zen_build.as_secs_f64() * 1e3,
            r.router_ref.0,
            r.router_ref.1,
            r.zen.0 / r.router_ref.0,
            r.zen.1 / r.router_ref.1,
        );
    }

    eprintln!(
        "\n| size | outcomes | agreed (timed) | NeedsInfo excluded (zen hit a row anyway) | router median / mean ns | zen median / mean ns | reference median / mean ns | zen / router (median, mean) | reference / router (median) | zen load + compile | resolve_ref median / mean ns | zen / resolve_ref (median, mean) |"
    );
    eprintln!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let kinds: Vec<String> = r.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        eprintln!(
            "| {}d / {}r | {} | {} | {} ({}) | {:.0} / {:.0} | {:.0} / {:.0} | {:.0} / {:.0} | {:.1}x, {:.1}x | {:.0}x | {:.2?} | {:.0} / {:.0} | {:.1}x, {:.1}x |",
            human(r.desks),
            human(r.rules),
            kinds.join(", "),
            r.agreed,
            r.needs_info,
            r.zen_hit_on_needs_info,
            r.router.0,
            r.router.1,
            r.zen.0,
            r.zen.1,
            r.reference.0,
            r.reference.1,
            r.zen.0 / r.router.0,
            r.zen.1 / r.router.1,
            r.reference.0 / r.router.0,
            r.zen_build,
            r.router_ref.0,
            r.router_ref.1,
            r.zen.0 / r.router_ref.0,
            r.zen.1 / r.router_ref.1,
        );
    }
    Ok(())
}
