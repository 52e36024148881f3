# SPDX-License-Identifier: GPL-2.0-or-later
# libxmlrpc: encode/decode round trips, malformed input, client <-> server
# over a real unix socket in a temporary directory.
TOOL_SRCS   := tools/xmlrpc/value.c tools/xmlrpc/codec.c tools/xmlrpc/http.c \
               tools/xmlrpc/client.c tools/xmlrpc/server.c
AREA_CFLAGS := -I$(ROOT)/tools/xmlrpc/include -I$(ROOT)/tools/xmlrpc \
               $(shell pkg-config --cflags libxml-2.0)
AREA_LDLIBS := -lxml2 -lpthread -lm
