//! `till members import|export`: the shop's members as CSV (`id,name,phone,card,level,points`),
//! with line-numbered errors. An import adds the file's members or updates those with the same
//! number; members not in the file stay. Phone numbers are never printed.

use super::MembersAction;
use super::store::open;
use crate::app;
use crate::config::Config;
use anyhow::Context;

pub fn command(config: &Config, action: MembersAction) -> anyhow::Result<()> {
    let store = open(config, true)?;
    match action {
        MembersAction::Import { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let n = app::members::import_csv(&store, &text).with_context(|| format!("{}", file.display()))?;
            eprintln!("imported {n} members from {}", file.display());
        }
        MembersAction::Export { file } => {
            super::catalogue::write_export(&app::members::export_csv(&store)?, file, "members")?
        }
        MembersAction::Pin { id } => {
            if app::members::get(&store, &id)?.is_none() {
                anyhow::bail!("no member {id}");
            }
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).context("reading the PIN from stdin")?;
            app::stored_value::set_pin(&store, &id, line.trim())?;
            eprintln!("member {id}'s PIN is set");
        }
        MembersAction::Code { id } => {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).context("the clock")?;
            let at = crate::core::clock::Millis(i64::try_from(now.as_millis()).context("the clock")?);
            let code = app::member_code::current_code(&store, &id, at)?
                .with_context(|| format!("member {id} has no dynamic code secret"))?;
            println!("{}{id}:{code}", crate::core::member_code::PREFIX);
        }
        MembersAction::CodeSecret { id } => {
            // A member made before dynamic codes existed gets their secret now.
            let Some(member) = app::members::get(&store, &id)? else { anyhow::bail!("no member {id}") };
            let puts = app::member_code::secret_puts(&store, std::slice::from_ref(&member))?;
            if !puts.is_empty() {
                crate::store::Store::write_records(&store, &puts, None)?;
            }
            let uri = app::member_code::otpauth_uri(&store, &id)?
                .with_context(|| format!("member {id} has no dynamic code secret"))?;
            println!("{uri}");
        }
    }
    Ok(())
}
