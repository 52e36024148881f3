# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=domctl: libxenctrl against the hypervisor (tests/dom0/xcdemo.c):
# physinfo, create / max_mem / populate / getdomaininfo / destroy with
# free memory restored, bad calls refused, a tiny guest that prints
# "hello from d<N>" and powers off (VIRQ_DOM_EXC to dom0).
xcdemo
echo "domctl: xcdemo rc=$?"
