/* The tc filter in LoopSentry's slot, read from netlink (RTM_GETTFILTER) the way `tc filter
 * show` reads it: kind, TCA_BPF_ID, TCA_BPF_NAME and TCA_BPF_TAG. A netlink GET needs no
 * capability, unlike bpf_prog_get_fd_by_id (CAP_SYS_ADMIN), so the unit's capability set
 * is enough to tell our own filter from another tool's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/pkt_sched.h>
#include <linux/pkt_cls.h>
#include <arpa/inet.h>
#include "CLoopSentryBPF.h"

/* Copies an attribute's payload as a NUL-terminated string. */
static void ls_attr_string(const struct rtattr *a, char *out, size_t size)
{
    size_t n = RTA_PAYLOAD(a);
    if (n >= size)
        n = size - 1;
    memcpy(out, RTA_DATA(a), n);
    out[n] = 0;
}

/* Reads TCA_BPF_ID / TCA_BPF_NAME / TCA_BPF_TAG from the nested TCA_OPTIONS. */
static void ls_parse_bpf_options(const struct rtattr *opts, struct ls_tc_filter *out)
{
    int len = (int)RTA_PAYLOAD(opts);
    for (const struct rtattr *a = RTA_DATA(opts); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == TCA_BPF_ID && RTA_PAYLOAD(a) >= sizeof(uint32_t))
            memcpy(&out->prog_id, RTA_DATA(a), sizeof(uint32_t));
        else if (a->rta_type == TCA_BPF_NAME)
            ls_attr_string(a, out->name, sizeof(out->name));
        else if (a->rta_type == TCA_BPF_TAG && RTA_PAYLOAD(a) >= sizeof(out->tag))
            memcpy(out->tag, RTA_DATA(a), sizeof(out->tag));
    }
}

/* Parses one RTM_NEWTFILTER reply into out; 0, or a negative errno from NLMSG_ERROR. */
static int ls_parse_reply(const char *buf, ssize_t len, struct ls_tc_filter *out)
{
    for (const struct nlmsghdr *nh = (const struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)len);
         nh = NLMSG_NEXT(nh, len)) {
        if (nh->nlmsg_type == NLMSG_ERROR) {
            const struct nlmsgerr *e = NLMSG_DATA(nh);
            return e->error ? e->error : -ENOENT;
        }
        if (nh->nlmsg_type != RTM_NEWTFILTER)
            continue;
        const struct tcmsg *t = NLMSG_DATA(nh);
        int alen = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*t)));
        for (const struct rtattr *a = (const struct rtattr *)((const char *)t + NLMSG_ALIGN(sizeof(*t)));
             RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
            if (a->rta_type == TCA_KIND)
                ls_attr_string(a, out->kind, sizeof(out->kind));
            else if (a->rta_type == TCA_OPTIONS)
                ls_parse_bpf_options(a, out);
        }
        return 0;
    }
    return -EPROTO;
}

int ls_tc_filter_query(int ifindex, uint32_t handle, uint32_t priority, struct ls_tc_filter *out)
{
    memset(out, 0, sizeof(*out));
    struct {
        struct nlmsghdr nh;
        struct tcmsg tc;
    } req;
    memset(&req, 0, sizeof(req));
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg));
    req.nh.nlmsg_type = RTM_GETTFILTER;
    req.nh.nlmsg_flags = NLM_F_REQUEST;
    req.nh.nlmsg_seq = 1;
    req.tc.tcm_family = AF_UNSPEC;
    req.tc.tcm_ifindex = ifindex;
    req.tc.tcm_handle = handle;
    req.tc.tcm_parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS);
    req.tc.tcm_info = TC_H_MAKE(priority << 16, htons(ETH_P_ALL));

    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -errno;
    struct timeval tv = { .tv_sec = 2 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    int err = 0;
    if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
        err = -errno;
    } else {
        /* Room for the largest reply: a foreign classic-BPF filter carries up to 4096
         * instructions (32 KiB) in TCA_BPF_OPS. */
        size_t size = 65536;
        char *buf = malloc(size);
        if (!buf) {
            err = -ENOMEM;
        } else {
            ssize_t n = recv(fd, buf, size, 0);
            err = n < 0 ? -errno : ls_parse_reply(buf, n, out);
            free(buf);
        }
    }
    close(fd);
    return err;
}
