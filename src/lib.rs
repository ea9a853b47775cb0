//! till: the software of a self-built point-of-sale box for small shops.
//!
//! Data flows one way: devices, platforms and the clock send [`core::Msg`]s into the pure
//! [`core::update`], which returns [`core::Effect`]s that [`app`] runs; [`ui::view`] draws the state.

pub mod app;
pub mod cli;
pub mod config;
pub mod core;
pub mod crash;
pub mod demo;
pub mod devices;
pub mod escpos;
pub mod i18n;
pub mod logging;
pub mod payments;
pub mod sim;
pub mod store;
pub mod sync;
pub mod ui;
pub mod upgrade;
pub mod wifi;
