package prlsdk

/*
#include "zshim.h"
*/
import "C"

import (
	"context"
)

// VM is a virtual machine or a container: its configuration as this process
// holds it (getters read it, setters change it; BeginEdit/Commit or Update
// store changes) and its operations.
type VM struct {
	h    *handle
	srv  *Server
	uuid string
}

// Close releases the VM's handle; the VM itself is not affected.
func (vm *VM) Close() error { return vm.h.close() }

func (vm *VM) loadUUID() error {
	u, err := vm.str("PrlVmCfg_GetUuid", func(h C.uintptr_t, b *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
		return C.go_PrlVmCfg_GetUuid(h, b, n)
	})
	vm.uuid = u
	return err
}

// UUID gives the VM's UUID, with braces.
func (vm *VM) UUID() string { return vm.uuid }

func (vm *VM) str(op string, f func(C.uintptr_t, *C.char, *C.PRL_UINT32) C.PRL_RESULT) (string, error) {
	defer keepAlive(vm.h)
	h := vm.h.get()
	return getString(op, func(b *C.char, n *C.PRL_UINT32) C.PRL_RESULT { return f(h, b, n) })
}

func (vm *VM) u32(op string, f func(C.uintptr_t, *C.PRL_UINT32) C.PRL_RESULT) (uint32, error) {
	defer keepAlive(vm.h)
	var v C.PRL_UINT32
	if err := check(op, f(vm.h.get(), &v)); err != nil {
		return 0, err
	}
	return uint32(v), nil
}

func (vm *VM) setStr(op string, value string, f func(C.uintptr_t, *C.char) C.PRL_RESULT) error {
	defer keepAlive(vm.h)
	p, done := cstring(value)
	defer done()
	return check(op, f(vm.h.get(), p))
}

func (vm *VM) job(ctx context.Context, op string, start func(C.uintptr_t) C.uintptr_t) error {
	defer keepAlive(vm.h)
	r, err := run(ctx, op, func() C.uintptr_t { return start(vm.h.get()) })
	r.close()
	return err
}

// Name gives the VM's name.
func (vm *VM) Name() (string, error) {
	return vm.str("PrlVmCfg_GetName", func(h C.uintptr_t, b *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
		return C.go_PrlVmCfg_GetName(h, b, n)
	})
}

// SetName sets the VM's name (stored by Commit).
func (vm *VM) SetName(name string) error {
	return vm.setStr("PrlVmCfg_SetName", name, func(h C.uintptr_t, s *C.char) C.PRL_RESULT { return C.go_PrlVmCfg_SetName(h, s) })
}

// Description gives the VM's description.
func (vm *VM) Description() (string, error) {
	return vm.str("PrlVmCfg_GetDescription", func(h C.uintptr_t, b *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
		return C.go_PrlVmCfg_GetDescription(h, b, n)
	})
}

// SetDescription sets the VM's description (stored by Commit).
func (vm *VM) SetDescription(text string) error {
	return vm.setStr("PrlVmCfg_SetDescription", text, func(h C.uintptr_t, s *C.char) C.PRL_RESULT {
		return C.go_PrlVmCfg_SetDescription(h, s)
	})
}

// HomePath gives the VM's bundle directory (a container's private area).
func (vm *VM) HomePath() (string, error) {
	return vm.str("PrlVmCfg_GetHomePath", func(h C.uintptr_t, b *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
		return C.go_PrlVmCfg_GetHomePath(h, b, n)
	})
}

// RAM gives the memory size in MB.
func (vm *VM) RAM() (uint32, error) {
	return vm.u32("PrlVmCfg_GetRamSize", func(h C.uintptr_t, v *C.PRL_UINT32) C.PRL_RESULT { return C.go_PrlVmCfg_GetRamSize(h, v) })
}

// SetRAM sets the memory size in MB (stored by Commit).
func (vm *VM) SetRAM(mb uint32) error {
	defer keepAlive(vm.h)
	return check("PrlVmCfg_SetRamSize", C.go_PrlVmCfg_SetRamSize(vm.h.get(), C.PRL_UINT32(mb)))
}

// CPUs gives the CPU count.
func (vm *VM) CPUs() (uint32, error) {
	return vm.u32("PrlVmCfg_GetCpuCount", func(h C.uintptr_t, v *C.PRL_UINT32) C.PRL_RESULT { return C.go_PrlVmCfg_GetCpuCount(h, v) })
}

// SetCPUs sets the CPU count (stored by Commit).
func (vm *VM) SetCPUs(n uint32) error {
	defer keepAlive(vm.h)
	return check("PrlVmCfg_SetCpuCount", C.go_PrlVmCfg_SetCpuCount(vm.h.get(), C.PRL_UINT32(n)))
}

// Type tells a virtual machine (PVT_VM) from a container (PVT_CT).
func (vm *VM) Type() (VMType, error) {
	defer keepAlive(vm.h)
	var t C.PRL_VM_TYPE
	if err := check("PrlVmCfg_GetVmType", C.go_PrlVmCfg_GetVmType(vm.h.get(), &t)); err != nil {
		return 0, err
	}
	return VMType(t), nil
}

// Disk is one hard disk of a VM.
type Disk struct {
	Index     int
	ImagePath string // absolute once the VM is registered
	SizeMB    uint32
}

// Disks lists the VM's hard disks.
func (vm *VM) Disks() ([]Disk, error) {
	defer keepAlive(vm.h)
	n, err := vm.u32("PrlVmCfg_GetHardDisksCount", func(h C.uintptr_t, v *C.PRL_UINT32) C.PRL_RESULT {
		return C.go_PrlVmCfg_GetHardDisksCount(h, v)
	})
	if err != nil {
		return nil, err
	}
	disks := make([]Disk, 0, n)
	for i := uint32(0); i < n; i++ {
		var dh C.uintptr_t
		if err := check("PrlVmCfg_GetHardDisk", C.go_PrlVmCfg_GetHardDisk(vm.h.get(), C.PRL_UINT32(i), &dh)); err != nil {
			return nil, err
		}
		d := Disk{Index: int(i)}
		d.ImagePath, err = getString("PrlVmDev_GetImagePath", func(b *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
			return C.go_PrlVmDev_GetImagePath(dh, b, n)
		})
		if err == nil {
			var size C.PRL_UINT32
			err = check("PrlVmDevHd_GetDiskSize", C.go_PrlVmDevHd_GetDiskSize(dh, &size))
			d.SizeMB = uint32(size)
		}
		free(dh)
		if err != nil {
			return nil, err
		}
		disks = append(disks, d)
	}
	return disks, nil
}

// AddDisk adds a hard disk of sizeMB with the given image path (relative to
// the bundle, or absolute) to the configuration (stored by registration or
// Commit).
func (vm *VM) AddDisk(sizeMB uint32, imagePath string) error {
	defer keepAlive(vm.h)
	var dh C.uintptr_t
	if err := check("PrlVmCfg_CreateVmDev", C.go_PrlVmCfg_CreateVmDev(vm.h.get(), C.PDE_HARD_DISK, &dh)); err != nil {
		return err
	}
	defer free(dh)
	if err := check("PrlVmDevHd_SetDiskSize", C.go_PrlVmDevHd_SetDiskSize(dh, C.PRL_UINT32(sizeMB))); err != nil {
		return err
	}
	p, done := cstring(imagePath)
	defer done()
	return check("PrlVmDev_SetImagePath", C.go_PrlVmDev_SetImagePath(dh, p))
}

// BeginEdit starts editing the configuration (PrlVm_BeginEdit).
func (vm *VM) BeginEdit(ctx context.Context) error {
	return vm.job(ctx, "PrlVm_BeginEdit", func(h C.uintptr_t) C.uintptr_t { return C.go_PrlVm_BeginEdit(h) })
}

// Commit stores the edited configuration (PrlVm_Commit).
func (vm *VM) Commit(ctx context.Context) error {
	return vm.job(ctx, "PrlVm_Commit", func(h C.uintptr_t) C.uintptr_t { return C.go_PrlVm_Commit(h) })
}

// Update runs edit between BeginEdit and Commit; the changes are stored only
// when edit returns nil.
//
//	err := vm.Update(ctx, func() error { return vm.SetRAM(2048) })
func (vm *VM) Update(ctx context.Context, edit func() error) error {
	if err := vm.BeginEdit(ctx); err != nil {
		return err
	}
	if err := edit(); err != nil {
		vm.Refresh(ctx) // drop the local changes
		return err
	}
	return vm.Commit(ctx)
}

// Refresh reloads the configuration from the service (PrlVm_RefreshConfig).
func (vm *VM) Refresh(ctx context.Context) error {
	return vm.job(ctx, "PrlVm_RefreshConfig", func(h C.uintptr_t) C.uintptr_t { return C.go_PrlVm_RefreshConfig(h) })
}

// Start starts the VM (PrlVm_Start).
func (vm *VM) Start(ctx context.Context) error {
	return vm.job(ctx, "PrlVm_Start", func(h C.uintptr_t) C.uintptr_t { return C.go_PrlVm_Start(h) })
}

// Stop stops the VM at once, not through the guest (PrlVm_Stop).
func (vm *VM) Stop(ctx context.Context) error {
	return vm.job(ctx, "PrlVm_Stop", func(h C.uintptr_t) C.uintptr_t { return C.go_PrlVm_Stop(h, C.PRL_FALSE) })
}

// Pause pauses the VM (PrlVm_Pause).
func (vm *VM) Pause(ctx context.Context) error {
	return vm.job(ctx, "PrlVm_Pause", func(h C.uintptr_t) C.uintptr_t { return C.go_PrlVm_Pause(h, C.PRL_FALSE) })
}

// Resume resumes a paused VM (PrlVm_Resume).
func (vm *VM) Resume(ctx context.Context) error {
	return vm.job(ctx, "PrlVm_Resume", func(h C.uintptr_t) C.uintptr_t { return C.go_PrlVm_Resume(h) })
}

// Delete unregisters the VM and deletes its files (PrlVm_Delete); the VM must
// be stopped.
func (vm *VM) Delete(ctx context.Context) error {
	return vm.job(ctx, "PrlVm_Delete", func(h C.uintptr_t) C.uintptr_t { return C.go_PrlVm_Delete(h, 0) })
}

// Unregister removes the VM from the inventory, keeping its files (PrlVm_Unreg).
func (vm *VM) Unregister(ctx context.Context) error {
	return vm.job(ctx, "PrlVm_Unreg", func(h C.uintptr_t) C.uintptr_t { return C.go_PrlVm_Unreg(h) })
}

// State gives the VM's power state (PrlVm_GetState).
func (vm *VM) State(ctx context.Context) (VMState, error) {
	defer keepAlive(vm.h)
	r, err := run(ctx, "PrlVm_GetState", func() C.uintptr_t { return C.go_PrlVm_GetState(vm.h.get()) })
	if err != nil {
		return VMS_UNKNOWN, err
	}
	defer r.close()
	info, err := resultParam(r, 0)
	if err != nil {
		return VMS_UNKNOWN, err
	}
	defer info.close()
	var st C.VIRTUAL_MACHINE_STATE
	if err := check("PrlVmInfo_GetState", C.go_PrlVmInfo_GetState(info.get(), &st)); err != nil {
		return VMS_UNKNOWN, err
	}
	return VMState(st), nil
}
