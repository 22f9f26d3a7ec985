// CLoopSentryTLS: a minimal TLS client over OpenSSL for RFC 5425 syslog, the HMAC that signs
// webhooks, and the SHA-256 and random bytes of the portal's tokens.
// The OpenSSL types stay opaque here so Swift never imports <openssl/ssl.h>; every function
// reports failure through its return value and writes OpenSSL's reason into `err`.
#ifndef CLOOPSENTRY_TLS_H
#define CLOOPSENTRY_TLS_H

#include <stddef.h>

typedef struct ls_tls_context ls_tls_context;     // wraps SSL_CTX
typedef struct ls_tls_connection ls_tls_connection; // wraps SSL (does not own the socket)

/// Creates a client context: TLS 1.2 or newer, peer verification against `ca_file`
/// (SSL_CTX_load_verify_locations). `cert_file`/`key_file` may be NULL (no client certificate).
/// Returns NULL on failure with the reason in `err`.
ls_tls_context *ls_tls_context_new(const char *ca_file, const char *cert_file,
                                   const char *key_file, char *err, size_t errlen);
void ls_tls_context_free(ls_tls_context *ctx);

/// Runs the handshake (SSL_connect) on the connected socket `fd`. When `expected_name` is not
/// NULL, the server certificate must match it (SSL_set1_host, or an IP address SAN when the
/// name is a literal address); it is also sent as SNI when it is a DNS name.
/// Returns NULL on failure with the reason (including the verification result) in `err`.
ls_tls_connection *ls_tls_connect(ls_tls_context *ctx, int fd, const char *expected_name,
                                  char *err, size_t errlen);

/// Writes all `len` bytes (SSL_write, retried until done). Returns 0, or -1 with `err` set.
int ls_tls_write_all(ls_tls_connection *conn, const void *buf, size_t len, char *err, size_t errlen);

/// Reads up to `len` bytes (SSL_read_ex; EINTR retried). Returns the count, 0 when the peer
/// closed the connection, or -1 with `err` set ("timed out" when the socket's SO_RCVTIMEO passed).
long ls_tls_read(ls_tls_connection *conn, void *buf, size_t len, char *err, size_t errlen);

/// Tells whether the peer has closed (close_notify, FIN or an error) without blocking: reads and
/// discards whatever the server sent (a syslog collector sends no application data; TLS 1.3
/// session tickets are consumed). Returns 1 when closed, 0 when still open.
int ls_tls_peer_closed(ls_tls_connection *conn);

/// Sends close_notify if possible (SSL_shutdown) and frees the connection. The caller closes `fd`.
void ls_tls_connection_free(ls_tls_connection *conn);

/// HMAC-SHA256 of `msg` with `key` into `out` (32 bytes): the webhook signature.
/// Returns 0, or -1 when OpenSSL fails.
int ls_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen, unsigned char out[32]);

/// SHA-256 of `len` bytes at `data` into `out` (32 bytes), for the portal's token hashes.
/// Returns 0, or -1 when OpenSSL fails.
int ls_sha256(const void *data, size_t len, unsigned char out[32]);

/// Fills `out` with `len` bytes from OpenSSL's CSPRNG (RAND_bytes). Returns 0, or -1.
int ls_random_bytes(unsigned char *out, size_t len);

#endif
