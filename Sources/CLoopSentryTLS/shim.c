// See include/CLoopSentryTLS.h. The only file that includes OpenSSL.
#include "CLoopSentryTLS.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

struct ls_tls_context { SSL_CTX *ctx; };
struct ls_tls_connection { SSL *ssl; int fd; };

static void set_err(char *err, size_t errlen, const char *function, const char *detail) {
    if (!err || errlen == 0) return;
    unsigned long code = ERR_get_error();
    char reason[256] = "";
    if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
    else if (errno != 0) snprintf(reason, sizeof reason, "%s", strerror(errno));
    snprintf(err, errlen, "%s: %s%s%s", function, detail ? detail : "",
             (detail && reason[0]) ? ": " : "", reason);
    ERR_clear_error();
}

ls_tls_context *ls_tls_context_new(const char *ca_file, const char *cert_file,
                                   const char *key_file, char *err, size_t errlen) {
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) { set_err(err, errlen, "SSL_CTX_new", NULL); return NULL; }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY);
    if (ca_file && SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
        set_err(err, errlen, "SSL_CTX_load_verify_locations", ca_file);
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (!ca_file && SSL_CTX_set_default_verify_paths(ctx) != 1) {
        set_err(err, errlen, "SSL_CTX_set_default_verify_paths", NULL);
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (cert_file && SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        set_err(err, errlen, "SSL_CTX_use_certificate_chain_file", cert_file);
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (key_file && (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
                     SSL_CTX_check_private_key(ctx) != 1)) {
        set_err(err, errlen, "SSL_CTX_use_PrivateKey_file", key_file);
        SSL_CTX_free(ctx);
        return NULL;
    }
    ls_tls_context *out = OPENSSL_zalloc(sizeof *out);
    if (!out) { SSL_CTX_free(ctx); set_err(err, errlen, "OPENSSL_zalloc", NULL); return NULL; }
    out->ctx = ctx;
    return out;
}

void ls_tls_context_free(ls_tls_context *ctx) {
    if (!ctx) return;
    SSL_CTX_free(ctx->ctx);
    OPENSSL_free(ctx);
}

static int is_ip_literal(const char *name) {
    unsigned char buf[16];
    return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

ls_tls_connection *ls_tls_connect(ls_tls_context *ctx, int fd, const char *expected_name,
                                  char *err, size_t errlen) {
    ERR_clear_error();
    errno = 0;
    SSL *ssl = SSL_new(ctx->ctx);
    if (!ssl) { set_err(err, errlen, "SSL_new", NULL); return NULL; }
    if (expected_name) {
        int ok;
        if (is_ip_literal(expected_name)) {
            ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), expected_name);
        } else {
            ok = SSL_set1_host(ssl, expected_name) && SSL_set_tlsext_host_name(ssl, expected_name);
        }
        if (ok != 1) { set_err(err, errlen, "SSL_set1_host", expected_name); SSL_free(ssl); return NULL; }
    }
    if (SSL_set_fd(ssl, fd) != 1) { set_err(err, errlen, "SSL_set_fd", NULL); SSL_free(ssl); return NULL; }
    if (SSL_connect(ssl) != 1) {
        long verify = SSL_get_verify_result(ssl);
        if (verify != X509_V_OK) {
            ERR_clear_error();
            set_err(err, errlen, "SSL_connect", X509_verify_cert_error_string(verify));
        } else {
            set_err(err, errlen, "SSL_connect", "handshake failed");
        }
        SSL_free(ssl);
        return NULL;
    }
    ls_tls_connection *out = OPENSSL_zalloc(sizeof *out);
    if (!out) { SSL_free(ssl); set_err(err, errlen, "OPENSSL_zalloc", NULL); return NULL; }
    out->ssl = ssl;
    out->fd = fd;
    return out;
}

int ls_tls_write_all(ls_tls_connection *conn, const void *buf, size_t len, char *err, size_t errlen) {
    const unsigned char *p = buf;
    while (len > 0) {
        ERR_clear_error();
        errno = 0;
        size_t written = 0;
        if (SSL_write_ex(conn->ssl, p, len, &written) != 1) {
            int code = SSL_get_error(conn->ssl, 0);
            if (code == SSL_ERROR_SYSCALL && errno == EINTR) continue;
            char detail[32];
            snprintf(detail, sizeof detail, "SSL_get_error=%d", code);
            set_err(err, errlen, "SSL_write_ex", detail);
            return -1;
        }
        p += written;
        len -= written;
    }
    return 0;
}

long ls_tls_read(ls_tls_connection *conn, void *buf, size_t len, char *err, size_t errlen) {
    for (;;) {
        ERR_clear_error();
        errno = 0;
        size_t got = 0;
        if (SSL_read_ex(conn->ssl, buf, len, &got) == 1) return (long)got;
        int code = SSL_get_error(conn->ssl, 0);
        if (code == SSL_ERROR_ZERO_RETURN) return 0;
        if (code == SSL_ERROR_SYSCALL && errno == EINTR) continue;
        if (code == SSL_ERROR_SYSCALL && errno == 0 && ERR_peek_error() == 0) return 0; // EOF without close_notify
        if ((code == SSL_ERROR_SYSCALL || code == SSL_ERROR_WANT_READ) && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            errno = 0;
            set_err(err, errlen, "SSL_read_ex", "timed out");
            return -1;
        }
        char detail[32];
        snprintf(detail, sizeof detail, "SSL_get_error=%d", code);
        set_err(err, errlen, "SSL_read_ex", detail);
        return -1;
    }
}

int ls_tls_peer_closed(ls_tls_connection *conn) {
    struct pollfd pfd = { .fd = conn->fd, .events = POLLIN };
    int ready = poll(&pfd, 1, 0);
    if (ready == 0) return 0;
    if (ready < 0) return errno == EINTR ? 0 : 1;
    if (pfd.revents & (POLLERR | POLLNVAL)) return 1;
    int flags = fcntl(conn->fd, F_GETFL);
    if (flags < 0 || fcntl(conn->fd, F_SETFL, flags | O_NONBLOCK) < 0) return 1;
    int closed = 0;
    for (;;) {
        unsigned char scratch[512];
        size_t got = 0;
        ERR_clear_error();
        if (SSL_read_ex(conn->ssl, scratch, sizeof scratch, &got) == 1) continue; // discard data
        int code = SSL_get_error(conn->ssl, 0);
        closed = !(code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE);
        break;
    }
    ERR_clear_error();
    fcntl(conn->fd, F_SETFL, flags);
    return closed;
}

void ls_tls_connection_free(ls_tls_connection *conn) {
    if (!conn) return;
    if (!(SSL_get_shutdown(conn->ssl) & SSL_RECEIVED_SHUTDOWN)) {
        int flags = fcntl(conn->fd, F_GETFL);
        if (flags >= 0 && fcntl(conn->fd, F_SETFL, flags | O_NONBLOCK) == 0) {
            SSL_shutdown(conn->ssl); // best effort; never blocks
            fcntl(conn->fd, F_SETFL, flags);
        }
    }
    ERR_clear_error();
    SSL_free(conn->ssl);
    OPENSSL_free(conn);
}

int ls_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen, unsigned char out[32]) {
    static const unsigned char empty = 0;
    unsigned int len = 32;
    if (keylen > 0x7fffffff) return -1;
    if (!HMAC(EVP_sha256(), key ? key : &empty, (int)keylen, msg ? msg : &empty, msglen, out, &len) || len != 32) {
        ERR_clear_error();
        return -1;
    }
    return 0;
}

int ls_sha256(const void *data, size_t len, unsigned char out[32]) {
    unsigned int n = 0;
    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == 32 ? 0 : -1;
}

int ls_random_bytes(unsigned char *out, size_t len) {
    return len <= (size_t)0x7fffffff && RAND_bytes(out, (int)len) == 1 ? 0 : -1;
}
