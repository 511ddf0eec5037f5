//! The request options shared by `route` and `explain`, and building a router from files.

use std::path::{Path, PathBuf};

use rightdesk::load::{self, Format, LoadError};
use rightdesk::rules::{FactType, Value};
use rightdesk::{Org, Request, RequestTime, Router, RuleSet, StatusError, StatusUpdate};

use super::{Failure, unknown};

/// A request on the command line.
#[derive(Debug, clap::Args)]
pub struct RequestArgs {
    /// What the customer needs, e.g. `accident_report.copy`.
    #[arg(long, value_name = "NEED")]
    pub need: String,
    /// A fact about the request, `name=value`; the value is read as the fact's declared type
    /// (number, bool or string). Repeat for several.
    #[arg(long = "fact", value_name = "NAME=VALUE")]
    pub facts: Vec<String>,
    /// The site the customer is at (travel is counted from there).
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// When: `2026-11-30T09:15` (organization's local time) or RFC 3339 with an offset.
    /// Without it, opening hours are not considered.
    #[arg(long, value_name = "TIME", value_parser = RequestTime::parse)]
    pub at: Option<RequestTime>,
    /// The customer's language, e.g. `es`.
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// The requesting unit, when one department asks another.
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// A file of live status updates (a list of `{ action: close, desk: ..., reason: ... }`)
    /// applied before resolving.
    #[arg(long, value_name = "FILE")]
    pub status: Option<PathBuf>,
}

impl RequestArgs {
    /// The request, with fact values parsed by their declared type.
    pub fn request(&self, org: &Org, rules: &RuleSet) -> Result<Request, Failure> {
        let mut req = Request::new(self.need.trim());
        if req.need.is_empty() {
            return Err(Failure::Usage(String::from("`--need` is empty")));
        }
        for raw in &self.facts {
            let Some((name, text)) = raw.split_once('=') else {
                return Err(Failure::Usage(format!(
                    "`--fact {raw}`: expected NAME=VALUE, e.g. `--fact requester=public`"
                )));
            };
            let name = name.trim();
            if let Some(flag) = ["need", "site", "language", "unit"]
                .into_iter()
                .find(|r| *r == name)
            {
                return Err(Failure::Usage(format!(
                    "`{name}` is a request field, not a fact: use `--{flag} {text}`"
                )));
            }
            let Some(fact) = rules.fact(name) else {
                let known: Vec<&str> = rules.facts().iter().map(|f| f.id.as_str()).collect();
                let mut f = unknown("fact", name, known.iter().copied());
                if let Failure::Usage(m) = &mut f {
                    if known.is_empty() {
                        m.push_str("; the rules declare no facts");
                    } else {
                        m.push_str(&format!("; declared facts: {}", known.join(", ")));
                    }
                }
                return Err(f);
            };
            let value = match fact.kind {
                FactType::String => Value::Text(text.to_owned()),
                FactType::Number => match text.trim().parse::<f64>() {
                    Ok(n) if n.is_finite() => Value::Number(n),
                    _ => {
                        return Err(Failure::Usage(format!(
                            "`--fact {raw}`: fact `{name}` is a number, got `{text}`"
                        )));
                    }
                },
                FactType::Bool => match text.trim().to_ascii_lowercase().as_str() {
                    "true" | "yes" => Value::Bool(true),
                    "false" | "no" => Value::Bool(false),
                    _ => {
                        return Err(Failure::Usage(format!(
                            "`--fact {raw}`: fact `{name}` is true or false, got `{text}`"
                        )));
                    }
                },
            };
            if let Err(m) = fact.check(&value) {
                return Err(Failure::Usage(format!("`--fact {raw}`: {m}")));
            }
            if req.facts.contains_key(name) {
                return Err(Failure::Usage(format!("fact `{name}` is given twice")));
            }
            req.facts.insert(name.to_owned(), value);
        }
        if let Some(s) = &self.site {
            if org.site(s).is_none() {
                return Err(unknown(
                    "site",
                    s,
                    org.sites().iter().map(|s| s.id.as_str()),
                ));
            }
            req.site = Some(s.clone());
        }
        if let Some(u) = &self.unit {
            if org.unit(u).is_none() {
                return Err(unknown(
                    "unit",
                    u,
                    org.units().iter().map(|u| u.id.as_str()),
                ));
            }
            req.unit = Some(u.clone());
        }
        req.at = self.at;
        req.language = self.language.clone();
        Ok(req)
    }

    /// Load the `--status` file, if any, and apply it.
    pub fn apply_status(&self, router: &Router) -> Result<(), Failure> {
        apply_status_file(self.status.as_deref(), router)
    }
}

/// Load a file of live status updates, if given, and apply it.
pub fn apply_status_file(path: Option<&Path>, router: &Router) -> Result<(), Failure> {
    let Some(path) = path else {
        return Ok(());
    };
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let format = Format::from_path(path).unwrap_or(Format::Yaml);
    let updates: Vec<StatusUpdate> = load::parse(&text, format, Some(path))?;
    router.update_status(updates).map_err(|e| match e {
        StatusError::UnknownDesk { index, desk } => {
            let known = router.org().desks().iter().map(|d| d.id.as_str());
            match unknown("desk", &desk, known) {
                Failure::Usage(m) => {
                    Failure::Usage(format!("{}: status update {index}: {m}", path.display()))
                }
                f => f,
            }
        }
        e => Failure::Usage(format!("{}: {e}", path.display())),
    })
}
