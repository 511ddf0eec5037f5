//! Two jobs at once on a second thread, for the few builds large enough to gain from it.

/// Run `here` on this thread and `there` on a second one (named `name`) when `parallel`
/// and a thread can be started; otherwise `there` runs after `here` on this thread. A
/// panic in `there` is resumed here.
pub(crate) fn join<A: Send, B: Send>(
    name: &str,
    parallel: bool,
    here: impl FnOnce() -> A + Send,
    there: impl FnOnce() -> B + Send + Copy,
) -> (A, B) {
    std::thread::scope(|s| {
        let spawned = if parallel {
            std::thread::Builder::new()
                .name(name.to_owned())
                .spawn_scoped(s, there)
        } else {
            Err(std::io::Error::other("runs inline"))
        };
        let a = here();
        let b = match spawned {
            Ok(handle) => match handle.join() {
                Ok(b) => b,
                Err(payload) => std::panic::resume_unwind(payload),
            },
            Err(_) => there(),
        };
        (a, b)
    })
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn both_jobs_run_either_way() {
        for parallel in [false, true] {
            let x = 20;
            assert_eq!(join("t", parallel, || x + 1, || x * 2), (21, 40));
        }
    }
}
