# SPDX-License-Identifier: GPL-2.0-or-later
# xenstored's protocol handling: message framing, every operation,
# transactions and watches, as dom0 on a socket and as a guest on a ring.
SRCS     := tools/xenstore/xs_lib.c tools/xenstore/xenstored_core.c \
            tools/common/daemon.c \
            tools/xenstore/xenstored_store.c \
            tools/xenstore/xenstored_domain.c tools/xenstore/xenstored_xen.c \
            tools/xenstore/xenstored_xc.c tools/libxc/xc_domain.c \
            tools/libxc/xc_private.c tools/libxc/xc_physinfo.c
CFLAGS_T := -I$(ROOT)/tools/xenstore/include -I$(ROOT)/tools/xenstore \
            -I$(ROOT)/tools/xenstore/compat -I$(ROOT)/tools/libxc/include \
            -I$(ROOT)/tools/common/include
