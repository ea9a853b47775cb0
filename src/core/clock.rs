//! Time as the core sees it: a number that arrives in messages. The core never reads a clock.

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Millis(pub i64);

impl Millis {
    pub fn plus_secs(self, secs: i64) -> Millis {
        Millis(self.0 + secs * 1000)
    }

    pub fn since(self, earlier: Millis) -> i64 {
        self.0 - earlier.0
    }

    pub fn unix_secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// Calendar time at a fixed offset from UTC (China is +480 minutes, no daylight saving).
    pub fn local(self, utc_offset_minutes: i32) -> LocalTime {
        let secs = self.unix_secs() + i64::from(utc_offset_minutes) * 60;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        LocalTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl LocalTime {
    /// `251122` for 2025-11-22: the date part of order numbers.
    pub fn yymmdd(&self) -> u32 {
        (self.year.rem_euclid(100) as u32) * 10_000 + self.month * 100 + self.day
    }

    /// `2025-11-22 14:05:09`, as printed on receipts.
    pub fn display(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `14:05`, for the status bar.
    pub fn hhmm(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }
}

/// Howard Hinnant's days-to-civil algorithm: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_beijing_time() {
        // 2025-03-01 10:30:15 Beijing = 02:30:15 UTC
        let t = Millis(1_740_796_215_000).local(480);
        assert_eq!(t.display(), "2025-03-01 10:30:15");
        assert_eq!(t.yymmdd(), 250_301);
        // Leap day and the end of a year, across the UTC date line.
        assert_eq!(Millis(1_709_222_400_000).local(0).display(), "2024-02-29 16:00:00");
        assert_eq!(Millis(1_709_222_400_000).local(480).display(), "2024-03-01 00:00:00");
        assert_eq!(Millis(1_767_196_799_000).local(0).display(), "2025-12-31 15:59:59");
        assert_eq!(Millis(0).local(0).display(), "1970-01-01 00:00:00");
    }
}
