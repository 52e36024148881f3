# SPDX-License-Identifier: GPL-2.0-or-later
#
# Common rules for the dom0 tools.  A component's Makefile sets
#
#   TOOLS_ROOT := ..            (path to tools/ from the component)
#   include $(TOOLS_ROOT)/Rules.mk
#
# and then defines its targets with the variables below.  Objects go to
# $(BUILD) (tools/<component>/build/), never next to the sources.
#
#   LIBS_<name>  the -l flags and -L paths a component links with
#   install:     installs under $(DESTDIR) (FHS paths: /usr/sbin, /usr/lib,
#                /etc/xen, /var/log/xen)
#
# Libraries shared between components are static archives
# (tools/<lib>/build/lib<lib>.a) so the tools need no rpath and dom0's
# userland only needs Debian's shared libraries (libxml2, liblzma, zlib,
# libcrypto, libncurses).

# The dependency files included below define targets: keep `all` the
# default goal whatever a component defines first.
.DEFAULT_GOAL := all

TOOLS_ROOT ?= ..
TOOLS      := $(abspath $(TOOLS_ROOT))
ROOT       := $(abspath $(TOOLS)/..)
BUILD      ?= build
DESTDIR    ?= $(ROOT)/dist/install

CC         ?= gcc
AR         ?= ar
CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
              -Wmissing-prototypes -Wstrict-prototypes \
              -D_GNU_SOURCE -MMD -MP \
              -I$(TOOLS)/include
LDFLAGS    ?=

# Include paths of the tools libraries (each exports include/).
INC_common   := -I$(TOOLS)/common/include
INC_config   := -I$(TOOLS)/config/include
INC_xenstore := -I$(TOOLS)/xenstore/include
# The guest ABI headers (xen/include/public/, included as <public/xen.h>)
# are shared with the hypervisor; KEEL_TOOLS makes <xen/types.h> use libc's
# stdint types.
INC_public   := -DKEEL_TOOLS -I$(ROOT)/xen/include
INC_libxc    := -I$(TOOLS)/libxc/include $(INC_public)
INC_xmlrpc   := -I$(TOOLS)/xmlrpc/include $(shell pkg-config --cflags libxml-2.0 2>/dev/null)

# Archives, for linking.
LIB_common   := $(TOOLS)/common/build/libkeelcommon.a
LIB_config   := $(TOOLS)/config/build/libkeelcfg.a
LIB_xenstore := $(TOOLS)/xenstore/build/libxenstore.a
LIB_libxc    := $(TOOLS)/libxc/build/libxenctrl.a
LIB_xmlrpc   := $(TOOLS)/xmlrpc/build/libxmlrpc.a

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<

-include $(wildcard $(BUILD)/*.d $(BUILD)/*/*.d)
