# SPDX-License-Identifier: GPL-2.0-or-later
# The device part of perfxm alone (keel.test=perfxdev; create_time.py
# --only perfxdev), for working on the hotplug path without perfxm's
# tiny guests and cycles: `xm create' of the 128 MiB guest cold (fills
# xend's kernel cache), warm, then with a file vbd and a vif on xenbr0
# twice (xdev, xdev2: the second with loop and bridge state already
# warm), and the hotplug log.  The steps are perfxm.sh's (same lines, so
# create_time.py reads them alike).
PERFXM_STEPS=devices . "$(dirname "$0")/perfxm.sh"
