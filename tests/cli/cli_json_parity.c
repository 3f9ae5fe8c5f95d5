/* cli_json_parity - volumectl's --output json and the gateway render every
 * message the same way: the same keys in the same order and the same
 * values, for each object with its optional fields set and unset (no
 * description, no rootfs volume, never scanned, a kernel image, an empty
 * scan) and for a file name that is not UTF-8. Both renderers, side by
 * side, without a network. */
#include <stdlib.h>
#include <string.h>

#include "json.h" /* volumectl's: ctl_json_* */
#include "tcheck.h"

/* The gateway's renderers. Its json.h shares the name with volumectl's, so
 * they are declared here, as the gateway's json.h has them. */
json_t *gw_json_volume(const Volumed__V1__Volume *v);
json_t *gw_json_attachment(const Volumed__V1__Attachment *a);
json_t *gw_json_host(const Volumed__V1__Host *h);
json_t *gw_json_vm(const Volumed__V1__Vm *m);
json_t *gw_json_image(const Volumed__V1__Image *i);
json_t *gw_json_scan(const Volumed__V1__ScanHostResponse *r);

#define ID "336ae2fd-1b83-4c4d-9778-d34d587374f9"
#define HOST "bbab8c75-f516-47ec-987a-828422b2ee5a"

static int compared;

/* Both renderings of one message must be equal, key order included
 * (jansson keeps insertion order; the dumps show it). */
static void same(const char *what, json_t *ctl, json_t *gw)
{
	char *a = json_dumps(ctl, JSON_COMPACT), *b = json_dumps(gw, JSON_COMPACT);
	CHECK(a && b);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "%s differs:\nvolumectl: %s\ngateway:   %s\n", what, a, b);
		th_fail();
	}
	free(a);
	free(b);
	json_decref(ctl);
	json_decref(gw);
	compared++;
}

static void volumes(Volumed__V1__Volume *v, Google__Protobuf__Timestamp *ts)
{
	same("volume, all unset", ctl_json_volume(v), gw_json_volume(v));
	v->id = ID;
	v->name = "Shiro Logic6 (rootfs-bfbb2b86.ext4)";
	v->description = "Rootfs for VM: Shiro Logic6";
	v->path = "/srv/fc/vms/0fa7cf15-f92d-49c7-bfb8-ccdeac8633f5/storage/rootfs-bfbb2b86.ext4";
	v->size_bytes = 52428800;
	v->type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4;
	v->status = VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_ATTACHED;
	v->host_id = HOST;
	v->created_at = ts;
	v->updated_at = ts;
	v->attachment_count = 1;
	same("volume, never scanned", ctl_json_volume(v), gw_json_volume(v));
	v->last_seen_at = ts;
	same("volume, scanned", ctl_json_volume(v), gw_json_volume(v));
	v->missing = true;
	v->status = VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_IN_USE;
	v->type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2;
	same("volume, missing", ctl_json_volume(v), gw_json_volume(v));
}

int main(void)
{
	Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	ts.seconds = 1762159811;
	ts.nanos = 123456789;

	Volumed__V1__Volume v = VOLUMED__V1__VOLUME__INIT;
	volumes(&v, &ts);

	Volumed__V1__Vm m = VOLUMED__V1__VM__INIT;
	m.id = ID;
	m.name = "my-vm";
	m.host_id = HOST;
	m.created_at = &ts;
	same("vm without a rootfs", ctl_json_vm(&m), gw_json_vm(&m));
	m.rootfs_volume_id = ID;
	same("vm with a rootfs", ctl_json_vm(&m), gw_json_vm(&m));

	Volumed__V1__Attachment a = VOLUMED__V1__ATTACHMENT__INIT;
	a.id = ID;
	a.volume_id = ID;
	a.vm_id = ID;
	a.drive_id = "vdb";
	a.read_only = true;
	a.attached_at = &ts;
	same("attachment", ctl_json_attachment(&a), gw_json_attachment(&a));

	Volumed__V1__Host h = VOLUMED__V1__HOST__INIT;
	h.id = HOST;
	h.name = "fc-host-1";
	h.created_at = &ts;
	same("host", ctl_json_host(&h), gw_json_host(&h));

	Volumed__V1__Image im = VOLUMED__V1__IMAGE__INIT;
	im.id = ID;
	im.name = "vmlinux-5.10.bin";
	im.path = "/srv/images/vmlinux-5.10.bin";
	im.size_bytes = 4 << 20;
	im.kind = VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_KERNEL;
	im.host_id = HOST;
	same("kernel image", ctl_json_image(&im), gw_json_image(&im));
	im.name = "alpine-3.18.ext4";
	im.kind = VOLUMED__V1__IMAGE_KIND__IMAGE_KIND_ROOTFS;
	im.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4;
	same("rootfs image", ctl_json_image(&im), gw_json_image(&im));

	Volumed__V1__ScanHostResponse s = VOLUMED__V1__SCAN_HOST_RESPONSE__INIT;
	same("empty scan", ctl_json_scan(&s), gw_json_scan(&s));
	Volumed__V1__Volume *vols[] = {&v, &v};
	/* A file name straight from the disk: bytes that are not UTF-8, a
	 * cut-off sequence at the end, and a newline. */
	char *paths[] = {"/srv/fc/volumes/ok.img", "/srv/fc/volumes/bad\xff\xfe.img",
	                 "/srv/fc/volumes/cut\xc3", "/srv/fc/volumes/nl\nname.img"};
	s.checked = 41;
	s.n_resized = 1;
	s.resized = vols;
	s.n_missing = 2;
	s.missing = vols;
	s.n_unregistered_paths = 4;
	s.unregistered_paths = paths;
	s.n_registered = 1;
	s.registered = vols;
	same("scan", ctl_json_scan(&s), gw_json_scan(&s));
	json_t *j = ctl_json_scan(&s);
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "unregistered_paths"), 1)),
	          "/srv/fc/volumes/bad\xef\xbf\xbd\xef\xbf\xbd.img");
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "unregistered_paths"), 2)),
	          "/srv/fc/volumes/cut\xef\xbf\xbd");
	json_decref(j);

	printf("cli_json_parity: ok (%d objects)\n", compared);
	return 0;
}
