// backup_demo: create a VM with a disk, back it up, list the backups and
// restore the backup as a new VM. Run it with a fresh PRLSHIM_HOME.
package main

import (
	"context"
	"fmt"
	"log"

	"prlshim/prlsdk"
)

func main() {
	ctx := context.Background()
	check(prlsdk.Init())
	defer prlsdk.Deinit()
	srv, err := prlsdk.NewServer()
	check(err)
	defer srv.Close()
	check(srv.LoginLocal(ctx))

	vm, err := srv.CreateVM(ctx, "demo-vm", &prlsdk.CreateOptions{DiskSizeMB: 64})
	check(err)
	id, err := srv.Backup(ctx, vm, &prlsdk.BackupOptions{Description: "first backup"})
	check(err)
	tree, err := srv.BackupTree(ctx, nil)
	check(err)
	for _, b := range tree.Elements() {
		fmt.Printf("%s  %s  %s  %d bytes\n", b.ID, b.DateTime.Format("2006-01-02 15:04:05"), b.Type, b.Size)
	}
	copy, err := srv.Restore(ctx, id, &prlsdk.RestoreOptions{Name: "demo-vm-restored"})
	check(err)
	fmt.Println("restored", id, "as demo-vm-restored", copy.UUID())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
