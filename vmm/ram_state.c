// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM in the stream, and the dirty log that says which pages to
 * send again.
 *
 * A STREAM_PAGES section holds up to PAGES_PER_SECTION entries: u32 page
 * number (from the start of RAM), with PAGE_ZERO set for a page of zeros
 * (nothing follows), else the page's 4096 bytes. A first copy leaves zero
 * pages out: the receiving VM's RAM starts zeroed.
 *
 * Dirty pages come from two places: the kernel's log of guest writes
 * (KVM_GET_DIRTY_LOG, and KVM_CLEAR_DIRTY_LOG when manual protection is
 * on, so that a page is write-protected again before it is copied, not
 * when the whole bitmap is fetched) and the VMM's own bitmap of the pages
 * its devices wrote (vmm->vmm_dirty), which no stage-2 fault reports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "stream.h"
#include "vmm.h"

#define PAGE_SIZE_4K		4096u
#define PAGE_ZERO		0x80000000u
#define PAGES_PER_SECTION	256
#define LONG_BITS		(8 * sizeof(unsigned long))

static bool manual_protect;

static uint32_t nr_pages(const struct vmm *vmm)
{
	return (uint32_t)(vmm->ram_size / PAGE_SIZE_4K);
}

size_t ram_bitmap_longs(const struct vmm *vmm)
{
	return (nr_pages(vmm) + LONG_BITS - 1) / LONG_BITS;
}

static bool page_is_zero(const uint8_t *p)
{
	static const uint8_t zero[PAGE_SIZE_4K];

	return !memcmp(p, zero, PAGE_SIZE_4K);
}

/*
 * Send the pages set in @bitmap, or with @bitmap NULL every page that is
 * not zero; their count in *sent. 0, or -1 (the stream failed).
 */
int ram_pages_write(struct vmm *vmm, struct stream *s, const unsigned long *bitmap,
		    uint64_t *sent)
{
	struct sbuf b = { 0 };
	uint32_t page, in_section = 0;
	int ret = 0;

	*sent = 0;
	for (page = 0; page < nr_pages(vmm) && !ret; page++) {
		const uint8_t *p = vmm->ram + (size_t)page * PAGE_SIZE_4K;
		bool zero;

		if (bitmap && !(bitmap[page / LONG_BITS] & (1UL << (page % LONG_BITS))))
			continue;
		zero = page_is_zero(p);
		if (!bitmap && zero)
			continue;
		sbuf_u32(&b, page | (zero ? PAGE_ZERO : 0));
		if (!zero)
			sbuf_put(&b, p, PAGE_SIZE_4K);
		(*sent)++;
		if (++in_section == PAGES_PER_SECTION) {
			ret = stream_write_section(s, STREAM_PAGES, 0, &b);
			sbuf_reset(&b);
			in_section = 0;
		}
	}
	if (!ret && in_section)
		ret = stream_write_section(s, STREAM_PAGES, 0, &b);
	sbuf_free(&b);
	return ret;
}

int ram_pages_load(struct vmm *vmm, struct scur *c)
{
	uint32_t entry, page, n = 0;
	const uint8_t *data;
	uint8_t *dst;

	while (c->left) {
		entry = scur_u32(c);
		page = entry & ~PAGE_ZERO;
		if (c->bad || page >= nr_pages(vmm) || ++n > PAGES_PER_SECTION)
			goto bad;
		dst = vmm->ram + (size_t)page * PAGE_SIZE_4K;
		if (entry & PAGE_ZERO) {
			if (!page_is_zero(dst))	/* untouched pages stay unallocated */
				memset(dst, 0, PAGE_SIZE_4K);
			continue;
		}
		data = scur_bytes(c, PAGE_SIZE_4K);
		if (!data)
			goto bad;
		memcpy(dst, data, PAGE_SIZE_4K);
	}
	return 0;
bad:
	vmm_err("corrupt stream: a RAM page entry %#x (RAM has %u pages)", entry, nr_pages(vmm));
	return -1;
}

static int set_ram_slot_logging(struct vmm *vmm, bool on)
{
	struct kvm_userspace_memory_region ram = {
		.slot = 0, .flags = on ? KVM_MEM_LOG_DIRTY_PAGES : 0,
		.guest_phys_addr = GUEST_RAM_BASE, .memory_size = vmm->ram_size,
		.userspace_addr = (uint64_t)(uintptr_t)vmm->ram,
	};

	if (!ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &ram))
		return 0;
	vmm_err("turning dirty logging %s: %s", on ? "on" : "off", strerror(errno));
	return -1;
}

int dirty_log_start(struct vmm *vmm)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args[0] = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE,
	};
	size_t i;
	int d;

	/* vhost-net's writes would pass the log by: the devices take their queues back */
	__atomic_store_n(&vmm->dirty_logging, true, __ATOMIC_RELEASE);
	for (d = 0; d < vmm->nr_devs; d++)
		if (vmm->devs[d]->drain)
			vmm->devs[d]->drain(vmm->devs[d]);
	manual_protect = ioctl(vmm->vm_fd, KVM_CHECK_EXTENSION,
			       KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) > 0 &&
			 ioctl(vmm->vm_fd, KVM_ENABLE_CAP, &cap) == 0;
	/* what the devices wrote before this is in the first copy anyway */
	for (i = 0; i < ram_bitmap_longs(vmm); i++)
		__atomic_store_n(&vmm->vmm_dirty[i], 0, __ATOMIC_RELAXED);
	return set_ram_slot_logging(vmm, true);
}

void dirty_log_stop(struct vmm *vmm)
{
	set_ram_slot_logging(vmm, false);
	__atomic_store_n(&vmm->dirty_logging, false, __ATOMIC_RELEASE);
}

/*
 * Add the pages dirtied since the last call to @pending (@scratch: as
 * large, the kernel's log is fetched there): how many @pending now holds,
 * or -1. The caller clears @pending once it has sent them.
 */
long dirty_log_harvest(struct vmm *vmm, unsigned long *pending, unsigned long *scratch)
{
	struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = scratch };
	struct kvm_clear_dirty_log clear = {
		.slot = 0, .num_pages = nr_pages(vmm), .first_page = 0, .dirty_bitmap = scratch,
	};
	long count = 0;
	size_t i;

	if (ioctl(vmm->vm_fd, KVM_GET_DIRTY_LOG, &log) ||
	    (manual_protect && ioctl(vmm->vm_fd, KVM_CLEAR_DIRTY_LOG, &clear))) {
		vmm_err("harvesting the dirty log: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < ram_bitmap_longs(vmm); i++) {
		pending[i] |= scratch[i] | __atomic_exchange_n(&vmm->vmm_dirty[i], 0, __ATOMIC_ACQ_REL);
		count += __builtin_popcountl(pending[i]);
	}
	return count;
}
