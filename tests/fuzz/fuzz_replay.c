/*
 * fuzz_replay.c - runs a libFuzzer target over files without libFuzzer.
 *
 * Builds without clang's fuzzer runtime still exercise the corpus: this
 * main() feeds every regular file of each directory (or each file) named
 * on the command line to LLVMFuzzerTestOneInput once. The target aborts on
 * a violated property, so a passing run means every seed is handled.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs above this are not seeds anyone wrote on purpose. */
#define XG_REPLAY_MAX_BYTES (4u * 1024u * 1024u)

static int
replay_file(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "fuzz_replay: cannot open %s\n", path);
        return 1;
    }
    uint8_t *buf = malloc(XG_REPLAY_MAX_BYTES);
    if (buf == NULL) {
        fclose(f);
        return 1;
    }
    size_t n = fread(buf, 1, XG_REPLAY_MAX_BYTES, f);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, "fuzz_replay: cannot read %s\n", path);
        free(buf);
        return 1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    (*count)++;
    return 0;
}

static int
replay_path(const char *path, size_t *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "fuzz_replay: no such file %s\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        return replay_file(path, count);
    }
    DIR *dir = opendir(path);
    if (dir == NULL) {
        fprintf(stderr, "fuzz_replay: cannot list %s\n", path);
        return 1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char full[4096];
        int len = snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
        if (len < 0 || (size_t)len >= sizeof(full)) {
            rc = 1;
            break;
        }
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
            rc = replay_file(full, count);
        }
    }
    closedir(dir);
    return rc;
}

int
main(int argc, char **argv)
{
    size_t count = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (replay_path(argv[i], &count) != 0) {
            return 1;
        }
    }
    printf("fuzz_replay: %zu inputs ran clean\n", count);
    return count > 0 ? 0 : 1;
}
