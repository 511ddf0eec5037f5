//! Live status: desks closed today, re-opened, gaining or losing capabilities — applied
//! without rebuilding the organization.

use serde::{Deserialize, Serialize};

mod live;
mod overlay;

pub use live::{LiveRouter, Reload};

pub(crate) use overlay::Overlay;

use crate::resolve::RequestTime;

/// One change to the live status of a desk.
///
/// In files (a list):
/// ```yaml
/// - { action: close, desk: aux-duty, reason: "duty officer out sick" }
/// - { action: close, desk: sub-lobby, until: "2026-11-30T10:30", reason: "meeting" }
/// - { action: reopen, desk: aux-duty }
/// - { action: add_capability, desk: records-counter, capability: permit.renew }
/// - { action: remove_capability, desk: records-counter, capability: permit.renew }
/// - { action: set_wait, desk: records-counter, minutes: 45 }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum StatusUpdate {
    /// Close a desk, until a time or until re-opened.
    Close {
        /// Desk id.
        desk: String,
        /// Until when (absent: until re-opened).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<RequestTime>,
        /// Why, shown to customers and in explanations.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Undo a closure.
    Reopen {
        /// Desk id.
        desk: String,
    },
    /// The desk can now solve this too.
    AddCapability {
        /// Desk id.
        desk: String,
        /// Capability.
        capability: String,
    },
    /// The desk can no longer solve this.
    RemoveCapability {
        /// Desk id.
        desk: String,
        /// Capability.
        capability: String,
    },
    /// Set the expected queue.
    SetWait {
        /// Desk id.
        desk: String,
        /// Minutes.
        minutes: u32,
    },
}

/// A status update that cannot be applied (nothing is applied then).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusError {
    /// The update names a desk the organization does not have.
    #[error("status update {index}: unknown desk `{desk}`")]
    UnknownDesk {
        /// Position of the update in the batch.
        index: usize,
        /// The desk id given.
        desk: String,
    },
    /// An empty capability name.
    #[error("status update {index}: empty capability")]
    EmptyCapability {
        /// Position of the update in the batch.
        index: usize,
    },
    /// A `close ... until` time out of the supported range.
    #[error("status update {index}: {message}")]
    BadTime {
        /// Position of the update in the batch.
        index: usize,
        /// What is wrong.
        message: String,
    },
}
