# SPDX-License-Identifier: GPL-2.0-or-later
# SXP and xend-config.sxp: parse, print, parse again (must be equal).
SRCS     := tools/config/util.c tools/config/options.c \
            tools/config/vmcfg_lex.c tools/config/vmcfg.c \
            tools/config/domain.c tools/config/sxp.c tools/config/xend.c
CFLAGS_T := -I$(ROOT)/tools/config/include
