//! Reads the platform's XML answers (reference §4–§5) into a flat [`Answer`]: the root element's
//! attributes, the `<ok>` child, the `<pay …/>` movements of a read-bill answer, and the first
//! `<printinfo>`. The WPF `<Canvas>` popup (§7) is skipped unread. What the fields mean for the money
//! is decided in [`super::proto`].

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;

/// The deepest nesting accepted; the reference's answers are 4 deep (dm/paylist/pay/printinfo).
const MAX_DEPTH: usize = 16;
/// The most `<pay>` movements read from one bill.
const MAX_PAYS: usize = 256;

/// Why an answer could not be read. Every one means "no trustworthy answer" (result unknown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The bytes are not UTF-8.
    #[error("answer is not UTF-8")]
    NotUtf8,
    /// Not well-formed XML, or an attribute given twice.
    #[error("malformed XML: {0}")]
    Malformed(String),
    /// No root element at all (empty body, plain text, an HTML fragment without tags…).
    #[error("no XML element in the answer")]
    Empty,
    /// Nested deeper than [`MAX_DEPTH`], more than [`MAX_PAYS`] movements, or a second root.
    #[error("answer shaped unlike any platform answer")]
    Shape,
}

/// One answer as read, before interpretation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    /// `dm`, `device`, `config`, `time`.
    pub root: String,
    pub attrs: BTreeMap<String, String>,
    /// The text of a `<ok>` child of the root, which duplicates the `ok` attribute.
    pub ok_child: Option<String>,
    /// The attributes of each `<pay …>` child of the root (read bill: one per money movement).
    pub pays: Vec<BTreeMap<String, String>>,
    /// The first `<printinfo>`'s text, entities decoded, escapes like `\x1b` left as text.
    pub printinfo: Option<String>,
}

impl Answer {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
}

fn malformed(e: impl std::fmt::Display) -> XmlError {
    XmlError::Malformed(e.to_string())
}

fn attributes(e: &BytesStart<'_>) -> Result<BTreeMap<String, String>, XmlError> {
    let mut out = BTreeMap::new();
    for attr in e.attributes() {
        let attr = attr.map_err(malformed)?;
        let name = std::str::from_utf8(attr.key.as_ref()).map_err(|_| XmlError::NotUtf8)?.to_string();
        let value = attr.unescape_value().map_err(malformed)?.into_owned();
        if out.insert(name, value).is_some() {
            return Err(XmlError::Malformed("attribute given twice".into()));
        }
    }
    Ok(out)
}

/// Where text currently goes.
#[derive(PartialEq, Eq)]
enum Collect {
    Nothing,
    Ok,
    PrintInfo,
}

pub fn parse(bytes: &[u8]) -> Result<Answer, XmlError> {
    let text = std::str::from_utf8(bytes).map_err(|_| XmlError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut answer = Answer::default();
    // Names of the open elements, root first.
    let mut open: Vec<String> = Vec::new();
    let mut seen_root = false;
    let mut collect = Collect::Nothing;
    let mut collected = String::new();
    loop {
        let event = reader.read_event().map_err(malformed)?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = std::str::from_utf8(e.name().as_ref()).map_err(|_| XmlError::NotUtf8)?.to_string();
                if open.is_empty() {
                    if seen_root {
                        return Err(XmlError::Shape);
                    }
                    seen_root = true;
                    answer.root = name.clone();
                    answer.attrs = attributes(e)?;
                } else if name == "Canvas" {
                    if !empty {
                        reader.read_to_end(e.name()).map_err(malformed)?;
                    }
                    continue;
                } else if open.len() == 1 && name == "pay" {
                    if answer.pays.len() >= MAX_PAYS {
                        return Err(XmlError::Shape);
                    }
                    let attrs = attributes(e)?;
                    if !attrs.is_empty() {
                        answer.pays.push(attrs);
                    }
                } else if open.len() == 1 && name == "ok" && !empty {
                    collect = Collect::Ok;
                    collected.clear();
                } else if name == "printinfo" && answer.printinfo.is_none() {
                    if empty {
                        answer.printinfo = Some(String::new());
                    } else {
                        collect = Collect::PrintInfo;
                        collected.clear();
                    }
                }
                if !empty {
                    open.push(name);
                    if open.len() > MAX_DEPTH {
                        return Err(XmlError::Shape);
                    }
                }
            }
            Event::End(_) => {
                let name = open.pop().unwrap_or_default();
                match (&collect, name.as_str()) {
                    (Collect::Ok, "ok") => answer.ok_child = Some(std::mem::take(&mut collected)),
                    (Collect::PrintInfo, "printinfo") => answer.printinfo = Some(std::mem::take(&mut collected)),
                    _ => continue,
                }
                collect = Collect::Nothing;
            }
            Event::Text(t) if collect != Collect::Nothing => {
                collected.push_str(&t.unescape().map_err(malformed)?);
            }
            Event::CData(c) if collect != Collect::Nothing => {
                collected.push_str(&c.decode().map_err(malformed)?);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(XmlError::Empty);
    }
    if !open.is_empty() {
        return Err(XmlError::Malformed("unclosed element".into()));
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The read-bill answer after one refund (reference §4.7).
    const READ: &str = r#"<dm ok="1" dm_id="dm2032972220" pay_type="微信支付" pay_total="0.02" pay_time="2018-04-21 20:29:21" no=""
    refund_total="-0.01">
  <pay pay_type="4" pay_name="微信支付" pay_total="0.02"  pay_time="2018-04-21 20:29:21" pay_id="4200000060201804213014837189" />
  <pay pay_type="4" pay_name="微信支付" pay_total="-0.01" pay_time="2018-04-21 20:38:55" pay_id="dm20329722201524314334" />
</dm>"#;

    #[test]
    fn reads_the_read_bill_answer() {
        let a = parse(READ.as_bytes()).expect("parses");
        assert_eq!(a.root, "dm");
        assert_eq!(a.attr("refund_total"), Some("-0.01"));
        assert_eq!(a.attr("no"), Some(""));
        assert_eq!(a.pays.len(), 2);
        assert_eq!(a.pays[1].get("pay_id").map(String::as_str), Some("dm20329722201524314334"));
    }

    #[test]
    fn reads_the_full_micropay_answer_and_skips_the_canvas() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<dm ok=\"1\" total=\"0.01\" dm_id=\"dm2032288236\" no=\"\">\
<ok>1</ok><paylist><pay>\\x1b\\x74\\x00<id>2032288236</id><total_fee>1</total_fee>\
<printinfo>\\x1b\\x40微信支付\n&amp;\\x1B\\x69</printinfo></pay></paylist>\
<Canvas Height=\"170\" xmlns=\"http://schemas.microsoft.com/winfx/2006/xaml/presentation\"><TextBlock Text=\"x\"/><printinfo>no</printinfo><ok>0</ok></Canvas></dm>";
        let a = parse(xml.as_bytes()).expect("parses");
        assert_eq!(a.ok_child.as_deref(), Some("1"));
        assert_eq!(a.printinfo.as_deref(), Some("\\x1b\\x40微信支付\n&\\x1B\\x69"));
        assert!(a.pays.is_empty(), "the paylist's <pay> is not a movement");
    }

    #[test]
    fn refuses_what_is_not_one_answer() {
        assert_eq!(parse(b""), Err(XmlError::Empty));
        assert_eq!(parse(b"just text"), Err(XmlError::Empty));
        assert_eq!(parse(b"\xff\xfe<dm/>"), Err(XmlError::NotUtf8));
        assert!(matches!(parse(b"<dm ok=\"1\" ok=\"0\"/>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse(b"<dm ok=\"1\"><x></dm>"), Err(XmlError::Malformed(_))));
        assert!(matches!(parse(b"<dm ok=\"1\">"), Err(XmlError::Malformed(_))));
        assert_eq!(parse(b"<dm ok=\"1\"/><dm ok=\"0\"/>"), Err(XmlError::Shape));
        let deep = format!("<dm>{}{}</dm>", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        assert_eq!(parse(deep.as_bytes()), Err(XmlError::Shape));
    }
}
