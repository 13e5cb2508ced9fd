/* backup_tree: read PrlSrv_GetBackupTree's XML with libxml2 and print one
 * line per backup: VM name, backup id, type, date, stored size. */
#include "common.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

static const char* child_text(xmlNode* node, const char* name) {
    xmlNode* c;
    for (c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char*)c->name, name) && c->children)
            return (const char*)c->children->content;
    return "";
}

static void print_item(const char* vm, xmlNode* item) {
    printf("%-20s %-42s %s %s %10s\n", vm, child_text(item, "Id"), child_text(item, "Type"),
           child_text(item, "DateTime"), child_text(item, "Size"));
}

int main(void) {
    PRL_HANDLE server = PRL_INVALID_HANDLE, result = PRL_INVALID_HANDLE;
    PRL_UINT32 len = 0;
    xmlDoc* doc;
    xmlNode *vm, *item, *part;
    char* xml;
    PRL_RESULT rc = connect_local(&server);
    if (PRL_FAILED(rc)) return report("login", rc);

    rc = wait_job(PrlSrv_GetBackupTree(server, "", "", 0, "", PBT_VM | PBT_CT, 0, PRL_FALSE), &result);
    if (PRL_FAILED(rc)) return report("PrlSrv_GetBackupTree", rc);
    PrlResult_GetParamAsString(result, NULL, &len); /* the size, NUL included */
    xml = malloc(len);
    if (!xml || PRL_FAILED(PrlResult_GetParamAsString(result, xml, &len))) return 1;

    /* No network and no entity substitution: never let a document reach out. */
    doc = xmlReadMemory(xml, (int)strlen(xml), "tree.xml", NULL, XML_PARSE_NONET);
    if (!doc) return 1;
    for (vm = xmlDocGetRootElement(doc)->children; vm; vm = vm->next) {
        if (vm->type != XML_ELEMENT_NODE) continue;
        for (item = vm->children; item; item = item->next) {
            if (item->type != XML_ELEMENT_NODE || strcmp((const char*)item->name, "BackupItem")) continue;
            print_item(child_text(vm, "Name"), item);
            for (part = item->children; part; part = part->next)
                if (part->type == XML_ELEMENT_NODE && !strcmp((const char*)part->name, "PartialBackupItem"))
                    print_item(child_text(vm, "Name"), part);
        }
    }
    xmlFreeDoc(doc);
    free(xml);
    PrlHandle_Free(result);
    wait_job(PrlSrv_Logoff(server), NULL);
    PrlHandle_Free(server);
    PrlApi_Deinit();
    return 0;
}
