/* The yardstick for bench/snmp.sh: a minimal AgentX subagent on libnetsnmpagent serving a table of
 * the same shape as LOOPSENTRY-MIB's loopSentryVlanTable (index ifIndex.vlan, 17 accessible columns
 * 3..19 with the same types and similar values) for VLANs 1..ROWS on one ifIndex. One raw node
 * handler, rows in a sorted array, GET and GETNEXT by binary search: about the least work a
 * subagent can do per varbind with this library, so the master and the AgentX round trips are what
 * is left.
 *
 * It registers ROOT.1 (loopSentryObjects' place under ROOT), ROOT given as the last arc under
 * netSnmpPlaypen.9999 (LoopSentry uses 1, so pass 2 to serve the same table beside it under one
 * snmpd: every OID has the same length and shape, only that arc differs).
 * Prints "ready" on stderr once registered; runs until SIGTERM/SIGINT.
 * Usage: minimal-subagent AGENTX_SOCKET ROOT_ARC ROWS IFINDEX */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_COLUMN 3
#define LAST_COLUMN 19

struct row { unsigned long ifindex, vlan; };

static struct row *rows;
static size_t nrows;
static oid objects[] = { 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 0, 1 };
#define OBJECTS_LEN (sizeof objects / sizeof objects[0])
static volatile sig_atomic_t stop;
static const u_char date_and_time[11] = { 0x07, 0xea, 11, 30, 12, 0, 0, 0, '+', 0, 0 };

static void on_signal(int sig) { (void)sig; stop = 1; }

/* OID order of a row's (ifIndex, vlan) against index arcs a[0..n) of any length. */
static int compare_key(const struct row *r, const oid *a, size_t n) {
    if (n == 0) return 1;
    if (r->ifindex != a[0]) return r->ifindex < a[0] ? -1 : 1;
    if (n == 1) return 1;
    if (r->vlan != a[1]) return r->vlan < a[1] ? -1 : 1;
    return n > 2 ? -1 : 0;
}

/* First row whose key is after a (or equal, when inclusive); nrows when none. */
static size_t first_row(const oid *a, size_t n, int inclusive) {
    size_t lo = 0, hi = nrows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = compare_key(&rows[mid], a, n);
        if (inclusive ? c >= 0 : c > 0) hi = mid; else lo = mid + 1;
    }
    return lo;
}

/* Stores column `col` of row `i` in vb. */
static void set_value(netsnmp_variable_list *vb, unsigned col, size_t i) {
    const struct row *r = &rows[i];
    struct counter64 c64;
    long l;
    switch (col) {
    case 3: snmp_set_var_typed_value(vb, ASN_OCTET_STR, "trunk0", 6); return;
    case 4: case 5: case 6: case 7:
        c64.high = 0; c64.low = r->vlan * (col * 10);
        snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof c64); return;
    case 8: case 9: case 10: case 11: case 12:
        l = (long)(r->vlan * 2 + col);
        snmp_set_var_typed_value(vb, ASN_GAUGE, &l, sizeof l); return;
    case 13: snmp_set_var_typed_value(vb, ASN_OCTET_STR, "acme", 4); return;
    case 14: l = 2; snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof l); return;
    case 15: l = 1; snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof l); return;
    case 16: snmp_set_var_typed_value(vb, ASN_OCTET_STR, date_and_time, sizeof date_and_time); return;
    case 17: l = 1; snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof l); return;
    default: snmp_set_var_typed_value(vb, ASN_OCTET_STR, "", 0); return;
    }
}

static void set_cell(netsnmp_variable_list *vb, unsigned col, size_t i) {
    oid name[OBJECTS_LEN + 5];
    memcpy(name, objects, sizeof objects);
    name[OBJECTS_LEN] = 2; name[OBJECTS_LEN + 1] = 1; name[OBJECTS_LEN + 2] = col;
    name[OBJECTS_LEN + 3] = rows[i].ifindex; name[OBJECTS_LEN + 4] = rows[i].vlan;
    snmp_set_var_objid(vb, name, OBJECTS_LEN + 5);
    set_value(vb, col, i);
}

static void get_next(netsnmp_variable_list *vb, int inclusive) {
    const oid *s = vb->name + OBJECTS_LEN;
    size_t n = vb->name_length > OBJECTS_LEN ? vb->name_length - OBJECTS_LEN : 0;
    int c = snmp_oid_ncompare(vb->name, vb->name_length, objects, OBJECTS_LEN, OBJECTS_LEN);
    unsigned col = FIRST_COLUMN;
    size_t i = 0;
    if (c > 0) goto end;
    if (c == 0 && vb->name_length > OBJECTS_LEN) {
        if (s[0] > 2 || (s[0] == 2 && n > 1 && s[1] > 1)) goto end;
        if (s[0] == 2 && n > 2 && s[1] == 1 && s[2] >= FIRST_COLUMN) {
            if (s[2] > LAST_COLUMN) goto end;
            col = (unsigned)s[2];
            i = first_row(s + 3, n - 3, inclusive);
            if (i == nrows) { if (++col > LAST_COLUMN) goto end; i = 0; }
        }
    }
    if (nrows == 0) goto end;
    set_cell(vb, col, i);
    return;
end:
    snmp_set_var_typed_value(vb, SNMP_ENDOFMIBVIEW, NULL, 0);
}

static void get(netsnmp_variable_list *vb) {
    const oid *s = vb->name + OBJECTS_LEN;
    size_t n = vb->name_length - OBJECTS_LEN;
    if (vb->name_length < OBJECTS_LEN + 3 || s[0] != 2 || s[1] != 1 || s[2] < FIRST_COLUMN || s[2] > LAST_COLUMN) {
        snmp_set_var_typed_value(vb, SNMP_NOSUCHOBJECT, NULL, 0);
        return;
    }
    size_t i = first_row(s + 3, n - 3, 1);
    if (n != 5 || i == nrows || compare_key(&rows[i], s + 3, 2) != 0) {
        snmp_set_var_typed_value(vb, SNMP_NOSUCHINSTANCE, NULL, 0);
        return;
    }
    set_value(vb, (unsigned)s[2], i);
}

static int handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
                   netsnmp_agent_request_info *info, netsnmp_request_info *requests) {
    (void)h; (void)reg;
    for (netsnmp_request_info *r = requests; r; r = r->next) {
        if (r->processed || !r->requestvb) continue;
        switch (info->mode) {
        case MODE_GET: get(r->requestvb); break;
        case MODE_GETNEXT: get_next(r->requestvb, r->inclusive); break;
        default: netsnmp_set_request_error(info, r, SNMP_ERR_NOTWRITABLE); break;
        }
    }
    return SNMP_ERR_NOERROR;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: minimal-subagent AGENTX_SOCKET ROOT_ARC ROWS IFINDEX\n"); return 2; }
    objects[9] = strtoul(argv[2], NULL, 10);
    nrows = strtoul(argv[3], NULL, 10);
    unsigned long ifindex = strtoul(argv[4], NULL, 10);
    rows = calloc(nrows ? nrows : 1, sizeof *rows);
    for (size_t i = 0; i < nrows; i++) { rows[i].ifindex = ifindex; rows[i].vlan = i + 1; }

    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
    netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, argv[1]);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    setenv("MIBS", "", 1);
    snmp_enable_stderrlog();
    if (init_agent("minimal-subagent") != 0) { fprintf(stderr, "init_agent failed\n"); return 1; }
    netsnmp_handler_registration *reg =
        netsnmp_create_handler_registration("minimalVlanTable", handler, objects, OBJECTS_LEN, HANDLER_CAN_RONLY);
    if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK) { fprintf(stderr, "register failed\n"); return 1; }
    init_snmp("minimal-subagent");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "ready\n");
    fflush(stderr);
    while (!stop) agent_check_and_process(1);
    snmp_shutdown("minimal-subagent");
    return 0;
}
