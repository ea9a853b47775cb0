#!/bin/bash
# The 32-bit ARM till run for real (make test-armhf): qemu-user's qemu-arm runs the armhf binary on
# this machine, with the cross libc of libc6-armhf-cross (-L /usr/arm-linux-gnueabihf).
# 1. the file is a stripped 32-bit ARM EABI5 hard-float program;
# 2. `till --version` says the version of Cargo.toml;
# 3. `till demo --headless` on a fresh data directory sells 2 colas and a noodle (11.50) through
#    the built-in Cloud Pay simulator: the redb store, the HTTP client, signing, the receipt;
# 4. `till export` and `till catalogue export` read that store back after the till has stopped:
#    the paid order under its number, and the demo catalogue.
# Usage: bash tests/qemu/run_armhf_user.sh path/to/armhf/till   (make test-armhf builds that first)
set -euo pipefail
cd "$(dirname "$0")/../.."
till=$(realpath "$1")
qemu=(qemu-arm -L /usr/arm-linux-gnueabihf)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "test-armhf: FAIL: $*" >&2
    exit 1
}
ok() { echo "test-armhf: ok: $*"; }

desc=$(file -b "$till")
case $desc in
*"not stripped"*) fail "not stripped: $desc" ;;
"ELF 32-bit LSB "*", ARM, EABI5 "*"/lib/ld-linux-armhf.so.3"*", stripped"*) ok "$desc" ;;
*) fail "not a stripped 32-bit ARM EABI5 hard-float program: $desc" ;;
esac

want="till $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
got=$("${qemu[@]}" "$till" --version)
[ "$got" = "$want" ] || fail "till --version said '$got', not '$want'"
ok "qemu-arm till --version: $got"

# A sale, headless: one JSON message per line in, one observation per line out.
coproc TILL { exec "${qemu[@]}" "$till" demo --headless --lang en --data-dir "$tmp/data" 2>"$tmp/stderr"; }
send() { printf '%s\n' "$1" >&"${TILL[1]}"; }
# await WHAT TEXT...: reads observations until one contains every TEXT (no line for 60 s: fails).
await() {
    local what=$1 line t
    shift
    while IFS= read -r -t 60 line <&"${TILL[0]}"; do
        for t in "$@"; do
            case $line in *"$t"*) ;; *) continue 2 ;; esac
        done
        seen=$line
        return 0
    done
    fail "the till never showed $what; its last log lines: $(tail -5 "$tmp/stderr")"
}
await "the sale screen" '"screen":"Sale"' '"signed_in":"01"'
send '{"Scan":"6900138600889"}'
send '{"Scan":"6900138600889"}'
send '{"Scan":"6920152400777"}'
await "three items, 11.50" '"total":1150'
send '{"Key":"Enter"}'
await "the tender screen" '"screen":{"Pay":{"cash_entry":false}}'
send '{"Scan":"134680423163089456"}'
await "the sale paid" '"screen":{"Done":' '"sale_status":"Paid"'
number=$(printf '%s\n' "$seen" | sed -n 's/.*"number":"\([0-9]*\)".*/\1/p')
[ -n "$number" ] || fail "no order number in $seen"
ok "a sale of 11.50 paid through the simulator, order $number"
send quit
wait "$TILL_PID" || fail "the till exited with status $?: $(tail -5 "$tmp/stderr")"

# The store read back by the CLI, through a config naming the same data directory.
sed "s|^data_dir = .*|data_dir = \"$tmp/data\"|" tests/qemu/till.toml >"$tmp/till.toml"
"${qemu[@]}" "$till" export --config "$tmp/till.toml" >"$tmp/export.jsonl" 2>"$tmp/export.err" ||
    fail "till export: $(cat "$tmp/export.err")"
grep -q "$number" "$tmp/export.jsonl" || fail "till export has no order $number: $(head -c 600 "$tmp/export.jsonl")"
ok "till export: $(wc -l <"$tmp/export.jsonl") lines, order $number among them"
"${qemu[@]}" "$till" catalogue export --config "$tmp/till.toml" >"$tmp/catalogue.csv" ||
    fail "till catalogue export failed"
grep -q '^6900138600889,' "$tmp/catalogue.csv" || fail "the catalogue export has no cola: $(head -3 "$tmp/catalogue.csv")"
ok "till catalogue export: $(($(wc -l <"$tmp/catalogue.csv") - 1)) products"
echo "test-armhf: the armhf till ran under qemu-arm: passed"
