/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xenstore-* tools' body, callable in-process by the unit tests. */
#ifndef KEEL_XENSTORE_CLIENT_H
#define KEEL_XENSTORE_CLIENT_H

/* argv[0]'s basename picks the command (xenstore-read...); returns the
 * exit status. */
int xenstore_client_main(int argc, char **argv);

#endif
