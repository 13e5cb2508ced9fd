/* prlctl's snapshot commands, replayed call by call (PrlVm.cpp snapshot_*,
 * PrlSnapshot.cpp): snapshot vm1 -n NAME -d DESC, snapshot-list (the tree
 * document), snapshot-switch -i ID, snapshot-delete -i ID [-c].
 * Outcomes: <bundle>/Snapshots.xml and Snapshots/<uuid>/, the disk's bytes
 * after a switch (docs/snapshots.md). */
#include "client.h"

#define VM "vm1"

static char first_id[64], second_id[64];
static char image[1024];

/* The VM's first hard disk image path (for the on-disk checks). */
static int find_image(void) {
    PRL_HANDLE srv, vm, hd;
    PRL_UINT32 len = sizeof image;
    if (cl_open_vm(&srv, VM, &vm, NULL)) return 1;
    MUST(PrlVmCfg_GetHardDisk(vm, 0, &hd));
    MUST(PrlVmDev_GetImagePath(hd, image, &len));
    PrlHandle_Free(hd);
    PrlHandle_Free(vm);
    cl_logoff(srv);
    return 0;
}

/* Writes `byte` over the first MiB of the disk image (the VM "ran"). */
static int scribble(int byte) {
    char block[4096];
    FILE* f = fopen(image, "r+b");
    int i;
    if (!f) return 1;
    memset(block, byte, sizeof block);
    for (i = 0; i < 256; ++i) fwrite(block, 1, sizeof block, f);
    fclose(f);
    return 0;
}

static int first_byte(void) {
    FILE* f = fopen(image, "rb");
    int c;
    if (!f) return -1;
    c = fgetc(f);
    fclose(f);
    return c;
}

/* prlctl snapshot vm1 -n NAME -d DESC (PrlVm::snapshot_create) */
static int cmd_snapshot(const char* name, const char* desc, char* id_out) {
    PRL_HANDLE srv, vm, result;
    PRL_UINT32 len = 64;
    VIRTUAL_MACHINE_STATE state;
    if (cl_open_vm(&srv, VM, &vm, &state)) return 1;
    TRY(PrlVm_RegEventHandler(vm, cl_on_event, NULL));
    JOB(PrlVm_CreateSnapshot(vm, name, desc), &result);
    MUST(PrlResult_GetParamAsString(result, id_out, &len));
    PrlHandle_Free(result);
    TRY(PrlVm_UnregEventHandler(vm, cl_on_event, NULL));
    PrlHandle_Free(vm);
    cl_logoff(srv);
    EXPECT(id_out[0] == '{' && strlen(id_out) == 38);
    EXPECT(cl_file_has(cl_path("vms/" VM ".pvm/Snapshots.xml"), id_out));
    {
        char dir[64];
        snprintf(dir, sizeof dir, "%.36s", id_out + 1);
        EXPECT(cl_exists(cl_path("vms/" VM ".pvm/Snapshots/%s/config.pvs", dir)));
    }
    return 0;
}

/* prlctl snapshot-list vm1 [-t] (PrlVm::snapshot_get_tree): the document
 * names every snapshot and marks `current` as current. */
static int cmd_snapshot_list(const char* current, const char* also) {
    PRL_HANDLE srv, vm, result;
    char tree[16384], want[128];
    PRL_UINT32 len = sizeof tree;
    if (cl_open_vm(&srv, VM, &vm, NULL)) return 1;
    JOB(PrlVm_GetSnapshotsTreeEx(vm, PGST_WITHOUT_SCREENSHOTS), &result);
    MUST(PrlResult_GetParamAsString(result, tree, &len));
    PrlHandle_Free(result);
    PrlHandle_Free(vm);
    cl_logoff(srv);
    EXPECT(strstr(tree, "<VirtuozzoSavedStates>") != NULL);
    snprintf(want, sizeof want, "guid=\"%s\" current=\"yes\"", current);
    EXPECT(strstr(tree, want) != NULL);
    EXPECT(also[0] == 0 || strstr(tree, also) != NULL);
    return 0;
}

/* prlctl snapshot-switch vm1 -i ID (PrlVm::snapshot_switch_to) */
static int cmd_switch(const char* id, int expect_byte) {
    PRL_HANDLE srv, vm;
    VIRTUAL_MACHINE_STATE state;
    if (cl_open_vm(&srv, VM, &vm, &state)) return 1;
    TRY(PrlVm_RegEventHandler(vm, cl_on_event, NULL));
    JOB(PrlVm_SwitchToSnapshotEx(vm, id, 0), NULL);
    TRY(PrlVm_UnregEventHandler(vm, cl_on_event, NULL));
    PrlHandle_Free(vm);
    cl_logoff(srv);
    EXPECT(first_byte() == expect_byte);
    return 0;
}

/* prlctl snapshot-delete vm1 -i ID [-c] (PrlVm::snapshot_delete) */
static int cmd_delete(const char* id, PRL_BOOL children) {
    PRL_HANDLE srv, vm;
    char dir[64];
    if (cl_open_vm(&srv, VM, &vm, NULL)) return 1;
    JOB(PrlVm_DeleteSnapshot(vm, id, children), NULL);
    PrlHandle_Free(vm);
    cl_logoff(srv);
    snprintf(dir, sizeof dir, "%.36s", id + 1);
    EXPECT(!cl_exists(cl_path("vms/" VM ".pvm/Snapshots/%s", dir)));
    return 0;
}

int main(void) {
    if (cl_init("snapshot")) return 2;
    COMMAND("prlctl create vm1 --vmtype vm", cl_create_vm(VM));
    COMMAND("(setup) the disk image and its first MiB", find_image() || scribble('a'));
    COMMAND("prlctl snapshot vm1 -n first -d 'before'", cmd_snapshot("first", "before", first_id));
    COMMAND("(setup) the VM writes its disk", scribble('b'));
    COMMAND("prlctl snapshot vm1 -n second", cmd_snapshot("second", "", second_id));
    COMMAND("prlctl snapshot-list vm1", cmd_snapshot_list(second_id, first_id));
    COMMAND("(setup) the VM writes its disk", scribble('c'));
    COMMAND("prlctl snapshot-switch vm1 -i <first>", cmd_switch(first_id, 'a'));
    COMMAND("prlctl snapshot-list vm1 -t", cmd_snapshot_list(first_id, second_id));
    COMMAND("prlctl snapshot-switch vm1 -i <second>", cmd_switch(second_id, 'b'));
    COMMAND("prlctl snapshot-delete vm1 -i <second>", cmd_delete(second_id, PRL_FALSE));
    COMMAND("prlctl snapshot-list vm1 (the parent is current)", cmd_snapshot_list(first_id, ""));
    COMMAND("prlctl snapshot-delete vm1 -i <first> -c", cmd_delete(first_id, PRL_TRUE));
    COMMAND("(check) no snapshot left, the disk as it was", first_byte() == 'b' ? 0 : 1);
    return cl_finish();
}
