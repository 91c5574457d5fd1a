/*
 * error.c - messages and names for xg_err.
 *
 * Both tables are generated from the one XG_ERR_LIST in xgate/error.h, so a
 * code added there gets its message and name here without further edits.
 * This module owns nothing else; logging and protocol encoding of errors are
 * left to their callers.
 */
#include "xgate/error.h"

const char *
xg_strerror(xg_err err)
{
    switch (err) {
#define XG__ERR_MSG(name, num, msg)                                            \
    case XG_ERR_##name:                                                        \
        return msg;
        XG_ERR_LIST(XG__ERR_MSG)
#undef XG__ERR_MSG
    }
    /* Reached for a value cast from an integer outside the list. */
    return "unknown error";
}

const char *
xg_err_name(xg_err err)
{
    switch (err) {
#define XG__ERR_NAME(name, num, msg)                                           \
    case XG_ERR_##name:                                                        \
        return #name;
        XG_ERR_LIST(XG__ERR_NAME)
#undef XG__ERR_NAME
    }
    return "UNKNOWN";
}
