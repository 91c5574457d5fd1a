/*
 * wsconn.c - one WebSocket client connection: libcurl connects, this file
 * upgrades, wslay frames.
 *
 * Owns the connection (netconn.c: libcurl connects, DNS, TCP and TLS with
 * the CA options, then hands over), the upgrade request and the bytes of
 * the answer, and the wslay context; it watches the socket itself once
 * the connection is open.
 * What the messages mean, reconnecting and logging are the owner's.
 *
 * on_close is reported once, from xg__ws_perform (or xg__ws_send_text
 * called outside perform); after it every call is a no-op until destroy.
 * The URL's query may carry a token (KuCoin's): it reaches no reason
 * string, and the copies this file writes of it are wiped once sent.
 */
#include "wsconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <wslay/wslay.h>

#include "netconn.h"
#include "xgate/buf.h"
#include "xgate/sign.h"

/* RFC 6455, 1.3: the GUID the accept value hashes with the key. */
#define WS_GUID          "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define KEY_RAW_LEN      16 /* RFC 6455, 4.1: 16 random bytes */
#define KEY_B64_LEN      24
#define KEY_MAX          64 /* longest key the accept check hashes */
#define ACCEPT_B64_MAX   32
#define URL_MAX          4096
#define REQ_MAX          (URL_MAX + 512)
#define WHY_MAX          192
/* How long a close we started waits for the server's answering close. */
#define CLOSE_WAIT_MS 1000
/* Used when the options give no connect timeout. */
#define DEFAULT_CONNECT_TIMEOUT_MS 10000
#define MSG_INITIAL_CAP            4096

typedef enum ws_state {
    WS_CONNECTING, /* netconn: DNS, TCP, TLS */
    WS_UPGRADING,  /* the HTTP/1.1 upgrade request and its answer */
    WS_OPEN,
    WS_CLOSING, /* our close frame is queued or sent: waiting for theirs */
    WS_DONE     /* ended: on_close reported or about to be */
} ws_state;

struct xg__ws {
    ws_state state;
    xg__ws_events ev;
    xg__netconn *conn;
    int sock;                  /* the connection's socket once open */
    int64_t open_deadline_ms;  /* connected and upgraded by then */
    int64_t close_deadline_ms; /* WS_CLOSING: the server answers by then */
    char key[KEY_B64_LEN + 1];
    /* The upgrade request (holds the query: wiped once sent). */
    char req[REQ_MAX];
    size_t req_len, req_sent;
    /* The upgrade answer as read; bytes from frame_off on are the first
     * frame bytes, which wslay reads before the socket. */
    char ans[XG_WS_UPGRADE_MAX];
    size_t ans_len, frame_off;
    wslay_event_context_ptr wslay;
    /* The text message being received, gathered from wslay's chunks
     * (it buffers nothing itself), NUL-terminated for on_text. */
    char *msg;
    size_t msg_len, msg_cap;
    int is_ctrl_frame; /* the frame being read is a ping, pong or close */
    int is_text_msg;   /* ... of a text message (else binary: dropped) */
    int in_perform;
    int close_reported;
    char why[WHY_MAX];
    /* A socket call failed (netconn says how), or the server ended the
     * stream: for the reason. */
    int is_io_broken;
    int peer_eof;
    xg__ws_stats stats;
};

static int64_t
mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long
ms_left(int64_t deadline_ms, int64_t now_ms)
{
    return deadline_ms <= now_ms ? 0 : (long)(deadline_ms - now_ms);
}

static void
say(char *why, size_t why_cap, const char *text)
{
    if (why != NULL && why_cap > 0) {
        xg_strlcpy(why, text, why_cap);
    }
}

/* --- The upgrade answer check (pure) ------------------------------------ */

static char
lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s (n bytes) equals the lowercase literal lit, ignoring case. */
static int
is_ieq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    if (n != m) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (lower(s[i]) != lit[i]) {
            return 0;
        }
    }
    return 1;
}

static int
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* A comma-separated header value (n bytes) holds the token lit, ignoring
 * case (RFC 7230, 7: list elements with optional whitespace). */
static int
has_token(const char *v, size_t n, const char *lit)
{
    size_t i = 0;
    while (i <= n) {
        size_t start = i;
        while (i < n && v[i] != ',') {
            i++;
        }
        size_t a = start, b = i;
        while (a < b && is_ows(v[a])) {
            a++;
        }
        while (b > a && is_ows(v[b - 1])) {
            b--;
        }
        if (is_ieq(v + a, b - a, lit)) {
            return 1;
        }
        i++; /* past the comma (or past the end) */
    }
    return 0;
}

/* Offset just past the first "\r\n\r\n" within n bytes; 0 if none. */
static size_t
header_end(const char *s, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++) {
        if (s[i] == '\r' && memcmp(s + i, "\r\n\r\n", 4) == 0) {
            return i + 4;
        }
    }
    return 0;
}

static xg_err
expected_accept(const char *key, char *out, size_t out_cap)
{
    size_t key_len = strlen(key);
    if (key_len > KEY_MAX) {
        return XG_ERR_INVALID;
    }
    char joined[KEY_MAX + sizeof WS_GUID];
    memcpy(joined, key, key_len);
    memcpy(joined + key_len, WS_GUID, sizeof WS_GUID - 1);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(joined, key_len + sizeof WS_GUID - 1, md, &md_len,
                   EVP_sha1(), NULL) != 1) {
        return XG_ERR_INTERNAL;
    }
    return xg_base64_encode(md, md_len, out, out_cap);
}

/* "HTTP/1.x NNN" followed by a space or the line's end; the code to
 * *status. */
static int
parse_status_line(const char *line, size_t n, int *status)
{
    if (n < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' ||
        line[7] > '9' || line[8] != ' ') {
        return 0;
    }
    int code = 0;
    for (size_t i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9') {
            return 0;
        }
        code = code * 10 + (line[i] - '0');
    }
    if (n > 12 && line[12] != ' ') {
        return 0;
    }
    *status = code;
    return 1;
}

/* What the header lines said, for the checks after the last one. */
typedef struct upgrade_seen {
    int upgrade_ok;    /* an "Upgrade: websocket" line */
    int connection_ok; /* a Connection line holding "upgrade" */
    int n_accept;
    int accept_ok;
} upgrade_seen;

/* One header line (without its CRLF): NULL if acceptable so far, else
 * why not. */
static const char *
check_header_line(const char *line, size_t n, const char *accept,
                  upgrade_seen *seen)
{
    if (n > 0 && is_ows(line[0])) {
        return "folded header line in the upgrade answer";
    }
    const char *colon = memchr(line, ':', n);
    if (colon == NULL || colon == line) {
        return "malformed header line in the upgrade answer";
    }
    size_t name_len = (size_t)(colon - line);
    for (size_t i = 0; i < name_len; i++) {
        if (line[i] <= ' ' || line[i] == 0x7f) {
            return "malformed header name in the upgrade answer";
        }
    }
    const char *v = colon + 1;
    const char *end = line + n;
    while (v < end && is_ows(*v)) {
        v++;
    }
    while (end > v && is_ows(end[-1])) {
        end--;
    }
    size_t v_len = (size_t)(end - v);
    if (is_ieq(line, name_len, "upgrade")) {
        if (!is_ieq(v, v_len, "websocket")) {
            return "upgrade answer's Upgrade is not websocket";
        }
        seen->upgrade_ok = 1;
    } else if (is_ieq(line, name_len, "connection")) {
        seen->connection_ok |= has_token(v, v_len, "upgrade");
    } else if (is_ieq(line, name_len, "sec-websocket-accept")) {
        seen->n_accept++;
        seen->accept_ok =
            v_len == strlen(accept) && memcmp(v, accept, v_len) == 0;
    } else if (is_ieq(line, name_len, "sec-websocket-extensions") ||
               is_ieq(line, name_len, "sec-websocket-protocol")) {
        /* RFC 6455, 4.1: the client fails the connection when the server
         * picks an extension or subprotocol it did not ask for. */
        if (v_len > 0) {
            return "upgrade answer picks an extension or subprotocol"
                   " that was not offered";
        }
    }
    return NULL;
}

xg_err
xg__ws_check_upgrade(const char *resp, size_t len, const char *key,
                     size_t *header_len, char *why, size_t why_cap)
{
    *header_len = 0;
    char accept[ACCEPT_B64_MAX];
    xg_err e = expected_accept(key, accept, sizeof accept);
    if (e != XG_OK) {
        say(why, why_cap, "Sec-WebSocket-Key too long");
        return XG_ERR_INVALID;
    }
    size_t end =
        header_end(resp, len < XG_WS_UPGRADE_MAX ? len : XG_WS_UPGRADE_MAX);
    if (end == 0) {
        if (len >= XG_WS_UPGRADE_MAX) {
            say(why, why_cap, "upgrade answer header above 8 KiB");
            return XG_ERR_OVERFLOW;
        }
        say(why, why_cap, "upgrade answer incomplete");
        return XG_ERR_TRUNCATED;
    }
    /* Lines up to the blank one; the header ends in "\r\n\r\n", so every
     * line before it ends in "\r\n" inside [0, end). */
    size_t pos = 0;
    int status = 0;
    upgrade_seen seen = {0, 0, 0, 0};
    for (int first = 1;; first = 0) {
        const char *line = resp + pos;
        size_t n = 0;
        while (!(line[n] == '\r' && line[n + 1] == '\n')) {
            n++;
        }
        pos += n + 2;
        if (first) {
            if (!parse_status_line(line, n, &status)) {
                say(why, why_cap,
                    "malformed status line in the upgrade"
                    " answer");
                return XG_ERR_BAD_RESPONSE;
            }
            if (status != 101) {
                if (why != NULL && why_cap > 0) {
                    snprintf(why, why_cap,
                             "upgrade refused: status %d, not 101", status);
                }
                return XG_ERR_BAD_RESPONSE;
            }
            continue;
        }
        if (n == 0) {
            break; /* the blank line */
        }
        const char *bad = check_header_line(line, n, accept, &seen);
        if (bad != NULL) {
            say(why, why_cap, bad);
            return XG_ERR_BAD_RESPONSE;
        }
    }
    const char *bad = NULL;
    if (!seen.upgrade_ok) {
        bad = "upgrade answer lacks Upgrade: websocket";
    } else if (!seen.connection_ok) {
        bad = "upgrade answer's Connection lacks upgrade";
    } else if (seen.n_accept == 0) {
        bad = "upgrade answer lacks Sec-WebSocket-Accept";
    } else if (seen.n_accept > 1) {
        bad = "upgrade answer has more than one Sec-WebSocket-Accept";
    } else if (!seen.accept_ok) {
        bad = "upgrade answer's Sec-WebSocket-Accept does not match the key";
    }
    if (bad != NULL) {
        say(why, why_cap, bad);
        return XG_ERR_BAD_RESPONSE;
    }
    *header_len = end;
    return XG_OK;
}

/* --- Ending -------------------------------------------------------------- */

/* The connection is over: stop all work now, report why at the end of
 * this perform (or at the next one). The first reason wins. */
static void
end(xg__ws *ws, const char *why)
{
    if (ws->state == WS_DONE) {
        return;
    }
    ws->state = WS_DONE;
    xg_strlcpy(ws->why, why, sizeof ws->why);
}

/* what failed, in the connection's words. */
static void
end_conn(xg__ws *ws, const char *what)
{
    char why[WHY_MAX];
    snprintf(why, sizeof why, "%s: %s", what, xg__netconn_why(ws->conn));
    end(ws, why);
}

/* Why a socket callback failed, from what it recorded. */
static void
end_broken(xg__ws *ws, const char *when)
{
    char why[WHY_MAX];
    if (ws->peer_eof) {
        xg_strlcpy(why,
                   "the server closed the connection without a close"
                   " frame",
                   sizeof why);
    } else if (ws->is_io_broken) {
        snprintf(why, sizeof why, "connection broke %s: %s", when,
                 xg__netconn_why(ws->conn));
    } else {
        snprintf(why, sizeof why, "connection failed %s", when);
    }
    end(ws, why);
}

static void
report_end(xg__ws *ws)
{
    if (ws->state != WS_DONE || ws->close_reported) {
        return;
    }
    ws->close_reported = 1;
    if (ws->ev.on_close != NULL) {
        ws->ev.on_close(ws->ev.ctx, ws->why);
    }
}

/* --- The connection ---------------------------------------------------- */

static void start_upgrade(xg__ws *ws);

static void
connect_step(xg__ws *ws, const xg__watch *ready, size_t n_ready)
{
    xg__netconn_perform(ws->conn, ready, n_ready);
    switch (xg__netconn_get_state(ws->conn)) {
    case XG_NETCONN_OPEN:
        start_upgrade(ws);
        return;
    case XG_NETCONN_FAILED:
        end_conn(ws, "cannot connect");
        return;
    case XG_NETCONN_CONNECTING:
        return;
    }
}

/* --- The upgrade ---------------------------------------------------------- */

static void
start_upgrade(xg__ws *ws)
{
    ws->sock = xg__netconn_fd(ws->conn);
    ws->state = WS_UPGRADING;
}

static void open_frames(xg__ws *ws);

/* Write what is left of the request, then read the answer as far as it
 * came. */
static void
upgrade_step(xg__ws *ws)
{
    while (ws->req_sent < ws->req_len) {
        size_t n = 0;
        xg_err e = xg__netconn_send(ws->conn, ws->req + ws->req_sent,
                                    ws->req_len - ws->req_sent, &n);
        if (e == XG_ERR_BUSY) {
            return; /* the rest when the socket takes it */
        }
        if (e != XG_OK) {
            end_conn(ws, "cannot send the upgrade request");
            return;
        }
        ws->req_sent += n;
        ws->stats.bytes_out += n;
        if (ws->req_sent == ws->req_len) {
            xg_wipe(ws->req, ws->req_len); /* it held the query */
        }
    }
    for (;;) {
        size_t n = 0;
        if (ws->ans_len < sizeof ws->ans) {
            xg_err e = xg__netconn_recv(ws->conn, ws->ans + ws->ans_len,
                                        sizeof ws->ans - ws->ans_len, &n);
            if (e == XG_ERR_BUSY) {
                return;
            }
            if (e != XG_OK) {
                end_conn(ws, "connection broke during the upgrade");
                return;
            }
            if (n == 0) {
                end(ws, "the server closed the connection during the"
                        " upgrade");
                return;
            }
        }
        ws->ans_len += n;
        ws->stats.bytes_in += n;
        char why[WHY_MAX];
        size_t header_len = 0;
        xg_err e = xg__ws_check_upgrade(ws->ans, ws->ans_len, ws->key,
                                        &header_len, why, sizeof why);
        if (e == XG_OK) {
            ws->frame_off = header_len;
            open_frames(ws);
            return;
        }
        if (e != XG_ERR_TRUNCATED) {
            end(ws, why);
            return;
        }
    }
}

/* --- Frames (wslay) --------------------------------------------------------
 */

static ssize_t
on_wslay_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
              void *user)
{
    (void)flags;
    xg__ws *ws = user;
    if (ws->state == WS_DONE) {
        /* Ended by a callback of this read: read nothing more. */
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    if (ws->frame_off < ws->ans_len) {
        size_t n = ws->ans_len - ws->frame_off;
        n = n < len ? n : len;
        memcpy(buf, ws->ans + ws->frame_off, n);
        ws->frame_off += n;
        return (ssize_t)n;
    }
    size_t n = 0;
    xg_err e = xg__netconn_recv(ws->conn, buf, len, &n);
    if (e == XG_ERR_BUSY) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (e != XG_OK || n == 0) {
        ws->is_io_broken = e != XG_OK;
        ws->peer_eof = e == XG_OK;
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    ws->stats.bytes_in += n;
    return (ssize_t)n;
}

static ssize_t
on_wslay_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
              int flags, void *user)
{
    (void)flags;
    xg__ws *ws = user;
    size_t n = 0;
    xg_err e = xg__netconn_send(ws->conn, data, len, &n);
    if (e == XG_ERR_BUSY) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (e != XG_OK) {
        ws->is_io_broken = 1;
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    ws->stats.bytes_out += n;
    return (ssize_t)n;
}

static int
on_wslay_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len,
                 void *user)
{
    (void)user;
    if (len > (size_t)INT32_MAX || RAND_bytes(buf, (int)len) != 1) {
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
        return -1;
    }
    return 0;
}

/* wslay reads frames without gathering their payload (no buffering: no
 * allocation and no copy of its own per message); a data frame's bytes
 * are appended here as they come, and a message above XG_WS_MSG_MAX is
 * refused with 1009, which wslay then cannot check for us. Ping, pong and
 * close frames are still wslay's. */
static void
on_wslay_frame_start(wslay_event_context_ptr ctx,
                     const struct wslay_event_on_frame_recv_start_arg *arg,
                     void *user)
{
    (void)ctx;
    xg__ws *ws = user;
    ws->is_ctrl_frame = (arg->opcode & 0x8u) != 0;
    if (arg->opcode == WSLAY_TEXT_FRAME || arg->opcode == WSLAY_BINARY_FRAME) {
        ws->is_text_msg = arg->opcode == WSLAY_TEXT_FRAME;
        ws->msg_len = 0;
    }
}

/* Room for need bytes in ws->msg: 1, or 0 with the connection ended. */
static int
msg_room(xg__ws *ws, size_t need)
{
    if (need <= ws->msg_cap) {
        return 1;
    }
    size_t cap = ws->msg_cap > 0 ? ws->msg_cap : MSG_INITIAL_CAP;
    while (cap < need) {
        cap *= 2;
    }
    char *p = realloc(ws->msg, cap);
    if (p == NULL) {
        end(ws, "out of memory for a received message");
        return 0;
    }
    ws->msg = p;
    ws->msg_cap = cap;
    return 1;
}

static void
on_wslay_chunk(wslay_event_context_ptr ctx,
               const struct wslay_event_on_frame_recv_chunk_arg *arg,
               void *user)
{
    xg__ws *ws = user;
    if (ws->state == WS_DONE || ws->is_ctrl_frame || !ws->is_text_msg) {
        return;
    }
    size_t len = ws->msg_len + arg->data_length;
    if (len > XG_WS_MSG_MAX) {
        ws->is_text_msg = 0;
        (void)wslay_event_queue_close(ctx, WSLAY_CODE_MESSAGE_TOO_BIG, NULL, 0);
        wslay_event_shutdown_read(ctx);
        return;
    }
    if (msg_room(ws, len + 1)) {
        memcpy(ws->msg + ws->msg_len, arg->data, arg->data_length);
        ws->msg_len = len;
    }
}

static void
on_wslay_msg(wslay_event_context_ptr ctx,
             const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
    (void)ctx;
    xg__ws *ws = user;
    /* After an end (a callback closed or a copy failed) nothing more is
     * delivered; binary messages are not ours to read; ping, pong and
     * close are wslay's (it queues the pong and the answering close). */
    if (ws->state == WS_DONE || arg->opcode != WSLAY_TEXT_FRAME ||
        !ws->is_text_msg || !msg_room(ws, ws->msg_len + 1)) {
        return;
    }
    ws->msg[ws->msg_len] = '\0';
    ws->stats.msgs_in++;
    if (ws->ev.on_text != NULL) {
        ws->ev.on_text(ws->ev.ctx, ws->msg, ws->msg_len);
    }
}

static void
frames_end_why(xg__ws *ws, int closing)
{
    char why[WHY_MAX];
    if (wslay_event_get_close_received(ws->wslay)) {
        uint16_t code = wslay_event_get_status_code_received(ws->wslay);
        snprintf(why, sizeof why, "%s (code %u)",
                 closing ? "closed" : "closed by the server", (unsigned)code);
        end(ws, why);
        return;
    }
    /* wslay stopped reading and queued a close itself: a message above
     * XG_WS_MSG_MAX (1009) or a protocol error (1002). */
    uint16_t code = wslay_event_get_status_code_sent(ws->wslay);
    const char *what =
        code == WSLAY_CODE_MESSAGE_TOO_BIG  ? "message above the size limit"
        : code == WSLAY_CODE_PROTOCOL_ERROR ? "protocol error from the server"
                                            : "server sent what cannot be read";
    snprintf(why, sizeof why, "%s: closed with code %u", what, (unsigned)code);
    end(ws, why);
}

/* Send what wslay has queued, as far as the socket takes it. */
static void
flush(xg__ws *ws)
{
    if (ws->state != WS_OPEN && ws->state != WS_CLOSING) {
        return;
    }
    if (wslay_event_want_write(ws->wslay) && wslay_event_send(ws->wslay) != 0) {
        end_broken(ws, "while sending");
    }
}

static void
frames_step(xg__ws *ws, int do_read)
{
    int closing = ws->state == WS_CLOSING;
    if (do_read && wslay_event_get_read_enabled(ws->wslay) &&
        wslay_event_recv(ws->wslay) != 0) {
        end_broken(ws, "while reading");
        return;
    }
    flush(ws);
    if (ws->state == WS_DONE) {
        return;
    }
    if (!wslay_event_get_read_enabled(ws->wslay)) {
        frames_end_why(ws, closing);
    }
}

static void
open_frames(xg__ws *ws)
{
    struct wslay_event_callbacks cb = {
        on_wslay_recv,  on_wslay_send, on_wslay_genmask, on_wslay_frame_start,
        on_wslay_chunk, NULL,          on_wslay_msg};
    if (wslay_event_context_client_init(&ws->wslay, &cb, ws) != 0) {
        ws->wslay = NULL;
        end(ws, "out of memory for the WebSocket context");
        return;
    }
    wslay_event_config_set_no_buffering(ws->wslay, 1);
    /* What one frame may carry; the message's whole is checked as it is
     * gathered (on_wslay_chunk). */
    wslay_event_config_set_max_recv_msg_length(ws->wslay, XG_WS_MSG_MAX);
    ws->state = WS_OPEN;
    if (ws->ev.on_open != NULL) {
        ws->ev.on_open(ws->ev.ctx);
    }
    /* The answer may have brought the first frames, and libcurl may hold
     * more already decrypted: read now rather than wait for the socket. */
    if (ws->state == WS_OPEN || ws->state == WS_CLOSING) {
        frames_step(ws, 1);
    }
}

/* --- Opening ----------------------------------------------------------------
 */

static int
is_url_char(char c)
{
    return c > ' ' && c < 0x7f;
}

/*
 * The upgrade request for url into ws->req and the http(s):// URL libcurl
 * connects to into http_url. The request line and Host come from the URL
 * as written, so it must hold no space or control character (no header
 * can be smuggled into the request).
 */
static xg_err
build_request(xg__ws *ws, const char *url, char *http_url, size_t url_cap,
              char *err, size_t err_len)
{
    int tls;
    size_t scheme_len;
    if (strncmp(url, "ws://", 5) == 0) {
        tls = 0;
        scheme_len = 2;
    } else if (strncmp(url, "wss://", 6) == 0) {
        tls = 1;
        scheme_len = 3;
    } else {
        say(err, err_len, "stream URL is not ws:// or wss://");
        return XG_ERR_INVALID;
    }
    for (const char *p = url; *p != '\0'; p++) {
        if (!is_url_char(*p)) {
            say(err, err_len, "stream URL holds a space or control character");
            return XG_ERR_INVALID;
        }
    }
    const char *auth = url + scheme_len + 3;
    size_t auth_len = strcspn(auth, "/?#");
    if (auth_len == 0) {
        say(err, err_len, "stream URL has no host");
        return XG_ERR_INVALID;
    }
    if (memchr(auth, '@', auth_len) != NULL) {
        say(err, err_len, "stream URL has a user name (not supported)");
        return XG_ERR_INVALID;
    }
    const char *target = auth + auth_len;
    size_t target_len = strcspn(target, "#");

    xg_buf b;
    xg_buf_init(&b, http_url, url_cap);
    xg_buf_puts(&b, tls ? "https" : "http");
    xg_buf_puts(&b, url + scheme_len);
    xg_err e1 = xg_buf_status(&b);

    uint8_t raw[KEY_RAW_LEN];
    if (RAND_bytes(raw, sizeof raw) != 1 ||
        xg_base64_encode(raw, sizeof raw, ws->key, sizeof ws->key) != XG_OK) {
        say(err, err_len, "cannot make a Sec-WebSocket-Key");
        return XG_ERR_INTERNAL;
    }
    xg_buf_init(&b, ws->req, sizeof ws->req);
    xg_buf_puts(&b, "GET ");
    if (target_len == 0 || target[0] == '?') {
        xg_buf_putc(&b, '/');
    }
    xg_buf_put(&b, target, target_len);
    xg_buf_puts(&b, " HTTP/1.1\r\nHost: ");
    xg_buf_put(&b, auth, auth_len);
    xg_buf_puts(&b, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: ");
    xg_buf_puts(&b, ws->key);
    xg_buf_puts(&b, "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: xgate\r\n"
                    "\r\n");
    if (e1 != XG_OK || xg_buf_status(&b) != XG_OK) {
        say(err, err_len, "stream URL too long");
        return XG_ERR_INVALID;
    }
    ws->req_len = strlen(ws->req);
    return XG_OK;
}

static xg_err
start_connect(xg__ws *ws, const char *http_url, const xg__ws_options *opt)
{
    long timeout_ms = opt->connect_timeout_ms > 0 ? opt->connect_timeout_ms
                                                  : DEFAULT_CONNECT_TIMEOUT_MS;
    const xg__netconn_options nopt = {timeout_ms, opt->verify_tls,
                                      opt->ca_file};
    ws->conn = xg__netconn_open(http_url, &nopt);
    ws->open_deadline_ms = mono_ms() + timeout_ms;
    return ws->conn != NULL ? XG_OK : XG_ERR_NOMEM;
}

xg__ws *
xg__ws_open(const char *url, const xg__ws_options *opt, const xg__ws_events *ev,
            char *err, size_t err_len)
{
    say(err, err_len, "");
    xg__ws *ws = calloc(1, sizeof *ws);
    char *http_url = malloc(URL_MAX);
    if (ws == NULL || http_url == NULL) {
        say(err, err_len, "out of memory");
        free(http_url);
        free(ws);
        return NULL;
    }
    ws->state = WS_CONNECTING;
    ws->ev = *ev;
    ws->sock = -1;
    ws->close_deadline_ms = -1;
    xg_err e = build_request(ws, url, http_url, URL_MAX, err, err_len);
    if (e == XG_OK) {
        e = start_connect(ws, http_url, opt);
        if (e != XG_OK) {
            say(err, err_len, "out of memory");
        }
    }
    xg_wipe(http_url, URL_MAX); /* libcurl keeps its own copy */
    free(http_url);
    if (e != XG_OK) {
        xg__ws_destroy(&ws);
        return NULL;
    }
    return ws;
}

void
xg__ws_destroy(xg__ws **wsp)
{
    xg__ws *ws = *wsp;
    if (ws == NULL) {
        return;
    }
    if (ws->wslay != NULL) {
        wslay_event_context_free(ws->wslay);
    }
    xg__netconn_destroy(&ws->conn);
    free(ws->msg);
    xg_wipe(ws->req, sizeof ws->req);
    free(ws);
    *wsp = NULL;
}

/* --- The loop's side
 * ---------------------------------------------------------- */

size_t
xg__ws_watches(const xg__ws *ws, xg__watch *out, size_t cap)
{
    switch (ws->state) {
    case WS_CONNECTING:
        return xg__netconn_watches(ws->conn, out, cap);
    case WS_UPGRADING:
        if (cap == 0) {
            return 0;
        }
        out[0].fd = ws->sock;
        out[0].events =
            (short)(XG_WATCH_IN |
                    (ws->req_sent < ws->req_len ? XG_WATCH_OUT : 0));
        return 1;
    case WS_OPEN:
    case WS_CLOSING:
        if (cap == 0) {
            return 0;
        }
        out[0].fd = ws->sock;
        out[0].events =
            (short)(XG_WATCH_IN |
                    (wslay_event_want_write(ws->wslay) ? XG_WATCH_OUT : 0));
        return 1;
    case WS_DONE:
        break;
    }
    return 0;
}

long
xg__ws_timeout_ms(const xg__ws *ws)
{
    int64_t now = mono_ms();
    switch (ws->state) {
    case WS_CONNECTING: {
        long left = ms_left(ws->open_deadline_ms, now);
        long curl_left = xg__netconn_timeout_ms(ws->conn);
        return curl_left >= 0 && curl_left < left ? curl_left : left;
    }
    case WS_UPGRADING:
        return ms_left(ws->open_deadline_ms, now);
    case WS_OPEN:
        return -1;
    case WS_CLOSING:
        return ms_left(ws->close_deadline_ms, now);
    case WS_DONE:
        break;
    }
    return ws->close_reported ? -1 : 0;
}

static int
is_readable(const xg__ws *ws, const xg__watch *ready, size_t n_ready)
{
    for (size_t i = 0; i < n_ready; i++) {
        if (ready[i].fd == ws->sock && (ready[i].events & XG_WATCH_IN)) {
            return 1;
        }
    }
    return 0;
}

void
xg__ws_perform(xg__ws *ws, const xg__watch *ready, size_t n_ready)
{
    if (ws->close_reported) {
        return;
    }
    ws->in_perform = 1;
    int64_t now = mono_ms();
    if (ws->state == WS_CONNECTING) {
        connect_step(ws, ready, n_ready);
    }
    if (ws->state == WS_UPGRADING) {
        upgrade_step(ws); /* may open and read the first frames */
    } else if (ws->state == WS_OPEN || ws->state == WS_CLOSING) {
        frames_step(ws, is_readable(ws, ready, n_ready));
    }
    now = mono_ms();
    if ((ws->state == WS_CONNECTING || ws->state == WS_UPGRADING) &&
        now >= ws->open_deadline_ms) {
        end(ws, ws->state == WS_CONNECTING
                    ? "timed out connecting"
                    : "timed out waiting for the upgrade answer");
    }
    if (ws->state == WS_CLOSING && now >= ws->close_deadline_ms) {
        end(ws, "closed (the server did not answer the close frame)");
    }
    ws->in_perform = 0;
    report_end(ws);
}

xg_err
xg__ws_send_text(xg__ws *ws, const char *text, size_t len)
{
    if (ws->state != WS_OPEN) {
        return XG_ERR_INVALID;
    }
    struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)text, len};
    int r = wslay_event_queue_msg(ws->wslay, &m); /* copies */
    if (r == WSLAY_ERR_NOMEM) {
        return XG_ERR_NOMEM;
    }
    if (r != 0) {
        return XG_ERR_INVALID;
    }
    ws->stats.msgs_out++;
    /* Inside perform the queue leaves when perform flushes; outside, at
     * once if the socket takes it. */
    if (!ws->in_perform) {
        flush(ws);
        report_end(ws);
    }
    return XG_OK;
}

void
xg__ws_close(xg__ws *ws, uint16_t code)
{
    switch (ws->state) {
    case WS_CONNECTING:
    case WS_UPGRADING:
        end(ws, "closed before the connection opened");
        return;
    case WS_OPEN:
        if (wslay_event_queue_close(ws->wslay, code, NULL, 0) != 0) {
            end(ws, "closed");
            return;
        }
        ws->state = WS_CLOSING;
        ws->close_deadline_ms = mono_ms() + CLOSE_WAIT_MS;
        if (!ws->in_perform) {
            flush(ws);
        }
        return;
    case WS_CLOSING:
    case WS_DONE:
        return;
    }
}

void
xg__ws_stats_get(const xg__ws *ws, xg__ws_stats *out)
{
    *out = ws->stats;
}
