//! The two pieces of arithmetic every discount uses: a percentage of an amount, rounded half up to
//! the fen, and an amount spread over lines by largest remainder. Integers only.

use super::super::money::Fen;

/// Basis points: hundredths of a percent; `10_000` is 100 %. 8折 (pay 80 %) is 2,000 off.
pub type Bp = u32;

/// All of an amount.
pub const WHOLE: Bp = 10_000;

/// `bp` of `amount`, rounded half up to the fen. `None` for a negative amount or more than 100 %.
pub fn percent_of(amount: Fen, bp: Bp) -> Option<Fen> {
    if amount.0 < 0 || bp > WHOLE {
        return None;
    }
    let x = i128::from(amount.0) * i128::from(bp) + i128::from(WHOLE / 2);
    i64::try_from(x / i128::from(WHOLE)).ok().map(Fen)
}

/// Spreads `amount` over `weights` in proportion, by largest remainder: each share is the floor of
/// its exact part, and the fen left over go one each to the largest fractional parts (ties: the
/// larger weight, then the earlier line). Shares sum to `amount` exactly and none is above its
/// weight. `None` if a weight is negative or `amount` is negative or above the weights' sum.
pub fn spread(amount: Fen, weights: &[Fen]) -> Option<Vec<Fen>> {
    let sum = weights.iter().try_fold(0i64, |s, w| if w.0 < 0 { None } else { s.checked_add(w.0) })?;
    if amount.0 < 0 || amount.0 > sum {
        return None;
    }
    if sum == 0 {
        return Some(vec![Fen::ZERO; weights.len()]);
    }
    let (total, sum) = (i128::from(amount.0), i128::from(sum));
    let mut shares = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    let mut given = 0i128;
    for (i, w) in weights.iter().enumerate() {
        let exact = total * i128::from(w.0);
        let floor = exact / sum;
        given += floor;
        shares.push(floor as i64);
        rems.push((exact % sum, w.0, i));
    }
    let left = (total - given) as usize;
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for &(_, _, i) in rems.iter().take(left) {
        shares[i] += 1;
    }
    Some(shares.into_iter().map(Fen).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentage_rounds_half_up_to_the_fen() {
        // 10 % of 0.05 yuan is 0.5 fen: half up makes it 1 fen; 10 % of 0.04 is 0.4: 0 fen.
        assert_eq!(percent_of(Fen(5), 1000), Some(Fen(1)));
        assert_eq!(percent_of(Fen(4), 1000), Some(Fen(0)));
        assert_eq!(percent_of(Fen(999), 1500), Some(Fen(150))); // 149.85 → 150
        assert_eq!(percent_of(Fen(100), WHOLE), Some(Fen(100)));
        assert_eq!(percent_of(Fen(100), WHOLE + 1), None);
        assert_eq!(percent_of(Fen(-1), 10), None);
    }

    #[test]
    fn an_amount_is_spread_by_largest_remainder_and_sums_exactly() {
        // 10 fen over 1 : 1 : 1 is 3.33 each: the one fen left goes to the first of the ties.
        assert_eq!(spread(Fen(10), &[Fen(100), Fen(100), Fen(100)]), Some(vec![Fen(4), Fen(3), Fen(3)]));
        // 10 fen over 50 : 30 : 20 → 5 : 3 : 2 exactly.
        assert_eq!(spread(Fen(10), &[Fen(50), Fen(30), Fen(20)]), Some(vec![Fen(5), Fen(3), Fen(2)]));
        // 4 over 3 : 1 : 1 is 2.4, 0.8, 0.8: the two fen left go to the 0.8s.
        assert_eq!(spread(Fen(4), &[Fen(3), Fen(1), Fen(1)]), Some(vec![Fen(2), Fen(1), Fen(1)]));
        assert_eq!(spread(Fen(0), &[Fen(0), Fen(0)]), Some(vec![Fen(0), Fen(0)]));
        assert_eq!(spread(Fen(3), &[Fen(1), Fen(1)]), None);
    }
}
