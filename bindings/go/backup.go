package prlsdk

/*
#include <stdlib.h>
#include "zshim.h"
*/
import "C"

import (
	"context"
	"encoding/xml"
	"time"
	"unsafe"
)

// backupParam is a C PRL_BACKUP_PARAM naming a repository directory, or nil
// for the default repository; free releases it.
type backupParam struct{ p *C.PRL_BACKUP_PARAM }

func newBackupParam(dir string) backupParam {
	if dir == "" {
		return backupParam{}
	}
	p := (*C.PRL_BACKUP_PARAM)(C.calloc(1, C.size_t(unsafe.Sizeof(C.PRL_BACKUP_PARAM{}))))
	p.backup_directory = C.CString(dir)
	return backupParam{p}
}

func (b backupParam) free() {
	if b.p != nil {
		C.free(unsafe.Pointer(b.p.backup_directory))
		C.free(unsafe.Pointer(b.p))
	}
}

// BackupOptions choose the kind of a backup and where it goes. The zero value
// (or nil) is a compressed full backup in the default repository.
type BackupOptions struct {
	Incremental  bool   // changes since the chain's previous element
	Differential bool   // changes since the chain's full backup
	Uncompressed bool   // store chunks uncompressed (PBT_UNCOMPRESSED)
	Description  string // free text, shown in the tree
	Directory    string // repository directory (absolute); "" for the default
}

// Backup backs up vm (PrlSrv_CreateVmBackupEx) and gives the new backup's id:
// "{uuid}" for a full backup, "{uuid}.N" for the N-th element of its chain.
// Progress arrives as PET_DSP_EVT_BACKUP_PROGRESS_CHANGED events (see Events).
func (s *Server) Backup(ctx context.Context, vm *VM, opts *BackupOptions) (string, error) {
	defer keepAlive(s.h)
	if opts == nil {
		opts = &BackupOptions{}
	}
	flags := PBT_FULL
	switch {
	case opts.Incremental && opts.Differential:
		flags = PBT_INCREMENTAL | PBT_DIFFERENTIAL // the SDK refuses it with PRL_ERR_INVALID_PARAM
	case opts.Incremental:
		flags = PBT_INCREMENTAL
	case opts.Differential:
		flags = PBT_DIFFERENTIAL
	}
	if opts.Uncompressed {
		flags |= PBT_UNCOMPRESSED
	}
	uuid, done := cstring(vm.UUID())
	defer done()
	desc, done2 := cstring(opts.Description)
	defer done2()
	extra := newBackupParam(opts.Directory)
	defer extra.free()
	r, err := run(ctx, "PrlSrv_CreateVmBackupEx", func() C.uintptr_t {
		return C.go_PrlSrv_CreateVmBackupEx(s.h.get(), uuid, nil, 0, nil, desc, C.PRL_UINT32(flags), 0, C.PRL_FALSE, extra.p)
	})
	if err != nil {
		return "", err
	}
	defer r.close()
	br, err := resultParam(r, 1)
	if err != nil {
		return "", err
	}
	defer br.close()
	return getString("PrlBackupResult_GetBackupUuid", func(b *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
		return C.go_PrlBackupResult_GetBackupUuid(br.get(), b, n)
	})
}

// TreeFilter selects what BackupTree lists. The zero value lists the backups
// of every VM in the default repository.
type TreeFilter struct {
	VM         string // only this VM's (or container's) backups, by UUID
	Containers bool   // containers instead of VMs (PBT_CT)
	Backup     string // only this backup (an incremental id brings its full element too)
	Chain      bool   // with Backup: that backup and the rest of its chain (PBT_CHAIN)
	Directory  string // repository directory; "" for the default
}

// BackupTree lists backups (PrlSrv_GetBackupTreeEx) and parses the tree.
func (s *Server) BackupTree(ctx context.Context, filter *TreeFilter) (*BackupTree, error) {
	defer keepAlive(s.h)
	if filter == nil {
		filter = &TreeFilter{}
	}
	id, flags := filter.VM, PBT_VM
	if filter.Containers {
		flags = PBT_CT
	}
	if filter.Backup != "" || filter.Chain {
		if filter.VM != "" {
			return nil, &Error{Code: int32(PRL_ERR_INVALID_PARAM), Op: "PrlSrv_GetBackupTreeEx",
				Text: "a tree filter takes a VM or a backup, not both"}
		}
		id, flags = filter.Backup, PBT_BACKUP_ID
		if filter.Chain {
			flags = PBT_CHAIN
		}
	}
	cid, done := cstring(id)
	defer done()
	extra := newBackupParam(filter.Directory)
	defer extra.free()
	r, err := run(ctx, "PrlSrv_GetBackupTreeEx", func() C.uintptr_t {
		return C.go_PrlSrv_GetBackupTreeEx(s.h.get(), cid, nil, 0, nil, C.PRL_UINT32(flags), 0, C.PRL_FALSE, extra.p)
	})
	if err != nil {
		return nil, err
	}
	defer r.close()
	text, err := resultString(r, 0)
	if err != nil {
		return nil, err
	}
	return ParseBackupTree([]byte(text))
}

// RestoreOptions say what Restore makes. The zero value (or nil) restores the
// backup over the VM it was made of, which must be stopped.
type RestoreOptions struct {
	VM        string // the backed-up VM's UUID; needed only when the backup id is empty (its latest backup)
	Name      string // restore as a new VM of this name (PBT_RESTORE_TO_COPY)
	AsCopy    bool   // restore as a new VM even without a Name
	TargetDir string // directory for the restored VM's bundle; "" for the default
	Directory string // repository directory; "" for the default
}

// Restore restores the backup id (PrlSrv_RestoreVmBackupEx) and gives the
// restored VM.
func (s *Server) Restore(ctx context.Context, id string, opts *RestoreOptions) (*VM, error) {
	defer keepAlive(s.h)
	if opts == nil {
		opts = &RestoreOptions{}
	}
	var flags BackupFlags
	if opts.AsCopy || opts.Name != "" {
		flags |= PBT_RESTORE_TO_COPY
	}
	vmUUID, d1 := cstring(opts.VM)
	defer d1()
	cid, d2 := cstring(id)
	defer d2()
	home, d3 := cstring(opts.TargetDir)
	defer d3()
	name, d4 := cstring(opts.Name)
	defer d4()
	extra := newBackupParam(opts.Directory)
	defer extra.free()
	r, err := run(ctx, "PrlSrv_RestoreVmBackupEx", func() C.uintptr_t {
		return C.go_PrlSrv_RestoreVmBackupEx(s.h.get(), vmUUID, cid, nil, 0, nil, home, name, C.PRL_UINT32(flags), 0,
			C.PRL_FALSE, extra.p)
	})
	if err != nil {
		return nil, err
	}
	restored, err := resultString(r, 0)
	r.close()
	if err != nil {
		return nil, err
	}
	return s.FindVM(ctx, restored)
}

// RemoveOptions tune RemoveBackup.
type RemoveOptions struct {
	VM              string // with an empty backup id: remove all of this VM's backups
	KeepChain       bool   // remove only that element; later ones stay restorable (PBT_KEEP_CHAIN)
	IgnoreNotExists bool   // a missing backup is not an error (PBT_IGNORE_NOT_EXISTS)
	Directory       string // repository directory; "" for the default
}

// RemoveBackup removes the backup id and, unless opts.KeepChain, the rest of
// its chain (PrlSrv_RemoveVmBackupEx).
func (s *Server) RemoveBackup(ctx context.Context, id string, opts *RemoveOptions) error {
	defer keepAlive(s.h)
	if opts == nil {
		opts = &RemoveOptions{}
	}
	var flags BackupFlags
	if opts.KeepChain {
		flags |= PBT_KEEP_CHAIN
	}
	if opts.IgnoreNotExists {
		flags |= PBT_IGNORE_NOT_EXISTS
	}
	vmUUID, d1 := cstring(opts.VM)
	defer d1()
	cid, d2 := cstring(id)
	defer d2()
	extra := newBackupParam(opts.Directory)
	defer extra.free()
	r, err := run(ctx, "PrlSrv_RemoveVmBackupEx", func() C.uintptr_t {
		return C.go_PrlSrv_RemoveVmBackupEx(s.h.get(), vmUUID, cid, nil, 0, nil, C.PRL_UINT32(flags), 0, C.PRL_FALSE, extra.p)
	})
	r.close()
	return err
}

// BackupTree is the parsed result of Server.BackupTree (root BackupTree).
type BackupTree struct {
	XMLName xml.Name   `xml:"BackupTree"`
	VMs     []BackupVM `xml:"VmItem"`
}

// BackupVM is one VM or container with backups (VmItem).
type BackupVM struct {
	Type    int      `xml:"VmType"` // 0 a virtual machine, 1 a container
	UUID    string   `xml:"Uuid"`
	Name    string   `xml:"Name"`
	Version int      `xml:"Version"`
	Backups []Backup `xml:"BackupItem"` // full backups, each with its chain, oldest first
}

// BackupElement holds what every element of a chain has.
type BackupElement struct {
	ID           string       `xml:"Id"`
	Host         string       `xml:"Host"`
	ServerUUID   string       `xml:"ServerUuid"`
	DateTime     DateTime     `xml:"DateTime"`
	Creator      string       `xml:"Creator"`
	Size         uint64       `xml:"Size"` // bytes stored
	Type         string       `xml:"Type"` // "f" full, "i" a later element
	Description  string       `xml:"Description"`
	OriginalSize uint64       `xml:"OriginalSize"`
	Flags        uint32       `xml:"Flags"`
	Disks        []BackupDisk `xml:"BackupDisks>BackupDisk"`
}

// Backup is a full backup and the rest of its chain (BackupItem).
type Backup struct {
	UUID string `xml:"Uuid"`
	BackupElement
	Partials   []PartialBackup `xml:"PartialBackupItem"`
	LastNumber int             `xml:"LastNumber"`
}

// PartialBackup is an incremental or differential element (PartialBackupItem).
type PartialBackup struct {
	Number int `xml:"Number"`
	BackupElement
}

// BackupDisk is one disk in a backup.
type BackupDisk struct {
	Name         string `xml:"Name"`
	OriginalPath string `xml:"OriginalPath"`
	Size         uint64 `xml:"Size"`
	Encryption   string `xml:"Encryption"` // empty for an unencrypted disk
}

// DateTime is an xs:dateTime; without a zone it is taken as UTC.
type DateTime struct{ time.Time }

// UnmarshalText parses an xs:dateTime.
func (t *DateTime) UnmarshalText(b []byte) error {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if v, err := time.Parse(layout, string(b)); err == nil {
			t.Time = v
			return nil
		}
	}
	return &time.ParseError{Layout: time.RFC3339, Value: string(b), Message: ": not an xs:dateTime"}
}

// MarshalText writes RFC 3339.
func (t DateTime) MarshalText() ([]byte, error) { return []byte(t.UTC().Format(time.RFC3339)), nil }

// ParseBackupTree parses a backup tree document.
func ParseBackupTree(doc []byte) (*BackupTree, error) {
	t := &BackupTree{}
	if err := xml.Unmarshal(doc, t); err != nil {
		return nil, err
	}
	return t, nil
}

// Elements lists every element of the tree in order (VM by VM): each full
// backup followed by the rest of its chain.
func (t *BackupTree) Elements() []BackupElement {
	var out []BackupElement
	for _, vm := range t.VMs {
		for _, b := range vm.Backups {
			out = append(out, b.BackupElement)
			for _, p := range b.Partials {
				out = append(out, p.BackupElement)
			}
		}
	}
	return out
}
