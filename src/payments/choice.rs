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
use crate::core::{
    CancelCall, CancelVerdict, LookupCall, LookupVerdict, PayCall, QueryCall, RefundCall, RefundVerdict, SetupFailure,
    SetupInfo, Verdict,
};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

enum Backend {
    CloudPay(CloudPayClient),
    Weishouyin(WeishouyinClient),
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
}

impl Payments {
    pub fn cloudpay(client: CloudPayClient, setup: CloudPaySetup) -> Payments {
        Payments { backend: RwLock::new(Arc::new(Backend::CloudPay(client))), setup: Some(setup) }
    }

    pub fn weishouyin(client: WeishouyinClient) -> Payments {
        Payments { backend: RwLock::new(Arc::new(Backend::Weishouyin(client))), setup: None }
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

    async fn setup_cloudpay(&self, code: &str) -> Result<SetupInfo, SetupFailure> {
        let Some(setup) = &self.setup else { return Err(SetupFailure::WrongPlatform) };
        let sn = setup.template.sn_code.clone();
        let setting = fetch_device_setting(code, &sn, &setup.http).await.map_err(failure)?;
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
macro_rules! dispatch {
    ($self:ident, $g:ident => $call:expr) => {
        match &*$self.current() {
            Backend::CloudPay($g) => $call,
            Backend::Weishouyin($g) => $call,
        }
    };
}

impl Gateway for Payments {
    async fn micro_pay(&self, call: &PayCall) -> Verdict {
        dispatch!(self, g => g.micro_pay(call).await)
    }

    async fn query(&self, call: &QueryCall) -> Verdict {
        dispatch!(self, g => g.query(call).await)
    }

    async fn cancel(&self, call: &CancelCall) -> CancelVerdict {
        dispatch!(self, g => g.cancel(call).await)
    }

    async fn lookup(&self, call: &LookupCall) -> LookupVerdict {
        dispatch!(self, g => g.lookup(call).await)
    }

    async fn refund(&self, call: &RefundCall) -> RefundVerdict {
        dispatch!(self, g => g.refund(call).await)
    }

    async fn query_refund(&self, call: &RefundCall) -> RefundVerdict {
        dispatch!(self, g => g.query_refund(call).await)
    }

    fn describe(&self) -> String {
        dispatch!(self, g => g.describe())
    }

    fn take_slip(&self, number: &str) -> Option<Vec<u8>> {
        dispatch!(self, g => g.take_slip(number))
    }

    async fn reprint(&self, transaction_id: &str) -> Option<Vec<u8>> {
        dispatch!(self, g => g.reprint(transaction_id).await)
    }

    async fn setup(&self, code: &str) -> Result<SetupInfo, SetupFailure> {
        self.setup_cloudpay(code).await
    }
}
