# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=info: what dom0 sees of the machine, one "info:" line each.
echo "info: hypervisor type $(cat /sys/hypervisor/type 2>/dev/null || echo none)"
echo "info: nproc $(nproc)"
echo "info: mem total $(free -m | awk '/^Mem:/ { print $2 }') MB"
echo "info: privcmd $(test -c /dev/xen/privcmd && echo yes || echo no)"
echo "info: xenfs $(cat /proc/xen/capabilities 2>/dev/null || echo none)"
