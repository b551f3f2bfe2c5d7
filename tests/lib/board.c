// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"

int module_load_params(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	return ret;
}

int module_load(const char *path)
{
	return module_load_params(path, "");
}

int module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

bool module_loaded(const char *name)
{
	static char buf[16384];
	size_t len = strlen(name);
	char *line;

	if (read_file("/proc/modules", buf, sizeof(buf)) < 0)
		return false;
	for (line = buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, name, len) && line[len] == ' ')
			return true;
	}
	return false;
}

int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (got + 1 < size && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	n = n < 0 ? -errno : (ssize_t)got;
	close(fd);
	return n;
}

long board_param(const char *name, long fallback)
{
	char buf[2048], key[64], *p, *end;
	long val;

	if (read_file("/proc/cmdline", buf, sizeof(buf)) < 0)
		return fallback;
	snprintf(key, sizeof(key), " armvirt.%s=", name);
	p = strstr(buf, key);
	if (!p)
		return fallback;
	val = strtol(p + strlen(key), &end, 10);
	return end == p + strlen(key) ? fallback : val;
}

bool shell_first_word(const char *cmd, char word[33])
{
	FILE *f = popen(cmd, "r");
	bool ok;

	if (!f)
		return false;
	ok = fscanf(f, "%32s", word) == 1;
	pclose(f);
	return ok;
}

int count_occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

int dmesg_read(char *buf, size_t size)
{
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

int dmesg_count(const char *needle)
{
	static char buf[1 << 17];
	int count = 0;
	char *p;

	if (dmesg_read(buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; (p = strstr(p, needle)); p += strlen(needle))
		count++;
	return count;
}

void dmesg_clear(void)
{
	klogctl(5 /* SYSLOG_ACTION_CLEAR */, NULL, 0);
}

long meminfo_kb(const char *key)
{
	char buf[4096], *p;
	size_t len = strlen(key);

	if (read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, key, len) && p[len] == ':')
			return strtol(p + len + 1, NULL, 10);
	}
	return -1;
}

long pcp_free_kb(void)
{
	static char buf[32768];
	long pages = 0;
	char *p;

	if (read_file("/proc/zoneinfo", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; (p = strstr(p, "count:")); p += 6)
		pages += strtol(p + 6, NULL, 10);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

long memory_in_use_kb(void)
{
	sync();
	write_file("/proc/sys/vm/drop_caches", "3");
	return meminfo_kb("MemTotal") - meminfo_kb("MemFree") - pcp_free_kb();
}

bool memory_use_is_exact(void)
{
	return access("/sys/kernel/debug/kmemleak", F_OK) != 0;
}

unsigned long kernel_taint(void)
{
	char buf[32];

	if (read_file("/proc/sys/kernel/tainted", buf, sizeof(buf)) < 0)
		return ~0UL;
	return strtoul(buf, NULL, 10);
}

int cpu_set_online(int cpu, bool online)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return write_file(path, online ? "1" : "0");
}

bool cpu_is_online(int cpu)
{
	char path[64], buf[8];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return cpu == 0;	/* the boot CPU may have no online file */
	return buf[0] == '1';
}

int nr_possible_cpus(void)
{
	char buf[32];
	int first, last;

	if (read_file("/sys/devices/system/cpu/possible", buf, sizeof(buf)) < 0)
		return -1;
	if (sscanf(buf, "%d-%d", &first, &last) == 2)
		return last + 1;
	return 1;
}

bool host_can_fork_exec(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static unsigned long long field(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtoull(p + strlen(key), NULL, 0) : 0;
}

int lowvisor_read(struct lowvisor_info *info, struct lowvisor_cpu cpus[MAX_CPUS])
{
	static char buf[8192];
	char *line, *next, *dash;
	int n, cpu;

	memset(info, 0, sizeof(*info));
	memset(cpus, 0, sizeof(*cpus) * MAX_CPUS);
	n = read_file(LOWVISOR_DEBUGFS, buf, sizeof(buf));
	if (n < 0)
		return n;
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (!strncmp(line, "lowvisor ", 9)) {
			info->text_start = field(line, "text=");
			dash = strchr(strstr(line, "text="), '-');
			info->text_end = dash ? strtoul(dash + 1, NULL, 0) : 0;
			info->vectors = field(line, "vectors=");
			info->idmap_pa = field(line, "idmap_pa=");
			info->httbr = field(line, "httbr=");
			info->pt_pages = field(line, "pt_pages=");
			continue;
		}
		if (sscanf(line, "cpu=%d", &cpu) != 1 || cpu < 0 || cpu >= MAX_CPUS)
			continue;
		struct lowvisor_cpu *c = &cpus[cpu];

		c->present = true;
		sscanf(strstr(line, "state="), "state=%15s", c->state);
		c->mode = field(line, "mode=");
		c->hsctlr = field(line, "hsctlr=");
		c->hvbar = field(line, "hvbar=");
		c->htcr = field(line, "htcr=");
		c->pc = field(line, " pc=");
		c->sp = field(line, " sp=");
		c->httbr = field(line, "httbr=");
		c->mpidr = field(line, "mpidr=");
		c->pcpu = field(line, "pcpu=");
		c->stub_hvbar = field(line, "stub_hvbar=");
		c->vectors = field(line, " vectors=");
		c->midr = field(line, "midr=");
		if (strstr(line, "predictor="))
			sscanf(strstr(line, "predictor="), "predictor=%15s", c->predictor);
	}
	return 0;
}

int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * vhost-net's modules where the initramfs has them (scripts/mkinitramfs.sh),
 * in their load order; a board without them (the debug kernel's has no
 * vhost) leaves armvirt-vmm to serve its NICs' queues itself.
 */
static void vhost_net_load(void)
{
	static const char *const mods[] = { "tap", "vhost_iotlb", "vhost", "vhost_net" };
	char path[64];
	size_t i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]) && access("/dev/vhost-net", F_OK); i++) {
		snprintf(path, sizeof(path), "/lib/modules/%s.ko", mods[i]);
		if (access(path, F_OK) == 0)
			module_load(path);
	}
}

int tun_load(const char *ko)
{
	int ret = 0;

	/* built in (the debug board), or loaded already */
	if (access("/dev/net/tun", F_OK)) {
		ret = module_load(ko);
		if (ret == EEXIST)
			ret = 0;
	}
	vhost_net_load();
	return ret;
}
