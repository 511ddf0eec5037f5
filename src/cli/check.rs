//! `rightdesk check ORG RULES`: load, validate, and report findings like a linter.

use std::path::PathBuf;

use rightdesk::Problem;
use serde::Serialize;

use super::{Ctx, Exit, Failure, OutputFormat, load_org, load_rules, print, print_json};

/// Validate an organization and its rules.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The organization file (YAML, JSON or TOML).
    pub org: PathBuf,
    /// The rules file.
    pub rules: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Serialize)]
struct CheckReport<'a> {
    org: &'a PathBuf,
    rules: &'a PathBuf,
    sites: usize,
    units: usize,
    desks: usize,
    facts: usize,
    rule_count: usize,
    problems: Vec<&'a Problem>,
}

/// Exit 1 when there is any warning or finding, 0 when clean.
pub fn run(args: Args, ctx: &Ctx) -> Result<Exit, Failure> {
    let org = load_org(&args.org)?;
    let rules = load_rules(Some(&args.rules), &org)?;
    // Rules warnings do not carry their file; add it.
    let warnings: Vec<Problem> = rules
        .warnings()
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.file.get_or_insert_with(|| args.rules.clone());
            p
        })
        .collect();
    let report = CheckReport {
        org: &args.org,
        rules: &args.rules,
        sites: org.sites().len(),
        units: org.units().len(),
        desks: org.desks().len(),
        facts: rules.facts().len(),
        rule_count: rules.rules().len(),
        problems: warnings.iter().collect(),
    };
    let findings = report.problems.len();
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
            }
            let summary = format!(
                "{}: {} sites, {} units, {} desks; {}: {} facts, {} rules",
                args.org.display(),
                report.sites,
                report.units,
                report.desks,
                args.rules.display(),
                report.facts,
                report.rule_count
            );
            out.push_str(&summary);
            out.push('\n');
            if findings == 0 {
                out.push_str(&s.green("ok: no problems found"));
            } else {
                out.push_str(&s.yellow(&format!(
                    "{findings} finding{}",
                    if findings == 1 { "" } else { "s" }
                )));
            }
            print(&out);
        }
    }
    Ok(if findings == 0 {
        Exit::Ok
    } else {
        Exit::Findings
    })
}
