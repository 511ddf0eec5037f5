//! `rightdesk test ORG RULES CASES...`: run policy test cases.

use std::path::PathBuf;

use rightdesk::Router;
use rightdesk::load::LoadError;
use rightdesk::policy_test::{self, Cases};
use rightdesk::problem::Problems;

use super::{Ctx, Exit, Failure, OutputFormat, load_org, load_rules, print, print_json};

/// Run policy tests.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The organization file (YAML, JSON or TOML).
    pub org: PathBuf,
    /// The rules file.
    pub rules: PathBuf,
    /// Case files, or directories of case files.
    #[arg(required = true, value_name = "CASES")]
    pub cases: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// Exit 0 when every case passes, 1 when some fail, 2 when a file does not load or a case
/// names a desk, site, unit or fact that does not exist.
pub fn run(args: Args, ctx: &Ctx) -> Result<Exit, Failure> {
    let org = load_org(&args.org)?;
    let rules = load_rules(Some(&args.rules), &org)?;
    let cases = Cases::from_paths(&args.cases)?;
    if cases.is_empty() {
        let paths: Vec<String> = args.cases.iter().map(|p| p.display().to_string()).collect();
        return Err(Failure::Usage(format!(
            "no cases found in {}",
            paths.join(", ")
        )));
    }
    let problems = cases.check(&org, &rules);
    if !problems.is_empty() {
        return Err(Failure::Load(LoadError::Invalid(Problems(problems))));
    }
    let report = policy_test::run(&Router::new(org, rules), &cases);
    match args.format {
        OutputFormat::Json => print_json(&report)?,
        OutputFormat::Text => {
            let s = ctx.out;
            let text = report.to_string();
            let summary = report.summary();
            let mut out = String::new();
            for line in text.lines() {
                let painted = if let Some(rest) = line.strip_prefix("ok   ") {
                    format!("{}   {rest}", s.green("ok"))
                } else if let Some(rest) = line.strip_prefix("FAIL ") {
                    format!("{} {rest}", s.red(&s.bold("FAIL")))
                } else if line == summary {
                    if report.all_passed() {
                        s.green(&s.bold(line))
                    } else {
                        s.red(&s.bold(line))
                    }
                } else {
                    line.to_owned()
                };
                out.push_str(&painted);
                out.push('\n');
            }
            print(&out);
        }
    }
    Ok(if report.all_passed() {
        Exit::Ok
    } else {
        Exit::Findings
    })
}
