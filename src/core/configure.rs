//! Configuration scans: a `WIFI:` code or a payment platform's set-up code changes which network
//! the till trusts or where the money goes, so one scan never does it alone.
//!
//! The scan only asks `app` to read the code ([`Effect::ReadConfigCode`]: the Wi-Fi code parsed,
//! the platform's settings fetched but not used). What it would change comes back as
//! [`Msg::ConfigOffer`] and opens [`Screen::Confirm`], which names it (the network's name; the new
//! merchant and shop beside the current ones) and asks for a supervisor's PIN typed now — even
//! when a supervisor is signed in (`State::authorize_now`). A set-up that changes the merchant is
//! refused while any payment or refund is unresolved: their follow-up queries must reach the
//! merchant that took them.

use super::approval::{self, Approval};
use super::notice::{self, Notice};
use super::{Effect, Key, Screen, Speech, State};
use serde::{Deserialize, Serialize};

/// A scanned configuration code's text. A Wi-Fi code carries the network's password: `Debug`
/// shows its length only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScannedCode(pub String);

impl std::fmt::Debug for ScannedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScannedCode({} chars)", self.0.chars().count())
    }
}

/// Where the payment platform puts the money: the merchant's numbers and the shop's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merchant {
    /// Cloud Pay `out_mch_id`.
    pub mch_id: String,
    /// Cloud Pay `out_sub_mch_id`: the merchant whose account receives the payments.
    pub sub_mch_id: String,
    pub shop_id: String,
    pub shop_name: String,
}

impl Merchant {
    fn same_account(&self, other: &Merchant) -> bool {
        self.mch_id == other.mch_id && self.sub_mch_id == other.sub_mch_id
    }
}

/// What a scanned configuration code would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfigChange {
    /// Join this network (the code is joined as read; only its name is shown).
    Wifi { ssid: String, code: ScannedCode },
    /// Use the platform's settings for `new`; `current` is the merchant in use (none before the
    /// first set-up).
    Platform { current: Option<Merchant>, new: Merchant },
    /// Send records to this back office as this till (`office` its base URL; `device_id` and
    /// `till_name` what the office says the code is for). The code is a secret: `Debug` hides it.
    Enrol { office: String, device_id: String, till_name: String, code: ScannedCode },
}

impl ConfigChange {
    /// Whether the money would go to another merchant than now.
    pub fn changes_merchant(&self) -> bool {
        match self {
            ConfigChange::Wifi { .. } | ConfigChange::Enrol { .. } => false,
            ConfigChange::Platform { current, new } => current.as_ref().is_none_or(|c| !c.same_account(new)),
        }
    }
}

/// Whether a scanned code is a configuration code: a `WIFI:` code, the back office's enrolment
/// QR, or the Cloud Pay `use_device_setting` URL (only routed here; `app` checks it strictly).
pub fn is_config_code(code: &str) -> bool {
    is_wifi_code(code) || super::enrol::is_enrol_code(code) || is_setup_code(code)
}

/// Which kind of configuration code, for what the till says while it reads it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Wifi,
    Enrol,
    Setup,
}

fn kind_of(code: &str) -> Kind {
    if is_wifi_code(code) {
        Kind::Wifi
    } else if super::enrol::is_enrol_code(code) {
        Kind::Enrol
    } else {
        Kind::Setup
    }
}

fn kind_of_change(change: &ConfigChange) -> Kind {
    match change {
        ConfigChange::Wifi { .. } => Kind::Wifi,
        ConfigChange::Enrol { .. } => Kind::Enrol,
        ConfigChange::Platform { .. } => Kind::Setup,
    }
}

fn is_wifi_code(code: &str) -> bool {
    code.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("WIFI:"))
}

fn is_setup_code(code: &str) -> bool {
    let lower = code.get(..8).unwrap_or(code).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")) && code.contains("/use_device_setting")
}

/// A configuration code scanned on the sale screens: read, never used, here.
pub(super) fn on_scan(state: &mut State, code: &str, fx: &mut Vec<Effect>) {
    let kind = kind_of(code);
    if !idle(state) {
        return notice::refuse(state, not_now(kind), fx);
    }
    match kind {
        Kind::Wifi => state.notice = Some(Notice::ReadingConfigCode),
        Kind::Enrol => state.notice = Some(Notice::Enrol(super::enrol::EnrolNotice::Reading)),
        Kind::Setup => {
            state.notice = Some(Notice::SettingUp);
            fx.push(Effect::Say(Speech::SetupStarted));
        }
    }
    fx.push(Effect::ReadConfigCode { code: ScannedCode(code.to_string()) });
}

/// The code was read: show what it would change and ask for a supervisor's PIN.
pub(super) fn on_offer(state: &mut State, mut change: ConfigChange, fx: &mut Vec<Effect>) {
    if let ConfigChange::Platform { current: Some(c), .. } = &mut change
        && c.shop_name.is_empty()
    {
        c.shop_name = state.settings.shop_name.clone();
    }
    let busy = state.auth.prompt.is_some() || state.maintenance.is_some() || state.auth.admin.is_some();
    if !idle(state) || busy || state.auth.session.is_none() {
        return notice::refuse(state, not_now(kind_of_change(&change)), fx);
    }
    if let Some(refused) = unresolved_refusal(state, &change) {
        return notice::refuse(state, refused, fx);
    }
    state.screen = Screen::Confirm(change);
    state.notice = None;
    ask(state, fx);
}

/// Keys on the confirmation screen while no PIN prompt is open: Enter asks for the PIN again,
/// Esc leaves the code unused.
pub(super) fn on_key(state: &mut State, key: Key, fx: &mut Vec<Effect>) {
    match key {
        Key::Enter => ask(state, fx),
        Key::Esc => {
            state.screen = Screen::Sale;
            state.notice = Some(Notice::ConfigCancelled);
        }
        _ => {}
    }
}

fn ask(state: &mut State, fx: &mut Vec<Effect>) {
    if let Screen::Confirm(change) = &state.screen {
        let change = change.clone();
        approval::ask_supervisor(state, Approval::Configure(change), fx);
    }
}

/// A supervisor typed their PIN on the confirmation screen of `change`: it is used.
pub(super) fn approved(state: &mut State, change: ConfigChange, fx: &mut Vec<Effect>) {
    if state.screen != Screen::Confirm(change.clone()) {
        return;
    }
    state.screen = Screen::Sale;
    if let Some(refused) = unresolved_refusal(state, &change) {
        return notice::refuse(state, refused, fx);
    }
    match change {
        ConfigChange::Wifi { code, .. } => {
            state.notice = Some(Notice::JoiningWifi);
            fx.push(Effect::JoinWifi { code });
        }
        ConfigChange::Platform { new, .. } => {
            state.notice = Some(Notice::SettingUp);
            fx.push(Effect::Setup { merchant: new });
        }
        enrol @ ConfigChange::Enrol { .. } => super::enrol::approved(state, &enrol, fx),
    }
}

fn unresolved_refusal(state: &State, change: &ConfigChange) -> Option<Notice> {
    let count = state.unresolved_count();
    (change.changes_merchant() && count > 0).then_some(Notice::MerchantChangeUnresolved { count })
}

/// An empty sale screen: nothing rung up, nothing typed.
fn idle(state: &State) -> bool {
    state.screen == Screen::Sale && state.sale.lines.is_empty()
}

fn not_now(kind: Kind) -> Notice {
    match kind {
        Kind::Wifi => Notice::WifiNotNow,
        Kind::Enrol => Notice::Enrol(super::enrol::EnrolNotice::NotNow),
        Kind::Setup => Notice::SetupNotNow,
    }
}
