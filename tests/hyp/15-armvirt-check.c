// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-check (tools/) on a board that can run VMs: exit 0 for root and
 * for a user in group kvm; for a user outside it, and with the module
 * unloaded, exit 1 naming the missing piece and its fix.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"

#define CHECK_TOOL	"/bin/armvirt-check"
#define KVM_GID		36	/* tests/board's /etc/group */
#define NOBODY		65534

/* Run armvirt-check as @uid with the supplementary groups @groups; its exit status. */
static int run_check(uid_t uid, int ngroups, const gid_t *groups, char *out, size_t size)
{
	int pipefd[2], status = -1;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		if (uid && (setgroups(ngroups, groups) || setgid(NOBODY) || setuid(uid)))
			_exit(99);
		execl(CHECK_TOOL, CHECK_TOOL, (char *)NULL);
		_exit(98);
	}
	close(pipefd[1]);
	while (len < size - 1 && (n = read(pipefd[0], out + len, size - 1 - len)) > 0)
		len += n;
	out[len] = 0;
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void)
{
	static char out[8192];
	const gid_t kvm = KVM_GID;
	int rc;

	tap_plan(9);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		tap_bail("armvirt does not load");
	rc = run_check(0, 0, NULL, out, sizeof(out));
	if (!tap_eq(rc, 0, "root-can-run-vms"))
		tap_diag("%s", out);
	tap_ok(strstr(out, "ok      VM: created a VM") && strstr(out, "ok      HYP mode") &&
	       strstr(out, "ok      GIC"), "every-check-says-ok");
	/* the hyp boards' initramfs has no vhost-net; the vmm boards' has */
	tap_ok(access("/dev/vhost-net", F_OK) ?
	       strstr(out, "warn    network: no /dev/vhost-net") != NULL :
	       strstr(out, "ok      network: /dev/vhost-net") != NULL,
	       "vhost-net-is-reported-as-it-is");

	/* As the udev rule would: root:kvm 0660. */
	tap_eq(chown(ARMVIRT_DEV, 0, KVM_GID), 0, "device-given-to-group-kvm");
	rc = run_check(NOBODY, 0, NULL, out, sizeof(out));
	tap_eq(rc, 1, "user-outside-kvm-cannot");
	if (!tap_ok(strstr(out, "not in group kvm") != NULL, "names-the-missing-group"))
		tap_diag("%s", out);
	rc = run_check(NOBODY, 1, &kvm, out, sizeof(out));
	if (!tap_eq(rc, 0, "user-in-kvm-can-run-vms"))
		tap_diag("%s", out);

	module_unload("armvirt");
	rc = run_check(0, 0, NULL, out, sizeof(out));
	tap_ok(rc == 1 && strstr(out, "armvirt is not loaded"), "module-unloaded-is-named");
	tap_eq(module_load(ARMVIRT_KO), 0, "module-loads-again");
	tap_finish();
}
