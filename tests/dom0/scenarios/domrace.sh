# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=domrace: a guest's grants, event channels and pages used by
# one dom0 thread while another destroys the guest (tests/dom0/domrace.c),
# the race CI saw as a hypervisor panic in grant_unpin; fixed rounds.
# keel.domrace=N sets the number of rounds (default 20).  libxc's own
# error messages for the expected failures go to /dev/null: domrace
# prints what it checks.
rounds=$(sed -n 's/.*keel\.domrace=\([0-9]*\).*/\1/p' /proc/cmdline)
domrace --rounds "${rounds:-20}" 2>/dev/null
echo "domrace: domrace rc=$?"
