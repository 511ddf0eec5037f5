//! The `rightdesk` command line: one file per subcommand.
//!
//! Exit codes: 0 ok; 1 findings (`check`) or failing cases (`test`); 2 usage errors and
//! files that cannot be loaded. Results go to stdout, errors to stderr (with
//! `file:line:col` where the format gives a position). Colours only when the stream is a
//! terminal and `NO_COLOR` is not set, unless `--color always|never` says otherwise.

mod check;
mod explain;
mod export;
mod request;
mod route;
mod test;
mod trace;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rightdesk::load::{self, LoadError};
use rightdesk::{Org, RuleSet, RuleSetSpec};

/// Route requests to the one desk able to solve them, test routing policies, and find the
/// runarounds in an organization.
#[derive(Debug, Parser)]
#[command(
    name = "rightdesk",
    version,
    propagate_version = true,
    after_help = "Exit codes: 0 ok; 1 findings (check) or failing cases (test); \
                  2 usage errors and files that cannot be loaded.\n\
                  Colours only on a terminal; NO_COLOR or --color never turns them off."
)]
pub struct Cli {
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load and validate an organization and its rules, and report findings like a linter.
    Check(check::Args),
    /// Resolve one request: the desk, what to bring, when it is open, and why.
    Route(route::Args),
    /// Run policy test cases: pass/fail per case, rule coverage, `N passed, N failed`.
    Test(test::Args),
    /// Why a request does not go to a given desk.
    Explain(explain::Args),
    /// Draw the organization as a Graphviz DOT or Mermaid graph.
    Export(export::Args),
    /// Follow today's referrals from a desk: the runaround a customer gets now.
    Trace(trace::Args),
}

/// `auto`: colours when writing to a terminal and `NO_COLOR` is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// Text or JSON output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people.
    #[default]
    Text,
    /// For machines (serde JSON, one document).
    Json,
}

/// How a subcommand ended.
pub enum Exit {
    /// Everything fine: 0.
    Ok,
    /// Findings or failing cases: 1.
    Findings,
}

/// Why a subcommand could not do its work (exit code 2).
pub enum Failure {
    /// A file could not be loaded.
    Load(LoadError),
    /// Bad arguments or a request the organization cannot take.
    Usage(String),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure::Load(e)
    }
}

/// Colouring for one output stream.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    fn paint(self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    /// Red (failures, errors).
    pub fn red(self, s: &str) -> String {
        self.paint("31", s)
    }
    /// Green (passes).
    pub fn green(self, s: &str) -> String {
        self.paint("32", s)
    }
    /// Yellow (warnings).
    pub fn yellow(self, s: &str) -> String {
        self.paint("33", s)
    }
    /// Bold (headings, summaries).
    pub fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }
    /// Colour the severity word of a linter line (`error[...]`, `warning[...]`).
    pub fn severity_line(self, line: &str) -> String {
        for (word, paint) in [
            ("error[", Style::red as fn(Style, &str) -> String),
            ("warning[", Style::yellow),
            ("info[", Style::bold),
        ] {
            if let Some(at) = line.find(word) {
                let end = at + word.len() - 1;
                return format!(
                    "{}{}{}",
                    &line[..at],
                    paint(self, &line[at..end]),
                    &line[end..]
                );
            }
        }
        line.to_owned()
    }
}

/// Output streams and their colouring.
pub struct Ctx {
    /// Colours on stdout.
    pub out: Style,
    /// Colours on stderr.
    pub err: Style,
}

impl Ctx {
    fn new(color: ColorWhen) -> Ctx {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let on = |terminal: bool| match color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => terminal && !no_color,
        };
        Ctx {
            out: Style {
                on: on(std::io::stdout().is_terminal()),
            },
            err: Style {
                on: on(std::io::stderr().is_terminal()),
            },
        }
    }
}

/// Write to stdout; a closed pipe (`rightdesk ... | head`) is not an error.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = out.write_all(b"\n");
    }
    let _ = out.flush();
}

/// Print a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Usage(format!("cannot write JSON: {e}")))?;
    print(&text);
    Ok(())
}

/// Write a line to stderr.
pub fn eprint(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", text.trim_end_matches('\n'));
}

/// Parse the arguments, run the subcommand, and turn the result into an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout with 0; usage errors to stderr with 2.
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let ctx = Ctx::new(cli.color);
    let result = match cli.command {
        Command::Check(a) => check::run(a, &ctx),
        Command::Route(a) => route::run(a, &ctx),
        Command::Test(a) => test::run(a, &ctx),
        Command::Explain(a) => explain::run(a, &ctx),
        Command::Export(a) => export::run(a, &ctx),
        Command::Trace(a) => trace::run(a, &ctx),
    };
    match result {
        Ok(Exit::Ok) => ExitCode::SUCCESS,
        Ok(Exit::Findings) => ExitCode::from(1),
        Err(f) => {
            report_failure(&f, &ctx);
            ExitCode::from(2)
        }
    }
}

fn report_failure(f: &Failure, ctx: &Ctx) {
    let error = ctx.err.red("error");
    match f {
        Failure::Usage(m) => eprint(&format!("{error}: {m}")),
        Failure::Load(LoadError::Invalid(problems)) => {
            for p in problems {
                for line in p.to_string().lines() {
                    eprint(&ctx.err.severity_line(line));
                }
            }
            let n = problems.errors().count();
            let files: Vec<String> = {
                let mut v: Vec<String> = problems
                    .errors()
                    .filter_map(|p| p.file.as_ref().map(|f| f.display().to_string()))
                    .collect();
                v.dedup();
                v
            };
            let what = if files.is_empty() {
                String::from("the input")
            } else {
                files.join(", ")
            };
            eprint(&format!(
                "{error}: could not load {what}: {n} error{}",
                if n == 1 { "" } else { "s" }
            ));
        }
        // Unreadable file or unknown format: already `file: error[kind]: message`.
        Failure::Load(e) => {
            for line in e.to_string().lines() {
                eprint(&ctx.err.severity_line(line));
            }
        }
    }
}

/// Load an organization file.
pub fn load_org(path: &Path) -> Result<Org, Failure> {
    Ok(load::org_from_path(path)?)
}

/// Load a rules file against an organization; `None` gives an empty rule set.
pub fn load_rules(path: Option<&Path>, org: &Org) -> Result<RuleSet, Failure> {
    match path {
        Some(p) => Ok(load::rules_from_path(p, org)?),
        None => RuleSet::from_spec(RuleSetSpec::default(), org)
            .map_err(|p| Failure::Load(LoadError::Invalid(p))),
    }
}

/// The closest candidate to a misspelt id, if close enough to be a likely typo.
pub fn suggest<'a>(candidates: impl IntoIterator<Item = &'a str>, target: &str) -> Option<&'a str> {
    let limit = (target.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(c, target), c))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbouring letters as one edit (`mian` → `main`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, &cb) in b.iter().enumerate() {
            let at = |row: &[usize], k: usize| row.get(k).copied().unwrap_or(usize::MAX - 1);
            let mut d = (at(&prev, j) + usize::from(ca != cb))
                .min(at(&prev, j + 1) + 1)
                .min(at(&cur, j) + 1);
            if i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca) {
                d = d.min(at(&before, j - 1) + 1);
            }
            cur.push(d);
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// `unknown desk `x`` with a typo hint, as a usage failure.
pub fn unknown<'a>(what: &str, id: &str, known: impl IntoIterator<Item = &'a str>) -> Failure {
    let hint = suggest(known, id)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Failure::Usage(format!("unknown {what} `{id}`{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_only() {
        let known = ["records-counter", "hq-front", "aux-duty"];
        assert_eq!(suggest(known, "recrods-counter"), Some("records-counter"));
        assert_eq!(suggest(known, "traffic"), None);
        assert_eq!(suggest(["main", "annex"], "mian"), Some("main"));
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn severity_words_are_coloured_only_when_on() {
        let on = Style { on: true };
        let off = Style { on: false };
        let line = "a.yaml:1:2: error[syntax]: bad";
        assert_eq!(off.severity_line(line), line);
        assert!(
            on.severity_line(line)
                .contains("\x1b[31merror\x1b[0m[syntax]")
        );
    }
}
