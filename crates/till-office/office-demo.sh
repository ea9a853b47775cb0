#!/bin/sh
# make office: a throwaway PostgreSQL cluster under target/office, till-office serving on it, a demo
# owner, and the demo till enrolled to it (its records go to the office). Quitting the till (F10)
# or Ctrl-C stops the office and the cluster. docs/back-office.md.
# Usage: office-demo.sh TILL_BIN OFFICE_BIN PORT
set -eu
till=$1 office=$2 port=$3
dir=$(pwd)/target/office
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as=""
# PostgreSQL refuses to run as root: as root, the cluster is nobody's (in $TMPDIR when nobody cannot
# reach target/, as under /root).
if [ "$(id -u)" = 0 ]; then
	as="runuser -u nobody --"
	mkdir -p "$dir"
	$as test -x "$dir" || dir=${TMPDIR:-/tmp}/till-office-demo
fi
# A unix socket's path has at most 107 bytes.
[ ${#dir} -le 90 ] || dir=${TMPDIR:-/tmp}/till-office-demo
if [ -f "$dir/data/postmaster.pid" ]; then $as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop || true; fi
rm -rf "$dir"
mkdir -p "$dir"
[ -z "$as" ] || chown nobody "$dir"
$as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log"
$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "-h '' -k $dir -p 5432" -w start >/dev/null
office_pid=""
stop() {
	[ -z "$office_pid" ] || kill "$office_pid" 2>/dev/null || true
	$as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM
db="host=$dir port=5432 user=postgres dbname=postgres"
TILL_OFFICE_PASSWORD=till-demo-owner "$office" --database-url "$db" add-owner owner
TILL_OFFICE_DEVICE_KEY=demo-backoffice-key "$office" --database-url "$db" add-device till-demo-01 --name "Demo till 演示收银台"
"$office" --database-url "$db" serve --listen "127.0.0.1:$port" --insecure-cookies >"$dir/office.out" 2>"$dir/office.log" &
office_pid=$!
tries=0
until grep -q '^listening on' "$dir/office.out"; do
	tries=$((tries + 1))
	if [ $tries -gt 300 ] || ! kill -0 "$office_pid" 2>/dev/null; then
		echo "till-office did not start:"; cat "$dir/office.log"; exit 1
	fi
	sleep 0.1
done
echo "The back office: http://127.0.0.1:$port/  (owner / till-demo-owner; its log: $dir/office.log)"
echo "Starting the demo till in 3 s: a sale made there shows on the page within seconds. F10 quits both."
sleep 3
"$till" demo --data-dir "$dir/till" --backoffice "http://127.0.0.1:$port/v1/records"
