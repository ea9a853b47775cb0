//! The demo's catalogue: what `till demo` sells with no configuration at all.

use crate::core::Lang;
use crate::core::catalog::{Catalogue, Product};
use crate::core::code::gtin_check_digit;
use crate::core::money::Fen;

/// (12-digit EAN-13 stem, Chinese name, English name, price in fen). The check digit is computed.
const PRODUCTS: &[(&str, &str, &str, i64)] = &[
    ("690013860088", "可口可乐 330ml", "Coca-Cola 330ml", 350),
    ("692015240077", "康师傅红烧牛肉面", "Master Kong beef noodles", 450),
    ("690102807502", "农夫山泉 550ml", "Nongfu Spring water 550ml", 200),
    ("690269290010", "统一老坛酸菜面", "Uni-President pickled noodles", 500),
    ("692103165201", "旺旺雪饼 84g", "Want Want rice crackers 84g", 690),
    ("690364900001", "伊利纯牛奶 250ml", "Yili whole milk 250ml", 350),
    ("690253813001", "蒙牛酸酸乳", "Mengniu yogurt drink", 380),
    ("690146001002", "雪碧 500ml", "Sprite 500ml", 380),
    ("690183700010", "红牛 250ml", "Red Bull 250ml", 650),
    ("690262800801", "王老吉 310ml", "Wong Lo Kat herbal tea 310ml", 450),
    ("690321030001", "奥利奥饼干 97g", "Oreo cookies 97g", 850),
    ("690444500201", "乐事薯片 原味 70g", "Lay's chips classic 70g", 750),
    ("690111100002", "德芙巧克力 43g", "Dove chocolate 43g", 990),
    ("690533700101", "绿箭口香糖", "Doublemint gum", 300),
    ("690018800090", "双汇王中王火腿肠", "Shuanghui ham sausage", 250),
    ("690233110801", "卫龙辣条 106g", "Weilong spicy strips 106g", 500),
    ("690187300030", "青岛啤酒 500ml", "Tsingtao beer 500ml", 600),
    ("690209900001", "雪花啤酒 500ml", "Snow beer 500ml", 500),
    ("690174200103", "维达抽纸 3包", "Vinda tissues 3-pack", 1290),
    ("690160500510", "心相印湿巾", "Hearttex wet wipes", 890),
    ("690278100020", "中华牙膏 140g", "Zhonghua toothpaste 140g", 1150),
    ("690104811001", "海飞丝洗发水 200ml", "Head & Shoulders 200ml", 3290),
    ("690208900011", "立白洗衣液 1kg", "Liby laundry liquid 1kg", 1990),
    ("690123400555", "南孚电池 5号 2粒", "Nanfu AA batteries x2", 990),
    ("690300900808", "金龙鱼大米 5kg", "Arawana rice 5kg", 3990),
    ("690199000012", "鲁花花生油 900ml", "Luhua peanut oil 900ml", 3150),
    ("690201100003", "海天酱油 500ml", "Haday soy sauce 500ml", 1050),
    ("690222200202", "老干妈风味豆豉", "Lao Gan Ma chili sauce", 1100),
    ("690166600901", "思念水饺 500g", "Synear dumplings 500g", 1690),
    ("690137700025", "光明面包", "Bright bread", 590),
    ("690399900010", "鸡蛋 10枚", "Eggs x10", 1280),
    ("690366600303", "塑料袋", "Plastic bag", 30),
    ("690366600401", "冰淇淋 可爱多", "Cornetto ice cream", 600),
];

/// The demo catalogue with stock counts (a few of them low), as the demo seeds it into its store.
pub fn catalogue_with_stock(lang: Lang) -> Catalogue {
    let c = catalogue(lang);
    let counts: Vec<(String, i64)> =
        c.iter().enumerate().map(|(i, p)| (p.barcode.clone(), [48, 3, 120, 0, 24, 2, 60][i % 7])).collect();
    c.with_stock(counts)
}

/// The demo catalogue in the chosen language, barcodes with correct EAN-13 check digits.
pub fn catalogue(lang: Lang) -> Catalogue {
    Catalogue::new(PRODUCTS.iter().filter_map(|(stem, zh, en, fen)| {
        let check = gtin_check_digit(stem)?;
        let name = match lang {
            Lang::Zh => zh,
            Lang::En => en,
        };
        Some(Product::new(format!("{stem}{check}"), *name, Fen(*fen)))
    }))
}

/// The demo's member (张三, 13812345678, card VIP0001, 金卡, 120 points, 50.00 stored), as a store
/// lookup finds them: the member the tests find too.
pub fn member() -> Option<crate::core::members::MemberCard> {
    use crate::core::members::{Member, MemberCard, Phone};
    let member = Member {
        id: "M0001".into(),
        name: "张三".into(),
        phone: Phone::parse("13812345678")?,
        card: "VIP0001".into(),
        level: "金卡".into(),
        points: 120,
    };
    Some(MemberCard { member, balance: Fen(5000) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::code::{CodeKind, classify};

    #[test]
    fn has_at_least_30_valid_ean13_products_with_prices() {
        let c = catalogue(Lang::Zh);
        assert!(c.len() >= 30, "{}", c.len());
        assert_eq!(c.len(), PRODUCTS.len(), "every stem is 12 digits and unique");
        for p in c.iter() {
            assert_eq!(p.barcode.len(), 13);
            assert_eq!(classify(&p.barcode), CodeKind::Product, "{}", p.barcode);
            assert!(p.price > Fen::ZERO);
        }
        assert_eq!(c.get("6900138600889").map(|p| p.price), Some(Fen(350)));
        assert_eq!(catalogue(Lang::En).get("6900138600889").map(|p| p.name.as_str()), Some("Coca-Cola 330ml"));
    }
}
