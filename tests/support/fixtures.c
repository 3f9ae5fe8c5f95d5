/* fixtures.c - test shorthand over the client library. */
#include "fixtures.h"

#include <stdlib.h>

const char *tf_host(vc_client *c, const char *name)
{
	Volumed__V1__CreateHostRequest q = VOLUMED__V1__CREATE_HOST_REQUEST__INIT;
	q.name = (char *)name;
	q.address = "10.0.0.1";
	Volumed__V1__Host *h;
	vc_status st;
	vc_create_host(c, &q, &h, NULL, &st);
	CHECK_OK(st);
	const char *id = th_keep(h->id);
	vc_free(h);
	return id;
}

const char *tf_vm(vc_client *c, const char *host_id, const char *name)
{
	Volumed__V1__CreateVmRequest q = VOLUMED__V1__CREATE_VM_REQUEST__INIT;
	q.name = (char *)name;
	q.host_id = (char *)host_id;
	Volumed__V1__Vm *m;
	vc_status st;
	vc_create_vm(c, &q, &m, NULL, &st);
	CHECK_OK(st);
	const char *id = th_keep(m->id);
	vc_free(m);
	return id;
}

const char *tf_volume(vc_client *c, const char *host_id, const char *path)
{
	Volumed__V1__CreateVolumeRequest q = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
	q.name = (char *)th_fmt("vol %s", strrchr(path, '/') + 1);
	q.path = (char *)path;
	q.size_bytes = 1 << 20;
	q.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4;
	q.host_id = (char *)host_id;
	Volumed__V1__Volume *v;
	vc_status st;
	vc_create_volume(c, &q, &v, NULL, &st);
	CHECK_OK(st);
	const char *id = th_keep(v->id);
	vc_free(v);
	return id;
}

int tf_attach(vc_client *c, const char *volume_id, const char *vm_id, const char *drive, bool read_only,
	      vc_status *st)
{
	Volumed__V1__AttachVolumeRequest q = VOLUMED__V1__ATTACH_VOLUME_REQUEST__INIT;
	q.volume_id = (char *)volume_id;
	q.vm_id = (char *)vm_id;
	q.drive_id = (char *)drive;
	q.read_only = read_only;
	Volumed__V1__Attachment *a = NULL;
	int code = vc_attach_volume(c, &q, &a, NULL, st);
	vc_free(a);
	return code;
}

const char *tf_status(vc_client *c, const char *volume_id, int *count)
{
	Volumed__V1__GetVolumeRequest q = VOLUMED__V1__GET_VOLUME_REQUEST__INIT;
	q.id = (char *)volume_id;
	Volumed__V1__Volume *v;
	vc_status st;
	vc_get_volume(c, &q, &v, NULL, &st);
	CHECK_OK(st);
	static const char *const words[] = {"unspecified", "available", "attached", "in-use"};
	const char *w = words[v->status & 3];
	if (count)
		*count = v->attachment_count;
	vc_free(v);
	return w;
}
