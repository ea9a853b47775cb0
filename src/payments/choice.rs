//! The till's payment platform, chosen by the shop: Cloud Pay or 微收银 behind one [`Gateway`].
//!
//! A Cloud Pay till can be (re)configured while it runs by scanning the merchant's configuration
//! code: the new settings are stored (0600) and a new client takes over; calls already on their
//! way finish on the old one.

use super::Gateway;
use super::cloudpay::{
    CloudPayClient, CloudPayConfig, DeviceSetting, SetupError, SetupHttp, fetch_device_setting, save_device_setting,
};
use super::weishouyin::WeishouyinClient;
use crate::core::configure::{ConfigChange, Merchant};
use crate::core::{
    CancelCall, CancelVerdict, Failure, LookupCall, LookupVerdict, PayCall, QrCall, QrVerdict, QueryCall, RefundCall,
    RefundVerdict, SetupFailure, SetupInfo, Verdict,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

enum Backend {
    CloudPay(CloudPayClient),
    Weishouyin(WeishouyinClient),
    /// No platform to talk to yet (not activated, or the platform refused this device): the till
    /// runs, sells for cash, and says why card-less payments are refused (the details were logged
    /// when it started).
    NotReady(Failure),
}

/// Where a Cloud Pay set-up by QR code is stored and how it is fetched.
pub struct CloudPaySetup {
    /// The local parts of the configuration (terminal info, domains, timeouts) the platform's
    /// settings are applied onto.
    pub template: CloudPayConfig,
    /// `cloudpay-device.json` in the data directory, mode 0600.
    pub device_file: PathBuf,
    pub http: SetupHttp,
}

pub struct Payments {
    backend: RwLock<Arc<Backend>>,
    setup: Option<CloudPaySetup>,
    /// Settings read from a configuration code and not yet confirmed by a supervisor.
    read: Mutex<Option<DeviceSetting>>,
}

impl Payments {
    pub fn cloudpay(client: CloudPayClient, setup: CloudPaySetup) -> Payments {
        Payments {
            backend: RwLock::new(Arc::new(Backend::CloudPay(client))),
            setup: Some(setup),
            read: Mutex::new(None),
        }
    }

    /// A till whose platform cannot be used yet, for `reason` (told the cashier on every try).
    pub fn not_ready(reason: Failure) -> Payments {
        Payments { backend: RwLock::new(Arc::new(Backend::NotReady(reason))), setup: None, read: Mutex::new(None) }
    }

    pub fn weishouyin(client: WeishouyinClient) -> Payments {
        Payments { backend: RwLock::new(Arc::new(Backend::Weishouyin(client))), setup: None, read: Mutex::new(None) }
    }

    fn current(&self) -> Arc<Backend> {
        match self.backend.read() {
            Ok(b) => b.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, backend: Backend) {
        let backend = Arc::new(backend);
        match self.backend.write() {
            Ok(mut b) => *b = backend,
            Err(poisoned) => *poisoned.into_inner() = backend,
        }
    }

    /// Fetches the settings a configuration code names; keeps them aside until confirmed.
    async fn read_cloudpay(&self, code: &str) -> Result<ConfigChange, SetupFailure> {
        let Some(setup) = &self.setup else { return Err(SetupFailure::WrongPlatform) };
        let sn = setup.template.sn_code.clone();
        let setting = fetch_device_setting(code, &sn, &setup.http).await.map_err(failure)?;
        let current = match &*self.current() {
            Backend::CloudPay(client) if client.config().is_set_up() => {
                let c = client.config();
                // The name the till uses now is the core's (its settings): it fills it in.
                Some(Merchant {
                    mch_id: c.out_mch_id.clone(),
                    sub_mch_id: c.out_sub_mch_id.clone(),
                    shop_id: c.out_shop_id.clone(),
                    shop_name: String::new(),
                })
            }
            _ => None,
        };
        let new = merchant(&setting);
        *lock(&self.read) = Some(setting);
        Ok(ConfigChange::Platform { current, new })
    }

    /// Stores and uses the settings read for `merchant`.
    async fn apply_cloudpay(&self, merchant_confirmed: &Merchant) -> Result<SetupInfo, SetupFailure> {
        let Some(setup) = &self.setup else { return Err(SetupFailure::WrongPlatform) };
        let setting = lock(&self.read).take().filter(|s| merchant(s) == *merchant_confirmed);
        let Some(setting) = setting else { return Err(SetupFailure::NotASetupCode) };
        let file = setup.device_file.clone();
        let stored = setting.clone();
        tokio::task::spawn_blocking(move || save_device_setting(&file, &stored))
            .await
            .map_err(|e| SetupFailure::Storage { detail: e.to_string() })?
            .map_err(failure)?;
        let mut cfg = setup.template.clone();
        setting.apply_to(&mut cfg);
        let client = CloudPayClient::new(cfg).map_err(|e| SetupFailure::Storage { detail: e.to_string() })?;
        if client.probe().await.is_none() {
            tracing::warn!("set up, but no Cloud Pay domain answers ping yet");
        }
        self.replace(Backend::CloudPay(client));
        Ok(info(&setting))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn merchant(s: &DeviceSetting) -> Merchant {
    Merchant {
        mch_id: s.out_mch_id.clone(),
        sub_mch_id: s.out_sub_mch_id.clone(),
        shop_id: s.out_shop_id.clone(),
        shop_name: s.shop_name.clone(),
    }
}

/// Why a platform not ready refuses: the kind found when it started (details in the log).
fn not_ready(reason: &Failure) -> Failure {
    reason.clone()
}

fn info(s: &DeviceSetting) -> SetupInfo {
    SetupInfo { shop_name: s.shop_name.clone(), order_prefix: s.cloud_cashier_id.clone(), operator: s.staff_id.clone() }
}

fn failure(e: SetupError) -> SetupFailure {
    match e {
        SetupError::NotASetupCode => SetupFailure::NotASetupCode,
        SetupError::Expired => SetupFailure::Expired,
        SetupError::AlreadyUsed => SetupFailure::AlreadyUsed,
        SetupError::Refused(detail) => SetupFailure::Refused { detail },
        SetupError::BadAnswer(detail) => SetupFailure::BadAnswer { detail },
        SetupError::Network(detail) => SetupFailure::Network { detail },
        SetupError::File(detail) => SetupFailure::Storage { detail },
    }
}

/// Calls the same method on whichever platform is in use.
/// Calls the same method on whichever platform is in use; `$none` when there is none.
macro_rules! dispatch {
    ($self:ident, $g:ident => $call:expr, $reason:ident => $none:expr) => {
        match &*$self.current() {
            Backend::CloudPay($g) => $call,
            Backend::Weishouyin($g) => $call,
            Backend::NotReady($reason) => $none,
        }
    };
}

impl Gateway for Payments {
    async fn micro_pay(&self, call: &PayCall) -> Verdict {
        // Nothing is sent without a merchant's settings: a definite "not charged".
        let not_set_up = |g: &CloudPayClient| !g.config().is_set_up();
        if let Backend::CloudPay(g) = &*self.current()
            && not_set_up(g)
        {
            return Verdict::Failed { reason: Failure::NotSetUp };
        }
        dispatch!(self, g => g.micro_pay(call).await, r => Verdict::Failed { reason: not_ready(r) })
    }

    async fn query(&self, call: &QueryCall) -> Verdict {
        dispatch!(self, g => g.query(call).await, r => Verdict::Unknown { reason: not_ready(r) })
    }

    async fn cancel(&self, call: &CancelCall) -> CancelVerdict {
        dispatch!(self, g => g.cancel(call).await, r => CancelVerdict::Unknown { reason: not_ready(r) })
    }

    async fn scan_code_pay(&self, call: &QrCall) -> QrVerdict {
        if let Backend::CloudPay(g) = &*self.current()
            && !g.config().is_set_up()
        {
            return QrVerdict::Failed { reason: Failure::NotSetUp };
        }
        dispatch!(self, g => g.scan_code_pay(call).await, r => QrVerdict::Failed { reason: not_ready(r) })
    }

    async fn close_order(&self, call: &CancelCall) -> CancelVerdict {
        dispatch!(self, g => g.close_order(call).await, r => CancelVerdict::Unknown { reason: not_ready(r) })
    }

    async fn lookup(&self, call: &LookupCall) -> LookupVerdict {
        dispatch!(self, g => g.lookup(call).await, r => LookupVerdict::Unknown { reason: not_ready(r) })
    }

    async fn refund(&self, call: &RefundCall) -> RefundVerdict {
        dispatch!(self, g => g.refund(call).await, r => RefundVerdict::Failed { reason: not_ready(r) })
    }

    async fn query_refund(&self, call: &RefundCall) -> RefundVerdict {
        dispatch!(self, g => g.query_refund(call).await, r => RefundVerdict::Unknown { reason: not_ready(r) })
    }

    fn insecure_link(&self) -> Option<String> {
        dispatch!(self, g => g.insecure_link(), _r => None)
    }

    fn describe(&self) -> String {
        dispatch!(self, g => g.describe(), r => format!("— {r}"))
    }

    async fn reachable(&self) -> bool {
        // A platform not ready is no network problem: its own reason is given on every try.
        dispatch!(self, g => g.reachable().await, _r => true)
    }

    async fn clock(&self) -> Option<i64> {
        dispatch!(self, g => g.clock().await, _r => None)
    }

    fn take_slip(&self, number: &str) -> Option<Vec<u8>> {
        dispatch!(self, g => g.take_slip(number), _r => None)
    }

    async fn reprint(&self, transaction_id: &str) -> Option<Vec<u8>> {
        dispatch!(self, g => g.reprint(transaction_id).await, _r => None)
    }

    async fn read_setup(&self, code: &str) -> Result<ConfigChange, SetupFailure> {
        self.read_cloudpay(code).await
    }

    async fn apply_setup(&self, merchant: &Merchant) -> Result<SetupInfo, SetupFailure> {
        self.apply_cloudpay(merchant).await
    }
}
