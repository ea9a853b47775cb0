//! The operator records and the shop's rules about them: plain data, stored and configured.

use crate::core::clock::Millis;
use serde::{Deserialize, Serialize};

/// Wrong PINs in a row before an operator is locked out.
pub const MAX_FAILURES: u32 = 5;
/// PINs are 4 to 8 digits.
pub const PIN_MIN: usize = 4;
pub const PIN_MAX: usize = 8;
/// The operator of a fresh till (seed 004: 柜员编号 01, 密码 0000), a supervisor who must choose a
/// new PIN at the first sign-in.
pub const FIRST_OPERATOR: &str = "01";
pub const FIRST_PIN: &str = "0000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Cashier,
    Supervisor,
}

/// A PIN as typed: only ever in memory, on its way to be hashed or checked. Never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pin(String);

impl Pin {
    pub fn new(digits: impl Into<String>) -> Pin {
        Pin(digits.into())
    }

    /// The digits, for the hash function only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(***)")
    }
}

/// A salted argon2 hash of a PIN as a PHC string (`$argon2id$v=19$m=…`). Kept out of logs too.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PinHash(pub String);

impl std::fmt::Debug for PinHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinHash(…)")
    }
}

/// One person who works the till. Stored as JSON in the store's `operators` table under `number`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    /// Two digits, `01`…`99`: what is typed at sign-in and printed on receipts.
    pub number: String,
    pub name: String,
    pub role: Role,
    pub pin_hash: PinHash,
    /// The PIN was set by someone else (the fresh till's 0000, a reset): a new one is chosen at
    /// the next sign-in before anything else.
    #[serde(default)]
    pub must_change_pin: bool,
    #[serde(default)]
    pub disabled: bool,
    /// Wrong PINs since the last right one or the last lockout.
    #[serde(default)]
    pub failures: u32,
    /// Lockouts in a row (each one longer); back to 0 at the next right PIN.
    #[serde(default)]
    pub lockouts: u32,
    #[serde(default)]
    pub locked_until: Option<Millis>,
    /// The payment platform's staff id for this person when it is not the operator number (seed
    /// 003 §3.1.6: the staff id is set on the till).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<String>,
}

impl Operator {
    pub fn new(number: &str, name: &str, role: Role, pin_hash: PinHash) -> Operator {
        Operator {
            number: number.into(),
            name: name.into(),
            role,
            pin_hash,
            must_change_pin: false,
            disabled: false,
            failures: 0,
            lockouts: 0,
            locked_until: None,
            staff_id: None,
        }
    }

    /// Whether the operator is locked out at `now`, and until when.
    pub fn locked_at(&self, now: Millis) -> Option<Millis> {
        self.locked_until.filter(|t| *t > now)
    }

    /// The id sent to the payment platform as staff / operator id.
    pub fn platform_id(&self) -> &str {
        self.staff_id.as_deref().filter(|s| !s.is_empty()).unwrap_or(&self.number)
    }
}

/// Something that may need a supervisor. The first five are the shop's choice
/// (`[operators] supervisor_for`); the others always need one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Refund,
    /// Voiding an order that was paid.
    Void,
    /// Changing the till's settings (device set-up code, Wi-Fi).
    Settings,
    CloseDay,
    /// A price typed for an unknown barcode.
    ManualPrice,
    /// Leaving the sale screens for the maintenance menu.
    Maintenance,
    /// Signing out while records are unsynced or payments unresolved.
    Override,
    /// Discarding held sales (an old one from the list, or those open when the day is closed).
    DiscardHeld,
    /// A discount above the cashier's limits (`[discounts]`).
    Discount,
    /// Giving cash back for goods returned without a receipt (always a supervisor).
    NoReceiptReturn,
    /// Goods in and stock counts (入库 / 盘点; always a supervisor).
    Stock,
    /// Putting the till into training mode or taking it out (always a supervisor).
    Training,
    /// Goods taken back without a receipt in exchange for others (always a supervisor).
    Exchange,
    /// Creating or editing a member at the till (会员资料; `[members] edit_requires`).
    Members,
    /// Giving back to a member's balance more than `[stored_value] cashier_refund_limit` (退回储值;
    /// always a supervisor).
    StoredValueRefund,
}

impl Action {
    /// Whether the shop can decide that this action needs no supervisor.
    pub fn configurable(self) -> bool {
        matches!(self, Action::Refund | Action::Void | Action::Settings | Action::CloseDay | Action::ManualPrice)
    }
}

fn default_supervisor_for() -> Vec<Action> {
    vec![Action::Refund, Action::Void, Action::Settings, Action::CloseDay, Action::ManualPrice]
}

/// `[operators]` in `till.toml`: the shop's rules, fixed while the till runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Actions that need a supervisor's PIN: any of `refund`, `void`, `settings`, `close_day`,
    /// `manual_price` (default: all of them).
    #[serde(default = "default_supervisor_for")]
    pub supervisor_for: Vec<Action>,
    /// DEMO AND TESTS ONLY: sign this operator in at start without a PIN. A shop's till leaves
    /// it out: then nothing is sold before someone signs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_sign_in: Option<String>,
    /// Whether the maintenance menu may power the box off (`systemctl poweroff`); off in the demo.
    #[serde(default = "default_true")]
    pub power_off: bool,
    /// DEPRECATED: the maintenance menu's export directory before there was one `export_dir` at the
    /// top of till.toml; still read from older files (used when the top-level key is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_dir: Option<String>,
}

fn default_true() -> bool {
    true
}

impl Default for Policy {
    fn default() -> Policy {
        Policy { supervisor_for: default_supervisor_for(), auto_sign_in: None, power_off: true, export_dir: None }
    }
}

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub number: String,
    pub name: String,
    pub role: Role,
    pub since: Millis,
    /// Sent to the payment platform as its staff / operator id.
    pub staff_id: String,
}

/// What goes into the audit log (append-only; nothing in the till edits it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AuditEvent {
    SignedIn,
    SignInFailed,
    LockedOut {
        minutes: i64,
    },
    SignedOut,
    /// A supervisor let an operator sign out with work outstanding.
    SignOutOverridden {
        unsynced: usize,
        unresolved: usize,
    },
    PinChanged,
    SupervisorApproved {
        action: Action,
        supervisor: String,
    },
    Refund {
        order: String,
        out_refund_no: String,
        amount: crate::core::money::Fen,
        approved_by: Option<String>,
    },
    SettingsChanged {
        what: String,
    },
    OperatorAdded {
        number: String,
        role: Role,
    },
    OperatorRenamed {
        number: String,
        name: String,
    },
    RoleChanged {
        number: String,
        role: Role,
    },
    PinReset {
        number: String,
    },
    OperatorDisabled {
        number: String,
        disabled: bool,
    },
    Maintenance {
        what: String,
    },
    /// A catalogue CSV from the USB stick replaced the catalogue (the file's name, never its rows).
    CatalogueImported {
        file: String,
        rows: usize,
    },
    /// A promotions CSV from the USB stick replaced the promotions (the file's name and its rows).
    PromotionsImported {
        file: String,
        rows: usize,
    },
    /// The back office's promotions replaced the till's (the set's version and its promotions).
    PromotionsFromOffice {
        version: i64,
        rows: usize,
    },
    /// A supervisor upgraded despite records not delivered or payments in doubt (`--force`).
    UpgradeForced {
        unsynced: usize,
        unresolved: usize,
    },
    /// A new version was installed from the maintenance menu (a URL or a USB stick's file).
    Upgraded {
        version: String,
        from: String,
    },
    /// The id the payment platforms know an operator by (`None`: their number).
    StaffIdSet {
        number: String,
        staff_id: Option<String>,
    },
    /// Training mode (培训模式) began (`on`) or ended: the only trace training leaves.
    Training {
        on: bool,
        #[serde(default)]
        sales: u32,
    },
    /// Training mode ended because the till stopped during it (written at the next start; `since`:
    /// when it began).
    TrainingInterrupted {
        since: Millis,
    },
    /// A member was created (`new`) or edited at the till: their number, never their phone.
    MemberSaved {
        id: String,
        new: bool,
    },
}

/// One line of the audit log: when, who (the operator concerned: signed in, or trying to), what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: Millis,
    pub operator: String,
    #[serde(flatten)]
    pub event: AuditEvent,
}
