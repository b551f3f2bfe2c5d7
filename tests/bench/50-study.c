// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reference study's table (KVM/ARM on a Cortex-A7, VM/native ratios),
 * remeasured here: the board ("native") and a 1-vCPU Linux guest on
 * armvirt run the same static tools (tests/tools/, in both /bin) in one
 * board boot, REPS times each (each run on the board followed at once by
 * the same in the guest, so that both see the same load), for CPU integer
 * and floating point work, memory copy, sequential disk writes and reads,
 * TCP in both directions with 4 KiB and 32 KiB writes, and ping. Each row is printed
 * as a "bench:" line, and the whole table as Markdown lines prefixed
 * "study| ", which scripts/bench.sh turns into build/bench/study.md and
 * study.svg. For the guest's disk and network rows, also the counts the
 * emulator does not change: kicks (ioeventfd exits, debugfs), the
 * interrupts of the device (the guest's /proc/interrupts) and the wake-ups
 * of the VMM's I/O thread per MiB; for every row, the guest's exits by
 * kind (per MiB for those rows, per second for the others).
 *
 * What "native" is: the board's own image file on tmpfs for the disk (its
 * 6.1 kernel has no O_DIRECT on tmpfs, so the read is buffered, from
 * memory), and the board's loopback for TCP and ping: the guest's peer is
 * the board, over virtio-net and a tap.
 *
 * With kvmtool on the board (/bin/lkvm: make bench KVMTOOL=PATH, a static
 * armhf build of the user's, never part of the tree), the whole table is
 * measured a second time with the same guest under kvmtool on
 * /dev/armvirt (virtio-mmio, its own userspace devices), the board's own
 * runs again beside it, so that each VMM's ratio has its own native runs.
 * Last, the network rows once more under armvirt-vmm with vhost=off (the
 * VMM serves the queues itself), to compare its two data paths in one
 * boot.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "guest_run.h"
#include "vm.h"

#define REPS		5
#define GUEST_DISK	"/tmp/study-guest.img"
#define NATIVE_DISK	"/tmp/study-native.img"
#define DISK_MIB	64
#define IO_MIB		32
#define TCP_SECS	"3"
#define INT_LOOPS	"3000000"
#define FLOAT_LOOPS	"500000"
#define COPY_ARGS	"16 20"	/* MiB, rounds: the median round */
#define BOARD_IP	"10.0.2.1"

/* The guest's interrupts from the virtio device behind sysfs link $1. */
#define GUEST_IRQS_FN \
	"irqs() { awk -v d=$(basename $(readlink $1)) '$NF == d { for (i = 2; " \
	"i <= NF && $i ~ /^[0-9]+$/; i++) n += $i } END { print n + 0 }' /proc/interrupts; }\n"
/* The guest's eth0 packets so far, $1 tx or rx (a TSO frame counts as one). */
#define GUEST_PACKETS_FN "pk() { cat /sys/class/net/eth0/statistics/$1_packets; }\n"
/* The guest's TCP segments retransmitted so far. */
#define GUEST_RETRANS_FN \
	"rtx() { awk '/^Tcp:/ { if (!c) { for (i = 1; i <= NF; i++) if ($i == \"RetransSegs\") " \
	"c = i } else print $c }' /proc/net/snmp; }\n"
#define TAP		"studytap0"
#define KVMTOOL		"/bin/lkvm"
#define KVMTOOL_IFUP	"/tmp/study-ifup"	/* kvmtool's script for its tap */

/*
 * The VMMs whose guests the table compares: ours, then kvmtool if present,
 * then ours without vhost-net (the network rows only).
 */
enum { VMM_OURS, VMM_KVMTOOL, VMM_OURS_NO_VHOST, NR_VMMS };
static const char *const vmm_names[NR_VMMS] = { "armvirt-vmm", "kvmtool",
						"armvirt-vmm vhost=off" };
/* Their words in the "bench: study ..." lines. */
static const char *const vmm_tags[NR_VMMS] = { "", " kvmtool", " vhost=off" };
static const char *const vmm_argv[NR_VMMS][24] = {
	[VMM_OURS] = { VMM_PATH, "--kernel", GUEST_KERNEL, "--initrd", GUEST_INITRD,
		       "--cpus", "1", "--disk", GUEST_DISK,
		       "--net", "tap=" TAP ",host=" BOARD_IP "/24",
		       "--append", "armvirt.ip=10.0.2.15/24", NULL },
	/* its memory as our default (256 MiB), its devices on virtio-mmio as ours */
	[VMM_KVMTOOL] = { KVMTOOL, "run", "--dev", "/dev/armvirt", "-k", GUEST_KERNEL,
			  "-i", GUEST_INITRD, "-c", "1", "-m", "256", "-d", GUEST_DISK,
			  "--virtio-transport", "mmio",
			  "-n", "mode=tap,tapif=" TAP ",script=" KVMTOOL_IFUP,
			  "-p", "armvirt.ip=10.0.2.15/24", NULL },
	[VMM_OURS_NO_VHOST] = { VMM_PATH, "--kernel", GUEST_KERNEL, "--initrd", GUEST_INITRD,
				"--cpus", "1", "--disk", GUEST_DISK,
				"--net", "tap=" TAP ",host=" BOARD_IP "/24,vhost=off",
				"--append", "armvirt.ip=10.0.2.15/24", NULL },
};

enum count_kind { COUNT_NONE, COUNT_DISK, COUNT_NET };

struct row {
	const char *name;
	const char *unit;
	const char *study;	/* the study's guest/native ratio */
	const char *native_cmd, *guest_cmd;
	const char *key;	/* the tool's result line starts with it */
	const char *value_unit;	/* the value is the number before its last match */
	enum count_kind counts;
	bool latency;		/* lower is better: the ratio is native/guest */
	bool net;		/* the guest's side goes through its NIC */
	struct sample {		/* under each VMM, with its own native runs */
		double native[REPS], guest[REPS];
		double mib, kicks, irqs;	/* guest, summed over the repetitions */
		double pk_out, pk_in;		/* the guest's eth0 packets, summed too */
		double wakeups;			/* the VMM's I/O threads', summed too */
		long retrans, drops;		/* TCP retransmits (both ends), tap drops */
		struct vmm_exits exits;		/* the guest's, over the repetitions */
		double secs;			/* the guest's time in them */
	} s[NR_VMMS];
};

/* A row whose guest runs @g (the board @n), counting per MiB @cnt. */
#define IO_ROW(label, study_ratio, n, g, k, cnt) \
	{ .name = label, .unit = "MiB/s", .study = study_ratio, .native_cmd = n, \
	  .guest_cmd = g, .key = k, .value_unit = " MiB/s", .counts = cnt, \
	  .net = (cnt) == COUNT_NET }
#define TCP_ROW(label, study_ratio, opts) \
	IO_ROW(label, study_ratio, "tcp-bench -c 127.0.0.1 " opts " -t " TCP_SECS, \
	       "tcp-bench -c " BOARD_IP " " opts " -t " TCP_SECS, "tcp-bench: ", COUNT_NET)

static struct row rows[] = {
	{ .name = "CPU integer (cpu-int)", .unit = "kloops/s", .study = "99.25 %",
	  .native_cmd = "cpu-int " INT_LOOPS " 1", .key = "cpu-int: ", .value_unit = " kloops/s" },
	{ .name = "CPU float (cpu-float)", .unit = "kloops/s", .study = "98.73 %",
	  .native_cmd = "cpu-float " FLOAT_LOOPS " 1", .key = "cpu-float: ",
	  .value_unit = " kloops/s" },
	{ .name = "memory copy 16 MiB (mem-copy)", .unit = "MiB/s", .study = "97.24 %",
	  .native_cmd = "mem-copy " COPY_ARGS, .key = "mem-copy: ", .value_unit = " MiB/s" },
	IO_ROW("disk write 32 MiB + fdatasync", "94.81 %", "disk-seq write " NATIVE_DISK " 32",
	       "disk-seq write /dev/vda 32", "disk-seq: ", COUNT_DISK),
	IO_ROW("disk read 32 MiB (guest: O_DIRECT)", "~50 %", "disk-seq read " NATIVE_DISK " 32",
	       "disk-seq read /dev/vda 32", "disk-seq: ", COUNT_DISK),
	TCP_ROW("TCP guest send, 4 KiB writes", "26.5 %", "-l 4096"),
	TCP_ROW("TCP guest send, 32 KiB writes", "85 %", "-l 32768"),
	TCP_ROW("TCP guest receive, 4 KiB writes", "~50 %", "-R -l 4096"),
	TCP_ROW("TCP guest receive, 32 KiB writes", "~50 %", "-R -l 32768"),
	{ .name = "ping round trip, guest to board", .unit = "ms", .study = "-",
	  .native_cmd = "ping -c 5 -i 0.2 127.0.0.1", .guest_cmd = "ping -c 5 -i 0.2 " BOARD_IP,
	  .key = "round-trip ", .latency = true, .net = true },
};
#define NR_ROWS	(int)(sizeof(rows) / sizeof(rows[0]))

/*
 * The result in @out, from the first line starting with @r->key: the
 * number before the last @r->value_unit on it, or for ping the average
 * of "min/avg/max = a/b/c ms". -1 if none. *@mib: the MiB a tcp-bench
 * line says went through.
 */
static double parse_result(const struct row *r, const char *out, double *mib)
{
	const char *p = out, *end, *u, *last = NULL;
	double v;

	while ((p = strstr(p, r->key)) && p != out && p[-1] != '\n' && p[-1] != '\r')
		p++;
	if (!p)
		return -1;
	end = p + strcspn(p, "\r\n");
	if (mib && sscanf(p, "tcp-bench: %*s %*s B writes, %lf MiB", mib) != 1)
		*mib = 0;
	if (r->latency) {
		u = strstr(p, "= ");
		return u && u < end && sscanf(u, "= %*f/%lf", &v) == 1 ? v : -1;
	}
	for (u = p; (u = strstr(u, r->value_unit)) && u < end; u++)
		last = u;
	if (!last)
		return -1;
	while (last > p && last[-1] != ' ')
		last--;
	return sscanf(last, "%lf", &v) == 1 ? v : -1;
}

/* Run @cmd on the board; its output (stdout and stderr) in @buf. */
static void board_run(const char *cmd, char *buf, size_t size)
{
	char full[256];
	size_t len = 0, n;
	FILE *f;

	buf[0] = 0;
	snprintf(full, sizeof(full), "%s 2>&1", cmd);
	f = popen(full, "r");
	if (!f)
		return;
	while (len + 1 < size && (n = fread(buf + len, 1, size - 1 - len, f)) > 0)
		len += n;
	buf[len] = 0;
	pclose(f);
}

/* The board's TCP segments retransmitted so far (/proc/net/snmp), or 0. */
static long board_retrans(void)
{
	char buf[4096], *hdr, *val, *h, *v;
	long n = 0;

	if (read_file("/proc/net/snmp", buf, sizeof(buf)) < 0 || !(hdr = strstr(buf, "\nTcp:")) ||
	    !(val = strstr(hdr + 1, "\nTcp:")))
		return 0;
	/* walk the names and the values side by side */
	h = hdr + 5;
	v = val + 5;
	while (*h && *h != '\n') {
		size_t hl = strcspn(h + 1, " \n") + 1, vl = strcspn(v + 1, " \n") + 1;

		if (hl == 12 && !strncmp(h, " RetransSegs", 12))
			return sscanf(v, " %ld", &n) == 1 ? n : 0;
		h += hl;
		v += vl;
	}
	return 0;
}

/* Packets the board's end of the guest's tap dropped, both ways. */
static long tap_drops(void)
{
	const char *const what[] = { "rx_dropped", "tx_dropped" };
	char path[96], buf[32];
	long n = 0;
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/sys/class/net/" TAP "/statistics/%s", what[i]);
		if (read_file(path, buf, sizeof(buf)) > 0)
			n += atol(buf);
	}
	return n;
}

static int next_mark = 1000;

/*
 * Type @cmd into the guest's shell and wait for it to finish; the output it
 * produced starts at the returned offset of g->out, or -1 on a timeout.
 */
static long guest_cmd(struct guest_run *g, const char *cmd, double timeout_s)
{
	char line[512], mark[16];
	long from = (long)g->len;

	next_mark++;
	snprintf(line, sizeof(line), "%s; echo @@$((%d+1))\n", cmd, next_mark - 1);
	snprintf(mark, sizeof(mark), "@@%d", next_mark);
	if (guest_type(g, line) || !guest_wait_for(g, mark, timeout_s))
		return -1;
	return from;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median, min and max of @v; false if a repetition failed. */
static bool stats(const double *v, double *med, double *min, double *max)
{
	double s[REPS];
	int i;

	memcpy(s, v, sizeof(s));
	qsort(s, REPS, sizeof(s[0]), cmp_double);
	*min = s[0];
	*max = s[REPS - 1];
	*med = REPS % 2 ? s[REPS / 2] : (s[REPS / 2 - 1] + s[REPS / 2]) / 2;
	for (i = 0; i < REPS; i++)
		if (s[i] < 0)
			return false;
	return true;
}

/* One repetition of row @r on the board, into @s. */
static void measure_native_row(const struct row *r, struct sample *s, int k)
{
	static char out[4096];

	board_run(r->native_cmd, out, sizeof(out));
	s->native[k] = parse_result(r, out, NULL);
	if (s->native[k] < 0)
		printf("# study: board: %s: %.200s\n", r->native_cmd, out);
}

/* @d's counts added to @sum's, kind by kind. */
static void exits_add(struct vmm_exits *sum, const struct vmm_exits *d)
{
	int i, j;

	for (i = 0; i < d->nr; i++) {
		for (j = 0; j < sum->nr && strcmp(sum->name[j], d->name[i]); j++)
			;
		if (j == sum->nr) {
			if (j == VMM_EXIT_KINDS)
				continue;
			snprintf(sum->name[j], sizeof(sum->name[j]), "%s", d->name[i]);
			sum->count[sum->nr++] = 0;
		}
		sum->count[j] += d->count[i];
	}
}

/*
 * How often the VMM's I/O threads have slept so far: the voluntary context
 * switches of every thread but the main one and the vCPUs' (ours: the I/O
 * thread, the disk workers, the control socket's; kvmtool's: its disk,
 * network, console and event threads), one per wait for work, so one per
 * wake-up. -1 if there is no such thread.
 */
static long vmm_io_wakeups(pid_t pid)
{
	char path[96], buf[2048], *p;
	struct dirent *de;
	long n = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == (int)pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.20s/comm", (int)pid, de->d_name);
		if (read_file(path, buf, sizeof(buf)) < 0 || !strncmp(buf, "armvirt-vcpu", 12) ||
		    !strncmp(buf, "kvm-vcpu-", 9))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.20s/status", (int)pid, de->d_name);
		if (read_file(path, buf, sizeof(buf)) >= 0 && (p = strstr(buf, "\nvoluntary_ctxt_switches:")))
			n = (n < 0 ? 0 : n) + strtol(p + strlen("\nvoluntary_ctxt_switches:"), NULL, 10);
	}
	closedir(d);
	return n;
}

/*
 * One repetition of row @r in the guest @g of @vmm, into @s, counting
 * kicks, interrupts and packets.
 */
static void measure_guest_row(struct guest_run *g, int vmm, const struct row *r,
			      struct sample *s, int k)
{
	const char *cmd = r->guest_cmd ? r->guest_cmd : r->native_cmd;
	const char *dev = r->counts == COUNT_DISK ? "/sys/block/vda/device" :
			  "/sys/class/net/eth0/device";
	struct vmm_exits before, after;
	char line[512];
	double mib = 0;
	long from, irqs, retrans, pk_out, pk_in, rtx_board, drops, wake0, wake1, kicks;
	const char *p;

	if (r->counts == COUNT_NONE) {
		double t = now_s();

		vmm_exits_read(g->pid, &before);
		from = guest_cmd(g, cmd, 120);
		vmm_exits_read(g->pid, &after);
		vmm_exits_sub(&after, &after, &before);
		s->secs += now_s() - t;
		exits_add(&s->exits, &after);
		s->guest[k] = from < 0 ? -1 : parse_result(r, g->out + from, NULL);
		return;
	}
	/* the typed line shows "irq%s", the output "irqs N R T V" */
	snprintf(line, sizeof(line), "a=$(irqs %s); r=$(rtx); t=$(pk tx); v=$(pk rx); %s; "
		 "printf 'irq%%s %%d %%d %%d %%d\\n' s $(($(irqs %s) - a)) $(($(rtx) - r)) "
		 "$(($(pk tx) - t)) $(($(pk rx) - v))", dev, cmd, dev);
	vmm_exits_read(g->pid, &before);
	rtx_board = board_retrans();
	drops = tap_drops();
	wake0 = vmm_io_wakeups(g->pid);
	from = guest_cmd(g, line, 120);
	wake1 = vmm_io_wakeups(g->pid);
	vmm_exits_read(g->pid, &after);
	vmm_exits_sub(&after, &after, &before);
	s->retrans += board_retrans() - rtx_board;
	s->drops += tap_drops() - drops;
	if (from < 0) {
		s->guest[k] = -1;
		return;
	}
	s->guest[k] = parse_result(r, g->out + from, &mib);
	irqs = retrans = pk_out = pk_in = 0;
	for (p = g->out + from; (p = strstr(p, "\nirqs ")); p++)
		if (sscanf(p, "\nirqs %ld %ld %ld %ld", &irqs, &retrans, &pk_out, &pk_in) == 4)
			break;
	s->retrans += retrans;
	s->mib += r->counts == COUNT_DISK ? IO_MIB : mib;
	/*
	 * armvirt-vmm's InterruptACK is an ioeventfd too: each interrupt of
	 * the device ends with one (its status is sticky), which is no kick.
	 */
	kicks = vmm_exits_count(&after, "ioeventfd");
	if (vmm != VMM_KVMTOOL)
		kicks = kicks > irqs ? kicks - irqs : 0;
	s->kicks += (double)kicks;
	exits_add(&s->exits, &after);
	s->irqs += (double)irqs;
	s->pk_out += (double)pk_out;
	s->pk_in += (double)pk_in;
	if (wake0 >= 0 && wake1 >= wake0)
		s->wakeups += (double)(wake1 - wake0);
}

/*
 * Each repetition of each row on the board, then at once in the guest, so
 * that both see the same load of the shared build machine (the guest sits
 * idle while the board works: its timer ticks cost the board a little).
 */
static bool measure(int vmm)
{
	struct sample *s;
	struct guest_run g;
	int i, k;

	/* kvmtool reads its console only from a terminal */
	if ((vmm == VMM_KVMTOOL ? guest_start_on_pty(&g, vmm_argv[vmm]) :
	     guest_start_typing(&g, vmm_argv[vmm])) || g.pid <= 0) {
		printf("# study: cannot start %s\n", vmm_argv[vmm][0]);
		free(g.out);	/* not guest_free(): its descriptors may not be set */
		free(g.chunks);
		return false;
	}
	if (!guest_wait_for(&g, "guest# ", 600) || guest_type(&g, GUEST_IRQS_FN) ||
	    guest_type(&g, GUEST_RETRANS_FN) || guest_type(&g, GUEST_PACKETS_FN) ||
	    guest_cmd(&g, "true", 60) < 0)
		goto fail;
	for (k = 0; k < REPS; k++)
		for (i = 0; i < NR_ROWS; i++) {
			if (vmm == VMM_OURS_NO_VHOST && !rows[i].net)
				continue;
			s = &rows[i].s[vmm];
			measure_native_row(&rows[i], s, k);
			measure_guest_row(&g, vmm, &rows[i], s, k);
			if (s->guest[k] < 0) {
				printf("# study: guest under %s: %s failed; its console's end:\n",
				       vmm_names[vmm], rows[i].name);
				guest_diag_tail(&g, 1500);
			}
		}
	guest_type(&g, "poweroff\n");
	guest_finish(&g, 120);
	guest_free(&g);
	return true;
fail:
	guest_diag_tail(&g, 3000);
	kill(g.pid, SIGKILL);
	guest_finish(&g, 60);
	guest_free(&g);
	return false;
}

/* A sample's statistics: medians, ranges, guest/native in %, and counts. */
struct summary {
	double nm, nlo, nhi, gm, glo, ghi, ratio;
	bool ok;
	char counts[192];
};

static void summarize(const struct row *r, const struct sample *s, struct summary *m)
{
	m->ok = stats(s->native, &m->nm, &m->nlo, &m->nhi) & stats(s->guest, &m->gm, &m->glo, &m->ghi);
	m->ratio = !m->ok || m->nm <= 0 || m->gm <= 0 ? 0 :
		   r->latency ? 100 * m->nm / m->gm : 100 * m->gm / m->nm;
	if (r->counts == COUNT_NET && s->mib > 0)
		snprintf(m->counts, sizeof(m->counts),
			 "%.1f, %.1f, %.1f; packets out %.1f, in %.1f; %ld retransmits, %ld tap drops",
			 s->kicks / s->mib, s->irqs / s->mib, s->wakeups / s->mib, s->pk_out / s->mib,
			 s->pk_in / s->mib, s->retrans, s->drops);
	else if (r->counts != COUNT_NONE && s->mib > 0)
		snprintf(m->counts, sizeof(m->counts), "%.1f, %.1f, %.1f", s->kicks / s->mib,
			 s->irqs / s->mib, s->wakeups / s->mib);
	else
		snprintf(m->counts, sizeof(m->counts), "-");
}

/*
 * The guest's exits by kind: per second during the rows without counts,
 * per MiB during the I/O rows (what a VMM's device model costs the guest).
 */
static void print_exits(int vmm)
{
	int i, j, len;

	for (i = 0; i < NR_ROWS; i++) {
		const struct row *r = &rows[i];
		const struct sample *s = &r->s[vmm];
		double per = r->counts == COUNT_NONE ? s->secs : s->mib;
		char kinds[256];
		long total = 0;

		if (per <= 0)
			continue;
		kinds[0] = 0;
		for (j = 0, len = 0; j < s->exits.nr; j++) {
			if (!strcmp(s->exits.name[j], "runs") || s->exits.count[j] <= 0)
				continue;
			total += s->exits.count[j];
			if (len < (int)sizeof(kinds))
				len += snprintf(kinds + len, sizeof(kinds) - len, " %s %.1f",
						s->exits.name[j], s->exits.count[j] / per);
		}
		printf("bench: study%s guest exits during %s: %.1f per %s (%s )\n",
		       vmm_tags[vmm], r->name, total / per,
		       r->counts == COUNT_NONE ? "s" : "MiB", kinds[0] ? kinds + 1 : "none");
	}
}

/*
 * A row under another VMM (kvmtool, or ours with vhost=off) as a "bench:"
 * line, with armvirt-vmm's default run's ratio beside it as ours_name.
 */
static void print_beside(int vmm, const struct row *r, const struct summary *t,
			 const char *ours_name, double ours)
{
	printf("bench: study%s %s (%s): native %.4g (%.4g-%.4g), guest %.4g (%.4g-%.4g): "
	       "guest at %.1f %% of native, %s at %.1f %%; "
	       "kicks, irqs, VMM I/O wake-ups per MiB: %s\n",
	       vmm_tags[vmm], r->name, r->unit, t->nm, t->nlo, t->nhi, t->gm, t->glo, t->ghi,
	       t->ratio, ours_name, ours, t->counts);
}

/*
 * The network rows under armvirt-vmm with vhost=off beside vhost-net's: a
 * list under the table (study.svg reads only the table).
 */
static void print_no_vhost(void)
{
	int i;

	printf("study| \n");
	printf("study| armvirt-vmm's network rows again with vhost=off (the VMM serves the "
	       "queues), guest/native against vhost-net's above; kicks, irqs, VMM I/O "
	       "wake-ups per MiB:\n");
	printf("study| \n");
	for (i = 0; i < NR_ROWS; i++) {
		const struct row *r = &rows[i];
		struct summary m, v;

		if (!r->net)
			continue;
		summarize(r, &r->s[VMM_OURS], &m);
		summarize(r, &r->s[VMM_OURS_NO_VHOST], &v);
		print_beside(VMM_OURS_NO_VHOST, r, &v, "with vhost-net", m.ratio);
		printf("study| - %s: %s%.1f %% (vhost-net %.1f %%); %s\n", r->name,
		       v.ok ? "" : "failed ", v.ratio, m.ratio, v.counts);
	}
}

static void print_table(bool kvmtool, bool no_vhost)
{
	char date[32];
	time_t now = time(NULL);
	bool all = true;
	int i;

	strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&now));
	printf("study| # armvirt against the reference study's table\n");
	printf("study| \n");
	printf("study| Measured %s by tests/bench/50-study: the emulated board (QEMU TCG, "
	       "Cortex-A15) against a 1-vCPU Linux guest on armvirt, the same static tools "
	       "in both, %d repetitions each, each on the board then in the guest, in one board boot. Median, "
	       "and min-max over the repetitions. The study: KVM/ARM on a Cortex-A7, "
	       "real hardware.%s\n", date, REPS,
	       kvmtool ? " Then all again with the guest under kvmtool, on armvirt too: its "
			 "own native runs, its guest/native and its counts in the last columns." : "");
	printf("study| \n");
	printf("study| | row | unit | native median | guest median | native min-max | "
	       "guest min-max | guest/native | study | guest kicks, irqs, VMM I/O wake-ups per MiB |%s\n",
	       kvmtool ? " kvmtool: native, guest median | kvmtool guest/native | "
			 "kvmtool kicks, irqs, I/O wake-ups per MiB |" : "");
	printf("study| |---|---|---|---|---|---|---|---|---|%s\n", kvmtool ? "---|---|---|" : "");
	for (i = 0; i < NR_ROWS; i++) {
		const struct row *r = &rows[i];
		struct summary m, t;

		summarize(r, &r->s[VMM_OURS], &m);
		all &= m.ok;
		printf("bench: study %s (%s): native %.4g (%.4g-%.4g), guest %.4g (%.4g-%.4g): "
		       "guest at %.1f %% of native%s; study %s; kicks, irqs, VMM I/O wake-ups per MiB: %s\n",
		       r->name, r->unit, m.nm, m.nlo, m.nhi, m.gm, m.glo, m.ghi, m.ratio,
		       r->latency ? " (latency: native/guest)" : "", r->study, m.counts);
		printf("study| | %s | %s | %.4g | %.4g | %.4g-%.4g | %.4g-%.4g | %s%.1f %% | %s | %s |",
		       r->name, r->unit, m.nm, m.gm, m.nlo, m.nhi, m.glo, m.ghi, m.ok ? "" : "failed ",
		       m.ratio, r->study, m.counts);
		if (kvmtool) {
			summarize(r, &r->s[VMM_KVMTOOL], &t);
			all &= t.ok;
			printf(" %.4g, %.4g | %s%.1f %% | %s |", t.nm, t.gm, t.ok ? "" : "failed ",
			       t.ratio, t.counts);
		}
		printf("\n");
		if (kvmtool)
			print_beside(VMM_KVMTOOL, r, &t, "armvirt-vmm's", m.ratio);
	}
	print_exits(VMM_OURS);
	if (kvmtool)
		print_exits(VMM_KVMTOOL);
	if (no_vhost)
		print_exits(VMM_OURS_NO_VHOST);
	printf("study| \n");
	printf("study| Native is the board's image file on tmpfs for the disk (buffered "
	       "read: no O_DIRECT on tmpfs in 6.1), its loopback for TCP and ping; the "
	       "guest's peer is the board, over virtio-net and a tap. The ping ratio is "
	       "native/guest (a latency). Kicks are the ioeventfd exits of all queues "
	       "(armvirt-vmm's, less one per interrupt: its InterruptACK is an ioeventfd), "
	       "irqs the guest's interrupts from that device, wake-ups the VMM's I/O threads' "
	       "(the voluntary context switches of all its threads but the main one and "
	       "the vCPUs'; with vhost-net, which serves armvirt-vmm's NIC "
	       "by default, the network rows need none); for TCP, the guest's eth0 packets "
	       "per MiB each way (a TSO frame is one), the segments both ends "
	       "retransmitted and the packets the board's tap dropped, over all "
	       "repetitions. %s\n",
	       kvmtool ? "kvmtool: its defaults but virtio-mmio (no vhost-net), 256 MiB as ours." :
			 "kvmtool: not on the board (make bench KVMTOOL=PATH).");
	if (no_vhost)
		print_no_vhost();
	if (!all)
		printf("study| \nstudy| Some repetitions failed (see the board log).\n");
}

/* kvmtool's tap set-up: the board's address on it, as armvirt-vmm's host=. */
static bool write_kvmtool_ifup(void)
{
	FILE *f = fopen(KVMTOOL_IFUP, "w");

	if (!f)
		return false;
	fprintf(f, "#!/bin/sh\nip addr add " BOARD_IP "/24 dev \"$1\" && ip link set \"$1\" up\n");
	return !fclose(f) && !chmod(KVMTOOL_IFUP, 0755);
}

int main(void)
{
	char cmd[160];
	pid_t server;
	bool ok, kvmtool, no_vhost;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!module_loaded("armvirt") && module_load(ARMVIRT_KO))
		return 1;
	if (tun_load("/lib/modules/tun.ko"))
		return 1;
	/* the board's /init leaves its loopback down: native TCP and ping use it */
	if (system("ip link set lo up"))
		return 1;
	snprintf(cmd, sizeof(cmd), "dd if=/dev/urandom of=%s bs=1048576 count=%d 2>/dev/null && "
		 "cp %s %s", GUEST_DISK, DISK_MIB, GUEST_DISK, NATIVE_DISK);
	if (system(cmd))
		return 1;
	server = fork();
	if (server == 0) {
		execl("/bin/tcp-bench", "tcp-bench", "-s", (char *)NULL);
		_exit(127);
	}
	if (server < 0)
		return 1;
	kvmtool = access(KVMTOOL, X_OK) == 0;
	/* without vhost-net on the board, the first run was the VMM's own path */
	no_vhost = access("/dev/vhost-net", R_OK | W_OK) == 0;
	ok = measure(VMM_OURS);
	if (ok && kvmtool)
		ok = write_kvmtool_ifup() && measure(VMM_KVMTOOL);
	if (ok && no_vhost)
		ok = measure(VMM_OURS_NO_VHOST);
	kill(server, SIGTERM);
	waitpid(server, NULL, 0);
	unlink(GUEST_DISK);
	unlink(NATIVE_DISK);
	unlink(KVMTOOL_IFUP);
	if (!ok)
		return 1;
	print_table(kvmtool, no_vhost);
	return 0;
}
