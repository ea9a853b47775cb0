#!/bin/sh
# The till in a CJK-capable console terminal: fbterm on the framebuffer when there is one, else the
# till straight on the VT (the plain Linux console cannot draw Chinese; English still works).
# Installed as /usr/libexec/till/till-console by every image (till.service.d/console.conf).
# The framebuffer's driver may still be loading when the till starts (a module udev loads at
# coldplug; trixie's are xz-compressed and slower to load): while udev still has events queued
# (/run/udev/queue) and there is no /dev/fb0 yet, wait for it, at most 10 s. Without this the till
# could start on the plain console at its size, and stay there.
n=0
while [ ! -c /dev/fb0 ] && [ -e /run/udev/queue ] && [ "$n" -lt 100 ]; do
    sleep 0.1
    n=$((n + 1))
done
if [ -c /dev/fb0 ] && command -v fbterm >/dev/null 2>&1; then
    # systemd's WATCHDOG_PID names fbterm, the main process: without it the till, fbterm's child,
    # pings the watchdog itself (NotifyAccess=all).
    unset WATCHDOG_PID
    # fbterm sets TERM=linux for its child; the till needs to know it is fbterm: fbterm reads
    # xterm's colour sequences as other attributes, so the till sends it fbterm's own
    # (src/app/console.rs). The shell sets TERM after fbterm has.
    # shellcheck disable=SC2016 # $@ is the inner shell's
    exec fbterm --font-names="WenQuanYi Micro Hei Mono" --font-size=20 -- /bin/sh -c 'TERM=fbterm exec "$@"' till-console "$@"
fi
exec "$@"
