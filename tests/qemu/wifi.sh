# Sourced by tests/qemu/init when the kit's Wi-Fi archive is in the initramfs (initrd-wifi.gz, the
# boot of tests/qemu_arm_wifi.rs): two radios simulated by the kernel (mac80211_hwsim: wlan0 and
# wlan1), the shop's access point on wlan1 (hostapd), wpa_supplicant on wlan0 with its file on the
# data disk (as the image keeps it on its data partition), and a cashier signed in instead of the
# supervisor, so that a Wi-Fi code needs the supervisor's PIN.
while read -r m; do insmod "/lib/modules/$m.ko" || echo "till-qemu: insmod $m failed"; done </lib/modules/wifi-order
for _ in $(seq 50); do
    [ -e /sys/class/net/wlan1 ] && break
    sleep 0.1
done
mkdir -p /run
if hostapd -B -P /tmp/hostapd.pid -f /tmp/hostapd.log /etc/hostapd.conf >/dev/null; then
    ap="access point on wlan1"
else
    ap="no access point"
    cat /tmp/hostapd.log
fi
conf=/var/lib/till/wpa_supplicant-wlan0.conf
[ -e "$conf" ] || printf 'ctrl_interface=DIR=/run/wpa_supplicant\nupdate_config=1\ncountry=CN\n' >"$conf"
chmod 600 "$conf"
wpa_supplicant -B -P /tmp/wpa_supplicant.pid -f /tmp/wpa_supplicant.log -D nl80211 -i wlan0 -c "$conf" ||
    echo "till-qemu: wpa_supplicant failed: $(cat /tmp/wpa_supplicant.log)"
radios=""
for dev in /sys/class/net/wlan*; do radios="$radios${dev##*/} "; done
echo "till-qemu: wifi: ${radios}up, $ap"
if ! HOME=/tmp till operators --config /etc/till/till.toml list | grep -q '^02 '; then
    echo 2580 | HOME=/tmp till operators --config /etc/till/till.toml add --number 02 --name Cashier
fi
sed -i 's/^auto_sign_in = "01"/auto_sign_in = "02"/' /etc/till/till.toml
