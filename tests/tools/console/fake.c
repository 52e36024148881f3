/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake.h"

void fake_init(struct fake *f)
{
    unsigned int i;

    memset(f, 0, sizeof(*f));
    if ( pipe2(f->watch_pipe, O_NONBLOCK | O_CLOEXEC) ||
         pipe2(f->evtchn_pipe, O_NONBLOCK | O_CLOEXEC) )
        abort();
    for ( i = 0; i < FAKE_PORTS; i++ )
        f->bound[i] = -1;
    f->next_port = 5;
}

void fake_fini(struct fake *f)
{
    unsigned int i;

    for ( i = 0; i < f->nr_nodes; i++ )
    {
        free(f->nodes[i].path);
        free(f->nodes[i].value);
    }
    for ( i = 0; i < f->nr_watches; i++ )
    {
        free(f->watches[i].path);
        free(f->watches[i].token);
    }
    while ( f->ev_head != f->ev_tail )
    {
        free(f->events[f->ev_head % FAKE_EVENTS][0]);
        free(f->events[f->ev_head % FAKE_EVENTS][1]);
        f->ev_head++;
    }
    for ( i = 0; i < FAKE_DOMS; i++ )
        free(f->doms[i].page);
    close(f->watch_pipe[0]);
    close(f->watch_pipe[1]);
    close(f->evtchn_pipe[0]);
    close(f->evtchn_pipe[1]);
}

/* Is child equal to parent or below it? */
static int subpath(const char *parent, const char *child)
{
    size_t n = strlen(parent);

    return !strncmp(parent, child, n) &&
           (child[n] == '\0' || child[n] == '/');
}

static void queue_event(struct fake *f, const char *path, const char *token)
{
    char c = 1;

    if ( f->ev_tail - f->ev_head == FAKE_EVENTS )
        abort();
    f->events[f->ev_tail % FAKE_EVENTS][0] = strdup(path);
    f->events[f->ev_tail % FAKE_EVENTS][1] = strdup(token);
    f->ev_tail++;
    if ( write(f->watch_pipe[1], &c, 1) != 1 )
        abort();
}

static void fire(struct fake *f, const char *path)
{
    unsigned int i;

    for ( i = 0; i < f->nr_watches; i++ )
        if ( path[0] == '@' ? !strcmp(f->watches[i].path, path)
                            : subpath(f->watches[i].path, path) )
            queue_event(f, path, f->watches[i].token);
}

void fake_xs_fire(struct fake *f, const char *path)
{
    fire(f, path);
}

static int find_node(struct fake *f, const char *path)
{
    unsigned int i;

    for ( i = 0; i < f->nr_nodes; i++ )
        if ( !strcmp(f->nodes[i].path, path) )
            return i;
    return -1;
}

void fake_xs_write(struct fake *f, const char *path, const char *value)
{
    int i = find_node(f, path);

    if ( i < 0 )
    {
        if ( f->nr_nodes == FAKE_NODES )
            abort();
        i = f->nr_nodes++;
        f->nodes[i].path = strdup(path);
    }
    else
        free(f->nodes[i].value);
    f->nodes[i].value = strdup(value);
    fire(f, path);
}

const char *fake_xs_get(struct fake *f, const char *path)
{
    int i = find_node(f, path);

    return i < 0 ? NULL : f->nodes[i].value;
}

void fake_xs_rm(struct fake *f, const char *path)
{
    unsigned int i;

    for ( i = 0; i < f->nr_nodes; )
        if ( subpath(path, f->nodes[i].path) )
        {
            free(f->nodes[i].path);
            free(f->nodes[i].value);
            f->nodes[i] = f->nodes[--f->nr_nodes];
        }
        else
            i++;
    fire(f, path);
}

static char *f_xs_read(void *h, const char *path)
{
    struct fake *f = h;
    int i = find_node(f, path);

    f->read_calls++;
    snprintf(f->last_read, sizeof(f->last_read), "%s", path);
    if ( i < 0 )
    {
        errno = ENOENT;
        return NULL;
    }
    return strdup(f->nodes[i].value);
}

static int f_xs_write(void *h, const char *path, const char *value)
{
    fake_xs_write(h, path, value);
    return 0;
}

/* One allocation: the pointer array, then the strings. */
static char **f_xs_directory(void *h, const char *path, unsigned int *num)
{
    struct fake *f = h;
    const char *names[FAKE_NODES];
    size_t plen = strlen(path), lens[FAKE_NODES], total = 0;
    unsigned int i, j, n = 0;
    bool exists = find_node(f, path) >= 0;
    char **vec, *s;

    f->directory_calls++;
    for ( i = 0; i < f->nr_nodes; i++ )
    {
        const char *p = f->nodes[i].path, *c;
        size_t l;

        if ( strncmp(p, path, plen) || p[plen] != '/' )
            continue;
        exists = true;
        c = p + plen + 1;
        l = strcspn(c, "/");
        for ( j = 0; j < n; j++ )
            if ( lens[j] == l && !strncmp(names[j], c, l) )
                break;
        if ( j == n )
        {
            names[n] = c;
            lens[n++] = l;
            total += l + 1;
        }
    }
    if ( !exists )
    {
        errno = ENOENT;
        return NULL;
    }
    vec = malloc((n + 1) * sizeof(char *) + total);
    s = (char *)(vec + n + 1);
    for ( j = 0; j < n; j++ )
    {
        vec[j] = s;
        memcpy(s, names[j], lens[j]);
        s[lens[j]] = '\0';
        s += lens[j] + 1;
    }
    vec[n] = NULL;
    *num = n;
    return vec;
}

static int f_xs_watch(void *h, const char *path, const char *token)
{
    struct fake *f = h;

    if ( f->nr_watches == FAKE_WATCHES )
        abort();
    f->watches[f->nr_watches].path = strdup(path);
    f->watches[f->nr_watches++].token = strdup(token);
    /* As xenstored: a new watch fires once at once. */
    queue_event(f, path, token);
    return 0;
}

static int f_xs_fileno(void *h)
{
    return ((struct fake *)h)->watch_pipe[0];
}

static char **f_xs_read_watch(void *h, unsigned int *num)
{
    struct fake *f = h;
    char c, **vec;
    size_t a, b;
    char *p, *t;

    if ( f->ev_head == f->ev_tail )
    {
        errno = EAGAIN;
        return NULL;
    }
    if ( read(f->watch_pipe[0], &c, 1) != 1 )
        abort();
    p = f->events[f->ev_head % FAKE_EVENTS][0];
    t = f->events[f->ev_head % FAKE_EVENTS][1];
    f->ev_head++;
    a = strlen(p) + 1;
    b = strlen(t) + 1;
    vec = malloc(2 * sizeof(char *) + a + b);
    vec[0] = (char *)(vec + 2);
    vec[1] = vec[0] + a;
    memcpy(vec[0], p, a);
    memcpy(vec[1], t, b);
    free(p);
    free(t);
    *num = 2;
    return vec;
}

struct cons_ring *fake_add_page(struct fake *f, unsigned int domid,
                                uint64_t gfn)
{
    unsigned int i;

    for ( i = 0; i < FAKE_DOMS; i++ )
        if ( !f->doms[i].page )
        {
            f->doms[i].domid = domid;
            f->doms[i].gfn = gfn;
            f->doms[i].page = aligned_alloc(4096, 4096);
            memset(f->doms[i].page, 0, 4096);
            return f->doms[i].page;
        }
    abort();
}

static struct cons_ring *f_map_ring(void *h, unsigned int domid,
                                    uint64_t gfn)
{
    struct fake *f = h;
    unsigned int i;

    for ( i = 0; i < FAKE_DOMS; i++ )
        if ( f->doms[i].page && f->doms[i].domid == domid &&
             f->doms[i].gfn == gfn )
        {
            f->doms[i].mapped++;
            f->maps++;
            return f->doms[i].page;
        }
    f->map_failures++;
    errno = EINVAL;
    return NULL;
}

static void f_unmap_ring(void *h, unsigned int domid, struct cons_ring *r)
{
    struct fake *f = h;
    unsigned int i;

    for ( i = 0; i < FAKE_DOMS; i++ )
        if ( f->doms[i].page == r && f->doms[i].domid == domid )
        {
            f->doms[i].mapped--;
            f->unmaps++;
            return;
        }
    abort();                    /* unmapping what was never mapped */
}

static int f_evtchn_bind(void *h, unsigned int domid, unsigned int port)
{
    struct fake *f = h;
    int p = f->next_port++;

    if ( p >= FAKE_PORTS )
        return -ENOSPC;
    f->bound[p] = domid;
    f->binds++;
    return p;
}

static void f_evtchn_unbind(void *h, unsigned int port)
{
    struct fake *f = h;

    if ( port >= FAKE_PORTS || f->bound[port] < 0 )
        abort();                /* unbinding what is not bound */
    f->bound[port] = -1;
    f->unbinds++;
}

static void f_evtchn_notify(void *h, unsigned int port)
{
    struct fake *f = h;

    if ( port >= FAKE_PORTS || f->bound[port] < 0 )
        abort();
    f->notifies[port]++;
}

static int f_evtchn_fd(void *h)
{
    return ((struct fake *)h)->evtchn_pipe[0];
}

static int f_evtchn_pending(void *h)
{
    struct fake *f = h;
    int port;

    if ( read(f->evtchn_pipe[0], &port, sizeof(port)) != sizeof(port) )
        return -1;
    return port;
}

static void f_evtchn_unmask(void *h, unsigned int port)
{
    ((struct fake *)h)->unmasks++;
}

void fake_guest_notify(struct fake *f, int local_port)
{
    if ( write(f->evtchn_pipe[1], &local_port, sizeof(local_port)) !=
         sizeof(local_port) )
        abort();
}

int fake_port_of(struct fake *f, unsigned int domid)
{
    int i;

    for ( i = 0; i < FAKE_PORTS; i++ )
        if ( f->bound[i] == (int)domid )
            return i;
    return -1;
}

static int f_dom_state(void *h, unsigned int domid)
{
    struct fake *f = h;

    f->dom_state_calls++;
    if ( domid >= FAKE_PORTS )
        return CONSD_DOM_UNKNOWN;
    return f->dying[domid] ? CONSD_DOM_GONE : CONSD_DOM_ALIVE;
}

const struct cons_ops fake_ops = {
    .xs_read = f_xs_read,
    .xs_write = f_xs_write,
    .xs_directory = f_xs_directory,
    .xs_watch = f_xs_watch,
    .xs_fileno = f_xs_fileno,
    .xs_read_watch = f_xs_read_watch,
    .map_ring = f_map_ring,
    .unmap_ring = f_unmap_ring,
    .evtchn_bind = f_evtchn_bind,
    .evtchn_unbind = f_evtchn_unbind,
    .evtchn_notify = f_evtchn_notify,
    .evtchn_fd = f_evtchn_fd,
    .evtchn_pending = f_evtchn_pending,
    .evtchn_unmask = f_evtchn_unmask,
    .dom_state = f_dom_state,
};

/* The guest's side: what Linux's hvc_xen does. */
size_t guest_put(struct cons_ring *r, const char *s, size_t n)
{
    uint32_t prod = r->out_prod, cons = r->out_cons;
    size_t i;

    for ( i = 0; i < n && prod - cons < CONS_OUT_SIZE; i++ )
        r->out[prod++ % CONS_OUT_SIZE] = s[i];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    r->out_prod = prod;
    return i;
}

size_t guest_get(struct cons_ring *r, char *buf, size_t n)
{
    uint32_t prod = r->in_prod, cons = r->in_cons;
    size_t i;

    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    for ( i = 0; i < n && cons != prod; i++ )
        buf[i] = r->in[cons++ % CONS_IN_SIZE];
    r->in_cons = cons;
    return i;
}
