//! Pieces shared by the screens: the bars, the input line, big digits, and width-aware helpers.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::Status;
use crate::core::notice::Notice;
use crate::core::{Lang, ScannerState, State};
use crate::i18n::{self, Text};

/// The typing position at the end of an input line (drawn, so it shows on every terminal).
const CURSOR: &str = "█";

pub(super) const WARN: Color = Color::Yellow;
pub(super) const ERROR: Color = Color::Red;
pub(super) const GOOD: Color = Color::Green;

/// Screen width of a string in terminal columns (CJK characters take two).
pub(super) fn width(s: &str) -> u16 {
    u16::try_from(s.width()).unwrap_or(u16::MAX)
}

/// `s` followed by spaces up to `cols` columns, by display width, never by bytes.
pub(super) fn pad(s: &str, cols: usize) -> String {
    let w = s.width();
    format!("{s}{}", " ".repeat(cols.saturating_sub(w)))
}

/// `s` cut to at most `cols` columns by display width, with `…` where it was cut; a double-width
/// glyph that would straddle the edge is left out whole, never split.
pub(super) fn truncate(s: &str, cols: usize) -> String {
    if s.width() <= cols {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > cols {
            break;
        }
        used += w;
        out.push(c);
    }
    if cols > 0 {
        out.push('…');
    }
    out
}

/// `s` in exactly `cols` columns: cut with `…` when longer, padded when shorter.
pub(super) fn fit(s: &str, cols: usize) -> String {
    pad(&truncate(s, cols), cols)
}

/// Shop, operator and demo badge on the left; gateway and clock on the right.
pub(super) fn top_bar(state: &State, status: &Status, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let bar = Style::new().fg(Color::White).bg(Color::Blue);
    let operator = match &state.auth.session {
        Some(s) => format!(" {} {} ", i18n::text(lang, Text::Operator), s.number),
        None => format!(" {} ", crate::i18n::staff::text(lang, crate::i18n::staff::StaffText::NotSignedIn)),
    };
    let mut left = vec![
        Span::styled(format!(" {} ", state.settings.shop_name), bar.add_modifier(Modifier::BOLD)),
        Span::styled(operator, bar),
    ];
    if status.demo {
        left.push(Span::raw(" "));
        left.push(Span::styled(
            format!(" {} ", i18n::text(lang, Text::Demo)),
            Style::new().fg(Color::Black).bg(WARN).add_modifier(Modifier::BOLD),
        ));
    }
    let clock = Span::styled(format!(" {} ", status.clock), bar.add_modifier(Modifier::BOLD));
    let gateway = Span::styled(format!(" {} ", status.gateway), bar);
    // Narrow terminals lose the gateway before the shop's name.
    let room = area.width.saturating_sub(Line::from(left.clone()).width() as u16);
    let right = if room >= (gateway.width() + clock.width()) as u16 {
        Line::from(vec![gateway, clock])
    } else {
        Line::from(clock)
    };
    let [l, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(right.width() as u16)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)).style(bar), l);
    frame.render_widget(Paragraph::new(right).style(bar).right_aligned(), r);
}

/// The newest notice: red for errors, green otherwise.
pub(super) fn notice_line(lang: Lang, notice: Option<&Notice>, frame: &mut Frame, area: Rect) {
    let Some(n) = notice else { return };
    let colour = if n.is_error() { ERROR } else { GOOD };
    let line = Line::from(Span::styled(format!(" {}", i18n::notice(lang, n)), Style::new().fg(colour).bold()));
    frame.render_widget(Paragraph::new(line), area);
}

/// Payments in doubt (loud when any), records not yet at the back office (when any) and the printer.
pub(super) fn status_line(state: &State, status: &Status, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let n = state.in_doubt_count();
    let doubt = if n > 0 {
        Span::styled(
            format!(" {} {n} ", i18n::text(lang, Text::InDoubt)),
            Style::new().fg(Color::Black).bg(WARN).add_modifier(Modifier::BOLD),
        )
    } else {
        Span::styled(format!(" {}", i18n::text(lang, Text::InDoubtNone)), Style::new().fg(Color::DarkGray))
    };
    let mut doubt = vec![doubt];
    // Held sales waiting to be taken back (挂单).
    if !state.held.sales.is_empty() {
        let held = crate::i18n::held::held_text(lang, crate::i18n::held::HeldText::HeldCount);
        doubt.push(Span::styled(format!("  {held} {}", state.held.sales.len()), Style::new().fg(Color::Cyan)));
    }
    if let Some(host) = &status.insecure_link {
        let badge = format!(" {} {host} ", i18n::text(lang, Text::InsecureLink));
        doubt.insert(0, Span::styled(badge, Style::new().fg(Color::White).bg(ERROR).add_modifier(Modifier::BOLD)));
    }
    if !state.online {
        let badge = format!(" {} ", i18n::text(lang, Text::OfflineBadge));
        doubt.insert(0, Span::styled(badge, Style::new().fg(Color::White).bg(ERROR).add_modifier(Modifier::BOLD)));
    }
    let mut right = Vec::new();
    if let Some(s) = state.scanner {
        let (word, style) = match s {
            ScannerState::Connected => (Text::ScannerOk, Style::new().fg(Color::DarkGray)),
            _ => (Text::ScannerAway, Style::new().fg(Color::Black).bg(WARN)),
        };
        right.push(Span::styled(format!("{} {} ", i18n::text(lang, Text::Scanner), i18n::text(lang, word)), style));
        right.push(Span::raw(" "));
    }
    if let Some(scale) = &state.scale {
        right.push(scale_badge(lang, scale, state.now));
        right.push(Span::raw(" "));
    }
    if state.receipts_waiting > 0 {
        right.push(Span::styled(
            format!(" {} {} ", state.receipts_waiting, i18n::text(lang, Text::ReceiptsWaiting)),
            Style::new().fg(Color::Black).bg(WARN).add_modifier(Modifier::BOLD),
        ));
        right.push(Span::raw(" "));
    }
    if status.clock_off {
        let text = format!(" {} ", i18n::text(lang, Text::ClockOff));
        right.push(Span::styled(text, Style::new().fg(Color::Black).bg(WARN).add_modifier(Modifier::BOLD)));
        right.push(Span::raw(" "));
    }
    if let Some(version) = &status.upgrade_waiting {
        let text = format!("{} {version} ", i18n::text(lang, Text::UpgradeWaiting));
        right.push(Span::styled(text, Style::new().fg(Color::DarkGray)));
    }
    if status.unsynced > 0 {
        let text = format!("{} {} ", i18n::text(lang, Text::Unsynced), status.unsynced);
        right.push(Span::styled(text, Style::new().fg(WARN).add_modifier(Modifier::BOLD)));
    }
    right.push(Span::styled(
        format!("{} {} ", i18n::text(lang, Text::Printer), status.printer),
        Style::new().fg(Color::DarkGray),
    ));
    let printer = Line::from(right);
    let [l, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(printer.width() as u16)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(doubt)), l);
    frame.render_widget(Paragraph::new(printer).right_aligned(), r);
}

/// The counter scale's live weight, kg with 3 decimals: bold when it may enter a sale.
fn scale_badge(
    lang: crate::core::Lang,
    scale: &crate::core::weighing::Scale,
    now: crate::core::clock::Millis,
) -> Span<'static> {
    use i18n::{ScaleWord, scale_word};
    let name = scale_word(lang, ScaleWord::Scale);
    let tare = match scale.tare.0 {
        0 => String::new(),
        _ => format!("{} {} ", scale_word(lang, ScaleWord::Tare), scale.tare),
    };
    match scale.net().filter(|_| now.since(scale.at) <= crate::core::weighing::FRESH_MS) {
        Some(r) if scale.sellable(now).is_some() => Span::styled(
            format!("{name} {} {} {tare}", r.grams, scale_word(lang, ScaleWord::Stable)),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Some(r) => Span::styled(
            format!("{name} {} {} {tare}", r.grams, scale_word(lang, ScaleWord::Settling)),
            Style::new().fg(Color::DarkGray),
        ),
        None => Span::styled(
            format!("{name} {} ", scale_word(lang, ScaleWord::Away)),
            Style::new().fg(Color::Black).bg(WARN),
        ),
    }
}

/// The key hints of the screen up now, from its key table (`keys`): the most important keys that
/// fit whole, then the help key.
pub(super) fn hints(state: &State, frame: &mut Frame, area: Rect) {
    let cap = Style::new().fg(Color::Black).bg(Color::Gray).add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::raw(" ")];
    for (i, (key, what)) in super::keys::hint_items(state, area.width).into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(format!(" {key} "), cap));
        spans.push(Span::raw(format!(" {what}")));
    }
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `label  typed█`: what the cashier has typed, with the cursor after it.
pub(super) fn input_line(label: &str, input: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label}  "), Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(input.to_string()),
        Span::styled(CURSOR, Style::new().add_modifier(Modifier::SLOW_BLINK)),
    ])
}

/// Label/value rows with the values lined up, labels padded by display width.
pub(super) fn label_rows(rows: &[(&str, String)]) -> Vec<Line<'static>> {
    let cols = rows.iter().map(|(l, _)| l.width()).max().unwrap_or(0);
    rows.iter()
        .map(|(l, v)| {
            Line::from(vec![
                Span::styled(pad(l, cols + 2), Style::new().fg(Color::DarkGray)),
                Span::styled(v.clone(), Style::new().add_modifier(Modifier::BOLD)),
            ])
        })
        .collect()
}

/// One glyph of the three-row digit font, `None` for characters it does not have.
fn glyph(c: char) -> Option<[&'static str; 3]> {
    Some(match c {
        '0' => ["█▀█", "█ █", "▀▀▀"],
        '1' => ["▀█ ", " █ ", "▀▀▀"],
        '2' => ["▀▀█", "█▀▀", "▀▀▀"],
        '3' => ["▀▀█", "▀▀█", "▀▀▀"],
        '4' => ["█ █", "▀▀█", "  ▀"],
        '5' => ["█▀▀", "▀▀█", "▀▀▀"],
        '6' => ["█▀▀", "█▀█", "▀▀▀"],
        '7' => ["▀▀█", "  █", "  ▀"],
        '8' => ["█▀█", "█▀█", "▀▀▀"],
        '9' => ["█▀█", "▀▀█", "▀▀▀"],
        '.' => [" ", " ", "▀"],
        '-' => ["   ", "▀▀▀", "   "],
        _ => return None,
    })
}

/// An amount in three-row digits, readable from across the counter; `None` if a character has no glyph.
pub(super) fn big_digits(s: &str) -> Option<[String; 3]> {
    let mut rows: [String; 3] = Default::default();
    for (i, c) in s.chars().enumerate() {
        let g = glyph(c)?;
        for (row, part) in rows.iter_mut().zip(g) {
            if i > 0 {
                row.push(' ');
            }
            row.push_str(part);
        }
    }
    Some(rows)
}

/// Draws `amount` big when the area has room for it, otherwise as one bold line.
pub(super) fn amount(amount: &str, style: Style, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = match big_digits(amount) {
        Some(rows) if area.height >= 3 && rows[0].width() <= usize::from(area.width) => {
            rows.into_iter().map(|r| Line::styled(r, style)).collect()
        }
        _ => vec![Line::styled(amount.to_string(), style.add_modifier(Modifier::BOLD))],
    };
    frame.render_widget(Paragraph::new(lines), area);
}

/// Every screen's rows: top bar, body, notice line, status line, key hints.
pub(super) fn screen_areas(area: Rect) -> [Rect; 5] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// What is typed, masked for a PIN, with the cursor when it is the field being typed.
pub(super) fn field(typed: &str, active: bool, secret: bool) -> String {
    let shown = if secret { "*".repeat(typed.chars().count()) } else { typed.to_string() };
    if active { format!("{shown}█") } else { shown }
}

/// A `width`×`height` box in the middle of `area` (smaller if the area is).
pub(super) fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(row);
    cell
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_digits_have_three_even_rows() {
        let rows = big_digits("1234567890.50").expect("digits");
        assert!(rows.iter().all(|r| r.width() == rows[0].width()));
        assert_eq!(big_digits("12a"), None);
    }

    #[test]
    fn cuts_by_display_width_with_an_ellipsis_and_never_splits_a_wide_glyph() {
        assert_eq!(truncate("康师傅红烧牛肉面", 9), "康师傅红…");
        assert_eq!(truncate("康师傅红烧牛肉面", 10), "康师傅红…");
        assert_eq!(truncate("康师傅", 6), "康师傅");
        assert_eq!(truncate("Spring water 550ml", 8), "Spring …");
        assert_eq!(fit("康师傅红烧牛肉面", 10), "康师傅红… ");
        assert_eq!(fit("康师傅红烧牛肉面", 10).width(), 10);
        assert_eq!(fit("水", 4), "水  ");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn pads_by_display_width() {
        assert_eq!(pad("商品", 6), "商品  ");
        assert_eq!(pad("Item", 6), "Item  ");
    }
}
