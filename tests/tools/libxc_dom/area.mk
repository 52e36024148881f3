# SPDX-License-Identifier: GPL-2.0-or-later
# The PVH domain builder (tools/libxc): images, cache, layout, and the
# whole build against a fake hypervisor through libxc's transport hook.
TOOL_SRCS   := tools/libxc/xc_dom_image.c tools/libxc/xc_dom_layout.c \
               tools/libxc/xc_dom_build.c tools/libxc/xc_foreign.c \
               tools/libxc/xc_private.c tools/libxc/xc_domain.c \
               tools/libxc/xc_physinfo.c
STUBS       := helpers.c main.c
AREA_CFLAGS := -I$(ROOT)/tools/libxc/include
AREA_LDLIBS := -llzma -lz -lcrypto
