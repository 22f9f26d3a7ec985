/* Constants and map value layouts shared by the BPF programs (bpf/) and the
 * Swift sensor (through the CLoopSentryBPF shim). One header, one truth. */
#ifndef LOOPSENTRY_SHARED_H
#define LOOPSENTRY_SHARED_H

#ifdef __BPF__
#include <linux/types.h>
typedef __u64 ls_u64;
typedef __u32 ls_u32;
#else
#include <stdint.h>
typedef uint64_t ls_u64;
typedef uint32_t ls_u32;
#endif

/* Per-VLAN counters: index = VLAN ID 0..4095 (0 = priority-tagged). */
#define LS_VLAN_SLOTS 4096

/* Value of the per-CPU per-VLAN array `ls_vlan_stats` and of `ls_qinq_stats`. */
struct ls_vlan_counters {
    ls_u64 broadcast;   /* tagged frames to ff:ff:ff:ff:ff:ff */
    ls_u64 multicast;   /* tagged frames with the group bit set, not broadcast */
    ls_u64 frames;      /* all tagged frames on this VLAN */
    ls_u64 bytes;       /* wire bytes without FCS, tags included (stripped tags added back) */
};

/* Indices of the per-CPU array `ls_global_stats`. */
enum ls_global_index {
    LS_G_UNTAGGED_FRAMES = 0,
    LS_G_UNTAGGED_BYTES = 1,
    LS_G_MALFORMED = 2,        /* truncated inside the Ethernet header or a VLAN tag */
    LS_G_QINQ_OVERFLOW = 3,    /* (outer, inner) pairs not counted: ls_qinq_stats full */
    LS_G_DROPPED = 4,          /* tagged frames dropped after counting */
    LS_G_VXLAN_MALFORMED = 5,  /* UDP to the VXLAN port, but the VXLAN header or the inner Ethernet
                                * header (or its tag) is cut, or the VNI-valid (I) flag is clear */
    LS_G_VNI_UNWATCHED = 6,    /* VXLAN frames of a VNI that is not watched (not in ls_vni_index) */
    LS_G_VNI_OVERFLOW = 7,     /* learned VNIs not counted (ls_vni_stats full) or (VNI, inner VLAN)
                                * pairs not counted (no free entry in their probe window) */
    LS_G_SLOTS = 8,
};

/* Flags in ls_config[0].flags, written by user space. */
#define LS_CFG_DROP_TAGGED  (1u << 0)  /* drop tagged frames after counting (protects the host) */
#define LS_CFG_COUNT_INNER  (1u << 1)  /* also count QinQ frames per (outer, inner) VLAN pair */
#define LS_CFG_PROBES       (1u << 2)  /* count and drop returning self-probes (see probe_prefix) */
#define LS_CFG_VXLAN        (1u << 3)  /* count VXLAN per VNI: untagged IPv4/IPv6 UDP to vxlan_port */
#define LS_CFG_VXLAN_LEARN  (1u << 4)  /* count every VNI seen (up to the map's size), not only the
                                        * VNIs user space put into ls_vni_stats */

struct ls_config {
    ls_u32 flags;
    /* Self-probe source MACs are PP:PP:PP:SS:0V:VV — a 3-byte locally administered unicast
     * prefix, this sensor's id SS, and the probe's VLAN in the low 12 bits. probe_prefix holds
     * the first four bytes (prefix + id) as a big-endian number. */
    ls_u32 probe_prefix;
    /* VXLAN's UDP destination port, host byte order (IANA: 4789). */
    ls_u32 vxlan_port;
    /* The watched-VNI index's hash: bucket = (u32)(vni * vni_seed) >> vni_shift (see below). */
    ls_u32 vni_seed;
    ls_u32 vni_shift;
    ls_u32 reserved;
};

/* Value of the per-CPU array `ls_probe_stats`, indexed by the VLAN encoded in the probe's MAC. */
struct ls_probe_counters {
    ls_u64 returned;   /* probes of ours that came back on the trunk: loop evidence */
    ls_u64 leaked;     /* ...of which arrived on another VLAN than they were sent on */
};

/* Self-probe kinds, the high nibble of the probe MAC's fifth byte: a VLAN probe
 * (PP:PP:PP:SS:0V:VV, the VLAN in the low 12 bits) or a VNI probe (PP:PP:PP:SS:1N:NN, N a slot
 * of `ls_vni_probe_slots`: a 24-bit VNI does not fit in 12 bits, so user space numbers the probed
 * VNIs and writes slot -> VNI). */
#define LS_PROBE_KIND_VLAN 0x0u
#define LS_PROBE_KIND_VNI  0x1u
#define LS_VNI_PROBE_SLOTS 4096
/* In an `ls_vni_probe_slots` value: the slot is in use; the low 24 bits are its VNI. */
#define LS_VNI_PROBE_SLOT_SET (1u << 31)
/* `ls_vni_probe_stats`, indexed by slot, holds struct ls_probe_counters: `returned` counts our VNI
 * probes that came back inside VXLAN, `leaked` those of them that arrived in another VNI than the
 * slot's (or on a slot not in use). */

/* Key of `ls_qinq_stats`: (outer << 12) | inner. */
#define LS_QINQ_KEY(outer, inner) ((((ls_u32)(outer)) << 12) | ((ls_u32)(inner) & 0xfff))
#define LS_QINQ_MAX_PAIRS 16384

/* VXLAN (RFC 7348): inner frames (inner Ethernet header to the end: the tenant's bytes) are
 * counted per 24-bit VNI as struct ls_vlan_counters.
 * Watched VNIs: user space numbers them 0..n-1 (their slots; a VNI keeps its slot) and builds
 * `ls_vni_index`, an array of 2^k buckets of LS_VNI_BUCKET_WAYS (VNI + 1, slot) entries, filled
 * from way 0, 0 = empty. A VNI's bucket is (u32)(vni * vni_seed) >> (32 - k); user space picks
 * the seed so that no bucket overflows. Its counters are row `slot` of the per-CPU array
 * `ls_vni_counters`. Both lookups are array lookups, which the verifier inlines: no hashing
 * helper on the hot path.
 * Learn mode (LS_CFG_VXLAN_LEARN): a VNI not in the index is counted in the per-CPU hash
 * `ls_vni_stats`, keyed by the VNI, inserted on first sight up to the map's size.
 * The arrays' and the hash's sizes are set by user space before load. */
#define LS_VNI_BUCKET_WAYS 4
struct ls_vni_bucket {
    ls_u32 key[LS_VNI_BUCKET_WAYS];    /* VNI + 1; 0 = empty (and every later way is empty) */
    ls_u32 slot[LS_VNI_BUCKET_WAYS];   /* row of ls_vni_counters */
};
#define LS_VXLAN_DEFAULT_PORT 4789
#define LS_VNI_MAX 0xffffffu
#define LS_VNI_DEFAULT_SLOTS 4096
/* (VNI, inner VLAN) pairs (inner frames with an 802.1Q tag), key (VNI << 12) | inner VLAN,
 * learned by the program in an open-addressing table: `ls_vni_vlan_keys` (an array of
 * LS_VNI_VLAN_TABLE entries, key + 1, 0 = free) and the per-CPU array `ls_vni_vlan_counters`
 * (row = the key's entry). A pair's entry is the first of LS_VNI_VLAN_PROBES entries from
 * LS_VNI_VLAN_HOME(key) that holds it or that the program claims with a compare-and-swap;
 * entries are never freed. A pair whose LS_VNI_VLAN_PROBES entries are all taken by other
 * pairs is not counted (LS_G_VNI_OVERFLOW). */
#define LS_VNI_VLAN_KEY(vni, vlan) ((((ls_u64)(vni)) << 12) | ((ls_u64)(vlan) & 0xfff))
#define LS_VNI_VLAN_TABLE_BITS 15
#define LS_VNI_VLAN_TABLE (1u << LS_VNI_VLAN_TABLE_BITS)
#define LS_VNI_VLAN_PROBES 16
#define LS_VNI_VLAN_HOME(key) ((ls_u32)(((ls_u64)(key) * 0x9E3779B97F4A7C15ull) >> (64 - LS_VNI_VLAN_TABLE_BITS)))

/* tc filter identity: LoopSentry owns this (handle, priority) on the clsact ingress hook. */
#define LS_TC_HANDLE   0x4c53u   /* "LS" */
#define LS_TC_PRIORITY 0x4c53u
#define LS_TC_PROG_NAME "ls_tc_ingress"

#endif
