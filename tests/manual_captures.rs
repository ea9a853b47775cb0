//! docs/manual.md pictures the screens with the TUI's real renderings: every ```text block followed by
//! <sub>`tests/snapshots/X.snap`</sub> must be that snapshot as it is now, so the manual cannot show a
//! screen the till no longer draws. (To refresh them after a change: INSTA_UPDATE=always on the snapshot
//! suites, then copy each snapshot's body into its block.)

use std::path::Path;

const OPEN: &str = "```text\n";
const CLOSE: &str = "```\n<sub>`";

/// A snapshot's body: what follows insta's `---` header (`None`: no such snapshot).
fn snapshot_body(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let body = text.splitn(3, "---\n").nth(2)?;
    Some(if body.ends_with('\n') { body.to_string() } else { format!("{body}\n") })
}

#[test]
fn every_screen_capture_in_the_manual_is_the_snapshot_it_names() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manual = std::fs::read_to_string(root.join("docs/manual.md")).expect("docs/manual.md");
    let (mut checked, mut stale) = (0, Vec::new());
    let mut rest = manual.as_str();
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let Some(end) = after.find("```\n") else { break };
        let (block, tail) = (&after[..end], &after[end..]);
        rest = &after[end + 4..];
        let Some(named) = tail.strip_prefix(CLOSE) else { continue };
        let Some(path) = named.split('`').next().filter(|p| p.starts_with("tests/snapshots/")) else { continue };
        checked += 1;
        if snapshot_body(&root.join(path)).as_deref() != Some(block) {
            stale.push(path.to_string());
        }
    }
    assert!(checked >= 30, "only {checked} captures found in docs/manual.md");
    assert!(stale.is_empty(), "docs/manual.md shows screens that differ from their snapshots: {stale:?}");
}
