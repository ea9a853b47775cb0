//! Logs go to a file (or stderr when headless / under systemd): never to stdout, which the TUI owns.

use std::path::Path;
use tracing_subscriber::EnvFilter;

pub enum LogTo<'a> {
    File(&'a Path),
    Stderr,
}

pub fn init(to: LogTo<'_>) -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_env("TILL_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false);
    match to {
        LogTo::File(path) => {
            let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
            builder.with_writer(std::sync::Mutex::new(file)).init();
        }
        LogTo::Stderr => builder.with_writer(std::io::stderr).init(),
    }
    Ok(())
}
