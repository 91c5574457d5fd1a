/*
 * loader.h - loading adapter plug-ins (core-private).
 *
 * The gateway and tools/xg-vector load exchange adapters through this
 * module only, so both refuse exactly the same plug-ins for exactly the
 * same reasons (STYLE.md, "One small, versioned ABI header").
 */
#ifndef XGATE_LOADER_H
#define XGATE_LOADER_H

#include <stddef.h>

#include "xgate/adapter.h"
#include "xgate/error.h"

/* Most venues one process loads; a set is embedded by value. */
#define XG_MAX_VENUES 16

#define XG_PLUGIN_PATH_MAX 4096

/* One loaded plug-in. handle is the dlopen handle, api the adapter's
 * table (owned by the plug-in, valid while it stays loaded), path the file
 * it was loaded from as the caller spelled it. */
typedef struct xg__plugin {
    void *handle;
    const xg_adapter *api;
    char path[XG_PLUGIN_PATH_MAX];
} xg__plugin;

/* The plug-ins a process has loaded, at most one per venue. */
typedef struct xg__plugins {
    xg__plugin items[XG_MAX_VENUES];
    size_t n;
} xg__plugins;

/* Start an empty set. */
void xg__plugins_init(xg__plugins *set);

/*
 * Load the plug-in at path (borrowed) with dlopen(RTLD_NOW | RTLD_LOCAL),
 * call its XG_ADAPTER_ENTRY_SYMBOL and check the table it returns: not
 * NULL, abi_version == XG_ADAPTER_ABI_VERSION and struct_size ==
 * sizeof(xg_adapter) (equal, not "at least"), venue [a-z0-9]{1,15}, every
 * mandatory function set, caps that can carry the gateway's client order
 * ids (at least 17 characters, digits and lower-case letters) with a
 * default_ban_ms of at least 1, no plug-in for the same venue in the set,
 * room in the set.
 *
 * On success *out (may be NULL) points at the set's entry, borrowed until
 * xg__plugins_fini. On refusal the library is dlclose'd, the set is
 * unchanged, err (err_len bytes, may be NULL when err_len is 0) receives
 * one line "<path>: <reason>" and the result is XG_ERR_ABI for a version
 * or table size mismatch, XG_ERR_PLUGIN for anything else; XG_ERR_INVALID
 * for NULL arguments. The line may carry dlerror()'s text; it never holds
 * anything secret because nothing secret is involved in loading.
 *
 * Not thread-safe (dlerror is per-thread but the set is not locked): the
 * gateway loads at start-up, from its one thread.
 */
xg_err xg__plugins_load(xg__plugins *set, const char *path,
                        const xg__plugin **out, char *err, size_t err_len);

/*
 * Load "<dir>/xgate_<venue>.so" as xg__plugins_load does, after checking
 * that venue is a valid venue name (so it cannot walk out of dir), and
 * refuse the plug-in (XG_ERR_PLUGIN) if the table it returns names another
 * venue than the file does.
 */
xg_err xg__plugins_load_venue(xg__plugins *set, const char *dir,
                              const char *venue, const xg__plugin **out,
                              char *err, size_t err_len);

/* The loaded plug-in for venue, borrowed until xg__plugins_fini; NULL if
 * none. */
const xg__plugin *xg__plugins_find(const xg__plugins *set, const char *venue);

/* True if name is a valid venue name: [a-z0-9]{1,15}. */
int xg__venue_name_is_valid(const char *name);

/* dlclose every plug-in, last loaded first, and empty the set. Every
 * adapter instance must have been destroyed before. */
void xg__plugins_fini(xg__plugins *set);

#endif
