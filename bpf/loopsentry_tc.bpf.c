// SPDX-License-Identifier: GPL-2.0
/* LoopSentry tc-ingress sensor.
 *
 * For every frame on the watched trunk: find the VLAN (from skb metadata when the
 * kernel already stripped the tag, as veth and most NICs with rxvlan offload do;
 * else from the in-band 802.1Q/802.1ad tag), and count per VLAN: broadcast,
 * multicast (group bit, not broadcast), all tagged frames and their bytes.
 * QinQ: counted by the outer VLAN; with LS_CFG_COUNT_INNER also per (outer, inner).
 * Untagged frames are counted apart and always passed. Truncated frames are
 * counted as malformed and passed (the stack discards them). With
 * LS_CFG_DROP_TAGGED, tagged frames are dropped after counting so a storm cannot
 * load the sensor host (the paper's protection); otherwise they continue to the
 * next tc filter (TC_ACT_UNSPEC), so other tools' filters still see them.
 * Counters are per CPU, without atomics; user space sums them. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "parsing.h"
#include "loopsentry_shared.h"

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, LS_VLAN_SLOTS);
    __type(key, __u32);
    __type(value, struct ls_vlan_counters);
} ls_vlan_stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, LS_QINQ_MAX_PAIRS);
    __type(key, __u32);
    __type(value, struct ls_vlan_counters);
} ls_qinq_stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, LS_G_SLOTS);
    __type(key, __u32);
    __type(value, __u64);
} ls_global_stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, LS_VLAN_SLOTS);
    __type(key, __u32);
    __type(value, struct ls_probe_counters);
} ls_probe_stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct ls_config);
} ls_config SEC(".maps");

static __always_inline void ls_global_add(__u32 index, __u64 delta)
{
    __u64 *v = bpf_map_lookup_elem(&ls_global_stats, &index);
    if (v)
        *v += delta;
}

static __always_inline void ls_counters_add(struct ls_vlan_counters *c, int bcast, int mcast, __u64 len)
{
    c->broadcast += bcast;
    c->multicast += mcast;
    c->frames += 1;
    c->bytes += len;
}

static __always_inline void ls_count_pair(__u32 outer, __u32 inner, int bcast, int mcast, __u64 len)
{
    __u32 key = LS_QINQ_KEY(outer, inner);
    struct ls_vlan_counters *c = bpf_map_lookup_elem(&ls_qinq_stats, &key);
    if (c) {
        ls_counters_add(c, bcast, mcast, len);
        return;
    }
    struct ls_vlan_counters fresh = {};
    ls_counters_add(&fresh, bcast, mcast, len);
    if (bpf_map_update_elem(&ls_qinq_stats, &key, &fresh, BPF_NOEXIST) != 0) {
        /* Lost a race with another CPU inserting the key, or the map is full. */
        c = bpf_map_lookup_elem(&ls_qinq_stats, &key);
        if (c)
            ls_counters_add(c, bcast, mcast, len);
        else
            ls_global_add(LS_G_QINQ_OVERFLOW, 1);
    }
}

/* True when the source MAC starts with this sensor's probe prefix and id. */
static __always_inline int ls_is_own_probe(struct ethhdr *eth, __u32 prefix)
{
    __u32 head = ((__u32)eth->h_source[0] << 24) | ((__u32)eth->h_source[1] << 16) |
                 ((__u32)eth->h_source[2] << 8) | eth->h_source[3];
    return head == prefix && (eth->h_source[4] & 0xf0) == 0;
}

/* One of our probes came back: loop evidence on the VLAN it was sent on (encoded in its
 * source MAC). A probe arriving untagged or on another VLAN also counts as leaked. Returns 1
 * when the frame was ours: it is dropped, never reaching the stack or circulating further. */
static __always_inline int ls_handle_probe(struct ethhdr *eth, struct ls_config *cfg, __u32 flags,
                                           int tagged, __u32 arrived_vlan)
{
    if (!(flags & LS_CFG_PROBES) || !cfg || !ls_is_own_probe(eth, cfg->probe_prefix))
        return 0;
    __u32 sent_vlan = ((__u32)(eth->h_source[4] & 0x0f) << 8) | eth->h_source[5];
    struct ls_probe_counters *p = bpf_map_lookup_elem(&ls_probe_stats, &sent_vlan);
    if (p) {
        p->returned += 1;
        if (!tagged || sent_vlan != arrived_vlan)
            p->leaked += 1;
    }
    return 1;
}

SEC("tc")
int ls_tc_ingress(struct __sk_buff *skb)
{
    struct ls_cursor cur = {
        .pos = (void *)(long)skb->data,
        .end = (void *)(long)skb->data_end,
    };
    __u32 zero = 0;
    struct ls_config *cfg = bpf_map_lookup_elem(&ls_config, &zero);
    __u32 flags = cfg ? cfg->flags : 0;

    struct ethhdr *eth = ls_parse_eth(&cur);
    if (!eth) {
        ls_global_add(LS_G_MALFORMED, 1);
        return TC_ACT_UNSPEC;
    }

    int bcast = 0, mcast = 0;
    if (eth->h_dest[0] & 1) {
        if (eth->h_dest[0] == 0xff && eth->h_dest[1] == 0xff && eth->h_dest[2] == 0xff &&
            eth->h_dest[3] == 0xff && eth->h_dest[4] == 0xff && eth->h_dest[5] == 0xff)
            bcast = 1;
        else
            mcast = 1;
    }

    __u64 wire_len = skb->len;
    __u16 proto = bpf_ntohs(eth->h_proto);
    int have_outer = 0, have_inner = 0;
    __u32 outer = 0, inner = 0;

    if (skb->vlan_present) {
        /* The kernel moved the outer tag into metadata; any further tag is in-band. */
        have_outer = 1;
        outer = skb->vlan_tci & 0x0fff;
        wire_len += 4;
    } else if (ls_is_vlan_tpid(proto)) {
        struct ls_vlan_hdr *vh = ls_parse_vlan(&cur);
        if (!vh) {
            ls_global_add(LS_G_MALFORMED, 1);
            return TC_ACT_UNSPEC;
        }
        have_outer = 1;
        outer = bpf_ntohs(vh->tci) & 0x0fff;
        proto = bpf_ntohs(vh->encapsulated_proto);
    }

    if (!have_outer) {
        if (ls_handle_probe(eth, cfg, flags, 0, 0))
            return TC_ACT_SHOT;
        ls_global_add(LS_G_UNTAGGED_FRAMES, 1);
        ls_global_add(LS_G_UNTAGGED_BYTES, wire_len);
        return TC_ACT_UNSPEC;
    }

    if (ls_is_vlan_tpid(proto)) {
        struct ls_vlan_hdr *ivh = ls_parse_vlan(&cur);
        if (!ivh) {
            ls_global_add(LS_G_MALFORMED, 1);
            return TC_ACT_UNSPEC;
        }
        have_inner = 1;
        inner = bpf_ntohs(ivh->tci) & 0x0fff;
    }

    __u32 key = outer;
    struct ls_vlan_counters *c = bpf_map_lookup_elem(&ls_vlan_stats, &key);
    if (c)
        ls_counters_add(c, bcast, mcast, wire_len);
    if (have_inner && (flags & LS_CFG_COUNT_INNER))
        ls_count_pair(outer, inner, bcast, mcast, wire_len);

    if (ls_handle_probe(eth, cfg, flags, 1, outer))
        return TC_ACT_SHOT;

    if (flags & LS_CFG_DROP_TAGGED) {
        ls_global_add(LS_G_DROPPED, 1);
        return TC_ACT_SHOT;
    }
    return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
