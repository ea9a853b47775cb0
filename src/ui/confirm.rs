//! The confirmation of a scanned configuration code: what it changes (the network's name; the new
//! merchant and shop beside the current ones), and that a supervisor's PIN is needed now.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph, Wrap};

use super::widgets::{self, WARN};
use crate::core::State;
use crate::core::configure::{ConfigChange, Merchant};
use crate::i18n::enrol::{EnrolText, enrol_text};
use crate::i18n::{self, Text};

pub(super) fn view(state: &State, change: &ConfigChange, frame: &mut Frame, area: Rect) {
    let lang = state.settings.lang;
    let t = |x: Text| i18n::text(lang, x);
    let e = |x: EnrolText| enrol_text(lang, x);
    let title = match change {
        ConfigChange::Wifi { .. } => t(Text::ConfirmWifiTitle),
        ConfigChange::Platform { .. } => t(Text::ConfirmSetupTitle),
        ConfigChange::Enrol { .. } => e(EnrolText::Title),
    };
    let block = Block::bordered().title(format!(" {title} ")).padding(Padding::horizontal(1));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let warn = Style::new().fg(WARN).bold();
    let mut lines = match change {
        ConfigChange::Wifi { ssid, .. } => widgets::label_rows(&[(t(Text::ConfirmNetwork), ssid.clone())]),
        ConfigChange::Enrol { office, device_id, till_name, .. } => {
            let mut lines = widgets::label_rows(&[
                (e(EnrolText::Office), office.clone()),
                (e(EnrolText::TillName), till_name.clone()),
                (e(EnrolText::DeviceId), device_id.clone()),
                (e(EnrolText::Shop), state.settings.shop_name.clone()),
            ]);
            lines.push(Line::raw(""));
            lines.push(Line::styled(e(EnrolText::Effect), warn));
            lines
        }
        ConfigChange::Platform { current, new } => {
            let side = |m: Option<&Merchant>| match m {
                Some(m) => (format!("{} / {}", m.mch_id, m.sub_mch_id), m.shop_name.clone()),
                None => (t(Text::ConfirmNoneYet).to_string(), t(Text::ConfirmNoneYet).to_string()),
            };
            let (now_mch, now_shop) = side(current.as_ref());
            let (new_mch, new_shop) = side(Some(new));
            let now = t(Text::ConfirmNow);
            let after = t(Text::ConfirmNew);
            let mut lines = vec![Line::styled(now, Style::new().bold())];
            lines.extend(widgets::label_rows(&[(t(Text::ConfirmMerchant), now_mch), (t(Text::ConfirmShop), now_shop)]));
            lines.push(Line::styled(after, Style::new().bold()));
            lines.extend(widgets::label_rows(&[(t(Text::ConfirmMerchant), new_mch), (t(Text::ConfirmShop), new_shop)]));
            lines.push(Line::raw(""));
            let other = if change.changes_merchant() { Text::ConfirmOtherMerchant } else { Text::ConfirmSameMerchant };
            lines.push(Line::styled(t(other), warn));
            lines
        }
    };
    lines.push(Line::styled(t(Text::ConfirmPinNow), warn));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

/// Where the supervisor's PIN prompt goes on the confirmation screen: below what changes, so that
/// both are seen together.
pub(super) fn prompt_area(body: Rect) -> Rect {
    let height = 8.min(body.height);
    Rect { y: body.bottom().saturating_sub(height + 1), height, ..body }
}
