/*
 * xgsim: a simulated exchange server for xgate's demo and tests.
 *
 * This file is the command line: it builds one venue per --venue flag
 * (dialect, settings from --set, accounts from --accounts or the built-in
 * test account), starts every listener, announces the bound ports on
 * stdout and waits for SIGTERM/SIGINT. Usage errors exit 2 with one line
 * on stderr naming the flag; docs/simulator.md is the manual.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "dialect.h"
#include "server.h"
#include "venue.h"

#define XG_SIM_MAX_VENUES 8
#define XG_SIM_MAX_SETS   64

/* The built-in account (docs/simulator.md): used when no --accounts. */
static const char *const sim_default_key = "xgsim-test-key";
static const char *const sim_default_secret = "xgsim-test-secret";
static const char *const sim_default_pass = "xgsim-test-pass";
static const struct {
    const char *asset;
    int64_t amount; /* whole units */
} sim_default_balances[] = {{"USDT", 1000000}, {"BTC", 100}, {"ETH", 1000}};

typedef struct sim_cli {
    const char *venue_names[XG_SIM_MAX_VENUES];
    int ports[XG_SIM_MAX_VENUES];
    size_t nvenues;
    const char *sets[XG_SIM_MAX_SETS];
    size_t nsets;
    const char *accounts_file;
    size_t log_cap;
} sim_cli;

static void
sim_usage(FILE *f)
{
    fputs("usage: xgsim --venue NAME=127.0.0.1:PORT [--venue ...]\n"
          "             [--accounts FILE] [--set NAME.KEY=VALUE ...]\n"
          "             [--log-capacity N]\n"
          "venues:",
          f);
    for (size_t i = 0; xg_sim_dialects[i] != NULL; i++) {
        fprintf(f, " %s", xg_sim_dialects[i]->venue);
    }
    fputs("\n", f);
}

static bool
sim_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (*s == '\0') {
        return false;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (max - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* "binance=127.0.0.1:0" into the venue table. */
static bool
sim_parse_venue(sim_cli *cli, const char *arg)
{
    static char names[XG_SIM_MAX_VENUES][XG_SIM_VENUE_LEN];
    const char *eq = strchr(arg, '=');
    const char *colon = strrchr(arg, ':');
    size_t name_len = eq != NULL ? (size_t)(eq - arg) : 0;
    size_t host_len = 0;
    uint64_t port = 0;

    if (eq == NULL || colon == NULL || colon < eq || name_len == 0 ||
        name_len >= XG_SIM_VENUE_LEN || cli->nvenues >= XG_SIM_MAX_VENUES) {
        return false;
    }
    host_len = (size_t)(colon - eq - 1);
    if (!((host_len == 9 && strncmp(eq + 1, "127.0.0.1", 9) == 0) ||
          (host_len == 9 && strncmp(eq + 1, "localhost", 9) == 0))) {
        return false;
    }
    if (!sim_parse_uint(colon + 1, 65535, &port)) {
        return false;
    }
    memcpy(names[cli->nvenues], arg, name_len);
    names[cli->nvenues][name_len] = '\0';
    if (xg_sim_dialect_find(names[cli->nvenues]) == NULL) {
        return false;
    }
    for (size_t i = 0; i < cli->nvenues; i++) {
        if (strcmp(cli->venue_names[i], names[cli->nvenues]) == 0) {
            return false;
        }
    }
    cli->venue_names[cli->nvenues] = names[cli->nvenues];
    cli->ports[cli->nvenues] = (int)port;
    cli->nvenues++;
    return true;
}

/* Value of "--flag VALUE" or "--flag=VALUE"; NULL if arg is not flag. */
static const char *
sim_flag_value(int argc, char **argv, int *i, const char *flag, bool *missing)
{
    size_t n = strlen(flag);

    *missing = false;
    if (strncmp(argv[*i], flag, n) != 0) {
        return NULL;
    }
    if (argv[*i][n] == '=') {
        return argv[*i] + n + 1;
    }
    if (argv[*i][n] != '\0') {
        return NULL;
    }
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

static int
sim_parse_cli(int argc, char **argv, sim_cli *cli)
{
    memset(cli, 0, sizeof(*cli));
    cli->log_cap = XG_SIM_LOG_DEFAULT_CAP;
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *val = NULL;
        uint64_t n = 0;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            sim_usage(stdout);
            exit(0);
        }
        if ((val = sim_flag_value(argc, argv, &i, "--venue", &missing))) {
            if (!sim_parse_venue(cli, val)) {
                fprintf(stderr,
                        "xgsim: bad value for --venue: '%s' "
                        "(NAME=127.0.0.1:PORT, known venue, "
                        "loopback only, once per venue)\n",
                        val);
                return 2;
            }
        } else if ((val = sim_flag_value(argc, argv, &i, "--set", &missing))) {
            if (cli->nsets >= XG_SIM_MAX_SETS) {
                fprintf(stderr, "xgsim: too many --set flags\n");
                return 2;
            }
            cli->sets[cli->nsets++] = val;
        } else if ((val = sim_flag_value(argc, argv, &i, "--accounts",
                                         &missing))) {
            cli->accounts_file = val;
        } else if ((val = sim_flag_value(argc, argv, &i, "--log-capacity",
                                         &missing))) {
            if (!sim_parse_uint(val, 100000000, &n) || n == 0) {
                fprintf(stderr, "xgsim: bad value for --log-capacity: '%s'\n",
                        val);
                return 2;
            }
            cli->log_cap = (size_t)n;
        } else if (missing) {
            fprintf(stderr, "xgsim: flag '%s' needs a value\n", argv[i]);
            return 2;
        } else {
            fprintf(stderr, "xgsim: unknown flag '%s'\n", argv[i]);
            return 2;
        }
    }
    if (cli->nvenues == 0) {
        fprintf(stderr, "xgsim: at least one --venue is needed\n");
        return 2;
    }
    return 0;
}

static xg_sim_venue *
sim_venue_named(xg_sim_venue *venues, size_t n, const char *name,
                size_t name_len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(venues[i].dialect->venue) == name_len &&
            strncmp(venues[i].dialect->venue, name, name_len) == 0) {
            return &venues[i];
        }
    }
    return NULL;
}

static int
sim_apply_sets(const sim_cli *cli, xg_sim_venue *venues)
{
    for (size_t i = 0; i < cli->nsets; i++) {
        const char *s = cli->sets[i];
        const char *dot = strchr(s, '.');
        const char *eq = strchr(s, '=');
        char key[64];
        xg_sim_venue *v = NULL;
        xg_err err = XG_OK;

        if (dot == NULL || eq == NULL || eq < dot ||
            (size_t)(eq - dot - 1) >= sizeof(key)) {
            fprintf(stderr,
                    "xgsim: bad value for --set: '%s' "
                    "(NAME.KEY=VALUE)\n",
                    s);
            return 2;
        }
        v = sim_venue_named(venues, cli->nvenues, s, (size_t)(dot - s));
        if (v == NULL) {
            fprintf(stderr, "xgsim: --set '%s' names no --venue given\n", s);
            return 2;
        }
        memcpy(key, dot + 1, (size_t)(eq - dot - 1));
        key[eq - dot - 1] = '\0';
        /* The market's keys are every venue's; then the dialect's own. */
        err = xg_sim_book_configure(&v->book, key, eq + 1);
        if (err == XG_ERR_NOT_FOUND) {
            err = v->dialect->set(v->settings, key, eq + 1);
        }
        if (err == XG_ERR_NOT_FOUND) {
            fprintf(stderr, "xgsim: unknown setting in --set '%s'\n", s);
            return 2;
        }
        if (err != XG_OK) {
            fprintf(stderr, "xgsim: bad value for --set '%s'\n", s);
            return 2;
        }
    }
    return 0;
}

static int
sim_add_default_account(xg_sim_venue *v)
{
    xg_sim_secret cred;
    size_t idx = 0;

    memset(&cred, 0, sizeof(cred));
    snprintf(cred.api_key, sizeof(cred.api_key), "%s", sim_default_key);
    /* The built-in secret is public test data (docs/simulator.md), not a
     * credential; copying it with memcpy keeps formatting functions away
     * from the secret field all the same. */
    memcpy(cred.secret, sim_default_secret, strlen(sim_default_secret) + 1);
    memcpy(cred.passphrase, sim_default_pass, strlen(sim_default_pass) + 1);
    if (xg_sim_book_add_account(&v->book, &cred, &idx) != XG_OK) {
        return 1;
    }
    for (size_t i = 0;
         i < sizeof(sim_default_balances) / sizeof(sim_default_balances[0]);
         i++) {
        if (xg_sim_book_set_balance(
                &v->book, idx, sim_default_balances[i].asset,
                sim_default_balances[i].amount * XG_SIM_SCALE) != XG_OK) {
            return 1;
        }
    }
    return 0;
}

static bool
sim_copy_field(char *dst, size_t cap, const json_t *v, bool required)
{
    const char *s = json_string_value(v);

    if (s == NULL) {
        if (required || v != NULL) {
            return false;
        }
        dst[0] = '\0';
        return true;
    }
    if (strlen(s) >= cap || (required && s[0] == '\0')) {
        return false;
    }
    memcpy(dst, s, strlen(s) + 1);
    return true;
}

/* An API key's credentials from o's api_key, secret and passphrase. */
static bool
sim_read_cred(const json_t *o, xg_sim_secret *cred)
{
    memset(cred, 0, sizeof(*cred));
    return json_is_object(o) &&
           sim_copy_field(cred->api_key, sizeof(cred->api_key),
                          json_object_get(o, "api_key"), true) &&
           sim_copy_field(cred->secret, sizeof(cred->secret),
                          json_object_get(o, "secret"), true) &&
           sim_copy_field(cred->passphrase, sizeof(cred->passphrase),
                          json_object_get(o, "passphrase"), false);
}

static int
sim_load_account(xg_sim_venue *venues, size_t nvenues, const json_t *a,
                 size_t pos, const char *file)
{
    const char *venue = json_string_value(json_object_get(a, "venue"));
    const json_t *bals = json_object_get(a, "balances");
    const json_t *more = json_object_get(a, "more_keys");
    const json_t *key = NULL;
    size_t k = 0;
    xg_sim_venue *v = NULL;
    xg_sim_secret cred;
    size_t idx = 0;
    const char *asset = NULL;
    const json_t *amount = NULL;
    int rc = 0;

    if (venue == NULL) {
        fprintf(stderr, "xgsim: %s: account %zu: \"venue\" missing\n", file,
                pos);
        return 2;
    }
    v = sim_venue_named(venues, nvenues, venue, strlen(venue));
    if (v == NULL) {
        return 0; /* an account for a venue not simulated this run */
    }
    if (!sim_read_cred(a, &cred)) {
        fprintf(stderr,
                "xgsim: %s: account %zu: api_key/secret (non-empty "
                "strings) or passphrase invalid\n",
                file, pos);
        rc = 2;
        goto out;
    }
    if (xg_sim_book_add_account(&v->book, &cred, &idx) != XG_OK) {
        fprintf(stderr, "xgsim: %s: account %zu: duplicate api_key\n", file,
                pos);
        rc = 2;
        goto out;
    }
    if (more != NULL && !json_is_array(more)) {
        fprintf(stderr, "xgsim: %s: account %zu: more_keys must be an array\n",
                file, pos);
        rc = 2;
        goto out;
    }
    json_array_foreach((json_t *)more, k, key)
    {
        if (!sim_read_cred(key, &cred) ||
            xg_sim_book_add_key(&v->book, idx, &cred) != XG_OK) {
            fprintf(stderr,
                    "xgsim: %s: account %zu: more_keys[%zu]: api_key/secret "
                    "(non-empty strings), passphrase invalid or api_key "
                    "taken\n",
                    file, pos, k);
            rc = 2;
            goto out;
        }
    }
    if (bals != NULL && !json_is_object(bals)) {
        fprintf(stderr, "xgsim: %s: account %zu: balances must be an object\n",
                file, pos);
        rc = 2;
        goto out;
    }
    json_object_foreach((json_t *)bals, asset, amount)
    {
        int64_t units = 0;
        if (!json_is_string(amount) ||
            xg_sim_fixed_parse(json_string_value(amount), &units) != XG_OK ||
            xg_sim_book_set_balance(&v->book, idx, asset, units) != XG_OK) {
            fprintf(stderr,
                    "xgsim: %s: account %zu: bad balance for '%s' "
                    "(decimal string, at most 92233720368)\n",
                    file, pos, asset);
            rc = 2;
            goto out;
        }
    }
out:
    OPENSSL_cleanse(&cred, sizeof(cred));
    return rc;
}

static int
sim_load_accounts(xg_sim_venue *venues, size_t nvenues, const char *file)
{
    json_error_t jerr;
    json_t *root = json_load_file(file, 0, &jerr);
    const json_t *a = NULL;
    size_t pos = 0;
    int rc = 0;

    if (root == NULL) {
        fprintf(stderr, "xgsim: bad value for --accounts: %s: %s (line %d)\n",
                file, jerr.text, jerr.line);
        return 2;
    }
    if (!json_is_array(root)) {
        fprintf(stderr,
                "xgsim: bad value for --accounts: %s: array "
                "expected\n",
                file);
        json_decref(root);
        return 2;
    }
    json_array_foreach(root, pos, a)
    {
        if (!json_is_object(a)) {
            fprintf(stderr, "xgsim: %s: account %zu: object expected\n", file,
                    pos);
            rc = 2;
            break;
        }
        rc = sim_load_account(venues, nvenues, a, pos, file);
        if (rc != 0) {
            break;
        }
    }
    json_decref(root);
    return rc;
}

int
main(int argc, char **argv)
{
    static xg_sim_venue venues[XG_SIM_MAX_VENUES];
    sim_cli cli;
    sigset_t stop_set;
    size_t ready = 0;
    int sig = 0;
    int rc = sim_parse_cli(argc, argv, &cli);

    if (rc != 0) {
        return rc;
    }
    /* Block the stop signals before any server thread exists, so every
     * thread inherits the mask and sigwait below receives them. */
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGTERM);
    sigaddset(&stop_set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (size_t i = 0; i < cli.nvenues; i++) {
        if (xg_sim_venue_init(&venues[i],
                              xg_sim_dialect_find(cli.venue_names[i]),
                              cli.log_cap) != XG_OK) {
            fprintf(stderr, "xgsim: out of memory\n");
            rc = 1;
            goto out;
        }
    }
    rc = sim_apply_sets(&cli, venues);
    if (rc == 0 && cli.accounts_file != NULL) {
        rc = sim_load_accounts(venues, cli.nvenues, cli.accounts_file);
    }
    for (size_t i = 0; rc == 0 && i < cli.nvenues; i++) {
        if (cli.accounts_file == NULL) {
            rc = sim_add_default_account(&venues[i]);
        }
        if (rc == 0 && venues[i].dialect->setup(&venues[i]) != XG_OK) {
            fprintf(stderr, "xgsim: %s: setup failed\n", cli.venue_names[i]);
            rc = 1;
        }
    }
    if (rc != 0) {
        goto out;
    }
    for (ready = 0; ready < cli.nvenues; ready++) {
        if (xg_sim_server_start(&venues[ready], cli.ports[ready]) != XG_OK) {
            fprintf(stderr, "xgsim: %s: cannot listen on 127.0.0.1:%d\n",
                    cli.venue_names[ready], cli.ports[ready]);
            rc = 1;
            goto out;
        }
    }
    for (size_t i = 0; i < cli.nvenues; i++) {
        printf("xgsim: %s listening on 127.0.0.1:%d\n", cli.venue_names[i],
               venues[i].port);
    }
    printf("xgsim: ready\n");
    fflush(stdout);

    while (sigwait(&stop_set, &sig) != 0) {
        /* sigwait only fails for a bad set; retry is harmless. */
    }
out:
    for (size_t i = 0; i < ready; i++) {
        xg_sim_server_stop(&venues[i]);
    }
    for (size_t i = 0; i < cli.nvenues; i++) {
        xg_sim_venue_fini(&venues[i]);
    }
    return rc;
}
