/* The only C that the Swift sensor sees: libbpf, plus small helpers for what does not
 * import into Swift (LIBBPF_OPTS opts structs, CLONE_NEWNET). Every helper returns
 * 0 or a negative errno, like libbpf 1.x itself. */
#ifndef CLOOPSENTRYBPF_H
#define CLOOPSENTRYBPF_H

#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>
#include <netpacket/packet.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "../../../bpf/loopsentry_shared.h"

/* Route libbpf's log lines into a buffer (the last 4 KiB) instead of stderr. */
void ls_libbpf_capture_logs(void);
/* Copies the captured log into buf (NUL-terminated) and clears it. */
void ls_libbpf_take_log(char *buf, size_t size);

/* bpf_tc_hook_create for the ingress clsact hook; an existing hook is not an error
 * (returns 1 when it existed, 0 when created). */
int ls_tc_hook_ensure(int ifindex);
/* bpf_tc_attach of prog_fd at (handle, priority) on ingress; replace=1 allows BPF_TC_F_REPLACE. */
int ls_tc_attach(int ifindex, int prog_fd, uint32_t handle, uint32_t priority, int replace);
/* bpf_tc_detach of exactly the filter at (handle, priority) on ingress. */
int ls_tc_detach(int ifindex, uint32_t handle, uint32_t priority);
/* What netlink reports about one tc filter: its kind ("bpf"), and for a BPF filter the
 * program id, the name the loader gave it (libbpf: "<prog name>:[<id>]") and the program tag. */
struct ls_tc_filter {
    char kind[16];
    uint32_t prog_id;
    char name[256];
    uint8_t tag[8];
};
/* RTM_GETTFILTER for the ingress filter at (handle, priority): 0 and *out filled, -ENOENT when
 * the slot is empty, -EINVAL when the interface has no clsact hook. Needs no capability. */
int ls_tc_filter_query(int ifindex, uint32_t handle, uint32_t priority, struct ls_tc_filter *out);
/* bpf_prog_test_run_opts on a frame; retval and duration (ns, mean over repeat). */
int ls_prog_test_run(int prog_fd, const void *data, uint32_t size, uint32_t repeat,
                     uint32_t *retval, uint32_t *duration_ns);
/* bpf_obj_get_info_by_fd: the kernel id of a loaded program. */
int ls_prog_id_by_fd(int prog_fd, uint32_t *prog_id);
/* setns(fd, CLONE_NEWNET) for the calling thread. */
int ls_setns_net(int fd);

static const int LS_TC_ACT_UNSPEC = -1;
static const int LS_TC_ACT_OK = 0;
static const int LS_TC_ACT_SHOT = 2;
static const int LS_XDP_DROP = 1;
static const int LS_XDP_PASS = 2;

#endif
