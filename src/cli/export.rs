//! `rightdesk export ORG [RULES] --format dot|mermaid [--from DESK --need N | --worst]`:
//! the organization as a picture, optionally with a runaround highlighted.

use std::path::PathBuf;

use rightdesk::analyze::{self, Options};
use rightdesk::{RequestTime, Router, Trace, export};

use super::{Ctx, Exit, Failure, load_org, load_rules, print, unknown};

/// Graph formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT: render with `dot -Tsvg org.dot -o org.svg`.
    Dot,
    /// Mermaid: paste into a Markdown ```mermaid block or https://mermaid.live.
    Mermaid,
}

/// Export the organization graph.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The organization file (YAML, JSON or TOML).
    pub org: PathBuf,
    /// The rules file (tells which capability solves a need; needed for `--worst`).
    pub rules: Option<PathBuf>,
    /// Graph format.
    #[arg(long, value_enum)]
    pub format: GraphFormat,
    /// Highlight today's referral path from this desk (with `--need`).
    #[arg(long, value_name = "DESK", requires = "need", conflicts_with = "worst")]
    pub from: Option<String>,
    /// The need whose referral path to highlight (with `--from`).
    #[arg(long, value_name = "NEED", requires = "from")]
    pub need: Option<String>,
    /// Highlight the worst runaround the analysis finds (needs RULES).
    #[arg(long, requires = "rules")]
    pub worst: bool,
    /// When the customer arrives (opening hours count on the highlighted path).
    #[arg(long, value_name = "TIME", value_parser = RequestTime::parse)]
    pub at: Option<RequestTime>,
}

/// Exit 0 with the graph on stdout.
pub fn run(args: Args, _ctx: &Ctx) -> Result<Exit, Failure> {
    let org = load_org(&args.org)?;
    let rules = load_rules(args.rules.as_deref(), &org)?;
    let router = Router::new(org, rules);
    let trace: Option<Trace> = match (&args.from, &args.need) {
        (Some(from), Some(need)) => {
            if router.org().desk(from).is_none() {
                let known = router.org().desks().iter().map(|d| d.id.as_str());
                return Err(unknown("desk", from, known));
            }
            Some(
                router
                    .trace_referrals(from, need, args.at)
                    .map_err(|e| Failure::Usage(e.to_string()))?,
            )
        }
        _ if args.worst => {
            let mut options = Options::new();
            options.at = args.at;
            let report = analyze::analyze_router(&router, &options);
            let worst = report.runarounds.worst.into_iter().next();
            match worst {
                Some(r) => Some(r.today),
                None => {
                    super::eprint("note: the analysis finds no runaround to highlight");
                    None
                }
            }
        }
        _ => None,
    };
    let text = match args.format {
        GraphFormat::Dot => export::dot(router.org(), trace.as_ref()),
        GraphFormat::Mermaid => export::mermaid(router.org(), trace.as_ref()),
    };
    print(&text);
    Ok(Exit::Ok)
}
