//! The order log (`orders.wal`): a save's flush is one page written and synced here, not a redb
//! commit's scattered pages.
//!
//! A flushed redb commit writes every page it changed (a leaf per table, its branch, the table
//! tree, the header) and syncs them: on a fast disk 2.4 × a bare 4 KiB write + fsync, and on an SD
//! card several random writes where one would do. So a save is first written here, as one record
//! in whole 4 KiB pages at the next free place of a file allocated once, and synced; then applied
//! to redb in a commit that is not synced itself (`Durability::None`: visible to every read at
//! once, made durable by the next synced commit: any other write of the store, or redb's close).
//! When the log is full, one synced redb commit makes everything durable in redb and the log starts
//! again from its first page ([`Wal::restart`]); so it does on open, once the records redb lacked
//! are applied.
//!
//! After a pulled plug redb opens at its last synced commit; the records written after it are
//! applied again, in order. Which those are is exact: each save's redb commit also writes its
//! record's place in the log, `(generation, sequence)` ([`Mark`]), so redb knows the last record it
//! holds, and the replay applies every record after that mark. A record is in whole pages, written
//! at once and synced before the next one starts, so a cut leaves at most the newest record torn,
//! never one already acknowledged; its checksum fails and the scan stops there, as it stops at a
//! record of an older generation (the log's previous round, all of it in redb already).

use crate::core::clock::Millis;
use std::io;

/// Records start on these boundaries and fill whole ones: a write never shares a page (or an SD
/// card's sector) with a record already acknowledged.
pub(super) const PAGE: u64 = 4096;

/// The log's size, allocated (zeros written and synced) once: overwriting blocks the file already
/// has syncs no file-system metadata. A full log is folded into redb, then restarts: at most this
/// much is replayed on open (~1,000 saves).
pub(super) const CAPACITY: u64 = 4 << 20;

const MAGIC: [u8; 4] = *b"TWL1";
/// magic, generation (u64), sequence (u64), payload length (u32), CRC-32 of all before it and
/// the payload (u32); little-endian.
const HEADER: usize = 28;

/// Where a record is in the log's history: later marks compare greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(super) struct Mark {
    pub generation: u64,
    pub seq: u64,
}

impl Mark {
    pub(super) fn to_bytes(self) -> [u8; 16] {
        let mut out = [0; 16];
        out[..8].copy_from_slice(&self.generation.to_be_bytes());
        out[8..].copy_from_slice(&self.seq.to_be_bytes());
        out
    }

    pub(super) fn from_bytes(bytes: &[u8]) -> Option<Mark> {
        let bytes: [u8; 16] = bytes.try_into().ok()?;
        let (g, s) = bytes.split_at(8);
        Some(Mark { generation: u64::from_be_bytes(g.try_into().ok()?), seq: u64::from_be_bytes(s.try_into().ok()?) })
    }
}

/// The file under the log: the real one, or a simulated disk in the power-cut tests.
pub(super) trait LogFile: Send + Sync {
    fn len(&self) -> io::Result<u64>;
    /// Fills `out` from `offset`; an error past the end.
    fn read_exact_at(&self, offset: u64, out: &mut [u8]) -> io::Result<()>;
    fn write_all_at(&self, offset: u64, data: &[u8]) -> io::Result<()>;
    /// `fdatasync`: the data written (and the size) survive a power cut once this returns.
    fn sync_data(&self) -> io::Result<()>;
}

impl LogFile for std::fs::File {
    fn len(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn read_exact_at(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(self, out, offset)
    }

    fn write_all_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        std::os::unix::fs::FileExt::write_all_at(self, data, offset)
    }

    fn sync_data(&self) -> io::Result<()> {
        std::fs::File::sync_data(self)
    }
}

/// One record found by [`Wal::open`].
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Record {
    pub mark: Mark,
    pub payload: Vec<u8>,
}

/// What [`Wal::append`] did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Appended {
    /// On disk (synced) at this mark.
    At(Mark),
    /// No room left in this round: fold the log into redb and [`Wal::restart`] it.
    Full,
    /// Bigger than the whole log: this save goes to redb as a synced commit of its own.
    TooBig,
}

pub(super) struct Wal {
    file: Box<dyn LogFile>,
    /// The round being written and the last sequence number in it (0: none yet).
    at: Mark,
    /// Where the next record goes.
    offset: u64,
    capacity: u64,
    /// A reused buffer of whole pages.
    buf: Vec<u8>,
    /// Where the log stood before the last append, for [`Wal::unwrite`].
    before_last: Option<(Mark, u64)>,
}

impl Wal {
    /// Opens the log on `file` (allocating it to `capacity` if it is shorter: a new log) and reads
    /// the records of its newest round, oldest first. The next append goes after them; the store
    /// restarts the log once it has applied them ([`Wal::restart`]). `held` is redb's mark: an
    /// error (`InvalidData`) if a record after it is found whole beyond a damaged one.
    pub(super) fn open(file: Box<dyn LogFile>, capacity: u64, held: Mark) -> io::Result<(Wal, Vec<Record>)> {
        let len = file.len()?;
        if len < capacity {
            // Zeros, synced: later writes only overwrite blocks the file has. Old records are
            // kept (a log cut short while being allocated holds no record yet).
            let zeros = vec![0; usize::try_from(PAGE).unwrap_or(4096) * 64];
            let mut at = len;
            while at < capacity {
                let n = (capacity - at).min(zeros.len() as u64) as usize;
                file.write_all_at(at, &zeros[..n])?;
                at += n as u64;
            }
            file.sync_data()?;
        }
        let records = scan(file.as_ref(), capacity, held)?;
        let at = records.last().map_or(Mark::default(), |r| r.mark);
        let offset = records.iter().map(|r| pages_for(r.payload.len())).sum::<u64>() * PAGE;
        Ok((Wal { file, at, offset, capacity, buf: Vec::new(), before_last: None }, records))
    }

    /// Writes `payload` as the next record and syncs it. On an error nothing counts as written:
    /// the next append goes to the same place with the same mark.
    pub(super) fn append(&mut self, payload: &[u8]) -> io::Result<Appended> {
        let pages = pages_for(payload.len());
        if pages * PAGE > self.capacity {
            return Ok(Appended::TooBig);
        }
        if self.offset + pages * PAGE > self.capacity {
            return Ok(Appended::Full);
        }
        let mark = Mark { generation: self.at.generation, seq: self.at.seq + 1 };
        encode(&mut self.buf, mark, payload, pages);
        self.file.write_all_at(self.offset, &self.buf)?;
        self.file.sync_data()?;
        self.before_last = Some((self.at, self.offset));
        self.at = mark;
        self.offset += pages * PAGE;
        Ok(Appended::At(mark))
    }

    /// Takes back the last append (its save failed after it was logged): the next record is
    /// written in its place, under its mark. Until then a restart would apply it again, as a
    /// failed fsync may or may not have written what it was given.
    pub(super) fn unwrite(&mut self) {
        if let Some((at, offset)) = self.before_last.take() {
            self.at = at;
            self.offset = offset;
        }
    }

    /// Starts a new round from the first page, once every record so far is durable in redb
    /// (whose own mark is `held`). Nothing is written until the next append: the old round's
    /// records stay readable until overwritten, and are all at or before redb's mark.
    pub(super) fn restart(&mut self, held: Mark) {
        self.at = Mark { generation: self.at.generation.max(held.generation) + 1, seq: 0 };
        self.offset = 0;
        self.before_last = None;
    }

    /// The mark of the last record written (or found) in this round.
    pub(super) fn last(&self) -> Mark {
        self.at
    }
}

fn pages_for(payload: usize) -> u64 {
    (HEADER + payload).div_ceil(PAGE as usize) as u64
}

fn crc(head: &[u8], payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(head);
    h.update(payload);
    h.finalize()
}

/// `buf` = the record in `pages` whole pages, zero-padded.
fn encode(buf: &mut Vec<u8>, mark: Mark, payload: &[u8], pages: u64) {
    buf.clear();
    buf.extend_from_slice(&MAGIC);
    buf.extend_from_slice(&mark.generation.to_le_bytes());
    buf.extend_from_slice(&mark.seq.to_le_bytes());
    buf.extend_from_slice(&u32::try_from(payload.len()).unwrap_or(u32::MAX).to_le_bytes());
    let sum = crc(buf, payload);
    buf.extend_from_slice(&sum.to_le_bytes());
    buf.extend_from_slice(payload);
    buf.resize(usize::try_from(pages * PAGE).unwrap_or(usize::MAX), 0);
}

/// The records of the round that starts at the first page, until the first one that is torn,
/// damaged, of another round or out of sequence. A cut tears only the newest record, and every
/// record of an earlier round is in redb (at or before `held`, redb's mark): a whole record after
/// `held` beyond that run means one before it, already acknowledged, was damaged since. That is an
/// error, not the end of the log.
fn scan(file: &dyn LogFile, capacity: u64, held: Mark) -> io::Result<Vec<Record>> {
    let mut out: Vec<Record> = Vec::new();
    let mut offset = 0;
    while let Some(record) = record_at(file, offset, capacity, |_| true) {
        // A round starts at the first page with sequence 1 and goes on one by one.
        let expected = out.last().map_or(Mark { generation: record.mark.generation, seq: 1 }, |r| Mark {
            generation: r.mark.generation,
            seq: r.mark.seq + 1,
        });
        if record.mark != expected {
            break;
        }
        offset += pages_for(record.payload.len()) * PAGE;
        out.push(record);
    }
    let mut later = offset;
    while later + PAGE <= capacity {
        if let Some(r) = record_at(file, later, capacity, |mark| mark > held) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the record at byte {offset} is damaged, but record {}.{} at byte {later} after it is whole and \
                     not yet in the store",
                    r.mark.generation, r.mark.seq
                ),
            ));
        }
        later += PAGE;
    }
    Ok(out)
}

/// The whole record starting at `offset`, if there is one (its header sound, its mark one `wanted`,
/// its checksum right).
fn record_at(file: &dyn LogFile, offset: u64, capacity: u64, wanted: impl Fn(Mark) -> bool) -> Option<Record> {
    let mut head = [0u8; HEADER];
    if offset + PAGE > capacity || file.read_exact_at(offset, &mut head).is_err() {
        return None;
    }
    let (mark, len, sum) = parse_head(&head)?;
    if !wanted(mark) || offset + pages_for(len) * PAGE > capacity {
        return None;
    }
    let mut payload = vec![0; len];
    file.read_exact_at(offset + HEADER as u64, &mut payload).ok()?;
    (crc(&head[..HEADER - 4], &payload) == sum).then_some(Record { mark, payload })
}

fn parse_head(head: &[u8; HEADER]) -> Option<(Mark, usize, u32)> {
    let field = |from: usize, to: usize| head.get(from..to);
    if field(0, 4)? != MAGIC {
        return None;
    }
    let generation = u64::from_le_bytes(field(4, 12)?.try_into().ok()?);
    let seq = u64::from_le_bytes(field(12, 20)?.try_into().ok()?);
    let len = u32::from_le_bytes(field(20, 24)?.try_into().ok()?);
    let sum = u32::from_le_bytes(field(24, 28)?.try_into().ok()?);
    Some((Mark { generation, seq }, usize::try_from(len).ok()?, sum))
}

/// The kind byte of a save's record (the only kind so far).
const SAVE: u8 = 1;

/// A save's record: kind, when its back-office records were made (i64), the counters' length (u32)
/// and JSON, then the order as stored (packed); little-endian. Replaying it is the same save.
pub(super) fn save_record(created_at: Millis, counters: &[u8], order: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(13 + counters.len() + order.len());
    out.push(SAVE);
    out.extend_from_slice(&created_at.0.to_le_bytes());
    out.extend_from_slice(&u32::try_from(counters.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(counters);
    out.extend_from_slice(order);
    out
}

/// A save's record read back: (created_at, counters, packed order).
pub(super) fn read_save(payload: &[u8]) -> Option<(Millis, &[u8], &[u8])> {
    let (&kind, rest) = payload.split_first()?;
    if kind != SAVE {
        return None;
    }
    let at = i64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
    let len = usize::try_from(u32::from_le_bytes(rest.get(8..12)?.try_into().ok()?)).ok()?;
    let counters = rest.get(12..12 + len)?;
    Some((Millis(at), counters, rest.get(12 + len..)?))
}

#[cfg(test)]
#[path = "wal_tests.rs"]
mod tests;
