//! What machine the figures come from, and how busy it was.

use std::path::Path;

fn first_line_with(file: &str, prefix: &str) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find(|l| l.starts_with(prefix)).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
}

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The filesystem holding `path`: its type and device, from /proc/mounts.
pub fn filesystem(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 3 && path.starts_with(f[1])).then(|| (f[1].len(), format!("{} on {} at {}", f[2], f[0], f[1])))
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| "unknown filesystem".into(), |(_, s)| s)
}

/// A few lines naming the machine.
pub fn describe(work: &Path) -> String {
    let cpu = first_line_with("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_string();
    let memory = first_line_with("/proc/meminfo", "MemTotal").unwrap_or_default();
    format!(
        "machine: {cores} cores ({cpu}), {memory} memory, Linux {kernel}\nfilesystem of the bench's files: {}\n\
         load average at the start: {}",
        filesystem(work),
        loadavg()
    )
}
