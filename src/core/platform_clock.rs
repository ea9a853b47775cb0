//! The till's clock checked against the payment platform's (issue 16, defect 1's last gap).
//!
//! Each run starts the day's sequence at 1,000 × the second of the day its clock reads
//! (`pay::run_floor`): a store emptied or moved aside, or an older export imported, forgets today's
//! numbers, and the floor keeps this run above an earlier run's — as long as this run's clock does
//! not read earlier than that run's did. A clock that does (a board without a real-time clock that
//! booted at its last saved time, a technician's mistake) would issue an earlier run's numbers
//! again, and the platform remembers them.
//!
//! So no number goes to the platform in a run before the platform's own time was read (a ping's
//! answer: 微收银 `time.php`, the `Date` of a Cloud Pay answer over TLS). When it is read:
//! - a till clock *behind* the platform's by more than [`SLACK_SECS`] moves the till's time on to the
//!   platform's (time only ever moves forward in the core, see `update`);
//! - the run's floor is raised to the platform's second of the day, so it no longer rests on the
//!   till's clock at all;
//! - a code payment scanned before that waits for it (a ping answers in moments), and is refused as
//!   offline if the platform turns out not to answer.
//!
//! A clock plainly wrong — more than [`WRONG_AFTER_SECS`] from the platform's, or before the day the
//! till was built — is shown on the status line and by `till doctor`. A gateway that cannot tell
//! the time confirms nothing and stops nothing: the run floor alone stands, as before.

use serde::{Deserialize, Serialize};

use super::clock::Millis;
use super::code::Platform;
use super::log::Log;
use super::notice::Notice;
use super::{Effect, State};

/// A till clock behind the platform's by more than this is moved on to the platform's time.
pub const SLACK_SECS: i64 = 30;

/// A till clock further than this from the platform's is shown as wrong.
pub const WRONG_AFTER_SECS: i64 = 60;

/// What the till knows of its clock in this run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClockCheck {
    /// The platform's time was read in this run (or the platform cannot tell it): numbers may go
    /// to the platform.
    pub confirmed: bool,
    /// The platform's time when last read: the run's floor rests on it.
    pub platform_at: Option<Millis>,
    /// The wall clock minus the platform's, in seconds, when last read.
    pub skew_secs: Option<i64>,
    /// When this build was made: a wall clock before it is wrong whatever the platform says.
    pub built_at: Millis,
    /// How far the platform's time moved the till's ahead of where the wall clock's steps had it
    /// (ms): a later jump of the wall clock forward (the clock set right) is that same time, not
    /// more of it, and is taken off this first (see [`ClockCheck::forward`]).
    #[serde(default)]
    pub moved_ahead_ms: i64,
    /// A payment code scanned before the clock was confirmed: charged once it is.
    #[serde(skip)]
    pub waiting: Option<(String, Platform)>,
}

/// A wall clock step forward bigger than this between two events is the clock being set, not time
/// passing (the till has events every 250 ms).
pub const JUMP_MS: i64 = 10_000;

impl ClockCheck {
    /// How far the till's time moves for a forward step of the wall clock (`step` ms): all of it,
    /// except that a jump (the clock set right after the platform's time had already moved the
    /// till's on) is first taken off what the platform moved. Without this a till a day behind
    /// would be moved on a day by the platform, then a day more when its clock is set right, and
    /// issue numbers of the wrong day (found by the model test).
    pub fn forward(&mut self, step: i64) -> i64 {
        if step <= JUMP_MS || self.moved_ahead_ms <= 0 {
            return step;
        }
        let absorbed = step.min(self.moved_ahead_ms);
        self.moved_ahead_ms -= absorbed;
        step - absorbed
    }

    /// The wall clock is plainly wrong: before the build, or far from the platform's.
    pub fn wrong(&self, wall_clock: Millis) -> bool {
        let before_build = wall_clock > Millis(0) && wall_clock < self.built_at;
        before_build || self.skew_secs.is_some_and(|s| s.abs() > WRONG_AFTER_SECS)
    }
}

/// The platform's time was read (`Some`, unix seconds), or it answered without one (`None`).
pub(super) fn on_platform_clock(state: &mut State, unix_secs: Option<i64>, fx: &mut Vec<Effect>) {
    let Some(secs) = unix_secs else {
        if !state.clock.confirmed {
            fx.push(Effect::Log(Log::NoPlatformTime));
        }
        return confirm(state, fx);
    };
    let platform = Millis(secs.saturating_mul(1000));
    // A platform time before this build is no platform's: a forged or broken answer confirms
    // nothing (and could only ever move the till's time forward, never back).
    if platform < state.clock.built_at.plus_secs(-86_400) {
        fx.push(Effect::Log(Log::PlatformTimeBeforeBuild { platform_secs: secs }));
        return;
    }
    let skew = state.wall_clock.since(platform) / 1000;
    if state.clock.skew_secs.is_none_or(|s| (s - skew).abs() > WRONG_AFTER_SECS) {
        fx.push(Effect::Log(Log::ClockChecked { skew_secs: skew }));
    }
    state.clock.skew_secs = Some(skew);
    state.clock.platform_at = Some(platform);
    if state.now < platform.plus_secs(-SLACK_SECS) {
        fx.push(Effect::Log(Log::ClockBehindPlatform { behind_secs: platform.since(state.now) / 1000 }));
        state.clock.moved_ahead_ms = state.clock.moved_ahead_ms.saturating_add(platform.since(state.now));
        state.now = platform;
    }
    if state.ready {
        super::pay::raise_run_floor(state, platform);
    }
    confirm(state, fx);
}

fn confirm(state: &mut State, fx: &mut Vec<Effect>) {
    state.clock.confirmed = true;
    if let Some((code, platform)) = state.clock.waiting.take()
        && state.ready
    {
        if state.notice == Some(Notice::CheckingClock) {
            state.notice = None;
        }
        super::pay::pay_with_code(state, &code, platform, fx);
    }
}

/// A code payment before the clock is confirmed waits for it. True if it must wait (kept).
pub(super) fn wait_for_clock(state: &mut State, code: &str, platform: Platform) -> bool {
    if state.clock.confirmed {
        return false;
    }
    state.clock.waiting = Some((code.to_string(), platform));
    state.notice = Some(Notice::CheckingClock);
    true
}

/// The platform does not answer: a payment waiting for the clock is refused as offline.
pub(super) fn on_offline(state: &mut State) -> bool {
    state.clock.waiting.take().is_some()
}
