/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xm: the command-line interface to xend (see main.c). */
#include <stdio.h>

#include "xm.h"

int main(int argc, char **argv)
{
    return xm_main(argc, argv, stdout, stderr);
}
