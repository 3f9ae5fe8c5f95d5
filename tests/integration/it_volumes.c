/* it_volumes - every VolumeService RPC through the client library against
 * the real volumed and Postgres: each success path and each error reason. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

int main(void)
{
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	vc_client *c = vc_client_new(vd->addr, NULL);
	vc_status st;

	const char *host = tf_host(c, "host-a");
	const char *vm1 = tf_vm(c, host, "vm-1");
	const char *vm2 = tf_vm(c, host, "vm-2");

	/* CreateVolume: the specification's body, with a path to normalise. */
	Volumed__V1__CreateVolumeRequest cq = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
	cq.name = "Data Volume 1";
	cq.description = "Additional storage for production";
	cq.path = "/srv/fc//volumes/./data-vol-1.ext4";
	cq.size_bytes = 10737418240LL;
	cq.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4;
	cq.host_id = (char *)host;
	Volumed__V1__Volume *v;
	vc_create_volume(c, &cq, &v, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(v->path, "/srv/fc/volumes/data-vol-1.ext4");
	CHECK_STR(v->name, "Data Volume 1");
	CHECK_INT(v->size_bytes, 10737418240LL);
	CHECK_INT(v->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE);
	CHECK_INT(v->attachment_count, 0);
	CHECK(v->created_at && v->created_at->seconds > 1700000000);
	char vol[37];
	snprintf(vol, sizeof vol, "%s", v->id);
	vc_free(v);

	/* Same path again, even spelled differently: DUPLICATE_PATH naming the holder. */
	cq.path = "/srv/fc/volumes/data-vol-1.ext4";
	vc_create_volume(c, &cq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_ALREADY_EXISTS, "DUPLICATE_PATH");
	CHECK_STR(vc_status_meta(&st, "volume_id"), vol);
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM volume"), 1);

	/* Field errors, each naming its field, nothing written. */
	struct {
		const char *field;
		void (*spoil)(Volumed__V1__CreateVolumeRequest *);
	} bad[] = {
		{"name", NULL}, {"path", NULL}, {"size_bytes", NULL}, {"type", NULL}, {"host_id", NULL},
	};
	(void)bad;
	Volumed__V1__CreateVolumeRequest b;
#define EXPECT_INVALID(field, stmt)                                            \
	do {                                                                   \
		b = cq;                                                        \
		b.path = "/srv/fc/volumes/other.ext4";                         \
		stmt;                                                          \
		vc_create_volume(c, &b, &v, NULL, &st);                        \
		CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");   \
		CHECK_STR(vc_status_meta(&st, "field"), field);                \
		CHECK_CONTAINS(st.message, field);                             \
	} while (0)
	EXPECT_INVALID("name", b.name = "");
	EXPECT_INVALID("path", b.path = "relative/x.ext4");
	EXPECT_INVALID("path", b.path = "/srv/../etc/passwd");
	EXPECT_INVALID("path", b.path = "/srv/x\x01.ext4");
	EXPECT_INVALID("size_bytes", b.size_bytes = -1);
	EXPECT_INVALID("size_bytes", b.size_bytes = 0);
	EXPECT_INVALID("type", b.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_UNSPECIFIED);
	EXPECT_INVALID("type", b.type = (Volumed__V1__VolumeType)42);
	EXPECT_INVALID("host_id", b.host_id = "not-a-uuid");
	EXPECT_INVALID("description", b.description = "\x1b[31mred");
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM volume"), 1);

	/* Unknown host: HOST_NOT_FOUND. */
	b = cq;
	b.path = "/srv/fc/volumes/other.ext4";
	char nohost[37];
	th_uuid(nohost);
	b.host_id = nohost;
	vc_create_volume(c, &b, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "HOST_NOT_FOUND");

	/* GetVolume. */
	Volumed__V1__GetVolumeRequest gq = VOLUMED__V1__GET_VOLUME_REQUEST__INIT;
	gq.id = vol;
	vc_get_volume(c, &gq, &v, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(v->description, "Additional storage for production");
	vc_free(v);
	char missing[37];
	th_uuid(missing);
	gq.id = missing;
	vc_get_volume(c, &gq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VOLUME_NOT_FOUND");
	gq.id = "336ae2fd";
	vc_get_volume(c, &gq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "id");

	/* AttachVolume, and a retry of it returns the same attachment. */
	Volumed__V1__AttachVolumeRequest aq = VOLUMED__V1__ATTACH_VOLUME_REQUEST__INIT;
	aq.volume_id = vol;
	aq.vm_id = (char *)vm1;
	aq.drive_id = "vdb";
	Volumed__V1__Attachment *att, *again;
	vc_attach_volume(c, &aq, &att, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(att->volume_id, vol);
	CHECK_STR(att->vm_id, vm1);
	CHECK_STR(att->drive_id, "vdb");
	CHECK(!att->read_only);
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(again->id, att->id);
	vc_free(again);
	CHECK_STR(tf_status(c, vol, NULL), "attached");
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM volume_attachment"), 1);

	/* Same VM, another drive or mode: ALREADY_ATTACHED. */
	aq.drive_id = "vdc";
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_ALREADY_EXISTS, "ALREADY_ATTACHED");
	aq.drive_id = "vdb";
	aq.read_only = true;
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_ALREADY_EXISTS, "ALREADY_ATTACHED");
	aq.read_only = false;

	/* Another VM: ATTACHED_ELSEWHERE naming the holder, read-write or read-only. */
	aq.vm_id = (char *)vm2;
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "ATTACHED_ELSEWHERE");
	CHECK_CONTAINS(st.message, vm1);
	CHECK_STR(vc_status_meta(&st, "vm_id"), vm1);
	aq.read_only = true;
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "ATTACHED_ELSEWHERE");
	aq.read_only = false;

	/* The drive is taken on vm1 by our volume: another volume there is DRIVE_IN_USE. */
	const char *vol2 = tf_volume(c, host, "/srv/fc/volumes/two.ext4");
	aq.volume_id = (char *)vol2;
	aq.vm_id = (char *)vm1;
	aq.drive_id = "vdb";
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "DRIVE_IN_USE");
	CHECK_STR(vc_status_meta(&st, "volume_id"), vol);

	/* Unknown volume, unknown VM, bad drive id. */
	aq.volume_id = missing;
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VOLUME_NOT_FOUND");
	aq.volume_id = (char *)vol2;
	aq.vm_id = missing;
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VM_NOT_FOUND");
	aq.vm_id = (char *)vm2;
	aq.drive_id = "vd b";
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "drive_id");
	aq.drive_id = "";
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM volume_attachment"), 1);

	/* Read-only multi-attach: attached -> in-use -> attached -> available. */
	aq.volume_id = (char *)vol2;
	aq.vm_id = (char *)vm1;
	aq.drive_id = "vdc";
	aq.read_only = true;
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_OK(st);
	vc_free(again);
	int count;
	CHECK_STR(tf_status(c, vol2, &count), "attached");
	aq.vm_id = (char *)vm2;
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_OK(st);
	vc_free(again);
	CHECK_STR(tf_status(c, vol2, &count), "in-use");
	CHECK_INT(count, 2);
	/* A writer cannot join readers. */
	const char *vm3 = tf_vm(c, host, "vm-3");
	aq.vm_id = (char *)vm3;
	aq.read_only = false;
	vc_attach_volume(c, &aq, &again, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "ATTACHED_ELSEWHERE");

	/* ListAttachments, paged one at a time. */
	Volumed__V1__ListAttachmentsRequest lq = VOLUMED__V1__LIST_ATTACHMENTS_REQUEST__INIT;
	lq.volume_id = (char *)vol2;
	lq.page_size = 1;
	Volumed__V1__ListAttachmentsResponse *lr;
	vc_list_attachments(c, &lq, &lr, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(lr->n_attachments, 1);
	CHECK_STR(lr->attachments[0]->vm_id, vm1);
	CHECK(strlen(lr->next_page_token) > 0);
	lq.page_token = lr->next_page_token;
	Volumed__V1__ListAttachmentsResponse *lr2;
	vc_list_attachments(c, &lq, &lr2, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(lr2->n_attachments, 1);
	CHECK_STR(lr2->attachments[0]->vm_id, vm2);
	CHECK_STR(lr2->next_page_token, "");
	vc_free(lr2);
	/* The token belongs to vol2's list. */
	lq.volume_id = vol;
	vc_list_attachments(c, &lq, &lr2, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "page_token");
	vc_free(lr);
	lq.page_token = "";
	lq.page_size = -1;
	vc_list_attachments(c, &lq, &lr2, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "page_size");
	lq.page_size = 0;
	lq.volume_id = missing;
	vc_list_attachments(c, &lq, &lr2, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VOLUME_NOT_FOUND");

	/* UpdateVolumeStatus: only a status that matches the attachments. */
	Volumed__V1__UpdateVolumeStatusRequest uq = VOLUMED__V1__UPDATE_VOLUME_STATUS_REQUEST__INIT;
	uq.id = vol;
	uq.status = VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE;
	vc_update_volume_status(c, &uq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "STATUS_CONFLICT");
	CHECK_STR(tf_status(c, vol, NULL), "attached");
	uq.status = VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_ATTACHED;
	vc_update_volume_status(c, &uq, &v, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(v->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_ATTACHED);
	vc_free(v);
	uq.status = VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_UNSPECIFIED;
	vc_update_volume_status(c, &uq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	uq.id = missing;
	uq.status = VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE;
	vc_update_volume_status(c, &uq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VOLUME_NOT_FOUND");

	/* DeleteVolume while attached: VOLUME_ATTACHED naming the VM. */
	Volumed__V1__DeleteVolumeRequest dq = VOLUMED__V1__DELETE_VOLUME_REQUEST__INIT;
	dq.id = vol;
	vc_delete_volume(c, &dq, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "VOLUME_ATTACHED");
	CHECK_CONTAINS(st.message, vm1);

	/* DetachVolume returns the volume after the detach. */
	Volumed__V1__DetachVolumeRequest xq = VOLUMED__V1__DETACH_VOLUME_REQUEST__INIT;
	xq.volume_id = vol;
	xq.vm_id = (char *)vm1;
	vc_detach_volume(c, &xq, &v, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(v->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE);
	CHECK_INT(v->attachment_count, 0);
	vc_free(v);
	vc_detach_volume(c, &xq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "ATTACHMENT_NOT_FOUND");
	xq.vm_id = missing;
	vc_detach_volume(c, &xq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VM_NOT_FOUND");
	xq.volume_id = missing;
	vc_detach_volume(c, &xq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VOLUME_NOT_FOUND");
	xq.volume_id = (char *)vol2;
	xq.vm_id = (char *)vm2;
	vc_detach_volume(c, &xq, &v, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(v->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_ATTACHED);
	vc_free(v);

	/* Now the delete works, once; the second is VOLUME_NOT_FOUND. */
	vc_delete_volume(c, &dq, NULL, NULL, &st);
	CHECK_OK(st);
	vc_delete_volume(c, &dq, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VOLUME_NOT_FOUND");

	/* RegisterVolume: creates, attaches at rootfs, names it after the VM. */
	Volumed__V1__RegisterVolumeRequest rq = VOLUMED__V1__REGISTER_VOLUME_REQUEST__INIT;
	const char *vm4 = tf_vm(c, host, "Shiro Logic6");
	rq.vm_id = (char *)vm4;
	rq.path = (char *)th_fmt("/srv/fc/vms/%s/storage/rootfs-bfbb2b86.ext4", vm4);
	vc_register_volume(c, &rq, &v, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(v->name, "Shiro Logic6 (rootfs-bfbb2b86.ext4)");
	CHECK_STR(v->description, "Rootfs for VM: Shiro Logic6");
	CHECK_INT(v->type, VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4);
	CHECK_INT(v->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_ATTACHED);
	CHECK_STR(v->host_id, host);
	char reg[37];
	snprintf(reg, sizeof reg, "%s", v->id);
	vc_free(v);
	/* Again: the same volume, nothing new. */
	vc_register_volume(c, &rq, &v, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(v->id, reg);
	vc_free(v);
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume_attachment WHERE vm_id = '%s'", vm4)), 1);
	/* Someone else's rootfs: ATTACHED_ELSEWHERE, nothing written. */
	rq.vm_id = (char *)vm3;
	vc_register_volume(c, &rq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "ATTACHED_ELSEWHERE");
	rq.vm_id = missing;
	rq.path = "/srv/fc/vms/x/storage/disk.qcow2";
	vc_register_volume(c, &rq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VM_NOT_FOUND");
	rq.vm_id = (char *)vm3;
	rq.path = "/srv/fc/vms/x/../storage/disk.qcow2";
	vc_register_volume(c, &rq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM volume WHERE path LIKE '%disk.qcow2'"), 0);
	/* A qcow2 data disk at vdb; the size comes from the file when visible. */
	FILE *f = fopen("/tmp/volumed-it-register.qcow2", "w");
	CHECK(f != NULL);
	fputs("0123456789", f);
	fclose(f);
	rq.path = "/tmp/volumed-it-register.qcow2";
	rq.drive_id = "vdb";
	vc_register_volume(c, &rq, &v, NULL, &st);
	remove("/tmp/volumed-it-register.qcow2");
	CHECK_OK(st);
	CHECK_INT(v->type, VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2);
	CHECK_INT(v->size_bytes, 10);
	CHECK_STR(v->description, "Drive vdb for VM: vm-3");
	vc_free(v);

	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	CHECK_INT(th_pg_scalar(pg, TF_WRITERS_SQL), 0);
	vc_free(att);
	vc_client_free(c);
	th_proc_stop(vd);
	printf("it_volumes: ok\n");
	return 0;
}
