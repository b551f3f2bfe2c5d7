/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * armvirt-vmm: a small VMM for /dev/armvirt (or any KVM/ARM 32-bit device)
 * that boots an unmodified Linux zImage. The pieces and who calls whom:
 *
 *   main.c      options, the boot/reboot loop, signals, exit status
 *   vm.c        the VM: RAM, vGIC, vCPU fds, image loading, boot registers
 *   guest_ram.c guest physical addresses to pointers, with their checks
 *   vcpu.c      one thread per vCPU: KVM_RUN and its exits
 *   mmio_bus.c  which device answers a guest physical address
 *   io_thread.c one thread for every host fd (console, tap, ioeventfds)
 *   console.c   stdin and stdout: the terminal and the console devices
 *   fdt.c       the guest's device tree (libfdt)
 *   stream.c    the VM state's stream framing: sections, lengths, CRCs
 *   snapshot.c  what the stream holds, --save and --restore
 *   vm_state.c  the vCPUs' registers and the vGIC, to and from the stream
 *   ram_state.c guest RAM pages to and from the stream, the dirty log
 *   disk_state.c disk blocks in the stream (--migrate-disk), their dirty map
 *   migrate.c   live migration: --migrate-to (pre-copy) and --incoming
 *   control.c   the control socket (--control) and its thread;
 *   control_proto.c its requests, json.c its JSON; vm_name.c names, paths
 *   pl011.c     the UART; virtio_mmio.c and virtq.c the virtio transport,
 *   virtio_{blk,net,console,rng}.c its devices
 *
 * Locking: each device has its own mutex, taken by the vCPU thread that
 * accesses its registers and by the I/O thread that serves its queues.
 * Nothing else is shared between threads while the guest runs, except the
 * stop request (vcpu.c's stop_lock), the vCPUs' exit counters (atomics)
 * and what control.c says it shares with its thread (its ctl_lock).
 */
#ifndef ARMVIRT_VMM_H
#define ARMVIRT_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "armvirt_kvm.h"
#include "json.h"
#include "thread.h"

/* The guest's physical memory map (the same as QEMU's virt board's low part). */
#define GUEST_GICD_BASE		0x08000000ULL
#define GUEST_GICC_BASE		0x08010000ULL
#define GUEST_GICC_SIZE		0x2000ULL
#define GUEST_UART_BASE		0x09000000ULL
#define GUEST_UART_SPI		1		/* INTID 33 */
#define GUEST_VIRTIO_BASE	0x0a000000ULL
#define GUEST_VIRTIO_SIZE	0x200ULL
#define GUEST_VIRTIO_SPI	16		/* the first virtio device's SPI */
#define GUEST_RAM_BASE		0x40000000ULL
#define GUEST_RAM_ALIGN		(2u << 20)	/* an LPAE stage-2 block; GUEST_RAM_BASE's alignment */
#define GUEST_NR_IRQS		128		/* 96 SPIs */

#define VMM_MAX_VCPUS		8
#define VMM_MAX_DEVICES		16
#define VMM_MAX_DISKS		4
#define VMM_MAX_NICS		4

enum console_kind { CONSOLE_PL011, CONSOLE_VIRTIO };

struct vmm_config {
	const char *dev_path;		/* /dev/armvirt */
	const char *kernel, *initrd, *dtb;
	const char *cmdline, *append, *guest_cmd;
	uint64_t ram_size;
	int nr_vcpus;
	/* --disk FILE[,ro][,direct][,mq] */
	struct vmm_disk_config {
		const char *path;
		bool ro;
		bool direct;		/* O_DIRECT for the requests aligned for it */
		bool mq;		/* a queue per vCPU */
	} disks[VMM_MAX_DISKS];
	int nr_disks;
	/* --net: each NIC's tap (a name, or NULL: the kernel names it) */
	struct vmm_nic_config {
		const char *tap;
		const char *host_ip;	/* "a.b.c.d/len" for the host side, or NULL */
		const char *mac;	/* NULL: derived from the VM's name */
		const char *bridge;	/* a bridge the tap joins, or NULL */
		/* vhost=: 1 on, 0 off, -1 (not given) on where available */
		int vhost;
	} nics[VMM_MAX_NICS];
	int nr_nics;
	enum console_kind console;
	bool console_pty;		/* the console on a new pty, not stdin/stdout */
	int escape_key;			/* --escape: 1 (Ctrl-A), or -1 for none */
	bool rng;
	/* snapshots and migration (snapshot.c, migrate.c) */
	const char *save_path;		/* written on SIGUSR1 */
	bool save_continue;		/* and the guest carries on */
	const char *restore_path;	/* the guest resumes from it */
	const char *incoming;		/* "tcp:[ADDR:]PORT": wait for a migration */
	const char *migrate_to;		/* "tcp:HOST:PORT": migrate there on SIGUSR2 */
	unsigned int downtime_ms;	/* the pre-copy's downtime target */
	unsigned int migrate_mib_s;	/* a bandwidth cap, MiB/s; 0: none */
	bool migrate_disk;		/* the writable disks go with the migration */
	/* the control socket (control.c) */
	const char *name;		/* --name, or vm-PID */
	const char *control;		/* --control PATH, "auto", or NULL */
};

struct vmm_vcpu {
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
	struct vmm *vmm;
	/* the virtual timer as a stream gave it, until vm_timers_restore() */
	uint64_t timer_ctl, timer_cnt, timer_cval;
	int timer_saved;
	/* KVM_RUN returns, counted by its thread, read by the control thread: atomics */
	unsigned long exits;
};

struct fdt_writer;
struct sbuf;
struct scur;

/* A device on the MMIO bus. Accesses come from vCPU threads. */
struct mmio_dev {
	const char *name;
	uint64_t base, size;
	void (*read)(struct mmio_dev *dev, uint64_t off, uint8_t *data, uint32_t len);
	void (*write)(struct mmio_dev *dev, uint64_t off, const uint8_t *data, uint32_t len);
	/* The VM was (re)created: register irqfds and ioeventfds with it. */
	int (*attach)(struct mmio_dev *dev, struct vmm *vmm);
	/* The guest is rebooting: back to the power-on state. */
	void (*reset)(struct mmio_dev *dev);
	/* Describe the device in its node of the guest's device tree. */
	void (*fdt_node)(struct mmio_dev *dev, struct fdt_writer *w);
	void (*destroy)(struct mmio_dev *dev);
	/* Its state into a stream section, from a stopped VM: 0 or -1. */
	int (*save)(struct mmio_dev *dev, struct sbuf *b);
	/* The same state back (hostile bytes: checked): 0, or -1 with a message. */
	int (*load)(struct mmio_dev *dev, struct scur *c);
	/*
	 * Serve whatever the driver made available, from a stopped VM: before
	 * its state is saved (no request left in flight), and after a restore
	 * or a resume (no notification lost while the I/O thread was stopped).
	 */
	void (*drain)(struct mmio_dev *dev);
	void *priv;
};

/* 64 KiB: a guest's scattered writes resend little; the map stays small */
#define DISK_BLOCK_SHIFT	16
#define DISK_BLOCK		(1u << DISK_BLOCK_SHIFT)

/*
 * A --disk image as its virtio-blk device opened it, for the migration
 * (disk_state.c). The device marks in @dirty every block it wrote (after
 * the write: a block taken and read before the bit is set is marked
 * again); the migration takes the marks into @pending, the blocks it
 * sends next (main thread only). No map for a read-only disk.
 */
struct vmm_disk {
	const char *path;
	int fd;
	uint64_t size;
	bool ro;
	unsigned long *dirty;		/* atomics: the I/O thread sets, the migration takes */
	unsigned long *pending;
	uint64_t nr_blocks;
};

struct vmm {
	struct vmm_config cfg;
	int sys_fd, vm_fd, vgic_fd;
	uint32_t target;		/* KVM_ARM_TARGET_*: the vCPUs' CPU model */
	int run_size;
	uint8_t *ram;
	uint64_t ram_size;
	struct vmm_vcpu vcpu[VMM_MAX_VCPUS];
	int nr_vcpus;
	struct mmio_dev *devs[VMM_MAX_DEVICES];
	int nr_devs;
	struct vmm_disk disks[VMM_MAX_DISKS];	/* in --disk order */
	int nr_disks;
	int next_virtio_slot;
	struct console *console;	/* the device wired to stdin */
	pthread_t main_thread;
	/*
	 * Pages the VMM itself wrote (virtio buffers and rings), which the
	 * kernel's dirty log cannot see: one bit per page, set atomically by
	 * the I/O thread, taken by the migration (ram_state.c).
	 */
	unsigned long *vmm_dirty;
	/*
	 * The migration's dirty log is on (ram_state.c, atomic): devices
	 * write guest RAM only where vmm_dirty sees it (no vhost-net).
	 */
	bool dirty_logging;
	/*
	 * A control command paused the guest (vCPU and I/O threads stopped):
	 * written by the main thread under control.c's lock, which the
	 * control thread takes to read it.
	 */
	bool paused;
};

/* ---- stop requests (vcpu.c) ---- */
enum vmm_stop {
	STOP_NONE, STOP_POWEROFF, STOP_RESET, STOP_SIGNAL, STOP_ERROR,
	STOP_SAVED, STOP_MIGRATED,
	STOP_QUIT,	/* the console's escape key, then x */
};
/* The signal a stop request sends the main thread (it waits for it). */
int vmm_stop_signal(void);
/* Ask the main thread to stop the guest; the first request wins. */
void vmm_request_stop(struct vmm *vmm, enum vmm_stop why);
enum vmm_stop vmm_stop_reason(void);
void vmm_clear_stop(void);
int vcpus_start(struct vmm *vmm);
void vcpus_stop(struct vmm *vmm);
/* With the threads stopped: let each vCPU finish an MMIO access it exited for. */
int vcpus_complete_mmio(struct vmm *vmm);
/*
 * Auto-converge: each vCPU thread sleeps @percent of every 20 ms (kicked
 * out of the guest by a ticker thread); 0 stops it.
 */
void vcpus_throttle(struct vmm *vmm, unsigned int percent);
/* The running guest stopped for its state to be taken (vCPUs, I/O, devices drained). */
int vm_pause(struct vmm *vmm);
/* And back: I/O, queues served, vCPUs. */
int vm_resume(struct vmm *vmm);

/* ---- the in-kernel state (vm_state.c) ---- */
int vcpu_state_save(struct vmm_vcpu *v, struct sbuf *b);
int vcpu_state_load(struct vmm_vcpu *v, struct scur *c);
/* The virtual counter, then every vCPU's timer: last, before the guest resumes. */
int vm_timers_restore(struct vmm *vmm);
int vgic_state_save(struct vmm *vmm, struct sbuf *b);
int vgic_state_load(struct vmm *vmm, struct scur *c);

/* ---- the VM (vm.c) ---- */
int vm_open(struct vmm *vmm);		/* /dev/armvirt and RAM; once */
int vm_create(struct vmm *vmm);		/* VM, vGIC, vCPUs, devices attached */
int vm_load_and_boot(struct vmm *vmm);	/* images, DTB, boot registers */
void vm_destroy(struct vmm *vmm);	/* everything vm_create made */
void vm_close(struct vmm *vmm);
/* Host pointer to guest RAM [gpa, gpa + len), or NULL if not all RAM. */
void *gpa_to_hva(struct vmm *vmm, uint64_t gpa, uint64_t len);
/* The VMM wrote guest RAM at [hva, hva + len): mark it for the migration. */
void guest_ram_dirty(struct vmm *vmm, const void *hva, size_t len);
/* Set a level-triggered SPI line (0-based SPI number). */
int vm_irq_line(struct vmm *vmm, unsigned int spi, int level);
int vm_irqfd(struct vmm *vmm, int fd, unsigned int spi);
int vm_ioeventfd(struct vmm *vmm, int fd, uint64_t addr, uint32_t len, uint64_t datamatch);

/* ---- guest RAM in a stream, the dirty log (ram_state.c) ---- */
struct stream;
size_t ram_bitmap_longs(const struct vmm *vmm);
/* The pages set in @bitmap, or (NULL) every page not zero; their count in *sent. */
int ram_pages_write(struct vmm *vmm, struct stream *s, const unsigned long *bitmap,
		    uint64_t *sent);
int ram_pages_load(struct vmm *vmm, struct scur *c);
int dirty_log_start(struct vmm *vmm);
void dirty_log_stop(struct vmm *vmm);
/*
 * Add the pages dirtied since the last call (guest and VMM writes) to
 * @pending, fetching the kernel's log into @scratch: how many @pending
 * holds, or -1.
 */
long dirty_log_harvest(struct vmm *vmm, unsigned long *pending, unsigned long *scratch);

/* ---- disk blocks in a stream (disk_state.c) ---- */
/* Mark [off, off + len) of @d written (the I/O thread, after the write). */
void disk_dirty_mark(struct vmm_disk *d, uint64_t off, uint64_t len);
/* A migration starts: every block of every writable disk to send, the marks reset. */
void disk_migrate_start(struct vmm *vmm);
/* Take the marks into the blocks to send: the bytes those now hold. */
uint64_t disk_dirty_harvest(struct vmm *vmm);
/* Send the blocks to send (zero ones as a flag) and forget them; their count in *sent. */
int disk_blocks_write(struct vmm *vmm, struct stream *s, uint64_t *sent);
/* A STREAM_DISK section (hostile bytes) into disk @index: 0, or -1 with a message. */
int disk_blocks_load(struct vmm *vmm, uint32_t index, struct scur *c);
/* What was received on the target's disks, fdatasync'ed: 0, or -1 with a message. */
int disk_sync(struct vmm *vmm);

/* ---- the VM state as a whole (snapshot.c) ---- */
/*
 * @disks: the writable disks' blocks are in the stream (a migration with
 * --migrate-disk), which the reader must expect alike.
 */
int snapshot_write_header(struct vmm *vmm, struct stream *s, bool disks);
/* vCPUs, vGIC, devices, from a paused VM (stream_write_end() ends the stream). */
int snapshot_write_state(struct vmm *vmm, struct stream *s);
/* A whole stream into the VM vm_create() made: 0, or -1 with a message. */
int snapshot_read(struct vmm *vmm, struct stream *s, bool disks);
/* --save: pause, write the file; resume if @keep_running. 0 or -1. */
int snapshot_save(struct vmm *vmm, const char *path, bool keep_running);
/* --restore: the VM (made, not started) from the file. */
int snapshot_restore(struct vmm *vmm, const char *path);

/* ---- live migration (migrate.c) ---- */
/*
 * Migrate the running guest to "tcp:HOST:PORT" (--migrate-to, SIGUSR2, or
 * a control command): 0 when the target acknowledged (the guest is
 * stopped here for good), -1 when it failed and the guest runs on here.
 */
int migrate_out(struct vmm *vmm, const char *where);
/* --incoming: wait for a migration into the VM vm_create() made. */
int migrate_in(struct vmm *vmm, const char *where);

/* ---- the control socket (control.c, control_proto.c) ---- */
/* Listen on cfg.control (a path, or "auto": the run directory's NAME.sock). */
int control_open(struct vmm *vmm);
/* At exit: fail a request still waiting, stop the thread, remove the socket. */
void control_close(void);
/* The signal the control thread sends the main thread (it waits for it). */
int control_signal(void);
/* On the main thread, after control_signal(): run the posted command, a stop reason. */
enum vmm_stop control_serve(struct vmm *vmm, int *sig);
/* The guest paused by a command or not; main thread only. */
void control_set_paused(struct vmm *vmm, bool paused);
/* --console ...,pty: the pty's path, which the console command gives to clients. */
void control_set_console_pty(const char *path);

enum ctl_op { CTL_STATUS, CTL_PAUSE, CTL_RESUME, CTL_STOP, CTL_SAVE, CTL_MIGRATE, CTL_CONSOLE };
#define CTL_ARG_MAX	256

struct ctl_request {
	enum ctl_op op;
	char arg[CTL_ARG_MAX];	/* save's file, migrate's uri */
};

/* One request line (hostile bytes): 0, or -1 with the error reply in @err. */
int ctl_parse(const char *line, size_t len, struct ctl_request *req, struct json_out *err);
/* {"error":{"class":CLASS,"desc":...}} into @o, replacing what it held. */
void ctl_error(struct json_out *o, const char *class, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The console monitor's command, for the main thread (its reply goes to the console); -1 if busy. */
int control_post_console(struct vmm *vmm, const struct ctl_request *req);

/* ---- the MMIO bus (mmio_bus.c) ---- */
int mmio_bus_add(struct vmm *vmm, struct mmio_dev *dev);
/* Serve one KVM_EXIT_MMIO; unclaimed reads return 0, as on KVM. */
void mmio_bus_access(struct vmm *vmm, struct kvm_run *run);
void mmio_bus_destroy(struct vmm *vmm);

/* ---- the device tree (fdt.c) ---- */
/* A tree being written; the first libfdt error (err) stops the rest. */
struct fdt_writer {
	void *fdt;
	int err;
};
/* The guest kernel's command line at most, its NUL included (ARM's COMMAND_LINE_SIZE). */
#define GUEST_CMDLINE_MAX	1024
/*
 * The guest's command line (--cmdline, --append, --cmd as armvirt.cmd)
 * into @buf: its length, which may be @size or more (then truncated).
 */
int guest_bootargs(const struct vmm_config *c, char *buf, size_t size);
/* Build (or, with cfg.dtb, complete) the device tree into buf. */
int fdt_build(struct vmm *vmm, void *buf, size_t size, uint64_t initrd_start,
	      uint64_t initrd_end);
/* For the devices' fdt_node callbacks: their reg and interrupts properties. */
void fdt_reg(struct fdt_writer *w, uint64_t base, uint64_t size);
void fdt_spi(struct fdt_writer *w, unsigned int spi, bool edge);

/* ---- the I/O thread (io_thread.c) ---- */
typedef void (*io_handler)(int fd, void *opaque);
int io_thread_start(struct vmm *vmm);
void io_thread_stop(void);
void io_close(void);			/* at exit: the thread and its fds */
/*
 * Call fn(fd, opaque) from the I/O thread whenever fd is readable. An fd
 * that reports an error, or a hang-up with nothing left to read, is
 * no longer watched once fn had its look: @what names it in the log line.
 */
int io_watch(int fd, const char *what, io_handler fn, void *opaque);
/* Stop or resume watching fd (flow control); any thread, device locks held or not. */
void io_watch_pause(int fd, bool paused);

/* ---- the console: stdin and stdout (console.c) ---- */
struct console {
	/* Room for input; 0 stops stdin until console_input_ready(). */
	size_t (*room)(struct console *con);
	void (*input)(struct console *con, const uint8_t *buf, size_t len);
};
int console_setup(struct vmm *vmm);	/* terminal mode, stdin watch */

/* console_escape.c: the escape key in the console's input */
struct console_escape {
	int key;	/* 1 for Ctrl-A; -1: no escape key */
	bool armed;	/* the key was the last byte seen */
};
enum escape_cmd { ESCAPE_NONE, ESCAPE_QUIT, ESCAPE_MONITOR, ESCAPE_HELP };
bool console_escape_parse(const char *arg, int *key);
/*
 * Drops the escapes from @buf in place and returns how many bytes are left
 * to pass on; stops after the first command (@cmd), having looked at
 * @used bytes of @buf: the caller handles the command, then the rest.
 */
size_t console_escape_filter(struct console_escape *e, uint8_t *buf, size_t len,
			     enum escape_cmd *cmd, size_t *used);
void console_escape_help(int key);

/* console_monitor.c: the monitor behind Ctrl-A c (the console reader's thread) */
enum monitor_line { MON_EMPTY, MON_HELP, MON_QUIT, MON_COMMAND, MON_BAD };
bool monitor_is_open(void);
void monitor_toggle(void);		/* Ctrl-A c */
/* Keys typed while the monitor is open: echoed, a command run at Enter. */
void monitor_keys(struct vmm *vmm, const uint8_t *buf, size_t len);
/* One typed line (hostile; changed in place): MON_COMMAND fills @req, MON_BAD says @why. */
enum monitor_line monitor_parse(char *line, struct ctl_request *req, const char **why);
/* A command's answer, then the prompt again while the monitor is open. */
void monitor_reply(const char *text);
/* The console's fd while it takes input, else -1; and, while the guest is paused, read it (main thread). */
int console_input_fd(void);
void console_read_paused(void);
void console_restore(void);		/* the terminal as it was */
void console_input_ready(void);		/* the console device has room again */
void console_output(const uint8_t *buf, size_t len);

/* ---- devices ---- */
struct mmio_dev *pl011_create(struct vmm *vmm, struct console **con);
struct mmio_dev *virtio_blk_create(struct vmm *vmm, const struct vmm_disk_config *dc);
/*
 * tap.c: tap @name (NULL: a new one the kernel names), configured with
 * @host_ip if given, up, in @bridge if given: its fd, or -1 with a message.
 */
int tap_open(const char *name, const char *host_ip, const char *bridge);
/* The virtio-net header before each frame of a tap: virtio 1.1's, with num_buffers. */
#define TAP_VNET_HDR_LEN	12
/*
 * What the tap may hand the guest: frames with a checksum left to
 * complete (@csum), TCP segments of up to 64 KiB (@tso4, @tso6; with
 * @csum only): 0, or -1 (errno).
 */
int tap_set_offload(int fd, bool csum, bool tso4, bool tso6);
/* NIC @index of the configuration (--net) */
struct mmio_dev *virtio_net_create(struct vmm *vmm, int index);
/*
 * The same on an open fd that carries one frame per read and write, each
 * after a TAP_VNET_HDR_LEN-byte virtio-net header, with the MAC address
 * @mac, or NULL: one derived from the VM's name and @index; @vhost_fd
 * (vhost_net_open(), or -1) serves its queues if it can. Both fds are the
 * device's, even when it fails.
 */
struct mmio_dev *virtio_net_create_fd(struct vmm *vmm, int fd, int vhost_fd, const char *mac,
				     int index);
struct mmio_dev *virtio_console_create(struct vmm *vmm, struct console **con);
struct mmio_dev *virtio_rng_create(struct vmm *vmm);

/* Messages: "armvirt-vmm: ..." on stderr; vmm_info not with --quiet. */
void vmm_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vmm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Whether a message the guest causes (a device it broke, an address with
 * nothing there) may go out: at most 10 in 10 s, then one line saying that
 * the next are left out, and later how many were, so that a guest cannot
 * fill the host's logs. Any thread.
 */
bool vmm_guest_msg_ok(void);
/* The calling thread's first vmm_err() message since vmm_error_clear(). */
void vmm_error_clear(void);
const char *vmm_first_error(void);
extern bool vmm_quiet;

#endif
