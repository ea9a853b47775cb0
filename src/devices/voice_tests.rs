use super::*;
use crate::core::code::Platform;
use crate::core::money::Fen;
use crate::i18n;
use std::os::unix::fs::PermissionsExt;

/// A stand-in for espeak-ng that appends its arguments and its stdin to `calls` (one call a line).
fn fake_espeak(dir: &std::path::Path, extra: &str) -> PathBuf {
    let script = dir.join("fake-espeak");
    let calls = dir.join("calls");
    let body =
        format!("#!/bin/sh\n{extra}\ntext=$(cat)\nprintf '%s|%s\\n' \"$*\" \"$text\" >> '{}'\n", calls.display());
    std::fs::write(&script, body).expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    script
}

fn calls(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("calls")).unwrap_or_default().lines().map(String::from).collect()
}

#[test]
fn a_payment_is_announced_with_platform_and_amount_in_mandarin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = VoiceConfig { program: fake_espeak(dir.path(), ""), volume: 180, speed: 140, ..Default::default() };
    let speaker = EspeakSpeaker::start(&config, Lang::Zh);
    speaker.say(&i18n::announcement(Lang::Zh, Some(Platform::WeChat), Fen(1250)));
    speaker.finish();
    assert_eq!(calls(dir.path()), ["-v cmn -a 180 -s 140 -b 1 --stdin|微信支付收款成功 12.50元"]);
}

#[test]
fn english_tills_speak_english_and_text_is_never_an_option() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = VoiceConfig { program: fake_espeak(dir.path(), ""), ..Default::default() };
    let speaker = EspeakSpeaker::start(&config, Lang::En);
    speaker.say(&i18n::announcement(Lang::En, Some(Platform::Alipay), Fen(800)));
    speaker.say("--version; -w /etc/passwd");
    speaker.finish();
    assert_eq!(
        calls(dir.path()),
        [
            "-v en -a 100 -s 150 -b 1 --stdin|Alipay received 8.00 yuan",
            "-v en -a 100 -s 150 -b 1 --stdin|--version; -w /etc/passwd"
        ]
    );
}

#[test]
fn say_never_waits_and_a_long_queue_drops() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Each utterance takes a while, as speech does.
    let config = VoiceConfig { program: fake_espeak(dir.path(), "sleep 0.3"), ..Default::default() };
    let speaker = EspeakSpeaker::start(&config, Lang::Zh);
    let start = std::time::Instant::now();
    for i in 0..10 {
        speaker.say(&format!("第{i}笔"));
    }
    assert!(start.elapsed() < std::time::Duration::from_millis(100), "say() queued only");
    speaker.finish();
    let spoken = calls(dir.path());
    assert!((1..=QUEUE + 1).contains(&spoken.len()), "{spoken:?}");
    assert!(spoken[0].ends_with("|第0笔"), "the first is spoken: {spoken:?}");
}

#[test]
fn switched_off_it_runs_nothing_and_a_missing_program_is_harmless() {
    let dir = tempfile::tempdir().expect("tempdir");
    let off = VoiceConfig { enabled: false, program: fake_espeak(dir.path(), ""), ..Default::default() };
    let speaker = EspeakSpeaker::start(&off, Lang::Zh);
    speaker.say("现金收款 1.00元");
    speaker.finish();
    assert!(calls(dir.path()).is_empty());
    let missing = VoiceConfig { program: dir.path().join("no-such-espeak"), ..Default::default() };
    let speaker = EspeakSpeaker::start(&missing, Lang::Zh);
    speaker.say("现金收款 1.00元");
    speaker.finish();
}

#[test]
fn the_config_reads_with_defaults() {
    let c: VoiceConfig = toml::from_str("volume = 120").expect("toml");
    assert_eq!(c, VoiceConfig { volume: 120, ..Default::default() });
    let c: VoiceConfig = toml::from_str("enabled = false\nvoice = \"cmn-latn-pinyin\"\nspeed = 9999").expect("toml");
    assert!(!c.enabled);
    assert_eq!(c.args(Lang::Zh)[..6], ["-v", "cmn-latn-pinyin", "-a", "100", "-s", "450"]);
    assert!(toml::from_str::<VoiceConfig>("volumme = 1").is_err());
}

/// The real espeak-ng, writing a WAV instead of playing (build machines have no sound card).
#[test]
fn the_real_espeak_ng_speaks_mandarin_with_these_arguments() {
    let Some(program) = ["/usr/bin/espeak-ng", "/bin/espeak-ng"].iter().map(PathBuf::from).find(|p| p.exists()) else {
        eprintln!("SKIP: espeak-ng not installed (Debian package espeak-ng)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = dir.path().join("out.wav");
    let mut child = Command::new(program)
        .args(VoiceConfig::default().args(Lang::Zh))
        .arg("-w")
        .arg(&wav)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(i18n::announcement(Lang::Zh, Some(Platform::Alipay), Fen(1250)).as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let len = std::fs::metadata(&wav).expect("wav").len();
    assert!(len > 10_000, "about two seconds of speech, got {len} bytes");
}
