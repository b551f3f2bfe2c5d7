// SPDX-License-Identifier: GPL-2.0-only
/*
 * armvirt-vmm: boot a Linux guest on /dev/armvirt.
 *
 * Exit status: 0 when the guest powers off, was saved (--save) or migrated
 * (--migrate-to); 128 + the signal when SIGINT,
 * SIGTERM or SIGHUP stopped it; 1 when the guest crashed or the VMM failed
 * (with a message saying why); 2 for bad options.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"
#include "vm_name.h"
#include "vmm.h"

#define DEFAULT_CMDLINE	"console=ttyAMA0 rdinit=/init"
#define DEFAULT_CMDLINE_VIRTIO "console=hvc0 rdinit=/init"

bool vmm_quiet;
/* each thread's first error since vmm_error_clear(): the control socket's replies */
static _Thread_local char first_error[512];

static void vmm_vmsg(const char *fmt, va_list ap, bool error)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "armvirt-vmm: %s\n", line);
	if (error && !first_error[0])
		memcpy(first_error, line, sizeof(line));
}

void vmm_error_clear(void)
{
	first_error[0] = 0;
}

const char *vmm_first_error(void)
{
	return first_error[0] ? first_error : "failed (see the VMM's messages)";
}

void vmm_info(const char *fmt, ...)
{
	va_list ap;

	if (vmm_quiet)
		return;
	va_start(ap, fmt);
	vmm_vmsg(fmt, ap, false);
	va_end(ap);
}

void vmm_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_vmsg(fmt, ap, true);
	va_end(ap);
}

#define GUEST_MSG_BURST		10
#define GUEST_MSG_PERIOD_S	10

bool vmm_guest_msg_ok(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static time_t window;
	static unsigned long allowed, left_out;
	struct timespec now;
	bool ok;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&lock);
	if (now.tv_sec - window >= GUEST_MSG_PERIOD_S) {
		if (left_out)
			fprintf(stderr, "armvirt-vmm: %lu more messages about the guest were left out\n",
				left_out);
		window = now.tv_sec;
		allowed = left_out = 0;
	}
	ok = allowed < GUEST_MSG_BURST;
	if (ok)
		allowed++;
	else if (!left_out++)
		fprintf(stderr, "armvirt-vmm: the guest causes too many messages: the next are left out for up to %d s\n",
			GUEST_MSG_PERIOD_S);
	pthread_mutex_unlock(&lock);
	return ok;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: armvirt-vmm --kernel zImage [options]\n"
"Boot a Linux guest (ARM boot protocol, device tree) on armvirt's KVM ABI.\n"
"\n"
"  -k, --kernel FILE    the guest kernel, a zImage (required)\n"
"  -i, --initrd FILE    an initramfs or initrd for the guest\n"
"  -p, --params TEXT    the kernel command line, instead of the default\n"
"                       \"" DEFAULT_CMDLINE "\" (\"" DEFAULT_CMDLINE_VIRTIO "\" with\n"
"                       --console virtio)\n"
"  -a, --append TEXT    more kernel parameters, after the command line\n"
"  -m, --mem MIB        guest RAM in MiB (default 256; at least 160)\n"
"  -c, --cpus N         vCPUs (default 1, at most %d)\n"
"  -d, --disk FILE[,ro][,direct][,mq]\n"
"                       a raw disk image as a virtio block device (vda, vdb...;\n"
"                       up to %d); ,ro makes it read-only; ,direct bypasses the\n"
"                       host's page cache (O_DIRECT) for the requests aligned\n"
"                       to 4 KiB; ,mq gives it a queue per vCPU\n"
"  -n, --net [tap=NAME][,bridge=BR][,host=A.B.C.D/LEN][,mac=XX:..][,vhost=on|off]\n"
"                       a virtio network device on host tap NAME (made if\n"
"                       missing, named by the kernel if not given, brought\n"
"                       up), added to bridge BR if given; host= sets the host\n"
"                       side's address; mac= the guest's (default: from the\n"
"                       VM's name and the NIC's number); vhost= whether the\n"
"                       host kernel's vhost-net serves its queues (default:\n"
"                       where /dev/vhost-net is there); up to %d NICs\n",
		VMM_MAX_VCPUS, VMM_MAX_DISKS, VMM_MAX_NICS);
	fprintf(f,	/* in two: C11 compilers need only take 4095-byte strings */
"      --console pl011|virtio[,pty]\n"
"                       which device gets stdin: the PL011 UART (ttyAMA0,\n"
"                       default) or virtio-console (hvc0); both print to stdout;\n"
"                       ,pty (or pty alone): on a new pseudo-terminal instead,\n"
"                       whose name it prints, to attach to and leave at will\n"
"      --escape ^X|none the console's escape key (default ^A): ^A x quits,\n"
"                       ^A c opens the monitor (status, pause, resume, save,\n"
"                       migrate, stop, quit) and closes it, ^A h lists the\n"
"                       keys, ^A ^A sends ^A; all else, ^C included, goes to\n"
"                       the guest\n"
"      --no-rng         no virtio entropy device\n"
"      --dtb FILE       boot with this device tree instead of a generated one\n"
"                       (its /chosen gets the command line and initrd)\n"
"      --cmd TEXT       non-interactive: the guest's /init (the armvirt guest\n"
"                       initramfs) runs TEXT (no double quotes) and powers off\n"
"      --dev PATH       the hypervisor device (default /dev/armvirt)\n"
"\n"
"Snapshots and live migration (the VM state stream: README.md):\n"
"      --save FILE[,continue]\n"
"                       on SIGUSR1: stop the guest, write its whole state to\n"
"                       FILE, and exit 0 (,continue: the guest carries on)\n"
"      --restore FILE   resume the guest saved in FILE instead of booting;\n"
"                       --kernel, --initrd, --disk, --mem, --cpus must match\n"
"      --incoming tcp:[ADDR:]PORT\n"
"                       wait for a live migration instead of booting (not\n"
"                       authenticated: bind an address only the source reaches)\n"
"      --migrate-to tcp:HOST:PORT\n"
"                       on SIGUSR2: migrate the running guest there (pre-copy),\n"
"                       exit 0 once the target has it; if it fails, carry on\n"
"      --downtime MS    the migration's downtime target (default 300)\n"
"      --migrate-speed MIB  cap the migration at MIB MiB/s (default: none)\n"
"      --migrate-disk   stream the writable --disk images too (no shared\n"
"                       storage); the target's (any path, the same sizes)\n"
"                       are overwritten. Both sides need it\n"
"\n"
"Control (armvirt-ctl; the protocol: README.md):\n"
"      --name NAME      the VM's name ([A-Za-z0-9._-], up to %d; default vm-PID)\n"
"      --control PATH|auto\n"
"                       answer status, pause, resume, stop, save, migrate,\n"
"                       console on a UNIX socket at PATH (mode 0600, removed\n"
"                       at exit); auto:\n"
"                       NAME.sock in $ARMVIRT_RUN_DIR, /run/armvirt (root),\n"
"                       $XDG_RUNTIME_DIR/armvirt or /tmp/armvirt-UID\n"
"  -q, --quiet          no progress lines, only errors\n"
"  -h, --help           this text\n"
"\n"
"The guest sees: RAM at 0x40000000, a GICv2, the architected timers, PSCI\n"
"(hvc), a PL011 at 0x09000000, virtio-mmio devices from 0x0a000000.\n"
"SIGINT or SIGTERM stops the guest (on a terminal, Ctrl-C goes to the guest:\n"
"Ctrl-A x quits); a guest poweroff ends with 0,\n"
"a guest reboot boots it again.\n", VM_NAME_MAX);
}

static int parse_net(struct vmm_nic_config *nic, char *arg)
{
	char *tok, *save = NULL;

	nic->vhost = -1;
	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "tap=", 4) && tok[4])
			nic->tap = tok + 4;
		else if (!strncmp(tok, "bridge=", 7) && tok[7])
			nic->bridge = tok + 7;
		else if (!strncmp(tok, "host=", 5))
			nic->host_ip = tok + 5;
		else if (!strncmp(tok, "mac=", 4))
			nic->mac = tok + 4;
		else if (!strcmp(tok, "vhost=on") || !strcmp(tok, "vhost=off"))
			nic->vhost = !strcmp(tok, "vhost=on");
		else
			return -1;
	}
	return nic->tap || nic->bridge ? 0 : -1;
}

/* --console pl011|virtio|pty|pl011,pty|virtio,pty */
static int parse_console(struct vmm_config *cfg, char *arg)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "pl011"))
			cfg->console = CONSOLE_PL011;
		else if (!strcmp(tok, "virtio"))
			cfg->console = CONSOLE_VIRTIO;
		else if (!strcmp(tok, "pty"))
			cfg->console_pty = true;
		else
			return -1;
	}
	return 0;
}

static int parse_args(struct vmm_config *cfg, int argc, char **argv)
{
	enum {
		OPT_CONSOLE = 256, OPT_NO_RNG, OPT_DTB, OPT_CMD, OPT_DEV, OPT_SAVE, OPT_RESTORE,
		OPT_INCOMING, OPT_MIGRATE_TO, OPT_DOWNTIME, OPT_MIGRATE_SPEED, OPT_NAME, OPT_CONTROL,
		OPT_MIGRATE_DISK,
		OPT_ESCAPE,
	};
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "params", required_argument, NULL, 'p' },
		{ "append", required_argument, NULL, 'a' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "disk", required_argument, NULL, 'd' },
		{ "net", required_argument, NULL, 'n' },
		{ "console", required_argument, NULL, OPT_CONSOLE },
		{ "escape", required_argument, NULL, OPT_ESCAPE },
		{ "no-rng", no_argument, NULL, OPT_NO_RNG },
		{ "dtb", required_argument, NULL, OPT_DTB },
		{ "cmd", required_argument, NULL, OPT_CMD },
		{ "dev", required_argument, NULL, OPT_DEV },
		{ "save", required_argument, NULL, OPT_SAVE },
		{ "restore", required_argument, NULL, OPT_RESTORE },
		{ "incoming", required_argument, NULL, OPT_INCOMING },
		{ "migrate-to", required_argument, NULL, OPT_MIGRATE_TO },
		{ "downtime", required_argument, NULL, OPT_DOWNTIME },
		{ "migrate-speed", required_argument, NULL, OPT_MIGRATE_SPEED },
		{ "migrate-disk", no_argument, NULL, OPT_MIGRATE_DISK },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "control", required_argument, NULL, OPT_CONTROL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end, *comma, bootargs[GUEST_CMDLINE_MAX];
	struct vmm_disk_config *dc;
	long n;
	int c, len;

	*cfg = (struct vmm_config) {
		.dev_path = "/dev/armvirt", .ram_size = 256ULL << 20, .nr_vcpus = 1,
		.console = CONSOLE_PL011, .escape_key = 1, .rng = true, .downtime_ms = 300,
	};
	while ((c = getopt_long(argc, argv, "k:i:p:a:m:c:d:n:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': cfg->kernel = optarg; break;
		case 'i': cfg->initrd = optarg; break;
		case 'p': cfg->cmdline = optarg; break;
		case 'a': cfg->append = optarg; break;
		case 'm':
			n = strtol(optarg, &end, 0);
			if (*end || n < 160 || n > 3072) {
				vmm_err("--mem %s: give MiB, from 160 to 3072", optarg);
				return -1;
			}
			cfg->ram_size = (uint64_t)n << 20;
			break;
		case 'c':
			n = strtol(optarg, &end, 0);
			if (*end || n < 1 || n > VMM_MAX_VCPUS) {
				vmm_err("--cpus %s: from 1 to %d", optarg, VMM_MAX_VCPUS);
				return -1;
			}
			cfg->nr_vcpus = (int)n;
			break;
		case 'd':
			if (cfg->nr_disks == VMM_MAX_DISKS) {
				vmm_err("at most %d disks", VMM_MAX_DISKS);
				return -1;
			}
			/* the options after the file's name, in any order */
			dc = &cfg->disks[cfg->nr_disks++];
			while ((comma = strrchr(optarg, ','))) {
				if (!strcmp(comma, ",ro"))
					dc->ro = true;
				else if (!strcmp(comma, ",direct"))
					dc->direct = true;
				else if (!strcmp(comma, ",mq"))
					dc->mq = true;
				else
					break;
				*comma = 0;
			}
			dc->path = optarg;
			break;
		case 'n':
			if (cfg->nr_nics == VMM_MAX_NICS) {
				vmm_err("at most %d NICs", VMM_MAX_NICS);
				return -1;
			}
			if (parse_net(&cfg->nics[cfg->nr_nics], optarg)) {
				vmm_err("--net: [tap=NAME][,bridge=BR][,host=A.B.C.D/LEN][,mac=XX:XX:XX:XX:XX:XX][,vhost=on|off], tap or bridge at least");
				return -1;
			}
			cfg->nr_nics++;
			break;
		case OPT_CONSOLE:
			if (parse_console(cfg, optarg)) {
				vmm_err("--console: pl011, virtio or pty, or DEVICE,pty");
				return -1;
			}
			break;
		case OPT_ESCAPE:
			if (!console_escape_parse(optarg, &cfg->escape_key)) {
				vmm_err("--escape %s: ^A to ^Z, or none", optarg);
				return -1;
			}
			break;
		case OPT_NO_RNG: cfg->rng = false; break;
		case OPT_DTB: cfg->dtb = optarg; break;
		case OPT_CMD:
			if (strchr(optarg, '"')) {
				vmm_err("--cmd: the command cannot contain double quotes");
				return -1;
			}
			cfg->guest_cmd = optarg;
			break;
		case OPT_DEV: cfg->dev_path = optarg; break;
		case OPT_SAVE:
			comma = strrchr(optarg, ',');
			if (comma && !strcmp(comma, ",continue")) {
				*comma = 0;
				cfg->save_continue = true;
			}
			cfg->save_path = optarg;
			break;
		case OPT_RESTORE: cfg->restore_path = optarg; break;
		case OPT_INCOMING: cfg->incoming = optarg; break;
		case OPT_MIGRATE_TO: cfg->migrate_to = optarg; break;
		case OPT_MIGRATE_DISK: cfg->migrate_disk = true; break;
		case OPT_DOWNTIME:
		case OPT_MIGRATE_SPEED:
			n = strtol(optarg, &end, 0);
			if (*end || n < (c == OPT_DOWNTIME ? 0 : 1) || n > 100000) {
				vmm_err("--%s %s: a number from %d to 100000", c == OPT_DOWNTIME ?
					"downtime" : "migrate-speed", optarg, c == OPT_DOWNTIME ? 0 : 1);
				return -1;
			}
			if (c == OPT_DOWNTIME)
				cfg->downtime_ms = (unsigned int)n;
			else
				cfg->migrate_mib_s = (unsigned int)n;
			break;
		case OPT_NAME:
			if (!vm_name_valid(optarg)) {
				vmm_err("--name %s: 1 to %d of A-Z a-z 0-9 . _ -", optarg, VM_NAME_MAX);
				return -1;
			}
			cfg->name = optarg;
			break;
		case OPT_CONTROL:
			if (!*optarg) {
				vmm_err("--control: give a socket path or auto");
				return -1;
			}
			cfg->control = optarg;
			break;
		case 'q': vmm_quiet = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		vmm_err("unexpected argument %s (see --help)", argv[optind]);
		return -1;
	}
	if (!cfg->kernel) {
		vmm_err("no --kernel given (see --help)");
		return -1;
	}
	if (cfg->restore_path && cfg->incoming) {
		vmm_err("--restore and --incoming: one or the other");
		return -1;
	}
	if (cfg->migrate_disk && !cfg->incoming && !cfg->migrate_to) {
		vmm_err("--migrate-disk: for a migration (--incoming or --migrate-to)");
		return -1;
	}
	if (!cfg->name) {
		static char name[VM_NAME_MAX + 1];

		snprintf(name, sizeof(name), "vm-%d", (int)getpid());
		cfg->name = name;
	}
	if (!cfg->cmdline)
		cfg->cmdline = cfg->console == CONSOLE_VIRTIO ? DEFAULT_CMDLINE_VIRTIO : DEFAULT_CMDLINE;
	/* the kernel would cut it, and a cut --cmd loses its closing quote */
	len = guest_bootargs(cfg, bootargs, sizeof(bootargs));
	if (len >= GUEST_CMDLINE_MAX) {
		vmm_err("the guest's command line (--cmdline, --append, --cmd) is %d bytes; at most %d",
			len, GUEST_CMDLINE_MAX - 1);
		return -1;
	}
	return 0;
}

static int create_devices(struct vmm *vmm)
{
	struct console *uart_con, *virtio_con = NULL;
	int i;

	if (!pl011_create(vmm, &uart_con))
		return -1;
	for (i = 0; i < vmm->cfg.nr_disks; i++)
		if (!virtio_blk_create(vmm, &vmm->cfg.disks[i]))
			return -1;
	for (i = 0; i < vmm->cfg.nr_nics; i++)
		if (!virtio_net_create(vmm, i))
			return -1;
	if (!virtio_console_create(vmm, &virtio_con))
		return -1;
	if (vmm->cfg.rng && !virtio_rng_create(vmm))
		return -1;
	vmm->console = vmm->cfg.console == CONSOLE_VIRTIO ? virtio_con : uart_con;
	return 0;
}

/* The guest's first state: booted, or from a snapshot or a migration (once). */
static int load_guest(struct vmm *vmm, bool first)
{
	if (first && vmm->cfg.restore_path)
		return snapshot_restore(vmm, vmm->cfg.restore_path);
	if (first && vmm->cfg.incoming)
		return migrate_in(vmm, vmm->cfg.incoming);
	return vm_load_and_boot(vmm);
}

/* SIGUSR1 and SIGUSR2: save or migrate if armed; a stop reason when the guest is gone. */
static enum vmm_stop user_request(struct vmm *vmm, int sig)
{
	const struct vmm_config *cfg = &vmm->cfg;

	if (sig == SIGUSR1 && cfg->save_path) {
		if (snapshot_save(vmm, cfg->save_path, cfg->save_continue) == 0 &&
		    !cfg->save_continue)
			return STOP_SAVED;
	} else if (sig == SIGUSR2 && cfg->migrate_to) {
		if (migrate_out(vmm, cfg->migrate_to) == 0)
			return STOP_MIGRATED;
	} else {
		vmm_info("%s ignored: no %s given", strsignal(sig),
			 sig == SIGUSR1 ? "--save" : "--migrate-to");
	}
	return STOP_NONE;
}

/*
 * The next signal of @waited (0 on an error). While the guest is paused its
 * I/O thread is stopped, so this thread reads the console meanwhile: the
 * escape key and the monitor (which may resume the guest) keep working.
 */
static int next_signal(struct vmm *vmm, const sigset_t *waited, int sig_fd)
{
	struct signalfd_siginfo si;
	struct pollfd p[2];
	int sig;

	for (;;) {
		p[1].fd = vmm->paused ? console_input_fd() : -1;
		if (p[1].fd < 0 || sig_fd < 0)
			return sigwait(waited, &sig) ? 0 : sig;
		p[0] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
		p[1].events = POLLIN;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 0;
		if (p[0].revents & POLLIN)
			return read(sig_fd, &si, sizeof(si)) == sizeof(si) ? (int)si.ssi_signo : 0;
		if (p[1].revents)
			console_read_paused();
	}
}

/* Boot (or restore) the guest and wait until something stops it. */
static enum vmm_stop run_guest(struct vmm *vmm, const sigset_t *waited, int sig_fd, int *sig,
				bool first)
{
	enum vmm_stop why = STOP_NONE;
	int i;

	control_set_paused(vmm, false);
	if (vm_create(vmm) || load_guest(vmm, first)) {
		vm_destroy(vmm);
		return STOP_ERROR;
	}
	/* I/O, then the queues served once (a restored guest may have requests waiting), vCPUs */
	if (vm_resume(vmm)) {
		vcpus_stop(vmm);
		io_thread_stop();
		return STOP_ERROR;
	}
	do {
		*sig = next_signal(vmm, waited, sig_fd);
		if (*sig == SIGINT || *sig == SIGTERM || *sig == SIGHUP)
			vmm_request_stop(vmm, STOP_SIGNAL);
		if (*sig == SIGUSR1 || *sig == SIGUSR2)
			why = user_request(vmm, *sig);
		if (*sig == control_signal())
			why = control_serve(vmm, sig);
		if (why == STOP_NONE)
			why = vmm_stop_reason();
	} while (why == STOP_NONE);
	vcpus_stop(vmm);
	io_thread_stop();
	vm_destroy(vmm);
	for (i = 0; i < vmm->nr_devs; i++)
		if (vmm->devs[i]->reset)
			vmm->devs[i]->reset(vmm->devs[i]);
	return why;
}

int main(int argc, char **argv)
{
	static struct vmm vmm = { .sys_fd = -1, .vm_fd = -1, .vgic_fd = -1 };
	enum vmm_stop why = STOP_ERROR;
	sigset_t waited;
	int sig = 0, status = 1, boots = 0, sig_fd;

	if (parse_args(&vmm.cfg, argc, argv))
		return 2;
	/* every thread inherits these blocked; the main thread waits for them */
	sigemptyset(&waited);
	sigaddset(&waited, SIGINT);
	sigaddset(&waited, SIGTERM);
	sigaddset(&waited, SIGHUP);
	sigaddset(&waited, SIGUSR1);
	sigaddset(&waited, SIGUSR2);
	sigaddset(&waited, vmm_stop_signal());
	sigaddset(&waited, control_signal());
	pthread_sigmask(SIG_BLOCK, &waited, NULL);
	/* the same signals as a descriptor, for next_signal() while paused */
	sig_fd = signalfd(-1, &waited, SFD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	vmm.main_thread = pthread_self();

	if (control_open(&vmm) || vm_open(&vmm) || create_devices(&vmm) || console_setup(&vmm))
		goto out;
	for (;;) {
		vmm_info("%s %s: %d vCPU%s, %llu MiB%s",
			 boots || (!vmm.cfg.restore_path && !vmm.cfg.incoming) ? "booting" :
			 vmm.cfg.restore_path ? "restoring" : "migrating in",
			 vmm.cfg.kernel, vmm.cfg.nr_vcpus,
			 vmm.cfg.nr_vcpus > 1 ? "s" : "", (unsigned long long)(vmm.ram_size >> 20),
			 boots ? " (after a guest reboot)" : "");
		why = run_guest(&vmm, &waited, sig_fd, &sig, boots == 0);
		boots++;
		vmm_clear_stop();
		if (why != STOP_RESET)
			break;
		/* a reboot: fresh zero RAM, as after power-on */
		madvise(vmm.ram, vmm.ram_size, MADV_DONTNEED);
	}
	switch (why) {
	case STOP_POWEROFF:
		vmm_info("the guest powered off");
		status = 0;
		break;
	case STOP_SAVED:
		vmm_info("saved to %s; the guest stopped", vmm.cfg.save_path);
		status = 0;
		break;
	case STOP_MIGRATED:
		vmm_info("migrated");
		status = 0;
		break;
	case STOP_QUIT:
		vmm_info("quit from the console");
		status = 0;
		break;
	case STOP_SIGNAL:
		vmm_info("stopped by %s", strsignal(sig));
		status = 128 + sig;
		break;
	default:
		vmm_err("the guest was stopped after an error");
		status = 1;
		break;
	}
out:
	control_close();
	io_thread_stop();
	console_restore();
	mmio_bus_destroy(&vmm);
	io_close();
	vm_close(&vmm);
	if (sig_fd >= 0)
		close(sig_fd);
	return status;
}
