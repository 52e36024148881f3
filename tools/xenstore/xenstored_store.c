/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node store.  The live tree is a hash of absolute paths to nodes;
 * each node keeps its children's names so DIRECTORY and recursive RM
 * need no scan.  Every update of a live node gives it a new generation
 * number from one global counter.
 *
 * A transaction sees the live tree through an overlay of the nodes it
 * changed (copied on first write, or a tombstone once removed) and
 * remembers the generation of every node it looked at (0: absent).  At
 * commit, if any of those generations moved, someone else changed what
 * the transaction's result depends on: it fails with EAGAIN and the
 * client starts again (Xen's semantics).  Otherwise the overlay replaces
 * the live nodes and the watches fire for what the transaction did.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct quota xsd_quota = {
    .entry_nb = 1000,
    .entry_size = 2048,
    .watch_nb = 128,
    .transaction = 10,
};

/* ---- a small string-keyed hash table ---- */
struct hent
{
    char *key;
    void *val;
    struct hent *next;
};

struct htab
{
    struct hent **b;
    size_t nb, n;
};

static size_t hash_str(const char *s)
{
    size_t h = 5381;

    while ( *s )
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static void htab_init(struct htab *h)
{
    h->nb = 64;
    h->n = 0;
    h->b = calloc(h->nb, sizeof(*h->b));
    if ( !h->b )
        abort();
}

static struct hent **htab_slot(const struct htab *h, const char *key)
{
    struct hent **pp = &h->b[hash_str(key) % h->nb];

    while ( *pp && strcmp((*pp)->key, key) )
        pp = &(*pp)->next;
    return pp;
}

static bool htab_get(const struct htab *h, const char *key, void **val)
{
    struct hent **pp = htab_slot(h, key);

    if ( !*pp )
        return false;
    if ( val )
        *val = (*pp)->val;
    return true;
}

static void htab_grow(struct htab *h)
{
    size_t nb = h->nb * 2, i;
    struct hent **b = calloc(nb, sizeof(*b));

    if ( !b )
        return;     /* a longer chain is still correct */
    for ( i = 0; i < h->nb; i++ )
    {
        struct hent *e = h->b[i];

        while ( e )
        {
            struct hent *next = e->next;
            size_t j = hash_str(e->key) % nb;

            e->next = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(h->b);
    h->b = b;
    h->nb = nb;
}

/* Insert or replace; returns the previous value (or NULL). */
static void *htab_put(struct htab *h, const char *key, void *val)
{
    struct hent **pp = htab_slot(h, key);
    struct hent *e;
    void *old;

    if ( *pp )
    {
        old = (*pp)->val;
        (*pp)->val = val;
        return old;
    }
    e = malloc(sizeof(*e));
    if ( !e || !(e->key = strdup(key)) )
        abort();    /* the daemon cannot continue half-updated */
    e->val = val;
    e->next = NULL;
    *pp = e;
    if ( ++h->n > h->nb )
        htab_grow(h);
    return NULL;
}

static void *htab_del(struct htab *h, const char *key)
{
    struct hent **pp = htab_slot(h, key);
    struct hent *e = *pp;
    void *val;

    if ( !e )
        return NULL;
    *pp = e->next;
    val = e->val;
    free(e->key);
    free(e);
    h->n--;
    return val;
}

static void htab_fini(struct htab *h, void (*free_val)(void *))
{
    size_t i;

    for ( i = 0; i < h->nb; i++ )
    {
        struct hent *e = h->b[i];

        while ( e )
        {
            struct hent *next = e->next;

            if ( free_val )
                free_val(e->val);
            free(e->key);
            free(e);
            e = next;
        }
    }
    free(h->b);
    h->b = NULL;
    h->nb = h->n = 0;
}

/* ---- nodes ---- */
static char tombstone;
#define TOMB ((void *)&tombstone)

static struct htab live;
static uint64_t store_gen;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if ( !p )
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);

    if ( !p )
        abort();
    return p;
}

static void node_free(void *v)
{
    struct node *n = v;
    unsigned int i;

    if ( !n || v == TOMB )
        return;
    for ( i = 0; i < n->nchildren; i++ )
        free(n->children[i]);
    free(n->children);
    free(n->perms);
    free(n->value);
    free(n->path);
    free(n);
}

static struct node *node_new(const char *path,
                             const struct xs_permissions *perms,
                             unsigned int nperms)
{
    struct node *n = calloc(1, sizeof(*n));

    if ( !n )
        abort();
    n->path = xstrdup(path);
    n->value = xmalloc(1);
    n->value[0] = '\0';
    n->perms = xmalloc(nperms * sizeof(*perms));
    memcpy(n->perms, perms, nperms * sizeof(*perms));
    n->nperms = nperms;
    return n;
}

static struct node *node_dup(const struct node *o)
{
    struct node *n = node_new(o->path, o->perms, o->nperms);
    unsigned int i;

    free(n->value);
    n->value = xmalloc(o->vlen + 1);
    memcpy(n->value, o->value, o->vlen + 1);
    n->vlen = o->vlen;
    n->children = xmalloc(o->nchildren * sizeof(char *));
    for ( i = 0; i < o->nchildren; i++ )
        n->children[i] = xstrdup(o->children[i]);
    n->nchildren = o->nchildren;
    n->gen = o->gen;
    return n;
}

static void node_add_child(struct node *n, const char *name)
{
    n->children = realloc(n->children,
                          (n->nchildren + 1) * sizeof(char *));
    if ( !n->children )
        abort();
    n->children[n->nchildren++] = xstrdup(name);
}

static void node_del_child(struct node *n, const char *name)
{
    unsigned int i;

    for ( i = 0; i < n->nchildren; i++ )
        if ( !strcmp(n->children[i], name) )
        {
            free(n->children[i]);
            memmove(&n->children[i], &n->children[i + 1],
                    (n->nchildren - i - 1) * sizeof(char *));
            n->nchildren--;
            return;
        }
}

/* "/a/b" -> "/a"; "/a" -> "/". */
static char *parent_of(const char *path)
{
    char *p = xstrdup(path);
    char *slash = strrchr(p, '/');

    if ( slash == p )
        slash[1] = '\0';
    else if ( slash )
        *slash = '\0';
    return p;
}

static const char *basename_of(const char *path)
{
    return strrchr(path, '/') + 1;
}

static char *child_path(const char *parent, const char *name)
{
    size_t lp = strlen(parent), ln = strlen(name);
    char *p = xmalloc(lp + ln + 2);

    memcpy(p, parent, lp);
    if ( lp && parent[lp - 1] != '/' )
        p[lp++] = '/';
    memcpy(p + lp, name, ln + 1);
    return p;
}

/* ---- per-domain node accounting ---- */
struct acct
{
    unsigned int domid;
    int nodes;
    struct acct *next;
};

static struct acct *live_acct;

static void acct_change(struct acct **list, unsigned int domid, int delta)
{
    struct acct *a;

    for ( a = *list; a; a = a->next )
        if ( a->domid == domid )
        {
            a->nodes += delta;
            return;
        }
    a = xmalloc(sizeof(*a));
    a->domid = domid;
    a->nodes = delta;
    a->next = *list;
    *list = a;
}

static int acct_get(struct acct *list, unsigned int domid)
{
    for ( ; list; list = list->next )
        if ( list->domid == domid )
            return list->nodes;
    return 0;
}

static void acct_free(struct acct *a)
{
    while ( a )
    {
        struct acct *n = a->next;

        free(a);
        a = n;
    }
}

unsigned int store_count_owned(unsigned int domid)
{
    return acct_get(live_acct, domid);
}

/* ---- transactions ---- */
struct change
{
    char *path;
    bool recursive;
    struct xs_permissions *perms;
    unsigned int nperms;
};

struct txn
{
    uint32_t id;
    struct conn *conn;
    struct htab overlay;        /* path -> node, or TOMB */
    struct htab accessed;       /* path -> generation seen, 0 if absent */
    struct change *changes;
    unsigned int nchanges;
    struct acct *acct;          /* node count deltas per domain */
    struct txn *next;
};

static struct txn *all_txns;

static void record_access(struct txn *t, const char *path,
                          const struct node *n)
{
    if ( !htab_get(&t->accessed, path, NULL) )
        htab_put(&t->accessed, path,
                 (void *)(uintptr_t)(n ? n->gen : 0));
}

const struct node *st_get(struct txn *t, const char *path)
{
    void *v;
    struct node *n;

    if ( t && htab_get(&t->overlay, path, &v) )
        return v == TOMB ? NULL : v;
    n = htab_get(&live, path, &v) ? v : NULL;
    if ( t )
        record_access(t, path, n);
    return n;
}

/* A node the caller may change; call touch() afterwards. */
static struct node *get_mut(struct txn *t, const char *path)
{
    void *v;
    struct node *n;

    if ( !t )
        return htab_get(&live, path, &v) ? v : NULL;
    if ( htab_get(&t->overlay, path, &v) )
        return v == TOMB ? NULL : v;
    n = htab_get(&live, path, &v) ? v : NULL;
    record_access(t, path, n);
    if ( !n )
        return NULL;
    n = node_dup(n);
    htab_put(&t->overlay, path, n);
    return n;
}

static void touch(struct txn *t, struct node *n)
{
    if ( !t )
        n->gen = ++store_gen;
}

static void put_new(struct txn *t, struct node *n)
{
    if ( t )
        node_free(htab_put(&t->overlay, n->path, n));
    else
    {
        n->gen = ++store_gen;
        node_free(htab_put(&live, n->path, n));
    }
}

static void delete_one(struct txn *t, const char *path)
{
    if ( t )
        node_free(htab_put(&t->overlay, path, TOMB));
    else
        node_free(htab_del(&live, path));
}

static void acct_add(struct txn *t, unsigned int domid, int delta)
{
    acct_change(t ? &t->acct : &live_acct, domid, delta);
}

static unsigned int owned(struct txn *t, unsigned int domid)
{
    return acct_get(live_acct, domid) + (t ? acct_get(t->acct, domid) : 0);
}

static void record_change(struct txn *t, const char *path, bool recursive,
                          const struct xs_permissions *perms,
                          unsigned int nperms)
{
    struct change *ch;

    if ( !t )
    {
        fire_watches(path, recursive, perms, nperms);
        return;
    }
    t->changes = realloc(t->changes,
                         (t->nchanges + 1) * sizeof(*t->changes));
    if ( !t->changes )
        abort();
    ch = &t->changes[t->nchanges++];
    ch->path = xstrdup(path);
    ch->recursive = recursive;
    ch->perms = xmalloc(nperms * sizeof(*perms));
    memcpy(ch->perms, perms, nperms * sizeof(*perms));
    ch->nperms = nperms;
}

unsigned int perms_for(const struct conn *c,
                       const struct xs_permissions *perms, unsigned int np)
{
    unsigned int domid = conn_domid(c), i;

    if ( conn_privileged(c) || domid == perms[0].id )
        return XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
    for ( i = 1; i < np; i++ )
        if ( perms[i].id == domid )
            return perms[i].perms & (XS_PERM_READ | XS_PERM_WRITE);
    return perms[0].perms & (XS_PERM_READ | XS_PERM_WRITE);
}

unsigned int perm_for(const struct conn *c, const struct node *n)
{
    return perms_for(c, n->perms, n->nperms);
}

int st_write(struct conn *c, struct txn *t, const char *path,
             const char *value, unsigned int vlen, bool only_mkdir)
{
    bool priv = conn_privileged(c);
    struct node *n;
    char *anc, *p;
    unsigned int missing = 0;
    const struct node *a;

    n = get_mut(t, path);
    if ( n && only_mkdir )
        return 0;
    if ( !priv && vlen > xsd_quota.entry_size )
    {
        xsd_log("dom%u: write of %u bytes to %s refused: over the %u-byte"
                " node size quota (--entry-size)", conn_domid(c), vlen,
                path, xsd_quota.entry_size);
        return ENOSPC;
    }
    if ( n )
    {
        if ( !(perm_for(c, n) & XS_PERM_WRITE) )
            return EACCES;
        free(n->value);
        n->value = xmalloc(vlen + 1);
        memcpy(n->value, value, vlen);
        n->value[vlen] = '\0';
        n->vlen = vlen;
        touch(t, n);
        record_change(t, path, false, n->perms, n->nperms);
        return 0;
    }

    /* Find the nearest ancestor that exists: it decides who may create. */
    anc = parent_of(path);
    missing = 1;
    while ( !(a = st_get(t, anc)) )
    {
        p = parent_of(anc);
        free(anc);
        anc = p;
        missing++;
    }
    if ( !(perm_for(c, a) & XS_PERM_WRITE) )
    {
        free(anc);
        return EACCES;
    }
    if ( !priv && owned(t, conn_domid(c)) + missing > xsd_quota.entry_nb )
    {
        xsd_log("dom%u: creating %s refused: the domain owns %u nodes, the"
                " quota is %u (--entry-nb)", conn_domid(c), path,
                owned(t, conn_domid(c)), xsd_quota.entry_nb);
        free(anc);
        return ENOSPC;
    }

    /* Create each missing level below the ancestor, parents first. */
    while ( missing )
    {
        struct node *parent = get_mut(t, anc), *child;
        const char *rest = path + strlen(anc) + (strcmp(anc, "/") ? 1 : 0);
        const char *slash = strchr(rest, '/');
        size_t len = slash ? (size_t)(slash - path) : strlen(path);
        char *cpath = xmalloc(len + 1);

        memcpy(cpath, path, len);
        cpath[len] = '\0';
        child = node_new(cpath, parent->perms, parent->nperms);
        /* What a guest creates is its own (Xen's rule). */
        if ( !priv )
            child->perms[0].id = conn_domid(c);
        node_add_child(parent, basename_of(cpath));
        touch(t, parent);
        acct_add(t, child->perms[0].id, 1);
        if ( --missing == 0 )
        {
            free(child->value);
            child->value = xmalloc(vlen + 1);
            memcpy(child->value, value, vlen);
            child->value[vlen] = '\0';
            child->vlen = vlen;
        }
        put_new(t, child);
        free(anc);
        anc = cpath;
    }
    n = get_mut(t, path);
    record_change(t, path, false, n->perms, n->nperms);
    free(anc);
    return 0;
}

static void delete_subtree(struct txn *t, const char *path)
{
    const struct node *n = st_get(t, path);
    unsigned int i;

    if ( !n )
        return;
    for ( i = 0; i < n->nchildren; i++ )
    {
        char *cp = child_path(path, n->children[i]);

        delete_subtree(t, cp);
        free(cp);
    }
    acct_add(t, n->perms[0].id, -1);
    delete_one(t, path);
}

int st_rm(struct conn *c, struct txn *t, const char *path)
{
    const struct node *n;
    struct node *parent;
    struct xs_permissions *perms;
    unsigned int nperms;
    char *ppath;

    if ( !strcmp(path, "/") )
        return EINVAL;
    n = st_get(t, path);
    ppath = parent_of(path);
    if ( !n )
    {
        /* Removing what is already gone is fine if its parent exists. */
        int rc = st_get(t, ppath) ? 0 : ENOENT;

        free(ppath);
        return rc;
    }
    if ( !(perm_for(c, n) & XS_PERM_WRITE) )
    {
        free(ppath);
        return EACCES;
    }
    nperms = n->nperms;
    perms = xmalloc(nperms * sizeof(*perms));
    memcpy(perms, n->perms, nperms * sizeof(*perms));

    delete_subtree(t, path);
    parent = get_mut(t, ppath);
    if ( parent )
    {
        node_del_child(parent, basename_of(path));
        touch(t, parent);
    }
    record_change(t, path, true, perms, nperms);
    free(perms);
    free(ppath);
    return 0;
}

int st_set_perms(struct conn *c, struct txn *t, const char *path,
                 const struct xs_permissions *perms, unsigned int np)
{
    const struct node *cur = st_get(t, path);
    struct node *n;

    if ( !cur )
        return ENOENT;
    if ( (perm_for(c, cur) & (XS_PERM_WRITE | XS_PERM_OWNER)) !=
         (XS_PERM_WRITE | XS_PERM_OWNER) )
        return EACCES;
    /* A guest may share its nodes but not give them away. */
    if ( !conn_privileged(c) && perms[0].id != cur->perms[0].id )
        return EPERM;
    n = get_mut(t, path);
    if ( n->perms[0].id != perms[0].id )
    {
        acct_add(t, n->perms[0].id, -1);
        acct_add(t, perms[0].id, 1);
    }
    free(n->perms);
    n->perms = xmalloc(np * sizeof(*perms));
    memcpy(n->perms, perms, np * sizeof(*perms));
    n->nperms = np;
    touch(t, n);
    record_change(t, path, false, n->perms, n->nperms);
    return 0;
}

struct txn *txn_new(struct conn *c, uint32_t id)
{
    struct txn *t = calloc(1, sizeof(*t));

    if ( !t )
        return NULL;
    t->id = id;
    t->conn = c;
    htab_init(&t->overlay);
    htab_init(&t->accessed);
    t->next = all_txns;
    all_txns = t;
    return t;
}

struct txn *txn_find(struct conn *c, uint32_t id)
{
    struct txn *t;

    for ( t = all_txns; t; t = t->next )
        if ( t->conn == c && t->id == id )
            return t;
    return NULL;
}

static void txn_free(struct txn *t)
{
    struct txn **pp;
    unsigned int i;

    for ( pp = &all_txns; *pp; pp = &(*pp)->next )
        if ( *pp == t )
        {
            *pp = t->next;
            break;
        }
    htab_fini(&t->overlay, node_free);
    htab_fini(&t->accessed, NULL);
    for ( i = 0; i < t->nchanges; i++ )
    {
        free(t->changes[i].path);
        free(t->changes[i].perms);
    }
    free(t->changes);
    acct_free(t->acct);
    free(t);
}

static bool txn_conflicts(struct txn *t)
{
    size_t i;

    for ( i = 0; i < t->accessed.nb; i++ )
    {
        struct hent *e;

        for ( e = t->accessed.b[i]; e; e = e->next )
        {
            void *v;
            uint64_t now = htab_get(&live, e->key, &v)
                           ? ((struct node *)v)->gen : 0;

            if ( now != (uint64_t)(uintptr_t)e->val )
                return true;
        }
    }
    return false;
}

int txn_end(struct txn *t, bool commit)
{
    size_t i;
    struct acct *a;

    if ( !commit )
    {
        txn_free(t);
        return 0;
    }
    if ( txn_conflicts(t) )
    {
        txn_free(t);
        return EAGAIN;
    }
    for ( i = 0; i < t->overlay.nb; i++ )
    {
        struct hent *e;

        for ( e = t->overlay.b[i]; e; e = e->next )
        {
            if ( e->val == TOMB )
                node_free(htab_del(&live, e->key));
            else
            {
                struct node *n = e->val;

                n->gen = ++store_gen;
                node_free(htab_put(&live, e->key, n));
            }
            e->val = TOMB;      /* now owned by the live tree */
        }
    }
    for ( a = t->acct; a; a = a->next )
        acct_change(&live_acct, a->domid, a->nodes);
    for ( i = 0; i < t->nchanges; i++ )
        fire_watches(t->changes[i].path, t->changes[i].recursive,
                     t->changes[i].perms, t->changes[i].nperms);
    txn_free(t);
    return 0;
}

void txn_free_all(struct conn *c)
{
    struct txn *t = all_txns, *next;

    for ( ; t; t = next )
    {
        next = t->next;
        if ( t->conn == c )
            txn_free(t);
    }
}

unsigned int txn_count(struct conn *c)
{
    struct txn *t;
    unsigned int n = 0;

    for ( t = all_txns; t; t = t->next )
        n += t->conn == c;
    return n;
}

void store_init(void)
{
    static const struct xs_permissions root_perms = { 0, XS_PERM_NONE };
    struct node *n;

    htab_init(&live);
    n = node_new("/", &root_perms, 1);
    put_new(NULL, n);
    acct_add(NULL, 0, 1);
    /* Xen's xenstored starts with /tool/xenstored; tools expect it. */
    n = get_mut(NULL, "/");
    node_add_child(n, "tool");
    put_new(NULL, node_new("/tool", &root_perms, 1));
    n = get_mut(NULL, "/tool");
    node_add_child(n, "xenstored");
    put_new(NULL, node_new("/tool/xenstored", &root_perms, 1));
    acct_add(NULL, 0, 2);
}

void store_fini(void)
{
    while ( all_txns )
        txn_free(all_txns);
    htab_fini(&live, node_free);
    acct_free(live_acct);
    live_acct = NULL;
}
