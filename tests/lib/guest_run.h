/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Run armvirt-vmm (a Linux guest) as a child process, collect what it
 * prints (stdout and stderr together) with the time each piece arrived,
 * and wait for it with a deadline.
 */
#ifndef ARMVIRT_TESTS_GUEST_RUN_H
#define ARMVIRT_TESTS_GUEST_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define VMM_PATH	"/bin/armvirt-vmm"
#define GUEST_KERNEL	"/guest/zImage"
#define GUEST_INITRD	"/guest/initramfs.cpio.gz"

struct guest_chunk {
	size_t end;		/* output offset where this read ended */
	double time;		/* seconds since the run started */
};

struct guest_run {
	pid_t pid;
	int out_fd;
	int in_fd;		/* the VMM's stdin (guest_start_typing), or -1 */
	bool slow_typing;	/* guest_type() 16 bytes at a time (on a pty) */
	char *out;		/* NUL-terminated */
	size_t len, cap;
	struct guest_chunk *chunks;
	size_t nr_chunks, chunks_cap;
	double start;
	int status;		/* exit status, 128 + signal, or -1 while running */
};

/* Start the VMM argv[0] (VMM_PATH, or another build) with the arguments of argv. */
int guest_start(struct guest_run *g, const char *const argv[]);
/* The same, with the VMM's stdin a pipe that guest_type() writes to. */
int guest_start_typing(struct guest_run *g, const char *const argv[]);
/*
 * The same, on a pseudo-terminal (its stdin, stdout and stderr): for a VMM
 * that reads its console only from a terminal, as kvmtool does. The
 * output has the terminal's line ends (\r\n). guest_type() types slowly
 * there, once the guest has printed nothing for 0.3 s: into kvmtool's
 * serial console, a 170-byte line typed at once lost a run of its
 * characters on the board, and so did a line typed while the shell was
 * still printing its prompt.
 */
int guest_start_on_pty(struct guest_run *g, const char *const argv[]);
/* Type @text on the guest's console; 0, or -1. */
int guest_type(struct guest_run *g, const char *text);
/* Read output until @needle appears (true) or the VMM ends or time runs out. */
bool guest_wait_for(struct guest_run *g, const char *needle, double timeout_s);
/* Read until the VMM exits; its status, or -1 (killed) after @timeout_s. */
int guest_finish(struct guest_run *g, double timeout_s);
/* When the output containing the end of @needle's first match arrived; -1 if never. */
double guest_time_of(const struct guest_run *g, const char *needle);
/* The text after "=== armvirt-guest-cmd\n" up to its end marker, in buf. */
bool guest_cmd_output(const struct guest_run *g, char *buf, size_t size);
/*
 * The rest of the first line of @text that starts with @key, up to its end
 * of line, in buf: false if no line does. @key holds any separator.
 */
bool text_line_after(const char *text, const char *key, char *buf, size_t size);
/* text_line_after() over everything the guest printed. */
bool guest_line_after(const struct guest_run *g, const char *key, char *buf, size_t size);
/* The "rc=N" of the guest command; -1 if none. */
int guest_cmd_rc(const struct guest_run *g);
void guest_free(struct guest_run *g);
/* Print the last @bytes of the output as TAP comments. */
void guest_diag_tail(const struct guest_run *g, size_t bytes);
/* Returns @ok; when false, the last 2000 bytes of the output as TAP comments. */
bool guest_check(const struct guest_run *g, bool ok);
/*
 * Runs the VMM with @argv, which must stop at once: true if it exits with
 * @status, printing @msg, within 60 s; else its output's tail as a comment.
 */
bool guest_run_refused(const char *const argv[], int status, const char *msg);
/*
 * The guest's uptime ticks in @out from offset @from: whole lines "TICK n
 * UPTIME /TICK n" (a save or a migration may cut one in two: its halves
 * count for nothing), up[n] = UPTIME for n below @max; the first and the
 * last n seen in *first and *last, or -1.
 */
void guest_ticks(const char *out, size_t from, double *up, int max, int *first, int *last);
double now_s(void);

#endif
