//! docs/manual.md and docs/manual.zh-CN.md picture the screens with the TUI's real renderings: every
//! ```text block followed by <sub>`tests/snapshots/X.snap`</sub> must be that snapshot as it is now, so a
//! manual cannot show a screen the till no longer draws. (To refresh them after a change:
//! INSTA_UPDATE=always on the snapshot suites, then copy each snapshot's body into its block.)
//!
//! The Chinese manual is kept in step with the English one: the same sections (level and number, in
//! order), in each section the Chinese capture of every screen the English one shows, and every
//! picture either shows exists.

use std::path::Path;

const OPEN: &str = "```text\n";
const CLOSE: &str = "```\n<sub>`";

/// A snapshot's body: what follows insta's `---` header (`None`: no such snapshot).
fn snapshot_body(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let body = text.splitn(3, "---\n").nth(2)?;
    Some(if body.ends_with('\n') { body.to_string() } else { format!("{body}\n") })
}

/// The manual's text captures: (block, snapshot path) for each block that names a snapshot.
fn captures(manual: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = manual;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let Some(end) = after.find("```\n") else { break };
        let (block, tail) = (&after[..end], &after[end..]);
        rest = &after[end + 4..];
        let Some(named) = tail.strip_prefix(CLOSE) else { continue };
        let Some(path) = named.split('`').next().filter(|p| p.starts_with("tests/snapshots/")) else { continue };
        found.push((block, path));
    }
    found
}

fn stale_captures(root: &Path, manual: &str) -> (usize, Vec<String>) {
    let found = captures(manual);
    let stale = found
        .iter()
        .filter(|(block, path)| snapshot_body(&root.join(path)).as_deref() != Some(*block))
        .map(|(_, path)| path.to_string())
        .collect();
    (found.len(), stale)
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).expect(path)
}

#[test]
fn every_screen_capture_in_the_manual_is_the_snapshot_it_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for path in ["docs/manual.md", "docs/manual.zh-CN.md"] {
        let (checked, stale) = stale_captures(root, &read(root, path));
        assert!(checked >= 30, "only {checked} captures found in {path}");
        assert!(stale.is_empty(), "{path} shows screens that differ from their snapshots: {stale:?}");
    }
}

/// A manual's sections in order: (heading level, its number such as "3.10", or "" when unnumbered),
/// each with the snapshots and pictures shown under it. Fenced blocks are not headings.
type Section<'a> = ((usize, &'a str), Vec<&'a str>, Vec<&'a str>);

fn sections(manual: &str) -> Vec<Section<'_>> {
    let mut out: Vec<Section> = Vec::new();
    let mut fenced = false;
    for line in manual.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if let Some(title) = line.strip_prefix('#') {
            let level = 1 + title.chars().take_while(|c| *c == '#').count();
            let title = title.trim_start_matches('#').trim();
            let first = title.split_whitespace().next().unwrap_or("");
            let number = if first.chars().all(|c| c.is_ascii_digit() || c == '.') { first } else { "" };
            out.push(((level, number), Vec::new(), Vec::new()));
            continue;
        }
        let Some(section) = out.last_mut() else { continue };
        if let Some(path) = line.strip_prefix("<sub>`").and_then(|l| l.split('`').next()) {
            section.1.push(path);
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let tail = &rest[at + 2..];
            let end = tail.find(')').unwrap_or(tail.len());
            if rest[..at].contains("![") {
                section.2.push(&tail[..end]);
            }
            rest = &tail[end..];
        }
    }
    out
}

#[test]
fn the_chinese_manual_has_the_english_sections_and_their_chinese_captures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (en, zh) = (read(root, "docs/manual.md"), read(root, "docs/manual.zh-CN.md"));
    let (en, zh) = (sections(&en), sections(&zh));
    let (zh_heads, en_heads): (Vec<_>, Vec<_>) = (zh.iter().map(|s| s.0).collect(), en.iter().map(|s| s.0).collect());
    assert_eq!(zh_heads, en_heads, "docs/manual.zh-CN.md's sections differ from docs/manual.md's");
    assert!(en.len() >= 30, "only {} sections in docs/manual.md", en.len());
    for ((head, en_shots, en_pics), (_, zh_shots, zh_pics)) in en.iter().zip(&zh) {
        let mut want: Vec<String> = en_shots.iter().map(|p| p.replace("_en.snap", "_zh.snap")).collect();
        let mut have: Vec<String> = zh_shots.iter().map(|p| p.to_string()).collect();
        want.sort();
        want.dedup();
        have.sort();
        have.dedup();
        assert_eq!(
            have, want,
            "section {head:?}: the Chinese manual's captures against the English one's (in Chinese)"
        );
        assert!(
            zh_shots.iter().all(|p| p.ends_with("_zh.snap")),
            "section {head:?}: an English capture in the Chinese manual"
        );
        assert_eq!(zh_pics, en_pics, "section {head:?}: the pictures of both manuals");
        for pic in en_pics.iter().chain(zh_pics) {
            assert!(root.join("docs").join(pic).is_file(), "docs/{pic}, shown in section {head:?}, does not exist");
        }
    }
}
