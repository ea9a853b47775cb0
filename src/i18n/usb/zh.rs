//! 简体中文。

use super::{UpgradeFailure as F, UsbLine, UsbText as T};

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
        UsbLine::Invalid { file, line, reason } => format!("{file}：第 {line} 行：{reason}"),
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
