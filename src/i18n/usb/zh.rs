//! 简体中文。

use super::{UpgradeFailure as F, UsbLine, UsbText as T};
use crate::core::catalog::BarcodeError as B;
use crate::core::csv_problem::CsvProblem as P;

pub(super) fn text(t: T) -> &'static str {
    match t {
        T::ImportHelp => "选择商品CSV文件（barcode,name,price,stock,kind），按确认键检查",
        T::UsbDir => "U盘",
        T::CheckingFile => "正在检查文件…",
        T::ConfirmImport => "按确认键用此文件替换商品目录，按Esc取消",
        T::Importing => "正在导入…",
        T::NothingChanged => "未做任何修改",
        T::LookingForUpdate => "正在查找升级包…",
        T::FromUsb => "来自U盘",
        T::FromServer => "来自升级服务器",
        T::ConfirmUpgrade => "按确认键升级（收银程序将重启到新版本），按Esc取消",
        T::ConfirmForce => "再按确认键强制升级（记入审计日志），按Esc取消",
        T::Installing => "正在校验签名并安装…",
        T::InstallingForced => "正在校验签名并强制安装…",
        T::DoNotPowerOff => "请勿断电",
    }
}

pub(super) fn line(l: &UsbLine<'_>) -> String {
    match l {
        UsbLine::NoUsb { dir } => format!("{dir} 没有U盘：请插入U盘后重新打开本页"),
        UsbLine::NoCsv { dir } => format!("U盘（{dir}）上没有 .csv 文件"),
        UsbLine::Plan(p) => {
            format!("共 {} 个商品：新增 {}，修改 {}，删除 {}", p.rows, p.added, p.changed, p.removed)
        }
        UsbLine::Invalid { file, line, problem } => format!("{file}：第 {line} 行：{}", csv_problem(problem)),
        UsbLine::Imported { file, rows } => format!("商品目录已替换：{file} 共 {rows} 个商品"),
        UsbLine::ReadFailed { error } => format!("无法导入：{error}"),
        UsbLine::NoBundle { dir } => format!("没有升级包：{dir} 中没有 .bundle 文件，也未配置 [upgrade] url"),
        UsbLine::Blocked { unsynced, unresolved } => {
            format!("暂不能升级：{unsynced} 条记录未上传，{unresolved} 笔支付或退款待确认")
        }
        UsbLine::NotUpgraded(f) => match f {
            F::Blocked { unsynced, unresolved } => {
                line(&UsbLine::Blocked { unsynced: *unsynced, unresolved: *unresolved })
            }
            F::BadSignature => "未升级：升级包签名不符（被改动或已损坏）".into(),
            F::UntrustedKey { key } => format!("未升级：签名密钥 {key}… 不受本机信任"),
            F::Unreachable { from, reason } => format!("未升级：无法获取 {from}：{reason}"),
            F::NotNewer { offered, installed } => format!("未升级：版本 {offered} 不比已安装的 {installed} 新"),
            F::Other(error) => format!("未升级：{error}"),
        },
        UsbLine::Installed { version } => format!("已安装版本 {version}：收银程序即将重启"),
    }
}

fn csv_problem(p: &P) -> String {
    match p {
        P::Header(h) => format!("第一行必须是表头 {h}"),
        P::FieldCount(n) => format!("有 {n} 列，应为 5 列（barcode,name,price,stock,kind）或 6 列（再加 category）"),
        P::QuoteInside => "未加引号的字段中有引号".into(),
        P::TextAfterQuote(c) => format!("右引号后还有文字 {c:?}"),
        P::QuoteNotClosed => "引号没有闭合".into(),
        P::Kind(k) => format!("类型 {k:?} 不是 normal、open 或 weighed"),
        P::Barcode { barcode, error } => format!("条码 {barcode:?}：{}", barcode_error(error)),
        P::Duplicate { barcode, first } => format!("条码 {barcode} 已在第 {first} 行出现"),
        P::EmptyName => "商品名称为空".into(),
        P::BadName => "商品名称含控制字符或超过 64 个字".into(),
        P::PriceDecimals(t) => format!("价格 {t:?} 的小数超过两位"),
        P::Price(t) => format!("价格 {t:?} 不是金额（例如 12.50）"),
        P::ZeroPrice => "普通商品的价格必须大于 0.00（或类型填 open）".into(),
        P::Stock(t) => format!("库存 {t:?} 不是整数"),
        P::BadCategory => "商品分类含控制字符或超过 32 个字".into(),
    }
}

fn barcode_error(e: &B) -> String {
    match e {
        B::Empty => "条码为空".into(),
        B::CheckDigit => "校验位错误（EAN-13/EAN-8/UPC-A）".into(),
        B::PaymentCode => "看起来是顾客的付款码".into(),
        B::Characters => "含货架条码不用的字符（CODE128：字母、数字、- _ . /，最多 48 位）".into(),
        B::WeighedShape(n) => format!("称重商品的条码是称重前缀加商品码（共 {n} 位）"),
    }
}
