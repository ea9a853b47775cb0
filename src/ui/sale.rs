//! The sale screen: the cart, the total and the barcode input.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, HighlightSpacing, Padding, Paragraph, Row, Table, TableState};

use super::widgets;
use crate::core::State;
use crate::i18n::{self, Text};

/// Height of the totals panel with big digits: three rows inside a border.
const TOTALS_HEIGHT: u16 = 5;

pub(super) fn view(state: &State, frame: &mut Frame, area: Rect) {
    let big = area.height >= TOTALS_HEIGHT + 5 && area.width >= 60;
    let [cart, totals] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(if big { TOTALS_HEIGHT } else { 2 })]).areas(area);
    lines(state, frame, cart);
    if big {
        big_totals(state, frame, totals);
    } else {
        small_totals(state, frame, totals);
    }
}

fn lines(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let block = Block::bordered().title(format!(" {} ", i18n::text(lang, Text::SaleTitle))).padding(Padding::right(1));
    if state.sale.lines.is_empty() {
        let hint = Line::styled(i18n::text(lang, Text::EmptyCart), Style::new().fg(Color::DarkGray)).centered();
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [_, mid, _] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
        frame.render_widget(Paragraph::new(hint), mid);
        return;
    }
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    // Narrow terminals drop the unit price so item names stay readable.
    let wide = area.width >= NARROW;
    let header = Row::new(columns(
        wide,
        Cell::from(i18n::text(lang, Text::ColItem)),
        right(i18n::text(lang, Text::ColQty).to_string()),
        right(i18n::text(lang, Text::ColPrice).to_string()),
        right(i18n::text(lang, Text::ColAmount).to_string()),
    ))
    .style(Style::new().fg(Color::DarkGray).add_modifier(Modifier::BOLD));
    let name_cols = name_width(wide, area.width);
    let rows = state.sale.lines.iter().map(|l| {
        Row::new(columns(
            wide,
            Cell::from(widgets::truncate(i18n::line_name(lang, &l.name), name_cols)),
            right(l.qty.to_string()),
            right(l.unit_price.to_string()),
            right(l.amount().to_string()),
        ))
    });
    // Each promotion and discount the sale was given, its own row under the items: name and amount off.
    let word = i18n::text(lang, Text::ReceiptDiscount);
    let discounts = state.sale.discounts.iter().map(|d| {
        let label = state.sale.discount_label(d, word);
        Row::new(columns(
            wide,
            Cell::from(widgets::truncate(&label, name_cols)),
            right(String::new()),
            right(String::new()),
            right(format!("-{}", d.amount)),
        ))
        .style(Style::new().fg(Color::Yellow))
    });
    let rows = rows.chain(discounts);
    let widths =
        columns(wide, Constraint::Fill(1), Constraint::Length(6), Constraint::Length(10), Constraint::Length(11));
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(if wide { 2 } else { 1 })
        .row_highlight_style(Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD))
        .highlight_symbol("▸ ")
        .highlight_spacing(HighlightSpacing::Always);
    let mut selection = TableState::new().with_selected(Some(state.selected));
    frame.render_stateful_widget(table, area, &mut selection);
}

/// The name column's width in a cart of `width` columns: what the border, the padding, the
/// selection mark and the other columns leave (as the table lays it out).
fn name_width(wide: bool, width: u16) -> usize {
    let fixed: u16 = if wide { 6 + 10 + 11 + 3 * 2 } else { 6 + 11 + 2 };
    usize::from(width.saturating_sub(2 + 1 + 2 + fixed))
}

/// Below this width the cart leaves out the unit price.
const NARROW: u16 = 56;

/// Name, quantity, unit price and amount; without the price when narrow.
fn columns<T>(wide: bool, name: T, qty: T, price: T, amount: T) -> Vec<T> {
    if wide { vec![name, qty, price, amount] } else { vec![name, qty, amount] }
}

/// Input and item count on the left, the total in big digits on the right.
fn big_totals(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(area);
    let input = Block::bordered();
    let inner = input.inner(left);
    frame.render_widget(input, left);
    let rows = vec![
        widgets::input_line(i18n::text(lang, Text::BarcodeInput), &state.input),
        discounts_line(state),
        Line::from(format!("{}  {}", i18n::text(lang, Text::Items), state.sale.item_count())),
    ];
    frame.render_widget(Paragraph::new(rows).block(Block::new().padding(Padding::horizontal(1))), inner);

    let total = Block::bordered().border_style(Style::new().fg(Color::Cyan));
    let inner = total.inner(right);
    frame.render_widget(total, right);
    let label = i18n::text(lang, Text::Total);
    let [l, a] = Layout::horizontal([Constraint::Length(widgets::width(label) + 2), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(Line::styled(format!(" {label}"), Style::new().bold())), l);
    let amount = state.sale.total().to_string();
    let [_, digits] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(big_width(&amount, a.width) + 1)]).areas(a);
    widgets::amount(&amount, Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD), frame, digits);
}

/// With discounts: the subtotal before them and what they take off (`小计 11.50  优惠 -1.50`); else blank.
fn discounts_line(state: &State) -> Line<'static> {
    if let Some(x) = &state.sale.exchange {
        return exchange_line(state, x.credit);
    }
    let off = state.sale.discounted();
    if off.is_zero() {
        return Line::raw("");
    }
    let lang = state.settings.lang;
    let gross = crate::core::money::Fen(state.sale.goods_total().0 + off.0);
    Line::from(format!(
        "{} {gross}  {} -{off}",
        i18n::text(lang, Text::ReceiptSubtotal),
        i18n::text(lang, Text::ReceiptDiscount)
    ))
    .fg(Color::Yellow)
}

/// An exchange on screen: the credit of the goods coming back, and what goes back to the customer
/// while the new goods are worth less (`换货抵扣 -7.00  退顾客差价 2.00`).
fn exchange_line(state: &State, credit: crate::core::money::Fen) -> Line<'static> {
    use crate::i18n::exchange::{ExchangeText as X, exchange_text};
    let lang = state.settings.lang;
    let mut text = format!("{} -{credit}", exchange_text(lang, X::Credit));
    let back = state.sale.exchange_difference_owed().unwrap_or_default();
    if back > crate::core::money::Fen::ZERO {
        text = format!("{text}  {} {back}", exchange_text(lang, X::ToGiveBack));
    }
    Line::from(text).fg(Color::Magenta)
}

/// The width `widgets::amount` will draw `amount` at in `room` columns.
fn big_width(amount: &str, room: u16) -> u16 {
    match widgets::big_digits(amount) {
        Some(rows) if widgets::width(&rows[0]) <= room.saturating_sub(1) => widgets::width(&rows[0]),
        _ => widgets::width(amount),
    }
}

/// One line of input, one of total and items, for small terminals.
fn small_totals(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let total = Line::from(format!(
        " {} {}   {} {}",
        i18n::text(lang, Text::Total),
        state.sale.total(),
        i18n::text(lang, Text::Items),
        state.sale.item_count()
    ))
    .bold();
    let mut input = widgets::input_line(i18n::text(lang, Text::BarcodeInput), &state.input);
    input.spans.insert(0, " ".into());
    frame.render_widget(Paragraph::new(vec![total, input]), area);
}
