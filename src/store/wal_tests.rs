//! The order log on its own: records come back in order, a torn or damaged record ends the scan
//! and nothing after it is read, a new round hides the old one.

use super::*;
use std::sync::{Arc, Mutex};

/// A file in memory; `writes` counts the calls that wrote.
#[derive(Clone, Default)]
struct Mem(Arc<Mutex<(Vec<u8>, usize)>>);

impl Mem {
    fn bytes(&self) -> Vec<u8> {
        self.0.lock().expect("lock").0.clone()
    }
    fn set(&self, bytes: Vec<u8>) {
        self.0.lock().expect("lock").0 = bytes;
    }
}

impl LogFile for Mem {
    fn len(&self) -> io::Result<u64> {
        Ok(self.0.lock().expect("lock").0.len() as u64)
    }
    fn read_exact_at(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let m = self.0.lock().expect("lock");
        let at = offset as usize;
        out.copy_from_slice(m.0.get(at..at + out.len()).ok_or_else(|| io::Error::other("past the end"))?);
        Ok(())
    }
    fn write_all_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut m = self.0.lock().expect("lock");
        let at = offset as usize;
        if m.0.len() < at + data.len() {
            m.0.resize(at + data.len(), 0);
        }
        m.0[at..at + data.len()].copy_from_slice(data);
        m.1 += 1;
        Ok(())
    }
    fn sync_data(&self) -> io::Result<()> {
        Ok(())
    }
}

const SMALL: u64 = 16 * PAGE;

/// Opens the log as the store does once redb holds every record up to `held`.
fn open_held(mem: &Mem, held: Mark) -> (Wal, Vec<Record>) {
    Wal::open(Box::new(mem.clone()), SMALL, held).expect("open")
}

/// Opens the log as the store does when redb holds none of it.
fn open(mem: &Mem) -> (Wal, Vec<Record>) {
    open_held(mem, Mark::default())
}

fn payloads(records: &[Record]) -> Vec<Vec<u8>> {
    records.iter().map(|r| r.payload.clone()).collect()
}

#[test]
fn records_come_back_in_order_with_their_marks_and_a_new_log_is_allocated_whole() {
    let mem = Mem::default();
    let (mut wal, found) = open(&mem);
    assert!(found.is_empty());
    assert_eq!(mem.bytes().len() as u64, SMALL, "allocated once, to its capacity");
    let big = vec![7u8; 5000];
    assert_eq!(wal.append(b"one").expect("append"), Appended::At(Mark { generation: 0, seq: 1 }));
    assert_eq!(wal.append(&big).expect("append"), Appended::At(Mark { generation: 0, seq: 2 }));
    assert_eq!(wal.append(b"three").expect("append"), Appended::At(Mark { generation: 0, seq: 3 }));
    let (wal, found) = open(&mem);
    assert_eq!(payloads(&found), vec![b"one".to_vec(), big, b"three".to_vec()]);
    assert_eq!(found.iter().map(|r| r.mark.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(wal.last(), Mark { generation: 0, seq: 3 });
    assert_eq!(mem.bytes().len() as u64, SMALL, "reopening writes nothing");
}

#[test]
fn each_record_starts_on_a_page_and_fills_whole_pages() {
    let mem = Mem::default();
    let (mut wal, _) = open(&mem);
    wal.append(&[1; 10]).expect("append");
    wal.append(&[2; 4096]).expect("append (two pages with its header)");
    wal.append(&[3; 10]).expect("append");
    let bytes = mem.bytes();
    assert_eq!(&bytes[0..4], b"TWL1");
    assert_eq!(&bytes[4096..4100], b"TWL1");
    assert_eq!(&bytes[3 * 4096..3 * 4096 + 4], b"TWL1", "the 4,096-byte payload took two pages");
}

#[test]
fn a_torn_record_ends_the_scan_and_the_next_append_takes_its_place() {
    for torn_at in [0, 4, 12, 20, 24, 27, 28] {
        let mem = Mem::default();
        let (mut wal, _) = open(&mem);
        for p in [b"a", b"b", b"c"] {
            wal.append(p).expect("append");
        }
        // The third record: one byte of its header or payload flipped (a torn or damaged write;
        // the padding after the payload is not part of the record).
        let mut bytes = mem.bytes();
        bytes[2 * 4096 + torn_at] ^= 0x5a;
        mem.set(bytes);
        let (mut wal, found) = open(&mem);
        assert_eq!(payloads(&found), vec![b"a".to_vec(), b"b".to_vec()], "byte {torn_at} damaged");
        assert_eq!(wal.append(b"c2").expect("append"), Appended::At(Mark { generation: 0, seq: 3 }));
        let (_, found) = open(&mem);
        assert_eq!(payloads(&found), vec![b"a".to_vec(), b"b".to_vec(), b"c2".to_vec()]);
    }
}

#[test]
fn a_damaged_record_before_a_whole_one_the_store_lacks_is_an_error_not_the_end_of_the_log() {
    let mem = Mem::default();
    let (mut wal, _) = open(&mem);
    for p in [b"a", b"b", b"c"] {
        wal.append(p).expect("append");
    }
    let mut bytes = mem.bytes();
    bytes[4096 + 28] ^= 1;
    mem.set(bytes);
    // A cut tears only the newest record: "c" whole after a damaged "b" means "b" was damaged
    // after it had been acknowledged.
    let e = Wal::open(Box::new(mem.clone()), SMALL, Mark::default()).err().expect("refused");
    assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    assert!(e.to_string().contains("record 0.3 at byte 8192"), "{e}");
    // Once redb holds all three, what the log holds no longer matters.
    let (_, found) = open_held(&mem, Mark { generation: 0, seq: 3 });
    assert_eq!(payloads(&found), vec![b"a".to_vec()]);
}

#[test]
fn a_restarted_round_hides_the_old_one_beyond_it() {
    let mem = Mem::default();
    let (mut wal, _) = open(&mem);
    for p in [b"a", b"b", b"c"] {
        wal.append(p).expect("append");
    }
    wal.restart(Mark { generation: 0, seq: 3 });
    assert_eq!(wal.append(b"x").expect("append"), Appended::At(Mark { generation: 1, seq: 1 }));
    // Round 0 was folded into redb before the restart: redb holds up to 0.3 at least.
    let (wal, found) = open_held(&mem, Mark { generation: 0, seq: 3 });
    assert_eq!(payloads(&found), vec![b"x".to_vec()], "b and c of round 0 are after x: not read");
    assert_eq!(wal.last(), Mark { generation: 1, seq: 1 });
    // A restart takes redb's round into account too: a log lost whole never reuses a mark.
    let (mut wal, _) = open_held(&mem, Mark { generation: 0, seq: 3 });
    wal.restart(Mark { generation: 9, seq: 4 });
    assert_eq!(wal.append(b"y").expect("append"), Appended::At(Mark { generation: 10, seq: 1 }));
}

#[test]
fn a_full_log_says_so_and_a_record_bigger_than_the_log_is_refused() {
    let mem = Mem::default();
    let (mut wal, _) = open(&mem);
    for _ in 0..16 {
        assert!(matches!(wal.append(b"r").expect("append"), Appended::At(_)));
    }
    assert_eq!(wal.append(b"r").expect("append"), Appended::Full);
    assert_eq!(wal.append(&vec![0; SMALL as usize]).expect("append"), Appended::TooBig);
    wal.restart(wal.last());
    assert!(matches!(wal.append(b"r").expect("append"), Appended::At(Mark { generation: 1, seq: 1 })));
}

#[test]
fn garbage_in_the_log_file_reads_as_no_records() {
    let mem = Mem::default();
    let mut x = 0x9e37_79b9_u32;
    mem.set(
        (0..SMALL)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect(),
    );
    let (_, found) = open(&mem);
    assert!(found.is_empty());
    // A header that claims a huge length is not believed.
    let mut bytes = vec![0u8; SMALL as usize];
    bytes[..4].copy_from_slice(b"TWL1");
    bytes[12..20].copy_from_slice(&1u64.to_le_bytes());
    bytes[20..24].copy_from_slice(&u32::MAX.to_le_bytes());
    mem.set(bytes);
    let (_, found) = open(&mem);
    assert!(found.is_empty());
}

#[test]
fn marks_order_by_round_then_sequence_and_survive_their_bytes() {
    let a = Mark { generation: 1, seq: 900 };
    let b = Mark { generation: 2, seq: 1 };
    assert!(a < b);
    assert_eq!(Mark::from_bytes(&b.to_bytes()), Some(b));
    assert_eq!(Mark::from_bytes(b"short"), None);
}

#[test]
fn an_unwritten_record_is_replaced_by_the_next_under_its_mark() {
    let mem = Mem::default();
    let (mut wal, _) = open(&mem);
    wal.append(b"a").expect("append");
    wal.append(b"failed").expect("append");
    wal.unwrite();
    assert_eq!(wal.append(b"b").expect("append"), Appended::At(Mark { generation: 0, seq: 2 }));
    let (_, found) = open(&mem);
    assert_eq!(payloads(&found), vec![b"a".to_vec(), b"b".to_vec()]);
}
