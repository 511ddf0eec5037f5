//! Identifiers: cheap to clone, compared by content.

use std::borrow::Borrow;
use std::fmt;

use arcstr::ArcStr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id of a site, unit, desk, capability, fact or rule, as written in the data files.
///
/// An `Id` is an immutable shared string: cloning it is a reference-count increment, so
/// resolutions can hand ids out without copying strings.
///
/// ```
/// use rightdesk::Id;
/// let id = Id::from("records-counter");
/// assert_eq!(id.as_str(), "records-counter");
/// assert_eq!(id, "records-counter");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(ArcStr);

impl Id {
    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id(ArcStr::from(s))
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id(ArcStr::from(s))
    }
}

impl From<&String> for Id {
    fn from(s: &String) -> Self {
        Id(ArcStr::from(s.as_str()))
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Id::from(s))
    }
}
