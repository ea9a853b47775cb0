use super::promo::{Promotion, Scope, Window};
use super::*;
use proptest::prelude::*;

const MON_NOON: When = When { date: 20261207, weekday: 0, minute: 720 };

fn line(barcode: &str, unit: i64, qty: u32) -> CartLine {
    CartLine { barcode: barcode.into(), category: String::new(), unit_price: Fen(unit), qty, manual: None }
}

fn promo(id: &str, name: &str, scope: Scope, kind: Kind) -> Promotion {
    Promotion { id: id.into(), name: name.into(), window: Window::default(), scope, kind }
}

fn items(codes: &[&str]) -> Scope {
    Scope::Items(codes.iter().map(|s| s.to_string()).collect())
}

fn manual(change: Change, reason: &str) -> Option<Manual> {
    Some(Manual { change, reason: reason.into() })
}

fn total(book: &Book, lines: &[CartLine]) -> Fen {
    price(book, MON_NOON, lines, None).map(|p| p.total).unwrap_or(Fen(-1))
}

#[test]
fn a_special_price_and_a_percentage_each_apply_and_the_better_one_wins_per_item() {
    let book = Book::new(vec![
        promo("a", "可乐特价", items(&["cola"]), Kind::Special { price: Fen(250) }),
        promo("b", "全场9折", Scope::All, Kind::PercentOff { off: 1000 }),
    ]);
    let p = price(&book, MON_NOON, &[line("cola", 300, 2), line("chips", 555, 1)], None).unwrap();
    // Cola: 特价 saves 1.00, 9折 would save 0.60 → 特价. Chips: 10 % of 5.55 is 0.555 → 0.56 (half up).
    assert_eq!(
        p.applied,
        vec![
            Applied { source: Source::Promotion { id: "a".into(), name: "可乐特价".into() }, amount: Fen(100) },
            Applied { source: Source::Promotion { id: "b".into(), name: "全场9折".into() }, amount: Fen(56) },
        ]
    );
    assert_eq!((p.lines[0].net, p.lines[1].net, p.total, p.gross), (Fen(500), Fen(499), Fen(999), Fen(1155)));
}

#[test]
fn the_second_item_at_half_price_and_a_bundle_price_count_units_of_the_same_item() {
    let book = Book::new(vec![
        promo("n2", "第2件半价", items(&["tea"]), Kind::NthAt { n: 2, pay: 5000 }),
        promo("b3", "3件10元", items(&["bun"]), Kind::Bundle { n: 3, price: Fen(1000) }),
    ]);
    // 5 teas at 4.00: two pairs, each second one half price (2 × 2.00 off); 7 buns at 4.00: two bundles of 3
    // (2 × 2.00 off), one bun at full price. Scanned as two tea lines: the 4.00 is spread over them.
    let p = price(&book, MON_NOON, &[line("tea", 400, 2), line("bun", 400, 7), line("tea", 400, 3)], None).unwrap();
    assert_eq!(p.applied.iter().map(|a| a.amount).collect::<Vec<_>>(), vec![Fen(400), Fen(400)]);
    assert_eq!(p.lines.iter().map(|l| l.net).collect::<Vec<_>>(), vec![Fen(640), Fen(2400), Fen(960)]);
}

#[test]
fn the_highest_tier_of_a_spend_threshold_applies_and_is_spread_by_largest_remainder() {
    let tiers = vec![(Fen(10_000), Fen(1_000)), (Fen(20_000), Fen(3_000))];
    let book = Book::new(vec![promo("m", "满100减10 满200减30", Scope::All, Kind::Threshold { tiers })]);
    assert_eq!(total(&book, &[line("x", 9_999, 1)]), Fen(9_999));
    assert_eq!(total(&book, &[line("x", 10_000, 1)]), Fen(9_000));
    let p = price(&book, MON_NOON, &[line("x", 10_000, 1), line("y", 5_000, 1), line("z", 5_001, 1)], None).unwrap();
    // 3,000 fen over 10,000 : 5,000 : 5,001 → 1,499.93, 749.96, 750.11: floors 1,499, 749, 750, and the two
    // fen left go to the largest remainders (0.96 of line y, 0.93 of line x).
    assert_eq!(p.lines.iter().map(|l| l.net).collect::<Vec<_>>(), vec![Fen(8_500), Fen(4_250), Fen(4_251)]);
    assert_eq!(p.total, Fen(17_001));
}

#[test]
fn a_gift_is_free_once_the_scope_is_spent_and_only_then() {
    let gift = Kind::Gift { spend: Fen(5_000), item: "bag".into(), qty: 1 };
    let book = Book::new(vec![promo("g", "满50送购物袋", Scope::All, gift)]);
    assert_eq!(total(&book, &[line("x", 4_999, 1), line("bag", 50, 2)]), Fen(5_099));
    let p = price(&book, MON_NOON, &[line("x", 5_000, 1), line("bag", 50, 2)], None).unwrap();
    assert_eq!((p.total, p.lines[1].net), (Fen(5_050), Fen(50)));
}

#[test]
fn a_promotion_outside_its_window_does_not_apply() {
    let mut p = promo("h", "欢乐时光", Scope::All, Kind::PercentOff { off: 5000 });
    p.window = Window {
        from: Some(20261201),
        until: Some(20261231),
        days: 0b001_1111,
        hours: Some((1020, 1140)),
        ..Window::default()
    };
    let book = Book::new(vec![p]);
    let at = |date, weekday, minute| total_at(&book, When { date, weekday, minute });
    assert_eq!(at(20261207, 0, 1080), Fen(50)); // Monday 18:00
    assert_eq!(at(20261207, 0, 1140), Fen(100)); // 19:00: the window has ended
    assert_eq!(at(20261212, 5, 1080), Fen(100)); // Saturday
    assert_eq!(at(20270101, 4, 1080), Fen(100)); // after the last day
    let wraps = Window { hours: Some((1320, 120)), ..Window::default() };
    assert!(
        wraps.holds(When { date: 1, weekday: 0, minute: 60 })
            && !wraps.holds(When { date: 1, weekday: 0, minute: 600 })
    );
}

fn total_at(book: &Book, when: When) -> Fen {
    price(book, when, &[line("x", 100, 1)], None).unwrap().total
}

#[test]
fn the_day_of_the_week_comes_from_the_local_date() {
    // 2026-12-07 00:30 in China is 2026-12-06 16:30 UTC: a Monday there.
    let w = When::at(crate::core::clock::Millis(1_796_574_600_000), 480);
    assert_eq!((w.date, w.weekday, w.minute), (20261207, 0, 30));
}

#[test]
fn the_cashiers_discounts_apply_after_promotions_and_a_new_price_replaces_them() {
    let book = Book::new(vec![promo("a", "9折", Scope::All, Kind::PercentOff { off: 1000 })]);
    let mut cart = vec![line("x", 1_000, 1), line("y", 1_000, 1), line("z", 1_000, 1)];
    cart[0].manual = manual(Change::PercentOff(1000), "damaged");
    cart[1].manual = manual(Change::AmountOff(Fen(5_000)), "staff");
    cart[2].manual = manual(Change::NewPrice(Fen(800)), "price match");
    let order = Manual { change: Change::AmountOff(Fen(5)), reason: "regular".into() };
    let p = price(&book, MON_NOON, &cart, Some(&order)).unwrap();
    // x: 10.00 − 1.00 (9折) − 0.90 (10 % of 9.00) = 8.10; y: 9.00 then all of it off; z: 8.00, no 9折.
    // Then 0.05 off the order, spread 8.10 : 0 : 8.00 → 0.03 and 0.02.
    assert_eq!(p.lines.iter().map(|l| l.net).collect::<Vec<_>>(), vec![Fen(807), Fen(0), Fen(798)]);
    let sources: Vec<&Source> = p.applied.iter().map(|a| &a.source).collect();
    assert_eq!(sources.len(), 5);
    assert!(matches!(sources[4], Source::Order { .. }));
    // Each line's shares account for its gross exactly.
    for l in &p.lines {
        assert_eq!(l.gross.0 - l.parts.iter().map(|(_, s)| s.0).sum::<i64>(), l.net.0);
    }
}

#[test]
fn an_order_new_total_and_percentage() {
    let book = Book::default();
    let cart = [line("x", 333, 1), line("y", 667, 1)];
    let new_total = Manual { change: Change::NewPrice(Fen(900)), reason: "r".into() };
    assert_eq!(price(&book, MON_NOON, &cart, Some(&new_total)).unwrap().total, Fen(900));
    let pct = Manual { change: Change::PercentOff(1250), reason: "r".into() };
    assert_eq!(price(&book, MON_NOON, &cart, Some(&pct)).unwrap().total, Fen(875));
}

#[test]
fn invalid_promotions_are_left_out() {
    let bad = promo("t", "满减", Scope::All, Kind::Threshold { tiers: vec![(Fen(100), Fen(200))] });
    assert!(bad.check().is_err());
    assert!(Book::new(vec![bad]).promotions().is_empty());
}

// ---- properties -------------------------------------------------------------------------------

const CODES: [&str; 4] = ["a", "b", "c", "d"];

fn any_kind(thresholds: bool) -> BoxedStrategy<Kind> {
    let mut kinds = vec![
        (0i64..2_000).prop_map(|p| Kind::Special { price: Fen(p) }).boxed(),
        (1u32..=10_000).prop_map(|off| Kind::PercentOff { off }).boxed(),
        (2u32..5, 0u32..10_000).prop_map(|(n, pay)| Kind::NthAt { n, pay }).boxed(),
    ];
    if thresholds {
        kinds.push((2u32..5, 0i64..3_000).prop_map(|(n, p)| Kind::Bundle { n, price: Fen(p) }).boxed());
        kinds.push(
            (1i64..5_000, 1i64..500, 1i64..5_000)
                .prop_map(|(a, off, step)| Kind::Threshold {
                    tiers: vec![(Fen(a), Fen(off.min(a))), (Fen(a + step), Fen((off * 2).min(a + step)))],
                })
                .boxed(),
        );
        kinds.push(
            (0i64..3_000, 0usize..4, 1u32..3)
                .prop_map(|(s, g, qty)| Kind::Gift { spend: Fen(s), item: CODES[g].into(), qty })
                .boxed(),
        );
    }
    proptest::strategy::Union::new(kinds).boxed()
}

fn any_book(thresholds: bool) -> impl Strategy<Value = Book> {
    let scope = prop_oneof![Just(Scope::All), (0usize..4).prop_map(|i| items(&[CODES[i]]))];
    // Some promotions are for members only (any member, or a level's).
    let who = prop_oneof![Just(None), Just(None), Just(Some(String::new())), Just(Some("金卡".to_string()))];
    prop::collection::vec((scope, any_kind(thresholds), who), 0..6).prop_map(|ps| {
        let promos = ps.into_iter().enumerate().map(|(i, (s, k, member))| {
            let mut p = promo(&format!("p{i}"), "p", s, k);
            p.window.member = member;
            p
        });
        Book::new(promos.collect())
    })
}

/// The sale's member: none, one without a level, or one of a level.
fn any_member() -> impl Strategy<Value = Option<String>> {
    prop_oneof![Just(None), Just(Some(String::new())), Just(Some("金卡".to_string())), Just(Some("银卡".to_string()))]
}

fn any_change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0u32..=10_000).prop_map(Change::PercentOff),
        (0i64..3_000).prop_map(|a| Change::AmountOff(Fen(a))),
        (0i64..3_000).prop_map(|a| Change::NewPrice(Fen(a))),
    ]
}

fn any_cart() -> impl Strategy<Value = Vec<CartLine>> {
    let l = (0usize..4, 1i64..2_000, 1u32..6, prop::option::weighted(0.3, any_change())).prop_map(|(c, u, q, m)| {
        CartLine { manual: m.map(|change| Manual { change, reason: "r".into() }), ..line(CODES[c], u, q) }
    });
    prop::collection::vec(l, 0..8)
}

fn any_order() -> impl Strategy<Value = Option<Manual>> {
    prop::option::weighted(0.3, any_change().prop_map(|change| Manual { change, reason: "o".into() }))
}

proptest! {
    #[test]
    fn the_total_is_never_negative_nor_above_the_undiscounted_sum_and_the_lines_add_up(
        book in any_book(true), cart in any_cart(), order in any_order(), member in any_member()
    ) {
        let p = price_for(&book, MON_NOON, member.as_deref(), &cart, order.as_ref()).unwrap();
        let undiscounted: i64 = cart.iter().map(|l| l.unit_price.0 * i64::from(l.qty)).sum();
        prop_assert!(p.total.0 >= 0 && p.total.0 <= undiscounted);
        prop_assert_eq!(p.gross.0, undiscounted);
        prop_assert_eq!(p.lines.iter().map(|l| l.net.0).sum::<i64>(), p.total.0);
        prop_assert_eq!(p.gross.0 - p.applied.iter().map(|a| a.amount.0).sum::<i64>(), p.total.0);
        for l in &p.lines {
            prop_assert!(l.net.0 >= 0 && l.net <= l.gross);
        }
    }

    #[test]
    fn scanning_order_does_not_change_the_total(
        book in any_book(true), cart in any_cart(), order in any_order(), member in any_member(), seed in any::<u64>()
    ) {
        let mut shuffled = cart.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let a = price_for(&book, MON_NOON, member.as_deref(), &cart, order.as_ref()).unwrap();
        let b = price_for(&book, MON_NOON, member.as_deref(), &shuffled, order.as_ref()).unwrap();
        prop_assert_eq!(a.total, b.total);
        prop_assert_eq!(a.applied.len(), b.applied.len());
    }

    /// Without thresholds (满减, 一口价, 赠送): a threshold left behind gives its discount back, as it
    /// does at every till, so with them a removal can raise the total (see the test below).
    #[test]
    fn removing_an_item_never_raises_the_total(
        book in any_book(false), cart in any_cart(), order in any_order(), member in any_member(), pick in any::<prop::sample::Index>()
    ) {
        prop_assume!(!cart.is_empty());
        let mut less = cart.clone();
        less.remove(pick.index(cart.len()));
        let before = price_for(&book, MON_NOON, member.as_deref(), &cart, order.as_ref()).unwrap().total;
        let after = price_for(&book, MON_NOON, member.as_deref(), &less, order.as_ref()).unwrap().total;
        prop_assert!(after <= before, "{after:?} > {before:?}");
    }

    #[test]
    fn refunds_of_any_subset_of_lines_never_sum_to_more_than_was_paid(
        book in any_book(true), cart in any_cart(), order in any_order(), member in any_member(), subset in any::<u8>()
    ) {
        let p = price_for(&book, MON_NOON, member.as_deref(), &cart, order.as_ref()).unwrap();
        let refunded: i64 = p.lines.iter().enumerate().filter(|(i, _)| subset & (1 << i) != 0).map(|(_, l)| l.net.0).sum();
        prop_assert!(refunded <= p.total.0);
    }

    /// Member promotions only add candidates: without thresholds (which a lower net can miss), a
    /// member never pays more than a customer without one, for the same cart.
    #[test]
    fn a_member_never_pays_more_than_a_customer_without_one(
        book in any_book(false), cart in any_cart(), order in any_order(), member in any_member()
    ) {
        let with = price_for(&book, MON_NOON, member.as_deref(), &cart, order.as_ref()).unwrap().total;
        let without = price(&book, MON_NOON, &cart, order.as_ref()).unwrap().total;
        prop_assert!(with <= without, "{with:?} > {without:?}");
    }
}

#[test]
fn below_a_threshold_again_the_discount_is_given_back() {
    let book = Book::new(vec![promo(
        "m",
        "满100减10",
        Scope::All,
        Kind::Threshold { tiers: vec![(Fen(10_000), Fen(1_000))] },
    )]);
    assert_eq!(total(&book, &[line("x", 9_900, 1), line("y", 100, 1)]), Fen(9_000));
    assert_eq!(total(&book, &[line("x", 9_900, 1)]), Fen(9_900));
}

#[test]
fn member_prices_and_level_discounts_apply_only_with_a_member_of_that_level() {
    let mut special = promo("mp", "会员价", items(&["cola"]), Kind::Special { price: Fen(300) });
    special.window.member = Some(String::new());
    let mut gold = promo("gold", "金卡9折", Scope::All, Kind::PercentOff { off: 1000 });
    gold.window.member = Some("金卡".into());
    let mut drinks =
        promo("cat", "饮料会员8折", Scope::Categories(["饮料".to_string()].into()), Kind::PercentOff { off: 2000 });
    drinks.window.member = Some(String::new());
    let book = Book::new(vec![special, gold, drinks]);
    let mut tea = line("tea", 1_000, 1);
    tea.category = "饮料".into();
    let cart = [line("cola", 350, 2), line("chips", 1_000, 1), tea];
    let at = |member: Option<&str>| price_for(&book, MON_NOON, member, &cart, None).unwrap();
    // No member: nothing off.
    assert_eq!(at(None).total, Fen(2_700));
    assert!(at(None).applied.is_empty());
    // A member without a level: the member price on cola (0.50 × 2) and 8折 on the drink (2.00).
    let p = at(Some(""));
    assert_eq!(p.total, Fen(2_400));
    let names: Vec<&str> = p
        .applied
        .iter()
        .map(|a| match &a.source {
            Source::Promotion { name, .. } => name.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(names, vec!["饮料会员8折", "会员价"]);
    // A gold member: 金卡9折 joins, each item still takes only its best (chips 1.00 off; cola keeps
    // its member price, 1.00 > 0.70; tea keeps 8折).
    let p = at(Some("金卡"));
    assert_eq!(p.total, Fen(2_300));
    assert_eq!(p.applied.len(), 3);
    // The same cart prices the same every time.
    assert_eq!(at(Some("金卡")), p);
}
