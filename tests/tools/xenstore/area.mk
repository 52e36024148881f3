# SPDX-License-Identifier: GPL-2.0-or-later
# xenstored (forked from the test on a private socket, guests faked with
# file-backed rings), libxenstore and the xenstore-* tools.
TOOL_SRCS   := tools/xenstore/xs.c tools/xenstore/xs_lib.c \
               tools/xenstore/xenstored_core.c tools/common/daemon.c \
               tools/xenstore/xenstored_store.c \
               tools/xenstore/xenstored_domain.c \
               tools/xenstore/xenstored_xen.c \
               tools/xenstore/xenstored_xc.c \
               tools/libxc/xc_domain.c tools/libxc/xc_private.c \
               tools/libxc/xc_physinfo.c \
               tools/xenstore/xenstore_client.c
STUBS       := harness.c
AREA_CFLAGS := -I$(ROOT)/tools/xenstore/include -I$(ROOT)/tools/xenstore \
               -I$(ROOT)/tools/xenstore/compat -I$(ROOT)/tools/libxc/include \
               -I$(ROOT)/tools/common/include
AREA_LDLIBS := -lpthread
