//! Loading organization and rules files (YAML, JSON, TOML) with every error reported.
//! (Skeleton: source positions are being added.)

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::model::{Org, OrgSpec};
use crate::problem::{Problem, ProblemKind, Problems};
use crate::rules::{RuleSet, RuleSetSpec};

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// YAML 1.2.
    Yaml,
    /// JSON.
    Json,
    /// TOML.
    Toml,
}

impl Format {
    /// The format for a file name's extension (`.yaml`/`.yml`, `.json`, `.toml`).
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }
}

/// A file that could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not valid: every problem found.
    #[error("{0}")]
    Invalid(Problems),
}

/// Parse text in a format into any serde type.
///
/// # Errors
/// [`LoadError::Invalid`] with the syntax or shape error.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    format: Format,
    file: Option<&Path>,
) -> Result<T, LoadError> {
    let res: Result<T, String> = match format {
        Format::Yaml => serde_saphyr::from_str(text).map_err(|e| e.to_string()),
        Format::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        Format::Toml => toml::from_str(text).map_err(|e| e.to_string()),
    };
    res.map_err(|m| {
        let mut p = Problem::error(ProblemKind::Syntax, "", m);
        p.file = file.map(Path::to_path_buf);
        LoadError::Invalid(Problems(vec![p]))
    })
}

fn read(path: &Path) -> Result<(String, Format), LoadError> {
    let format = Format::from_path(path).unwrap_or(Format::Yaml);
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok((text, format))
}

fn with_file(mut problems: Problems, file: Option<&Path>) -> LoadError {
    for p in &mut problems.0 {
        p.file = file.map(Path::to_path_buf);
    }
    LoadError::Invalid(problems)
}

/// Load and validate an organization from text.
///
/// # Errors
/// [`LoadError::Invalid`] with every problem found.
pub fn org_from_str(text: &str, format: Format, file: Option<&Path>) -> Result<Org, LoadError> {
    let spec: OrgSpec = parse(text, format, file)?;
    Org::from_spec(spec).map_err(|p| with_file(p, file))
}

/// Load and validate an organization file; the format is chosen by extension.
///
/// # Errors
/// [`LoadError`].
pub fn org_from_path(path: impl AsRef<Path>) -> Result<Org, LoadError> {
    let path = path.as_ref();
    let (text, format) = read(path)?;
    org_from_str(&text, format, Some(path))
}

/// Load and validate rules from text against an organization.
///
/// # Errors
/// [`LoadError::Invalid`] with every problem found.
pub fn rules_from_str(
    text: &str,
    format: Format,
    file: Option<&Path>,
    org: &Org,
) -> Result<RuleSet, LoadError> {
    let spec: RuleSetSpec = parse(text, format, file)?;
    RuleSet::from_spec(spec, org).map_err(|p| with_file(p, file))
}

/// Load and validate a rules file against an organization.
///
/// # Errors
/// [`LoadError`].
pub fn rules_from_path(path: impl AsRef<Path>, org: &Org) -> Result<RuleSet, LoadError> {
    let path = path.as_ref();
    let (text, format) = read(path)?;
    rules_from_str(&text, format, Some(path), org)
}
