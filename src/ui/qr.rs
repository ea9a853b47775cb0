//! The QR screen: the wallet chooser, then the QR the customer scans, large, with the amount, a
//! countdown and what is happening. The QR is drawn with the `qrcode` crate, two modules per cell
//! (`▀ ▄ █`), dark on light with the 4-module quiet zone, whatever the terminal's colours.

use qrcode::{Color as Module, EcLevel, QrCode};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph, Widget, Wrap};

use super::Status;
use super::widgets::{self, ERROR, GOOD, WARN};
use crate::core::State;
use crate::core::qr::{QrStage, QrView, stage};
use crate::i18n::qr::{QrText as Q, qr_text};
use crate::i18n::{self};

/// The light border around the symbol, in modules (the QR standard's minimum).
pub const QUIET_ZONE: usize = 4;

/// A QR symbol with its quiet zone, as modules (`true` = dark), ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrModules {
    pub size: usize,
    dark: Vec<bool>,
}

impl QrModules {
    /// The symbol for `text` at the most error correction that fits `cols` × `rows` cells, if any.
    pub fn fit(text: &str, cols: u16, rows: u16) -> Option<QrModules> {
        [EcLevel::M, EcLevel::L].into_iter().find_map(|ec| {
            let code = QrCode::with_error_correction_level(text.as_bytes(), ec).ok()?;
            let m = QrModules::with_quiet_zone(&code);
            (m.size <= usize::from(cols) && m.size.div_ceil(2) <= usize::from(rows)).then_some(m)
        })
    }

    fn with_quiet_zone(code: &QrCode) -> QrModules {
        let inner = code.width();
        let size = inner + 2 * QUIET_ZONE;
        let colors = code.to_colors();
        let mut dark = vec![false; size * size];
        for y in 0..inner {
            for x in 0..inner {
                dark[(y + QUIET_ZONE) * size + x + QUIET_ZONE] = colors[y * inner + x] == Module::Dark;
            }
        }
        QrModules { size, dark }
    }

    fn dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.dark[y * self.size + x]
    }

    /// Cells taken: `size` columns, `size / 2` rows (rounded up).
    pub fn cells(&self) -> (u16, u16) {
        (self.size as u16, self.size.div_ceil(2) as u16)
    }
}

impl Widget for &QrModules {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let style = Style::new().fg(Color::Black).bg(Color::White);
        let (cols, rows) = self.cells();
        for row in 0..rows.min(area.height) {
            for col in 0..cols.min(area.width) {
                let (x, y) = (usize::from(col), usize::from(row) * 2);
                let symbol = match (self.dark(x, y), self.dark(x, y + 1)) {
                    (true, true) => "█",
                    (true, false) => "▀",
                    (false, true) => "▄",
                    (false, false) => " ",
                };
                if let Some(cell) = buf.cell_mut((area.x + col, area.y + row)) {
                    cell.set_symbol(symbol).set_style(style);
                }
            }
        }
    }
}

/// Draws the QR screen over the whole frame (the hints are drawn by `ui::view`).
pub(super) fn view(state: &State, status: &Status, frame: &mut Frame) {
    let lang = state.settings.lang;
    let [top, body, notice, status_area, _] = widgets::screen_areas(frame.area());
    widgets::notice_line(lang, state.notice.as_ref(), frame, notice);
    widgets::status_line(state, status, frame, status_area);
    // The QR takes the top bar's row too: every row counts on an 80×24 console.
    let area = top.union(body);
    match &state.qr {
        Some(QrView::Shown { out_trade_no }) => shown(state, out_trade_no, frame, area),
        _ => choose(state, frame, area),
    }
}

fn choose(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let block = Block::bordered().title(format!(" {} ", qr_text(lang, Q::Title))).padding(Padding::uniform(1));
    let due = state.sale.remaining();
    let lines = vec![
        Line::raw(format!("{} {due}", qr_text(lang, Q::Amount))),
        Line::raw(""),
        Line::styled(qr_text(lang, Q::ChooseWallet), Style::new().add_modifier(Modifier::BOLD)),
        Line::raw(""),
        Line::raw(format!("  1  {}", i18n::platform_name(lang, crate::core::code::Platform::WeChat))),
        Line::raw(format!("  2  {}", i18n::platform_name(lang, crate::core::code::Platform::Alipay))),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn shown(state: &State, out_trade_no: &str, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let Some((attempt, stage)) = stage(state, out_trade_no) else { return };
    let wallet = i18n::platform_name(lang, attempt.platform);
    let mut text_area = area;
    if let QrStage::Waiting { code_url, .. } = &stage
        && let Some(qr) = QrModules::fit(code_url, area.width.saturating_sub(24), area.height)
    {
        let (cols, rows) = qr.cells();
        let [qr_area, rest] = Layout::horizontal([Constraint::Length(cols), Constraint::Fill(1)]).areas(area);
        let top = qr_area.y + (qr_area.height.saturating_sub(rows)) / 2;
        frame.render_widget(&qr, Rect { y: top, height: rows.min(qr_area.height), ..qr_area });
        text_area = rest;
    }
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::styled(crate::i18n::qr::scan_with(lang, wallet), bold),
        Line::raw(""),
        Line::raw(qr_text(lang, Q::Amount)),
    ];
    let mut amount = vec![Line::styled(format!("¥{}", attempt.amount), bold.fg(GOOD))];
    if let Some(big) = widgets::big_digits(&attempt.amount.to_string()).filter(|_| text_area.width >= 30) {
        amount = big.into_iter().map(|l| Line::styled(l, Style::new().fg(GOOD))).collect();
    }
    lines.extend(amount);
    lines.push(Line::raw(""));
    let (what, style) = match &stage {
        QrStage::Requesting => (qr_text(lang, Q::Requesting).to_string(), Style::new().fg(WARN)),
        QrStage::Waiting { expires_at, .. } => {
            let left = expires_at.since(state.now).max(0) / 1000;
            lines.push(Line::raw(format!("{} {}:{:02}", qr_text(lang, Q::TimeLeft), left / 60, left % 60)));
            (qr_text(lang, Q::Waiting).to_string(), Style::new().fg(WARN))
        }
        QrStage::Closing => (qr_text(lang, Q::Closing).to_string(), Style::new().fg(WARN)),
        QrStage::Paid => (qr_text(lang, Q::Paid).to_string(), bold.fg(GOOD)),
        QrStage::NotPaid { cancelled } => {
            let t = if *cancelled { Q::Cancelled } else { Q::Expired };
            (qr_text(lang, t).to_string(), bold.fg(ERROR))
        }
        QrStage::Failed { reason } => (format!("{}: {reason}", qr_text(lang, Q::Failed)), bold.fg(ERROR)),
    };
    lines.push(Line::styled(what, style));
    if attempt.qr.as_ref().is_some_and(|q| q.watching) {
        lines.push(Line::raw(qr_text(lang, Q::Watched)));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!("{} {out_trade_no}", qr_text(lang, Q::Number))));
    let block = Block::new().padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: true }), text_area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_code_url_fits_an_80_by_24_console_beside_its_text() {
        // Cloud Pay's code_url is String(64); the QR area is 80 − 24 columns × 21 rows.
        let url = format!("https://qr.alipay.com/{}", "x".repeat(42));
        assert_eq!(url.len(), 64);
        let qr = QrModules::fit(&url, 56, 21).expect("fits");
        assert!(qr.cells().0 <= 56 && qr.cells().1 <= 21, "{:?}", qr.cells());
        assert_eq!(QrModules::fit(&url, 20, 10), None, "too small: not drawn at all");
    }
}
