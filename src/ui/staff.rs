//! The operator screens: sign-in (签到) with the forced PIN change, and the supervisor-PIN prompt
//! drawn over any screen. The maintenance menu's pages are in `maintenance`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Padding, Paragraph, Wrap};

use super::widgets::{self, WARN};
use super::{Status, maintenance, own_pin};
use crate::core::auth::{SignInStep, minutes_left};
use crate::core::screens::{Modal, Top};
use crate::core::{Lang, State};
use crate::i18n::staff::{self, StaffText as T};

/// Draws an operator screen (all but the key hints): sign-in, the change-my-PIN form, or a
/// supervisor's screen, as the core's screen stack has it on top.
pub(super) fn view(state: &State, status: &Status, screen: Top, frame: &mut Frame) {
    let lang = state.settings.lang;
    let [top, body, notice, status_area, _] = widgets::screen_areas(frame.area());
    widgets::top_bar(state, status, frame, top);
    match screen {
        Top::Modal(Modal::Maintenance) => maintenance::view(state, frame, body),
        Top::Modal(Modal::Operators) => maintenance::operators_view(state, frame, body),
        Top::Modal(Modal::Audit) => maintenance::audit_view(state, frame, body),
        Top::Modal(Modal::PinChange) => {
            if let Some(form) = &state.auth.change {
                own_pin::view(state, form, frame, body);
            }
        }
        _ => sign_in(state, frame, body),
    }
    widgets::notice_line(lang, state.notice.as_ref(), frame, notice);
    widgets::status_line(state, status, frame, status_area);
}

/// The supervisor-PIN prompt over the body, when asked for.
pub(super) fn prompt(state: &State, frame: &mut Frame, area: Rect) {
    let Some(p) = &state.auth.prompt else { return };
    let lang = state.settings.lang;
    let t = |x| staff::text(lang, x);
    let rows = vec![
        (t(T::ForAction), staff::action(lang, p.action).to_string()),
        (t(T::SupervisorNo), field(&p.number, !p.at_pin, false)),
        (t(T::Pin), field(&p.pin, p.at_pin, true)),
    ];
    let mut lines = widgets::label_rows(&rows);
    if state.auth.checking.is_some() {
        lines.push(Line::styled(t(T::Checking), Style::new().fg(WARN)));
    }
    let style = Style::new().fg(Color::Black).bg(Color::Yellow);
    let block = Block::bordered()
        .title(format!(" {} ", t(T::SupervisorTitle)))
        .border_style(style.add_modifier(Modifier::BOLD))
        .padding(Padding::horizontal(1));
    let box_area = centred(area, 46, 7);
    frame.render_widget(Clear, box_area);
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
}

fn sign_in(state: &State, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let t = |x| staff::text(lang, x);
    let form = &state.auth.signin;
    let block = Block::bordered().title(format!(" {} ", t(T::SignInTitle))).padding(Padding::new(2, 2, 1, 0));
    let box_area = centred(area, 56, 11);
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    let (rows, help) = match form.step {
        SignInStep::Number => (vec![(t(T::OperatorNo), field(&form.entry, true, false))], T::NumberHelp),
        SignInStep::Pin => {
            (vec![(t(T::OperatorNo), form.number.clone()), (t(T::Pin), field(&form.entry, true, true))], T::PinHelp)
        }
        SignInStep::NewPin => (
            vec![(t(T::OperatorNo), form.number.clone()), (t(T::NewPin), field(&form.entry, true, true))],
            T::NewPinHelp,
        ),
        SignInStep::ConfirmPin => (
            vec![
                (t(T::OperatorNo), form.number.clone()),
                (t(T::NewPin), "*".repeat(form.new_pin.as_ref().map_or(0, |p| p.expose().len()))),
                (t(T::NewPinAgain), field(&form.entry, true, true)),
            ],
            T::NewPinHelp,
        ),
    };
    let mut lines = widgets::label_rows(&rows);
    lines.push(Line::raw(""));
    lines.push(Line::styled(t(help), Style::new().fg(Color::DarkGray)));
    if form.change_pin && matches!(form.step, SignInStep::Number | SignInStep::Pin) {
        lines.push(Line::styled(t(T::ChangePinNext), Style::new().fg(WARN)));
    }
    if state.auth.checking.is_some() {
        lines.push(Line::styled(t(T::Checking), Style::new().fg(WARN)));
    } else if let Some(locked) = locked_line(state, lang) {
        lines.push(locked);
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

/// "Operator 02 is locked: try again in 3 min", counting down, while the number typed is locked.
fn locked_line(state: &State, lang: Lang) -> Option<Line<'static>> {
    let number = &state.auth.signin.number;
    let until = state.auth.operator(number)?.locked_at(state.now)?;
    let minutes = minutes_left(state.now, until);
    let text = staff::notice(lang, &crate::core::auth::AuthNotice::LockedOut { number: number.clone(), minutes });
    Some(Line::styled(text, Style::new().fg(widgets::ERROR).bold()))
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
