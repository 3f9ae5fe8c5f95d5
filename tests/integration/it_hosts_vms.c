/* it_hosts_vms - HostService and VmService RPCs, ListVolumes filters and
 * paging, and the health service, through the client library. */
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

static vc_client *c;
static vc_status st;

static void hosts(th_pg *pg)
{
	Volumed__V1__CreateHostRequest hq = VOLUMED__V1__CREATE_HOST_REQUEST__INIT;
	Volumed__V1__Host *h;
	hq.name = "host-1";
	hq.address = "10.0.0.5";
	vc_create_host(c, &hq, &h, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(h->name, "host-1");
	CHECK_STR(h->address, "10.0.0.5");
	CHECK_INT(strlen(h->id), 36);
	char id[37];
	snprintf(id, sizeof id, "%s", h->id);
	vc_free(h);

	vc_create_host(c, &hq, &h, NULL, &st);
	CHECK_STATUS(st, VD_CODE_ALREADY_EXISTS, "DUPLICATE_NAME");
	hq.name = "";
	vc_create_host(c, &hq, &h, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "name");
	hq.name = "host-2";
	hq.address = "10.0.0.6\n";
	vc_create_host(c, &hq, &h, NULL, &st);
	CHECK_OK(st); /* newlines are allowed in free text */
	vc_free(h);
	hq.name = "host-3";
	hq.address = "\x07";
	vc_create_host(c, &hq, &h, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "address");
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM host"), 2);

	Volumed__V1__GetHostRequest gq = VOLUMED__V1__GET_HOST_REQUEST__INIT;
	gq.id = id;
	vc_get_host(c, &gq, &h, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(h->name, "host-1");
	vc_free(h);
	char missing[37];
	th_uuid(missing);
	gq.id = missing;
	vc_get_host(c, &gq, &h, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "HOST_NOT_FOUND");
	gq.id = "nope";
	vc_get_host(c, &gq, &h, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");

	/* Paging: 7 hosts in pages of 3 -> 3, 3, 1, with the last token empty. */
	for (int i = 0; i < 5; i++)
		tf_host(c, th_fmt("page-host-%d", i));
	Volumed__V1__ListHostsRequest lq = VOLUMED__V1__LIST_HOSTS_REQUEST__INIT;
	lq.page_size = 3;
	int seen = 0, pages = 0;
	char token[64] = "";
	do {
		lq.page_token = token;
		Volumed__V1__ListHostsResponse *r;
		vc_list_hosts(c, &lq, &r, NULL, &st);
		CHECK_OK(st);
		seen += (int)r->n_hosts;
		pages++;
		CHECK_INT(r->n_hosts, pages < 3 ? 3 : 1);
		snprintf(token, sizeof token, "%s", r->next_page_token);
		vc_free(r);
	} while (token[0]);
	CHECK_INT(seen, 7);
	CHECK_INT(pages, 3);
	lq.page_token = "";
	lq.page_size = -3;
	Volumed__V1__ListHostsResponse *r;
	vc_list_hosts(c, &lq, &r, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	lq.page_size = 100000;
	vc_list_hosts(c, &lq, &r, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(r->n_hosts, 7);
	vc_free(r);
	lq.page_size = 0;
	lq.page_token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	vc_list_hosts(c, &lq, &r, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "page_token");

	/* DeleteHost: refused while a VM or a volume is there. */
	Volumed__V1__DeleteHostRequest dq = VOLUMED__V1__DELETE_HOST_REQUEST__INIT;
	const char *with_vm = tf_host(c, "with-vm");
	const char *vm = tf_vm(c, with_vm, "pinned");
	dq.id = (char *)with_vm;
	vc_delete_host(c, &dq, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "HOST_IN_USE");
	CHECK_CONTAINS(st.message, "vms");
	const char *with_vol = tf_host(c, "with-volume");
	tf_volume(c, with_vol, "/srv/fc/volumes/host-pinned.ext4");
	dq.id = (char *)with_vol;
	vc_delete_host(c, &dq, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "HOST_IN_USE");
	CHECK_CONTAINS(st.message, "volumes");
	Volumed__V1__DeleteVmRequest vq = VOLUMED__V1__DELETE_VM_REQUEST__INIT;
	vq.id = (char *)vm;
	vc_delete_vm(c, &vq, NULL, NULL, &st);
	CHECK_OK(st);
	dq.id = (char *)with_vm;
	vc_delete_host(c, &dq, NULL, NULL, &st);
	CHECK_OK(st);
	vc_delete_host(c, &dq, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "HOST_NOT_FOUND");
}

static void vms(th_pg *pg)
{
	const char *host = tf_host(c, "vm-host");
	const char *other = tf_host(c, "vm-host-2");
	Volumed__V1__CreateVmRequest cq = VOLUMED__V1__CREATE_VM_REQUEST__INIT;
	Volumed__V1__Vm *m;
	char id[37];
	th_uuid(id);
	/* A caller-chosen id, in upper case: stored and answered in lower case. */
	char upper[37];
	for (int i = 0; i < 37; i++)
		upper[i] = (char)(id[i] >= 'a' && id[i] <= 'f' ? id[i] - 32 : id[i]);
	cq.id = upper;
	cq.name = "my-vm";
	cq.host_id = (char *)host;
	vc_create_vm(c, &cq, &m, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(m->id, id);
	CHECK_STR(m->host_id, host);
	vc_free(m);
	/* The same request again is a retry: the same VM. */
	vc_create_vm(c, &cq, &m, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(m->id, id);
	vc_free(m);
	cq.name = "someone-else";
	vc_create_vm(c, &cq, &m, NULL, &st);
	CHECK_STATUS(st, VD_CODE_ALREADY_EXISTS, "DUPLICATE_ID");
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM vm WHERE name = 'someone-else'"), 0);
	cq.id = "";
	char nohost[37];
	th_uuid(nohost);
	cq.host_id = nohost;
	vc_create_vm(c, &cq, &m, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "HOST_NOT_FOUND");
	cq.host_id = "";
	vc_create_vm(c, &cq, &m, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "host_id");
	cq.host_id = (char *)host;
	cq.name = "";
	vc_create_vm(c, &cq, &m, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	cq.name = "x";
	cq.id = "12345";
	vc_create_vm(c, &cq, &m, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "id");

	Volumed__V1__GetVmRequest gq = VOLUMED__V1__GET_VM_REQUEST__INIT;
	gq.id = id;
	vc_get_vm(c, &gq, &m, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(m->name, "my-vm");
	vc_free(m);
	gq.id = nohost;
	vc_get_vm(c, &gq, &m, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VM_NOT_FOUND");

	/* ListVms, filtered by host and paged. */
	for (int i = 0; i < 4; i++)
		tf_vm(c, other, th_fmt("other-%d", i));
	Volumed__V1__ListVmsRequest lq = VOLUMED__V1__LIST_VMS_REQUEST__INIT;
	Volumed__V1__ListVmsResponse *r;
	lq.host_id = (char *)other;
	lq.page_size = 3;
	vc_list_vms(c, &lq, &r, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(r->n_vms, 3);
	for (size_t i = 0; i < r->n_vms; i++)
		CHECK_STR(r->vms[i]->host_id, other);
	char token[64];
	snprintf(token, sizeof token, "%s", r->next_page_token);
	vc_free(r);
	lq.page_token = token;
	vc_list_vms(c, &lq, &r, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(r->n_vms, 1);
	CHECK_STR(r->next_page_token, "");
	vc_free(r);
	/* The token is bound to the host filter. */
	lq.host_id = (char *)host;
	vc_list_vms(c, &lq, &r, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	lq.host_id = "";
	lq.page_token = "";
	lq.page_size = 0;
	vc_list_vms(c, &lq, &r, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(r->n_vms, 5); /* my-vm and the four on the other host */
	vc_free(r);

	/* DeleteVm detaches everything and recomputes each volume's status. */
	const char *vm2 = tf_vm(c, host, "peer");
	const char *rw = tf_volume(c, host, "/srv/fc/volumes/rw.ext4");
	const char *ro = tf_volume(c, host, "/srv/fc/volumes/ro.ext4");
	CHECK_INT(tf_attach(c, rw, id, "vdb", false, &st), 0);
	CHECK_INT(tf_attach(c, ro, id, "vdc", true, &st), 0);
	CHECK_INT(tf_attach(c, ro, vm2, "vdc", true, &st), 0);
	CHECK_STR(tf_status(c, ro, NULL), "in-use");
	Volumed__V1__DeleteVmRequest dq = VOLUMED__V1__DELETE_VM_REQUEST__INIT;
	dq.id = id;
	vc_delete_vm(c, &dq, NULL, NULL, &st);
	CHECK_OK(st);
	int n;
	CHECK_STR(tf_status(c, rw, &n), "available");
	CHECK_INT(n, 0);
	CHECK_STR(tf_status(c, ro, &n), "attached");
	CHECK_INT(n, 1);
	vc_delete_vm(c, &dq, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "VM_NOT_FOUND");
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
}

/* Lists every page of a volume query; returns how many rows matched. */
static int count_volumes(Volumed__V1__ListVolumesRequest *q, int page_size)
{
	q->page_size = page_size;
	char token[64] = "";
	int n = 0;
	do {
		q->page_token = token;
		Volumed__V1__ListVolumesResponse *r;
		vc_list_volumes(c, q, &r, NULL, &st);
		CHECK_OK(st);
		CHECK(r->n_volumes <= (size_t)page_size);
		n += (int)r->n_volumes;
		snprintf(token, sizeof token, "%s", r->next_page_token);
		vc_free(r);
	} while (token[0]);
	q->page_token = "";
	return n;
}

static void list_filters(th_pg *pg)
{
	const char *h1 = tf_host(c, "filter-1"), *h2 = tf_host(c, "filter-2");
	const char *vm = tf_vm(c, h1, "filter-vm");
	Volumed__V1__CreateVolumeRequest cq = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
	Volumed__V1__Volume *v;
	const char *names[] = {"Alpha DATA", "alpha_logs", "Beta 100%", "beta data", "Gamma"};
	const Volumed__V1__VolumeType types[] = {
		VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4, VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2,
		VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW, VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4,
		VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4};
	char first[37] = "";
	for (int i = 0; i < 5; i++) {
		cq.name = (char *)names[i];
		cq.path = (char *)th_fmt("/srv/filters/v%d.img", i);
		cq.size_bytes = 4096;
		cq.type = types[i];
		cq.host_id = (char *)(i < 3 ? h1 : h2);
		vc_create_volume(c, &cq, &v, NULL, &st);
		CHECK_OK(st);
		if (i == 0)
			snprintf(first, sizeof first, "%s", v->id);
		vc_free(v);
	}
	CHECK_INT(tf_attach(c, first, vm, "vdb", false, &st), 0);

	Volumed__V1__ListVolumesRequest q = VOLUMED__V1__LIST_VOLUMES_REQUEST__INIT;
	q.host_id = (char *)h1;
	CHECK_INT(count_volumes(&q, 1), 3);
	q.host_id = (char *)h2;
	CHECK_INT(count_volumes(&q, 1000), 2);
	q.host_id = "";
	q.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4;
	q.name = "data"; /* case-insensitive substring */
	CHECK_INT(count_volumes(&q, 2), 2);
	q.type = 0;
	q.name = "ALPHA";
	CHECK_INT(count_volumes(&q, 2), 2);
	q.name = "_"; /* LIKE metacharacters are literal */
	CHECK_INT(count_volumes(&q, 10), 1);
	q.name = "%";
	CHECK_INT(count_volumes(&q, 10), 1);
	q.name = "";
	q.status = VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_ATTACHED;
	CHECK_INT(count_volumes(&q, 1), th_pg_scalar(pg, "SELECT count(*) FROM volume WHERE status = 'attached'"));
	q.host_id = (char *)h1;
	q.status = VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE;
	CHECK_INT(count_volumes(&q, 1), 2);
	q.host_id = "";
	q.status = 0;
	q.path = "/srv//filters/./v3.img"; /* the filter is normalised like the stored path */
	CHECK_INT(count_volumes(&q, 10), 1);
	q.path = "/srv/filters/../v3.img";
	Volumed__V1__ListVolumesResponse *r;
	vc_list_volumes(c, &q, &r, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "path");
	q.path = "";
	q.status = (Volumed__V1__VolumeStatus)9;
	vc_list_volumes(c, &q, &r, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "status");
	q.status = 0;
	q.host_id = "bbab8c75";
	vc_list_volumes(c, &q, &r, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "host_id");

	/* A page token from one filter cannot be used with another. */
	q.host_id = (char *)h1;
	q.page_size = 1;
	vc_list_volumes(c, &q, &r, NULL, &st);
	CHECK_OK(st);
	char token[64];
	snprintf(token, sizeof token, "%s", r->next_page_token);
	vc_free(r);
	q.host_id = (char *)h2;
	q.page_token = token;
	vc_list_volumes(c, &q, &r, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "page_token");

	/* Pages are disjoint and ordered: walk all volumes one by one. */
	int total = (int)th_pg_scalar(pg, "SELECT count(*) FROM volume");
	Volumed__V1__ListVolumesRequest all = VOLUMED__V1__LIST_VOLUMES_REQUEST__INIT;
	CHECK_INT(count_volumes(&all, 1), total);
	CHECK_INT(count_volumes(&all, 2), total);
}

static void health(void)
{
	Grpc__Health__V1__HealthCheckRequest hq = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
	Grpc__Health__V1__HealthCheckResponse *hr;
	vc_health_check(c, &hq, &hr, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(hr->status, GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING);
	vc_free(hr);
	hq.service = "volumed.v1.VolumeService";
	vc_health_check(c, &hq, &hr, NULL, &st);
	CHECK_OK(st);
	vc_free(hr);
	hq.service = "nope.Service";
	vc_health_check(c, &hq, &hr, NULL, &st);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "SERVICE_NOT_FOUND");
}

int main(void)
{
	th_pg *pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, NULL);
	c = vc_client_new(vd->addr, NULL);
	hosts(pg);
	vms(pg);
	list_filters(pg);
	health();
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	vc_client_free(c);
	th_proc_stop(vd);
	printf("it_hosts_vms: ok\n");
	return 0;
}
