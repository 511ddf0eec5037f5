//! `rightdesk route ORG RULES --need N [--fact k=v]... [--site S] [--at T] [--status FILE]`

use std::path::PathBuf;

use rightdesk::resolve::{Assignment, Opening, Outcome};
use rightdesk::{Resolution, Router};

use super::request::RequestArgs;
use super::{Ctx, Exit, Failure, OutputFormat, load_org, load_rules, print, print_json};

/// Resolve one request.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The organization file (YAML, JSON or TOML).
    pub org: PathBuf,
    /// The rules file.
    pub rules: PathBuf,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Exit 0 whenever the request is resolved, whatever the outcome.
pub fn run(args: Args, ctx: &Ctx) -> Result<Exit, Failure> {
    let org = load_org(&args.org)?;
    let rules = load_rules(Some(&args.rules), &org)?;
    let req = args.request.request(&org, &rules)?;
    let router = Router::new(org, rules);
    args.request.apply_status(&router)?;
    let res = router
        .explain(&req)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    match args.format {
        OutputFormat::Json => print_json(&res)?,
        OutputFormat::Text => print(&render(&res, ctx)),
    }
    Ok(Exit::Ok)
}

/// The outcome for a person, then the explanation.
pub fn render(res: &Resolution, ctx: &Ctx) -> String {
    let s = ctx.out;
    let mut out = String::new();
    match &res.outcome {
        Outcome::Routed(a) => {
            out.push_str(&format!("{} {}\n", s.green(&s.bold("go to")), desk_line(a)));
            out.push_str(&assignment_details(a));
        }
        Outcome::NeedsInfo { questions } => {
            out.push_str(&format!(
                "{} before routing, ask:\n",
                s.yellow(&s.bold("needs info"))
            ));
            for q in questions {
                out.push_str(&format!("  - {} (`{}`)", q.question, q.fact));
                if !q.allowed.is_empty() {
                    let v: Vec<String> = q.allowed.iter().map(|v| v.to_string()).collect();
                    out.push_str(&format!(" one of: {}", v.join(", ")));
                }
                out.push('\n');
            }
        }
        Outcome::Escalated { to, gap } => {
            out.push_str(&format!(
                "{} {}\n",
                s.yellow(&s.bold("escalated to")),
                desk_line(to)
            ));
            out.push_str(&format!("  gap: {}\n", gap.summary));
            out.push_str(&assignment_details(to));
        }
        Outcome::NoDesk { gap } => {
            out.push_str(&format!("{} {}\n", s.red(&s.bold("no desk:")), gap.summary));
        }
    }
    let explanation = rightdesk_explanation(res);
    if !explanation.trim().is_empty() {
        out.push_str(&format!("{}\n", s.bold("why:")));
        for line in explanation.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

fn desk_line(a: &Assignment) -> String {
    let mut s = format!(
        "{} (`{}`) at {} (`{}`)",
        a.desk_name, a.desk, a.site_name, a.site
    );
    if let Some(addr) = &a.address {
        s.push_str(&format!(", {addr}"));
    }
    s
}

fn assignment_details(a: &Assignment) -> String {
    let mut out = String::new();
    let travel = a
        .travel_minutes
        .map_or(String::from("travel unknown"), |t| {
            format!("{t} min travel")
        });
    out.push_str(&format!(
        "  cost: {} min ({travel} + {} min wait)\n",
        a.cost_minutes, a.wait_minutes
    ));
    match &a.opening {
        Opening::Unknown => out.push_str(&format!("  hours: {}\n", a.hours)),
        Opening::Open { arrival } => out.push_str(&format!(
            "  open when you arrive at {} (hours: {})\n",
            arrival.format("%a %Y-%m-%d %H:%M"),
            a.hours
        )),
        Opening::OpensLater {
            arrival,
            opens,
            reason,
        } => {
            out.push_str(&format!(
                "  closed when you arrive at {}{}; opens {} (hours: {})\n",
                arrival.format("%a %Y-%m-%d %H:%M"),
                reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default(),
                opens.format("%a %Y-%m-%d %H:%M"),
                a.hours
            ));
        }
        Opening::NotSoon { arrival, reason } => out.push_str(&format!(
            "  closed when you arrive at {}{} and not open within a year\n",
            arrival.format("%a %Y-%m-%d %H:%M"),
            reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default(),
        )),
    }
    if !a.bring.is_empty() {
        let v: Vec<&str> = a.bring.iter().map(|b| b.as_str()).collect();
        out.push_str(&format!("  bring: {}\n", v.join(", ")));
    }
    out
}

/// The explanation as text. (Temporary until the engine's `Display` lands.)
fn rightdesk_explanation(res: &Resolution) -> String {
    use rightdesk::explain::{CandidateVerdict, RuleVerdict};
    let e = &res.explanation;
    let mut out = String::new();
    match (&e.rule, &e.rule_description) {
        (Some(r), Some(d)) => out.push_str(&format!("decided by rule `{r}`: {d}\n")),
        (Some(r), None) => out.push_str(&format!("decided by rule `{r}`\n")),
        (None, _) => out.push_str("no rule decided\n"),
    }
    for r in &e.rules {
        let v = match r.verdict {
            RuleVerdict::Matched => "matched",
            RuleVerdict::NotMatched => "not matched",
            RuleVerdict::Unknown => "unknown",
        };
        out.push_str(&format!("rule `{}` {v}: {}\n", r.rule, r.why));
    }
    for c in &e.candidates {
        let v = match &c.verdict {
            CandidateVerdict::Chosen => String::from("chosen"),
            other => format!("{other:?}"),
        };
        out.push_str(&format!("desk `{}`: {v}\n", c.desk));
    }
    out
}
