// SPDX-License-Identifier: GPL-2.0-only
/*
 * A system call in the Linux guest against the board, as "bench:" lines:
 * ns per getppid() (syscall-loop, the same static binary in both), their
 * ratio, and the vCPU's exits per 1000 calls by kind (debugfs). A system
 * call never traps to the hypervisor, so every exit in the loop is an
 * interrupt, a timer or something else the guest did meanwhile.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "vm.h"

#define CALLS		200000	/* per round; syscall-loop runs three */
/* ns per call from the "syscall-loop: N calls, X ns per call" line after @from. */
static double loop_ns(const char *from, long calls)
{
	char key[64];
	const char *p;
	double v;

	snprintf(key, sizeof(key), "syscall-loop: %ld calls, ", calls);
	p = strstr(from, key);
	return p && sscanf(p + strlen(key), "%lf", &v) == 1 ? v : -1;
}

/* Type @cmd in the guest, then wait for @mark; the exits it took, by kind. */
static bool guest_window(struct guest_run *g, const char *cmd, const char *mark,
			 struct vmm_exits *d)
{
	struct vmm_exits before, after;

	vmm_exits_read(g->pid, &before);
	guest_type(g, cmd);
	if (!guest_wait_for(g, mark, 300))
		return false;
	vmm_exits_read(g->pid, &after);
	vmm_exits_sub(d, &after, &before);
	return true;
}

int main(void)
{
	struct vmm_exits idle, loop;
	double native, guest;
	struct guest_run g;
	char cmd[128], line[512];
	const char *p;
	FILE *f;
	long total;
	int i, len;

	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		return 1;
	snprintf(cmd, sizeof(cmd), "/bin/syscall-loop %d", CALLS);
	f = popen(cmd, "r");
	if (!f || !fgets(line, sizeof(line), f))
		return 1;
	pclose(f);
	native = loop_ns(line, CALLS);

	guest_start_typing(&g, (const char *const[]){ VMM_PATH, "--kernel", GUEST_KERNEL,
		"--initrd", GUEST_INITRD, "--cpus", "1", NULL });
	if (!guest_wait_for(&g, "guest# ", 600))
		goto fail;
	/* the shell's own exits (fork, exec, console): an empty loop */
	if (!guest_window(&g, "syscall-loop 0; echo W0-$((1+1))\n", "W0-2", &idle))
		goto fail;
	snprintf(cmd, sizeof(cmd), "syscall-loop %d; echo W1-$((2+2))\n", CALLS);
	if (!guest_window(&g, cmd, "W1-4", &loop))
		goto fail;
	p = strstr(g.out, "W0-2");
	guest = loop_ns(p ? p : g.out, CALLS);
	guest_type(&g, "poweroff\n");
	guest_finish(&g, 120);

	vmm_exits_sub(&loop, &loop, &idle);
	len = 0;
	total = 0;
	line[0] = 0;
	for (i = 0; i < loop.nr; i++) {
		if (!strcmp(loop.name[i], "runs") || loop.count[i] <= 0)
			continue;
		total += loop.count[i];
		len += snprintf(line + len, sizeof(line) - len, " %s %.2f", loop.name[i],
				1000.0 * loop.count[i] / (3.0 * CALLS));
	}
	printf("bench: getppid(): board %.0f ns, guest %.0f ns per call: guest at %.2fx native\n",
	       native, guest, native > 0 ? guest / native : 0);
	printf("bench: vCPU exits per 1000 getppid() in the guest: %.2f (%s ), %.1f exits/s of the loop\n",
	       1000.0 * total / (3.0 * CALLS), line[0] ? line + 1 : "none",
	       guest > 0 ? total / (3.0 * CALLS * guest * 1e-9) : 0);
	guest_free(&g);
	return native > 0 && guest > 0 ? 0 : 1;
fail:
	guest_diag_tail(&g, 3000);
	kill(g.pid, SIGKILL);
	guest_finish(&g, 60);
	guest_free(&g);
	return 1;
}
