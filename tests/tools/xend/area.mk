# SPDX-License-Identifier: GPL-2.0-or-later
# xend: the pure parts (config -> build arguments, records, memory check,
# xenstore layout, on_* decisions, log lines) and xend + xm end to end on
# the host: a real xenstored (forked, fake rings), xend forked with a fake
# hypervisor (fake_hv.c, state in shared memory so it outlives a restart
# of xend), xm run in the test (xm_main).
TOOL_SRCS   := tools/xend/pure.c tools/xend/devices.c tools/xend/log.c tools/xend/domains.c \
               tools/xend/rpc.c \
               tools/xmlrpc/value.c tools/xmlrpc/codec.c tools/xmlrpc/http.c \
               tools/xmlrpc/client.c tools/xmlrpc/server.c tools/xmlrpc/sxp_value.c \
               tools/config/util.c tools/config/options.c \
               tools/config/vmcfg_lex.c tools/config/vmcfg.c \
               tools/config/domain.c tools/config/sxp.c tools/config/xend.c \
               tools/xenstore/xs.c tools/xenstore/xs_lib.c \
               tools/xenstore/xenstored_core.c tools/common/daemon.c \
               tools/xenstore/xenstored_store.c \
               tools/xenstore/xenstored_domain.c \
               tools/xenstore/xenstored_xen.c \
               tools/xenstore/xenstored_xc.c \
               tools/libxc/xc_domain.c tools/libxc/xc_private.c \
               tools/libxc/xc_physinfo.c \
               tools/xm/main.c tools/xm/cmds.c tools/xm/format.c \
               tools/xm/create.c
STUBS       := fake_hv.c
AREA_CFLAGS := -I$(ROOT)/tools/xend -I$(ROOT)/tools/xmlrpc/include \
               -I$(ROOT)/tools/config/include -I$(ROOT)/tools/xm \
               -I$(ROOT)/tools/xenstore/include -I$(ROOT)/tools/xenstore \
               -I$(ROOT)/tools/xenstore/compat -I$(ROOT)/tools/libxc/include \
               -I$(ROOT)/tools/common/include \
               $(shell pkg-config --cflags libxml-2.0)
AREA_LDLIBS := -lxml2 -lpthread -lm
