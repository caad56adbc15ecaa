/* A libmodbus TCP server for the benchmark: one thread, select() over every client, as libmodbus's own
 * bandwidth-server-many-up example. Usage: lmb_server PORT. Serves 10000 of each table; stops on SIGTERM/SIGINT. */
#include <errno.h>
#include <modbus.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) { (void)sig; stop_requested = 1; }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);
    modbus_mapping_t *map = modbus_mapping_new(10000, 10000, 10000, 10000);
    if (ctx == NULL || map == NULL) {
        fprintf(stderr, "lmb_server: allocation failed\n");
        return 1;
    }
    for (int i = 0; i < 10000; i++) {
        map->tab_registers[i] = (uint16_t)i;
        map->tab_input_registers[i] = (uint16_t)i;
    }
    int server = modbus_tcp_listen(ctx, 64);
    if (server < 0) {
        fprintf(stderr, "lmb_server: listen failed: %s\n", modbus_strerror(errno));
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    printf("ready %d\n", port);
    fflush(stdout);

    fd_set refset;
    FD_ZERO(&refset);
    FD_SET(server, &refset);
    int fdmax = server;
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    while (!stop_requested) {
        fd_set rdset = refset;
        if (select(fdmax + 1, &rdset, NULL, NULL, NULL) < 0) {
            if (errno == EINTR) continue;
            perror("select");
            break;
        }
        for (int fd = 0; fd <= fdmax; fd++) {
            if (!FD_ISSET(fd, &rdset)) continue;
            if (fd == server) {
                int client = modbus_tcp_accept(ctx, &server);
                if (client >= 0) {
                    FD_SET(client, &refset);
                    if (client > fdmax) fdmax = client;
                }
                continue;
            }
            modbus_set_socket(ctx, fd);
            int rc = modbus_receive(ctx, query);
            if (rc > 0) {
                modbus_reply(ctx, query, rc, map);
            } else if (rc == -1) {
                close(fd);
                FD_CLR(fd, &refset);
                if (fd == fdmax) fdmax--;
            }
        }
    }
    close(server);
    modbus_mapping_free(map);
    modbus_free(ctx);
    return 0;
}
