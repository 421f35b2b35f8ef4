//! Sign-in throttling: a fixed window of failures per key (an account, an address).
//! The store keeps the counters so that several nodes share them; the rule lives here.

/// How many failures a key may have in one window.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub max_failures: i64,
    pub window_secs: i64,
}

pub const PER_ACCOUNT: Policy = Policy { max_failures: 5, window_secs: 15 * 60 };
pub const PER_ADDRESS: Policy = Policy { max_failures: 20, window_secs: 15 * 60 };

/// The stored state of one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub started_at: i64,
    pub failures: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; try again after this many seconds.
    Blocked {
        retry_after_secs: i64,
    },
}

impl Policy {
    pub fn verdict(self, window: Option<Window>, now: i64) -> Verdict {
        match window {
            Some(w) if now < w.started_at + self.window_secs && w.failures >= self.max_failures => {
                Verdict::Blocked { retry_after_secs: (w.started_at + self.window_secs - now).max(1) }
            }
            _ => Verdict::Allowed,
        }
    }

    /// The state after one more failure at `now`.
    pub fn after_failure(self, window: Option<Window>, now: i64) -> Window {
        match window {
            Some(w) if now < w.started_at + self.window_secs => Window { failures: w.failures + 1, ..w },
            _ => Window { started_at: now, failures: 1 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn blocks_after_the_limit_and_forgets_after_the_window() {
        let p = PER_ACCOUNT;
        let mut w = None;
        for i in 0..5 {
            assert_eq!(p.verdict(w, 100 + i), Verdict::Allowed);
            w = Some(p.after_failure(w, 100 + i));
        }
        assert_eq!(p.verdict(w, 110), Verdict::Blocked { retry_after_secs: 900 - 10 });
        assert_eq!(p.verdict(w, 100 + 900), Verdict::Allowed);
        assert_eq!(p.after_failure(w, 100 + 900), Window { started_at: 1000, failures: 1 });
    }

    proptest! {
        #[test]
        fn never_more_than_the_limit_of_allowed_failures_in_a_window(times in proptest::collection::vec(0i64..3000, 0..100)) {
            let p = PER_ACCOUNT;
            let mut times = times;
            times.sort_unstable();
            let mut w = None;
            let mut allowed: Vec<i64> = vec![];
            for t in times {
                if p.verdict(w, t) == Verdict::Allowed {
                    allowed.push(t);
                    w = Some(p.after_failure(w, t));
                }
            }
            // Within any window started by the rule, at most max_failures attempts got through.
            if let Some(w) = w {
                let inside = allowed.iter().filter(|&&t| t >= w.started_at && t < w.started_at + p.window_secs).count();
                prop_assert!(inside as i64 <= p.max_failures);
            }
        }
    }
}
