//! Headless front end for tests and scripted runs: one JSON `Msg` per line on stdin (or an intent
//! by name, `{"act":"sign_out"}`), one JSON observation of the state per line on stdout.

use super::{Engine, ticker};
use crate::core::intent::Intent;
use crate::core::members::MemberTag;
use crate::core::order::{AttemptState, OrderStatus};
use crate::core::refund::{LookupStatus, LookupView};
use crate::core::{Msg, Screen, money::Fen, notice::Notice};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// What a test can see of the till after each message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub screen: Screen,
    pub notice: Option<Notice>,
    pub sale_id: u64,
    pub sale_status: OrderStatus,
    pub total: Fen,
    pub attempt: Option<AttemptState>,
    pub out_trade_no: Option<String>,
    pub number: Option<String>,
    pub in_doubt: usize,
    pub receipt: Vec<String>,
    /// The lookup screen's order, and what it shows.
    pub lookup: Option<LookupView>,
    pub lookup_status: Option<LookupStatus>,
    pub refundable: Option<Fen>,
    /// Orders followed in the background (payments or refunds in doubt).
    pub background: usize,
    /// Where payments go now (e.g. `Cloud Pay sz.pay.qcloud.com`).
    pub gateway: String,
    pub receipts_waiting: usize,
    pub online: bool,
    pub scanner: Option<crate::core::ScannerState>,
    /// Back-office delivery: records not yet delivered, refused ones, the newest error.
    #[serde(default)]
    pub sync: crate::sync::SyncStatus,
    /// What is still to pay on the sale (a mixed tender shows it after each part).
    #[serde(default)]
    pub remaining: Fen,
    /// The sale's tender once paid.
    #[serde(default)]
    pub tender: Option<crate::core::order::Tender>,
    /// Who is signed in, the sign-in step, the supervisor prompt, the maintenance page.
    #[serde(default)]
    pub auth: AuthObservation,
    /// Held sales (挂单), by number.
    #[serde(default)]
    pub held: Vec<crate::core::held::HeldSummary>,
    /// The counter scale's last reading, if the till has a scale and it answers.
    #[serde(default)]
    pub scale: Option<crate::core::weighing::Reading>,
    /// The goods-in or stock-count sheet on screen.
    #[serde(default)]
    pub stock_sheet: Option<crate::core::stocktake::StockSheet>,
    /// Training mode is on.
    #[serde(default)]
    pub training: bool,
    /// The sale's member (phone masked), and the member box's member once found.
    #[serde(default)]
    pub member: Option<crate::core::members::MemberTag>,
    #[serde(default)]
    pub member_found: Option<crate::core::members::MemberTag>,
    /// The member form is up.
    #[serde(default)]
    pub member_form: bool,
}

/// The operator side of an [`Observation`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuthObservation {
    pub signed_in: Option<String>,
    /// Where the sign-in screen is, while nobody is signed in.
    pub step: Option<crate::core::auth::SignInStep>,
    /// The action a supervisor's PIN is asked for.
    pub prompt: Option<crate::core::Action>,
    pub maintenance: Option<crate::core::maintenance::Page>,
    /// Where the change-my-PIN form is, while it is open.
    #[serde(default)]
    pub changing: Option<crate::core::auth::PinChangeStep>,
}

fn observe_auth(s: &crate::core::State) -> AuthObservation {
    let session = s.auth.session.as_ref();
    AuthObservation {
        signed_in: session.map(|s| s.number.clone()),
        step: session.is_none().then_some(s.auth.signin.step),
        prompt: s.auth.prompt.as_ref().map(|p| p.action),
        maintenance: s.maintenance.as_ref().map(|m| m.page),
        changing: s.auth.change.as_ref().map(|c| c.step),
    }
}

pub fn observe(engine: &Engine) -> Observation {
    let s = &engine.state;
    let last = s.sale.attempts.last();
    Observation {
        screen: s.screen.clone(),
        notice: s.notice.clone(),
        sale_id: s.sale.id,
        sale_status: s.sale.status,
        total: s.sale.total(),
        attempt: last.map(|a| a.state.clone()),
        out_trade_no: last.map(|a| a.out_trade_no.clone()),
        number: s.sale.number.clone(),
        in_doubt: s.in_doubt_count(),
        receipt: s.receipt_preview.clone(),
        lookup: s.lookup.clone(),
        lookup_status: s.lookup.as_ref().and_then(LookupView::status),
        refundable: s.lookup.as_ref().filter(|v| !v.pending).map(LookupView::refundable),
        background: s.background.len(),
        gateway: engine.gateway_name(),
        receipts_waiting: s.receipts_waiting,
        online: s.online,
        scanner: s.scanner,
        sync: engine.sync_status(),
        remaining: s.sale.remaining(),
        tender: s.sale.tender.clone(),
        auth: observe_auth(s),
        held: s.held.sales.iter().filter_map(crate::core::held::HeldSummary::of).collect(),
        scale: s.scale.and_then(|sc| sc.reading),
        stock_sheet: s.stock_sheet.clone(),
        training: s.training.is_some(),
        member: s.sale.member.clone(),
        member_found: s.members.view.as_ref().and_then(|v| v.found.as_ref()).map(|c| MemberTag::of(&c.member)),
        member_form: s.members.form.is_some(),
    }
}

/// Runs until stdin closes or a line `quit` arrives.
pub async fn run_headless(mut engine: Engine) -> anyhow::Result<()> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut out = tokio::io::stdout();
    let mut ticker = ticker();
    let mut last: Option<Observation> = None;
    loop {
        engine.durable().await;
        if engine.restart_requested() {
            return Ok(());
        }
        let obs = observe(&engine);
        if last.as_ref() != Some(&obs) {
            let mut line = serde_json::to_string(&obs)?;
            line.push('\n');
            out.write_all(line.as_bytes()).await?;
            out.flush().await?;
            if last.is_none() {
                crate::upgrade::mark_first_screen();
            }
            last = Some(obs);
        }
        tokio::select! {
            () = engine.step(&mut ticker) => {}
            line = lines.next_line() => match line? {
                None => return Ok(()),
                Some(l) if l.trim() == "quit" => return Ok(()),
                Some(l) if l.trim().is_empty() => {}
                Some(l) => match read_line(&l) {
                    // A PIN check's answer comes from argon2 here, never from outside.
                    Ok(Msg::Auth(_) | Msg::Maintenance(_)) => tracing::warn!("headless: operator answers are the till's own: dropped"),
                    Ok(msg) => engine.handle(msg),
                    Err(e) => tracing::warn!(error = %e, line = %l, "headless: not a message"),
                },
            },
        }
    }
}

/// A line of the script: a `Msg` (`{"Key":"Enter"}`), or an intent by name
/// (`{"act":"refund","amount":"0.01"}`), which is `Msg::Act`.
fn read_line(line: &str) -> serde_json::Result<Msg> {
    serde_json::from_str::<Msg>(line).or_else(|e| serde_json::from_str::<Intent>(line).map(Msg::Act).map_err(|_| e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Key;

    #[test]
    fn a_script_line_is_a_message_or_an_intent_by_name() {
        assert_eq!(read_line(r#"{"Key":"Enter"}"#).ok(), Some(Msg::Key(Key::Enter)));
        let refund = read_line(r#"{"act":"refund","amount":"0.01"}"#).ok();
        assert_eq!(refund, Some(Msg::Act(Intent::Refund { amount: "0.01".into() })));
        assert_eq!(read_line(r#"{"act":"sign_out"}"#).ok(), Some(Msg::Act(Intent::SignOut)));
        assert_eq!(read_line(r#"{"act":"hold"}"#).ok(), Some(Msg::Act(Intent::Hold { note: None })));
        assert_eq!(read_line(r#"{"act":"resume","number":2}"#).ok(), Some(Msg::Act(Intent::Resume { number: 2 })));
        assert!(read_line(r#"{"act":"dance"}"#).is_err());
    }
}
