//! `rightdesk explain ORG RULES --need N ... --desk X`: why not desk X for this request.

use std::path::PathBuf;

use rightdesk::explain::CandidateVerdict;
use rightdesk::resolve::Outcome;
use rightdesk::{Id, Resolution, Router};
use serde::Serialize;

use super::request::RequestArgs;
use super::{Ctx, Exit, Failure, OutputFormat, load_org, load_rules, print, print_json, unknown};

/// Why a request does not go to a desk.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The organization file (YAML, JSON or TOML).
    pub org: PathBuf,
    /// The rules file.
    pub rules: PathBuf,
    #[command(flatten)]
    pub request: RequestArgs,
    /// The desk in question.
    #[arg(long, value_name = "DESK")]
    pub desk: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Serialize)]
struct WhyNot {
    desk: Id,
    /// True when the request does go to this desk.
    chosen: bool,
    /// The desk it goes to instead, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    instead: Option<Id>,
    /// The desk's verdict among the candidates, when it was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<CandidateVerdict>,
    /// The answer in one sentence.
    reason: String,
    resolution: Resolution,
}

/// Exit 0 whenever the question is answered.
pub fn run(args: Args, ctx: &Ctx) -> Result<Exit, Failure> {
    let org = load_org(&args.org)?;
    let rules = load_rules(Some(&args.rules), &org)?;
    let Some(desk) = org.desk(&args.desk) else {
        return Err(unknown(
            "desk",
            &args.desk,
            org.desks().iter().map(|d| d.id.as_str()),
        ));
    };
    let desk_id = desk.id.clone();
    let desk_caps: Vec<Id> = desk.capabilities.to_vec();
    let req = args.request.request(&org, &rules)?;
    let router = Router::new(org, rules);
    args.request.apply_status(&router)?;
    let res = router
        .explain(&req)
        .map_err(|e| Failure::Usage(e.to_string()))?;

    let instead = res.outcome.desk().cloned();
    let chosen = instead.as_ref() == Some(&desk_id);
    let verdict = res
        .explanation
        .candidates
        .iter()
        .find(|c| c.desk == desk_id)
        .map(|c| c.verdict.clone());
    let rule = res
        .explanation
        .rule
        .as_ref()
        .and_then(|r| router.rules().rule(r));
    let reason = if chosen {
        match &res.outcome {
            Outcome::Escalated { .. } => {
                format!("`{desk_id}` is where this request goes: it is escalated there")
            }
            _ => format!("`{desk_id}` is the desk chosen for this request"),
        }
    } else if let Outcome::NeedsInfo { questions } = &res.outcome {
        let facts: Vec<&str> = questions.iter().map(|q| q.fact.as_str()).collect();
        format!(
            "no desk is chosen yet: the rules need to know {} first",
            facts.join(", ")
        )
    } else if let Some(v) = verdict.as_ref().filter(|v| **v != CandidateVerdict::Chosen) {
        format!("`{desk_id}`: {v}")
    } else if let Some(rule) = rule {
        if desk_caps.contains(&rule.capability) {
            format!(
                "`{desk_id}` offers `{}`, which rule `{}` requires, but was not among the desks considered",
                rule.capability, rule.id
            )
        } else {
            let offers: Vec<&str> = desk_caps.iter().map(|c| c.as_str()).collect();
            format!(
                "`{desk_id}` lacks capability `{}`, which rule `{}` requires (it offers: {})",
                rule.capability,
                rule.id,
                if offers.is_empty() {
                    String::from("nothing")
                } else {
                    offers.join(", ")
                }
            )
        }
    } else {
        format!(
            "no rule matches this request, so no desk is chosen (need `{}`)",
            req.need
        )
    };
    let why = WhyNot {
        desk: desk_id,
        chosen,
        instead: instead.filter(|_| !chosen),
        verdict,
        reason,
        resolution: res,
    };
    match args.format {
        OutputFormat::Json => print_json(&why)?,
        OutputFormat::Text => {
            let mut out = format!("{}\n", ctx.out.bold(&why.reason));
            if let Some(d) = &why.instead {
                out.push_str(&format!("instead: `{d}`\n"));
            }
            out.push('\n');
            out.push_str(&super::route::render(&why.resolution, ctx));
            print(&out);
        }
    }
    Ok(Exit::Ok)
}
