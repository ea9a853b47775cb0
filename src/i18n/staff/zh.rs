//! 简体中文.

use super::StaffText as T;
use crate::core::auth::{Action, AuditEvent, AuthNotice};
use crate::core::maintenance::{Item, ScanKind};

pub(super) fn text(t: T) -> &'static str {
    match t {
        T::NotSignedIn => "未签到",
        T::SignInTitle => "签到",
        T::OperatorNo => "柜员编号",
        T::Pin => "密码",
        T::NewPin => "新密码",
        T::NewPinAgain => "再输一次",
        T::NumberHelp => "请输入柜员编号，按回车",
        T::PinHelp => "请输入密码，按回车",
        T::NewPinHelp => "请设置您自己的新密码（4–8位数字）",
        T::Checking => "正在验证…",
        T::SupervisorTitle => "主管授权",
        T::SupervisorNo => "主管编号",
        T::ForAction => "操作",
        T::FirstOperatorName => "店长",
        T::KeyEnter => "回车",
        T::KeyEsc => "Esc",
        T::KeyF9 => "F9",
        T::KeyF12 => "F12",
        T::KeyUpDown => "↑↓",
        T::KeyA => "a",
        T::KeyN => "n",
        T::KeyR => "r",
        T::KeyP => "p",
        T::KeyD => "d",
        T::HintConfirm => "确认",
        T::HintBack => "返回",
        T::HintCancel => "取消",
        T::HintSignOut => "签退",
        T::HintMaintenance => "维护",
        T::HintChoose => "选择",
        T::HintAdd => "新增",
        T::HintRename => "改名",
        T::HintRole => "角色",
        T::HintResetPin => "重置密码",
        T::HintDisable => "停用/启用",
        T::HintScroll => "翻看",
        T::MaintenanceTitle => "维护菜单",
        T::NotInDemo => "（演示中不可用）",
        T::Reading => "正在读取…",
        T::PaymentPlatform => "支付平台",
        T::Reachable => "可连接",
        T::Unreachable => "无法连接",
        T::Address => "本机地址",
        T::NoAddress => "无",
        T::Backoffice => "后台同步",
        T::BackofficeOff => "未配置",
        T::Waiting => "待上传",
        T::Refused => "被拒",
        T::LastError => "最近错误",
        T::Serial => "序列号",
        T::DataDir => "数据目录",
        T::StoreSize => "数据大小",
        T::Outbox => "待上传记录",
        T::Arch => "架构",
        T::ScanHelp => "请扫码：下面显示扫到的内容和识别结果",
        T::Chars => "位",
        T::ExportTo => "导出到",
        T::ExportHelp => "插入U盘，确认目录后按回车；导出文件可用 till import 恢复",
        T::Exporting => "正在导出…",
        T::ConfirmRestart => "按回车重启收银程序，Esc 取消",
        T::ConfirmPowerOff => "按回车关机，Esc 取消",
        T::OperatorsTitle => "柜员管理",
        T::ColNo => "编号",
        T::ColName => "姓名",
        T::ColRole => "角色",
        T::ColState => "状态",
        T::StateActive => "正常",
        T::StateDisabled => "已停用",
        T::StateMustChange => "待改密码",
        T::StateLocked => "已锁定",
        T::SignedInMark => "（当前）",
        T::FormNewName => "新柜员姓名",
        T::FormNewPin => "初始密码",
        T::FormRename => "姓名",
        T::FormResetPin => "临时密码",
        T::FormPinHelp => "4–8位数字；柜员下次签到时须修改",
        T::AuditTitle => "审计日志（只读）",
        T::AuditEmpty => "暂无记录",
        T::ColTime => "时间",
        T::ColWho => "柜员",
        T::ColWhat => "事件",
        T::KeyS => "s",
        T::HintStaffId => "收银员编号",
        T::FormStaffId => "在支付平台的收银员编号",
        T::FormStaffIdHelp => "字母、数字、- 或 _（最多 32 位）；留空则上送柜员号",
        T::ChangePinNext => "验证后设置新密码（再按 F4 取消）",
    }
}

pub(super) fn action(a: Action) -> &'static str {
    match a {
        Action::Refund => "退款",
        Action::Void => "作废已付订单",
        Action::Settings => "修改设置",
        Action::CloseDay => "日结",
        Action::ManualPrice => "手工输入价格",
        Action::Maintenance => "进入维护菜单",
        Action::DiscardHeld => "作废挂单",
        Action::NoReceiptReturn => "无小票退货",
        Action::Stock => "入库 / 盘点",
        Action::Training => "培训模式",
        Action::Exchange => "换货（无小票）",
        Action::Members => "新建或修改会员",
        Action::StoredValueRefund => "超过收银员限额退回储值",
        Action::Override => "强制签退",
        Action::Discount => "超出收银员权限的优惠",
    }
}

pub(super) fn item(i: Item) -> &'static str {
    match i {
        Item::Network => "网络状态",
        Item::PrinterTest => "打印测试页",
        Item::ScannerTest => "扫码枪测试",
        Item::DeviceInfo => "设备信息",
        Item::Version => "软件版本",
        Item::Export => "导出数据",
        Item::ImportCatalogue => "从U盘导入商品",
        Item::Upgrade => "在线升级",
        Item::Operators => "柜员管理",
        Item::Audit => "审计日志",
        Item::Restart => "重启收银程序",
        Item::PowerOff => "关机",
        Item::Training => "培训模式",
    }
}

pub(super) fn scan_kind(k: ScanKind) -> &'static str {
    match k {
        ScanKind::Product => "商品条码",
        ScanKind::BadCheckDigit => "条码校验位错误",
        ScanKind::Payment(_) => "付款码",
        ScanKind::OrderNumber => "本店订单号",
        ScanKind::Amount => "金额",
        ScanKind::WifiCode => "Wi-Fi 配置码",
        ScanKind::SetupCode => "设备配置码",
        ScanKind::Garbage => "无法识别",
    }
}

pub(super) fn notice(n: &AuthNotice) -> String {
    match n {
        AuthNotice::SignInFirst => "请先签到".into(),
        AuthNotice::NotNow => "请先完成或关闭当前画面".into(),
        AuthNotice::FinishSaleFirst => "请先完成或清空当前交易".into(),
        AuthNotice::NoSuchOperator { number } => format!("没有柜员 {number}"),
        AuthNotice::OperatorDisabled { number } => format!("柜员 {number} 已停用"),
        AuthNotice::NotASupervisor { number } => format!("柜员 {number} 不是主管"),
        AuthNotice::WrongPin { left } => format!("密码错误，还可再试 {left} 次"),
        AuthNotice::LockedOut { number, minutes } => format!("柜员 {number} 已锁定，请 {minutes} 分钟后再试"),
        AuthNotice::SignedIn { number, name } => format!("签到成功：{number} {name}"),
        AuthNotice::SignedOut { number } => format!("柜员 {number} 已签退"),
        AuthNotice::ChooseNewPin => "首次签到，请设置新密码".into(),
        AuthNotice::PinFormat => "密码须为4–8位数字".into(),
        AuthNotice::SamePin => "新密码不能与原密码相同".into(),
        AuthNotice::PinsDiffer => "两次输入的密码不一致，请重新输入".into(),
        AuthNotice::PinChanged => "密码已修改，签到成功".into(),
        AuthNotice::PinNotAllowed => "不能使用 0000 作密码，请另选".into(),
        AuthNotice::OwnPinChanged => "密码已修改，下次签到请用新密码".into(),
        AuthNotice::StaffIdFormat => "收银员编号只能是字母、数字、- 或 _，最多 32 位".into(),
        AuthNotice::SupervisorNeeded { action: a } => format!("{}需要主管授权", action(*a)),
        AuthNotice::Cancelled => "已取消".into(),
        AuthNotice::ScreenChanged => "画面已变化，未执行，请重新操作".into(),
        AuthNotice::SignOutBlocked { unsynced, unresolved } => {
            format!("不能签退：{unsynced} 条记录未上传，{unresolved} 笔支付/退款待确认；再按 F9 由主管强制签退")
        }
        AuthNotice::SignedOutOverride { number, unsynced, unresolved } => {
            format!("主管强制签退 {number}：仍有 {unsynced} 条记录未上传，{unresolved} 笔待确认")
        }
        AuthNotice::LastSupervisor => "至少要保留一名启用的主管".into(),
        AuthNotice::NotYourself => "不能停用当前签到的柜员".into(),
        AuthNotice::OperatorSaved { number } => format!("柜员 {number} 已保存"),
        AuthNotice::PinReset { number } => format!("柜员 {number} 的密码已重置，下次签到须修改"),
        AuthNotice::NoFreeNumber => "柜员编号已用完（最多99名）".into(),
        AuthNotice::NameEmpty => "请输入姓名".into(),
        AuthNotice::Exported { path } => format!("已导出到 {path}"),
        AuthNotice::ExportFailed { error } => format!("导出失败：{error}"),
        AuthNotice::Restarting => "正在重启收银程序…".into(),
        AuthNotice::PoweringOff => "正在关机…".into(),
        AuthNotice::PowerOffDisabled => "演示模式不能关机".into(),
        AuthNotice::PowerOffFailed { error } => format!("关机失败：{error}"),
    }
}

pub(super) fn audit(e: &AuditEvent) -> String {
    match e {
        AuditEvent::SignedIn => "签到".into(),
        AuditEvent::SignInFailed => "密码错误".into(),
        AuditEvent::LockedOut { minutes } => format!("锁定 {minutes} 分钟"),
        AuditEvent::SignedOut => "签退".into(),
        AuditEvent::SignOutOverridden { unsynced, unresolved } => {
            format!("主管强制签退（{unsynced} 条未上传，{unresolved} 笔待确认）")
        }
        AuditEvent::PinChanged => "修改密码".into(),
        AuditEvent::SupervisorApproved { action: a, supervisor } => format!("主管 {supervisor} 授权{}", action(*a)),
        AuditEvent::Refund { order, amount, approved_by, .. } => match approved_by {
            Some(s) => format!("退款 {amount}元 订单 {order}（主管 {s}）"),
            None => format!("退款 {amount}元 订单 {order}"),
        },
        AuditEvent::SettingsChanged { what } => format!("修改设置：{what}"),
        AuditEvent::OperatorAdded { number, .. } => format!("新增柜员 {number}"),
        AuditEvent::OperatorRenamed { number, name } => format!("柜员 {number} 改名为 {name}"),
        AuditEvent::RoleChanged { number, role } => {
            format!("柜员 {number} 角色改为{}", super::role(crate::core::Lang::Zh, *role))
        }
        AuditEvent::PinReset { number } => format!("重置柜员 {number} 的密码"),
        AuditEvent::OperatorDisabled { number, disabled: true } => format!("停用柜员 {number}"),
        AuditEvent::OperatorDisabled { number, disabled: false } => format!("启用柜员 {number}"),
        AuditEvent::Maintenance { what } => format!("维护：{what}"),
        AuditEvent::CatalogueImported { file, rows } => format!("从U盘导入商品 {file}（{rows} 行）"),
        AuditEvent::PromotionsImported { file, rows } => format!("从U盘导入促销 {file}（{rows} 行）"),
        AuditEvent::PromotionsFromOffice { version, rows } => format!("后台促销第 {version} 版生效（{rows} 个促销）"),
        AuditEvent::UpgradeForced { unsynced, unresolved } => {
            format!("强制升级（{unsynced} 条未上传，{unresolved} 笔待确认）")
        }
        AuditEvent::Upgraded { version, from } => format!("升级到 {version}（来自 {from}）"),
        AuditEvent::StaffIdSet { number, staff_id: Some(id) } => format!("柜员 {number} 的平台收银员编号改为 {id}"),
        AuditEvent::StaffIdSet { number, staff_id: None } => format!("柜员 {number} 按柜员号 {number} 上送平台"),
        AuditEvent::Training { on: true, .. } => "进入培训模式".into(),
        AuditEvent::Training { on: false, sales } => format!("退出培训模式（{sales} 笔练习交易，未记账）"),
        AuditEvent::TrainingInterrupted { .. } => "培训模式结束（收银机重启）".into(),
        AuditEvent::MemberSaved { id, new: true } => format!("新建会员 {id}"),
        AuditEvent::MemberSaved { id, new: false } => format!("修改会员 {id}"),
    }
}
