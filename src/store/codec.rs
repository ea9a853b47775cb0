//! How values are kept: JSON, and for the big ones (orders, outbox records) JSON deflated.
//!
//! An order's JSON is ~0.8 KiB and its outbox record ~1.2 KiB; deflated (zlib, level 6) they are
//! about half. That is what keeps the file within 1.5 × the size of its export at 100,000 orders
//! (docs/store.md): redb doubles its file as it grows, so the data must stay well below the export.
//! A packed value is the tag byte [`DEFLATED`] then the zlib stream, whose Adler-32 catches a
//! damaged value that redb's page checksums did not (a value written wrong, not torn). A value
//! starting with `{` is plain JSON (meta, and anything written before packing).

use super::StoreError;
use serde::de::DeserializeOwned;
use std::borrow::Cow;

/// The tag of a deflated value; never the first byte of JSON text.
const DEFLATED: u8 = 0x01;
/// No value the till writes comes near this; a damaged length cannot make one allocate more.
const MAX_VALUE: usize = 16 << 20;

/// JSON, plain: for small values read by people with a hex dump (meta, counters).
pub(super) fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt { key: "(encoding)".into(), reason: e.to_string() })
}

/// JSON, deflated: for orders and outbox records.
pub(super) fn pack<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    Ok(pack_json(&encode(value)?))
}

pub(super) fn pack_json(json: &[u8]) -> Vec<u8> {
    let mut out = vec![DEFLATED];
    out.extend(miniz_oxide::deflate::compress_to_vec_zlib(json, 6));
    out
}

/// The JSON text of a stored value, packed or plain. `key` names it in the error.
pub(super) fn unpack<'a>(key: &str, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, StoreError> {
    match bytes.split_first() {
        Some((&DEFLATED, rest)) => miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(rest, MAX_VALUE)
            .map(Cow::Owned)
            .map_err(|e| StoreError::Corrupt { key: key.to_string(), reason: format!("does not inflate: {e}") }),
        _ => Ok(Cow::Borrowed(bytes)),
    }
}

/// A stored value, packed or plain, decoded. `key` names it in the error.
pub(super) fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(&unpack(key, bytes)?)
        .map_err(|e| StoreError::Corrupt { key: key.to_string(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_values_come_back_smaller_and_damage_is_reported() {
        let line = serde_json::json!({"barcode": "6900138600889", "name": "可口可乐", "unit_price": 350});
        let value = serde_json::json!({ "lines": vec![line; 8] });
        let packed = pack(&value).expect("pack");
        assert!(packed.len() * 2 < encode(&value).expect("json").len(), "at least halved");
        assert_eq!(decode::<serde_json::Value>("orders/1", &packed).expect("decode"), value);
        assert_eq!(decode::<serde_json::Value>("meta/x", br#"{"a":1}"#).expect("plain"), serde_json::json!({"a": 1}));
        let mut damaged = packed.clone();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x40;
        let e = decode::<serde_json::Value>("orders/1", &damaged).expect_err("damaged");
        assert!(matches!(&e, StoreError::Corrupt { key, .. } if key == "orders/1"), "{e}");
        assert!(decode::<serde_json::Value>("orders/1", b"{not json").is_err());
        assert!(decode::<serde_json::Value>("orders/1", &[DEFLATED]).is_err());
    }
}
