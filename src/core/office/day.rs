//! Calendar days in the shop's time zone, for "today", a chosen day and a range of days.

use crate::core::clock::Millis;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// A calendar day at the shop: days since 1970-01-01 in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Day(pub i64);

impl Day {
    /// The day `at` falls on at the shop.
    pub fn of(at: Millis, utc_offset_minutes: i32) -> Day {
        Day((at.0 + i64::from(utc_offset_minutes) * 60_000).div_euclid(DAY_MS))
    }

    /// Local midnight at the start of the day.
    pub fn start(self, utc_offset_minutes: i32) -> Millis {
        Millis(self.0 * DAY_MS - i64::from(utc_offset_minutes) * 60_000)
    }

    /// Local midnight at its end (the start of the next day).
    pub fn end(self, utc_offset_minutes: i32) -> Millis {
        self.plus(1).start(utc_offset_minutes)
    }

    pub fn plus(self, days: i64) -> Day {
        Day(self.0 + days)
    }

    /// `2026-11-22`.
    pub fn display(self) -> String {
        let t = Millis(self.0 * DAY_MS).local(0);
        format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
    }

    /// `20261122`, for file names.
    pub fn compact(self) -> String {
        self.display().replace('-', "")
    }

    /// Reads `2026-11-22` or `20261122`; `None` for anything else, or a date that does not exist.
    pub fn parse(text: &str) -> Option<Day> {
        let t = text.trim();
        let digits: String = t.chars().filter(|c| *c != '-').collect();
        let dashed_ok = t.len() == 10 && t.as_bytes().get(4) == Some(&b'-') && t.as_bytes().get(7) == Some(&b'-');
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) || !(t.len() == 8 || dashed_ok) {
            return None;
        }
        let year: i64 = digits.get(..4)?.parse().ok()?;
        let month: u32 = digits.get(4..6)?.parse().ok()?;
        let day: u32 = digits.get(6..)?.parse().ok()?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let d = Day(days_from_civil(year, month, day));
        // 2026-02-30 comes back as March: not a date.
        let back = Millis(d.0 * DAY_MS).local(0);
        (back.year == year && back.month == month && back.day == day).then_some(d)
    }
}

/// Howard Hinnant's days-from-civil: (year, month, day) to days since 1970-01-01.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_start_at_local_midnight() {
        // 2025-11-22 00:30 in Beijing is still 2025-11-21 in UTC.
        let at = Millis(1_763_742_600_000);
        let d = Day::of(at, 480);
        assert_eq!(d.display(), "2025-11-22");
        assert_eq!(Day::of(at, 0).display(), "2025-11-21");
        assert_eq!(d.start(480).local(480).display(), "2025-11-22 00:00:00");
        assert_eq!(d.end(480).local(480).display(), "2025-11-23 00:00:00");
        assert!(d.start(480) <= at && at < d.end(480));
    }

    #[test]
    fn parses_dates_both_ways_and_refuses_impossible_ones() {
        let d = Day::parse("2026-11-22").expect("date");
        assert_eq!(Day::parse("20261122"), Some(d));
        assert_eq!(d.display(), "2026-11-22");
        assert_eq!(d.compact(), "20261122");
        assert_eq!(Day::parse("2024-02-29").map(Day::display).as_deref(), Some("2024-02-29"));
        for bad in ["2026-02-30", "2025-02-29", "2026-13-01", "2026-1-01", "2026/11/22", "", "abcdefgh", "202611222"] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert_eq!(Day::parse("1970-01-01"), Some(Day(0)));
    }
}
