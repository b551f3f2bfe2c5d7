// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the VM state stream holds (stream.h has the framing), in order:
 *
 *   HEADER   the CPU model (KVM target), vCPUs, RAM size, the kernel and
 *            initrd paths, whether the disks are streamed, the disks
 *            (path, size, read-only), the devices on the bus by name: a
 *            restore needs the same options (the same disk paths unless
 *            the disks are streamed)
 *   PAGES    guest RAM (ram_state.c); a migration sends these in rounds
 *   DISK     with --migrate-disk only: the writable disks' blocks
 *            (disk_state.c), in rounds beside the pages
 *   VCPU     one per vCPU: MP state and every ONE_REG register (vm_state.c)
 *   VGIC     distributor and CPU interface registers
 *   DEVICE   one per device on the bus, its own format (pl011.c, virtio_mmio.c)
 *   PAGES    the rest of RAM (a snapshot's all, a migration's last dirty pages)
 *   DISK     a migration's last dirty disk blocks (--migrate-disk)
 *   END      the number of sections before it
 *
 * The vCPU, vGIC and device state is taken as soon as the VM is paused,
 * before the RAM that follows it: the virtual counter then stops when the
 * guest did, not when the last page was written. A snapshot never holds
 * the disks: they stay where they are, as the header names them.
 *
 * A reader refuses another format version (stream.c), another CPU model,
 * or options that do not match, naming the difference; a section missing,
 * repeated or out of place; and anything a section's parser finds wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"
#include "vmm.h"

#define NAME_MAX_LEN	256

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *target_name(uint32_t target)
{
	return target == KVM_ARM_TARGET_CORTEX_A15 ? "Cortex-A15" :
	       target == KVM_ARM_TARGET_CORTEX_A7 ? "Cortex-A7" : "an unknown CPU";
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int snapshot_write_header(struct vmm *vmm, struct stream *s, bool disks)
{
	struct sbuf b = { 0 };
	int i, ret;

	sbuf_u32(&b, vmm->target);
	sbuf_u32(&b, (uint32_t)vmm->cfg.nr_vcpus);
	sbuf_u64(&b, vmm->ram_size);
	sbuf_str(&b, vmm->cfg.kernel);
	sbuf_str(&b, vmm->cfg.initrd);
	sbuf_u8(&b, disks);
	sbuf_u32(&b, (uint32_t)vmm->cfg.nr_disks);
	for (i = 0; i < vmm->cfg.nr_disks; i++) {
		sbuf_str(&b, vmm->cfg.disks[i].path);
		sbuf_u64(&b, file_size(vmm->cfg.disks[i].path));
		sbuf_u8(&b, vmm->cfg.disks[i].ro);
	}
	sbuf_u32(&b, (uint32_t)vmm->nr_devs);
	for (i = 0; i < vmm->nr_devs; i++)
		sbuf_str(&b, vmm->devs[i]->name);
	ret = stream_write_section(s, STREAM_HEADER, 0, &b);
	sbuf_free(&b);
	return ret;
}

/* A string option of the stream against ours; false (with a message) if they differ. */
static bool same_str(const char *src, const char *what, const char *theirs, const char *ours)
{
	if (!strcmp(theirs, ours ? ours : ""))
		return true;
	vmm_err("%s: the VM was saved with %s \"%s\", this one has \"%s\"", src, what,
		theirs, ours ? ours : "");
	return false;
}

/*
 * Whether the stream carries the disks (@theirs) as this side expects
 * (@ours): both or neither had --migrate-disk. false with a message.
 */
static bool same_disk_mode(const char *src, uint8_t theirs, bool ours)
{
	if (theirs == ours)
		return true;
	if (theirs == 1)
		vmm_err("%s: the source streams its disks (--migrate-disk); this side was not given --migrate-disk",
			src);
	else if (theirs == 0)
		vmm_err("%s: this side was given --migrate-disk; the source does not stream its disks (no --migrate-disk there)",
			src);
	else
		vmm_err("%s: corrupt stream: a bad header", src);
	return false;
}

/* Disk @i as the stream describes it against ours; false with a message. */
static bool same_disk(struct vmm *vmm, const char *src, uint32_t i, const char *path,
		      uint64_t size, bool ro, bool streamed)
{
	const char *ours = vmm->cfg.disks[i].path;
	uint64_t our_size;
	char what[32];

	snprintf(what, sizeof(what), "--disk %u", i + 1);
	/* a streamed disk's image may be anywhere here: the stream fills it */
	if (!streamed && !same_str(src, what, path, ours))
		return false;
	our_size = file_size(ours);
	if (size == our_size && ro == vmm->cfg.disks[i].ro)
		return true;
	if (streamed)
		vmm_err("%s: --disk %u (%s here) is %llu bytes%s; the source's (%s) is %llu bytes%s: make an image of the same size",
			src, i + 1, ours, (unsigned long long)our_size,
			vmm->cfg.disks[i].ro ? " read-only" : "", path, (unsigned long long)size,
			ro ? " read-only" : "");
	else
		vmm_err("%s: disk %s was %llu bytes%s when saved, now %llu%s", src, path,
			(unsigned long long)size, ro ? " read-only" : "",
			(unsigned long long)our_size, vmm->cfg.disks[i].ro ? " read-only" : "");
	return false;
}

static int check_header(struct vmm *vmm, const char *src, struct scur *c, bool disks)
{
	char str[NAME_MAX_LEN], what[32];
	uint32_t target, n, i;
	uint64_t ram, size;
	uint8_t streamed;
	bool ro;

	target = scur_u32(c);
	if (!c->bad && target != vmm->target) {
		vmm_err("%s: the VM was saved on a %s (KVM target %u); this host's vCPUs are a %s (target %u)",
			src, target_name(target), target, target_name(vmm->target), vmm->target);
		return -1;
	}
	n = scur_u32(c);
	if (!c->bad && n != (uint32_t)vmm->cfg.nr_vcpus) {
		vmm_err("%s: the VM was saved with --cpus %u, not %d", src, n, vmm->cfg.nr_vcpus);
		return -1;
	}
	ram = scur_u64(c);
	if (!c->bad && ram != vmm->ram_size) {
		vmm_err("%s: the VM was saved with --mem %llu, not %llu", src,
			(unsigned long long)(ram >> 20), (unsigned long long)(vmm->ram_size >> 20));
		return -1;
	}
	if (!scur_str(c, str, sizeof(str)) || !same_str(src, "--kernel", str, vmm->cfg.kernel) ||
	    !scur_str(c, str, sizeof(str)) || !same_str(src, "--initrd", str, vmm->cfg.initrd))
		goto bad;
	streamed = scur_u8(c);
	if (!c->bad && !same_disk_mode(src, streamed, disks))
		return -1;
	n = scur_u32(c);
	if (!c->bad && n != (uint32_t)vmm->cfg.nr_disks) {
		vmm_err("%s: the VM was saved with %u --disk, not %d", src, n, vmm->cfg.nr_disks);
		return -1;
	}
	for (i = 0; i < n && !c->bad; i++) {
		if (!scur_str(c, str, sizeof(str)))
			goto bad;
		size = scur_u64(c);
		ro = scur_u8(c);
		if (!c->bad && !same_disk(vmm, src, i, str, size, ro, streamed))
			return -1;
	}
	n = scur_u32(c);
	if (!c->bad && n != (uint32_t)vmm->nr_devs) {
		vmm_err("%s: the VM was saved with %u devices, this one has %d (--net, --no-rng, --disk?)",
			src, n, vmm->nr_devs);
		return -1;
	}
	for (i = 0; i < n && !c->bad; i++) {
		snprintf(what, sizeof(what), "device %u", i);
		if (!scur_str(c, str, sizeof(str)) || !same_str(src, what, str, vmm->devs[i]->name))
			goto bad;
	}
	if (scur_done(c))
		return 0;
bad:
	if (c->bad)
		vmm_err("%s: corrupt stream: a bad header", src);
	return -1;
}

int snapshot_write_state(struct vmm *vmm, struct stream *s)
{
	struct sbuf b = { 0 };
	int i, ret = -1;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		sbuf_reset(&b);
		if (vcpu_state_save(&vmm->vcpu[i], &b) ||
		    stream_write_section(s, STREAM_VCPU, (uint32_t)i, &b))
			goto out;
	}
	sbuf_reset(&b);
	if (vgic_state_save(vmm, &b) || stream_write_section(s, STREAM_VGIC, 0, &b))
		goto out;
	for (i = 0; i < vmm->nr_devs; i++) {
		struct mmio_dev *d = vmm->devs[i];

		sbuf_reset(&b);
		if ((d->save && d->save(d, &b)) ||
		    stream_write_section(s, STREAM_DEVICE, (uint32_t)i, &b))
			goto out;
	}
	ret = 0;
out:
	sbuf_free(&b);
	return ret;
}

/* Which sections a reader has had: each vCPU, the vGIC, each device once. */
struct seen {
	bool header, vgic, vcpu[VMM_MAX_VCPUS], dev[VMM_MAX_DEVICES];
	bool disks;		/* the header said the disks are streamed (and we agreed) */
};

static int apply_section(struct vmm *vmm, struct stream *s, struct seen *seen,
			 uint32_t type, uint32_t index, struct scur *c, bool disks)
{
	struct mmio_dev *d;

	if (!seen->header && type != STREAM_HEADER)
		goto misplaced;
	switch (type) {
	case STREAM_HEADER:
		if (seen->header)
			goto misplaced;
		seen->header = true;
		seen->disks = disks;
		return check_header(vmm, s->name, c, disks);
	case STREAM_PAGES:
		return ram_pages_load(vmm, c);
	case STREAM_DISK:
		if (!seen->disks)
			goto misplaced;
		return disk_blocks_load(vmm, index, c);
	case STREAM_VCPU:
		if (index >= (uint32_t)vmm->nr_vcpus || seen->vcpu[index])
			goto misplaced;
		seen->vcpu[index] = true;
		return vcpu_state_load(&vmm->vcpu[index], c);
	case STREAM_VGIC:
		if (seen->vgic)
			goto misplaced;
		seen->vgic = true;
		return vgic_state_load(vmm, c);
	case STREAM_DEVICE:
		if (index >= (uint32_t)vmm->nr_devs || seen->dev[index])
			goto misplaced;
		seen->dev[index] = true;
		d = vmm->devs[index];
		if (!d->load)
			return scur_done(c) ? 0 : -1;
		return d->load(d, c);
	}
misplaced:
	vmm_err("%s: corrupt stream: section %u (type %u, index %u) repeated or out of place",
		s->name, s->sections, type, index);
	return -1;
}

int snapshot_read(struct vmm *vmm, struct stream *s, bool disks)
{
	uint8_t *buf = malloc(STREAM_MAX_PAYLOAD);
	struct seen seen = { 0 };
	uint32_t type, index, count;
	struct scur c;
	int i, ret = -1;

	if (!buf) {
		vmm_err("%s: no memory for reading the VM state", s->name);
		return -1;
	}
	if (stream_read_prelude(s))
		goto out;
	for (;;) {
		if (stream_read_section(s, buf, &type, &index, &c))
			goto out;
		if (type == STREAM_END)
			break;
		if (apply_section(vmm, s, &seen, type, index, &c, disks))
			goto out;
	}
	count = scur_u32(&c);
	if (!scur_done(&c) || count != s->sections - 1) {
		vmm_err("%s: corrupt stream: the trailer counts %u sections, not %u", s->name,
			count, s->sections - 1);
		goto out;
	}
	for (i = 0; i < vmm->nr_vcpus; i++)
		if (!seen.vcpu[i])
			break;
	if (!seen.header || !seen.vgic || i < vmm->nr_vcpus) {
		vmm_err("%s: incomplete stream: no state for %s", s->name,
			!seen.header ? "the VM" : !seen.vgic ? "the vGIC" : "a vCPU");
		goto out;
	}
	for (i = 0; i < vmm->nr_devs; i++) {
		if (!seen.dev[i]) {
			vmm_err("%s: incomplete stream: no state for device %s", s->name,
				vmm->devs[i]->name);
			goto out;
		}
	}
	ret = vm_timers_restore(vmm);
out:
	free(buf);
	return ret;
}

int snapshot_save(struct vmm *vmm, const char *path, bool keep_running)
{
	char tmp[4096];
	struct stream s;
	uint64_t pages;
	double t0 = mono_s(), paused;
	int fd, ret = -1;

	snprintf(tmp, sizeof(tmp), "%s.partial", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		vmm_err("--save %s: %s; the guest carries on", tmp, strerror(errno));
		return -1;
	}
	stream_init(&s, fd, path);
	/* a guest a control command paused stays so: no pause, no resume */
	if (!vmm->paused && vm_pause(vmm))
		goto out;
	paused = mono_s();
	if (!stream_write_prelude(&s) && !snapshot_write_header(vmm, &s, false) &&
	    !snapshot_write_state(vmm, &s) && !ram_pages_write(vmm, &s, NULL, &pages) &&
	    !stream_write_end(&s) &&
	    !fdatasync(fd) && !rename(tmp, path))
		ret = 0;
	if (ret)
		unlink(tmp);
	else
		vmm_info("saved the VM to %s: %.1f MiB (%llu pages) in %.2f s", path,
			 (double)s.bytes / (1 << 20), (unsigned long long)pages, mono_s() - paused);
	if (vmm->paused) {
		if (ret)
			vmm_err("saving to %s failed; the guest stays paused", path);
	} else if (ret || keep_running) {
		if (vm_resume(vmm))
			ret = -1;
		else if (ret)
			vmm_err("saving to %s failed; the guest carries on", path);
		else
			vmm_info("the guest carries on (stopped for %.0f ms)", (mono_s() - t0) * 1000);
	}
out:
	close(fd);
	return ret;
}

int snapshot_restore(struct vmm *vmm, const char *path)
{
	struct stream s;
	double t0 = mono_s();
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vmm_err("--restore %s: %s", path, strerror(errno));
		return -1;
	}
	stream_init(&s, fd, path);
	ret = snapshot_read(vmm, &s, false);
	close(fd);
	if (!ret)
		vmm_info("restored the VM from %s: %.1f MiB in %.2f s", path,
			 (double)s.bytes / (1 << 20), mono_s() - t0);
	return ret;
}
