# SPDX-License-Identifier: GPL-2.0-or-later
# xm: output formats (pure functions) and the whole command end to end
# against a test xend (xm_test_server.c) on a unix socket in a temp dir.
TOOL_SRCS   := tools/xmlrpc/value.c tools/xmlrpc/codec.c tools/xmlrpc/http.c \
               tools/xmlrpc/client.c tools/xmlrpc/server.c tools/xmlrpc/sxp_value.c \
               tools/xm/main.c tools/xm/cmds.c tools/xm/format.c \
               tools/xm/create.c \
               $(patsubst $(ROOT)/%,%,$(wildcard $(ROOT)/tools/config/*.c))
STUBS       := xm_test_server.c
AREA_CFLAGS := -I$(ROOT)/tools/xmlrpc/include -I$(ROOT)/tools/xm \
               -I$(ROOT)/tools/config/include \
               $(shell pkg-config --cflags libxml-2.0)
AREA_LDLIBS := -lxml2 -lpthread -lm
