//! Bytes through a non-blocking descriptor (tty, socket, lp device) with a deadline, so a printer
//! that stops taking data never holds the print task for longer than its timeout.

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Instant;

/// Why a write stopped before the last byte.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The deadline passed with `sent` bytes handed to the kernel.
    Timeout {
        sent: usize,
    },
    Io(std::io::Error),
}

/// Waits until `fd` is ready for `flags` or the deadline passes (false).
fn wait(fd: BorrowedFd<'_>, flags: PollFlags, deadline: Instant) -> Result<bool, Errno> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        let ms = u16::try_from(left.as_millis().max(1)).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(fd, flags)];
        match poll(&mut fds, PollTimeout::from(ms)) {
            Ok(0) | Err(Errno::EINTR) => continue,
            // Ready, or an error/hang-up: the next read or write says which.
            Ok(_) => return Ok(true),
            Err(e) => return Err(e),
        }
    }
}

/// Writes all of `bytes`, across partial writes, EAGAIN and EINTR, until `deadline`.
pub(crate) fn write_all(fd: BorrowedFd<'_>, bytes: &[u8], deadline: Instant) -> Result<(), Stop> {
    let mut sent = 0;
    while sent < bytes.len() {
        match nix::unistd::write(fd, &bytes[sent..]) {
            Ok(n) if n > 0 => sent += n,
            Ok(_) | Err(Errno::EAGAIN) => match wait(fd, PollFlags::POLLOUT, deadline) {
                Ok(true) => {}
                Ok(false) => return Err(Stop::Timeout { sent }),
                Err(e) => return Err(Stop::Io(e.into())),
            },
            Err(Errno::EINTR) => {}
            Err(e) => return Err(Stop::Io(e.into())),
        }
        if sent < bytes.len() && Instant::now() >= deadline {
            return Err(Stop::Timeout { sent });
        }
    }
    Ok(())
}

/// The next byte `wanted` accepts, skipping others; `None` if the deadline passes or the other
/// end closes (a regular file, a socket the printer shut).
pub(crate) fn read_byte(
    fd: BorrowedFd<'_>,
    deadline: Instant,
    wanted: impl Fn(u8) -> bool,
) -> Result<Option<u8>, std::io::Error> {
    let mut buf = [0u8; 1];
    loop {
        match nix::unistd::read(fd.as_raw_fd(), &mut buf) {
            Ok(0) => return Ok(None),
            Ok(_) if wanted(buf[0]) => return Ok(Some(buf[0])),
            Ok(_) | Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => {
                if !wait(fd, PollFlags::POLLIN, deadline)? {
                    return Ok(None);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Discards whatever the device sent unasked (automatic status back, stale answers).
pub(crate) fn drain(fd: BorrowedFd<'_>) {
    let mut buf = [0u8; 256];
    for _ in 0..64 {
        match nix::unistd::read(fd.as_raw_fd(), &mut buf) {
            Ok(n) if n > 0 => {}
            Err(Errno::EINTR) => {}
            _ => return,
        }
    }
}
