package prlsdk

/*
#include "zshim.h"
*/
import "C"

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
)

// Server is a connection to a host: today the embedded local service.
type Server struct {
	h       *handle
	dropped atomic.Uint64

	mu   sync.Mutex
	subs map[*subscription]struct{}
}

// NewServer creates a server object (PrlSrv_Create); log in with LoginLocal.
func NewServer() (*Server, error) {
	var h C.uintptr_t
	if err := check("PrlSrv_Create", C.go_PrlSrv_Create(&h)); err != nil {
		return nil, err
	}
	return &Server{h: own(h), subs: map[*subscription]struct{}{}}, nil
}

// Close closes the server's event channels and releases its handle. It does
// not log off (see Logoff).
func (s *Server) Close() error {
	s.mu.Lock()
	subs := make([]*subscription, 0, len(s.subs))
	for sub := range s.subs {
		subs = append(subs, sub)
	}
	s.mu.Unlock()
	for _, sub := range subs {
		sub.stop()
	}
	return s.h.close()
}

// LoginLocal logs into the local service (PrlSrv_LoginLocalEx).
func (s *Server) LoginLocal(ctx context.Context) error {
	defer keepAlive(s.h)
	r, err := run(ctx, "PrlSrv_LoginLocalEx", func() C.uintptr_t {
		return C.go_PrlSrv_LoginLocalEx(s.h.get(), nil, 0, C.PSL_HIGH_SECURITY, C.PACF_NON_INTERACTIVE_MODE)
	})
	r.close()
	return err
}

// Logoff ends the session (PrlSrv_Logoff).
func (s *Server) Logoff(ctx context.Context) error {
	defer keepAlive(s.h)
	r, err := run(ctx, "PrlSrv_Logoff", func() C.uintptr_t { return C.go_PrlSrv_Logoff(s.h.get()) })
	r.close()
	return err
}

// DroppedEvents counts the events of this server dropped because an event
// channel's buffer was full (see Events).
func (s *Server) DroppedEvents() uint64 { return s.dropped.Load() }

// CreateOptions describe a new VM or container for CreateVM. The zero value
// makes a Linux VM with the default configuration and no disk.
type CreateOptions struct {
	Container   bool   // a container instead of a virtual machine
	DiskSizeMB  uint32 // when non-zero (VMs), a hard disk of this size
	DiskImage   string // the disk's image file, relative to the bundle; default "harddisk.hdd"
	RAMMB       uint32 // memory; 0 keeps the default
	CPUs        uint32 // CPU count; 0 keeps the default
	Description string
	ParentDir   string // directory the bundle is made in; "" for the service's default
}

// CreateVM creates and registers a VM (or, with opts.Container, a container)
// named name: PrlSrv_CreateVm, PrlVmCfg_SetDefaultConfig, the settings of
// opts, then PrlVm_Reg.
func (s *Server) CreateVM(ctx context.Context, name string, opts *CreateOptions) (*VM, error) {
	defer keepAlive(s.h)
	if opts == nil {
		opts = &CreateOptions{}
	}
	r, err := run(ctx, "PrlSrv_GetSrvConfig", func() C.uintptr_t { return C.go_PrlSrv_GetSrvConfig(s.h.get()) })
	if err != nil {
		return nil, err
	}
	srvCfg, err := resultParam(r, 0)
	r.close()
	if err != nil {
		return nil, err
	}
	defer srvCfg.close()

	var vh C.uintptr_t
	if err := check("PrlSrv_CreateVm", C.go_PrlSrv_CreateVm(s.h.get(), &vh)); err != nil {
		return nil, err
	}
	vm := &VM{h: own(vh), srv: s}
	fail := func(err error) (*VM, error) {
		vm.Close()
		return nil, err
	}
	if err := check("PrlVmCfg_SetDefaultConfig",
		C.go_PrlVmCfg_SetDefaultConfig(vh, srvCfg.get(), C.PVS_GUEST_VER_LIN_OTHER, C.PRL_FALSE)); err != nil {
		return fail(err)
	}
	if err := vm.SetName(name); err != nil {
		return fail(err)
	}
	vmType := PVT_VM
	if opts.Container {
		vmType = PVT_CT
	}
	if err := check("PrlVmCfg_SetVmType", C.go_PrlVmCfg_SetVmType(vh, C.PRL_VM_TYPE(vmType))); err != nil {
		return fail(err)
	}
	if opts.Description != "" {
		if err := vm.SetDescription(opts.Description); err != nil {
			return fail(err)
		}
	}
	if opts.RAMMB != 0 {
		if err := vm.SetRAM(opts.RAMMB); err != nil {
			return fail(err)
		}
	}
	if opts.CPUs != 0 {
		if err := vm.SetCPUs(opts.CPUs); err != nil {
			return fail(err)
		}
	}
	if opts.DiskSizeMB != 0 && !opts.Container {
		image := opts.DiskImage
		if image == "" {
			image = "harddisk.hdd"
		}
		if err := vm.AddDisk(opts.DiskSizeMB, image); err != nil {
			return fail(err)
		}
	}
	parent, done := cstring(opts.ParentDir)
	defer done()
	r, err = run(ctx, "PrlVm_Reg", func() C.uintptr_t { return C.go_PrlVm_Reg(vh, parent, C.PRL_TRUE) })
	r.close()
	if err != nil {
		return fail(err)
	}
	if err := vm.loadUUID(); err != nil {
		return fail(err)
	}
	return vm, nil
}

// VMs lists the registered VMs and containers (PrlSrv_GetVmListEx).
func (s *Server) VMs(ctx context.Context) ([]*VM, error) {
	defer keepAlive(s.h)
	r, err := run(ctx, "PrlSrv_GetVmListEx", func() C.uintptr_t {
		return C.go_PrlSrv_GetVmListEx(s.h.get(), C.PVTF_VM|C.PVTF_CT)
	})
	if err != nil {
		return nil, err
	}
	defer r.close()
	n, err := resultCount(r)
	if err != nil {
		return nil, err
	}
	vms := make([]*VM, 0, n)
	for i := 0; i < n; i++ {
		h, err := resultParam(r, i)
		if err != nil {
			for _, vm := range vms {
				vm.Close()
			}
			return nil, err
		}
		vm := &VM{h: h, srv: s}
		if err := vm.loadUUID(); err != nil {
			vm.Close()
			for _, vm := range vms {
				vm.Close()
			}
			return nil, err
		}
		vms = append(vms, vm)
	}
	return vms, nil
}

// FindVM finds a VM or container by UUID ("{...}") or else by name
// (PrlSrv_GetVmConfig); ErrVMNotFound when there is none.
func (s *Server) FindVM(ctx context.Context, nameOrUUID string) (*VM, error) {
	defer keepAlive(s.h)
	flags := C.PRL_UINT32(C.PGVC_SEARCH_BY_NAME)
	if strings.HasPrefix(nameOrUUID, "{") && strings.HasSuffix(nameOrUUID, "}") {
		flags = C.PGVC_SEARCH_BY_UUID
	}
	key, done := cstring(nameOrUUID)
	defer done()
	r, err := run(ctx, "PrlSrv_GetVmConfig", func() C.uintptr_t { return C.go_PrlSrv_GetVmConfig(s.h.get(), key, flags) })
	if err != nil {
		return nil, err
	}
	defer r.close()
	h, err := resultParam(r, 0)
	if err != nil {
		return nil, err
	}
	vm := &VM{h: h, srv: s}
	if err := vm.loadUUID(); err != nil {
		vm.Close()
		return nil, err
	}
	return vm, nil
}
