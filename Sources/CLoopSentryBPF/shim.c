#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <linux/pkt_cls.h>
#include "CLoopSentryBPF.h"

static char ls_log[4096];
static size_t ls_log_len;
static pthread_mutex_t ls_log_lock = PTHREAD_MUTEX_INITIALIZER;

static int ls_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    if (level == LIBBPF_DEBUG)
        return 0;
    char line[1024];
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    if (n <= 0)
        return 0;
    if ((size_t)n >= sizeof(line))
        n = sizeof(line) - 1;
    pthread_mutex_lock(&ls_log_lock);
    if (ls_log_len + (size_t)n >= sizeof(ls_log)) {
        /* keep the newest lines: drop the oldest half */
        size_t keep = ls_log_len / 2;
        memmove(ls_log, ls_log + ls_log_len - keep, keep);
        ls_log_len = keep;
    }
    if (ls_log_len + (size_t)n < sizeof(ls_log)) {
        memcpy(ls_log + ls_log_len, line, (size_t)n);
        ls_log_len += (size_t)n;
        ls_log[ls_log_len] = 0;
    }
    pthread_mutex_unlock(&ls_log_lock);
    return 0;
}

void ls_libbpf_capture_logs(void) { libbpf_set_print(ls_print); }

void ls_libbpf_take_log(char *buf, size_t size)
{
    if (size == 0)
        return;
    pthread_mutex_lock(&ls_log_lock);
    size_t n = ls_log_len < size - 1 ? ls_log_len : size - 1;
    memcpy(buf, ls_log, n);
    buf[n] = 0;
    ls_log_len = 0;
    ls_log[0] = 0;
    pthread_mutex_unlock(&ls_log_lock);
}

/* The clsact ingress hook of an interface (LIBBPF_OPTS does not import into Swift). */
static void ls_ingress_hook(struct bpf_tc_hook *hook, int ifindex)
{
    memset(hook, 0, sizeof(*hook));
    hook->sz = sizeof(*hook);
    hook->ifindex = ifindex;
    hook->attach_point = BPF_TC_INGRESS;
}

/* Filter options naming LoopSentry's (handle, priority) slot. */
static void ls_filter_opts(struct bpf_tc_opts *opts, uint32_t handle, uint32_t priority)
{
    memset(opts, 0, sizeof(*opts));
    opts->sz = sizeof(*opts);
    opts->handle = handle;
    opts->priority = priority;
}

int ls_tc_hook_ensure(int ifindex)
{
    struct bpf_tc_hook hook;
    ls_ingress_hook(&hook, ifindex);
    int err = bpf_tc_hook_create(&hook);
    if (err == -EEXIST)
        return 1;
    return err;
}

int ls_tc_attach(int ifindex, int prog_fd, uint32_t handle, uint32_t priority, int replace)
{
    struct bpf_tc_hook hook;
    ls_ingress_hook(&hook, ifindex);
    struct bpf_tc_opts opts;
    ls_filter_opts(&opts, handle, priority);
    opts.prog_fd = prog_fd;
    opts.flags = replace ? BPF_TC_F_REPLACE : 0;
    return bpf_tc_attach(&hook, &opts);
}

int ls_tc_detach(int ifindex, uint32_t handle, uint32_t priority)
{
    struct bpf_tc_hook hook;
    ls_ingress_hook(&hook, ifindex);
    struct bpf_tc_opts opts;
    ls_filter_opts(&opts, handle, priority);
    return bpf_tc_detach(&hook, &opts);
}

int ls_prog_test_run(int prog_fd, const void *data, uint32_t size, uint32_t repeat,
                     uint32_t *retval, uint32_t *duration_ns)
{
    struct bpf_test_run_opts opts;
    memset(&opts, 0, sizeof(opts));
    opts.sz = sizeof(opts);
    opts.data_in = data;
    opts.data_size_in = size;
    opts.repeat = repeat;
    int err = bpf_prog_test_run_opts(prog_fd, &opts);
    if (err)
        return err < 0 ? err : -errno;
    if (retval)
        *retval = opts.retval;
    if (duration_ns)
        *duration_ns = opts.duration;
    return 0;
}

int ls_setns_net(int fd)
{
    if (setns(fd, CLONE_NEWNET) != 0)
        return -errno;
    return 0;
}

int ls_prog_id_by_fd(int prog_fd, uint32_t *prog_id)
{
    struct bpf_prog_info info;
    memset(&info, 0, sizeof(info));
    uint32_t len = sizeof(info);
    if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
        return -errno;
    *prog_id = info.id;
    return 0;
}
