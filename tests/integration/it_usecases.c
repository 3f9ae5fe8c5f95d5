/* it_usecases - the specification's use cases 1-4 as scripted scenarios
 * through the client library: track rootfs volumes, add a data disk, move a
 * volume between VMs, clean up orphans. */
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

int main(void)
{
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	vc_client *c = vc_client_new(vd->addr, NULL);
	vc_status st;
	Volumed__V1__Volume *v;

	const char *host = tf_host(c, "bbab8c75-host");
	const char *vm[3];
	const char *rootfs[3];
	/* Use case 1: every VM's rootfs is registered as the VM is created, and
	 * listing volumes shows them all with their names and sizes. */
	for (int i = 0; i < 3; i++) {
		vm[i] = tf_vm(c, host, th_fmt("VM-%d", i + 1));
		Volumed__V1__RegisterVolumeRequest rq = VOLUMED__V1__REGISTER_VOLUME_REQUEST__INIT;
		rq.vm_id = (char *)vm[i];
		rq.path = (char *)th_fmt("/srv/fc/vms/%s/storage/rootfs-%06x.ext4", vm[i], 0xabc123 + i);
		vc_register_volume(c, &rq, &v, NULL, &st);
		CHECK_OK(st);
		CHECK_STR(v->name, th_fmt("VM-%d (rootfs-%06x.ext4)", i + 1, 0xabc123 + i));
		CHECK_INT(v->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_ATTACHED);
		rootfs[i] = th_fmt("%s", v->id);
		rootfs[i] = strdup(rootfs[i]);
		vc_free(v);
	}
	Volumed__V1__ListVolumesRequest lq = VOLUMED__V1__LIST_VOLUMES_REQUEST__INIT;
	Volumed__V1__ListVolumesResponse *lr;
	lq.host_id = (char *)host;
	vc_list_volumes(c, &lq, &lr, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(lr->n_volumes, 3);
	for (int i = 0; i < 3; i++)
		CHECK_STR(lr->volumes[i]->name, th_fmt("VM-%d (rootfs-%06x.ext4)", i + 1, 0xabc123 + i));
	CHECK_STR(lr->next_page_token, "");
	vc_free(lr);

	/* Use case 2: add a data disk to VM-1 at vdb. */
	Volumed__V1__CreateVolumeRequest cq = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
	cq.name = "Data Volume 1";
	cq.path = "/srv/fc/volumes/data-vol-1.ext4";
	cq.size_bytes = 10737418240LL;
	cq.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4;
	cq.host_id = (char *)host;
	vc_create_volume(c, &cq, &v, NULL, &st);
	CHECK_OK(st);
	char *data = strdup(v->id);
	vc_free(v);
	CHECK_INT(tf_attach(c, data, vm[0], "vdb", false, &st), 0);
	CHECK_STR(tf_status(c, data, NULL), "attached");

	/* Use case 3: move it from VM-1 to VM-2. */
	CHECK_INT(tf_attach(c, data, vm[1], "vdb", false, &st), VD_CODE_FAILED_PRECONDITION);
	CHECK_STR(st.reason, "ATTACHED_ELSEWHERE");
	Volumed__V1__DetachVolumeRequest dq = VOLUMED__V1__DETACH_VOLUME_REQUEST__INIT;
	dq.volume_id = data;
	dq.vm_id = (char *)vm[0];
	vc_detach_volume(c, &dq, &v, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(v->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE);
	vc_free(v);
	CHECK_INT(tf_attach(c, data, vm[1], "vdb", false, &st), 0);
	CHECK_STR(tf_status(c, data, NULL), "attached");

	/* Use case 4: VM-3 goes away; its rootfs is the orphan to clean up. */
	Volumed__V1__DeleteVmRequest vq = VOLUMED__V1__DELETE_VM_REQUEST__INIT;
	vq.id = (char *)vm[2];
	vc_delete_vm(c, &vq, NULL, NULL, &st);
	CHECK_OK(st);
	Volumed__V1__ListVolumesRequest aq = VOLUMED__V1__LIST_VOLUMES_REQUEST__INIT;
	aq.status = VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE;
	vc_list_volumes(c, &aq, &lr, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(lr->n_volumes, 1);
	CHECK_STR(lr->volumes[0]->id, rootfs[2]);
	Volumed__V1__DeleteVolumeRequest xq = VOLUMED__V1__DELETE_VOLUME_REQUEST__INIT;
	xq.id = lr->volumes[0]->id;
	vc_delete_volume(c, &xq, NULL, NULL, &st);
	CHECK_OK(st);
	vc_free(lr);
	/* An attached volume is not an orphan: refused, naming the holder. */
	xq.id = data;
	vc_delete_volume(c, &xq, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "VOLUME_ATTACHED");
	CHECK_STR(vc_status_meta(&st, "vm_id"), vm[1]);
	vc_list_volumes(c, &aq, &lr, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(lr->n_volumes, 0);
	vc_free(lr);
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM volume"), 3);
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);

	free(data);
	for (int i = 0; i < 3; i++)
		free((void *)rootfs[i]);
	vc_client_free(c);
	th_proc_stop(vd);
	printf("it_usecases: ok\n");
	return 0;
}
