#include "CNetSNMP.h"

#include <errno.h>
#include <stdlib.h>
#include <limits.h>
#include <sys/prctl.h>
#include <net-snmp/agent/agent_callbacks.h>

void ls_snmp_configure_subagent(const char *agentx_socket, const char *persistent_dir)
{
    netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
    if (agentx_socket)
        netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, agentx_socket);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    if (persistent_dir)
        netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, persistent_dir);
    /* The subagent works with numeric OIDs: load no MIB files (parsing the host's MIBs
     * costs start-up time and logs "Cannot find module (IF-MIB)" for every default module
     * that is not installed). init_mib reads the module list from $MIBS, falling back to
     * the built-in list when it is unset; an empty list loads nothing. Called before
     * init_agent, at start-up. */
    setenv("MIBS", "", 1);
    netsnmp_set_mib_directory("/nonexistent-loopsentry-mibs");
}

int ls_snmp_library_initialized(void)
{
    return netsnmp_ds_get_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_APPTYPE) != NULL;
}

void ls_snmp_init_library(const char *type, int already_initialized)
{
    init_snmp(type);
    if (already_initialized)
        read_configs();
}

void ls_snmp_set_ping_interval(int seconds)
{
    netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, seconds);
}

struct ls_log_target {
    void (*fn)(int, const char *, void *);
    void *context;
};
static struct ls_log_target ls_log_target;

static int ls_log_callback(int major, int minor, void *serverarg, void *clientarg)
{
    (void)major; (void)minor; (void)clientarg;
    const struct snmp_log_message *m = serverarg;
    if (ls_log_target.fn && m && m->msg)
        ls_log_target.fn(m->priority, m->msg, ls_log_target.context);
    return 0;
}

void ls_snmp_log_to(void (*fn)(int, const char *, void *), void *context)
{
    ls_log_target.fn = fn;
    ls_log_target.context = context;
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, ls_log_callback, NULL);
}

struct ls_master_watch {
    void (*fn)(void *, int);
    void *context;
};
static struct ls_master_watch ls_master_watch;

static int ls_master_up(int major, int minor, void *serverarg, void *clientarg)
{
    (void)major; (void)minor; (void)serverarg; (void)clientarg;
    if (ls_master_watch.fn)
        ls_master_watch.fn(ls_master_watch.context, 1);
    return 0;
}

static int ls_master_down(int major, int minor, void *serverarg, void *clientarg)
{
    (void)major; (void)minor; (void)serverarg; (void)clientarg;
    if (ls_master_watch.fn)
        ls_master_watch.fn(ls_master_watch.context, 0);
    return 0;
}

int ls_snmp_watch_master(void (*fn)(void *, int), void *context)
{
    ls_master_watch.fn = fn;
    ls_master_watch.context = context;
    int rc = snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
                                    ls_master_up, NULL);
    if (rc != SNMPERR_SUCCESS)
        return rc;
    return snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
                                  ls_master_down, NULL);
}

int ls_snmp_register(const char *name, const oid *root, size_t root_len,
                     Netsnmp_Node_Handler *handler, void *context)
{
    netsnmp_handler_registration *reg =
        netsnmp_create_handler_registration(name, handler, root, root_len, HANDLER_CAN_RWRITE);
    if (!reg)
        return MIB_REGISTRATION_FAILED;
    reg->handler->myvoid = context;
    return netsnmp_register_handler(reg);
}

int ls_snmp_poll(int wake_fd, int max_ms)
{
    int numfds = 0, block = 0;
    fd_set fds;
    struct timeval timeout = { LONG_MAX, 0 };
    FD_ZERO(&fds);
    snmp_select_info(&numfds, &fds, &timeout, &block);
    struct timeval cap = { max_ms / 1000, (max_ms % 1000) * 1000 };
    if (block || timercmp(&cap, &timeout, <))
        timeout = cap;
    if (wake_fd >= 0) {
        FD_SET(wake_fd, &fds);
        if (wake_fd >= numfds)
            numfds = wake_fd + 1;
    }
    int count = select(numfds, &fds, NULL, NULL, &timeout);
    int saved = errno;
    if (count > 0) {
        if (wake_fd >= 0 && FD_ISSET(wake_fd, &fds)) {
            uint64_t drained;
            ssize_t n = read(wake_fd, &drained, sizeof(drained));
            (void)n;
            FD_CLR(wake_fd, &fds);
        }
        snmp_read(&fds);
    } else if (count == 0) {
        snmp_timeout();
    }
    run_alarms();
    netsnmp_check_outstanding_agent_requests();
    errno = saved;
    return count;
}

void *ls_handler_context(netsnmp_mib_handler *handler)
{
    return handler ? handler->myvoid : NULL;
}

long ls_request_transid(netsnmp_agent_request_info *reqinfo)
{
    if (!reqinfo || !reqinfo->asp || !reqinfo->asp->pdu)
        return -1;
    return reqinfo->asp->pdu->transid;
}

void ls_var_value(const netsnmp_variable_list *vb, struct ls_value *out)
{
    memset(out, 0, sizeof(*out));
    out->type = vb->type;
    switch (vb->type) {
    case ASN_INTEGER: case ASN_COUNTER: case ASN_GAUGE: case ASN_TIMETICKS:
        if (vb->val.integer)
            out->integer = *vb->val.integer;
        break;
    case ASN_COUNTER64:
        if (vb->val.counter64)
            out->counter64 = ((uint64_t)vb->val.counter64->high << 32) | (vb->val.counter64->low & 0xffffffffUL);
        break;
    case ASN_OCTET_STR:
        out->bytes = vb->val.string;
        out->length = vb->val_len;
        break;
    case ASN_OBJECT_ID:
        out->objid = vb->val.objid;
        out->length = vb->val_len / sizeof(oid);
        break;
    default:
        break;
    }
}

static struct counter64 ls_c64(uint64_t value)
{
    struct counter64 c = { .high = (u_long)(value >> 32), .low = (u_long)(value & 0xffffffffU) };
    return c;
}

int ls_var_set_counter64(netsnmp_variable_list *vb, uint64_t value)
{
    struct counter64 c = ls_c64(value);
    return snmp_set_var_typed_value(vb, ASN_COUNTER64, &c, sizeof(c));
}

netsnmp_variable_list *ls_varlist_add_counter64(netsnmp_variable_list **list, const oid *name,
                                                size_t name_len, uint64_t value)
{
    struct counter64 c = ls_c64(value);
    return snmp_varlist_add_variable(list, name, name_len, ASN_COUNTER64, &c, sizeof(c));
}

void ls_set_thread_name(const char *name)
{
    prctl(PR_SET_NAME, name, 0, 0, 0);
}
