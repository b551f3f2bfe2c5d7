// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM through the KVM ABI: guest RAM (one memory slot at
 * GUEST_RAM_BASE), the in-kernel vGICv2, the vCPUs, and the Linux ARM boot
 * protocol (Documentation/arm/booting.rst): the zImage, the initrd and the
 * DTB in RAM, vCPU 0 entering the zImage with r0 = 0, r1 = ~0 (machine
 * type: use the DTB), r2 = the DTB's address, MMU off, IRQs and FIQs
 * masked, in SVC mode. The other vCPUs start powered off, for PSCI CPU_ON.
 *
 * RAM outlives a reboot; the VM itself (vGIC, vCPUs, their state) is made
 * anew each boot, so that nothing of the last boot is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

/* Where the images go, from the start of RAM. */
#define ZIMAGE_OFFSET	0x02000000ULL	/* 32 MiB: the kernel decompresses below it */
#define DTB_OFFSET	0x08000000ULL	/* 128 MiB */
#define DTB_MAX_SIZE	0x00010000ULL
#define INITRD_OFFSET	(DTB_OFFSET + DTB_MAX_SIZE)
#define CPSR_SVC_MASKED	0x1d3		/* SVC mode, A, I and F masked */

static int sys_ioctl_fail(const char *what)
{
	vmm_err("%s: %s", what, strerror(errno));
	return -1;
}

/*
 * Guest RAM, at a host address congruent to its guest address modulo
 * 2 MiB (the guest's base is 2 MiB-aligned): the host can back each 2 MiB
 * of it with one transparent huge page, and armvirt map that into the
 * guest with one stage-2 block on an LPAE host, instead of 512 pages each
 * faulted in on its own. Anywhere else, a huge page's range would straddle
 * two guest blocks.
 */
static uint8_t *guest_ram_map(size_t size)
{
	const size_t align = GUEST_RAM_ALIGN;
	size_t head;
	uint8_t *p;

	if (size > SIZE_MAX - align) {
		errno = ENOMEM;
		return NULL;
	}
	p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	head = (align - ((uintptr_t)p & (align - 1))) & (align - 1);
	if (head)
		munmap(p, head);
	if (align - head)
		munmap(p + head + size, align - head);
	return p + head;
}

int vm_open(struct vmm *vmm)
{
	vmm->sys_fd = open(vmm->cfg.dev_path, O_RDWR | O_CLOEXEC);
	if (vmm->sys_fd < 0) {
		vmm_err("%s: %s%s", vmm->cfg.dev_path, strerror(errno),
			errno == ENOENT ? " (is armvirt.ko loaded?)" : "");
		return -1;
	}
	if (ioctl(vmm->sys_fd, KVM_GET_API_VERSION, 0) != 12) {
		vmm_err("%s: not KVM API version 12", vmm->cfg.dev_path);
		return -1;
	}
	vmm->run_size = ioctl(vmm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vmm->run_size < (int)sizeof(struct kvm_run))
		return sys_ioctl_fail("KVM_GET_VCPU_MMAP_SIZE");
	vmm->ram_size = vmm->cfg.ram_size;
	vmm->ram = guest_ram_map(vmm->ram_size);
	if (!vmm->ram)
		return sys_ioctl_fail("guest RAM");
	vmm->vm_fd = vmm->vgic_fd = -1;
	vmm->vmm_dirty = calloc((vmm->ram_size >> 12) / 8 + sizeof(unsigned long), 1);
	if (!vmm->vmm_dirty)
		return sys_ioctl_fail("the VMM's dirty page bitmap");
	return 0;
}

static int vgic_attr(int fd, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)val,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a);
}

static int vgic_create(struct vmm *vmm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };
	uint64_t dist = GUEST_GICD_BASE, cpu = GUEST_GICC_BASE;
	uint32_t nr_irqs = GUEST_NR_IRQS;

	if (ioctl(vmm->vm_fd, KVM_CREATE_DEVICE, &cd))
		return sys_ioctl_fail("creating the vGIC");
	vmm->vgic_fd = cd.fd;
	if (vgic_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, &dist) ||
	    vgic_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, &cpu) ||
	    vgic_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs))
		return sys_ioctl_fail("setting up the vGIC");
	return 0;
}

static int vcpu_create(struct vmm *vmm, int id, const struct kvm_vcpu_init *target)
{
	struct vmm_vcpu *v = &vmm->vcpu[id];
	struct kvm_vcpu_init init = *target;

	v->id = id;
	v->vmm = vmm;
	v->fd = ioctl(vmm->vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		return sys_ioctl_fail("KVM_CREATE_VCPU");
	v->run = mmap(NULL, (size_t)vmm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return sys_ioctl_fail("mapping kvm_run");
	}
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (id)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init))
		return sys_ioctl_fail("KVM_ARM_VCPU_INIT");
	return 0;
}

int vm_create(struct vmm *vmm)
{
	struct kvm_userspace_memory_region ram = {
		.slot = 0, .guest_phys_addr = GUEST_RAM_BASE, .memory_size = vmm->ram_size,
		.userspace_addr = (uint64_t)(uintptr_t)vmm->ram,
	};
	struct kvm_vcpu_init target;
	int i;

	vmm->vm_fd = ioctl(vmm->sys_fd, KVM_CREATE_VM, 0);
	if (vmm->vm_fd < 0)
		return sys_ioctl_fail("KVM_CREATE_VM");
	if (ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &ram))
		return sys_ioctl_fail("guest RAM slot");
	if (ioctl(vmm->vm_fd, KVM_ARM_PREFERRED_TARGET, &target))
		return sys_ioctl_fail("KVM_ARM_PREFERRED_TARGET");
	vmm->target = target.target;
	if (vgic_create(vmm))
		return -1;
	/* all vCPUs exist before the vGIC is initialised */
	for (i = 0; i < vmm->cfg.nr_vcpus; i++) {
		if (vcpu_create(vmm, i, &target))
			return -1;
		vmm->nr_vcpus = i + 1;
	}
	if (vgic_attr(vmm->vgic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		return sys_ioctl_fail("initialising the vGIC");
	for (i = 0; i < vmm->nr_devs; i++) {
		struct mmio_dev *d = vmm->devs[i];

		if (d->attach && d->attach(d, vmm))
			return -1;
	}
	return 0;
}

void vm_destroy(struct vmm *vmm)
{
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		if (vmm->vcpu[i].run)
			munmap(vmm->vcpu[i].run, (size_t)vmm->run_size);
		if (vmm->vcpu[i].fd >= 0)
			close(vmm->vcpu[i].fd);
		vmm->vcpu[i].run = NULL;
		vmm->vcpu[i].fd = -1;
	}
	vmm->nr_vcpus = 0;
	if (vmm->vgic_fd >= 0)
		close(vmm->vgic_fd);
	if (vmm->vm_fd >= 0)
		close(vmm->vm_fd);
	vmm->vgic_fd = vmm->vm_fd = -1;
}

void vm_close(struct vmm *vmm)
{
	vm_destroy(vmm);
	if (vmm->ram)
		munmap(vmm->ram, vmm->ram_size);
	free(vmm->vmm_dirty);
	vmm->vmm_dirty = NULL;
	vmm->ram = NULL;
	if (vmm->sys_fd >= 0)
		close(vmm->sys_fd);
	vmm->sys_fd = -1;
}

int vm_irq_line(struct vmm *vmm, unsigned int spi, int level)
{
	struct kvm_irq_level irq = {
		.irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | (spi + 32),
		.level = (uint32_t)level,
	};

	if (vmm->vm_fd < 0)
		return -1;
	if (ioctl(vmm->vm_fd, KVM_IRQ_LINE, &irq)) {
		vmm_err("KVM_IRQ_LINE (SPI %u): %s", spi, strerror(errno));
		return -1;
	}
	return 0;
}

int vm_irqfd(struct vmm *vmm, int fd, unsigned int spi)
{
	struct kvm_irqfd irqfd = { .fd = (uint32_t)fd, .gsi = spi };

	return ioctl(vmm->vm_fd, KVM_IRQFD, &irqfd) ? sys_ioctl_fail("KVM_IRQFD") : 0;
}

int vm_ioeventfd(struct vmm *vmm, int fd, uint64_t addr, uint32_t len, uint64_t datamatch)
{
	struct kvm_ioeventfd io = {
		.datamatch = datamatch, .addr = addr, .len = len, .fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	return ioctl(vmm->vm_fd, KVM_IOEVENTFD, &io) ? sys_ioctl_fail("KVM_IOEVENTFD") : 0;
}

/* Read a whole file into guest RAM at @gpa; its size, or -1. */
static long load_file(struct vmm *vmm, const char *what, const char *path, uint64_t gpa,
		      uint64_t max)
{
	struct stat st;
	void *dst;
	ssize_t n;
	off_t done = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		vmm_err("%s %s: %s", what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	dst = gpa_to_hva(vmm, gpa, (uint64_t)st.st_size);
	if (!dst || (uint64_t)st.st_size > max) {
		vmm_err("%s %s: %lld bytes do not fit in guest RAM at %#llx (use more --mem)",
			what, path, (long long)st.st_size, (unsigned long long)gpa);
		close(fd);
		return -1;
	}
	while (done < st.st_size) {
		n = read(fd, (char *)dst + done, (size_t)(st.st_size - done));
		if (n <= 0) {
			vmm_err("%s %s: short read", what, path);
			close(fd);
			return -1;
		}
		done += n;
	}
	close(fd);
	return (long)st.st_size;
}

static int set_core_reg(struct vmm_vcpu *v, unsigned int index, uint32_t val)
{
	struct kvm_one_reg reg = {
		.id = ARMVIRT_CORE_REG_ID(index), .addr = (uint64_t)(uintptr_t)&val,
	};

	return ioctl(v->fd, KVM_SET_ONE_REG, &reg);
}

#define CORE_INDEX(field) (offsetof(struct kvm_regs, field) / sizeof(uint32_t))

int vm_load_and_boot(struct vmm *vmm)
{
	uint64_t ram_end = GUEST_RAM_BASE + vmm->ram_size;
	uint64_t zimage = GUEST_RAM_BASE + ZIMAGE_OFFSET, dtb = GUEST_RAM_BASE + DTB_OFFSET;
	uint64_t initrd = GUEST_RAM_BASE + INITRD_OFFSET, initrd_end = initrd;
	struct vmm_vcpu *boot = &vmm->vcpu[0];
	long n;

	if (ram_end < initrd) {
		vmm_err("at least %llu MiB of RAM are needed", (initrd - GUEST_RAM_BASE) >> 20);
		return -1;
	}
	if (load_file(vmm, "kernel", vmm->cfg.kernel, zimage, DTB_OFFSET - ZIMAGE_OFFSET) < 0)
		return -1;
	if (vmm->cfg.initrd) {
		n = load_file(vmm, "initrd", vmm->cfg.initrd, initrd, ram_end - initrd);
		if (n < 0)
			return -1;
		initrd_end = initrd + (uint64_t)n;
	}
	if (fdt_build(vmm, gpa_to_hva(vmm, dtb, DTB_MAX_SIZE), DTB_MAX_SIZE, initrd, initrd_end))
		return -1;
	if (set_core_reg(boot, CORE_INDEX(usr_regs.uregs[0]), 0) ||
	    set_core_reg(boot, CORE_INDEX(usr_regs.uregs[1]), ~0U) ||
	    set_core_reg(boot, CORE_INDEX(usr_regs.uregs[2]), (uint32_t)dtb) ||
	    set_core_reg(boot, CORE_INDEX(usr_regs.uregs[15]), (uint32_t)zimage) ||
	    set_core_reg(boot, CORE_INDEX(usr_regs.uregs[16]), CPSR_SVC_MASKED))
		return sys_ioctl_fail("setting the boot registers");
	return 0;
}

int vm_pause(struct vmm *vmm)
{
	int i;

	vcpus_stop(vmm);
	io_thread_stop();
	if (vcpus_complete_mmio(vmm))
		return -1;
	for (i = 0; i < vmm->nr_devs; i++)
		if (vmm->devs[i]->drain)
			vmm->devs[i]->drain(vmm->devs[i]);
	return 0;
}

int vm_resume(struct vmm *vmm)
{
	int i;

	if (io_thread_start(vmm))
		return -1;
	for (i = 0; i < vmm->nr_devs; i++)
		if (vmm->devs[i]->drain)
			vmm->devs[i]->drain(vmm->devs[i]);
	return vcpus_start(vmm);
}
