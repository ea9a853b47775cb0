//! What a cashier means, not which key they pressed: [`Intent`], and the one map from a screen's
//! function keys to intents: compiled in ([`KEYMAP`]), with the shop's own bindings first
//! ([`KeyMap`], from `keys.toml` beside `till.toml`).
//!
//! The router turns a key into an intent for the screen on top (`screens`), a supervisor's approval
//! replays the intent it was asked for (not a keystroke), a headless script can send one as
//! `{"act":"refund","amount":"0.01"}`, and the key hints find an intent's keys here.
//! Keys that are typing (digits, letters, Backspace) and moving (Up, Down, Enter, Esc on a form)
//! stay keys: they mean what the field under them takes.

use super::{Key, Screen, State};
use serde::{Deserialize, Serialize};

/// An intent of the cashier or the supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum Intent {
    /// Take the sale's payment by the customer's payment code (F1).
    Pay,
    /// Take cash for the sale (F2).
    PayCash,
    /// Show a QR the customer scans (主扫, F7 on the tender screen): asks which wallet first.
    ShowQr,
    /// The wallet of the QR to show (on the QR screen: 1 WeChat Pay, 2 Alipay).
    QrWallet {
        wallet: super::code::Platform,
    },
    /// Open the lookup of an earlier order, for a refund or a reprint (F3, empty sale).
    Lookup,
    /// Refund this amount (yuan, as typed: `"0.01"`) of the order on the lookup screen.
    Refund {
        amount: String,
    },
    /// Print the looked-up order's receipt again (F4 on the lookup screen).
    Reprint,
    /// Give the looked-up order's cash part back from the drawer (F6 on the lookup screen).
    CashRefund,
    /// The office (empty sale): the shift and cash-up (F5), reports (F6), the journal (F7), the
    /// summary (F8).
    OpenShift,
    OpenReport,
    OpenJournal,
    OpenSummary,
    /// Products at or below the low-stock threshold (F11).
    LowStock,
    /// Sign out, 签退 (F9, empty sale).
    SignOut,
    /// The maintenance menu (F12, empty sale or the sign-in screen).
    OpenMaintenance,
    /// Change my own PIN (F4, empty sale).
    ChangePin,
    /// Hold the sale on screen (挂单), with an optional short note; on an empty sale screen, the
    /// list of held sales (取单). `/` on the sale screen.
    Hold {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The list of held sales (取单).
    HeldList,
    /// Take held sale `number` back onto an empty sale screen.
    Resume {
        number: u32,
    },
    /// Tare the counter scale: what is on it now is the container (no key by default: a shop binds
    /// one in `keys.toml`, `act = "tare"`; the scale's own tare key works too).
    Tare,
    /// A discount on the selected line (or with `order`, the whole sale): `how` is `percent`,
    /// `amount` or `price`, `value` as typed (`"10"`, `"5.00"`), `reason` a code of `[discounts]`.
    Discount {
        #[serde(default)]
        order: bool,
        how: String,
        value: String,
        reason: String,
    },
    /// A return without a receipt (无小票退货): the form for the goods coming back (F7 on the
    /// lookup screen; a script's on an empty sale screen too).
    ReturnNoReceipt,
    /// Goods received (入库): a supervisor's sheet where each scan adds one received (F5 on the
    /// low-stock screen; see `stocktake`).
    GoodsIn {
        #[serde(default)]
        supplier: String,
        #[serde(default)]
        note: String,
    },
    /// A stock count of everything (盘点, F6 on the low-stock screen; see `stocktake`).
    StockCount,
    /// Training mode (培训模式) on, or off (no key by default: a shop binds them in `keys.toml`,
    /// `act = "training_on"` / `"training_off"`; see `training`).
    TrainingOn,
    TrainingOff,
    /// The discount entry form (打折) for the selected line or the whole sale (`%` on the sale screen).
    OpenDiscount,
    /// Look a member (会员) up by their phone number, card barcode or member QR, as typed or
    /// scanned (the sale or tender screen); the box shows them and Enter attaches them.
    Member {
        code: String,
    },
    /// The list of promotions (促销, `#` on the sale screen): read-only.
    Promotions,
    /// Exchange the goods chosen on the lookup screen for others (凭小票换货, F8 there; see
    /// `exchange_receipted`).
    Exchange,
    /// Pay `amount` (empty: what is left) from the member's stored value (储值) on the tender
    /// screen (F5, after an amount typed or not); the customer types their PIN when the shop asks for one (see `sv_till`).
    PayStoredValue {
        #[serde(default)]
        amount: String,
    },
    /// Top up the stored value of the member on an empty sale by `amount` (the amount typed, then
    /// `$`), then take its payment.
    TopUp {
        #[serde(default)]
        amount: String,
    },
    /// Give `amount` (empty: all of it) of the stored value the order on the lookup screen spent
    /// back to the member's balance (F5 on the lookup screen).
    RefundStoredValue {
        #[serde(default)]
        amount: String,
    },
    /// Pay the amount (empty: the most the shop's rules allow) with the member's points on the
    /// tender screen (积分抵现, F8; see `points_tender`).
    PayPoints {
        #[serde(default)]
        amount: String,
    },
    /// Redeem the selected line for points (积分兑换, `&` on the sale screen): the item is paid
    /// wholly with points (see `points_tender::redeem_line`).
    RedeemLine,
}

/// Where a key is pressed, as far as the key map tells screens apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum On {
    /// Nobody signed in.
    SignIn,
    /// The sale screen.
    Sale,
    /// The tender screen (paying).
    Pay,
    /// The lookup (refund) screen.
    Lookup,
    /// Any other screen of the till (done, price entry, low stock, …).
    Other,
}

impl On {
    /// The base screen `state` is on (modals have keys of their own, not in the map).
    pub fn of(state: &State) -> On {
        if state.auth.session.is_none() {
            return On::SignIn;
        }
        match state.screen {
            Screen::Sale => On::Sale,
            Screen::Pay { .. } => On::Pay,
            Screen::Lookup => On::Lookup,
            _ => On::Other,
        }
    }
}

/// Which key means which intent where; `None` for "on every till screen". Searched in order.
pub const KEYMAP: &[(Option<On>, Key, Intent)] = &[
    (Some(On::SignIn), Key::F(12), Intent::OpenMaintenance),
    (Some(On::Sale), Key::F(4), Intent::ChangePin),
    (Some(On::Lookup), Key::F(4), Intent::Reprint),
    (Some(On::Sale), Key::F(5), Intent::OpenShift),
    (Some(On::Sale), Key::F(6), Intent::OpenReport),
    (Some(On::Lookup), Key::F(6), Intent::CashRefund),
    (Some(On::Lookup), Key::F(7), Intent::ReturnNoReceipt),
    (Some(On::Lookup), Key::F(8), Intent::Exchange),
    (Some(On::Sale), Key::F(7), Intent::OpenJournal),
    (Some(On::Sale), Key::F(8), Intent::OpenSummary),
    (Some(On::Sale), Key::F(11), Intent::LowStock),
    (Some(On::Pay), Key::F(7), Intent::ShowQr),
    (Some(On::Other), Key::F(5), Intent::GoodsIn { supplier: String::new(), note: String::new() }),
    (Some(On::Other), Key::F(6), Intent::StockCount),
    // The keypad's `/`, never typed on the sale screen (F10 quits the demo; a shop may bind it).
    (Some(On::Sale), Key::Char('/'), Intent::Hold { note: None }),
    // `%`: a discount typed by the cashier (打折).
    (Some(On::Sale), Key::Char('%'), Intent::OpenDiscount),
    // `#`: the promotions in the till, never typed in a code.
    (Some(On::Sale), Key::Char('#'), Intent::Promotions),
    // Stored value (储值): `$` tops up the member's balance on an empty sale (the amount typed
    // first); F5 pays from it on the tender screen and gives a spend back on the lookup screen.
    (Some(On::Sale), Key::Char('$'), Intent::TopUp { amount: String::new() }),
    (Some(On::Pay), Key::F(5), Intent::PayStoredValue { amount: String::new() }),
    (Some(On::Lookup), Key::F(5), Intent::RefundStoredValue { amount: String::new() }),
    // Points as a tender (积分抵现): F8 on the tender screen, the amount typed first or the most allowed.
    (Some(On::Pay), Key::F(8), Intent::PayPoints { amount: String::new() }),
    // `&`: the selected item for points (积分兑换), never typed in a code.
    (Some(On::Sale), Key::Char('&'), Intent::RedeemLine),
    (None, Key::F(1), Intent::Pay),
    (None, Key::F(2), Intent::PayCash),
    (None, Key::F(3), Intent::Lookup),
    (None, Key::F(9), Intent::SignOut),
    (None, Key::F(12), Intent::OpenMaintenance),
];

/// A function key bound to an intent by the shop (`keys.toml` beside `till.toml`), e.g.
/// `[[bind]]` `f = 10`, `on = "sale"`, `act = "sign_out"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The function key's number: only function keys are bound (the others are typing).
    pub f: u8,
    /// The screen it is bound on; none: every till screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<On>,
    #[serde(flatten)]
    pub act: Intent,
}

/// The key map in force: the shop's bindings, searched first, then [`KEYMAP`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KeyMap {
    pub extra: Vec<Binding>,
}

impl KeyMap {
    /// What `key` means on `on`, if it is in the map.
    pub fn intent(&self, on: On, key: Key) -> Option<Intent> {
        let till = on != On::SignIn;
        let here = |at: Option<On>| at.map_or(till, |at| at == on);
        let extra = self.extra.iter().find(|b| Key::F(b.f) == key && here(b.on)).map(|b| b.act.clone());
        extra.or_else(|| KEYMAP.iter().find(|(at, k, _)| *k == key && here(*at)).map(|(_, _, i)| i.clone()))
    }

    /// The keys that mean `intent` on `on` (for the hints and the help): the shop's first.
    pub fn keys(&self, on: On, intent: &Intent) -> Vec<Key> {
        let bound = self.extra.iter().map(|b| Key::F(b.f)).chain(KEYMAP.iter().map(|(_, k, _)| *k));
        let mut keys: Vec<Key> = Vec::new();
        for key in bound.filter(|k| self.intent(on, *k).as_ref() == Some(intent)) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_means_what_its_screen_makes_it_and_the_map_reads_both_ways() {
        let map = KeyMap::default();
        assert_eq!(map.intent(On::Sale, Key::F(6)), Some(Intent::OpenReport));
        assert_eq!(map.intent(On::Lookup, Key::F(6)), Some(Intent::CashRefund));
        assert_eq!(map.intent(On::Pay, Key::F(6)), None);
        assert_eq!(map.intent(On::Pay, Key::F(1)), Some(Intent::Pay));
        assert_eq!(map.intent(On::SignIn, Key::F(1)), None);
        assert_eq!(map.intent(On::SignIn, Key::F(12)), Some(Intent::OpenMaintenance));
        assert_eq!(map.keys(On::Sale, &Intent::SignOut), [Key::F(9)]);
        assert_eq!(map.keys(On::Lookup, &Intent::ChangePin), []);
    }

    #[test]
    fn the_shops_bindings_come_first_and_the_hints_follow_them() {
        let map = KeyMap {
            extra: vec![
                Binding { f: 10, on: Some(On::Sale), act: Intent::SignOut },
                Binding { f: 9, on: None, act: Intent::LowStock },
            ],
        };
        assert_eq!(map.intent(On::Sale, Key::F(10)), Some(Intent::SignOut));
        assert_eq!(map.intent(On::Pay, Key::F(10)), None);
        assert_eq!(map.intent(On::Sale, Key::F(9)), Some(Intent::LowStock));
        assert_eq!(map.keys(On::Sale, &Intent::SignOut), [Key::F(10)]);
        assert_eq!(map.keys(On::Sale, &Intent::LowStock), [Key::F(9), Key::F(11)]);
    }

    #[test]
    fn the_hold_key_is_the_keypads_slash_and_a_shop_may_bind_a_function_key_to_it() {
        let map = KeyMap::default();
        assert_eq!(map.intent(On::Sale, Key::Char('/')), Some(Intent::Hold { note: None }));
        assert_eq!(map.intent(On::Pay, Key::Char('/')), None, "only on the sale screen");
        let f10: Binding = serde_json::from_str(r#"{"f":10,"on":"sale","act":"hold"}"#).expect("binding");
        let map = KeyMap { extra: vec![f10] };
        assert_eq!(map.intent(On::Sale, Key::F(10)), Some(Intent::Hold { note: None }));
        assert_eq!(map.keys(On::Sale, &Intent::Hold { note: None }), [Key::F(10), Key::Char('/')]);
    }

    #[test]
    fn a_script_names_an_intent_in_plain_words() {
        let refund: Intent = serde_json::from_str(r#"{"act":"refund","amount":"0.01"}"#).expect("intent");
        assert_eq!(refund, Intent::Refund { amount: "0.01".into() });
        assert_eq!(serde_json::to_string(&Intent::SignOut).expect("json"), r#"{"act":"sign_out"}"#);
    }
}
