/*
 * Per-call reference for the native BLAKE3 benchmark: the same C library the JNI provider uses
 * (libblake3.so out of the benchmarks jar), hashing the same in-cache buffer once per call, as the
 * JMH benchmark does, but without JNI.
 *
 *   direct:     blake3_hasher_init / update(whole buffer) / finalize(32 bytes)
 *   jni-copies: the same, plus what the JNI binding does around each update with the JVM's
 *               GetByteArrayElements / ReleaseByteArrayElements(mode 0): malloc, copy in, copy
 *               back out, free
 *
 * Usage: blake3_percall LIBRARY SIZE_BYTES [SECONDS_PER_ROUND]
 * Prints: "<direct MB/s> <jni-copies MB/s>" (medians of 5 rounds; MB = 10^6 bytes).
 * Built and run by run-benchmarks.sh when a C compiler is present: cc -O2 -o ... this.c -ldl
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*init_fn)(void *);
typedef void (*update_fn)(void *, const void *, size_t);
typedef void (*finalize_fn)(const void *, uint8_t *, size_t);

static init_fn h_init;
static update_fn h_update;
static finalize_fn h_finalize;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

/* one round: MB/s over `seconds` */
static double round_mbps(void *state, uint8_t *data, size_t n, int copies, double seconds, uint8_t *out) {
    long calls = 0;
    double t0 = now(), t;
    do {
        for (int k = 0; k < 16; k++) {
            h_init(state);
            if (copies) {
                uint8_t *buf = malloc(n);
                if (!buf) { perror("malloc"); exit(1); }
                memcpy(buf, data, n);
                h_update(state, buf, n);
                memcpy(data, buf, n);
                free(buf);
            } else {
                h_update(state, data, n);
            }
            h_finalize(state, out, 32);
            calls++;
        }
    } while ((t = now()) - t0 < seconds);
    return (double) calls * n / (t - t0) / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s LIBRARY SIZE_BYTES [SECONDS_PER_ROUND]\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    h_init = (init_fn) dlsym(lib, "blake3_hasher_init");
    h_update = (update_fn) dlsym(lib, "blake3_hasher_update");
    h_finalize = (finalize_fn) dlsym(lib, "blake3_hasher_finalize");
    if (!h_init || !h_update || !h_finalize) { fprintf(stderr, "BLAKE3 symbols missing\n"); return 1; }
    size_t n = (size_t) atol(argv[2]);
    double seconds = argc > 3 ? atof(argv[3]) : 1.0;
    uint8_t *data = malloc(n), out[32];
    void *state = malloc(4096); /* sizeof(blake3_hasher) is 1912 bytes in this version */
    for (size_t i = 0; i < n; i++) data[i] = (uint8_t) (i % 251);
    double r[2][5];
    for (int copies = 0; copies < 2; copies++) {
        round_mbps(state, data, n, copies, seconds / 2, out); /* warm-up */
        for (int i = 0; i < 5; i++) r[copies][i] = round_mbps(state, data, n, copies, seconds, out);
        qsort(r[copies], 5, sizeof(double), cmp);
    }
    printf("%.1f %.1f\n", r[0][2], r[1][2]);
    return 0;
}
