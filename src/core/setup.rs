//! What a device set-up (a scanned configuration or Wi-Fi code) says back to the core: its voice
//! prompts, why it failed, and what it changed.

use serde::{Deserialize, Serialize};

/// Fixed voice prompts (the seed asks for start and end of device set-up to be announced).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Speech {
    SetupStarted,
    SetupDone,
    SetupFailed,
}

/// Why a device set-up failed, for a one-line message in the shop's language. `detail` texts come
/// from the platform or the OS and are shown as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupFailure {
    /// Not a configuration code this till accepts (wrong host, path, parameters): nothing was sent.
    NotASetupCode,
    Expired,
    AlreadyUsed,
    Refused {
        detail: String,
    },
    BadAnswer {
        detail: String,
    },
    Network {
        detail: String,
    },
    /// The settings could not be stored.
    Storage {
        detail: String,
    },
    /// This till uses the other payment platform.
    WrongPlatform,
}

/// Why joining a Wi-Fi network from a scanned code failed; the till keeps its previous network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WifiFailure {
    /// The code is not a valid Wi-Fi code (one line saying what is wrong).
    BadCode {
        detail: String,
    },
    WrongPassword,
    NotFound,
    Timeout,
    /// The network service cannot be used (one line saying why).
    Unavailable {
        detail: String,
    },
    /// This till has no Wi-Fi adapter: the interface of `[wifi]` does not exist.
    NoAdapter {
        interface: String,
    },
    /// The adapter is there but the Wi-Fi service (wpa_supplicant) does not answer.
    ServiceDown,
    /// No `[wifi]` section: this till is not set up to use Wi-Fi.
    NotConfigured,
}

/// What a successful set-up changed, as far as the core is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupInfo {
    pub shop_name: String,
    /// The platform's order-number prefix (Cloud Pay `cloud_cashier_id`).
    pub order_prefix: String,
    /// The staff id the platform assigned, if any.
    pub operator: Option<String>,
}
