//! `rightdesk route ORG RULES --need N [--fact k=v]... [--site S] [--at T] [--status FILE]`

use std::path::PathBuf;

use rightdesk::resolve::Outcome;
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

/// The resolution for a person (the library's `Display`), its first line coloured by outcome.
pub fn render(res: &Resolution, ctx: &Ctx) -> String {
    let s = ctx.out;
    let text = res.to_string();
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let first = match res.outcome {
        Outcome::Routed(_) => s.green(&s.bold(first)),
        Outcome::NeedsInfo { .. } | Outcome::Escalated { .. } => s.yellow(&s.bold(first)),
        Outcome::NoDesk { .. } => s.red(&s.bold(first)),
    };
    if rest.is_empty() {
        first
    } else {
        format!("{first}\n{rest}")
    }
}
