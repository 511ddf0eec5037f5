//! [`List`]: a small read-only list, one pointer wide, that desks with equal lists share.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A read-only list (of ids, or of pairs of them) held by a [`Desk`](crate::model::Desk).
///
/// It reads like a slice (`list.iter()`, `list.len()`, `&list[..]`, `for x in &list`), is
/// one pointer wide, an empty list allocates nothing, and clones share the elements:
/// desks with the same languages or the same documents to bring share one list.
///
/// ```
/// use rightdesk::model::List;
/// use rightdesk::Id;
/// let langs: List<Id> = List::from(vec![Id::from("en"), Id::from("es")]);
/// assert_eq!(langs.len(), 2);
/// assert!(langs.iter().any(|l| l == "es"));
/// assert!(List::<Id>::default().is_empty());
/// ```
pub struct List<T>(Option<Arc<Box<[T]>>>);

impl<T> List<T> {
    /// The empty list.
    pub const fn new() -> List<T> {
        List(None)
    }

    /// The elements, as a slice.
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            None => &[],
            Some(items) => items,
        }
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List::new()
    }
}

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        List(self.0.clone())
    }
}

impl<T> Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> AsRef<[T]> for List<T> {
    fn as_ref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(v: Vec<T>) -> Self {
        if v.is_empty() {
            List(None)
        } else {
            List(Some(Arc::new(v.into_boxed_slice())))
        }
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        List::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<T: PartialEq> PartialEq for List<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for List<T> {}

impl<T: std::hash::Hash> std::hash::Hash for List<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pointer_wide_and_slice_like() {
        assert_eq!(
            std::mem::size_of::<List<u32>>(),
            std::mem::size_of::<usize>()
        );
        let l: List<u32> = vec![1, 2, 3].into();
        let mut sum = 0;
        for x in &l {
            sum += x;
        }
        assert_eq!(sum, 6);
        assert_eq!(l.to_vec(), [1, 2, 3]);
        assert!(l.contains(&2));
        assert_eq!(format!("{l:?}"), "[1, 2, 3]");
        assert_eq!(l.clone(), l);
        let e: List<u32> = Vec::new().into();
        assert!(e.is_empty() && e.0.is_none());
    }
}
