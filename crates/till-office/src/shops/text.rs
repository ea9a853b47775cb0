//! The per-shop pages' words, in Chinese and English.

use crate::pages::Lang;
use till_proto::record::PaymentKind;

pub struct Text {
    pub shops: &'static str,
    pub no_shop: &'static str,
    pub back: &'static str,
    pub today: &'static str,
    pub yesterday: &'static str,
    pub last_week: &'static str,
    pub orders: &'static str,
    pub tills: &'static str,
    pub by_payment: &'static str,
    pub refunds: &'static str,
    pub z_reports: &'static str,
    pub expected: &'static str,
    pub counted: &'static str,
    pub difference: &'static str,
    pub discounts: &'static str,
    pub promotion: &'static str,
    pub operator: &'static str,
    pub low_stock: &'static str,
    pub doubts: &'static str,
    pub doubts_note: &'static str,
    pub since: &'static str,
    pub none: &'static str,
    cash: &'static str,
    wechat: &'static str,
    alipay: &'static str,
    stored_value: &'static str,
}

const ZH: Text = Text {
    shops: "各门店",
    no_shop: "未分门店",
    back: "今日营业",
    today: "今天",
    yesterday: "昨天",
    last_week: "上周同日",
    orders: "单数",
    tills: "收银机",
    by_payment: "按支付方式（今天）",
    refunds: "退款（今天）",
    z_reports: "日结（Z报表）",
    expected: "应有现金",
    counted: "实点现金",
    difference: "差额",
    discounts: "今天的优惠",
    promotion: "促销",
    operator: "收银员",
    low_stock: "库存不足",
    doubts: "待确认的支付",
    doubts_note: "收银机还在向支付平台查询结果；这里只是查看，不会扣款或退款",
    since: "开始于",
    none: "无",
    cash: "现金",
    wechat: "微信支付",
    alipay: "支付宝",
    stored_value: "储值",
};

const EN: Text = Text {
    shops: "Shops",
    no_shop: "No shop yet",
    back: "Today",
    today: "Today",
    yesterday: "Yesterday",
    last_week: "Same day last week",
    orders: "Orders",
    tills: "Tills",
    by_payment: "By payment (today)",
    refunds: "Refunds (today)",
    z_reports: "Z reports",
    expected: "Expected cash",
    counted: "Counted",
    difference: "Difference",
    discounts: "Discounts today",
    promotion: "promotion",
    operator: "cashier",
    low_stock: "Low stock",
    doubts: "Payments in doubt",
    doubts_note: "The till is still asking the payment platform; this is a view only: nothing is charged or refunded here",
    since: "since",
    none: "none",
    cash: "Cash",
    wechat: "WeChat Pay",
    alipay: "Alipay",
    stored_value: "Stored value",
};

pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

impl Text {
    pub fn payment(&self, kind: PaymentKind) -> &'static str {
        match kind {
            PaymentKind::Cash => self.cash,
            PaymentKind::WeChat => self.wechat,
            PaymentKind::Alipay => self.alipay,
            PaymentKind::StoredValue => self.stored_value,
        }
    }
}
