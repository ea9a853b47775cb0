//! The fleet page's words, zh-CN and English.

use crate::pages::Lang;

pub struct Text {
    pub title: &'static str,
    pub devices: &'static str,
    pub tills: &'static str,
    pub till: &'static str,
    pub shop: &'static str,
    pub version: &'static str,
    pub rolled_back: &'static str,
    pub from: &'static str,
    pub last_contact: &'static str,
    pub never: &'static str,
    pub releases: &'static str,
    pub group: &'static str,
    pub all: &'static str,
    pub installed: &'static str,
    pub offered: &'static str,
    /// (rolled back, of how many tills, the release's limit in %)
    pub stopped: fn(i32, i32, i32) -> String,
    pub optional: &'static str,
    pub list: &'static str,
    pub max: &'static str,
    pub define: &'static str,
    pub defined: &'static str,
    pub no_bundle: &'static str,
    pub bad_share: &'static str,
    pub one_group: &'static str,
    pub bundles: &'static str,
    pub file: &'static str,
    pub upload: &'static str,
    pub kept: &'static str,
    pub refused: &'static str,
}

fn percent(rolled: i32, of: i32) -> i32 {
    if of == 0 { 0 } else { rolled * 100 / of }
}

const ZH: Text = Text {
    title: "收银机升级",
    devices: "收银机",
    tills: "各收银机",
    till: "收银机",
    shop: "门店",
    version: "版本",
    rolled_back: "已回退",
    from: "自",
    last_contact: "最后联系",
    never: "从未",
    releases: "发布",
    group: "范围",
    all: "全部收银机",
    installed: "已安装",
    offered: "发布中",
    stopped: |rolled, of, max| {
        format!("已自动停止：{of} 台中 {rolled} 台回退（{}%），超过 {max}%", percent(rolled, of))
    },
    optional: "可不填",
    list: "收银机编号，逗号分隔",
    max: "回退超过此比例即停止（%）",
    define: "发布给收银机",
    defined: "已发布",
    no_bundle: "还没有上传此版本的升级包：",
    bad_share: "比例须为 0 到 100",
    one_group: "门店和收银机列表只能填一个",
    bundles: "升级包",
    file: "升级包文件（厂商签名的 .bundle）",
    upload: "上传",
    kept: "已保存升级包",
    refused: "升级包被拒绝",
};

const EN: Text = Text {
    title: "Till upgrades",
    devices: "Tills",
    tills: "Tills",
    till: "Till",
    shop: "Shop",
    version: "Version",
    rolled_back: "Rolled back",
    from: "from",
    last_contact: "Last contact",
    never: "never",
    releases: "Releases",
    group: "For",
    all: "all tills",
    installed: "Installed",
    offered: "offered",
    stopped: |rolled, of, max| {
        format!("stopped by itself: {rolled} of {of} tills rolled back ({}%), more than {max}%", percent(rolled, of))
    },
    optional: "optional",
    list: "Till ids, separated by commas",
    max: "Stop when more than this share roll back (%)",
    define: "Release to the tills",
    defined: "Released",
    no_bundle: "No bundle of this version is uploaded yet:",
    bad_share: "The share must be 0 to 100",
    one_group: "Give a shop or a list of tills, not both",
    bundles: "Bundles",
    file: "Bundle file (the vendor's signed .bundle)",
    upload: "Upload",
    kept: "Bundle kept:",
    refused: "Bundle refused",
};

pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}
