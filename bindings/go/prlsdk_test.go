package prlsdk_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"prlshim/prlsdk"
)

// TestMain initialises the SDK once, logs to a file and, after the tests,
// checks that the library reports no leaked handle at Deinit (the finalizers
// get a chance to run first).
func TestMain(m *testing.M) {
	logDir, err := os.MkdirTemp("", "prlsdk-go-log-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer os.RemoveAll(logDir)
	if err := prlsdk.Init(); err != nil {
		fmt.Fprintln(os.Stderr, "Init:", err)
		os.Exit(2)
	}
	logPath := filepath.Join(logDir, "sdk.log")
	if err := prlsdk.SetLogPath(logPath); err != nil {
		fmt.Fprintln(os.Stderr, "SetLogPath:", err)
		os.Exit(2)
	}
	code := m.Run()
	for i := 0; i < 3; i++ {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if err := prlsdk.Deinit(); err != nil {
		fmt.Fprintln(os.Stderr, "Deinit:", err)
		code = 1
	}
	if log, err := os.ReadFile(logPath); err == nil {
		for _, line := range strings.Split(string(log), "\n") {
			if strings.Contains(line, "leaked") {
				fmt.Fprintln(os.Stderr, "handle leak:", line)
				code = 1
			}
		}
	}
	os.Exit(code)
}

// session gives a logged-in server on a fresh PRLSHIM_HOME.
func session(t *testing.T) (*prlsdk.Server, context.Context) {
	t.Helper()
	t.Setenv("PRLSHIM_HOME", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	srv, err := prlsdk.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.LoginLocal(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Logoff(context.Background()); err != nil {
			t.Error(err)
		}
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
		cancel()
	})
	return srv, ctx
}

func mustVM(t *testing.T, ctx context.Context, srv *prlsdk.Server, name string, opts *prlsdk.CreateOptions) *prlsdk.VM {
	t.Helper()
	vm, err := srv.CreateVM(ctx, name, opts)
	if err != nil {
		t.Fatalf("CreateVM %s: %v", name, err)
	}
	t.Cleanup(func() { vm.Close() })
	return vm
}

func imageOf(t *testing.T, vm *prlsdk.VM) string {
	t.Helper()
	disks, err := vm.Disks()
	if err != nil {
		t.Fatal(err)
	}
	if len(disks) != 1 || !filepath.IsAbs(disks[0].ImagePath) {
		t.Fatalf("disks: %+v", disks)
	}
	return disks[0].ImagePath
}

func writeAt(t *testing.T, path string, off int64, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(data, off); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	rng.Read(b)
	return b
}

const mib = 1 << 20

func TestBackupIncrementalTreeRestore(t *testing.T) {
	srv, ctx := session(t)
	events, err := srv.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vm := mustVM(t, ctx, srv, "go-backup-vm", &prlsdk.CreateOptions{DiskSizeMB: 16})
	image := imageOf(t, vm)
	rng := rand.New(rand.NewSource(7))
	writeAt(t, image, 0, randomBytes(rng, 2*mib))
	writeAt(t, image, 8*mib, bytes.Repeat([]byte{'L'}, mib))
	before := readAll(t, image)

	full, err := srv.Backup(ctx, vm, &prlsdk.BackupOptions{Description: "first"})
	if err != nil {
		t.Fatal(err)
	}
	if len(full) != 38 || full[0] != '{' {
		t.Fatalf("full backup id %q", full)
	}
	for i := 0; i < 20; i++ {
		writeAt(t, image, int64(rng.Intn(4096))*4096, randomBytes(rng, 4096))
	}
	after := readAll(t, image)
	inc, err := srv.Backup(ctx, vm, &prlsdk.BackupOptions{Incremental: true})
	if err != nil {
		t.Fatal(err)
	}
	if inc != full+".2" {
		t.Fatalf("incremental id %q after %q", inc, full)
	}

	tree, err := srv.BackupTree(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.VMs) != 1 || tree.VMs[0].UUID != vm.UUID() || tree.VMs[0].Name != "go-backup-vm" || tree.VMs[0].Type != 0 {
		t.Fatalf("tree VMs: %+v", tree.VMs)
	}
	b := tree.VMs[0].Backups
	if len(b) != 1 || b[0].ID != full || b[0].Type != "f" || b[0].Description != "first" || len(b[0].Partials) != 1 {
		t.Fatalf("tree backups: %+v", b)
	}
	p := b[0].Partials[0]
	if p.ID != inc || p.Number != 2 || p.Type != "i" || b[0].LastNumber != 2 {
		t.Fatalf("partial: %+v", p)
	}
	if b[0].DateTime.IsZero() || time.Since(b[0].DateTime.Time) > time.Hour || len(b[0].Disks) != 1 ||
		b[0].Disks[0].Size == 0 || b[0].Size == 0 || p.Size >= b[0].Size {
		t.Fatalf("full element: %+v", b[0].BackupElement)
	}
	if ids := tree.Elements(); len(ids) != 2 || ids[0].ID != full || ids[1].ID != inc {
		t.Fatalf("elements: %+v", ids)
	}
	one, err := srv.BackupTree(ctx, &prlsdk.TreeFilter{Backup: inc})
	if err != nil || len(one.VMs) != 1 || len(one.VMs[0].Backups) != 1 || len(one.VMs[0].Backups[0].Partials) != 1 {
		t.Fatalf("tree of %s: %+v %v", inc, one, err)
	}
	if cts, err := srv.BackupTree(ctx, &prlsdk.TreeFilter{Containers: true}); err != nil || len(cts.VMs) != 0 {
		t.Fatalf("container tree: %+v %v", cts, err)
	}

	// Restore each element to a copy: bit for bit what the disk held.
	for _, c := range []struct {
		id, name string
		want     []byte
	}{{full, "copy-full", before}, {inc, "copy-inc", after}} {
		restored, err := srv.Restore(ctx, c.id, &prlsdk.RestoreOptions{Name: c.name})
		if err != nil {
			t.Fatalf("restore %s: %v", c.id, err)
		}
		if restored.UUID() == vm.UUID() {
			t.Fatalf("restored over the original")
		}
		if name, _ := restored.Name(); name != c.name {
			t.Fatalf("restored VM named %q", name)
		}
		if got := readAll(t, imageOf(t, restored)); !bytes.Equal(got, c.want) {
			t.Fatalf("restore of %s: the bytes differ", c.id)
		}
		restored.Close()
	}

	// Restore over the original: stopped only.
	writeAt(t, image, 0, []byte("garbage"))
	if err := vm.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Restore(ctx, full, nil); !errors.Is(err, prlsdk.ErrRestoreVMRunning) {
		t.Fatalf("restore over a running VM: %v", err)
	}
	if err := vm.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := srv.Restore(ctx, full, nil)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if !bytes.Equal(readAll(t, image), before) {
		t.Fatal("restore over the original: the bytes differ")
	}

	// Remove the incremental, then fail to remove it again.
	if err := srv.RemoveBackup(ctx, inc, nil); err != nil {
		t.Fatal(err)
	}
	if tree, err := srv.BackupTree(ctx, nil); err != nil || len(tree.VMs[0].Backups[0].Partials) != 0 {
		t.Fatalf("after remove: %+v %v", tree, err)
	}
	err = srv.RemoveBackup(ctx, inc, nil)
	if !errors.Is(err, prlsdk.ErrBackupNotFound) {
		t.Fatalf("removing a removed backup: %v", err)
	}
	if err := srv.RemoveBackup(ctx, inc, &prlsdk.RemoveOptions{IgnoreNotExists: true}); err != nil {
		t.Fatal(err)
	}

	// The backup events came through the channel.
	finished, progress := 0, 0
	deadline := time.After(5 * time.Second)
	for finished < 2 {
		select {
		case e := <-events:
			switch e.Type {
			case prlsdk.PET_DSP_EVT_CREATE_BACKUP_FINISHED:
				finished++
				if e.IssuerID != vm.UUID() {
					t.Errorf("backup event issued by %q", e.IssuerID)
				}
			case prlsdk.PET_DSP_EVT_BACKUP_PROGRESS_CHANGED:
				if pct, ok := e.Progress(); !ok || pct < 0 || pct > 100 {
					t.Errorf("progress event %+v", e)
				}
				progress++
			}
		case <-deadline:
			t.Fatalf("%d backup-finished events, %d progress events", finished, progress)
		}
	}
	if progress == 0 {
		t.Error("no progress event")
	}
}

func TestSeparateRepository(t *testing.T) {
	srv, ctx := session(t)
	vm := mustVM(t, ctx, srv, "go-repo-vm", &prlsdk.CreateOptions{DiskSizeMB: 4})
	dir := filepath.Join(t.TempDir(), "repo")
	id, err := srv.Backup(ctx, vm, &prlsdk.BackupOptions{Directory: dir, Uncompressed: true})
	if err != nil {
		t.Fatal(err)
	}
	if tree, err := srv.BackupTree(ctx, nil); err != nil || len(tree.VMs) != 0 {
		t.Fatalf("default repository: %+v %v", tree, err)
	}
	tree, err := srv.BackupTree(ctx, &prlsdk.TreeFilter{Directory: dir})
	if err != nil || len(tree.Elements()) != 1 || tree.Elements()[0].ID != id {
		t.Fatalf("separate repository: %+v %v", tree, err)
	}
	if err := srv.RemoveBackup(ctx, id, &prlsdk.RemoveOptions{Directory: dir}); err != nil {
		t.Fatal(err)
	}
}

func TestBackupCancelledThroughContext(t *testing.T) {
	srv, ctx := session(t)
	vm := mustVM(t, ctx, srv, "go-cancel-vm", &prlsdk.CreateOptions{DiskSizeMB: 48})
	image := imageOf(t, vm)
	rng := rand.New(rand.NewSource(5))
	chunk := randomBytes(rng, mib)
	for off := 0; off < 48*mib; off += mib {
		chunk[0], chunk[1] = byte(off>>20), byte(off>>28)
		writeAt(t, image, int64(off), chunk)
	}

	// A context done before the call: nothing starts.
	done, cancelNow := context.WithCancel(ctx)
	cancelNow()
	if _, err := srv.Backup(done, vm, nil); !errors.Is(err, context.Canceled) || !errors.Is(err, prlsdk.ErrCanceled) {
		t.Fatalf("backup with a done context: %v", err)
	}

	// Cancelled at the first progress event.
	events, err := srv.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for e := range events {
			if e.Type == prlsdk.PET_DSP_EVT_BACKUP_PROGRESS_CHANGED {
				cancel()
			}
		}
	}()
	start := time.Now()
	id, err := srv.Backup(bctx, vm, nil)
	tree, terr := srv.BackupTree(ctx, nil)
	if terr != nil {
		t.Fatal(terr)
	}
	if err == nil {
		// It finished before the cancel reached it: then it is listed.
		t.Logf("the backup finished before the cancel (%v)", time.Since(start))
		if len(tree.Elements()) != 1 || tree.Elements()[0].ID != id {
			t.Fatalf("tree: %+v", tree)
		}
		return
	}
	var perr *prlsdk.Error
	if !errors.As(err, &perr) || perr.Code != int32(prlsdk.PRL_ERR_OPERATION_WAS_CANCELED) ||
		!errors.Is(err, context.Canceled) || !errors.Is(err, prlsdk.ErrCanceled) {
		t.Fatalf("cancelled backup: %v", err)
	}
	if len(tree.VMs) != 0 {
		t.Fatalf("a cancelled backup is listed: %+v", tree)
	}
	t.Logf("cancelled after %v: %v", time.Since(start), err)
}

func TestEventsPowerStates(t *testing.T) {
	srv, ctx := session(t)
	ectx, stop := context.WithCancel(ctx)
	events, err := srv.Events(ectx)
	if err != nil {
		t.Fatal(err)
	}
	vm := mustVM(t, ctx, srv, "go-power-vm", nil)
	if st, err := vm.State(ctx); err != nil || st != prlsdk.VMS_STOPPED {
		t.Fatalf("state %v %v", st, err)
	}
	for _, op := range []func(context.Context) error{vm.Start, vm.Pause, vm.Resume} {
		if err := op(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := vm.State(ctx); err != nil || st != prlsdk.VMS_RUNNING {
		t.Fatalf("state %v %v", st, err)
	}
	if err := vm.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	want := []prlsdk.VMState{prlsdk.VMS_STARTING, prlsdk.VMS_RUNNING, prlsdk.VMS_PAUSING, prlsdk.VMS_PAUSED,
		prlsdk.VMS_CONTINUING, prlsdk.VMS_RUNNING, prlsdk.VMS_STOPPING, prlsdk.VMS_STOPPED}
	var got []prlsdk.VMState
	added := false
	timeout := time.After(5 * time.Second)
	for len(got) < len(want) {
		select {
		case e := <-events:
			if e.Type == prlsdk.PET_DSP_EVT_VM_ADDED && e.IssuerID == vm.UUID() {
				added = true
			}
			if e.Type == prlsdk.PET_DSP_EVT_VM_STATE_CHANGED && e.IssuerID == vm.UUID() {
				st, ok := e.State()
				if !ok {
					t.Fatalf("state event without a state: %+v", e)
				}
				got = append(got, st)
			}
		case <-timeout:
			t.Fatalf("states %v, want %v", got, want)
		}
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("states %v, want %v", got, want)
		}
	}
	if !added {
		t.Error("no PET_DSP_EVT_VM_ADDED")
	}
	// Cancelling the context closes the channel.
	stop()
	closed := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return
			}
		case <-closed:
			t.Fatal("the channel stayed open")
		}
	}
}

func TestEventsSlowConsumerDropsAndCounts(t *testing.T) {
	srv, ctx := session(t)
	ectx, stop := context.WithCancel(ctx)
	defer stop()
	events, err := srv.EventsBuffered(ectx, 1)
	if err != nil {
		t.Fatal(err)
	}
	vm := mustVM(t, ctx, srv, "go-slow-vm", nil)
	for i := 0; i < 3; i++ {
		if err := vm.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := vm.Stop(ctx); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.DroppedEvents() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if srv.DroppedEvents() == 0 {
		t.Fatal("nothing dropped with a full buffer")
	}
	if e, ok := <-events; !ok || e.Type == 0 {
		t.Fatalf("the buffered event: %+v %v", e, ok)
	}
	// Cancelling the context closes the channel.
	stop()
	for range events {
	}
}

func TestCloseClosesEventChannels(t *testing.T) {
	t.Setenv("PRLSHIM_HOME", t.TempDir())
	srv, err := prlsdk.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	events, err := srv.Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-events; ok {
		t.Fatal("an event after Close")
	}
	if _, err := srv.Events(context.Background()); !errors.Is(err, prlsdk.ErrInvalidArg) {
		t.Fatalf("Events of a closed server: %v", err)
	}
}

func TestLifecycleAndConfig(t *testing.T) {
	srv, ctx := session(t)
	vm := mustVM(t, ctx, srv, "go-life-vm", &prlsdk.CreateOptions{DiskSizeMB: 8, RAMMB: 1024, CPUs: 2, Description: "made by go"})
	ct := mustVM(t, ctx, srv, "go-life-ct", &prlsdk.CreateOptions{Container: true})
	if len(vm.UUID()) != 38 || vm.UUID() == ct.UUID() {
		t.Fatalf("uuids %q %q", vm.UUID(), ct.UUID())
	}
	if typ, err := ct.Type(); err != nil || typ != prlsdk.PVT_CT {
		t.Fatalf("container type %v %v", typ, err)
	}
	if ram, err := vm.RAM(); err != nil || ram != 1024 {
		t.Fatalf("RAM %d %v", ram, err)
	}
	if n, err := vm.CPUs(); err != nil || n != 2 {
		t.Fatalf("CPUs %d %v", n, err)
	}
	if d, err := vm.Description(); err != nil || d != "made by go" {
		t.Fatalf("description %q %v", d, err)
	}
	if disks, err := vm.Disks(); err != nil || len(disks) != 1 || disks[0].SizeMB != 8 {
		t.Fatalf("disks %+v %v", disks, err)
	}
	if home, err := vm.HomePath(); err != nil || !filepath.IsAbs(home) {
		t.Fatalf("home %q %v", home, err)
	}

	vms, err := srv.VMs(ctx)
	if err != nil || len(vms) != 2 {
		t.Fatalf("VMs: %d %v", len(vms), err)
	}
	for _, v := range vms {
		v.Close()
	}

	// Edit and commit; another handle sees the change.
	err = vm.Update(ctx, func() error {
		if err := vm.SetRAM(2048); err != nil {
			return err
		}
		if err := vm.SetCPUs(4); err != nil {
			return err
		}
		return vm.SetName("go-life-vm2")
	})
	if err != nil {
		t.Fatal(err)
	}
	// An edit that fails stores nothing and leaves the handle as stored.
	refused := errors.New("refused")
	if err := vm.Update(ctx, func() error { vm.SetRAM(4096); return refused }); err != refused {
		t.Fatalf("failed edit: %v", err)
	}
	if ram, err := vm.RAM(); err != nil || ram != 2048 {
		t.Fatalf("RAM after a failed edit: %d %v", ram, err)
	}
	found, err := srv.FindVM(ctx, "go-life-vm2")
	if err != nil {
		t.Fatal(err)
	}
	if ram, _ := found.RAM(); ram != 2048 || found.UUID() != vm.UUID() {
		t.Fatalf("found %s with %d MB", found.UUID(), ram)
	}
	if n, _ := found.CPUs(); n != 4 {
		t.Fatalf("found %d CPUs", n)
	}
	found.Close()
	byUUID, err := srv.FindVM(ctx, ct.UUID())
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := byUUID.Name(); name != "go-life-ct" {
		t.Fatalf("found %q by UUID", name)
	}
	byUUID.Close()

	// Unregister keeps the files, Delete removes them.
	ctHome, _ := ct.HomePath()
	vmHome, _ := vm.HomePath()
	if err := ct.Unregister(ctx); err != nil {
		t.Fatal(err)
	}
	if err := vm.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ctHome); err != nil {
		t.Fatalf("unregistered container's files: %v", err)
	}
	if _, err := os.Stat(vmHome); !os.IsNotExist(err) {
		t.Fatalf("deleted VM's files: %v", err)
	}
	if vms, err := srv.VMs(ctx); err != nil || len(vms) != 0 {
		t.Fatalf("VMs after: %d %v", len(vms), err)
	}
}

func TestErrorsCarryTheCode(t *testing.T) {
	// Before login.
	t.Setenv("PRLSHIM_HOME", t.TempDir())
	ctx := context.Background()
	srv, err := prlsdk.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	_, err = srv.VMs(ctx)
	if !errors.Is(err, prlsdk.ErrNotConnected) {
		t.Fatalf("VMs before login: %v", err)
	}
	srv.Close()

	srv, ctx = session(t)
	_, err = srv.FindVM(ctx, "no-such-vm")
	var perr *prlsdk.Error
	if !errors.As(err, &perr) {
		t.Fatalf("not an *Error: %#v", err)
	}
	if perr.Code != int32(prlsdk.PRL_ERR_VM_UUID_NOT_FOUND) || perr.Text == "" || perr.Op != "PrlSrv_GetVmConfig" ||
		!errors.Is(err, prlsdk.ErrVMNotFound) || !errors.Is(err, prlsdk.PRL_ERR_VM_UUID_NOT_FOUND) ||
		errors.Is(err, prlsdk.ErrBackupNotFound) || perr.Result().String() != "PRL_ERR_VM_UUID_NOT_FOUND" {
		t.Fatalf("FindVM of a missing VM: %#v", perr)
	}
	if !strings.Contains(err.Error(), "PRL_ERR_VM_UUID_NOT_FOUND") || !strings.Contains(err.Error(), perr.Text) {
		t.Fatalf("message %q", err.Error())
	}
	if _, err := srv.FindVM(ctx, "{00000000-0000-0000-0000-000000000000}"); !errors.Is(err, prlsdk.ErrVMNotFound) {
		t.Fatalf("FindVM of a missing UUID: %v", err)
	}

	vm := mustVM(t, ctx, srv, "go-err-vm", &prlsdk.CreateOptions{DiskSizeMB: 1})
	if _, err := srv.CreateVM(ctx, "go-err-vm", nil); !errors.Is(err, prlsdk.ErrVMNameTaken) {
		t.Fatalf("second VM of one name: %v", err)
	}
	if err := vm.Pause(ctx); !errors.Is(err, prlsdk.ErrVMNotStarted) {
		t.Fatalf("pausing a stopped VM: %v", err)
	}
	if err := vm.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := vm.Delete(ctx); !errors.Is(err, prlsdk.ErrVMNotStopped) {
		t.Fatalf("deleting a running VM: %v", err)
	}
	if err := vm.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Backup(ctx, vm, &prlsdk.BackupOptions{Incremental: true, Differential: true}); !errors.Is(err, prlsdk.ErrInvalidParam) {
		t.Fatalf("incremental and differential: %v", err)
	}
	if _, err := srv.BackupTree(ctx, &prlsdk.TreeFilter{Chain: true}); !errors.Is(err, prlsdk.ErrInvalidParam) {
		t.Fatalf("chain without an id: %v", err)
	}
	if _, err := srv.Restore(ctx, "{12345678-1234-1234-1234-123456789abc}", nil); !errors.Is(err, prlsdk.ErrBackupNotFound) {
		t.Fatalf("restore of a missing backup: %v", err)
	}
	if _, err := srv.Backup(ctx, vm, &prlsdk.BackupOptions{Directory: "relative/dir"}); !errors.Is(err, prlsdk.ErrInvalidArg) {
		t.Fatalf("relative repository: %v", err)
	}

	// A closed handle: PRL_ERR_INVALID_ARG, no crash; Close twice is fine.
	if err := vm.Close(); err != nil {
		t.Fatal(err)
	}
	if err := vm.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := vm.Name(); !errors.Is(err, prlsdk.ErrInvalidArg) {
		t.Fatalf("Name of a closed VM: %v", err)
	}
	if err := vm.Start(ctx); !errors.Is(err, prlsdk.ErrInvalidArg) {
		t.Fatalf("Start of a closed VM: %v", err)
	}
}

func TestFinalizersReleaseForgottenHandles(t *testing.T) {
	srv, ctx := session(t)
	mustVM(t, ctx, srv, "go-gc-vm", nil)
	for i := 0; i < 50; i++ {
		vms, err := srv.VMs(ctx) // never closed: the finalizers free them
		if err != nil || len(vms) != 1 {
			t.Fatal(vms, err)
		}
	}
	runtime.GC()
	// TestMain's leak check at Deinit covers what is left.
}

func TestParseBackupTreeDocument(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<BackupTree><VmItem><VmType>1</VmType><Uuid>{a}</Uuid><Name>ct</Name><Version>1</Version>
<BackupItem><Uuid>{b}</Uuid><Id>{b}</Id><Host>h</Host><ServerUuid>{s}</ServerUuid><DateTime>2024-02-03T04:05:06</DateTime>
<Creator>me</Creator><Size>10</Size><Type>f</Type><Description>d</Description>
<PartialBackupItem><Number>2</Number><Id>{b}.2</Id><Host>h</Host><ServerUuid>{s}</ServerUuid><DateTime>2024-02-03T05:05:06Z</DateTime>
<Creator>me</Creator><Size>3</Size><Type>i</Type><Description/><OriginalSize>100</OriginalSize><Flags>4096</Flags><BackupDisks/></PartialBackupItem>
<OriginalSize>100</OriginalSize><Flags>2048</Flags><LastNumber>2</LastNumber>
<BackupDisks><BackupDisk><Name>root</Name><OriginalPath>/x</OriginalPath><Size>100</Size><Encryption/></BackupDisk></BackupDisks>
</BackupItem></VmItem></BackupTree>`
	tree, err := prlsdk.ParseBackupTree([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	b := tree.VMs[0].Backups[0]
	if tree.VMs[0].Type != 1 || b.ID != "{b}" || b.Flags != 2048 || b.LastNumber != 2 || b.Disks[0].OriginalPath != "/x" ||
		!b.DateTime.Equal(time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)) || b.Partials[0].Number != 2 ||
		b.Partials[0].OriginalSize != 100 || b.Partials[0].DateTime.Hour() != 5 {
		t.Fatalf("%+v", tree)
	}
	if _, err := prlsdk.ParseBackupTree([]byte("<BackupTree><VmItem><BackupItem><DateTime>yesterday</DateTime></BackupItem></VmItem></BackupTree>")); err == nil {
		t.Fatal("a bad date parsed")
	}
}

func TestGeneratedNames(t *testing.T) {
	if s := prlsdk.Result(int32(prlsdk.PRL_ERR_VM_UUID_NOT_FOUND)).String(); s != "PRL_ERR_VM_UUID_NOT_FOUND" {
		t.Fatal(s)
	}
	if s := prlsdk.VMS_RUNNING.String(); s != "VMS_RUNNING" {
		t.Fatal(s)
	}
	if s := prlsdk.VMState(-5).String(); s != "VMState(-5)" {
		t.Fatal(s)
	}
	if !prlsdk.PRL_ERR_INVALID_ARG.Failed() || prlsdk.PRL_ERR_SUCCESS.Failed() {
		t.Fatal("Failed")
	}
	if d := prlsdk.Describe(prlsdk.PRL_ERR_UNIMPLEMENTED, true); d == "" {
		t.Fatal("no description")
	}
}
