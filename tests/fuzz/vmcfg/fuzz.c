/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm.cfg as untrusted input: whatever the bytes, the parser returns a
 * result or an error with a position; a result builds a domain or an
 * error; a domain's SXP reads back as the same tree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keelcfg.h"

extern const char *kcfg_machine_override;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ov[] = { "vmid=3", "extra=quiet" };
    struct kcfg *cfg = NULL;
    struct kcfg_domain *dom = NULL;
    struct kcfg_error err;
    char buf[600], *text;

    kcfg_machine_override = "x86_64";
    memset(&err, 0, sizeof(err));
    if ( kcfg_parse_string("fuzz.cfg", (const char *)data, size, ov, 2, &cfg,
                           &err) )
    {
        if ( cfg || !err.msg[0] )
            abort();    /* an error must say what went wrong */
        kcfg_error_format(&err, buf, sizeof(buf));
        return 0;
    }
    if ( !kcfg_domain_build(cfg, &dom, &err) )
    {
        struct sxp *s = kcfg_domain_to_sxp(dom), *back;
        char *out;

        if ( !s )
            abort();
        out = sxp_to_string(s);
        back = out ? sxp_parse_one("out", out, strlen(out), &err) : NULL;
        if ( !back || !sxp_equal(back, s) )
            abort();    /* the dryrun output must read back */
        sxp_free(back);
        free(out);
        sxp_free(s);
        kcfg_domain_free(dom);
    }
    else if ( dom || !err.msg[0] )
        abort();
    kcfg_free(cfg);

    /* The same bytes as one disk and one vif entry. */
    text = malloc(size + 1);
    if ( !text )
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    free(kcfg_disk_parse(text, &err));
    free(kcfg_vif_parse(text, &err));
    free(text);
    return 0;
}
