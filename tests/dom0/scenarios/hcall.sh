# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=hcall: one hypercall through /dev/xen/privcmd (xen_version).
hcall version
