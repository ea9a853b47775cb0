//! The change-my-PIN form: the current PIN, then the new one twice, all masked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::widgets::{self, WARN, centred, field};
use crate::core::State;
use crate::core::auth::{PinChange, PinChangeStep};
use crate::i18n::help::{HelpText as H, help_text};
use crate::i18n::staff::{self, StaffText as T};

pub(super) fn view(state: &State, form: &PinChange, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let t = |x| staff::text(lang, x);
    let block =
        Block::bordered().title(format!(" {} ", help_text(lang, H::ChangePinTitle))).padding(Padding::new(2, 2, 1, 0));
    let box_area = centred(area, 56, 11);
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    let number = state.auth.session.as_ref().map(|s| format!("{} {}", s.number, s.name)).unwrap_or_default();
    // Once verified, the current PIN is not shown again, not even its length.
    let rows = match form.step {
        PinChangeStep::Current => {
            vec![(t(T::OperatorNo), number), (help_text(lang, H::CurrentPin), field(&form.entry, true, true))]
        }
        PinChangeStep::New => vec![(t(T::OperatorNo), number), (t(T::NewPin), field(&form.entry, true, true))],
        PinChangeStep::Confirm => vec![
            (t(T::OperatorNo), number),
            (t(T::NewPin), "*".repeat(form.new_pin.as_ref().map_or(0, |p| p.expose().len()))),
            (t(T::NewPinAgain), field(&form.entry, true, true)),
        ],
    };
    let mut lines = widgets::label_rows(&rows);
    lines.push(Line::raw(""));
    lines.push(Line::styled(help_text(lang, H::ChangePinHelp), Style::new().fg(Color::DarkGray)));
    if state.auth.checking.is_some() {
        lines.push(Line::styled(t(T::Checking), Style::new().fg(WARN)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
