/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers for test programs running on the board as root. */
#ifndef ARMVIRT_TESTS_BOARD_H
#define ARMVIRT_TESTS_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARMVIRT_KO	"/armvirt.ko"
#define ARMVIRT_DEV	"/dev/armvirt"
#define LOWVISOR_DEBUGFS "/sys/kernel/debug/armvirt/lowvisor"
#define SIMULATE_PM_DEBUGFS "/sys/kernel/debug/armvirt/simulate_cpu_pm_loss"
#define SIMULATE_FLUSH_DEBUGFS "/sys/kernel/debug/armvirt/simulate_flush_without_lowvisor"

/* 0, or the errno of finit_module / delete_module. */
int module_load(const char *path);
int module_load_params(const char *path, const char *params);
int module_unload(const char *name);
bool module_loaded(const char *name);
/*
 * tun for the VMM's taps: @ko loaded, unless the kernel has it built in, 0
 * or errno; and vhost-net's modules where the board has them.
 */
int tun_load(const char *ko);

/* Bytes read (NUL-terminated), or -errno. */
int read_file(const char *path, char *buf, size_t size);
/* The entries of a directory (not . and ..), or -1 */
int count_dir(const char *path);
/* 0, or -errno. */
int write_file(const char *path, const char *text);
/*
 * armvirt.NAME=N on the kernel command line (tests/run.sh sets a few per
 * board, for time), or @fallback when absent or not a number.
 */
long board_param(const char *name, long fallback);
/*
 * The first word (up to 32 characters: an md5sum) that the shell command
 * @cmd prints, in @word; false if it printed none.
 */
bool shell_first_word(const char *cmd, char word[33]);
/* How many times @needle occurs in @hay (overlapping ones too). */
int count_occurrences(const char *hay, const char *needle);

/* The kernel log; count_lines counts lines containing needle. */
int dmesg_read(char *buf, size_t size);
int dmesg_count(const char *needle);
void dmesg_clear(void);

long meminfo_kb(const char *key);
/* Free pages held on the per-CPU lists, which MemFree does not count. */
long pcp_free_kb(void);
/* Memory in use, after dropping caches, not counting per-CPU free pages. */
long memory_in_use_kb(void);
/*
 * False on the debug board's kernel (kmemleak, KASAN): KASAN's quarantine
 * keeps freed memory for a while, so memory_in_use_kb() grows without a
 * leak; kmemleak checks for leaks there instead (tests/board/init).
 */
bool memory_use_is_exact(void);
#define NOT_EXACT_REASON "memory use is not exact under KASAN; kmemleak checks leaks"
unsigned long kernel_taint(void);
int cpu_set_online(int cpu, bool online);
int nr_possible_cpus(void);
bool cpu_is_online(int cpu);
/* A child process that execs /bin/true exits 0: the host can still work. */
bool host_can_fork_exec(void);

#define MAX_CPUS 8

struct lowvisor_info {
	unsigned long text_start, text_end, vectors;
	unsigned long long idmap_pa, httbr;
	unsigned long pt_pages;
};

struct lowvisor_cpu {
	bool present;		/* a line for this CPU was found */
	char state[16];		/* installed, offline, error... */
	unsigned int mode, hsctlr, hvbar, htcr, pc, sp, mpidr, stub_hvbar;
	unsigned int vectors, midr;	/* the table chosen for the CPU, its MIDR */
	char predictor[16];	/* what those vectors do to the branch predictor */
	unsigned long long httbr;
	unsigned long pcpu;
};

/* Parse LOWVISOR_DEBUGFS; 0 or -errno. */
int lowvisor_read(struct lowvisor_info *info, struct lowvisor_cpu cpus[MAX_CPUS]);

#endif
