//! A power cut in the middle of a commit, simulated below redb: the store runs on a disk kept in
//! memory that persists a write only when it is synced. The power goes at each sync of a commit
//! (or just after the commit returned); what reaches the platter is everything synced before plus
//! any subset of the 512-byte sectors written since (a disk may persist them in any order). The
//! image is then opened as the till opens its store (`RedbStore::open`: check, then repair):
//! every commit that returned is there, the one cut short is there whole or not at all, and the
//! store is never refused as damaged.

use super::*;
use crate::core::money::Fen;
use crate::core::order::{Line, OrderStatus};
use crate::store::FILE_NAME;
use crate::store::LOG_FILE_NAME;
use crate::store::wal::{CAPACITY, LogFile, PAGE, Wal};
use crate::store::{Put, Table};
use redb::{Builder, StorageBackend};
use std::io;
use std::sync::{Arc, Mutex};

const SECTOR: usize = 512;

#[derive(Debug, Default)]
struct Platter {
    /// What survives a power cut.
    durable: Vec<u8>,
    /// What redb reads: the durable bytes with every write since the last sync.
    view: Vec<u8>,
    /// Writes and size changes since the last sync, oldest first: (offset, bytes) or (size, empty).
    pending: Vec<(u64, Option<Vec<u8>>)>,
    syncs: usize,
    /// Times the file was made longer (redb syncs the new length before using it).
    grown: usize,
}

/// The power of the machine, shared by the store file's disk and the log's.
#[derive(Debug, Default)]
struct Power {
    /// Syncs (of either file) to let through before the power goes (`None`: never).
    syncs_left: Option<usize>,
    /// The power is off: nothing reaches the disk any more.
    off: bool,
}

/// One file on the simulated disk.
#[derive(Debug, Clone)]
struct Disk(Arc<Mutex<Platter>>, Arc<Mutex<Power>>);

impl Disk {
    fn new(bytes: Vec<u8>, power: &Arc<Mutex<Power>>) -> Disk {
        Disk(Arc::new(Mutex::new(Platter { durable: bytes.clone(), view: bytes, ..Platter::default() })), power.clone())
    }

    fn platter(&self) -> std::sync::MutexGuard<'_, Platter> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn power(&self) -> std::sync::MutexGuard<'_, Power> {
        self.1.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl StorageBackend for Disk {
    fn len(&self) -> Result<u64, io::Error> {
        Ok(self.platter().view.len() as u64)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        let p = self.platter();
        let at = offset as usize;
        let src = p.view.get(at..at + out.len()).ok_or_else(|| io::Error::other("read past the end"))?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        if self.power().off {
            return Ok(());
        }
        let mut p = self.platter();
        if len as usize > p.view.len() {
            p.grown += 1;
        }
        p.view.resize(len as usize, 0);
        p.pending.push((len, None));
        Ok(())
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        {
            let mut power = self.power();
            if power.off {
                return Err(io::Error::other("the power is off"));
            }
            if power.syncs_left == Some(0) {
                power.off = true;
                return Err(io::Error::other("power cut during the sync"));
            }
            power.syncs_left = power.syncs_left.map(|n| n - 1);
        }
        let mut p = self.platter();
        p.syncs += 1;
        p.durable = p.view.clone();
        p.pending.clear();
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        if self.power().off {
            return Ok(());
        }
        let mut p = self.platter();
        let at = offset as usize;
        if p.view.len() < at + data.len() {
            p.view.resize(at + data.len(), 0);
        }
        p.view[at..at + data.len()].copy_from_slice(data);
        p.pending.push((offset, Some(data.to_vec())));
        Ok(())
    }
}

impl LogFile for Disk {
    fn len(&self) -> io::Result<u64> {
        StorageBackend::len(self)
    }
    fn read_exact_at(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        StorageBackend::read(self, offset, out)
    }
    fn write_all_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        StorageBackend::write(self, offset, data)
    }
    fn sync_data(&self) -> io::Result<()> {
        StorageBackend::sync_data(self)
    }
}

/// The bytes on the platter after the cut: the durable ones plus the unsynced sectors `keep`
/// picks (a size change is kept or lost whole).
fn after_the_cut(p: &Platter, keep: &mut impl FnMut() -> bool) -> Vec<u8> {
    let mut out = p.durable.clone();
    for (at, data) in &p.pending {
        match data {
            None => {
                if keep() {
                    out.resize(*at as usize, 0);
                }
            }
            Some(data) => {
                for (i, sector) in data.chunks(SECTOR).enumerate() {
                    if keep() {
                        let start = *at as usize + i * SECTOR;
                        if out.len() < start + sector.len() {
                            out.resize(start + sector.len(), 0);
                        }
                        out[start..start + sector.len()].copy_from_slice(sector);
                    }
                }
            }
        }
    }
    out
}

fn paid(id: OrderId, qty: u32) -> Order {
    let mut o = Order::new(id, Millis(1), "01".into());
    o.lines.push(Line { barcode: "6900138600889".into(), name: "可口可乐".into(), unit_price: Fen(350), qty });
    o.status = OrderStatus::Paid;
    o.number = Some(format!("N{id}"));
    o
}

fn counters(next: u64) -> Counters {
    Counters { next_order_id: next, seq_day: 1, seq: 0 }
}

/// A cheap reproducible coin (xorshift).
fn coin(seed: u64) -> impl FnMut() -> bool {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x & 1 == 1
    }
}

/// The store and its log, as files on the simulated disk (one power for both).
struct Machine {
    store: Disk,
    log: Disk,
    power: Arc<Mutex<Power>>,
}

impl Machine {
    /// The files of the store in `dir` (closed), on the simulated disk.
    fn load(dir: &std::path::Path) -> Machine {
        let power = Arc::new(Mutex::new(Power::default()));
        let read = |name: &str| std::fs::read(dir.join(name)).expect("read");
        Machine { store: Disk::new(read(FILE_NAME), &power), log: Disk::new(read(LOG_FILE_NAME), &power), power }
    }

    /// The store opened on it as `RedbStore::open` opens the files (the log's records after
    /// redb's mark applied), with a log of `log_pages` pages.
    fn open(&self, file: &std::path::Path, log_pages: u64) -> RedbStore {
        let mut db = Builder::new();
        let db = db
            .set_cache_size(super::super::redb_open::CACHE_BYTES)
            .create_with_backend(self.store.clone())
            .expect("open on the simulated disk");
        let held = crate::store::redb_wal::held_in(&db).expect("the store's mark");
        let (wal, records) =
            Wal::open(Box::new(self.log.clone()), log_pages * PAGE, held).expect("the log on the simulated disk");
        let on_close = crate::store::redb_clean::OnClose::new(file.parent().expect("dir"), file, false);
        on_close.disarm(); // a simulated disk: its close says nothing of the files
        let s = RedbStore {
            db: std::sync::RwLock::new(db),
            file: file.to_path_buf(),
            wal: std::sync::Mutex::new(wal),
            on_close,
        };
        let saves = crate::store::redb_wal::read_saves(records, file).expect("the log's saves");
        s.replay(&mut s.log(), saves).expect("replay");
        s
    }

    /// Writes what the platters hold after the cut back to the files in `dir`, keeping the
    /// unsynced sectors `keep` picks.
    fn after_the_cut(&self, dir: &std::path::Path, mut keep: impl FnMut() -> bool) {
        for (disk, name) in [(&self.store, FILE_NAME), (&self.log, LOG_FILE_NAME)] {
            let image = after_the_cut(&disk.platter(), &mut keep);
            std::fs::write(dir.join(name), image).expect("write the image");
        }
    }
}

/// Cuts the power at sync number `at_sync` of the save of order 5 (past its last sync: just
/// after it returned), keeping the unsynced sectors `seed` picks; returns whether that save
/// returned Ok and the store reopened from what is left. With a log of `log_pages` pages: 2 makes
/// the save of order 5 find the log full, fold it into redb (a synced commit) and start it again.
fn cut(at_sync: usize, seed: u64, keep_all: Option<bool>, log_pages: u64) -> (bool, RedbStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let s = RedbStore::open(dir.path()).expect("open");
        s.write_records(&[stock(100)], None).expect("counted goods");
        for id in 1..=3 {
            s.save(&paid(id, 1), &counters(id + 1)).expect("save");
        }
    }
    let file = dir.path().join(FILE_NAME);
    let machine = Machine::load(dir.path());
    let s = machine.open(&file, log_pages);
    // Acknowledged: must survive.
    s.save(&paid(2, 7), &counters(4)).expect("change of order 2");
    s.save(&paid(4, 1), &counters(5)).expect("order 4");
    machine.power.lock().expect("power").syncs_left = Some(at_sync);
    let returned = s.save(&paid(5, 1), &counters(6)).is_ok();
    machine.power.lock().expect("power").off = true;
    drop(s);
    match keep_all {
        Some(all) => machine.after_the_cut(dir.path(), || all),
        None => machine.after_the_cut(dir.path(), coin(seed)),
    }
    let reopened = RedbStore::open(dir.path()).unwrap_or_else(|e| {
        panic!("sync {at_sync}, seed {seed}, keep {keep_all:?}: the store must open after a power cut: {e}")
    });
    (returned, reopened, dir)
}

const COLA: &str = "6900138600889";

fn stock(n: i64) -> Put {
    Put { table: Table::Stock, key: COLA.into(), value: Some(n.to_string()) }
}

fn counted(s: &RedbStore) -> Option<i64> {
    s.record(Table::Stock, COLA).expect("stock").and_then(|v| v.parse().ok())
}

/// Issue 18 §4: a paid sale with counted goods is one durable write: the order, its counters, its
/// back-office record and its stock, in one sync (the order log's), and a cut just after it keeps
/// them all.
#[test]
fn a_paid_sale_with_counted_goods_is_one_sync_with_its_stock_and_outbox_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let s = RedbStore::open(dir.path()).expect("create");
        s.write_records(&[stock(10)], None).expect("counted goods");
    }
    let file = dir.path().join(FILE_NAME);
    let machine = Machine::load(dir.path());
    let s = machine.open(&file, CAPACITY / PAGE);
    let mut cart = paid(1, 3);
    cart.status = OrderStatus::Open;
    cart.number = None;
    assert!(s.save(&cart, &counters(2)).expect("the cart").is_empty(), "a cart moves no stock");
    let syncs = |m: &Machine| m.store.platter().syncs + m.log.platter().syncs;
    let before = syncs(&machine);
    let moved = s.save(&paid(1, 3), &counters(2)).expect("the paid sale");
    assert_eq!(syncs(&machine) - before, 1, "one sync for the paid sale");
    assert_eq!(moved, vec![(COLA.to_string(), 7)], "the save moved the stock and says so");
    assert!(s.save(&paid(1, 3), &counters(2)).expect("saved again").is_empty(), "moved once");
    machine.power.lock().expect("power").off = true;
    drop(s);
    machine.after_the_cut(dir.path(), || false);
    let s = RedbStore::open(dir.path()).expect("reopen after the cut");
    assert_eq!(s.order(1).expect("read"), Some(paid(1, 3)));
    assert_eq!(counted(&s), Some(7), "the stock with its order");
    assert_eq!(s.outbox_pending(10).expect("outbox").len(), 1, "and its back-office record");
}

#[test]
fn a_save_syncs_the_log_once_and_the_store_file_not_at_all_until_the_log_is_full() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(RedbStore::open(dir.path()).expect("create"));
    let file = dir.path().join(FILE_NAME);
    let machine = Machine::load(dir.path());
    let s = machine.open(&file, CAPACITY / PAGE);
    s.save(&paid(1, 1), &counters(2)).expect("first save");
    let syncs = |d: &Disk| d.platter().syncs;
    let (store_before, log_before) = (syncs(&machine.store), syncs(&machine.log));
    for n in 1..=40 {
        let mut o = paid(2, n);
        o.status = OrderStatus::Open;
        s.save(&o, &counters(3)).expect("save");
    }
    assert_eq!(syncs(&machine.log) - log_before, 40, "one sync of the log per save");
    assert_eq!(syncs(&machine.store) - store_before, 0, "redb's commits of saves are not synced");
    // A log of 4 pages: every fourth save folds it into redb with one synced commit.
    drop(s);
    let s = machine.open(&file, 4);
    let store_before = syncs(&machine.store);
    for n in 1..=40 {
        s.save(&paid(3, n), &counters(4)).expect("save");
    }
    let folds = syncs(&machine.store) - store_before - machine.store.platter().grown;
    assert!((9..=10 * if TWO_PHASE { 2 } else { 1 }).contains(&folds), "{folds} synced commits for 40 saves");
}

#[test]
fn a_power_cut_at_any_sync_of_a_commit_keeps_every_commit_that_returned_and_the_cut_one_whole_or_not_at_all() {
    let mut cut_short = false;
    for (log_pages, syncs) in [(CAPACITY / PAGE, 2), (2, 4)] {
        for at_sync in 0..syncs {
            for (seed, keep_all) in (0..12).map(|s| (s, None)).chain([(0, Some(true)), (0, Some(false))]) {
                let (returned, s, _dir) = cut(at_sync, seed, keep_all, log_pages);
                cut_short |= !returned;
                let what = format!("log of {log_pages} pages, cut at sync {at_sync}, seed {seed}, keep {keep_all:?}");
                for id in [1, 3, 4] {
                    assert_eq!(s.order(id).expect("read"), Some(paid(id, 1)), "{what}: order {id}");
                }
                assert_eq!(s.order(2).expect("read"), Some(paid(2, 7)), "{what}: the change of order 2");
                let fifth = s.order(5).expect("read");
                if returned {
                    assert_eq!(fifth, Some(paid(5, 1)), "{what}: a commit that returned is kept");
                } else {
                    assert!(fifth.is_none() || fifth == Some(paid(5, 1)), "{what}: whole or not at all: {fifth:?}");
                }
                let (_, c) = s.load_unsettled().expect("load");
                let next = c.map(|c| c.next_order_id);
                assert_eq!(next, Some(if fifth.is_some() { 6 } else { 5 }), "{what}: counters with their order");
                let pending: Vec<u64> = s.outbox_pending(10).expect("outbox").iter().map(|r| r.seq).collect();
                let queued = if fifth.is_some() { 5 } else { 4 };
                // Each paid order moved its goods once, with its own save (order 2's change too late
                // to move them again): the stock goes with the order, never without it.
                assert_eq!(counted(&s), Some(100 - queued as i64), "{what}: the stock with its orders");
                assert_eq!(pending, (1..=queued).collect::<Vec<u64>>(), "{what}: the outbox with its orders");
                s.save(&paid(6, 1), &counters(7)).expect("the till goes on selling after the cut");
            }
        }
    }
    assert!(cut_short, "some cut came before the commit returned");
}
