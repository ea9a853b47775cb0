//! How values are kept: JSON, and for the big ones (orders, outbox records) JSON deflated.
//!
//! An order's JSON is ~0.8 KiB and its outbox record ~1.2 KiB; deflated (zlib, level 6) they are
//! about half. That is what keeps the file within 1.5 × the size of its export at 100,000 orders
//! (docs/store.md): redb doubles its file as it grows, so the data must stay well below the export.
//! A packed value is the tag byte [`DEFLATED`] then the zlib stream, whose Adler-32 catches a
//! damaged value that redb's page checksums did not (a value written wrong, not torn). A value
//! starting with `{` is plain JSON (meta, and anything written before packing).

use super::StoreError;
use miniz_oxide::deflate::core::{
    CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params,
};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::cell::RefCell;

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
    COMPRESSOR.with(|compressor| {
        let mut compressor = compressor.borrow_mut();
        compressor.reset();
        deflate_with(&mut compressor, json)
    })
}

/// zlib at level 6.
const LEVEL: u8 = 6;

thread_local! {
    /// One compressor per thread, reset for each value: a new one is ~300 KiB of tables, which
    /// made every save allocate, zero and give back that much (page faults and `brk` calls were
    /// a third of a save's time on a fast disk: docs/performance.md, durable commit).
    static COMPRESSOR: RefCell<Box<CompressorOxide>> = RefCell::new(Box::new(CompressorOxide::new(
        create_comp_flags_from_zip_params(LEVEL.into(), ZLIB_WINDOW_BITS, 0),
    )));
}

/// Window bits > 0: the zlib wrapper (header and Adler-32), as `compress_to_vec_zlib` writes.
const ZLIB_WINDOW_BITS: i32 = 15;

/// The tag byte then `json` deflated with `compressor` (freshly reset) to its end.
fn deflate_with(compressor: &mut CompressorOxide, whole: &[u8]) -> Vec<u8> {
    let mut json = whole;
    let mut out = vec![0; 1 + (json.len() / 2).max(64)];
    out[0] = DEFLATED;
    let mut at = 1;
    loop {
        let (status, read, written) = compress(compressor, json, &mut out[at..], TDEFLFlush::Finish);
        at += written;
        json = json.get(read..).unwrap_or_default();
        match status {
            TDEFLStatus::Done => {
                out.truncate(at);
                return out;
            }
            TDEFLStatus::Okay => {
                if out.len() - at < 64 {
                    out.resize(out.len() * 2, 0);
                }
            }
            // Only a bad parameter or a callback failure, neither possible here: start over with
            // a compressor of its own, which is what `compress_to_vec_zlib` does.
            _ => {
                let mut fresh = vec![DEFLATED];
                fresh.extend(miniz_oxide::deflate::compress_to_vec_zlib(whole, LEVEL));
                return fresh;
            }
        }
    }
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
    fn the_reused_compressor_writes_what_a_fresh_one_writes() {
        // Sizes around and far beyond the first output buffer, one after another on one thread.
        for (n, text) in
            [0usize, 1, 100, 700, 5_000, 200_000].into_iter().zip(["a", "可乐", "{\"x\":1}"].iter().cycle())
        {
            let json: Vec<u8> = text.as_bytes().iter().copied().cycle().take(n).collect();
            let mut expected = vec![DEFLATED];
            expected.extend(miniz_oxide::deflate::compress_to_vec_zlib(&json, LEVEL));
            assert_eq!(pack_json(&json), expected, "{n} bytes");
            assert_eq!(unpack("t", &pack_json(&json)).expect("inflates").as_ref(), json.as_slice());
        }
    }

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
