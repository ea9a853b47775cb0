//! Simulators of the payment platforms, served over real HTTP on loopback: used by the integration
//! tests and by the demo (`till sim`), so the till's real HTTP path is what gets exercised.

pub mod backoffice;
pub mod cloudpay;
pub mod http;
pub mod server;
pub mod weishouyin;
