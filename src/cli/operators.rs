//! `till operators list | add | reset-pin`: for a technician at the box's shell while the till is
//! stopped (the store is locked while it runs). PINs are read from stdin, never from the command
//! line (which any user can see in `ps` and shells keep in their history).

use crate::app::auth::{append_audit, hash_pin, load_operators, save_operator};
use crate::core::Lang;
use crate::core::auth::{AuditEntry, AuditEvent, Operator, PIN_MAX, PIN_MIN, Role};
use crate::core::clock::Millis;
use crate::store::Store;
use std::io::{BufRead, IsTerminal, Write};

/// Who the audit log names for changes made here.
pub const TECHNICIAN: &str = "technician";

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Auth(#[from] crate::app::auth::AuthError),
    #[error("reading the PIN: {0}")]
    Io(#[from] std::io::Error),
}

/// One line per operator: number, name, role, and what stops them signing in.
pub fn list(store: &dyn Store, lang: Lang, now: Millis) -> Result<Vec<String>, CliError> {
    Ok(load_operators(store, lang)?
        .iter()
        .map(|o| {
            let role = match o.role {
                Role::Supervisor => "supervisor",
                Role::Cashier => "cashier",
            };
            let mut state = Vec::new();
            if o.disabled {
                state.push("disabled".to_string());
            }
            if o.must_change_pin {
                state.push("must change PIN".to_string());
            }
            if let Some(until) = o.locked_at(now) {
                state.push(format!("locked for {} min", crate::core::auth::minutes_left(now, until)));
            }
            let state = if state.is_empty() { "active".to_string() } else { state.join(", ") };
            format!("{}  {:<16}  {:<10}  {state}", o.number, o.name, role)
        })
        .collect())
}

/// `till operators add`'s options.
#[derive(Debug, Clone, Default)]
pub struct NewOperator {
    /// Two digits; none: the lowest free number.
    pub number: Option<String>,
    pub name: String,
    pub supervisor: bool,
    pub staff_id: Option<String>,
}

/// Adds an operator with a first PIN (read from `input`); they choose their own at the first sign-in.
pub fn add(
    store: &dyn Store,
    lang: Lang,
    now: Millis,
    new: &NewOperator,
    input: &mut dyn BufRead,
) -> Result<String, CliError> {
    let role = if new.supervisor { Role::Supervisor } else { Role::Cashier };
    let operators = load_operators(store, lang)?;
    let number = match new.number.as_deref() {
        Some(n) if n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit()) && n != "00" => n.to_string(),
        Some(n) => return Err(CliError::Refused(format!("operator numbers are two digits, 01-99, not {n:?}"))),
        None => (1..=99)
            .map(|n| format!("{n:02}"))
            .find(|n| operators.iter().all(|o| &o.number != n))
            .ok_or_else(|| CliError::Refused("no operator numbers left".into()))?,
    };
    if operators.iter().any(|o| o.number == number) {
        return Err(CliError::Refused(format!("operator {number} exists: use reset-pin")));
    }
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > crate::core::auth::NAME_MAX {
        return Err(CliError::Refused("a name of 1 to 16 characters".into()));
    }
    let pin = read_pin(input)?;
    let mut op = Operator::new(&number, name, role, hash_pin(&pin)?);
    op.must_change_pin = true;
    op.staff_id = new.staff_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    save_operator(store, &op)?;
    audit(store, now, AuditEvent::OperatorAdded { number: number.clone(), role })?;
    Ok(number)
}

/// Sets a temporary PIN (read from `input`), lifts any lockout; changed at the next sign-in.
pub fn reset_pin(
    store: &dyn Store,
    lang: Lang,
    now: Millis,
    number: &str,
    input: &mut dyn BufRead,
) -> Result<(), CliError> {
    let Some(mut op) = load_operators(store, lang)?.into_iter().find(|o| o.number == number) else {
        return Err(CliError::Refused(format!("no operator {number}")));
    };
    let pin = read_pin(input)?;
    op.pin_hash = hash_pin(&pin)?;
    op.must_change_pin = true;
    op.failures = 0;
    op.lockouts = 0;
    op.locked_until = None;
    save_operator(store, &op)?;
    audit(store, now, AuditEvent::PinReset { number: number.into() })?;
    Ok(())
}

/// The payment platform's staff id for an operator (seed 003 §3.1.6); empty: their number.
pub fn set_staff_id(store: &dyn Store, lang: Lang, now: Millis, number: &str, staff_id: &str) -> Result<(), CliError> {
    let Some(mut op) = load_operators(store, lang)?.into_iter().find(|o| o.number == number) else {
        return Err(CliError::Refused(format!("no operator {number}")));
    };
    let id = staff_id.trim();
    if id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(CliError::Refused("a staff id is up to 64 letters, digits, - or _".into()));
    }
    op.staff_id = (!id.is_empty()).then(|| id.to_string());
    save_operator(store, &op)?;
    audit(store, now, AuditEvent::SettingsChanged { what: format!("staff id of {number}: {id}") })
}

fn audit(store: &dyn Store, at: Millis, event: AuditEvent) -> Result<(), CliError> {
    append_audit(store, &AuditEntry { at, operator: TECHNICIAN.into(), event })?;
    Ok(())
}

/// One line of digits from `input`.
fn read_pin(input: &mut dyn BufRead) -> Result<String, CliError> {
    let mut line = String::new();
    input.read_line(&mut line)?;
    let pin = line.trim().to_string();
    if !(PIN_MIN..=PIN_MAX).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError::Refused(format!("a PIN is {PIN_MIN} to {PIN_MAX} digits (read from stdin)")));
    }
    Ok(pin)
}

/// Stdin for the PIN; on a terminal the PIN is asked for on stderr and not echoed.
pub fn pin_input() -> Result<Box<dyn BufRead>, CliError> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Ok(Box::new(stdin.lock()));
    }
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    let saved = tcgetattr(&stdin).map_err(std::io::Error::from)?;
    let mut quiet = saved.clone();
    quiet.local_flags.remove(LocalFlags::ECHO);
    tcsetattr(&stdin, SetArg::TCSANOW, &quiet).map_err(std::io::Error::from)?;
    eprint!("PIN ({PIN_MIN}-{PIN_MAX} digits): ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    let _ = tcsetattr(&stdin, SetArg::TCSANOW, &saved);
    eprintln!();
    read?;
    Ok(Box::new(std::io::Cursor::new(line.into_bytes())))
}

/// `till operators`: the store opened directly (the till must not be running).
pub fn command(config: &crate::config::Config, action: super::OperatorsAction) -> anyhow::Result<()> {
    use crate::app::{Clock, SystemClock};
    let store = super::store::open(config, true)?;
    let now = SystemClock.now();
    match action {
        super::OperatorsAction::List => {
            for line in list(&store, config.lang, now)? {
                println!("{line}");
            }
        }
        super::OperatorsAction::Add { number, name, role, staff_id } => {
            let new = NewOperator { number, name, supervisor: role == Role::Supervisor, staff_id };
            let number = add(&store, config.lang, now, &new, &mut pin_input()?)?;
            println!("operator {number} added: they choose their own PIN at their first sign-in");
        }
        super::OperatorsAction::StaffId { number, staff_id } => {
            set_staff_id(&store, config.lang, now, &number, &staff_id)?;
            println!("operator {number} is sent to the payment platform as {:?}", staff_id.trim());
        }
        super::OperatorsAction::ResetPin { number } => {
            reset_pin(&store, config.lang, now, &number, &mut pin_input()?)?;
            println!("PIN of operator {number} reset: they choose their own at their next sign-in");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{RedbStore, Table};

    fn new(number: Option<&str>, name: &str) -> NewOperator {
        NewOperator { number: number.map(str::to_string), name: name.into(), ..NewOperator::default() }
    }

    #[test]
    fn a_technician_adds_an_operator_and_resets_a_pin_from_stdin() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RedbStore::open(dir.path()).expect("open");
        let now = Millis(1_740_796_215_000);
        let number = add(&store, Lang::En, now, &new(None, "Li Lei"), &mut "583920\n".as_bytes()).expect("add");
        assert_eq!(number, "02");
        let json = store.record(Table::Operators, "02").expect("read").expect("record");
        assert!(!json.contains("583920") && json.contains("\"must_change_pin\":true"), "{json}");
        assert!(matches!(
            add(&store, Lang::En, now, &new(Some("02"), "X"), &mut "1111\n".as_bytes()),
            Err(CliError::Refused(_))
        ));
        assert!(matches!(
            add(&store, Lang::En, now, &new(Some("03"), "X"), &mut "12\n".as_bytes()),
            Err(CliError::Refused(_))
        ));
        reset_pin(&store, Lang::En, now, "01", &mut "7777\n".as_bytes()).expect("reset");
        set_staff_id(&store, Lang::En, now, "02", "1001").expect("staff id");
        assert!(set_staff_id(&store, Lang::En, now, "02", "a b").is_err());
        let ops = load_operators(&store, Lang::En).expect("load");
        assert_eq!(ops[1].platform_id(), "1001");
        let lines = list(&store, Lang::En, now).expect("list");
        assert_eq!(lines.len(), 2);
        assert!(lines[1].starts_with("02  Li Lei") && lines[1].contains("must change PIN"), "{lines:?}");
        let audit = store.records(Table::Audit).expect("audit");
        assert_eq!(audit.len(), 3);
        assert!(audit[0].1.contains("operator_added") && audit[1].1.contains("pin_reset"), "{audit:?}");
    }
}
