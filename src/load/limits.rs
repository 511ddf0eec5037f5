//! Resource limits for loading untrusted files.

/// Limits on what a loader accepts, so that a hostile or broken file is rejected with a
/// clear error instead of exhausting memory, time or the stack.
///
/// The defaults accept any realistic organization (a 100 000-desk YAML file loads) and
/// stop the classic attacks (billion laughs, deep nesting, huge files). Change a field to
/// tighten or loosen one limit:
///
/// ```
/// use rightdesk::load::{Format, Limits, org_from_str_with_limits};
/// let mut limits = Limits::default();
/// limits.max_bytes = 1024;
/// let big = format!("name: {}\n", "x".repeat(2000));
/// let err = org_from_str_with_limits(&big, Format::Yaml, None, &limits).unwrap_err();
/// assert!(err.to_string().contains("error[too-large]"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// Largest file or text accepted, in bytes. Default 256 MiB.
    pub max_bytes: usize,
    /// Deepest nesting of maps and lists (the top-level map is depth 1). Default 64.
    ///
    /// Values above 1024 count as 1024; JSON is also capped at 128 and TOML at about 80 by
    /// their parsers, whatever this says.
    pub max_depth: usize,
    /// YAML: most nodes (maps, lists, scalars, counting those produced by aliases) in a
    /// document. Default 10 000 000 (a 100 000-desk file has about 2.5 million). JSON and
    /// TOML are bounded by `max_bytes` alone, as they cannot amplify.
    pub max_nodes: usize,
    /// YAML: most nodes that aliases (`*name`) may expand to, in total. Default 1 000 000.
    /// This is what stops a "billion laughs" file.
    pub max_alias_expansion: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 256 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 10_000_000,
            max_alias_expansion: 1_000_000,
        }
    }
}

/// The deepest nesting a loader supports, whatever [`Limits::max_depth`] says.
const MAX_SUPPORTED_DEPTH: usize = 1024;

impl Limits {
    /// The nesting limit in force.
    pub(crate) fn depth(&self) -> usize {
        self.max_depth.min(MAX_SUPPORTED_DEPTH)
    }

    /// Stack for the thread that runs the (recursive) deserializers: generous, as unoptimized
    /// builds use tens of KiB per nesting level; it is only reserved, not used, by shallow
    /// files.
    pub(crate) fn stack_bytes(&self) -> usize {
        const BASE: usize = 4 * 1024 * 1024;
        const PER_LEVEL: usize = 256 * 1024;
        const MAX: usize = 1 << 30;
        self.depth()
            .saturating_mul(PER_LEVEL)
            .saturating_add(BASE)
            .min(MAX)
    }
}
