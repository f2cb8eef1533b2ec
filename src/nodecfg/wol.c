/* SPDX-License-Identifier: AGPL-3.0-or-later */

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "basic/alloc.h"
#include "basic/macro.h"
#include "nodecfg/wol.h"

int wol_build_packet(const char *mac, uint8_t ret[static WOL_PACKET_SIZE]) {
        unsigned b[6];
        char tail;

        if (sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6 ||
            strlen(mac) != 17)
                return -EINVAL;
        memset(ret, 0xff, 6);
        for (size_t i = 0; i < 16; i++)
                for (size_t k = 0; k < 6; k++)
                        ret[6 + i * 6 + k] = (uint8_t) b[k];
        return 0;
}

int wol_send(const char *mac, const char *bind_interface, const char *broadcast, char **reterr) {
        _cleanup_close_ int fd = -EBADF;
        uint8_t packet[WOL_PACKET_SIZE];
        struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(WOL_PORT) };
        int one = 1;
        ssize_t n;

        if (wol_build_packet(mac, packet) < 0) {
                *reterr = xasprintf("invalid MAC address '%s'", mac);
                return -EINVAL;
        }
        if (inet_pton(AF_INET, broadcast ?: WOL_DEFAULT_BROADCAST, &dst.sin_addr) != 1) {
                *reterr = xasprintf("invalid broadcast address '%s'", broadcast);
                return -EINVAL;
        }

        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
        if (fd < 0) {
                *reterr = xasprintf("Unable to open socket - %m");
                return -errno;
        }
        if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0) {
                *reterr = xasprintf("Unable to set socket option - %m");
                return -errno;
        }
        if (bind_interface &&
            setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bind_interface, (socklen_t) strlen(bind_interface) + 1) < 0) {
                *reterr = xasprintf("Unable to bind socket to interface '%s' - %m", bind_interface);
                return -errno;
        }
        n = sendto(fd, packet, sizeof(packet), 0, (struct sockaddr *) &dst, sizeof(dst));
        if (n != (ssize_t) sizeof(packet)) {
                *reterr = xasprintf("Unable to send packet - %m");
                return n < 0 ? -errno : -EIO;
        }
        return 0;
}
