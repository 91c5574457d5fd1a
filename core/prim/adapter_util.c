/*
 * adapter_util.c - the text and number helpers venue adapters share.
 *
 * Each venue plug-in used to carry its own copy of these: making venue
 * text printable, reading padded decimals and digit strings out of
 * answers, checking option values and header-bound credentials, and
 * classifying a malformed body. They live here, in xgate_prim, because a
 * plug-in links xgate_prim statically and may reach nothing else of the
 * core; none of them touches a JSON library, so the adapters' Jansson
 * wrappers stay a few lines each. The behaviour is the adapters' former
 * behaviour to the byte: their unit tests and the vectors pin it.
 */
#include "xgate/adapter_util.h"

#include <stdio.h>
#include <string.h>

#include "xgate/buf.h"

void
xg_copy_printable(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    dst[n] = '\0';
}

int
xg_ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int
xg_contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay != '\0'; hay++) {
        size_t i = 0;
        while (i < n && hay[i] != '\0' &&
               xg_ascii_lower((unsigned char)hay[i]) ==
                   xg_ascii_lower((unsigned char)needle[i])) {
            i++;
        }
        if (i == n) {
            return 1;
        }
    }
    return 0;
}

xg_err
xg_text_copy(const char *s, size_t len, char *dst, size_t cap)
{
    if (memchr(s, '\0', len) != NULL) {
        return XG_ERR_BAD_FIELD;
    }
    if (len == 0) {
        return XG_ERR_NOT_FOUND;
    }
    if (len >= cap) {
        return XG_ERR_TRUNCATED;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
    return XG_OK;
}

xg_err
xg_decimal_parse_padded(const char *s, size_t len, xg_decimal *out)
{
    /* Only a fraction may be trimmed: "100" must stay a hundred. */
    if (memchr(s, '.', len) != NULL) {
        while (len > 0 && s[len - 1] == '0') {
            len--;
        }
        if (len > 0 && s[len - 1] == '.') {
            len--;
        }
    }
    return xg_decimal_parse(s, len, out);
}

xg_err
xg_amount_parse(const char *s, size_t len, xg_decimal *out)
{
    xg_err rc = xg_decimal_parse_padded(s, len, out);

    if (rc == XG_OK && out->units < 0) {
        return XG_ERR_BAD_FIELD;
    }
    return rc;
}

xg_err
xg_digits_i64(const char *s, size_t len, int64_t *out)
{
    int64_t v = 0;

    if (len == 0) {
        return XG_ERR_INVALID;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return XG_ERR_INVALID;
        }
        if (v > (INT64_MAX - (s[i] - '0')) / 10) {
            return XG_ERR_OVERFLOW;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return XG_OK;
}

xg_err
xg_header_i64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;

    while (i < len && (s[i] == ' ' || s[i] == '\t')) {
        i++;
    }
    while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }
    return xg_digits_i64(s + i, len - i, out);
}

xg_err
xg_field_text(const xg_json *j, size_t obj, const char *key, char *dst,
              size_t cap)
{
    size_t v = 0;
    size_t len = 0;

    if (xg_json_get(j, obj, key, &v) != XG_OK ||
        xg_json_type_of(j, v) != XG_JSON_STRING) {
        return XG_ERR_BAD_FIELD;
    }
    xg_err rc = xg_json_string(j, v, dst, cap, &len);
    if (rc == XG_OK && len == 0) {
        return XG_ERR_BAD_FIELD;
    }
    return rc;
}

xg_err
xg_field_name(const xg_json *j, size_t obj, const char *key, char *dst,
              size_t cap)
{
    size_t v = 0;

    if (xg_json_get(j, obj, key, &v) != XG_OK ||
        xg_json_type_of(j, v) != XG_JSON_STRING) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_json_string(j, v, dst, cap, NULL) != XG_OK) {
        dst[0] = '\0';
    }
    return XG_OK;
}

xg_err
xg_field_fee(const xg_json *j, size_t obj, const char *fee_key,
             const char *currency_key, int sign, xg_execution *exec)
{
    char currency[XG_CURRENCY_MAX];
    xg_decimal fee;
    size_t v = 0;

    if (!xg_field_has(j, obj, fee_key) || !xg_field_has(j, obj, currency_key) ||
        (xg_json_get(j, obj, fee_key, &v) == XG_OK &&
         xg_json_is_string_eq(j, v, ""))) {
        return XG_OK;
    }
    if (xg_field_name(j, obj, currency_key, currency, sizeof currency) !=
            XG_OK ||
        xg_field_decimal(j, obj, fee_key, &fee) != XG_OK ||
        fee.units == INT64_MIN) {
        return XG_ERR_BAD_FIELD;
    }
    if (currency[0] == '\0') {
        return XG_OK;
    }
    exec->fee.units = sign < 0 ? -fee.units : fee.units;
    exec->fee.scale = fee.scale;
    memcpy(exec->fee_currency, currency, sizeof exec->fee_currency);
    return XG_OK;
}

int
xg_field_has(const xg_json *j, size_t obj, const char *key)
{
    size_t v = 0;
    return xg_json_get(j, obj, key, &v) != XG_ERR_NOT_FOUND;
}

xg_err
xg_field_decimal(const xg_json *j, size_t obj, const char *key, xg_decimal *out)
{
    char text[64];
    size_t v = 0;
    size_t len = 0;

    if (xg_json_get(j, obj, key, &v) != XG_OK ||
        xg_json_type_of(j, v) != XG_JSON_STRING ||
        xg_json_string(j, v, text, sizeof(text), &len) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return xg_decimal_parse_padded(text, len, out);
}

xg_err
xg_field_amount(const xg_json *j, size_t obj, const char *key, xg_decimal *out)
{
    xg_err rc = xg_field_decimal(j, obj, key, out);

    if (rc == XG_OK && out->units < 0) {
        return XG_ERR_BAD_FIELD;
    }
    return rc;
}

xg_err
xg_field_amount_or_zero(const xg_json *j, size_t obj, const char *key,
                        xg_decimal *out)
{
    size_t v = 0;
    xg_err rc = xg_json_get(j, obj, key, &v);

    if (rc == XG_ERR_NOT_FOUND ||
        (rc == XG_OK && (xg_json_type_of(j, v) == XG_JSON_NULL ||
                         xg_json_is_string_eq(j, v, "")))) {
        out->units = 0;
        out->scale = 0;
        return XG_OK;
    }
    return xg_field_amount(j, obj, key, out);
}

xg_err
xg_field_digits_or_zero(const xg_json *j, size_t obj, const char *key,
                        int64_t *out)
{
    char text[24];
    size_t v = 0;
    size_t n = 0;

    *out = 0;
    xg_err rc = xg_json_get(j, obj, key, &v);
    if (rc == XG_ERR_NOT_FOUND) {
        return XG_OK;
    }
    if (rc != XG_OK || xg_json_type_of(j, v) != XG_JSON_STRING ||
        xg_json_string(j, v, text, sizeof(text), &n) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (n == 0) {
        return XG_OK;
    }
    return xg_digits_i64(text, n, out) == XG_OK ? XG_OK : XG_ERR_BAD_FIELD;
}

xg_err
xg_field_i64(const xg_json *j, size_t obj, const char *key, int64_t *out)
{
    size_t v = 0;

    if (xg_json_get(j, obj, key, &v) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return xg_json_int64(j, v, out) == XG_OK ? XG_OK : XG_ERR_BAD_FIELD;
}

int
xg_is_plain_id(const char *s, size_t cap)
{
    size_t n = s != NULL ? strnlen(s, cap) : 0;

    if (n == 0 || n >= cap) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

xg_err
xg_request_public_get(xg_http_request *req, const char *target)
{
    xg_err rc = xg_strlcpy(req->method, "GET", sizeof(req->method));

    if (rc == XG_OK) {
        rc = xg_strlcpy(req->target, target, sizeof(req->target));
    }
    req->body[0] = '\0';
    req->body_len = 0;
    req->is_signed = 0;
    return rc;
}

xg_priority
xg_op_priority(xg_op_kind kind)
{
    switch (kind) {
    case XG_OP_CANCEL_ORDER:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_CANCEL_SYMBOL:
        return XG_PRIO_CANCEL;
    case XG_OP_NEW_ORDER:
    case XG_OP_BATCH_NEW:
    case XG_OP_AMEND_ORDER: /* a quote moved, not pulled */
    case XG_OP_BATCH_AMEND:
        return XG_PRIO_NEW;
    default:
        return XG_PRIO_QUERY;
    }
}

xg_err
xg_symbol_join(const char *base, const char *quote, char *out)
{
    xg_buf sym;

    xg_buf_init(&sym, out, XG_SYMBOL_MAX);
    xg_buf_puts(&sym, base);
    xg_buf_putc(&sym, '/');
    xg_buf_puts(&sym, quote);
    if (xg_buf_status(&sym) != XG_OK || xg_symbol_validate(out) != XG_OK) {
        return XG_ERR_BAD_SYMBOL;
    }
    return XG_OK;
}

/* The spec of key, or NULL. */
static const xg_option_spec *
find_option(const xg_option_spec *specs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(specs[i].key, key) == 0) {
            return &specs[i];
        }
    }
    return NULL;
}

xg_err
xg_adapter_options(const xg_adapter_config *cfg, const char *venue,
                   const xg_option_spec *specs, size_t n, void *inst,
                   xg_option_fn other, char *err, size_t err_len)
{
    if (cfg->n_options > 0 && cfg->options == NULL) {
        xg_adapter_err(err, err_len, venue, "options missing", NULL, NULL);
        return XG_ERR_CONFIG;
    }
    for (size_t i = 0; i < cfg->n_options; i++) {
        const xg_kv *kv = &cfg->options[i];
        if (kv->key == NULL) {
            xg_adapter_err(err, err_len, venue, "option without a name", NULL,
                           NULL);
            return XG_ERR_CONFIG;
        }
        const xg_option_spec *spec = find_option(specs, n, kv->key);
        if (spec == NULL) {
            xg_err rc = other != NULL ? other(inst, kv, err, err_len)
                                      : XG_ERR_NOT_FOUND;
            if (rc == XG_ERR_NOT_FOUND) {
                xg_adapter_err(err, err_len, venue, "unknown option ", kv->key,
                               "");
                return XG_ERR_CONFIG;
            }
            if (rc != XG_OK) {
                return rc;
            }
            continue;
        }
        int64_t *dst = (int64_t *)(void *)((char *)inst + spec->offset);
        if (xg_option_i64(kv->value, spec->min, spec->max, dst) != XG_OK) {
            char what[64];
            snprintf(what, sizeof what, " must be an integer %lld..%lld",
                     (long long)spec->min, (long long)spec->max);
            xg_adapter_err(err, err_len, venue, "option ", kv->key, what);
            return XG_ERR_CONFIG;
        }
    }
    return XG_OK;
}

xg_err
xg_stream_url_option(const xg_kv *kv, const char *venue, char *url, size_t cap,
                     char *err, size_t err_len)
{
    if (strcmp(kv->key, "stream_url") != 0) {
        return XG_ERR_NOT_FOUND;
    }
    const char *v = kv->value;
    size_t len = v != NULL ? strlen(v) : 0;
    int is_ws = v != NULL &&
                (strncmp(v, "ws://", 5) == 0 || strncmp(v, "wss://", 6) == 0);
    for (size_t i = 0; is_ws && i < len; i++) {
        is_ws = v[i] > 0x20 && v[i] < 0x7f;
    }
    if (!is_ws || len >= cap || len >= XG_STREAM_URL_MAX) {
        xg_adapter_err(err, err_len, venue, "option ", "stream_url",
                       " must be a ws:// or wss:// URL");
        return XG_ERR_CONFIG;
    }
    memcpy(url, v, len + 1);
    return XG_OK;
}

xg_err
xg_stream_message_done(const xg_buf *b, size_t *len)
{
    xg_err rc = xg_buf_status(b);
    *len = rc == XG_OK ? b->len : 0;
    return rc;
}

xg_err
xg_stream_message_fixed(const char *text, char *out, size_t cap, size_t *len)
{
    if (text == NULL || out == NULL || cap == 0 || len == NULL) {
        return XG_ERR_INVALID;
    }
    xg_buf b;
    xg_buf_init(&b, out, cap);
    xg_buf_puts(&b, text);
    return xg_stream_message_done(&b, len);
}

xg_err
xg_adapter_check_credentials(const xg_adapter_config *cfg, const char *venue,
                             size_t key_max, int needs_passphrase, char *err,
                             size_t err_len)
{
    if (cfg->api_key == NULL || cfg->api_key[0] == '\0') {
        xg_adapter_err(err, err_len, venue, "api_key missing", NULL, NULL);
        return XG_ERR_SECRET;
    }
    if (!xg_is_header_safe(cfg->api_key, key_max, 0)) {
        char what[64];
        snprintf(what, sizeof what,
                 "api_key must be 1-%zu printable characters", key_max - 1);
        xg_adapter_err(err, err_len, venue, what, NULL, NULL);
        return XG_ERR_SECRET;
    }
    if (cfg->secret == NULL || cfg->secret[0] == '\0') {
        xg_adapter_err(err, err_len, venue, "secret missing", NULL, NULL);
        return XG_ERR_SECRET;
    }
    if (needs_passphrase &&
        (cfg->passphrase == NULL || cfg->passphrase[0] == '\0')) {
        xg_adapter_err(err, err_len, venue, "passphrase missing", NULL, NULL);
        return XG_ERR_SECRET;
    }
    return XG_OK;
}

xg_err
xg_adapter_keys(const xg_adapter_config *cfg, const char *venue, char *key,
                size_t cap, xg_hmac **hmac, char *err, size_t err_len)
{
    if (xg_strlcpy(key, cfg->api_key, cap) != XG_OK) {
        xg_adapter_err(err, err_len, venue, "api_key too long", NULL, NULL);
        return XG_ERR_SECRET;
    }
    *hmac = xg_hmac_new(cfg->secret, strlen(cfg->secret));
    if (*hmac == NULL) {
        xg_adapter_err(err, err_len, venue, "cannot key HMAC-SHA256", NULL,
                       NULL);
        return XG_ERR_NOMEM;
    }
    return XG_OK;
}

xg_err
xg_option_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    int64_t v = 0;

    if (s == NULL || s[0] == '\0') {
        return XG_ERR_INVALID;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return XG_ERR_INVALID;
        }
        /* Checked per digit, so v never passes max and cannot overflow. */
        v = v * 10 + (*p - '0');
        if (v > max) {
            return XG_ERR_OVERFLOW;
        }
    }
    if (v < min) {
        return XG_ERR_OVERFLOW;
    }
    *out = v;
    return XG_OK;
}

void
xg_adapter_err(char *err, size_t err_len, const char *venue, const char *before,
               const char *key, const char *after)
{
    if (err == NULL || err_len == 0) {
        return;
    }
    snprintf(err, err_len, "%s: %s%.40s%s", venue, before,
             key != NULL ? key : "", after != NULL ? after : "");
}

int
xg_is_header_safe(const char *s, size_t cap, int allow_space)
{
    size_t n = strnlen(s, cap);

    if (n == 0 || n >= cap) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || (c == 0x20 && !allow_space)) {
            return 0;
        }
    }
    return 1;
}

int64_t
xg_share_pct(int64_t limit, int64_t pct)
{
    /* Split so limit * pct is never formed whole. */
    return limit / 100 * pct + limit % 100 * pct / 100;
}

xg_err
xg_i64_text(int64_t v, char *dst, size_t cap)
{
    xg_buf tmp;

    xg_buf_init(&tmp, dst, cap);
    xg_buf_put_i64(&tmp, v);
    return xg_buf_status(&tmp);
}

xg_op
xg_batch_item_op(const xg_op *op, size_t i)
{
    const xg_batch_item *it = &op->batch->items[i];
    xg_op one = {.kind = op->kind == XG_OP_BATCH_NEW     ? XG_OP_NEW_ORDER
                         : op->kind == XG_OP_BATCH_AMEND ? XG_OP_AMEND_ORDER
                                                         : XG_OP_CANCEL_ORDER,
                 .instrument = op->instrument,
                 .order = it->order,
                 .client_id = it->client_id,
                 .amend = it->amend};
    return one;
}

int
xg_op_is_mutating(xg_op_kind kind)
{
    return kind == XG_OP_NEW_ORDER || kind == XG_OP_CANCEL_ORDER ||
           kind == XG_OP_AMEND_ORDER || kind == XG_OP_BATCH_NEW ||
           kind == XG_OP_BATCH_CANCEL || kind == XG_OP_CANCEL_SYMBOL ||
           kind == XG_OP_BATCH_AMEND;
}

int
xg_err_match_fits(const xg_err_match *m, xg_op_kind kind, int status,
                  int has_code, int64_t code, const char *msg)
{
    if (!(m->http_min == 0 && m->http_max == 0) &&
        (status < m->http_min || status > m->http_max)) {
        return 0;
    }
    if (m->code != 0 && (!has_code || m->code != code)) {
        return 0;
    }
    if (m->msg_has != NULL &&
        (msg == NULL || !xg_contains_nocase(msg, m->msg_has))) {
        return 0;
    }
    /* Every kind the ABI has; one beyond fits no set, and is never
     * shifted out of the mask's width. */
    if (m->ops != 0 && (kind < XG_OP_SERVER_TIME || kind > XG_OP_KIND_MAX ||
                        (m->ops & XG_OP_BIT(kind)) == 0)) {
        return 0;
    }
    return 1;
}

const xg_err_rule *
xg_err_rules_apply(const xg_err_rule *rules, size_t n, xg_op_kind kind,
                   int status, int has_code, int64_t code, const char *msg,
                   xg_result *res)
{
    const xg_err_rule *rule = NULL;

    if (msg == NULL) {
        msg = "";
    }
    for (size_t i = 0; i < n; i++) {
        if (xg_err_match_fits(&rules[i].when, kind, status, has_code, code,
                              msg)) {
            rule = &rules[i];
            break;
        }
    }
    res->outcome = rule != NULL ? rule->outcome : XG_OUTCOME_REJECTED;
    res->err = rule != NULL ? rule->err : XG_ERR_REJECTED;
    res->retry_after_ms = rule != NULL ? rule->retry_after_ms : 0;
    res->venue_code[0] = '\0';
    if (has_code) {
        (void)xg_i64_text(code, res->venue_code, sizeof(res->venue_code));
    }
    size_t used = 0;
    if (rule != NULL && rule->label != NULL) {
        snprintf(res->venue_msg, sizeof(res->venue_msg), "%s%s", rule->label,
                 msg[0] != '\0' ? ": " : "");
        used = strlen(res->venue_msg);
    }
    xg_copy_printable(res->venue_msg + used, sizeof(res->venue_msg) - used, msg,
                      strlen(msg));
    return rule;
}

void
xg_result_bad_body(xg_op_kind kind, const char *why, xg_result *res)
{
    res->outcome =
        xg_op_is_mutating(kind) ? XG_OUTCOME_UNKNOWN : XG_OUTCOME_REJECTED;
    res->err = XG_ERR_BAD_RESPONSE;
    xg_copy_printable(res->venue_msg, sizeof(res->venue_msg), why, strlen(why));
}

void
xg_result_account(const xg_json *j, size_t obj, const char *key, xg_result *res)
{
    char id[XG_ACCOUNT_MAX];
    int64_t n = 0;
    xg_err rc = xg_field_i64(j, obj, key, &n);
    if (rc == XG_OK) {
        rc = n > 0 ? xg_i64_text(n, id, sizeof id) : XG_ERR_BAD_FIELD;
    } else {
        rc = xg_field_text(j, obj, key, id, sizeof id);
    }
    if (rc != XG_OK || !xg_is_plain_id(id, sizeof id)) {
        char why[XG_VENUE_MSG_MAX];
        snprintf(why, sizeof why, "account: expected %s, a user id", key);
        xg_result_bad_body(XG_OP_ACCOUNT_ID, why, res);
        return;
    }
    memcpy(res->account, id, sizeof id);
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

int
xg_result_order_usable(const xg_op *op, xg_err parsed, const char *what,
                       xg_result *res)
{
    /* A replacement under its own client id answers with that one. */
    const char *id = op->kind == XG_OP_AMEND_ORDER && op->amend != NULL &&
                             op->amend->is_replace &&
                             op->amend->new_client_id != NULL
                         ? op->amend->new_client_id
                         : op->client_id;
    if (parsed == XG_OK && id != NULL &&
        strcmp(res->order.client_id, id) != 0) {
        what = "response names another client order id";
        parsed = XG_ERR_BAD_FIELD;
    }
    if (parsed != XG_OK) {
        memset(&res->order, 0, sizeof(res->order));
        xg_result_bad_body(op->kind, what, res);
        return 0;
    }
    return 1;
}
