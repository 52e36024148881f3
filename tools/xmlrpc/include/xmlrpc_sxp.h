/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef XMLRPC_SXP_H
#define XMLRPC_SXP_H

struct sxp;
struct xmlrpc_value;

/* An SXP tree as nested arrays of strings; NULL on allocation failure. */
struct xmlrpc_value *xmlrpc_from_sxp(const struct sxp *s);

/*
 * The other way: arrays become lists, every other value an atom (ints
 * and booleans as their text); NULL on failure or a NULL value.
 */
struct sxp *xmlrpc_to_sxp(const struct xmlrpc_value *v);

#endif /* XMLRPC_SXP_H */
