//! A small fixed-window failure counter per client address, for public endpoints that can be
//! used to guess (certificate verification). In memory and per process: it slows guessing
//! down, it is not an accounting system. Memory is bounded: past `MAX_KEYS` addresses the
//! oldest windows are dropped.

use std::collections::HashMap;
use std::sync::Mutex;

const MAX_KEYS: usize = 10_000;

#[derive(Debug)]
pub struct FailureLimiter {
    max_failures: u32,
    window_ms: i64,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl FailureLimiter {
    pub fn new(max_failures: u32, window_ms: i64) -> Self {
        Self {
            max_failures,
            window_ms,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `key` may try again now.
    pub fn allowed(&self, key: &str, now_ms: i64) -> bool {
        let Ok(w) = self.windows.lock() else {
            return true;
        };
        match w.get(key) {
            Some((start, n)) if now_ms - start < self.window_ms => *n < self.max_failures,
            _ => true,
        }
    }

    /// Counts one failure of `key`.
    pub fn fail(&self, key: &str, now_ms: i64) {
        let Ok(mut w) = self.windows.lock() else {
            return;
        };
        if w.len() >= MAX_KEYS && !w.contains_key(key) {
            let window = self.window_ms;
            w.retain(|_, (start, _)| now_ms - *start < window);
            if w.len() >= MAX_KEYS {
                w.clear();
            }
        }
        let e = w.entry(key.to_owned()).or_insert((now_ms, 0));
        if now_ms - e.0 >= self.window_ms {
            *e = (now_ms, 0);
        }
        e.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_forgives_after_the_window() {
        let l = FailureLimiter::new(3, 1000);
        for _ in 0..3 {
            assert!(l.allowed("a", 0));
            l.fail("a", 0);
        }
        assert!(!l.allowed("a", 10));
        assert!(l.allowed("b", 10));
        assert!(l.allowed("a", 1000));
        l.fail("a", 1000);
        assert!(l.allowed("a", 1001));
    }
}
