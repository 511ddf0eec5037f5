//! `rightdesk trace ORG [RULES] --from DESK --need N [--at TIME]`: today's referral path.

use std::path::PathBuf;

use rightdesk::resolve::TraceEnd;
use rightdesk::{RequestError, RequestTime, Router, Trace};

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
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub at: Option<RequestTime>,
    /// A file of live status updates applied first.
    #[arg(long, value_name = "FILE")]
    pub status: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

fn parse_time(s: &str) -> Result<RequestTime, String> {
    RequestTime::parse(s)
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
        .map_err(|e| match e {
            RequestError::UnknownDesk(d) => unknown(
                "desk",
                &d,
                router.org().desks().iter().map(|d| d.id.as_str()),
            ),
            e => Failure::Usage(e.to_string()),
        })?;
    match args.format {
        OutputFormat::Json => print_json(&trace)?,
        OutputFormat::Text => print(&render(&trace, ctx)),
    }
    Ok(Exit::Ok)
}

fn render(t: &Trace, ctx: &Ctx) -> String {
    let s = ctx.out;
    let mut out = format!(
        "{} `{}` from `{}` (solved by capability `{}`):\n",
        s.bold("today's referral path for"),
        t.need,
        t.entry,
        t.capability
    );
    for (i, stop) in t.stops.iter().enumerate() {
        let travel = match stop.travel_minutes {
            _ if i == 0 => String::from("start"),
            Some(m) => format!("+{m} min travel"),
            None => String::from("no known route"),
        };
        let mut line = format!(
            "  {}. {} (`{}`) at `{}`: {travel}, {} min wait",
            i + 1,
            stop.desk_name,
            stop.desk,
            stop.site,
            stop.wait_minutes
        );
        if let Some(a) = stop.arrival {
            line.push_str(&format!(", arrives {}", a.format("%a %H:%M")));
        }
        if let Some(c) = &stop.closed {
            line.push_str(&format!(", closed: {c}"));
        }
        if stop.can_solve {
            line.push_str(&format!(" — {}", s.green("can solve it")));
        }
        out.push_str(&line);
        out.push('\n');
    }
    let end = match &t.end {
        TraceEnd::Solved { desk } => s.green(&format!("solved at `{desk}`")),
        TraceEnd::Cycle { back_to } => s.red(&format!("a cycle: sent back to `{back_to}`")),
        TraceEnd::DeadEnd { desk } => s.red(&format!(
            "a dead end at `{desk}`: it cannot solve it and refers nowhere"
        )),
    };
    out.push_str(&format!("ends: {end}\n"));
    let sites: Vec<&str> = t.sites_visited.iter().map(|s| s.as_str()).collect();
    out.push_str(&format!(
        "total: {} min ({} travel + {} wait), {} stop{}, sites: {}\n",
        t.total_minutes,
        t.travel_minutes,
        t.wait_minutes,
        t.stops.len(),
        if t.stops.len() == 1 { "" } else { "s" },
        sites.join(" -> ")
    ));
    if t.ends_where_started && t.stops.len() > 1 {
        out.push_str(&format!(
            "{}\n",
            s.yellow("the customer ends up in the building where they started")
        ));
    }
    out
}
