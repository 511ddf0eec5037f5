//! `rightdesk trace ORG [RULES] --from DESK --need N [--at TIME]`: today's referral path.

use std::path::PathBuf;

use rightdesk::resolve::TraceEnd;
use rightdesk::{RequestTime, Router, Trace};

use super::{Ctx, Exit, Failure, OutputFormat, load_org, load_rules, print, print_json, unknown};

/// Follow today's referrals.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The organization file (YAML, JSON or TOML).
    pub org: PathBuf,
    /// The rules file (tells which capability solves the need; without it, the need itself).
    pub rules: Option<PathBuf>,
    /// The desk the customer walks up to first.
    #[arg(long, value_name = "DESK")]
    pub from: String,
    /// What the customer needs.
    #[arg(long, value_name = "NEED")]
    pub need: String,
    /// When the customer arrives at the first desk (opening hours count from there).
    #[arg(long, value_name = "TIME", value_parser = RequestTime::parse)]
    pub at: Option<RequestTime>,
    /// A file of live status updates applied first.
    #[arg(long, value_name = "FILE")]
    pub status: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Exit 0 whenever the path is traced, however it ends.
pub fn run(args: Args, ctx: &Ctx) -> Result<Exit, Failure> {
    let org = load_org(&args.org)?;
    let rules = load_rules(args.rules.as_deref(), &org)?;
    if org.desk(&args.from).is_none() {
        return Err(unknown(
            "desk",
            &args.from,
            org.desks().iter().map(|d| d.id.as_str()),
        ));
    }
    let router = Router::new(org, rules);
    super::request::apply_status_file(args.status.as_deref(), &router)?;
    let trace = router
        .trace_referrals(&args.from, &args.need, args.at)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    match args.format {
        OutputFormat::Json => print_json(&trace)?,
        OutputFormat::Text => print(&render(&trace, ctx)),
    }
    Ok(Exit::Ok)
}

/// The trace for a person (the library's `Display`), its ending coloured.
fn render(t: &Trace, ctx: &Ctx) -> String {
    let s = ctx.out;
    let text = t.to_string();
    let solved = matches!(t.end, TraceEnd::Solved { .. });
    text.lines()
        .map(|line| {
            if line.starts_with("Ends in ") {
                if solved && !t.ends_where_started {
                    s.green(line)
                } else {
                    s.red(line)
                }
            } else if line.starts_with("Today's referrals") {
                s.bold(line)
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
