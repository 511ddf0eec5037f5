//! `rightdesk export ORG --format dot|mermaid`: the organization as a picture.

use std::path::PathBuf;

use super::{Ctx, Exit, Failure, load_org};

/// Graph formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT: render with `dot -Tsvg org.dot > org.svg`.
    Dot,
    /// Mermaid: paste into a Markdown ```mermaid block.
    Mermaid,
}

/// Export the organization graph.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The organization file (YAML, JSON or TOML).
    pub org: PathBuf,
    /// Graph format.
    #[arg(long, value_enum)]
    pub format: GraphFormat,
}

/// Exit 0 with the graph on stdout.
pub fn run(args: Args, _ctx: &Ctx) -> Result<Exit, Failure> {
    let _org = load_org(&args.org)?;
    Err(Failure::Usage(format!(
        "export to {:?} is not available in this build yet",
        args.format
    )))
}
