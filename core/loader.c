/*
 * loader.c - loads exchange adapter plug-ins and refuses bad ones.
 *
 * A plug-in is foreign code the gateway is about to trust with credentials
 * and orders, so it is only kept after every check the ABI promises has
 * passed: the entry symbol exists and returns a table, the table was built
 * against exactly this ABI version and this sizeof(xg_adapter) (a table
 * that is merely larger may have shifted fields, so "at least" is not
 * enough), its venue name is well formed, every mandatory function is set,
 * its caps can carry the client order ids the gateway sends and its venue
 * is not already served by another plug-in. Whatever the
 * reason for a refusal, the library is closed again before returning and
 * the caller gets one line naming the file and the reason, which the
 * daemon and xg-vector print as is. The module owns the dlopen handles of
 * a set; the adapter instances created from them belong to the caller.
 */
#include "loader.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <dlfcn.h>

#include "xgate/buf.h"

/* Longest venue name, without NUL (the ABI header says [a-z0-9]{1,15}). */
#define VENUE_NAME_LEN_MAX (XG_VENUE_NAME_MAX - 1)

/* Length of the client order ids the gateway sends to venues: a 16-
 * character gateway id of [0-9a-z] plus one attempt digit of [0-9a-z]
 * (core/orders.h, XG_GW_ID_LEN + 1). An adapter whose venue accepts
 * shorter ids, or not both digits and lower-case letters, could not carry
 * a single order. */
#define GW_CLIENT_ID_LEN   17u
#define GW_CLIENT_ID_CHARS (XG_ID_CHARS_DIGIT | XG_ID_CHARS_LOWER)

/* A name quoted in a refusal is cut to this many characters: enough to
 * recognise it, short enough to keep the line readable. */
#define QUOTED_NAME_MAX 32

void
xg__plugins_init(xg__plugins *set)
{
    assert(set != NULL);
    memset(set, 0, sizeof(*set));
}

int
xg__venue_name_is_valid(const char *name)
{
    size_t i;

    if (name == NULL) {
        return 0;
    }
    for (i = 0; name[i] != '\0'; i++) {
        char c = name[i];

        if (i >= VENUE_NAME_LEN_MAX) {
            return 0;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    return i > 0;
}

/* Copy s into out for quoting in a message: at most QUOTED_NAME_MAX
 * characters, anything that is not printable ASCII shown as '?', so a
 * hostile table cannot break the one-line promise. */
static void
loader_quote(const char *s, char out[QUOTED_NAME_MAX + 4])
{
    size_t i;

    for (i = 0; s[i] != '\0' && i < QUOTED_NAME_MAX; i++) {
        unsigned char c = (unsigned char)s[i];

        out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (s[i] != '\0') {
        out[i++] = '.';
        out[i++] = '.';
        out[i++] = '.';
    }
    out[i] = '\0';
}

/* Make err one line: dlerror() text is not ours and could hold anything. */
static void
loader_flatten(char *err)
{
    for (; *err != '\0'; err++) {
        if (*err == '\n' || *err == '\r') {
            *err = ' ';
        }
    }
}

/* The text of the last dl* failure, never NULL, without the leading
 * "<path>: " glibc puts there, since the refusal line starts with it. */
static const char *
loader_dlerror(const char *path)
{
    const char *e = dlerror();
    size_t n = strlen(path);

    if (e == NULL) {
        return "unknown dynamic loader error";
    }
    if (strncmp(e, path, n) == 0 && strncmp(e + n, ": ", 2) == 0) {
        return e + n + 2;
    }
    return e;
}

/* Which mandatory function is missing, or NULL if all are set. */
static const char *
loader_missing_function(const xg_adapter *api)
{
    if (api->create == NULL) {
        return "create";
    }
    if (api->destroy == NULL) {
        return "destroy";
    }
    if (api->build == NULL) {
        return "build";
    }
    if (api->parse == NULL) {
        return "parse";
    }
    if (api->limits == NULL) {
        return "limits";
    }
    if (api->sign == NULL) {
        return "sign";
    }
    return NULL;
}

/* Whether the stream entries agree with caps.streams: all five set for
 * a stream, all NULL without one. */
static int
loader_stream_entries_agree(const xg_adapter *api)
{
    int n = (api->stream_plan != NULL) + (api->stream_login != NULL) +
            (api->stream_subscribe != NULL) + (api->stream_ping != NULL) +
            (api->stream_parse != NULL);
    return api->caps.streams != 0 ? n == 5 : n == 0;
}

/* True if caps can serve the gateway; otherwise why receives the reason
 * (without the path). */
static int
loader_caps_can_serve(const xg_adapter_caps *caps, char *why, size_t why_len)
{
    if (caps->client_id_max < GW_CLIENT_ID_LEN) {
        snprintf(why, why_len,
                 "caps.client_id_max %lu is below the %u characters of the "
                 "gateway's client order ids",
                 (unsigned long)caps->client_id_max, GW_CLIENT_ID_LEN);
        return 0;
    }
    if ((caps->client_id_chars & GW_CLIENT_ID_CHARS) != GW_CLIENT_ID_CHARS) {
        snprintf(why, why_len,
                 "caps.client_id_chars 0x%lx lacks digits or lower-case "
                 "letters, which the gateway's client order ids use",
                 (unsigned long)caps->client_id_chars);
        return 0;
    }
    if (caps->default_ban_ms < 1) {
        snprintf(why, why_len, "caps.default_ban_ms %lld is not at least 1",
                 (long long)caps->default_ban_ms);
        return 0;
    }
    if (caps->batch_new_max > XG_BATCH_MAX ||
        caps->batch_cancel_max > XG_BATCH_MAX ||
        caps->batch_amend_max > XG_BATCH_MAX) {
        snprintf(why, why_len,
                 "caps.batch_new_max %lu, batch_cancel_max %lu or "
                 "batch_amend_max %lu is above the %d orders the core "
                 "batches",
                 (unsigned long)caps->batch_new_max,
                 (unsigned long)caps->batch_cancel_max,
                 (unsigned long)caps->batch_amend_max, XG_BATCH_MAX);
        return 0;
    }
    return 1;
}

/*
 * Check the table an entry point returned. On refusal writes the reason
 * (without the path) into why and returns the error code.
 */
static xg_err
loader_check_table(const xg__plugins *set, const xg_adapter *api,
                   const char *expect_venue, char *why, size_t why_len)
{
    char quoted[QUOTED_NAME_MAX + 4];
    const xg__plugin *other;
    const char *missing;

    if (api == NULL) {
        snprintf(why, why_len, "%s() returned NULL", XG_ADAPTER_ENTRY_SYMBOL);
        return XG_ERR_PLUGIN;
    }
    /* The version first: under another ABI even struct_size may have
     * moved, and the version is what a person needs to hear. */
    if (api->abi_version != XG_ADAPTER_ABI_VERSION) {
        snprintf(why, why_len, "ABI version %lu, this gateway speaks %lu",
                 (unsigned long)api->abi_version,
                 (unsigned long)XG_ADAPTER_ABI_VERSION);
        return XG_ERR_ABI;
    }
    if (api->struct_size != sizeof(xg_adapter)) {
        snprintf(why, why_len,
                 "adapter table is %lu bytes, this gateway expects %lu "
                 "(built against another adapter.h)",
                 (unsigned long)api->struct_size,
                 (unsigned long)sizeof(xg_adapter));
        return XG_ERR_ABI;
    }
    if (!xg__venue_name_is_valid(api->venue)) {
        if (api->venue == NULL) {
            snprintf(why, why_len, "venue name is NULL");
        } else {
            loader_quote(api->venue, quoted);
            snprintf(why, why_len,
                     "venue name \"%s\" is not 1-15 characters [a-z0-9]",
                     quoted);
        }
        return XG_ERR_PLUGIN;
    }
    missing = loader_missing_function(api);
    if (missing != NULL) {
        snprintf(why, why_len, "mandatory function %s is NULL", missing);
        return XG_ERR_PLUGIN;
    }
    if (!loader_stream_entries_agree(api)) {
        snprintf(why, why_len,
                 "caps.streams is %s but %s of the five stream functions "
                 "are set",
                 api->caps.streams != 0 ? "set" : "0",
                 api->caps.streams != 0 ? "not all" : "some");
        return XG_ERR_PLUGIN;
    }
    if (!loader_caps_can_serve(&api->caps, why, why_len)) {
        return XG_ERR_PLUGIN;
    }
    if (expect_venue != NULL && strcmp(api->venue, expect_venue) != 0) {
        snprintf(why, why_len, "declares venue \"%s\", expected \"%s\"",
                 api->venue, expect_venue);
        return XG_ERR_PLUGIN;
    }
    other = xg__plugins_find(set, api->venue);
    if (other != NULL) {
        snprintf(why, why_len, "venue \"%s\" already loaded from %s",
                 api->venue, other->path);
        return XG_ERR_PLUGIN;
    }
    return XG_OK;
}

/*
 * Resolve and call the entry point of an opened library. On failure writes
 * the reason into why.
 */
static xg_err
loader_call_entry(void *handle, const xg_adapter **api, char *why,
                  size_t why_len)
{
    xg_adapter_entry_fn entry;
    void *sym;

    (void)dlerror(); /* clear a stale error so NULL can be told apart */
    sym = dlsym(handle, XG_ADAPTER_ENTRY_SYMBOL);
    if (sym == NULL) {
        snprintf(why, why_len, "no %s symbol, not an xgate adapter",
                 XG_ADAPTER_ENTRY_SYMBOL);
        (void)dlerror(); /* says the same, and names the path again */
        return XG_ERR_PLUGIN;
    }
    /* ISO C has no conversion from void * to a function pointer; POSIX
     * guarantees the representations agree, so copy the bits. */
    static_assert(sizeof(entry) == sizeof(sym),
                  "dlsym result and function pointers differ in size");
    memcpy(&entry, &sym, sizeof(entry));
    *api = entry();
    return XG_OK;
}

/* Load path, checking the table's venue against expect_venue if set. */
static xg_err
loader_load(xg__plugins *set, const char *path, const char *expect_venue,
            const xg__plugin **out, char *err, size_t err_len)
{
    char why[XG_PLUGIN_PATH_MAX + 256];
    const xg_adapter *api = NULL;
    xg__plugin *slot;
    void *handle = NULL;
    xg_err rc;

    why[0] = '\0';
    if (set->n >= XG_MAX_VENUES) {
        snprintf(why, sizeof(why),
                 "%d adapters already loaded, no room for another",
                 XG_MAX_VENUES);
        rc = XG_ERR_PLUGIN;
        goto refuse;
    }
    if (strlen(path) >= XG_PLUGIN_PATH_MAX) {
        snprintf(why, sizeof(why), "path longer than %d bytes",
                 XG_PLUGIN_PATH_MAX - 1);
        rc = XG_ERR_PLUGIN;
        goto refuse;
    }
    /* RTLD_NOW: an unresolved symbol fails here, not in the middle of an
     * order. RTLD_LOCAL: two adapters' helpers never bind to each other. */
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(why, sizeof(why), "cannot load: %s", loader_dlerror(path));
        rc = XG_ERR_PLUGIN;
        goto refuse;
    }
    rc = loader_call_entry(handle, &api, why, sizeof(why));
    if (rc != XG_OK) {
        goto refuse;
    }
    rc = loader_check_table(set, api, expect_venue, why, sizeof(why));
    if (rc != XG_OK) {
        goto refuse;
    }

    slot = &set->items[set->n];
    slot->handle = handle;
    slot->api = api;
    rc = xg_strlcpy(slot->path, path, sizeof(slot->path));
    assert(rc == XG_OK); /* the length was checked above */
    set->n++;
    if (out != NULL) {
        *out = slot;
    }
    return XG_OK;

refuse:
    if (handle != NULL) {
        dlclose(handle);
    }
    if (err != NULL && err_len > 0) {
        snprintf(err, err_len, "%s: %s", path, why);
        loader_flatten(err);
    }
    return rc;
}

xg_err
xg__plugins_load(xg__plugins *set, const char *path, const xg__plugin **out,
                 char *err, size_t err_len)
{
    if (set == NULL || path == NULL) {
        return XG_ERR_INVALID;
    }
    return loader_load(set, path, NULL, out, err, err_len);
}

xg_err
xg__plugins_load_venue(xg__plugins *set, const char *dir, const char *venue,
                       const xg__plugin **out, char *err, size_t err_len)
{
    char path[XG_PLUGIN_PATH_MAX];
    char quoted[QUOTED_NAME_MAX + 4];
    xg_buf b;

    if (set == NULL || dir == NULL || venue == NULL) {
        return XG_ERR_INVALID;
    }
    /* The name becomes part of a path: "../x" must not get that far. */
    if (!xg__venue_name_is_valid(venue)) {
        if (err != NULL && err_len > 0) {
            loader_quote(venue, quoted);
            snprintf(err, err_len,
                     "%s: venue name \"%s\" is not 1-15 characters [a-z0-9]",
                     dir, quoted);
            loader_flatten(err);
        }
        return XG_ERR_PLUGIN;
    }
    xg_buf_init(&b, path, sizeof(path));
    xg_buf_puts(&b, dir);
    xg_buf_puts(&b, "/xgate_");
    xg_buf_puts(&b, venue);
    xg_buf_puts(&b, ".so");
    if (xg_buf_status(&b) != XG_OK) {
        if (err != NULL && err_len > 0) {
            snprintf(err, err_len, "%s: directory name too long", dir);
            loader_flatten(err);
        }
        return XG_ERR_PLUGIN;
    }
    return loader_load(set, path, venue, out, err, err_len);
}

const xg__plugin *
xg__plugins_find(const xg__plugins *set, const char *venue)
{
    size_t i;

    if (set == NULL || venue == NULL) {
        return NULL;
    }
    for (i = 0; i < set->n; i++) {
        if (strcmp(set->items[i].api->venue, venue) == 0) {
            return &set->items[i];
        }
    }
    return NULL;
}

void
xg__plugins_fini(xg__plugins *set)
{
    if (set == NULL) {
        return;
    }
    /* Reverse order, like destructors: a later plug-in may have been
     * loaded while an earlier one was already in use. */
    while (set->n > 0) {
        set->n--;
        dlclose(set->items[set->n].handle);
    }
    memset(set, 0, sizeof(*set));
}
