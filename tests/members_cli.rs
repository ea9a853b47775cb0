//! `till members import|export` through the real binary: a good file is imported and exported back
//! with its rows; a bad row is refused by its line number with nothing imported, and the phone
//! number is never printed.

mod common;

use common::process::{World, till_binary};
use std::process::Command;
use till::sim::cloudpay::SimConfig;

fn members(w: &World, args: &[&str]) -> std::process::Output {
    Command::new(till_binary())
        .arg("members")
        .args(args)
        .arg("--config")
        .arg(&w.config_path)
        .output()
        .expect("run till members")
}

#[test]
fn members_are_imported_and_exported_and_a_bad_row_is_refused_by_its_line() {
    let w = World::new(SimConfig::default(), |_| {});
    let good = w.dir.path().join("members.csv");
    std::fs::write(
        &good,
        "id,name,phone,card,level,points\nM1,张三,13812345678,VIP001,金卡,120\nM2,李四,13900001111,,,\n",
    )
    .expect("write");
    let out = members(&w, &["import", good.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("imported 2 members"));
    let out = members(&w, &["export"]);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.contains("M1,张三,13812345678,VIP001,金卡,120") && csv.contains("M2,李四,13900001111,,,0"), "{csv}");

    let bad = w.dir.path().join("bad.csv");
    std::fs::write(&bad, "id,name,phone,card,level,points\nM3,王五,13700000000,,,\nM4,赵六,13812345678,,,\n")
        .expect("write");
    let out = members(&w, &["import", bad.to_str().expect("path")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("line 3"), "{err}");
    assert!(!err.contains("13812345678"), "{err}");
    let out = members(&w, &["export"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("M3"), "nothing imported");
}

/// An imported member has a dynamic-code secret: `till members code` prints a well-formed code the
/// till takes, `code-secret` the member page's otpauth link; the export carries neither (nor a PIN).
#[test]
fn an_imported_member_has_a_dynamic_code_and_the_export_carries_no_secret() {
    let w = World::new(SimConfig::default(), |_| {});
    let file = w.dir.path().join("members.csv");
    std::fs::write(&file, "id,name,phone,card,level,points\nM1,张三,13812345678,VIP001,金卡,120\n").expect("write");
    assert!(members(&w, &["import", file.to_str().expect("path")]).status.success());
    let out = members(&w, &["code", "M1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let code = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(till::core::member_code::parse(&code).is_some_and(|c| c.member == "M1"), "{code}");
    let out = members(&w, &["code-secret", "M1"]);
    let uri = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let secret = uri.split("secret=").nth(1).and_then(|s| s.split('&').next()).expect("a secret in the link");
    assert!(uri.starts_with("otpauth://totp/") && secret.len() == 32, "{uri}");
    let csv = String::from_utf8_lossy(&members(&w, &["export"]).stdout).to_string();
    assert!(!csv.contains(secret) && csv.lines().next() == Some("id,name,phone,card,level,points"), "{csv}");
    assert!(!members(&w, &["code", "M9"]).status.success(), "no such member, no code");
}
