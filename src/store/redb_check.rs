//! The check before a store file is opened for writing: redb's full integrity check (every page's
//! checksum, the allocator state rebuilt) run on a copy-on-write view of the file, so that whatever
//! redb would write while checking or repairing goes to memory, never to the file.
//!
//! Why: an open for writing repairs a file that was not shut down cleanly, and rewrites its header
//! before it knows whether the rest is sound; a plain open trusts a file that was shut down cleanly
//! (and may panic on one damaged since). Run here first, a damaged file is found with nothing
//! written to it; a file that is merely unclean (a till killed, a power cut) passes, and the real
//! open then repairs it as redb always does.

use redb::backends::FileBackend;
use redb::{BackendError, StorageBackend};
use std::io;
use std::ops::Bound;
use std::sync::Mutex;

/// The file read through, writes and size changes kept in memory. Locks go to the file, so a
/// check never runs beside another till writing it.
#[derive(Debug)]
pub(super) struct DryRun {
    file: FileBackend,
    overlay: Mutex<Overlay>,
}

#[derive(Debug)]
struct Overlay {
    /// The size redb sees.
    len: u64,
    /// Bytes of the file from here on count as zeros (the view was shortened below them).
    file_until: u64,
    /// Writes, oldest first; a later one wins where they overlap.
    writes: Vec<(u64, Vec<u8>)>,
}

impl DryRun {
    pub(super) fn new(file: std::fs::File) -> io::Result<DryRun> {
        let len = file.metadata()?.len();
        let file = FileBackend::new(file).map_err(|e| io::Error::other(e.to_string()))?;
        Ok(DryRun { file, overlay: Mutex::new(Overlay { len, file_until: len, writes: Vec::new() }) })
    }

    fn overlay(&self) -> std::sync::MutexGuard<'_, Overlay> {
        self.overlay.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl StorageBackend for DryRun {
    fn len(&self) -> Result<u64, io::Error> {
        Ok(self.overlay().len)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        let o = self.overlay();
        let end = offset.checked_add(out.len() as u64).ok_or_else(|| io::Error::other("offset overflow"))?;
        if end > o.len {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "read past the end of the store file"));
        }
        let from_file = usize::try_from(o.file_until.clamp(offset, end) - offset).map_err(io::Error::other)?;
        self.file.read(offset, &mut out[..from_file])?;
        out[from_file..].fill(0);
        for (at, data) in &o.writes {
            let (start, stop) = ((*at).max(offset), (at + data.len() as u64).min(end));
            if start < stop {
                let dst = usize::try_from(start - offset).map_err(io::Error::other)?;
                let src = usize::try_from(start - at).map_err(io::Error::other)?;
                let n = usize::try_from(stop - start).map_err(io::Error::other)?;
                out[dst..dst + n].copy_from_slice(&data[src..src + n]);
            }
        }
        Ok(())
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        let mut o = self.overlay();
        if len < o.len {
            o.file_until = o.file_until.min(len);
            o.writes.retain_mut(|(at, data)| {
                data.truncate(usize::try_from(len.saturating_sub(*at)).unwrap_or(usize::MAX).min(data.len()));
                *at < len
            });
        }
        o.len = len;
        Ok(())
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        let mut o = self.overlay();
        o.len = o.len.max(offset + data.len() as u64);
        o.writes.push((offset, data.to_vec()));
        Ok(())
    }

    fn close(&self) -> Result<(), io::Error> {
        self.file.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.file.try_lock_range(start, end)
    }

    fn try_lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.file.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.file.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.file.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.file.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.file.query_lock_range(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_size_changes_stay_in_memory_and_are_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"abcdefgh").expect("write");
        let file = std::fs::OpenOptions::new().read(true).write(true).open(&path).expect("open");
        let d = DryRun::new(file).expect("dry run");
        d.write(2, b"XY").expect("write");
        d.set_len(12).expect("grow");
        let mut out = [0u8; 12];
        d.read(0, &mut out).expect("read");
        assert_eq!(&out, b"abXYefgh\0\0\0\0");
        d.set_len(3).expect("shrink");
        d.set_len(6).expect("grow again");
        let mut out = [0u8; 6];
        d.read(0, &mut out).expect("read");
        assert_eq!(&out, b"abX\0\0\0", "what was cut off comes back as zeros");
        assert!(d.read(4, &mut [0u8; 4]).is_err(), "past the end");
        d.close().expect("close");
        assert_eq!(std::fs::read(&path).expect("read"), b"abcdefgh", "the file is untouched");
    }
}
