// SPDX-License-Identifier: GPL-2.0-only
/*
 * A Linux guest on armvirt against the board itself ("native"), as
 * "bench:" lines: boot time, CPU-bound work, virtio-blk reads and writes,
 * and the round trip over virtio-net. The same commands run in the guest
 * (timed with its clock, which tests/vmm checks runs at the board's rate)
 * and on the board. For the disk, the guest's notifications to the device
 * (kicks: ioeventfd exits, from debugfs) and the interrupts it took from
 * it (its /proc/interrupts) and the requests it completed (its
 * /sys/block/vda/stat) per MiB: counts the emulator does not change.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "vm.h"

#define DISK		"/tmp/bench-disk.img"
#define DISK_MIB	64
#define IO_MIB		32
#define CPU_WORK	"head -c 16777216 /dev/zero | md5sum >/dev/null"

/*
 * Guest shell functions: m WHAT prints "B at WHAT" then pauses two seconds,
 * so that the board reads the kick counter while the guest is idle; q WHAT
 * prints "B irq-WHAT N", the interrupts taken so far from vda's device, and
 * "B rdreq-WHAT N" and "B wrreq-WHAT N", the reads and writes vda completed
 * (its /sys/block/vda/stat): requests, however many pages each carried.
 */
#define MARKS \
	"m() { echo B at $1; sleep 2; }; " \
	"q() { echo B irq-$1 $(awk -v d=$(basename $(readlink /sys/block/vda/device)) " \
	"'$NF == d { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i } END { print n + 0 }' " \
	"/proc/interrupts); set -- $1 $(cat /sys/block/vda/stat); " \
	"echo B rdreq-$1 $2; echo B wrreq-$1 $6; }; "

/* The exits between the guest's marks "B at <from>" and "B at <to>", by kind. */
static void exits_between(struct guest_run *g, const char *from, const char *to,
			  struct vmm_exits *e)
{
	struct vmm_exits before;
	char key[64];

	memset(e, 0, sizeof(*e));
	snprintf(key, sizeof(key), "\nB at %s", from);
	if (!guest_wait_for(g, key, 600))
		return;
	vmm_exits_read(g->pid, &before);
	snprintf(key, sizeof(key), "\nB at %s", to);
	if (!guest_wait_for(g, key, 600))
		return;
	vmm_exits_read(g->pid, e);
	vmm_exits_sub(e, e, &before);
}

/* Seconds a shell command takes on the board. */
static double board_time(const char *cmd)
{
	double t = now_s();

	if (system(cmd) != 0)
		return -1;
	return now_s() - t;
}

/* The value printed by the guest on a line "B <name> <value>". */
static double guest_value(const struct guest_run *g, const char *name)
{
	char key[64], line[64];
	double v;

	snprintf(key, sizeof(key), "B %s ", name);
	return guest_line_after(g, key, line, sizeof(line)) &&
	       sscanf(line, "%lf", &v) == 1 ? v : -1;
}

int main(void)
{
	double boot, cpu_g, cpu_n, rd_g, rd_n, wr_g, wr_n, rtt_g, irq[3], rdreq[2], wrreq[2];
	struct vmm_exits ex_rd, ex_wr;
	struct guest_run g;
	char cmd[256];
	int status;

	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		return 1;
	module_load("/lib/modules/tun.ko");
	snprintf(cmd, sizeof(cmd), "dd if=/dev/urandom of=%s bs=1048576 count=%d 2>/dev/null",
		 DISK, DISK_MIB);
	if (system(cmd))
		return 1;
	guest_start(&g, (const char *const[]){ VMM_PATH, "--kernel", GUEST_KERNEL,
		"--initrd", GUEST_INITRD, "--cpus", "2", "--disk", DISK,
		"--net", "tap=benchtap0,host=10.0.2.1/24", "--append", "armvirt.ip=10.0.2.15/24",
		/* uptime differences in the guest, around each piece of work */
		"--cmd",
		"t() { cut -d' ' -f1 /proc/uptime; }; d() { awk 'BEGIN{print ARGV[2]-ARGV[1]}' $1 $2; }; "
		MARKS
		"s=$(t); " CPU_WORK "; e=$(t); echo B cpu $(d $s $e); "
		"echo 3 > /proc/sys/vm/drop_caches; "
		"q 0; m read; "
		"s=$(t); dd if=/dev/vda of=/dev/null bs=1048576 count=32 2>/dev/null; e=$(t); "
		"echo B read $(d $s $e); q 1; m write; "
		"s=$(t); dd if=/dev/zero of=/dev/vda bs=1048576 count=32 conv=fsync 2>/dev/null; "
		"e=$(t); echo B write $(d $s $e); q 2; m net; "
		"ping -c 10 -i 0.2 10.0.2.1 | sed -n 's|.*= [0-9.]*/\\([0-9.]*\\)/.*|B rtt \\1|p'",
		NULL });
	guest_wait_for(&g, "=== armvirt-guest-ready", 600);
	boot = guest_time_of(&g, "=== armvirt-guest-ready");
	exits_between(&g, "read", "write", &ex_rd);
	exits_between(&g, "write", "net", &ex_wr);
	status = guest_finish(&g, 600);
	if (status != 0) {
		guest_diag_tail(&g, 3000);
		return 1;
	}
	cpu_g = guest_value(&g, "cpu");
	rd_g = guest_value(&g, "read");
	wr_g = guest_value(&g, "write");
	rtt_g = guest_value(&g, "rtt");
	irq[0] = guest_value(&g, "irq-0");
	irq[1] = guest_value(&g, "irq-1");
	irq[2] = guest_value(&g, "irq-2");
	rdreq[0] = guest_value(&g, "rdreq-0");
	rdreq[1] = guest_value(&g, "rdreq-1");
	wrreq[0] = guest_value(&g, "wrreq-1");
	wrreq[1] = guest_value(&g, "wrreq-2");
	guest_free(&g);

	cpu_n = board_time(CPU_WORK);
	write_file("/proc/sys/vm/drop_caches", "3");
	snprintf(cmd, sizeof(cmd), "dd if=%s of=/dev/null bs=1048576 count=%d 2>/dev/null",
		 DISK, IO_MIB);
	rd_n = board_time(cmd);
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of=%s bs=1048576 count=%d conv=fsync 2>/dev/null",
		 DISK, IO_MIB);
	wr_n = board_time(cmd);
	unlink(DISK);

	printf("bench: Linux guest boot, VMM start to its /init ready (2 vCPUs): %.1f s\n", boot);
	printf("bench: CPU (md5sum of 16 MiB): guest %.2f s, board %.2f s: guest at %.0f %% of native\n",
	       cpu_g, cpu_n, cpu_g > 0 ? 100 * cpu_n / cpu_g : 0);
	printf("bench: virtio-blk read %d MiB: guest %.1f MiB/s, board from the image file (tmpfs) %.1f MiB/s\n",
	       IO_MIB, rd_g > 0 ? IO_MIB / rd_g : 0, rd_n > 0 ? IO_MIB / rd_n : 0);
	printf("bench: virtio-blk write %d MiB + fsync: guest %.1f MiB/s, board %.1f MiB/s\n",
	       IO_MIB, wr_g > 0 ? IO_MIB / wr_g : 0, wr_n > 0 ? IO_MIB / wr_n : 0);
	printf("bench: virtio-blk per MiB: read %.1f kicks, %.1f interrupts; write + fsync %.1f kicks, %.1f interrupts\n",
	       (double)vmm_exits_count(&ex_rd, "ioeventfd") / IO_MIB, (irq[1] - irq[0]) / IO_MIB,
	       (double)vmm_exits_count(&ex_wr, "ioeventfd") / IO_MIB, (irq[2] - irq[1]) / IO_MIB);
	/* runs: every exit from the guest; mem_fault: stage-2 faults on RAM */
	printf("bench: virtio-blk exits per MiB (every vCPU): read %.1f, %.1f of them stage-2 faults; write + fsync %.1f, %.1f stage-2 faults\n",
	       (double)vmm_exits_count(&ex_rd, "runs") / IO_MIB,
	       (double)vmm_exits_count(&ex_rd, "mem_fault") / IO_MIB,
	       (double)vmm_exits_count(&ex_wr, "runs") / IO_MIB,
	       (double)vmm_exits_count(&ex_wr, "mem_fault") / IO_MIB);
	printf("bench: virtio-blk requests per MiB: read %.1f, write + fsync %.1f\n",
	       (rdreq[1] - rdreq[0]) / IO_MIB, (wrreq[1] - wrreq[0]) / IO_MIB);
	printf("bench: virtio-net ping guest to board over tap: %.2f ms average round trip\n", rtt_g);
	return cpu_g > 0 && rd_g > 0 && wr_g > 0 && rtt_g > 0 ? 0 : 1;
}
