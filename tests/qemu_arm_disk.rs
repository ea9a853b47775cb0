//! Power cuts at random moments of a stream of commits, under QEMU (`make test-qemu`; ignored
//! without `TILL_QEMU_ARM_KIT`): the aarch64 `till disk-test` on the guest's ext4 data disk writes
//! numbered records through the order store's own flushed commit and prints each number once its
//! commit has returned; the host kills QEMU at a chosen moment, boots again on the same disk, and
//! the next `till disk-test` must find every number the host saw printed, intact. Seven boots, six
//! cuts (one while the store is being opened and checked after the previous cut).
//!
//! QEMU killed loses what the guest kernel had not yet handed to the virtual disk (its page cache,
//! the ext4 journal not yet committed), not what the disk image already holds: this is the cut of
//! the guest's kernel path and the store's commit, not of an SD card's own cache (`till disk-test`
//! on the real card is the technician's check for that, docs/store.md).

mod qemu_board;

use qemu_board::{Board, Extra};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long after a boot's first new record is on disk the power goes (ms): a spread from at
/// once to well into the stream; `None` cuts while the store is opened (before any new record).
const CUTS: [Option<u64>; 6] = [Some(0), Some(90), None, Some(370), Some(850), Some(1500)];

/// The numbers a boot's console shows: what the check found, and the last one printed on disk.
fn read_console(log: &str) -> (Option<Result<u64, String>>, u64) {
    let mut found = None;
    let mut last = 0;
    for line in log.lines() {
        let Some(rest) = line.trim().strip_prefix("disk-test: ") else { continue };
        let words: Vec<&str> = rest.split_whitespace().collect();
        match words.as_slice() {
            [n, "on", "disk"] => last = n.parse().unwrap_or(last),
            [n, "records", "found", ..] => found = n.parse().ok().map(Ok),
            ["LOST", ..] => found = Some(Err(line.trim().to_string())),
            _ => {}
        }
    }
    (found, last)
}

/// One emulated board at a time: the machine has two cores.
static ONE_BOARD: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
#[ignore = "needs the QEMU-arm kit: run by `make test-qemu`"]
fn every_commit_reported_on_disk_survives_power_cuts_under_qemu() {
    let kit = std::env::var_os("TILL_QEMU_ARM_KIT")
        .map(PathBuf::from)
        .expect("TILL_QEMU_ARM_KIT not set: run `make test-qemu`");
    let _one = ONE_BOARD.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let started = Instant::now();
    let dir = qemu_board::work_dir();
    let extra = Extra { append: "till.disk_test=1".into(), ..Extra::default() };
    // No payment platform in these boots: the guest's network forward points at a closed port.
    let no_sim = 9;

    let mut acknowledged = 0u64;
    let mut rows = Vec::new();
    for (i, cut) in CUTS.iter().chain(std::iter::once(&None)).enumerate() {
        let n = u32::try_from(i + 1).expect("few boots");
        let last_boot = i == CUTS.len();
        let board = Board::boot_with(&kit, dir.path(), no_sim, n, &extra);
        let console = dir.path().join(format!("console{n}.log"));
        if cut.is_none() && !last_boot {
            // The power goes as `till disk-test` starts: while it opens (and repairs) the store.
            board.wait("the disk test to start", Duration::from_secs(60), || {
                board.console_log().contains("till-qemu: disk test at").then_some(())
            });
            board.power_cut();
            let log = std::fs::read_to_string(&console).unwrap_or_default();
            acknowledged = acknowledged.max(read_console(&log).1);
            rows.push((n, None, Some(acknowledged)));
            continue;
        }
        let found =
            board.wait("the disk test's check", Duration::from_secs(60), || read_console(&board.console_log()).0);
        let found = match found {
            Ok(found) => found,
            Err(lost) => panic!("after cut {i} (the host saw {acknowledged} on disk): {lost}"),
        };
        assert!(
            found >= acknowledged,
            "after cut {i}: {found} records found, but the host saw {acknowledged} reported on disk"
        );
        if last_boot {
            rows.push((n, Some(found), None));
            drop(board);
            break;
        }
        if let Some(after_ms) = cut {
            board.wait("a new record on disk", Duration::from_secs(30), || {
                (read_console(&board.console_log()).1 > found).then_some(())
            });
            std::thread::sleep(Duration::from_millis(*after_ms));
        }
        board.power_cut();
        let log = std::fs::read_to_string(&console).unwrap_or_default();
        acknowledged = acknowledged.max(read_console(&log).1);
        rows.push((n, Some(found), Some(acknowledged)));
    }
    eprintln!("\n{:<6} {:>14} {:>22}", "boot", "found intact", "on disk at the cut");
    for (n, found, at_cut) in &rows {
        let at_cut = at_cut.map_or("(no cut)".to_string(), |a| a.to_string());
        let found = found.map_or("(cut opening)".to_string(), |f| f.to_string());
        eprintln!("{n:<6} {found:>14} {at_cut:>22}");
    }
    eprintln!("whole test: {:.1} s", started.elapsed().as_secs_f64());
    assert!(acknowledged > 0, "records were written between the cuts");
}
