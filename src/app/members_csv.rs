//! Members as CSV (UTF-8, RFC 4180 quoting, header `id,name,phone,card,level,points`), read all or
//! nothing: the first malformed row is reported with its line number and why. The file holds
//! phone numbers in full: it is the shop's own list, never logged.

use super::catalogue_csv::{quote, records};
use crate::core::members::{Member, Phone};
use std::collections::BTreeMap;

pub const HEADER: &str = "id,name,phone,card,level,points";

/// Why a row is refused (its line number travels beside it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the first line must be the header {0}")]
    Header(String),
    #[error("{0} fields, expected 6 (id,name,phone,card,level,points)")]
    FieldCount(usize),
    #[error("{0}")]
    Csv(String),
    #[error("the member number is empty, too long or not letters and digits")]
    BadId,
    #[error("the name is empty, has control characters or is longer than 32 characters")]
    BadName,
    /// The number itself is not repeated: it is personal data.
    #[error("the phone is not an 11-digit mobile number")]
    BadPhone,
    #[error("the card barcode is too long or has characters a barcode cannot")]
    BadCard,
    #[error("the level is longer than 16 characters")]
    BadLevel,
    #[error("points {0:?} is not a whole number of 0 or more")]
    Points(String),
    #[error("member {0} is already on line {1}")]
    DuplicateId(String, usize),
    #[error("the same phone number is on line {0}")]
    DuplicatePhone(usize),
    #[error("card {0} is already on line {1}")]
    DuplicateCard(String, usize),
}

/// A malformed file: the line (1 = the header) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct MemberCsvError {
    pub line: usize,
    pub problem: Problem,
}

fn err(line: usize, problem: Problem) -> MemberCsvError {
    MemberCsvError { line, problem }
}

/// Checks one member's fields (a row of a file, or a member entered at the till).
pub fn check(m: &Member) -> Result<(), Problem> {
    let id_ok = !m.id.is_empty() && m.id.len() <= 20 && m.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !id_ok {
        return Err(Problem::BadId);
    }
    if m.name.trim().is_empty() || m.name.chars().any(char::is_control) || m.name.chars().count() > 32 {
        return Err(Problem::BadName);
    }
    let card_ok = m.card.len() <= 32 && m.card.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !card_ok {
        return Err(Problem::BadCard);
    }
    if m.level.chars().any(char::is_control) || m.level.chars().count() > 16 {
        return Err(Problem::BadLevel);
    }
    if m.points < 0 {
        return Err(Problem::Points(m.points.to_string()));
    }
    Ok(())
}

/// Reads a whole file: the members with the line each is on.
pub fn parse(text: &str) -> Result<Vec<(usize, Member)>, MemberCsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut recs = records(text).map_err(|e| err(e.line, Problem::Csv(e.problem.to_string())))?.into_iter();
    match recs.next() {
        Some((_, h)) if h.iter().map(|f| f.trim().to_ascii_lowercase()).collect::<Vec<_>>().join(",") == HEADER => {}
        _ => return Err(err(1, Problem::Header(HEADER.into()))),
    }
    let (mut ids, mut phones, mut cards) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut out = Vec::new();
    for (line, fields) in recs {
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let [id, name, phone, card, level, points] =
            <[String; 6]>::try_from(fields).map_err(|f| err(line, Problem::FieldCount(f.len())))?;
        let phone = Phone::parse(phone.trim()).ok_or_else(|| err(line, Problem::BadPhone))?;
        let points = match points.trim() {
            "" => 0,
            p => p.parse::<i64>().map_err(|_| err(line, Problem::Points(p.into())))?,
        };
        let member = Member {
            id: id.trim().to_string(),
            name: name.trim().to_string(),
            phone,
            card: card.trim().to_string(),
            level: level.trim().to_string(),
            points,
        };
        check(&member).map_err(|p| err(line, p))?;
        if let Some(first) = ids.insert(member.id.clone(), line) {
            return Err(err(line, Problem::DuplicateId(member.id, first)));
        }
        if let Some(first) = phones.insert(member.phone.clone(), line) {
            return Err(err(line, Problem::DuplicatePhone(first)));
        }
        if !member.card.is_empty()
            && let Some(first) = cards.insert(member.card.clone(), line)
        {
            return Err(err(line, Problem::DuplicateCard(member.card, first)));
        }
        out.push((line, member));
    }
    Ok(out)
}

/// Writes members (in the order given) under the header.
pub fn write(members: &[Member]) -> String {
    let mut out = format!("{HEADER}\n");
    for m in members {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            quote(&m.id),
            quote(&m.name),
            m.phone.digits(),
            quote(&m.card),
            quote(&m.level),
            m.points
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "id,name,phone,card,level,points\n\
        M0001,张三,13812345678,VIP0001,金卡,120\n\
        M0002,\"Li, Si\",139-0000-1111,,普通会员,\n";

    #[test]
    fn reads_members_and_writes_them_back_the_same() {
        let rows = parse(GOOD).expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.phone.digits(), "13812345678");
        assert_eq!(rows[1].1.name, "Li, Si");
        assert_eq!(rows[1].1.phone.digits(), "13900001111");
        assert_eq!(rows[1].1.points, 0);
        let members: Vec<Member> = rows.into_iter().map(|(_, m)| m).collect();
        let text = write(&members);
        let again: Vec<Member> = parse(&text).expect("again").into_iter().map(|(_, m)| m).collect();
        assert_eq!(again, members);
    }

    #[test]
    fn a_bad_row_names_its_line_and_never_repeats_a_phone_number() {
        let cases = [
            ("name,id\n", 1, "header"),
            ("id,name,phone,card,level,points\nM1,A,1381234567,,,\n", 2, "11-digit"),
            ("id,name,phone,card,level,points\nM1,A,13812345678,,,\nM2,B,13812345678,,,\n", 3, "line 2"),
            ("id,name,phone,card,level,points\nM1,A,13812345678,C1,,\nM1,B,13812345679,,,\n", 3, "M1"),
            ("id,name,phone,card,level,points\nM1,A,13812345678,C1,,\nM2,B,13812345679,C1,,\n", 3, "C1"),
            ("id,name,phone,card,level,points\nM1,A,13812345678,,,-5\n", 2, "points"),
            ("id,name,phone,card,level,points\nM1,,13812345678,,,\n", 2, "name"),
            ("id,name,phone,card,level,points\nM1,A,13812345678,,\n", 2, "5 fields"),
        ];
        for (text, line, says) in cases {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, line, "{text}: {e}");
            let shown = e.to_string();
            assert!(shown.contains(says), "{shown}");
            assert!(!shown.contains("13812345678") && !shown.contains("1381234567,"), "{shown}");
        }
    }
}
