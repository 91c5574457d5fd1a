/*
 * main.c - xgated's entry point: arguments, signals, config, run.
 *
 * Start-up failures print one line naming the file and field and exit
 * non-zero; once running, nothing a strategy or venue sends stops the
 * daemon, only SIGINT/SIGTERM.
 */
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "gateway.h"
#include "journal.h"
#include "log.h"
#include "xgate/buf.h"

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void
usage(void)
{
    fputs("usage: xgated -c CONFIG [--check]\n"
          "  -c CONFIG   JSON configuration (docs/configuration.md)\n"
          "  --check     load and check the configuration, then exit\n",
          stderr);
}

static void
executable_dir(const char *argv0, char *out, size_t cap)
{
    char path[XG_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) {
        xg_strlcpy(path, argv0, sizeof path);
    } else {
        path[n] = '\0';
    }
    xg_strlcpy(out, dirname(path), cap);
}

int
main(int argc, char **argv)
{
    xg__journal_keep_freed_memory();
    const char *config_path = NULL;
    int check_only = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            config_path = argv[++i];
        } else if (strcmp(argv[i], "--check") == 0) {
            check_only = 1;
        } else {
            usage();
            return 2;
        }
    }
    if (config_path == NULL) {
        usage();
        return 2;
    }
    static xg__config cfg;
    char err[512];
    if (xg__config_load(&cfg, config_path, err, sizeof err) != XG_OK) {
        fprintf(stderr, "xgated: %s\n", err);
        return 1;
    }
    xg__log_level level = XG_LOG_INFO;
    xg__log_parse_level(cfg.log_level, &level);
    xg__log_set_level(level);
    if (check_only) {
        printf("%s: ok (%zu venues)\n", config_path, cfg.n_venues);
        xg__config_fini(&cfg);
        return 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("xgated: libcurl initialisation failed\n", stderr);
        return 1;
    }
    char exe_dir[XG_PATH_MAX];
    executable_dir(argv[0], exe_dir, sizeof exe_dir);
    xg__gateway *gw = NULL;
    int rc = 1;
    if (xg__gateway_new(&gw, &cfg, exe_dir, err, sizeof err) != XG_OK) {
        fprintf(stderr, "xgated: %s\n", err);
    } else if (xg__gateway_run(gw, &stop_requested) == XG_OK) {
        rc = 0;
    }
    xg__gateway_destroy(&gw);
    xg__config_fini(&cfg);
    curl_global_cleanup();
    return rc;
}
