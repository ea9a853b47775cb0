//! Opening the store directory: the redb file is checked before it is opened for writing, and
//! anything the till cannot vouch for is refused with the files left exactly as they are.
//!
//! - The sled store of an earlier build (`conf`, `db`, `snap.*` in the directory) is refused, not
//!   read, converted or removed; `till export` with that build carries its data over.
//! - An existing `orders.redb` is checked first on a copy-on-write view (`redb_check.rs`): a file
//!   truncated, zeroed, overwritten or failing a checksum is refused as damaged, one of a newer
//!   schema as newer, and only then is it opened for writing (redb repairs one a till was killed
//!   writing: a commit cut during its sync fails its checksums and the one before it is taken,
//!   see `commit_settings` in `redb_store.rs`).
//! - A new store is built as `orders.redb.new` and renamed into place once its schema is durable,
//!   so an `orders.redb` that is empty or not a redb file is always damage, never a fresh start.
//! - The order log `orders.wal` (`wal.rs`) is opened once the store file is, and its records
//!   newer than the store's mark are applied in one synced commit. A log found without its store
//!   file belongs to no store: it is renamed `orders.wal.orphaned`, not applied to a new one.
//! - redb locks the file (open-file-description locks, released by the kernel when the process
//!   dies, so a till restarted after a kill or a power cut opens at once): a lock held for more
//!   than two seconds is another till running.

use super::redb_check::DryRun;
use super::redb_store::{
    META, NUMBERS, ORDERS, OUTBOX, OUTBOX_DONE, OUTBOX_KEYS, RECORDS, RedbStore, SCHEMA, UNSETTLED,
};
use super::redb_wal::{LOG_FILE_NAME, held_in, open_log, read_saves};
use super::wal::Mark;
use super::{SCHEMA_VERSION, StoreError};
use redb::{Builder, Database, DatabaseError, ReadableDatabase, StorageError, TableError};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

/// The store file inside the store directory.
pub const FILE_NAME: &str = "orders.redb";
const NEW_FILE_NAME: &str = "orders.redb.new";

/// redb's page cache. Its default is 1 GiB; the till's whole budget is 20–32 MiB, and the hot part
/// of the store (open orders, the outbox, the newest pages of each table) is small.
pub(super) const CACHE_BYTES: usize = 4 << 20;

/// The check reads every page once: a cache only costs time there, and its memory stays in the
/// process's RSS after the check (measured at 100,000 orders: 4 MiB gives 7.3 MiB RSS, 64 KiB 3.3).
const CHECK_CACHE_BYTES: usize = 64 << 10;

/// How long a lock held by someone else is waited for before it counts as another till running
/// (a till restarted by systemd may start while the old process is still being reaped).
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// The sled files an earlier build kept in the store directory.
fn sled_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n == "conf" || n == "db" || n.starts_with("snap."))
        .collect();
    found.sort();
    found
}

impl RedbStore {
    /// Opens (or creates) the store in the directory `dir`.
    pub fn open(dir: &Path) -> Result<RedbStore, StoreError> {
        if !sled_files(dir).is_empty() {
            return Err(StoreError::OldSled { path: dir.to_path_buf() });
        }
        std::fs::create_dir_all(dir).map_err(|e| open_error(dir, e.into()))?;
        let file = dir.join(FILE_NAME);
        let (held, trusted) = if std::fs::symlink_metadata(&file).is_err() {
            create(dir, &file)?;
            (Mark::default(), false)
        } else {
            // The full check only when the last close was not clean (`redb_clean.rs`).
            let trusted = super::redb_clean::matches(dir, &file);
            let held = check(&file, !trusted)?;
            if trusted {
                super::redb_clean::remove(dir).map_err(|e| open_error(dir, e.into()))?;
            }
            (held, trusted)
        };
        // The log is read (and each of its saves decoded) before the store is opened for writing.
        let log = dir.join(LOG_FILE_NAME);
        let (wal, records) = open_log(dir, held).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => damaged(&log, e.to_string()),
            _ => open_error(&log, e.into()),
        })?;
        // Only what redb lacks is decoded (and applied): after a clean stop, nothing.
        let saves = read_saves(records.into_iter().filter(|r| r.mark > held).collect(), &log)?;
        let db = retry_locked(&file, || Builder::new().set_cache_size(CACHE_BYTES).open(&file))?;
        // Members' PIN hashes and code secrets live here: the files are the till's user's only.
        // (Not fatal: a store opened by another user for reading is left as it is.)
        if let Err(e) = owner_only(&file).and_then(|()| owner_only(&log)) {
            tracing::warn!(error = %e, "the store's files could not be made the owner's only");
        }
        match schema_of(&db) {
            Ok(Some(SCHEMA_VERSION)) => {}
            Ok(Some(found)) if found > SCHEMA_VERSION => return Err(StoreError::NewerSchema { found }),
            Ok(other) => return Err(damaged(&file, format!("schema {other:?}: not a store this till wrote"))),
            Err(e) => return Err(damaged(&file, e.to_string())),
        }
        let on_close = super::redb_clean::OnClose::new(dir, &file, trusted);
        let store = RedbStore { db: RwLock::new(db), file, wal: Mutex::new(wal), on_close };
        store.replay(&mut store.log(), saves)?;
        super::redb_stock::finish_due(&store)?;
        Ok(store)
    }
}

/// Read and write for the owner only (0600).
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if mode != 0o600 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

fn open_error(path: &Path, source: redb::Error) -> StoreError {
    StoreError::Open { path: path.to_path_buf(), source }
}

fn damaged(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::Damaged { path: path.to_path_buf(), reason: reason.into() }
}

/// Runs `open` until it does not find the file locked, for up to [`LOCK_WAIT`].
fn retry_locked<T>(file: &Path, open: impl Fn() -> Result<T, DatabaseError>) -> Result<T, StoreError> {
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match open() {
            Err(DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch) => {
                if Instant::now() >= deadline {
                    return Err(StoreError::Locked { path: file.to_path_buf() });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(DatabaseError::Storage(StorageError::Corrupted(reason))) => return Err(damaged(file, reason)),
            Err(DatabaseError::Storage(StorageError::Io(e))) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(damaged(file, e.to_string()));
            }
            Err(e) => return Err(open_error(file, e.into())),
            Ok(t) => return Ok(t),
        }
    }
}

/// The check of an existing store file with nothing written to it (see `redb_check.rs`): `full`,
/// every page's checksum (the whole file read); otherwise (the last close was clean and nothing
/// changed the file since) its header, schema and mark only. Returns the mark of the last
/// order-log record its synced state holds.
fn check(file: &Path, full: bool) -> Result<Mark, StoreError> {
    let started = Instant::now();
    let db = retry_locked(file, || {
        // Opened for writing only because an exclusive lock needs it; the view never writes.
        let f = std::fs::OpenOptions::new().read(true).write(true).open(file)?;
        // A file too short to hold even redb's header is damage; redb would take it for a new one.
        if f.metadata()?.len() < 512 {
            return Err(DatabaseError::Storage(StorageError::Corrupted(format!(
                "{} bytes: too short to be a store",
                f.metadata()?.len()
            ))));
        }
        let view = DryRun::new(f)?;
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Builder::new().set_cache_size(CHECK_CACHE_BYTES).set_check_integrity_on_open(full).create_with_backend(view)
        }));
        opened.unwrap_or_else(|panic| {
            let what =
                panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            Err(DatabaseError::Storage(StorageError::Corrupted(
                what.unwrap_or_else(|| "redb gave up reading it".into()),
            )))
        })
    })?;
    let schema = schema_of(&db);
    let held = held_in(&db);
    drop(db);
    tracing::info!(file = %file.display(), full, ms = started.elapsed().as_millis() as u64, "order store checked");
    match schema {
        Ok(Some(found)) if found > SCHEMA_VERSION => Err(StoreError::NewerSchema { found }),
        Ok(Some(_)) => held.map_err(|e| damaged(file, e.to_string())),
        Ok(None) => Err(damaged(file, "no schema: not a till order store")),
        Err(e) => Err(damaged(file, e.to_string())),
    }
}

/// The schema number in `meta`, `None` without one (or without the table).
fn schema_of(db: &Database) -> Result<Option<u32>, StoreError> {
    let txn = db.begin_read()?;
    let meta = match txn.open_table(META) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let Some(v) = meta.get(SCHEMA)? else { return Ok(None) };
    let found: u32 = serde_json::from_slice(v.value())
        .map_err(|e| StoreError::Corrupt { key: "meta/schema".into(), reason: e.to_string() })?;
    Ok(Some(found))
}

/// Builds a new store beside its final name and renames it into place once durable.
fn create(dir: &Path, file: &Path) -> Result<(), StoreError> {
    let new: PathBuf = dir.join(NEW_FILE_NAME);
    // A leftover of a creation cut short: never a store yet (it is renamed only once complete).
    match std::fs::remove_file(&new) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(open_error(&new, e.into())),
        _ => {}
    }
    // An order log without its store file is another store's: kept aside, never applied to this one.
    let log = dir.join(LOG_FILE_NAME);
    if std::fs::symlink_metadata(&log).is_ok() {
        let aside = dir.join(format!("{LOG_FILE_NAME}.orphaned"));
        tracing::warn!(log = %log.display(), kept = %aside.display(), "an order log without its store file: set aside");
        std::fs::rename(&log, &aside).map_err(|e| open_error(&log, e.into()))?;
    }
    let db = retry_locked(&new, || Builder::new().set_cache_size(CACHE_BYTES).create(&new))?;
    let mut txn = db.begin_write()?;
    super::redb_store::commit_settings(&mut txn)?;
    {
        // Every table exists from the start, so a read never finds one missing.
        txn.open_table(ORDERS)?;
        txn.open_table(UNSETTLED)?;
        txn.open_table(NUMBERS)?;
        txn.open_table(OUTBOX)?;
        txn.open_table(OUTBOX_KEYS)?;
        txn.open_table(OUTBOX_DONE)?;
        txn.open_table(RECORDS)?;
        let schema = serde_json::to_vec(&SCHEMA_VERSION).map_err(|e| damaged(&new, e.to_string()))?;
        txn.open_table(META)?.insert(SCHEMA, schema.as_slice())?;
    }
    txn.commit()?;
    db.close()?;
    std::fs::File::open(&new)?.sync_all()?;
    std::fs::rename(&new, file)?;
    std::fs::File::open(dir)?.sync_all()?;
    tracing::info!(file = %file.display(), schema = SCHEMA_VERSION, "new order store");
    Ok(())
}
