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
 * VXLAN (LS_CFG_VXLAN): an untagged IPv4 or IPv6 UDP packet to the configured port is
 * VXLAN; its inner frame is counted per 24-bit VNI (and per (VNI, inner VLAN) when the inner
 * frame is tagged and LS_CFG_COUNT_INNER is set): watched VNIs through an index user space
 * builds and pairs through a table the program fills (array lookups only, no hashing helper),
 * learned VNIs in a per-CPU hash.
 * VXLAN frames are passed (the sensor may sit on a VTEP's own underlay port), except this
 * sensor's own VNI probes coming back (inner source MAC of kind LS_PROBE_KIND_VNI): counted per
 * probe slot in ls_vni_probe_stats (not in the VNI's counters) and dropped.
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

/* Watched VNIs: the index user space builds (buckets of (VNI + 1, slot)) and the per-CPU
 * counters by slot; learned VNIs: the per-CPU hash keyed by VNI. Sizes set by user space. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, struct ls_vni_bucket);
} ls_vni_index SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, LS_VNI_DEFAULT_SLOTS);
    __type(key, __u32);
    __type(value, struct ls_vlan_counters);
} ls_vni_counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, LS_VNI_DEFAULT_SLOTS);
    __type(key, __u32);
    __type(value, struct ls_vlan_counters);
} ls_vni_stats SEC(".maps");

/* Learned (VNI, inner VLAN) pairs: the shared key table and the per-CPU counters by entry. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, LS_VNI_VLAN_TABLE);
    __type(key, __u32);
    __type(value, __u64);
} ls_vni_vlan_keys SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, LS_VNI_VLAN_TABLE);
    __type(key, __u32);
    __type(value, struct ls_vlan_counters);
} ls_vni_vlan_counters SEC(".maps");

/* Returned VNI self-probes per probe slot, and each slot's VNI (written by user space). */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, LS_VNI_PROBE_SLOTS);
    __type(key, __u32);
    __type(value, struct ls_probe_counters);
} ls_vni_probe_stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, LS_VNI_PROBE_SLOTS);
    __type(key, __u32);
    __type(value, __u32);
} ls_vni_probe_slots SEC(".maps");

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

/* Counts into the row `key` of the per-CPU hash `map`, inserting the row when it is new.
 * Returns 0, or -1 when the map is full (the caller counts the overflow). */
static __always_inline int ls_count_learned(void *map, void *key, int bcast, int mcast, __u64 len)
{
    struct ls_vlan_counters *c = bpf_map_lookup_elem(map, key);
    if (c) {
        ls_counters_add(c, bcast, mcast, len);
        return 0;
    }
    struct ls_vlan_counters fresh = {};
    ls_counters_add(&fresh, bcast, mcast, len);
    if (bpf_map_update_elem(map, key, &fresh, BPF_NOEXIST) != 0) {
        /* Lost a race with another CPU inserting the key, or the map is full. */
        c = bpf_map_lookup_elem(map, key);
        if (!c)
            return -1;
        ls_counters_add(c, bcast, mcast, len);
    }
    return 0;
}

static __always_inline void ls_count_pair(__u32 outer, __u32 inner, int bcast, int mcast, __u64 len)
{
    __u32 key = LS_QINQ_KEY(outer, inner);
    if (ls_count_learned(&ls_qinq_stats, &key, bcast, mcast, len) != 0)
        ls_global_add(LS_G_QINQ_OVERFLOW, 1);
}

/* Broadcast / multicast (group bit, not broadcast) classification of a destination MAC. */
static __always_inline void ls_classify(const __u8 *dest, int *bcast, int *mcast)
{
    *bcast = 0;
    *mcast = 0;
    if (dest[0] & 1) {
        if (dest[0] == 0xff && dest[1] == 0xff && dest[2] == 0xff && dest[3] == 0xff && dest[4] == 0xff &&
            dest[5] == 0xff)
            *bcast = 1;
        else
            *mcast = 1;
    }
}

/* The counters of a watched VNI: its bucket in ls_vni_index, then its slot's row of
 * ls_vni_counters (two array lookups, inlined by the verifier). NULL when it is not watched. */
static __always_inline struct ls_vlan_counters *ls_watched_vni(struct ls_config *cfg, __u32 vni)
{
    __u32 bucket = (vni * cfg->vni_seed) >> (cfg->vni_shift & 31);
    struct ls_vni_bucket *b = bpf_map_lookup_elem(&ls_vni_index, &bucket);
    if (!b)
        return 0;
    __u32 key = vni + 1;
#pragma unroll
    for (int i = 0; i < LS_VNI_BUCKET_WAYS; i++) {
        if (b->key[i] == key) {
            __u32 slot = b->slot[i];
            return bpf_map_lookup_elem(&ls_vni_counters, &slot);
        }
        if (b->key[i] == 0)
            return 0;
    }
    return 0;
}

/* The counters of a (VNI, inner VLAN) pair: its entry in ls_vni_vlan_keys, claimed with a
 * compare-and-swap the first time any CPU sees the pair. NULL when its probe window is full. */
static __always_inline struct ls_vlan_counters *ls_vni_vlan_row(__u64 key)
{
    __u64 want = key + 1;
    __u32 home = LS_VNI_VLAN_HOME(key);
#pragma unroll
    for (__u32 i = 0; i < LS_VNI_VLAN_PROBES; i++) {
        __u32 entry = (home + i) & (LS_VNI_VLAN_TABLE - 1);
        __u64 *k = bpf_map_lookup_elem(&ls_vni_vlan_keys, &entry);
        if (!k)
            return 0;
        __u64 held = *k;
        if (held == 0) {
            held = __sync_val_compare_and_swap(k, 0, want);
            if (held == 0)
                held = want;   /* claimed by this CPU */
        }
        if (held == want)
            return bpf_map_lookup_elem(&ls_vni_vlan_counters, &entry);
    }
    return 0;
}

/* The probe kind (LS_PROBE_KIND_*) when the source MAC starts with this sensor's probe prefix
 * and id, else -1. */
static __always_inline int ls_own_probe_kind(struct ethhdr *eth, __u32 prefix)
{
    __u32 head = ((__u32)eth->h_source[0] << 24) | ((__u32)eth->h_source[1] << 16) |
                 ((__u32)eth->h_source[2] << 8) | eth->h_source[3];
    return head == prefix ? (int)(eth->h_source[4] >> 4) : -1;
}

/* One of our VNI probes came back inside VXLAN (`inner` is the decapsulated frame, `arrived_vni`
 * the VNI it came in): loop evidence for the probe's slot, leaked when the slot's VNI is another.
 * Returns 1 when the frame was ours: it is dropped like a returning VLAN probe. */
static __always_inline int ls_handle_vni_probe(struct ethhdr *inner, struct ls_config *cfg, __u32 flags,
                                               __u32 arrived_vni)
{
    if (!(flags & LS_CFG_PROBES) || !cfg || ls_own_probe_kind(inner, cfg->probe_prefix) != LS_PROBE_KIND_VNI)
        return 0;
    __u32 slot = ((__u32)(inner->h_source[4] & 0x0f) << 8) | inner->h_source[5];
    struct ls_probe_counters *p = bpf_map_lookup_elem(&ls_vni_probe_stats, &slot);
    if (p) {
        __u32 *sent = bpf_map_lookup_elem(&ls_vni_probe_slots, &slot);
        p->returned += 1;
        if (!sent || *sent != (arrived_vni | LS_VNI_PROBE_SLOT_SET))
            p->leaked += 1;
    }
    return 1;
}

/* An untagged frame of type `proto` whose IP header starts at the cursor: when it is UDP to the
 * VXLAN port, counts its inner frame on its VNI. Anything else is left alone.
 * Parse (outer IP, UDP, VXLAN, inner Ethernet and tag) → classify → count. */
static __always_inline void ls_count_vxlan(struct __sk_buff *skb, struct ls_cursor *cur, __u16 proto,
                                           struct ls_config *cfg, __u32 flags, int *verdict)
{
    struct udphdr *udp;
    __u32 ip_len = 0;
    if (proto == ETH_P_IP)
        udp = ls_parse_ipv4_udp(cur, &ip_len);
    else if (proto == ETH_P_IPV6)
        udp = ls_parse_ipv6_udp(cur, &ip_len);
    else
        return;
    if (!udp || !cfg || udp->dest != bpf_htons((__u16)cfg->vxlan_port))
        return;

    struct ls_vxlan_hdr *vx = ls_parse_vxlan(cur);
    if (!vx || !(vx->flags & LS_VXLAN_FLAG_I)) {
        ls_global_add(LS_G_VXLAN_MALFORMED, 1);
        return;
    }
    __u32 vni = ((__u32)vx->vni[0] << 16) | ((__u32)vx->vni[1] << 8) | vx->vni[2];
    struct ethhdr *inner = ls_parse_eth(cur);
    if (!inner) {
        ls_global_add(LS_G_VXLAN_MALFORMED, 1);
        return;
    }
    if (ls_handle_vni_probe(inner, cfg, flags, vni)) {
        *verdict = TC_ACT_SHOT;
        return;
    }
    int have_vlan = 0;
    __u32 vlan = 0;
    if (bpf_ntohs(inner->h_proto) == ETH_P_8021Q) {
        struct ls_vlan_hdr *vh = ls_parse_vlan(cur);
        if (!vh) {
            ls_global_add(LS_G_VXLAN_MALFORMED, 1);
            return;
        }
        have_vlan = 1;
        vlan = bpf_ntohs(vh->tci) & 0x0fff;
    }
    int bcast, mcast;
    ls_classify(inner->h_dest, &bcast, &mcast);
    /* The tenant's frame: from the inner Ethernet header to the end (the outer headers are an
     * untagged Ethernet header, the IP header, UDP and VXLAN). */
    __u64 inner_len = (__u64)skb->len - (ETH_HLEN + ip_len + sizeof(struct udphdr) + sizeof(struct ls_vxlan_hdr));

    struct ls_vlan_counters *c = ls_watched_vni(cfg, vni);
    if (c) {
        ls_counters_add(c, bcast, mcast, inner_len);
    } else if (!(flags & LS_CFG_VXLAN_LEARN)) {
        ls_global_add(LS_G_VNI_UNWATCHED, 1);
        return;
    } else if (ls_count_learned(&ls_vni_stats, &vni, bcast, mcast, inner_len) != 0) {
        ls_global_add(LS_G_VNI_OVERFLOW, 1);
        return;
    }
    if (have_vlan && (flags & LS_CFG_COUNT_INNER)) {
        struct ls_vlan_counters *pc = ls_vni_vlan_row(LS_VNI_VLAN_KEY(vni, vlan));
        if (pc)
            ls_counters_add(pc, bcast, mcast, inner_len);
        else
            ls_global_add(LS_G_VNI_OVERFLOW, 1);
    }
}

/* One of our probes came back: loop evidence on the VLAN it was sent on (encoded in its
 * source MAC). A probe arriving untagged or on another VLAN also counts as leaked. Returns 1
 * when the frame was ours: it is dropped, never reaching the stack or circulating further. */
static __always_inline int ls_handle_probe(struct ethhdr *eth, struct ls_config *cfg, __u32 flags,
                                           int tagged, __u32 arrived_vlan)
{
    if (!(flags & LS_CFG_PROBES) || !cfg || ls_own_probe_kind(eth, cfg->probe_prefix) != LS_PROBE_KIND_VLAN)
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

    int bcast, mcast;
    ls_classify(eth->h_dest, &bcast, &mcast);

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
        int verdict = TC_ACT_UNSPEC;
        if (flags & LS_CFG_VXLAN)
            ls_count_vxlan(skb, &cur, proto, cfg, flags, &verdict);
        return verdict;
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
