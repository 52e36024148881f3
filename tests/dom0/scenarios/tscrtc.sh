# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=tscrtc: the TSC against the RTC, from a running system.
tscrtc
