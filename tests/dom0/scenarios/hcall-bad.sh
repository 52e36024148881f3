# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=hcall-bad: hypercalls with bad pointers, huge counts, bad ports
# and bad grant refs; each must fail and the hypervisor keep answering.
hcall --bad
