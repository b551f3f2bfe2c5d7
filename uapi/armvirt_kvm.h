/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The userspace ABI of /dev/armvirt: the KVM ioctl ABI of Linux 5.6 for
 * 32-bit ARM (Documentation/virt/kvm/api.rst of that release), written for
 * armvirt. The numbers and layouts are KVM's, so that existing VMMs work.
 *
 * This file grows with what armvirt implements; today the system ioctls.
 */
#ifndef ARMVIRT_UAPI_KVM_H
#define ARMVIRT_UAPI_KVM_H

#include <linux/ioctl.h>

#define KVM_API_VERSION		12

#define KVMIO			0xAE

/* ioctls on the system fd (/dev/armvirt) */
#define KVM_GET_API_VERSION	_IO(KVMIO, 0x00)
#define KVM_CREATE_VM		_IO(KVMIO, 0x01)
#define KVM_CHECK_EXTENSION	_IO(KVMIO, 0x03)
#define KVM_GET_VCPU_MMAP_SIZE	_IO(KVMIO, 0x04)

/* KVM_CHECK_EXTENSION capability numbers */
#define KVM_CAP_IRQCHIP		0
#define KVM_CAP_USER_MEMORY	3
#define KVM_CAP_NR_VCPUS	9
#define KVM_CAP_NR_MEMSLOTS	10
#define KVM_CAP_MAX_VCPUS	66
#define KVM_CAP_ONE_REG		70
#define KVM_CAP_ARM_PSCI	87
#define KVM_CAP_READONLY_MEM	81
#define KVM_CAP_ARM_PSCI_0_2	102
#define KVM_CAP_IMMEDIATE_EXIT	136

#endif /* ARMVIRT_UAPI_KVM_H */
