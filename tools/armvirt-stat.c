// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-stat: what armvirt's VMs are doing, as kvm_stat shows it for KVM:
 * the module's exit counters (debugfs, one file per vCPU:
 * armvirt/vcpus/<pid>-<vm>-<vcpu>, one "name count" line each), sampled
 * twice an interval apart, per VM (or per vCPU), each counter's total and
 * its rate, busiest first. Reading debugfs needs root.
 *
 *   armvirt-stat [-1] [-i SECONDS] [-p PID] [--vcpus] [-d DIR]
 *
 * Exit status: 0; 1 when there is nothing to read (no module, no debugfs,
 * no VM of -p PID); 2 for bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_DIR	"/sys/kernel/debug/armvirt/vcpus"
#define MAX_VCPU_FILES	256
#define MAX_COUNTERS	32
#define NAME_LEN	24

/* One vCPU's counters at one time */
struct vcpu_sample {
	int pid, vcpu;
	unsigned int vm;
	int nr;
	char name[MAX_COUNTERS][NAME_LEN];
	unsigned long long val[MAX_COUNTERS];
};

struct sample {
	int nr;
	struct vcpu_sample vcpus[MAX_VCPU_FILES];
	double time;
};

/* A row of the table: a counter summed over a VM or one vCPU */
struct row {
	const char *name;
	unsigned long long total, delta;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: armvirt-stat [-1] [-i SECONDS] [-p PID] [--vcpus] [-d DIR]\n"
"What armvirt's VMs are doing: each exit counter's total and rate per\n"
"second, per VM (the VMM's pid and the VM's number), busiest first.\n"
"\n"
"  -1, --once          one table after one interval, then exit\n"
"  -i, --interval S    seconds between samples (default 1; 0.1 to 3600)\n"
"  -p, --pid PID       only the VMs of this VMM process\n"
"      --vcpus         a table per vCPU rather than per VM\n"
"  -d, --dir DIR       the counters' folder (default " DEFAULT_DIR ")\n"
"\n"
"Needs root (debugfs). Without -1 it refreshes until interrupted.\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void read_vcpu(const char *dir, const char *file, struct vcpu_sample *v)
{
	char path[512], line[128];
	unsigned long long val;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	v->nr = 0;
	f = fopen(path, "re");
	if (!f)
		return;		/* the VM went meanwhile */
	while (v->nr < MAX_COUNTERS && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%23s %llu", v->name[v->nr], &val) == 2)
			v->val[v->nr++] = val;
	}
	fclose(f);
}

/* 0, or -1 with errno when the folder cannot be read. */
static int take_sample(const char *dir, int only_pid, struct sample *s)
{
	struct dirent *de;
	struct vcpu_sample *v;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	s->nr = 0;
	while ((de = readdir(d)) && s->nr < MAX_VCPU_FILES) {
		v = &s->vcpus[s->nr];
		if (sscanf(de->d_name, "%d-%u-%d", &v->pid, &v->vm, &v->vcpu) != 3)
			continue;
		if (only_pid && v->pid != only_pid)
			continue;
		read_vcpu(dir, de->d_name, v);
		if (v->nr)
			s->nr++;
	}
	closedir(d);
	s->time = now_s();
	return 0;
}

static const struct vcpu_sample *find_vcpu(const struct sample *s, const struct vcpu_sample *v)
{
	int i;

	for (i = 0; i < s->nr; i++)
		if (s->vcpus[i].pid == v->pid && s->vcpus[i].vm == v->vm &&
		    s->vcpus[i].vcpu == v->vcpu)
			return &s->vcpus[i];
	return NULL;
}

/* Adds vCPU @v's counters (and their growth since @before's) into @rows. */
static int add_rows(struct row *rows, int nr, const struct vcpu_sample *v,
		    const struct vcpu_sample *before)
{
	int i, j;

	for (i = 0; i < v->nr; i++) {
		for (j = 0; j < nr && strcmp(rows[j].name, v->name[i]); j++)
			;
		if (j == nr) {
			if (nr == MAX_COUNTERS)
				continue;
			rows[nr++] = (struct row){ .name = v->name[i] };
		}
		rows[j].total += v->val[i];
		if (before && i < before->nr && !strcmp(before->name[i], v->name[i]) &&
		    v->val[i] >= before->val[i])
			rows[j].delta += v->val[i] - before->val[i];
	}
	return nr;
}

static int by_delta_then_total(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->delta != y->delta)
		return x->delta < y->delta ? 1 : -1;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void process_name(int pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(buf, size, "?");
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/* One table: the vCPUs of @now in the group of vCPU @first (its VM, or itself). */
static void print_group(const struct sample *now, const struct sample *before, int first,
			bool per_vcpu, bool *printed)
{
	const struct vcpu_sample *f = &now->vcpus[first], *v;
	double secs = now->time - before->time;
	struct row rows[MAX_COUNTERS];
	char comm[32];
	int i, nr = 0, nr_vcpus = 0;

	for (i = 0; i < first; i++) {	/* printed with an earlier member of its group */
		v = &now->vcpus[i];
		if (v->pid == f->pid && v->vm == f->vm && !per_vcpu)
			return;
	}
	for (i = first; i < now->nr; i++) {
		v = &now->vcpus[i];
		if (v->pid != f->pid || v->vm != f->vm || (per_vcpu && i != first))
			continue;
		nr = add_rows(rows, nr, v, find_vcpu(before, v));
		nr_vcpus++;
	}
	qsort(rows, (size_t)nr, sizeof(rows[0]), by_delta_then_total);
	process_name(f->pid, comm, sizeof(comm));
	if (per_vcpu)
		printf("%sVM %d-%u (%s) vCPU %d\n", *printed ? "\n" : "", f->pid, f->vm, comm,
		       f->vcpu);
	else
		printf("%sVM %d-%u (%s): %d vCPU%s\n", *printed ? "\n" : "", f->pid, f->vm, comm,
		       nr_vcpus, nr_vcpus == 1 ? "" : "s");
	printf("  %-16s %14s %12s\n", "counter", "total", "per second");
	for (i = 0; i < nr; i++)
		if (rows[i].total)
			printf("  %-16s %14llu %12.1f\n", rows[i].name, rows[i].total,
			       secs > 0 ? (double)rows[i].delta / secs : 0.0);
	*printed = true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "interval", required_argument, NULL, 'i' },
		{ "pid", required_argument, NULL, 'p' },
		{ "vcpus", no_argument, NULL, 'v' },
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct sample samples[2];
	const char *dir = DEFAULT_DIR;
	bool once = false, per_vcpu = false, printed, tty = isatty(STDOUT_FILENO);
	double interval = 1;
	int c, i, pid = 0, cur = 0;
	char *end;

	while ((c = getopt_long(argc, argv, "1i:p:d:h", opts, NULL)) != -1) {
		switch (c) {
		case '1': once = true; break;
		case 'i':
			interval = strtod(optarg, &end);
			if (*end || !(interval >= 0.1 && interval <= 3600)) {
				fprintf(stderr, "armvirt-stat: -i %s: seconds, from 0.1 to 3600\n", optarg);
				return 2;
			}
			break;
		case 'p':
			pid = (int)strtol(optarg, &end, 10);
			if (*end || pid <= 0) {
				fprintf(stderr, "armvirt-stat: -p %s: a process id\n", optarg);
				return 2;
			}
			break;
		case 'v': per_vcpu = true; break;
		case 'd': dir = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (take_sample(dir, pid, &samples[cur])) {
		fprintf(stderr, "armvirt-stat: %s: %s (is armvirt loaded, debugfs mounted on /sys/kernel/debug, and are you root?)\n",
			dir, strerror(errno));
		return 1;
	}
	for (;;) {
		struct timespec ts = { (time_t)interval,
				       (long)((interval - (double)(time_t)interval) * 1e9) };

		nanosleep(&ts, NULL);
		cur ^= 1;
		if (take_sample(dir, pid, &samples[cur])) {
			fprintf(stderr, "armvirt-stat: %s: %s\n", dir, strerror(errno));
			return 1;
		}
		if (!once && tty)
			printf("\033[H\033[2J");
		printed = false;
		for (i = 0; i < samples[cur].nr; i++)
			print_group(&samples[cur], &samples[cur ^ 1], i, per_vcpu, &printed);
		if (!printed) {
			if (pid)
				printf("no VM of process %d\n", pid);
			else
				printf("no VM is running\n");
			if (once)
				return pid ? 1 : 0;
		}
		fflush(stdout);
		if (once)
			return 0;
		if (!tty)
			printf("\n");
	}
}
