// SPDX-License-Identifier: GPL-2.0-only
/* VM names and the default place of their control sockets (vm_name.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm_name.h"

bool vm_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > VM_NAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-") == n;
}

int run_dir(char *buf, size_t size)
{
	const char *env = getenv("ARMVIRT_RUN_DIR"), *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (env && *env)
		n = snprintf(buf, size, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(buf, size, "/run/armvirt");
	else if (xdg && *xdg)
		n = snprintf(buf, size, "%s/armvirt", xdg);
	else
		n = snprintf(buf, size, "/tmp/armvirt-%u", (unsigned int)getuid());
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int control_path(const char *dir, const char *name, char *buf, size_t size)
{
	char d[256];
	int n;

	if (!dir) {
		if (run_dir(d, sizeof(d)))
			return -1;
		dir = d;
	}
	n = snprintf(buf, size, "%s/%s" CONTROL_SUFFIX, dir, name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
