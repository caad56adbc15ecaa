/* A libmodbus TCP load generator and latency probe for the benchmark.
 * Usage: lmb_client HOST PORT CLIENTS SECONDS [REGISTERS]
 * Each client is a thread with its own connection, reading REGISTERS (default 10) holding registers from
 * address 0 in a closed loop. Prints one line: "requests=N seconds=S rps=R p50_us=A p99_us=B errors=E". */
#include <errno.h>
#include <modbus.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SAMPLES 2000000

typedef struct {
    const char *host;
    int port;
    int registers;
    double seconds;
    long requests;
    long errors;
    double *samples;
    long nsamples;
    long capacity;
} worker_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
    worker_t *w = arg;
    modbus_t *ctx = modbus_new_tcp(w->host, w->port);
    if (ctx == NULL || modbus_connect(ctx) == -1) {
        fprintf(stderr, "lmb_client: connect failed: %s\n", modbus_strerror(errno));
        w->errors = -1;
        return NULL;
    }
    modbus_set_slave(ctx, 1);
    modbus_set_response_timeout(ctx, 2, 0);
    uint16_t regs[MODBUS_MAX_READ_REGISTERS];
    double end = now_s() + w->seconds;
    double t = now_s();
    while (t < end) {
        int rc = modbus_read_registers(ctx, 0, w->registers, regs);
        double after = now_s();
        if (rc == w->registers) {
            w->requests++;
            if (w->nsamples < w->capacity) w->samples[w->nsamples++] = (after - t) * 1e6;
        } else {
            w->errors++;
        }
        t = after;
    }
    modbus_close(ctx);
    modbus_free(ctx);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s HOST PORT CLIENTS SECONDS [REGISTERS]\n", argv[0]);
        return 2;
    }
    int clients = atoi(argv[3]);
    double seconds = atof(argv[4]);
    int registers = argc > 5 ? atoi(argv[5]) : 10;
    worker_t *workers = calloc((size_t)clients, sizeof *workers);
    pthread_t *threads = calloc((size_t)clients, sizeof *threads);
    double start = now_s();
    for (int i = 0; i < clients; i++) {
        workers[i] = (worker_t){ .host = argv[1], .port = atoi(argv[2]), .registers = registers, .seconds = seconds };
        workers[i].capacity = MAX_SAMPLES / clients;
        workers[i].samples = malloc(sizeof(double) * (size_t)workers[i].capacity);
        pthread_create(&threads[i], NULL, run, &workers[i]);
    }
    long requests = 0, errors = 0, total = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(threads[i], NULL);
        requests += workers[i].requests;
        errors += workers[i].errors;
        total += workers[i].nsamples;
    }
    double elapsed = now_s() - start;
    double *all = malloc(sizeof(double) * (size_t)(total > 0 ? total : 1));
    long k = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, workers[i].samples, sizeof(double) * (size_t)workers[i].nsamples);
        k += workers[i].nsamples;
    }
    qsort(all, (size_t)total, sizeof(double), cmp);
    double p50 = total ? all[total / 2] : 0, p99 = total ? all[(long)(total * 0.99)] : 0;
    printf("requests=%ld seconds=%.3f rps=%.0f p50_us=%.1f p99_us=%.1f errors=%ld\n",
           requests, elapsed, requests / elapsed, p50, p99, errors);
    return errors < 0 ? 1 : 0;
}
