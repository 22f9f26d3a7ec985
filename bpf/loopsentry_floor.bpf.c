// SPDX-License-Identifier: GPL-2.0
/* An empty tc classifier: passes every frame and touches nothing. `loopsentry bench-bpf` runs
 * it beside the sensor to measure what BPF_PROG_TEST_RUN itself costs per run on this machine
 * (the harness floor included in every ns/frame figure of the sensor). */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int ls_tc_floor(struct __sk_buff *skb)
{
    return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
