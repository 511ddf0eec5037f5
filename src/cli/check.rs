//! `rightdesk check ORG RULES`: load, validate, and report findings like a linter.

use std::path::PathBuf;

use rightdesk::analyze::{self, Options, Report};
use rightdesk::{Problem, RequestTime, Router};
use serde::Serialize;

use super::{Ctx, Exit, Failure, OutputFormat, load_org, load_rules, print, print_json};

/// Validate and analyse an organization and its rules.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The organization file (YAML, JSON or TOML).
    pub org: PathBuf,
    /// The rules file.
    pub rules: PathBuf,
    /// When customers arrive, for tracing referral paths (opening hours and queues count).
    /// Without it, hours are ignored.
    #[arg(long, value_name = "TIME", value_parser = RequestTime::parse)]
    pub at: Option<RequestTime>,
    /// A file of live status updates (desks closed today) applied before the analysis.
    #[arg(long, value_name = "FILE")]
    pub status: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Serialize)]
struct CheckReport<'a> {
    org: &'a PathBuf,
    rules: &'a PathBuf,
    /// Warnings from loading (the files were accepted).
    problems: Vec<Problem>,
    /// The analysis.
    analysis: Report,
}

/// Exit 1 when there is a load warning or an error or warning finding; 0 when clean (infos
/// do not count).
pub fn run(args: Args, ctx: &Ctx) -> Result<Exit, Failure> {
    let org = load_org(&args.org)?;
    let rules = load_rules(Some(&args.rules), &org)?;
    // Warnings may not carry their file; add it.
    let with_file = |p: &Problem, file: &PathBuf| {
        let mut p = p.clone();
        p.file.get_or_insert_with(|| file.clone());
        p
    };
    let problems: Vec<Problem> = org
        .warnings()
        .iter()
        .map(|p| with_file(p, &args.org))
        .chain(rules.warnings().iter().map(|p| with_file(p, &args.rules)))
        .collect();
    let router = Router::new(org, rules);
    super::request::apply_status_file(args.status.as_deref(), &router)?;
    let mut options = Options::new();
    options.at = args.at;
    let analysis = analyze::analyze_router(&router, &options);
    let clean = problems.is_empty() && analysis.is_clean();
    let report = CheckReport {
        org: &args.org,
        rules: &args.rules,
        problems,
        analysis,
    };
    match args.format {
        OutputFormat::Json => print_json(&report)?,
        OutputFormat::Text => {
            let s = ctx.out;
            let mut out = String::new();
            for p in &report.problems {
                for line in p.to_string().lines() {
                    out.push_str(&s.severity_line(line));
                    out.push('\n');
                }
                out.push('\n');
            }
            for line in report.analysis.to_string().lines() {
                let line = if line.starts_with("summary: ") {
                    if clean { s.green(line) } else { s.bold(line) }
                } else {
                    s.severity_line(line)
                };
                out.push_str(&line);
                out.push('\n');
            }
            print(&out);
        }
    }
    Ok(if clean { Exit::Ok } else { Exit::Findings })
}
