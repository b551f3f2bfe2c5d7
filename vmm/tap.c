// SPDX-License-Identifier: GPL-2.0-only
/*
 * A NIC's host side (--net): a tap device, made if missing (the kernel
 * names it when --net gives no name), its address set if asked, brought
 * up, and added to a bridge if asked, so that the guest sits on the
 * bridge's LAN. A tap the VMM made goes with its last fd, and leaves the
 * bridge then. Every frame read or written carries a virtio-net header
 * first (IFF_VNET_HDR, TAP_VNET_HDR_LEN bytes), so that checksums and
 * segmentation offloads pass between the guest and the host's stack.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vmm.h"

/* The host side's address (a.b.c.d/len) if given, and the link up. */
static int tap_configure(int s, const char *ifname, const char *host_ip)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	char addr[32], *slash;
	int prefix = 24;

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (host_ip) {
		snprintf(addr, sizeof(addr), "%s", host_ip);
		slash = strchr(addr, '/');
		if (slash) {
			*slash = 0;
			prefix = atoi(slash + 1);
		}
		sin->sin_family = AF_INET;
		if (prefix < 1 || prefix > 32 || inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
			vmm_err("tap %s: bad host address %s (want a.b.c.d/len)", ifname, host_ip);
			return -1;
		}
		if (ioctl(s, SIOCSIFADDR, &ifr))
			goto err;
		sin->sin_addr.s_addr = htonl(~0U << (32 - prefix));
		if (ioctl(s, SIOCSIFNETMASK, &ifr))
			goto err;
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		goto err;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		goto err;
	return 0;
err:
	vmm_err("tap %s: configuring the host side: %s", ifname, strerror(errno));
	return -1;
}

static int bridge_join(int s, const char *bridge, const char *ifname)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(s, SIOCGIFINDEX, &ifr))
		goto err;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", bridge);
	if (ioctl(s, SIOCBRADDIF, &ifr) == 0)
		return 0;
	if (errno == ENODEV) {
		vmm_err("bridge %s: no such interface (make it: ip link add %s type bridge)",
			bridge, bridge);
		return -1;
	}
	if (errno == ENOPKG) {	/* no bridge code in the kernel to take the ioctl */
		vmm_err("bridge %s: this kernel has no bridge support (modprobe bridge)", bridge);
		return -1;
	}
	if (errno == EOPNOTSUPP || errno == EINVAL) {
		vmm_err("bridge %s: not a bridge", bridge);
		return -1;
	}
err:
	vmm_err("bridge %s: adding tap %s: %s", bridge, ifname, strerror(errno));
	return -1;
}

int tap_open(const char *name, const char *host_ip, const char *bridge)
{
	struct ifreq ifr = { 0 };
	int fd, s = -1;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		vmm_err("network: /dev/net/tun: %s (is the tun module loaded?)", strerror(errno));
		return -1;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (name && strlen(name) >= IFNAMSIZ) {
		vmm_err("network: tap %s: a name has at most %d characters", name, IFNAMSIZ - 1);
		goto fail;
	}
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name ? name : "");
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		vmm_err("network: tap %s: %s", name ? name : "(new)", strerror(errno));
		goto fail;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &(int){ TAP_VNET_HDR_LEN })) {
		vmm_err("network: tap %s: its virtio-net header size: %s", ifr.ifr_name,
			strerror(errno));
		goto fail;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || tap_configure(s, ifr.ifr_name, host_ip) ||
	    (bridge && bridge_join(s, bridge, ifr.ifr_name)))
		goto fail;
	if (!name || bridge)
		vmm_info("network: tap %s%s%s", ifr.ifr_name, bridge ? " on bridge " : "",
			 bridge ? bridge : "");
	close(s);
	return fd;
fail:
	if (s >= 0)
		close(s);
	close(fd);
	return -1;
}

int tap_set_offload(int fd, bool csum, bool tso4, bool tso6)
{
	unsigned int off = (csum ? TUN_F_CSUM : 0) | (csum && tso4 ? TUN_F_TSO4 : 0) |
			   (csum && tso6 ? TUN_F_TSO6 : 0);

	return ioctl(fd, TUNSETOFFLOAD, off) ? -1 : 0;
}
