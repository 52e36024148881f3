# SPDX-License-Identifier: GPL-2.0-or-later
# xenconsoled's core against fake xenstore/evtchn/page backends (real ptys
# and log files), the client's escape handling, mkinitrd.py --tools.
TOOL_SRCS   := tools/console/daemon/ring.c tools/console/daemon/log.c \
               tools/console/daemon/domain.c tools/console/client/escape.c
STUBS       := fake.c
AREA_CFLAGS := -I$(ROOT)/tools/console/daemon -I$(ROOT)/tools/console/client
AREA_LDLIBS := -lutil
