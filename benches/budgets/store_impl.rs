//! The only lines of the bench that name the store's implementation. Moving the store (sled →
//! redb) changes this file and nothing else: the rows use the `Store` trait and these helpers.

use std::path::Path;
use std::sync::Arc;
use till::store::{RedbStore, Store};

/// What the table calls the store.
pub const STORE_NAME: &str = "redb behind the order log (orders.wal)";

/// Opens (or creates) the store at `dir`, as the till does (`data_dir/store`).
pub fn open_store(dir: &Path) -> anyhow::Result<Arc<dyn Store>> {
    Ok(Arc::new(RedbStore::open(dir)?))
}

/// The size of `till export` of the store at `dir` (the JSON-lines export), in bytes.
pub fn export_size(dir: &Path) -> anyhow::Result<u64> {
    let store = RedbStore::open(dir)?;
    let mut out = Counting(0);
    store.export(&mut out)?;
    Ok(out.0)
}

/// Compacts the store at `dir` (redb gives freed pages back to the file system only when asked).
pub fn compact(dir: &Path) -> anyhow::Result<Option<()>> {
    let store = RedbStore::open(dir)?;
    store.compact_if_sparse()?;
    Ok(Some(()))
}

/// Removes the store's clean-close marker, as a killed till or a power cut leaves none: the next
/// open runs the full integrity check (`store/redb_clean.rs`).
pub fn forget_clean_close(dir: &Path) -> anyhow::Result<()> {
    std::fs::remove_file(dir.join("orders.clean"))?;
    Ok(())
}

/// Counts what is written to it.
struct Counting(u64);

impl std::io::Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
