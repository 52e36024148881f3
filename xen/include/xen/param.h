/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor command-line parameters.  Each subsystem declares its own
 * options next to the variable they set; cmdline_parse() walks the table.
 *
 *   integer_param("maxcpus", max_cpus);
 *   boolean_param("noreboot", opt_noreboot);   - "noreboot", "noreboot=1"
 *   size_param("conring_size", conring_size);  - "64K"
 *   string_param("console", opt_console);
 *   custom_param("dom0_mem", parse_dom0_mem);  - handler returns 0/-errno
 *
 * A handler or converter that rejects a value leaves the variable as it was
 * (the default), and cmdline_parse() prints the option and the bad value.
 */
#ifndef XEN_PARAM_H
#define XEN_PARAM_H

#include <xen/types.h>
#include <xen/compiler.h>

enum param_type {
    OPT_STR,
    OPT_UINT,
    OPT_BOOL,
    OPT_SIZE,
    OPT_CUSTOM,
};

struct kernel_param {
    const char *name;
    enum param_type type;
    unsigned int len;           /* size of the variable */
    union {
        void *var;
        int (*func)(const char *);
    } par;
};

#define __param_entry(id) \
    static const struct kernel_param __kparam_##id \
    __used __section("xen_params") __aligned(8)

#define custom_param(_name, _fn) \
    __param_entry(_fn) = { .name = _name, .type = OPT_CUSTOM, \
                           .par.func = _fn }
#define boolean_param(_name, _var) \
    __param_entry(_var) = { .name = _name, .type = OPT_BOOL, \
                            .len = sizeof(_var), .par.var = &_var }
#define integer_param(_name, _var) \
    __param_entry(_var) = { .name = _name, .type = OPT_UINT, \
                            .len = sizeof(_var), .par.var = &_var }
#define size_param(_name, _var) \
    __param_entry(_var) = { .name = _name, .type = OPT_SIZE, \
                            .len = sizeof(_var), .par.var = &_var }
#define string_param(_name, _var) \
    __param_entry(_var) = { .name = _name, .type = OPT_STR, \
                            .len = sizeof(_var), .par.var = &_var }

/*
 * Parse "yes/no/on/off/true/false/enable/disable/1/0".  Returns 1 or 0, or
 * -1 if s is none of these.  e (may be NULL) marks the end of the value.
 */
int parse_bool(const char *s, const char *e);

/*
 * Strip the image name that legacy loaders (GRUB 0.97, QEMU -kernel) put
 * first; GRUB 2 does not.  Returns a pointer into cmdline.
 */
const char *cmdline_cook(const char *cmdline, const char *loader_name);

/* Parse a cooked command line against every registered parameter. */
void cmdline_parse(const char *cmdline);

/* The same, against an explicit table (used by the unit tests). */
void cmdline_parse_table(const char *cmdline,
                         const struct kernel_param *start,
                         const struct kernel_param *end);

/* The command line as given (cooked), for "Command line:" and xm info. */
extern char saved_cmdline[];
#define SAVED_CMDLINE_SIZE 1024

#endif
