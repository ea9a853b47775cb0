//! Enrolment's words (登记到后台), in Simplified Chinese and English: the confirmation screen's
//! labels ([`EnrolText`], [`enrol_text`]) and the notices ([`enrol_notice`]).

use crate::core::Lang;
use crate::core::enrol::{EnrolFailure, EnrolNotice};

/// A label of the enrolment's confirmation screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
pub enum EnrolText {
    Title,
    Office,
    TillName,
    DeviceId,
    Shop,
    Effect,
}

impl EnrolText {
    /// Every label (strum).
    pub const ALL: &'static [EnrolText] = <EnrolText as strum::VariantArray>::VARIANTS;
}

pub fn enrol_text(lang: Lang, t: EnrolText) -> &'static str {
    use EnrolText as T;
    match (lang, t) {
        (Lang::Zh, T::Title) => "登记到这个后台？",
        (Lang::En, T::Title) => "Enrol this till to a back office?",
        (Lang::Zh, T::Office) => "后台地址",
        (Lang::En, T::Office) => "Back office",
        (Lang::Zh, T::TillName) => "收银机名称",
        (Lang::En, T::TillName) => "This till's name there",
        (Lang::Zh, T::DeviceId) => "设备编号",
        (Lang::En, T::DeviceId) => "Device id",
        (Lang::Zh, T::Shop) => "本店",
        (Lang::En, T::Shop) => "This shop",
        (Lang::Zh, T::Effect) => "确认后，本机的销售记录将上传到这个后台（重启后生效）",
        (Lang::En, T::Effect) => "Once confirmed, this till's sales go to this back office (from its next start)",
    }
}

fn failure(lang: Lang, e: &EnrolFailure) -> String {
    use EnrolFailure as F;
    match (lang, e) {
        (Lang::Zh, F::BadCode) => "这不是可用的后台登记码，请重新扫描".into(),
        (Lang::En, F::BadCode) => "Not a back-office enrolment code the till can read: scan it again".into(),
        (Lang::Zh, F::Unreachable) => "连不上后台，请检查网络后再扫".into(),
        (Lang::En, F::Unreachable) => "The back office cannot be reached: check the network and scan again".into(),
        (Lang::Zh, F::UnknownCode) => "后台不认识这个登记码，请在后台重新生成".into(),
        (Lang::En, F::UnknownCode) => "The back office does not know this code: make a new one there".into(),
        (Lang::Zh, F::Spent) => "登记码已用过或已过期，请在后台重新生成".into(),
        (Lang::En, F::Spent) => "This code was used or has expired: make a new one in the back office".into(),
        (Lang::Zh, F::Revoked) => "后台已停用这台收银机".into(),
        (Lang::En, F::Revoked) => "The back office has revoked this till".into(),
        (Lang::Zh, F::TooManyTries) => "错误次数太多，请稍后再试".into(),
        (Lang::En, F::TooManyTries) => "Too many wrong codes: try again later".into(),
        (Lang::Zh, F::Refused { reason }) => format!("后台拒绝登记：{reason}"),
        (Lang::En, F::Refused { reason }) => format!("The back office refused: {reason}"),
        (Lang::Zh, F::NotKept { detail }) => format!("登记信息无法保存（{detail}），请在后台重新生成登记码"),
        (Lang::En, F::NotKept { detail }) => {
            format!("The enrolment could not be kept ({detail}): make a new code in the back office")
        }
    }
}

pub fn enrol_notice(lang: Lang, n: &EnrolNotice) -> String {
    use EnrolNotice as N;
    match (lang, n) {
        (Lang::Zh, N::Reading) => "正在读取后台登记码…".into(),
        (Lang::En, N::Reading) => "Reading the back-office code…".into(),
        (Lang::Zh, N::Enrolling) => "正在登记到后台…".into(),
        (Lang::En, N::Enrolling) => "Enrolling to the back office…".into(),
        (Lang::Zh, N::Enrolled { device_id }) => format!("已登记为 {device_id}，重启后开始上传到新后台"),
        (Lang::En, N::Enrolled { device_id }) => {
            format!("Enrolled as {device_id}: sales go to the new back office from the next start")
        }
        (lang, N::Failed { error }) => failure(lang, error),
        (Lang::Zh, N::NotNow) => "请先完成当前交易再扫登记码".into(),
        (Lang::En, N::NotNow) => "Finish the current sale before scanning an enrolment code".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enrolment_word_is_translated_on_one_line() {
        for t in EnrolText::ALL {
            assert_ne!(enrol_text(Lang::Zh, *t), enrol_text(Lang::En, *t), "{t:?}");
        }
        let failures = [
            EnrolFailure::BadCode,
            EnrolFailure::Unreachable,
            EnrolFailure::UnknownCode,
            EnrolFailure::Spent,
            EnrolFailure::Revoked,
            EnrolFailure::TooManyTries,
            EnrolFailure::Refused { reason: "x".into() },
            EnrolFailure::NotKept { detail: "disk full".into() },
        ];
        let mut notices: Vec<EnrolNotice> =
            vec![EnrolNotice::Reading, EnrolNotice::Enrolling, EnrolNotice::Enrolled { device_id: "t".into() }];
        notices.extend(failures.into_iter().map(|error| EnrolNotice::Failed { error }));
        notices.push(EnrolNotice::NotNow);
        for n in &notices {
            let (zh, en) = (enrol_notice(Lang::Zh, n), enrol_notice(Lang::En, n));
            assert_ne!(zh, en, "{n:?}");
            assert!(!zh.contains('\n') && !en.contains('\n'), "{n:?}");
        }
    }
}
