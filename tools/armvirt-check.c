// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-check: can this board run armvirt VMs, and if not, what is
 * missing and how to fix it (in the spirit of Ubuntu's kvm-ok).
 *
 * Each check prints one line: "ok", "MISSING" (a VM cannot start: the fix
 * follows) or "warn" (a VM can start, but something a user expects is
 * absent: kernel headers for DKMS, vhost-net). Exit status 0 only when a
 * VM was actually created here: the module answered KVM_CREATE_VM,
 * KVM_CREATE_VCPU and KVM_ARM_VCPU_INIT.
 * 1 otherwise; 2 for bad options.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "armvirt_kvm.h"

#define DEV_PATH	"/dev/armvirt"
#define VHOST_NET_PATH	"/dev/vhost-net"
#define DT_ROOT		"/proc/device-tree"
#define KVM_GROUP	"kvm"
#define API_VERSION	12
#define SYSLOG_ACTION_READ_ALL	3
#define SYSLOG_ACTION_SIZE_BUFFER 10

static bool quiet;

static void report(const char *status, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	printf("%-8s", status);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Up to @size bytes of the file at @path into @buf; how many, or -1. */
static ssize_t read_whole(const char *path, void *buf, size_t size)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)total < size && (n = read(fd, (char *)buf + total, size - total)) > 0)
		total += n;
	close(fd);
	return total;
}

/* A whole small text file into @buf (NUL-terminated); its length, or -1. */
static ssize_t read_small_file(const char *path, char *buf, size_t size)
{
	ssize_t n = read_whole(path, buf, size - 1);

	if (n >= 0)
		buf[n] = 0;
	return n;
}

/*
 * The CPU: a core with the Virtualization Extensions. Userspace cannot
 * read ID_PFR1, but every ARMv7 core with them has LPAE, and they are
 * the Cortex-A7, A12, A15 and A17 (the kernel log check below is the
 * authority on whether HYP mode is there).
 */
static bool check_cpu(void)
{
	static char buf[16384];
	const char *part = NULL, *name = "unknown";
	bool lpae;

	if (read_small_file("/proc/cpuinfo", buf, sizeof(buf)) < 0) {
		report("MISSING", "CPU: cannot read /proc/cpuinfo");
		return false;
	}
	lpae = strstr(buf, " lpae") != NULL;
	part = strstr(buf, "CPU part");
	if (part && (part = strchr(part, ':'))) {
		unsigned int id = strtoul(part + 1, NULL, 16);

		name = id == 0xc07 ? "Cortex-A7" : id == 0xc0d ? "Cortex-A12" :
		       id == 0xc0f ? "Cortex-A15" : id == 0xc0e ? "Cortex-A17" : NULL;
		if (!name) {
			report("MISSING", "CPU: part %#x is not a core with the Virtualization Extensions;"
			       " armvirt needs a Cortex-A7, A12, A15 or A17", id);
			return false;
		}
	}
	if (!lpae) {
		report("MISSING", "CPU: %s without LPAE: no Virtualization Extensions", name);
		return false;
	}
	/* A VFP with 16 D registers (no NEON): the module refuses it at load. */
	if (!strstr(buf, " vfpd32")) {
		report("MISSING", "CPU: %s whose VFP has 16 D registers (no vfpd32); armvirt needs 32",
		       name);
		return false;
	}
	report("ok", "CPU: %s with LPAE and the Virtualization Extensions", name);
	return true;
}

/*
 * Whether the kernel started in HYP mode: the kernel log says so at boot.
 * Returns 1 yes, 0 no, -1 cannot tell (log unreadable or rotated).
 */
static int kernel_log_hyp_mode(void)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0), n, ret = -1;
	char *buf;

	if (size <= 0)
		return -1;
	buf = malloc(size + 1);
	if (!buf)
		return -1;
	n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (n > 0) {
		buf[n] = 0;
		if (strstr(buf, "started in HYP mode"))
			ret = 1;
		else if (strstr(buf, "started in SVC mode") ||
			 strstr(buf, "started in wrong/inconsistent modes"))
			ret = 0;
	}
	free(buf);
	return ret;
}

static bool module_loaded(void)
{
	return access("/sys/module/armvirt", F_OK) == 0;
}

static bool check_hyp_mode(void)
{
	int hyp = kernel_log_hyp_mode();

	if (hyp == 1) {
		report("ok", "HYP mode: the kernel started in HYP mode");
		return true;
	}
	if (hyp == 0) {
		report("MISSING", "HYP mode: the kernel did not start in HYP mode, so nothing can use"
		       " the Virtualization Extensions. The boot loader must enter the kernel in HYP"
		       " (non-secure PL2): U-Boot built with CONFIG_ARMV7_NONSEC and CONFIG_ARMV7_VIRT,"
		       " with bootm_boot_mode=nonsec in its environment; other firmware: see its"
		       " documentation");
		return false;
	}
	if (module_loaded()) {
		report("ok", "HYP mode: the armvirt module is loaded, which it is only in HYP mode");
		return true;
	}
	report("warn", "HYP mode: cannot tell (the kernel log is not readable by this user or has"
	       " rotated; run as root)");
	return true;
}

/* A device-tree property into @buf; its length, or -1. */
static ssize_t dt_prop(const char *node, const char *prop, void *buf, size_t size)
{
	char path[512];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", node, prop) >= sizeof(path))
		return -1;	/* deeper than any GIC node sits */
	return read_whole(path, buf, size);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* #address-cells or #size-cells of @node (device-tree defaults 2 and 1). */
static unsigned int dt_cells(const char *node, const char *prop, unsigned int dflt)
{
	uint8_t v[4];

	return dt_prop(node, prop, v, sizeof(v)) == 4 ? be32(v) : dflt;
}

/* A device-tree number of @cells (1 or 2) big-endian cells */
static uint64_t dt_number(const uint8_t *p, unsigned int cells)
{
	return cells == 2 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

static bool gic_compatible(const char *node)
{
	static const char *const gics[] = {
		"arm,cortex-a15-gic", "arm,cortex-a7-gic", "arm,gic-400", NULL,
	};
	char compat[256];
	ssize_t n = dt_prop(node, "compatible", compat, sizeof(compat) - 1);
	const char *p;
	int i;

	if (n <= 0)
		return false;
	compat[n] = 0;
	for (p = compat; p < compat + n; p += strlen(p) + 1)
		for (i = 0; gics[i]; i++)
			if (!strcmp(p, gics[i]))
				return true;
	return false;
}

/* Depth-first search of the tree under @dir for a GICv2 node; its path into @out. */
static bool find_gic(const char *dir, int depth, char *out, size_t size)
{
	struct dirent *e;
	char path[512];
	struct stat st;
	bool found = false;
	DIR *d;

	if (depth > 4)
		return false;
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (gic_compatible(path)) {
			snprintf(out, size, "%s", path);
			found = true;
		} else {
			found = find_gic(path, depth + 1, out, size);
		}
	}
	closedir(d);
	return found;
}

/*
 * The GIC: a GICv2 whose device-tree node describes the virtual interface
 * control (GICH) and virtual CPU interface (GICV) regions, with the CPU
 * interface's full 8 KiB (the guest's GICC_DIR is at 0x1000) and a GICV
 * that is a page-aligned 8 KiB frame (what every guest gets mapped).
 */
static bool check_gic(void)
{
	char node[512], parent[512], *slash;
	uint8_t reg[256];
	unsigned int ac, sc, cells, nregs;
	uint64_t gicc_size = 0, gicv_start = 0, gicv_size = 0;
	ssize_t n;

	if (access(DT_ROOT, F_OK)) {
		report("warn", "GIC: no device tree in " DT_ROOT "; cannot check the GIC here"
		       " (the module checks it when it loads)");
		return true;
	}
	if (!find_gic(DT_ROOT, 0, node, sizeof(node))) {
		report("MISSING", "GIC: no GICv2 (arm,cortex-a15-gic, arm,cortex-a7-gic or arm,gic-400)"
		       " in the device tree; armvirt needs one");
		return false;
	}
	snprintf(parent, sizeof(parent), "%s", node);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = 0;
	ac = dt_cells(parent, "#address-cells", 2);
	sc = dt_cells(parent, "#size-cells", 1);
	n = dt_prop(node, "reg", reg, sizeof(reg));
	cells = ac + sc;
	if (n < 0 || !cells || ac > 2 || sc > 2) {
		report("MISSING", "GIC: %s has no usable reg property", node + strlen(DT_ROOT));
		return false;
	}
	nregs = n / (4 * cells);
	if (nregs >= 2)
		gicc_size = dt_number(reg + 4 * (cells + ac), sc);
	if (nregs >= 4) {
		gicv_start = dt_number(reg + 4 * 3 * cells, ac);
		gicv_size = dt_number(reg + 4 * (3 * cells + ac), sc);
	}
	if (nregs < 4) {
		report("MISSING", "GIC: the device tree describes %u of its 4 regions: no virtual"
		       " interface (GICH, GICV). The firmware's device tree must list the GICH and"
		       " GICV regions and the maintenance interrupt in the GIC node", nregs);
		return false;
	}
	if (gicc_size < 0x2000) {
		report("MISSING", "GIC: the device tree gives the CPU interface %#llx bytes; armvirt"
		       " needs its full 8 KiB (0x2000): fix the GIC node's second reg entry",
		       (unsigned long long)gicc_size);
		return false;
	}
	if (gicv_size < 0x2000 || (gicv_start & 0xfff)) {
		report("MISSING", "GIC: the device tree gives the virtual CPU interface (GICV) %#llx"
		       " bytes at %#llx; armvirt needs a page-aligned 8 KiB frame (the module refuses"
		       " to load): fix the GIC node's fourth reg entry",
		       (unsigned long long)gicv_size, (unsigned long long)gicv_start);
		return false;
	}
	report("ok", "GIC: GICv2 with its virtual interface (GICH, GICV) and an 8 KiB CPU interface");
	return true;
}

/* The headers DKMS builds the module against: needed for an upgrade, not for a VM. */
static void check_headers(void)
{
	struct utsname u;
	char path[512];

	if (uname(&u))
		return;
	snprintf(path, sizeof(path), "/lib/modules/%s/build/Makefile", u.release);
	if (access(path, F_OK) == 0)
		report("ok", "headers: the kernel headers for %s are installed (DKMS can build)",
		       u.release);
	else
		report("warn", "headers: no kernel headers for %s: DKMS cannot rebuild armvirt for"
		       " this kernel; install linux-headers-%s", u.release, u.release);
}

/*
 * vhost-net, which serves armvirt-vmm's NICs in the kernel: without it (or
 * without access to it) the VMM serves them itself, which works, slower.
 */
static void check_vhost_net(void)
{
	if (access(VHOST_NET_PATH, F_OK))
		report("warn", "network: no " VHOST_NET_PATH ": armvirt-vmm serves its NICs itself,"
		       " slower; `modprobe vhost_net` as root");
	else if (access(VHOST_NET_PATH, R_OK | W_OK))
		report("warn", "network: " VHOST_NET_PATH " is there but not readable and writable"
		       " by this user: armvirt-vmm serves its NICs itself, slower (Debian gives it"
		       " to group " KVM_GROUP ")");
	else
		report("ok", "network: " VHOST_NET_PATH ": vhost-net can serve armvirt-vmm's NICs");
}

static bool check_module(void)
{
	if (module_loaded()) {
		report("ok", "module: armvirt is loaded");
		return true;
	}
	report("MISSING", "module: armvirt is not loaded: `modprobe armvirt` as root (the"
	       " armvirt-dkms package builds it; `dkms status` lists it; the kernel log says why"
	       " a load fails)");
	return false;
}

/*
 * The kvm group's id from /etc/group, or -1. Read by hand: a static
 * binary's getgrnam() would need the glibc it was linked with at run time.
 */
static long kvm_gid(void)
{
	char line[1024];
	long gid = -1;
	FILE *f = fopen("/etc/group", "re");

	if (!f)
		return -1;
	while (gid < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, KVM_GROUP ":", strlen(KVM_GROUP ":")))
			sscanf(line + strlen(KVM_GROUP ":"), "%*[^:]:%ld", &gid);
	fclose(f);
	return gid;
}

static bool in_group(gid_t gid)
{
	gid_t groups[256];
	int i, n = getgroups(256, groups);

	if (getegid() == gid)
		return true;
	for (i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* /dev/armvirt: there, root:kvm 0660, and usable by this user. Its fd, or -1. */
static int check_device(void)
{
	long kvm = kvm_gid();
	struct stat st;
	int fd;

	if (stat(DEV_PATH, &st)) {
		report("MISSING", "device: no " DEV_PATH " (the module makes it; udev names it)");
		return -1;
	}
	if (!S_ISCHR(st.st_mode)) {
		report("MISSING", "device: " DEV_PATH " is not a character device");
		return -1;
	}
	if (kvm < 0 || st.st_gid != (gid_t)kvm || (st.st_mode & 0777) != 0660)
		report("warn", "device: " DEV_PATH " is mode %o group %u, not 0660 group " KVM_GROUP
		       " (the udev rule 65-armvirt.rules sets it)", st.st_mode & 0777,
		       (unsigned int)st.st_gid);
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		if (kvm >= 0 && !in_group((gid_t)kvm))
			report("MISSING", "device: this user (uid %u) may not open " DEV_PATH ": it is"
			       " not in group " KVM_GROUP "; `adduser USER " KVM_GROUP "` as root, then"
			       " log in again", (unsigned int)getuid());
		else
			report("MISSING", "device: " DEV_PATH ": %s", strerror(errno));
		return -1;
	}
	if (fd < 0) {
		report("MISSING", "device: cannot open " DEV_PATH ": %s", strerror(errno));
		return -1;
	}
	report("ok", "device: " DEV_PATH " opens read-write for this user");
	return fd;
}

/* The proof: a VM with one vCPU, initialised for this CPU. */
static bool check_vm(int sys_fd)
{
	struct kvm_vcpu_init init;
	int api = ioctl(sys_fd, KVM_GET_API_VERSION, 0), vm, vcpu = -1;
	bool ok = false;

	if (api != API_VERSION) {
		report("MISSING", "VM: " DEV_PATH " speaks API version %d, not %d", api, API_VERSION);
		return false;
	}
	vm = ioctl(sys_fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		report("MISSING", "VM: KVM_CREATE_VM failed: %s", strerror(errno));
		return false;
	}
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		report("MISSING", "VM: KVM_ARM_PREFERRED_TARGET failed: %s", strerror(errno));
	else if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
		report("MISSING", "VM: KVM_CREATE_VCPU failed: %s", strerror(errno));
	else if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		report("MISSING", "VM: KVM_ARM_VCPU_INIT failed: %s", strerror(errno));
	else
		ok = true;
	if (ok)
		report("ok", "VM: created a VM with one vCPU (target %u): armvirt can run VMs here",
		       init.target);
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
	return ok;
}

int main(int argc, char **argv)
{
	bool ok = true;
	int fd;

	if (argc == 2 && !strcmp(argv[1], "-q")) {
		quiet = true;
	} else if (argc != 1) {
		fprintf(stderr, "Usage: armvirt-check [-q]\n"
			"Check whether this board can run armvirt VMs; -q: only the exit status.\n");
		return 2;
	}
	ok &= check_cpu();
	ok &= check_hyp_mode();
	ok &= check_gic();
	check_headers();
	check_vhost_net();
	if (!check_module())
		return 1;
	fd = check_device();
	if (fd < 0)
		return 1;
	ok &= check_vm(fd);
	close(fd);
	return ok ? 0 : 1;
}
