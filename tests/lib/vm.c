// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "board.h"
#include "tap.h"
#include "vm.h"

#define CORE_PC		ARMVIRT_CORE_REG_ID(15)

static int fail(const char *what)
{
	int err = errno;

	fprintf(stderr, "# tvm: %s: %s\n", what, strerror(err));
	return -err;
}

static int load_guest(struct tvm *vm, const char *name)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/tests/data/guest-%s.bin", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(path);
	n = read(fd, vm->ram, vm->ram_size);
	close(fd);
	if (n <= 0)
		return fail(path);
	return 0;
}

int tvm_add_vcpu(struct tvm *vm, int id, bool powered_off)
{
	struct kvm_vcpu_init init;
	struct tvm_vcpu *v = &vm->vcpu[id];
	uint32_t pc = GUEST_RAM_BASE;

	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		return fail("KVM_CREATE_VCPU");
	v->run = mmap(NULL, ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0),
		      PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		return fail("mmap kvm_run");
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return fail("KVM_ARM_PREFERRED_TARGET");
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (powered_off)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init))
		return fail("KVM_ARM_VCPU_INIT");
	if (tvm_set_reg(v, CORE_PC, &pc))
		return fail("set pc");
	return 0;
}

int tvm_create(struct tvm *vm, const char *name, size_t ram_size, int nr_vcpus)
{
	struct kvm_userspace_memory_region r = { 0 };
	unsigned int left;
	int i, ret;

	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = vm->vm_fd = -1;
	for (i = 0; i < TVM_MAX_VCPUS; i++)
		vm->vcpu[i].fd = -1;
	/* A runaway guest ends its test program, not the whole board run. */
	left = alarm(0);
	alarm(left ? left : TVM_TIMEOUT_S);
	vm->sys_fd = open("/dev/armvirt", O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0)
		return fail("/dev/armvirt");
	vm->vm_fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return fail("KVM_CREATE_VM");
	vm->ram_size = ram_size;
	vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		return fail("mmap guest RAM");
	}
	r.guest_phys_addr = GUEST_RAM_BASE;
	r.memory_size = ram_size;
	r.userspace_addr = (unsigned long)vm->ram;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r))
		return fail("KVM_SET_USER_MEMORY_REGION");
	if (name) {
		ret = load_guest(vm, name);
		if (ret)
			return ret;
	}
	for (i = 0; i < nr_vcpus; i++) {
		ret = tvm_add_vcpu(vm, i, i != 0);
		if (ret)
			return ret;
		vm->nr_vcpus++;
	}
	return 0;
}

void tvm_destroy(struct tvm *vm)
{
	int i;

	for (i = 0; i < TVM_MAX_VCPUS; i++) {
		if (vm->vcpu[i].run && vm->vcpu[i].run != MAP_FAILED)
			munmap(vm->vcpu[i].run, 4096);
		if (vm->vcpu[i].fd >= 0)
			close(vm->vcpu[i].fd);
	}
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = vm->vm_fd = -1;
}

int tvm_run_once(struct tvm_vcpu *v)
{
	return ioctl(v->fd, KVM_RUN, 0) ? errno : 0;
}

static uint32_t mmio_word(const struct kvm_run *run)
{
	uint32_t val = 0;

	memcpy(&val, run->mmio.data, run->mmio.len < 4 ? run->mmio.len : 4);
	return val;
}

struct ucall tvm_run_ucall(struct tvm_vcpu *v)
{
	struct kvm_run *run = v->run;
	struct ucall uc = { UC_OTHER_EXIT, 0 };
	int err;

	for (;;) {
		err = tvm_run_once(v);
		if (err) {
			uc.kind = UC_ERROR;
			uc.value = err;
			return uc;
		}
		if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT) {
			uc.kind = UC_SYSTEM_EVENT;
			uc.value = run->system_event.type;
			return uc;
		}
		if (run->exit_reason != KVM_EXIT_MMIO) {
			uc.value = run->exit_reason;
			return uc;
		}
		if (run->mmio.phys_addr >= UCALL_BASE &&
		    run->mmio.phys_addr < UCALL_BASE + 0x1000) {
			if (!run->mmio.is_write) {
				memset(run->mmio.data, 0, sizeof(run->mmio.data));
				continue;
			}
			uc.value = mmio_word(run);
			switch (run->mmio.phys_addr) {
			case UCALL_VALUE:
				uc.kind = UC_VALUE;
				return uc;
			case UCALL_DONE:
				uc.kind = UC_DONE;
				return uc;
			case UCALL_FAIL:
				uc.kind = UC_FAIL;
				return uc;
			}
		}
		uc.kind = UC_MMIO;
		return uc;
	}
}

uint32_t tvm_next_value(struct tvm_vcpu *v, const char *step)
{
	struct ucall uc = tvm_run_ucall(v);

	if (uc.kind != UC_VALUE) {
		tap_diag("exit kind %d value %#x pc %#x", uc.kind, uc.value, tvm_core_reg(v, 15));
		tap_bail("%s: the guest did not report", step);
	}
	return uc.value;
}

int tvm_get_reg(struct tvm_vcpu *v, uint64_t id, void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (unsigned long)val };

	return ioctl(v->fd, KVM_GET_ONE_REG, &reg) ? errno : 0;
}

int tvm_set_reg(struct tvm_vcpu *v, uint64_t id, const void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (unsigned long)val };

	return ioctl(v->fd, KVM_SET_ONE_REG, &reg) ? errno : 0;
}

uint32_t tvm_core_reg(struct tvm_vcpu *v, unsigned int index)
{
	uint32_t val = 0xdeadbeef;

	tvm_get_reg(v, ARMVIRT_CORE_REG_ID(index), &val);
	return val;
}

void tvm_set_core_reg(struct tvm_vcpu *v, unsigned int index, uint32_t val)
{
	tvm_set_reg(v, ARMVIRT_CORE_REG_ID(index), &val);
}

static int device_attr(int fd, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a);
}

int tvm_create_vgic(struct tvm *vm, uint32_t nr_irqs)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };
	uint64_t dist = GUEST_GICD, cpu = GUEST_GICC;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) ||
	    device_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, &dist) ||
	    device_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, &cpu) ||
	    device_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs) ||
	    device_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		return fail("creating the vGIC");
	return cd.fd;
}

void *tvm_gpa(struct tvm *vm, uint64_t gpa)
{
	return (char *)vm->ram + (gpa - GUEST_RAM_BASE);
}

void tvm_diag_exit_counts(int vcpu_id)
{
	static const char *const names[] = {
		"runs", "irq", "wfi", "wfe", "cp15", "cp14", "set_way", "vm_reg", "dcache_flush",
		"psci", "hvc_other",
		"mem_fault", "mmio_read", "mmio_write", "mmio_decoded", "mmio_kernel",
		"ioeventfd", "undef_injected", "abort_injected", "signal",
	};
	char line[512];
	size_t len = 0, i;
	long n;

	line[0] = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = tvm_exit_count(vcpu_id, names[i]);
		if (n > 0 && len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - len, " %s=%ld", names[i], n);
	}
	tap_diag("vCPU %d exit counters:%s", vcpu_id, line);
}

/* The debugfs file of the vCPU of this process's newest VM, or false. */
static bool vcpu_debugfs_path(int vcpu_id, char *path, size_t size)
{
	const char *dir = "/sys/kernel/debug/armvirt/vcpus";
	unsigned int vm_nr, best = 0;
	struct dirent *de;
	int pid, id;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return false;
	path[0] = 0;
	/* the newest VM of this process: the highest VM number */
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "%d-%u-%d", &pid, &vm_nr, &id) == 3 &&
		    pid == (int)getpid() && id == vcpu_id && vm_nr >= best) {
			best = vm_nr;
			snprintf(path, size, "%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	return path[0];
}

long tvm_exit_count(int vcpu_id, const char *name)
{
	char path[320], buf[1024], *p;
	size_t len;

	if (!vcpu_debugfs_path(vcpu_id, path, sizeof(path)) ||
	    read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	len = strlen(name);
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return strtol(p + len + 1, NULL, 10);
	return -1;
}

int tvm_selftest_trap(int vcpu_id, uint32_t hsr, uint32_t far, uint64_t ipa, unsigned int n)
{
	char path[320], cmd[96];
	int fd, len, ret = 0;

	if (!vcpu_debugfs_path(vcpu_id, path, sizeof(path)))
		return ENOENT;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	len = snprintf(cmd, sizeof(cmd), "trap %x %x %x %u", hsr, far,
		       (uint32_t)(ipa >> 12) << 4, n);
	if (write(fd, cmd, len) != len)
		ret = errno;
	close(fd);
	return ret;
}

void vmm_exits_read(pid_t pid, struct vmm_exits *e)
{
	const char *dir = "/sys/kernel/debug/armvirt/vcpus";
	char path[320], buf[1024], name[24];
	struct dirent *de;
	int p, vm, id, i, off, used;
	long n;
	DIR *d;

	memset(e, 0, sizeof(*e));
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "%d-%d-%d", &p, &vm, &id) != 3 || p != pid)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (read_file(path, buf, sizeof(buf)) < 0)
			continue;
		for (off = 0; sscanf(buf + off, "%23s %ld%n", name, &n, &used) == 2; off += used) {
			for (i = 0; i < e->nr && strcmp(e->name[i], name); i++)
				;
			if (i == e->nr && e->nr < VMM_EXIT_KINDS)
				snprintf(e->name[e->nr++], sizeof(e->name[0]), "%s", name);
			if (i < VMM_EXIT_KINDS)
				e->count[i] += n;
		}
	}
	closedir(d);
}

void vmm_exits_sub(struct vmm_exits *d, const struct vmm_exits *after,
		   const struct vmm_exits *before)
{
	int i;

	*d = *after;
	for (i = 0; i < d->nr && i < before->nr; i++)
		d->count[i] -= before->count[i];
}

long vmm_exits_count(const struct vmm_exits *e, const char *name)
{
	int i;

	for (i = 0; i < e->nr; i++)
		if (!strcmp(e->name[i], name))
			return e->count[i];
	return -1;
}
