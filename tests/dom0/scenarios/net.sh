# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=net: dom0's own e1000 driver on QEMU's user network: link,
# a DHCP lease from QEMU's built-in server, a ping to the gateway.
# "net:" lines are what the test asserts.

ip link set lo up
ip link set eth0 up || { echo "net: no eth0"; exit 1; }
# Link comes up from the NIC's link-status-change interrupt: poll for
# it, bounded (guest seconds).
i=0
while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ]; do
    i=$((i + 1))
    if [ $i -gt 30 ]; then
        echo "net: no link"
        exit 1
    fi
    sleep 1
done
echo "net: eth0 link up"

# udhcpc hands the lease to a script; this one only sets the address.
cat > /tmp/udhcpc.sh <<'EOS'
#!/bin/sh
case "$1" in
bound|renew)
    ip addr add "$ip/${mask:-24}" dev "$interface"
    echo "net: lease $ip router $router"
    ;;
esac
EOS
chmod +x /tmp/udhcpc.sh
udhcpc -i eth0 -n -q -t 5 -T 3 -s /tmp/udhcpc.sh ||
    { echo "net: no DHCP lease"; exit 1; }
if ping -c 3 -W 5 10.0.2.2 > /tmp/ping.out 2>&1; then
    echo "net: ping 10.0.2.2 $(grep -c 'bytes from' /tmp/ping.out) replies"
else
    echo "net: ping 10.0.2.2 failed"
fi
grep -E 'eth0|e1000' /proc/interrupts | sed 's/^/net: irq /'
# All of dom0's interrupt lines, for whoever reads the log.
sed 's/^/interrupts: /' /proc/interrupts
