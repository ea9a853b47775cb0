//! Joining the shop's Wi-Fi from a scanned `WIFI:` QR code: the code's parser ([`qr`]), the
//! wpa_supplicant and iwd configuration writers ([`config`]) and the step that switches networks
//! only once the new one works ([`apply`]).

pub mod apply;
pub mod config;
pub mod join;
pub mod qr;

pub use apply::{FakeApplier, WifiApplier, WifiError, WifiOutcome, WpaCliApplier};
pub use join::{QrWifi, WifiConfig};
pub use qr::{WifiQrError, is_wifi_qr, parse_wifi_qr};

/// A network read from a `WIFI:` code.
#[derive(Clone, PartialEq, Eq)]
pub struct WifiNetwork {
    /// The network name (1–32 bytes when read from a code; writers hex-encode it whatever it holds).
    pub ssid: String,
    pub security: Security,
    /// `H:true`: the network does not broadcast its name, so it must be probed for.
    pub hidden: bool,
    /// WPA3 `I:`: the SAE password identifier.
    pub sae_password_id: Option<String>,
    /// WPA3 `K:`: the SAE-PK public key (base64 DER); kept but not used by the writers.
    pub sae_public_key: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
pub enum Security {
    Open,
    /// The key as written: 5/13 characters or 10/26 hex digits.
    Wep(String),
    Wpa {
        secret: Secret,
        mode: WpaMode,
    },
}

#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// 8–63 bytes, as typed on the router.
    Passphrase(String),
    /// The 256-bit pre-shared key itself (a code with 64 hex digits).
    Psk([u8; 32]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WpaMode {
    /// `T:WPA`/`WPA2`: WPA2-Personal, or WPA3 when the access point offers it and a passphrase is known.
    Any,
    /// `T:SAE`, or WPA3 transition disable (`R:` bit 0): WPA3-Personal only.
    Wpa3Only,
}

/// Secrets never reach logs: Debug shows the name and the kind of security only.
impl std::fmt::Debug for WifiNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WifiNetwork")
            .field("ssid", &self.ssid)
            .field("security", &self.security)
            .field("hidden", &self.hidden)
            .field("sae_password_id", &self.sae_password_id.as_ref().map(|_| "…"))
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Security::Open => f.write_str("Open"),
            Security::Wep(_) => f.write_str("Wep(…)"),
            Security::Wpa { secret: Secret::Passphrase(_), mode } => write!(f, "Wpa(passphrase, {mode:?})"),
            Security::Wpa { secret: Secret::Psk(_), mode } => write!(f, "Wpa(psk, {mode:?})"),
        }
    }
}
