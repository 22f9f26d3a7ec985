/* Reads a whole SNMP table the way an NMS that wants every column of every row does: each request
 * carries one varbind per column (each continuing after the last instance returned for its
 * column), either as a GETBULK (max-repetitions REPS, `bulk`) or as a GETNEXT (`next`, what
 * `snmptable -CB` sends). Stops a column at the first instance outside it. v2c over UDP.
 * Prints one line: "rows=N varbinds=N requests=N".
 * Mode `get` instead sends REPS sequential GETs of one varbind (column FIRST_COLUMN of row IFINDEX.VLAN,
 * the VLAN stepping through 1..LAST_COLUMN) and prints each round trip in microseconds, one a line.
 * Usage: tablewalk AGENT COMMUNITY ENTRY_OID FIRST_COLUMN LAST_COLUMN bulk|next|get REPS [IFINDEX]
 * (ENTRY_OID numeric, e.g. .1.3.6.1.4.1.8072.9999.9999.1.1.2.1) */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_COLUMNS 64

int main(int argc, char **argv) {
    if (argc != 8 && argc != 9) {
        fprintf(stderr, "usage: tablewalk AGENT COMMUNITY ENTRY_OID FIRST_COLUMN LAST_COLUMN bulk|next|get REPS [IFINDEX]\n");
        return 2;
    }
    oid entry[MAX_OID_LEN];
    size_t entry_len = MAX_OID_LEN;
    setenv("MIBS", "", 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    init_snmp("tablewalk");
    if (!read_objid(argv[3], entry, &entry_len)) { fprintf(stderr, "tablewalk: bad OID %s\n", argv[3]); return 2; }
    unsigned first = atoi(argv[4]), last = atoi(argv[5]);
    int bulk = strcmp(argv[6], "bulk") == 0, get = strcmp(argv[6], "get") == 0;
    int reps = atoi(argv[7]);
    if (get && argc != 9) { fprintf(stderr, "tablewalk: get needs IFINDEX\n"); return 2; }
    if (!get && (last < first || last - first + 1 > MAX_COLUMNS || reps < 1)) { fprintf(stderr, "tablewalk: bad columns or REPS\n"); return 2; }
    unsigned ncols = last - first + 1;

    netsnmp_session s;
    snmp_sess_init(&s);
    s.peername = argv[1];
    s.version = SNMP_VERSION_2c;
    s.community = (u_char *)argv[2];
    s.community_len = strlen(argv[2]);
    s.timeout = 30 * 1000000L;
    s.retries = 0;
    netsnmp_session *ss = snmp_open(&s);
    if (!ss) { snmp_sess_perror("tablewalk", &s); return 1; }

    if (get) {
        oid name[MAX_OID_LEN];
        memcpy(name, entry, entry_len * sizeof(oid));
        name[entry_len] = first;
        name[entry_len + 1] = strtoul(argv[8], NULL, 10);
        for (int i = 0; i < reps; i++) {
            name[entry_len + 2] = 1 + (unsigned long)i * 37 % last;
            netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *response = NULL;
            snmp_add_null_var(pdu, name, entry_len + 3);
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            int status = snmp_synch_response(ss, pdu, &response);
            clock_gettime(CLOCK_MONOTONIC, &b);
            if (status != STAT_SUCCESS || !response || response->errstat != SNMP_ERR_NOERROR
                || !response->variables || response->variables->type == SNMP_NOSUCHINSTANCE
                || response->variables->type == SNMP_NOSUCHOBJECT) {
                fprintf(stderr, "tablewalk: GET %d failed\n", i);
                return 1;
            }
            snmp_free_pdu(response);
            printf("%.1f\n", (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3);
        }
        snmp_close(ss);
        return 0;
    }

    oid cursor[MAX_COLUMNS][MAX_OID_LEN];
    size_t cursor_len[MAX_COLUMNS];
    int done[MAX_COLUMNS] = { 0 };
    for (unsigned c = 0; c < ncols; c++) {
        memcpy(cursor[c], entry, entry_len * sizeof(oid));
        cursor[c][entry_len] = first + c;
        cursor_len[c] = entry_len + 1;
    }
    unsigned long varbinds = 0, requests = 0, rows = 0;
    unsigned active = ncols;
    while (active > 0) {
        netsnmp_pdu *pdu = snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
        if (bulk) { pdu->non_repeaters = 0; pdu->max_repetitions = reps; }
        unsigned order[MAX_COLUMNS], n = 0;
        for (unsigned c = 0; c < ncols; c++)
            if (!done[c]) { snmp_add_null_var(pdu, cursor[c], cursor_len[c]); order[n++] = c; }
        netsnmp_pdu *response = NULL;
        int status = snmp_synch_response(ss, pdu, &response);
        requests++;
        if (status != STAT_SUCCESS || !response || response->errstat != SNMP_ERR_NOERROR) {
            fprintf(stderr, "tablewalk: request %lu failed (%s)\n", requests,
                    status == STAT_SUCCESS && response ? snmp_errstring(response->errstat) : "no response");
            return 1;
        }
        unsigned k = 0;
        for (netsnmp_variable_list *v = response->variables; v; v = v->next_variable, k++) {
            unsigned c = order[k % n];
            if (done[c]) continue;
            if (v->type == SNMP_ENDOFMIBVIEW || v->name_length <= entry_len
                || memcmp(v->name, entry, entry_len * sizeof(oid)) != 0 || v->name[entry_len] != first + c) {
                done[c] = 1;
                active--;
                continue;
            }
            memcpy(cursor[c], v->name, v->name_length * sizeof(oid));
            cursor_len[c] = v->name_length;
            varbinds++;
            if (c == 0) rows++;
        }
        snmp_free_pdu(response);
    }
    printf("rows=%lu varbinds=%lu requests=%lu\n", rows, varbinds, requests);
    snmp_close(ss);
    return 0;
}
