# SPDX-License-Identifier: GPL-2.0-or-later
# The PVH domain builder's image, cache and layout code (tools/libxc).
TOOL_SRCS   := tools/libxc/xc_dom_image.c tools/libxc/xc_dom_layout.c
STUBS       := helpers.c main.c
AREA_CFLAGS := -I$(ROOT)/tools/libxc/include
AREA_LDLIBS := -llzma -lz -lcrypto
