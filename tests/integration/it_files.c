/* it_files - volumes with real files, in temporary roots: VM rootfs
 * provisioning (copies byte-identical, holes kept, never visible
 * half-written), provisioned ext4/qcow2/raw volumes that pass e2fsck and
 * qemu-img check, growth visible inside the filesystem, clones, deletion
 * with the file, host scans, and the refusals: path traversal, symlinks out
 * of a root, a template outside the image root, a full disk, another
 * host's files. Each refusal leaves the registry unchanged. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "fixtures.h"

static th_roots roots;
static const char *const base = roots.base, *const images = roots.images, *const storage = roots.storage,
		  *const volumes = roots.volumes;
static vc_client *c;
static vc_status st;
static th_pg *pg;

/* A file of size bytes with data in two separated extents and holes
 * elsewhere (so a copy that fills holes shows in st_blocks). */
static void make_sparse(const char *path, off_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, size) == 0);
	char buf[65536];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (char)(i * 7 + 3);
	for (off_t off = 0; off < 1 << 20; off += sizeof buf)
		CHECK(pwrite(fd, buf, sizeof buf, off) == (ssize_t)sizeof buf);
	for (off_t off = size / 2; off < size / 2 + (1 << 20); off += sizeof buf)
		CHECK(pwrite(fd, buf, sizeof buf, off) == (ssize_t)sizeof buf);
	close(fd);
}

static struct stat stat_of(const char *path)
{
	struct stat s;
	memset(&s, 0, sizeof s);
	CHECK(stat(path, &s) == 0);
	return s;
}

/* Files in dir whose name starts with a dot (our temporaries). */
static int hidden_files(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static const char *image_id(const char *name)
{
	Volumed__V1__ListImagesRequest q = VOLUMED__V1__LIST_IMAGES_REQUEST__INIT;
	Volumed__V1__ListImagesResponse *r;
	vc_call(c, VD_M_LIST_IMAGES, &q.base, (ProtobufCMessage **)&r, NULL, &st);
	CHECK_OK(st);
	const char *id = NULL;
	for (size_t i = 0; i < r->n_images; i++)
		if (strcmp(r->images[i]->name, name) == 0)
			id = th_fmt("%s", r->images[i]->id);
	vc_free(r);
	return id;
}

static Volumed__V1__Volume *get_volume(const char *id)
{
	Volumed__V1__GetVolumeRequest q = VOLUMED__V1__GET_VOLUME_REQUEST__INIT;
	q.id = (char *)id;
	Volumed__V1__Volume *v;
	vc_get_volume(c, &q, &v, NULL, &st);
	CHECK_OK(st);
	return v;
}

static Volumed__V1__Vm *provision_vm(const char *id, const char *name, const char *image,
				     Volumed__V1__VmKind kind)
{
	Volumed__V1__CreateVmRequest q = VOLUMED__V1__CREATE_VM_REQUEST__INIT;
	q.id = (char *)id;
	q.name = (char *)name;
	q.rootfs_image_id = (char *)image;
	q.kind = kind;
	Volumed__V1__Vm *m = NULL;
	vc_create_vm(c, &q, &m, NULL, &st);
	return m;
}

static Volumed__V1__Volume *provision(const char *path, const char *type_name, int64_t size)
{
	Volumed__V1__CreateVolumeRequest q = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
	q.name = (char *)th_fmt("data %s", type_name);
	q.path = (char *)path;
	q.size_bytes = size;
	q.type = strcmp(type_name, "ext4") == 0	   ? VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4
		 : strcmp(type_name, "qcow2") == 0 ? VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2
						   : VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW;
	q.provision = true;
	Volumed__V1__Volume *v = NULL;
	vc_create_volume(c, &q, &v, NULL, &st);
	return v;
}

static long long volumes_now(void)
{
	return th_pg_scalar(pg, "SELECT count(*) FROM volume");
}

static void images_and_vms(void)
{
	char alpine[37], kernel[37];
	CHECK(image_id("alpine-3.18.ext4") != NULL);
	snprintf(alpine, sizeof alpine, "%s", image_id("alpine-3.18.ext4"));
	CHECK_STR(image_id("alpine-3.18.ext4"), alpine); /* stable */
	CHECK(image_id("vmlinux-5.10.bin") != NULL);
	snprintf(kernel, sizeof kernel, "%s", image_id("vmlinux-5.10.bin"));
	CHECK(image_id("escape.ext4") == NULL); /* a symlink is not an image */

	/* The specification's flow: copy, register, attach at rootfs. */
	char vm_id[37];
	th_uuid(vm_id);
	Volumed__V1__Vm *m = provision_vm(vm_id, "my-vm", alpine, 0);
	CHECK_OK(st);
	CHECK_STR(m->id, vm_id);
	CHECK_INT(strlen(m->rootfs_volume_id), 36);
	Volumed__V1__Volume *v = get_volume(m->rootfs_volume_id);
	const char *dir = th_fmt("%s/%s/storage", storage, vm_id);
	CHECK(strncmp(v->path, dir, strlen(dir)) == 0);
	const char *file = strrchr(v->path, '/') + 1;
	CHECK(strncmp(file, "rootfs-", 7) == 0 && strlen(file) == strlen("rootfs-bfbb2b86.ext4"));
	CHECK_STR(v->name, th_fmt("my-vm (%s)", file));
	CHECK_STR(v->description, "Rootfs for VM: my-vm");
	CHECK_INT(v->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_ATTACHED);
	const char *tmpl = th_fmt("%s/alpine-3.18.ext4", images);
	CHECK(th_same_bytes(v->path, tmpl));
	struct stat src = stat_of(tmpl), dst = stat_of(v->path);
	CHECK_INT(dst.st_size, src.st_size);
	CHECK_INT(v->size_bytes, src.st_size);
	CHECK(dst.st_blocks <= src.st_blocks + 64); /* holes stayed holes */
	CHECK_INT(dst.st_mode & 0777, 0600);
	CHECK_INT(hidden_files(dir), 0);
	CHECK(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume_attachment WHERE vm_id = '%s' "
				      "AND drive_id = 'rootfs'", vm_id)) == 1);
	char path[512];
	snprintf(path, sizeof path, "%s", v->path);
	vc_free(v);
	vc_free(m);

	/* The same request again: the same VM, no second copy. */
	m = provision_vm(vm_id, "my-vm", alpine, 0);
	CHECK_OK(st);
	CHECK_STR(m->id, vm_id);
	vc_free(m);
	CHECK_INT(th_run(th_fmt("test $(ls '%s' | wc -l) -eq 1", dir)), 0);
	/* The id with another name: refused, no file left. */
	m = provision_vm(vm_id, "other", alpine, 0);
	CHECK_STATUS(st, VD_CODE_ALREADY_EXISTS, "DUPLICATE_ID");
	CHECK_INT(th_run(th_fmt("test $(ls '%s' | wc -l) -eq 1", dir)), 0);

	/* Container and function VMs put their copy under the image root. */
	char cid[37], fid[37];
	th_uuid(cid);
	th_uuid(fid);
	m = provision_vm(cid, "web", alpine, VOLUMED__V1__VM_KIND__VM_KIND_CONTAINER);
	CHECK_OK(st);
	v = get_volume(m->rootfs_volume_id);
	CHECK_STR(v->path, th_fmt("%s/containers/%s.ext4", images, cid));
	CHECK(th_same_bytes(v->path, tmpl));
	vc_free(v);
	vc_free(m);
	m = provision_vm(fid, "fn", alpine, VOLUMED__V1__VM_KIND__VM_KIND_FUNCTION);
	CHECK_OK(st);
	v = get_volume(m->rootfs_volume_id);
	CHECK_STR(v->path, th_fmt("%s/functions/%s.ext4", images, fid));
	vc_free(v);
	vc_free(m);

	/* Refusals, each leaving the registry as it was. */
	long long before = volumes_now();
	m = provision_vm("", "k", kernel, 0);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "rootfs_image_id");
	char nope[37];
	th_uuid(nope);
	m = provision_vm("", "x", nope, 0);
	CHECK_STATUS(st, VD_CODE_NOT_FOUND, "IMAGE_NOT_FOUND");
	/* The symlinked template's would-be id is not an image either. */
	CHECK_INT(before, volumes_now());
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM vm WHERE name IN ('k', 'x')"), 0);
}

static void data_volumes(void)
{
	/* ext4, formatted, at a generated path under the volume root. */
	Volumed__V1__Volume *v = provision("", "ext4", 64 << 20);
	CHECK_OK(st);
	CHECK(strncmp(v->path, volumes, strlen(volumes)) == 0);
	CHECK_INT(stat_of(v->path).st_size, 64 << 20);
	CHECK_INT(stat_of(v->path).st_mode & 0777, 0600);
	CHECK(th_fsck_clean(v->path));
	char ext4_id[37], ext4_path[512];
	snprintf(ext4_id, sizeof ext4_id, "%s", v->id);
	snprintf(ext4_path, sizeof ext4_path, "%s", v->path);
	vc_free(v);

	/* qcow2 at a chosen path; raw stays sparse. */
	v = provision(th_fmt("%s/team/disk.qcow2", volumes), "qcow2", 1 << 30);
	CHECK_OK(st);
	CHECK_INT(th_run(th_fmt("qemu-img check -q '%s'", v->path)), 0);
	CHECK_INT(v->size_bytes, 1 << 30);
	char qcow_id[37];
	snprintf(qcow_id, sizeof qcow_id, "%s", v->id);
	vc_free(v);
	v = provision(th_fmt("%s/scratch.img", volumes), "raw", 256 << 20);
	CHECK_OK(st);
	CHECK_INT(stat_of(v->path).st_size, 256 << 20);
	CHECK_INT(stat_of(v->path).st_blocks, 0);
	vc_free(v);

	/* Refusals: existing file, outside the volume root, traversal, a
	 * symlink out of the root, a too small ext4. Nothing registered. */
	long long before = volumes_now();
	v = provision(th_fmt("%s/scratch.img", volumes), "raw", 1 << 20);
	CHECK_STATUS(st, VD_CODE_ALREADY_EXISTS, "FILE_EXISTS");
	v = provision(th_fmt("%s/outside.img", base), "raw", 1 << 20);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_STR(vc_status_meta(&st, "field"), "path");
	CHECK(!th_exists(th_fmt("%s/outside.img", base)));
	v = provision(th_fmt("%s/../outside.img", volumes), "raw", 1 << 20);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	v = provision(th_fmt("%s/evil/planted.img", volumes), "raw", 1 << 20);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_CONTAINS(st.message, "symlink");
	CHECK(!th_exists(th_fmt("%s/outside/planted.img", base)));
	v = provision(th_fmt("%s/tiny.ext4", volumes), "ext4", 4096);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_INT(before, volumes_now());
	CHECK_INT(hidden_files(volumes), 0);

	/* Grow ext4: the filesystem inside sees the new size. */
	Volumed__V1__ResizeVolumeRequest rq = VOLUMED__V1__RESIZE_VOLUME_REQUEST__INIT;
	rq.id = ext4_id;
	rq.size_bytes = 128 << 20;
	vc_call(c, VD_M_RESIZE_VOLUME, &rq.base, (ProtobufCMessage **)&v, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(v->size_bytes, 128 << 20);
	vc_free(v);
	CHECK_INT(stat_of(ext4_path).st_size, 128 << 20);
	CHECK_INT(th_ext4_bytes(ext4_path), 128 << 20);
	CHECK(th_fsck_clean(ext4_path));
	rq.size_bytes = 64 << 20; /* shrinking is refused */
	vc_call(c, VD_M_RESIZE_VOLUME, &rq.base, (ProtobufCMessage **)&v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INVALID_ARGUMENT, "INVALID_FIELD");
	CHECK_INT(stat_of(ext4_path).st_size, 128 << 20);
	rq.id = qcow_id;
	rq.size_bytes = 2LL << 30;
	vc_call(c, VD_M_RESIZE_VOLUME, &rq.base, (ProtobufCMessage **)&v, NULL, &st);
	CHECK_OK(st);
	vc_free(v);
	CHECK_INT(th_run(th_fmt("qemu-img info '%s' | grep -q '2 GiB'", th_fmt("%s/team/disk.qcow2", volumes))), 0);

	/* Clone: a new, available volume with the same bytes. */
	Volumed__V1__CloneVolumeRequest cq = VOLUMED__V1__CLONE_VOLUME_REQUEST__INIT;
	cq.id = ext4_id;
	vc_call(c, VD_M_CLONE_VOLUME, &cq.base, (ProtobufCMessage **)&v, NULL, &st);
	CHECK_OK(st);
	CHECK_STR(v->name, "data ext4 (clone)");
	CHECK_INT(v->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE);
	CHECK(th_same_bytes(v->path, ext4_path));
	char clone_path[512], clone_id[37];
	snprintf(clone_path, sizeof clone_path, "%s", v->path);
	snprintf(clone_id, sizeof clone_id, "%s", v->id);
	vc_free(v);

	/* Attached volumes are neither resized nor cloned. */
	Volumed__V1__Volume *ev = get_volume(ext4_id);
	char host[37];
	snprintf(host, sizeof host, "%s", ev->host_id);
	vc_free(ev);
	const char *vm = tf_vm(c, host, "holder");
	CHECK_INT(tf_attach(c, ext4_id, vm, "vdb", false, &st), 0);
	vc_call(c, VD_M_CLONE_VOLUME, &cq.base, (ProtobufCMessage **)&v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "VOLUME_ATTACHED");
	rq.id = ext4_id;
	rq.size_bytes = 256 << 20;
	vc_call(c, VD_M_RESIZE_VOLUME, &rq.base, (ProtobufCMessage **)&v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "VOLUME_ATTACHED");

	/* Delete: the registry only by default; the file too when asked. */
	Volumed__V1__DeleteVolumeRequest dq = VOLUMED__V1__DELETE_VOLUME_REQUEST__INIT;
	dq.id = clone_id;
	dq.delete_file = true;
	vc_delete_volume(c, &dq, NULL, NULL, &st);
	CHECK_OK(st);
	CHECK(!th_exists(clone_path));
	CHECK_INT(hidden_files(volumes), 0);
	dq.id = qcow_id;
	dq.delete_file = false;
	vc_delete_volume(c, &dq, NULL, NULL, &st);
	CHECK_OK(st);
	CHECK(th_exists(th_fmt("%s/team/disk.qcow2", volumes)));
	/* A registry-only volume elsewhere: its file is not ours to delete. */
	CHECK_INT(th_run(th_fmt("echo x > '%s/elsewhere.img'", base)), 0);
	const char *other = tf_volume(c, host, th_fmt("%s/elsewhere.img", base));
	dq.id = (char *)other;
	dq.delete_file = true;
	vc_delete_volume(c, &dq, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "UNMANAGED_PATH");
	CHECK(th_exists(th_fmt("%s/elsewhere.img", base)));
	vc_free(get_volume(other));
	/* A registered symlink inside the root: the link is not followed. */
	const char *link = tf_volume(c, host, th_fmt("%s/link.img", volumes));
	dq.id = (char *)link;
	vc_delete_volume(c, &dq, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_INTERNAL, "FILE_ERROR");
	CHECK(th_exists(th_fmt("%s/outside/target.img", base)));
	vc_free(get_volume(link));
}

static void scan(const char *host_id)
{
	/* Three findings: a file removed, a file grown, a file nobody named. */
	Volumed__V1__Volume *gone = provision(th_fmt("%s/gone.img", volumes), "raw", 1 << 20);
	CHECK_OK(st);
	Volumed__V1__Volume *grown = provision(th_fmt("%s/grown.img", volumes), "raw", 1 << 20);
	CHECK_OK(st);
	CHECK(unlink(gone->path) == 0);
	CHECK(truncate(grown->path, 3 << 20) == 0);
	CHECK_INT(th_run(th_fmt("mkdir -p '%s/found' && truncate -s 5M '%s/found/stray.ext4'", volumes, volumes)), 0);

	Volumed__V1__ScanHostRequest q = VOLUMED__V1__SCAN_HOST_REQUEST__INIT;
	q.id = (char *)host_id;
	Volumed__V1__ScanHostResponse *r;
	vc_call(c, VD_M_SCAN_HOST, &q.base, (ProtobufCMessage **)&r, NULL, &st);
	CHECK_OK(st);
	CHECK(r->checked >= 3);
	bool saw_gone = false, saw_grown = false, saw_stray = false;
	for (size_t i = 0; i < r->n_missing; i++)
		saw_gone |= strcmp(r->missing[i]->id, gone->id) == 0 && r->missing[i]->missing;
	for (size_t i = 0; i < r->n_resized; i++)
		saw_grown |= strcmp(r->resized[i]->id, grown->id) == 0 && r->resized[i]->size_bytes == 3 << 20;
	for (size_t i = 0; i < r->n_unregistered_paths; i++)
		saw_stray |= strcmp(r->unregistered_paths[i], th_fmt("%s/found/stray.ext4", volumes)) == 0;
	CHECK(saw_gone);
	CHECK(saw_grown);
	CHECK(saw_stray);
	CHECK_INT(r->n_registered, 0);
	vc_free(r);
	Volumed__V1__Volume *v = get_volume(grown->id);
	CHECK_INT(v->size_bytes, 3 << 20);
	CHECK(v->last_seen_at != NULL && !v->missing);
	vc_free(v);
	v = get_volume(gone->id);
	CHECK(v->missing);
	vc_free(v);

	/* Again, registering what it finds. */
	q.register_unregistered = true;
	vc_call(c, VD_M_SCAN_HOST, &q.base, (ProtobufCMessage **)&r, NULL, &st);
	CHECK_OK(st);
	/* The stray file, and the qcow2 whose registry entry alone was deleted
	 * earlier: its file stayed, as a default delete promises. */
	CHECK_INT(r->n_registered, 2);
	for (size_t i = 0; i < r->n_registered; i++) {
		Volumed__V1__Volume *n = r->registered[i];
		CHECK_INT(n->status, VOLUMED__V1__VOLUME_STATUS__VOLUME_STATUS_AVAILABLE);
		if (strcmp(n->path, th_fmt("%s/found/stray.ext4", volumes)) == 0) {
			CHECK_INT(n->size_bytes, 5 << 20);
			CHECK_INT(n->type, VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_EXT4);
		} else {
			CHECK_STR(n->path, th_fmt("%s/team/disk.qcow2", volumes));
			CHECK_INT(n->size_bytes, 2LL << 30); /* the virtual size */
			CHECK_INT(n->type, VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_QCOW2);
		}
	}
	vc_free(r);
	vc_call(c, VD_M_SCAN_HOST, &q.base, (ProtobufCMessage **)&r, NULL, &st);
	CHECK_OK(st);
	CHECK_INT(r->n_unregistered_paths, 0);
	vc_free(r);
	vc_free(gone);
	vc_free(grown);
}

static void other_hosts(void)
{
	/* Another host's volume: WRONG_HOST naming that host. */
	const char *elsewhere = tf_host(c, "far-away");
	Volumed__V1__CreateVolumeRequest q = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
	q.name = "remote";
	q.path = (char *)th_fmt("%s/remote.img", volumes);
	q.size_bytes = 1 << 20;
	q.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW;
	q.host_id = (char *)elsewhere;
	q.provision = true;
	Volumed__V1__Volume *v;
	vc_create_volume(c, &q, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "WRONG_HOST");
	CHECK_CONTAINS(st.message, "far-away");
	CHECK(!th_exists(q.path));
	q.provision = false; /* registering it is fine */
	vc_create_volume(c, &q, &v, NULL, &st);
	CHECK_OK(st);
	Volumed__V1__ResizeVolumeRequest rq = VOLUMED__V1__RESIZE_VOLUME_REQUEST__INIT;
	rq.id = v->id;
	rq.size_bytes = 2 << 20;
	Volumed__V1__Volume *out;
	vc_call(c, VD_M_RESIZE_VOLUME, &rq.base, (ProtobufCMessage **)&out, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "WRONG_HOST");
	CHECK_STR(vc_status_meta(&st, "host_name"), "far-away");
	Volumed__V1__ScanHostRequest sq = VOLUMED__V1__SCAN_HOST_REQUEST__INIT;
	sq.id = (char *)elsewhere;
	vc_call(c, VD_M_SCAN_HOST, &sq.base, (ProtobufCMessage **)&out, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "WRONG_HOST");
	vc_free(v);
}

/* A volumed whose file size limit (RLIMIT_FSIZE) is 8 MiB: a disk that
 * fills up mid-copy. The copy fails cleanly: NO_SPACE, no file under the
 * final name, no temporary left, nothing registered. */
static void full_disk(const char *alpine_id)
{
	const char *argv[] = {"/usr/bin/prlimit", "--fsize=8388608", TH_VOLUMED_BIN_PATH, "--listen", "127.0.0.1:0",
			      "--database-url", pg->url, "--host-name", "test-host", "--image-root", images,
			      "--storage-root", storage, "--volume-root", volumes, NULL};
	th_proc *small = th_proc_start(argv);
	vc_client *sc = vc_client_new(small->addr, NULL);
	long long before = volumes_now();
	char vm_id[37];
	th_uuid(vm_id);
	Volumed__V1__CreateVmRequest q = VOLUMED__V1__CREATE_VM_REQUEST__INIT;
	q.id = vm_id;
	q.name = "no-room";
	q.rootfs_image_id = (char *)alpine_id;
	Volumed__V1__Vm *m;
	vc_create_vm(sc, &q, &m, NULL, &st);
	CHECK_STATUS(st, VD_CODE_RESOURCE_EXHAUSTED, "NO_SPACE");
	const char *dir = th_fmt("%s/%s/storage", storage, vm_id);
	CHECK_INT(th_run(th_fmt("test -z \"$(ls -A '%s' 2>/dev/null)\"", dir)), 0);
	CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM vm WHERE id = '%s'", vm_id)), 0);
	Volumed__V1__CreateVolumeRequest vq = VOLUMED__V1__CREATE_VOLUME_REQUEST__INIT;
	vq.name = "big";
	vq.path = (char *)th_fmt("%s/big.img", volumes);
	vq.size_bytes = 64 << 20;
	vq.type = VOLUMED__V1__VOLUME_TYPE__VOLUME_TYPE_RAW;
	vq.provision = true;
	Volumed__V1__Volume *v;
	vc_create_volume(sc, &vq, &v, NULL, &st);
	CHECK_STATUS(st, VD_CODE_RESOURCE_EXHAUSTED, "NO_SPACE");
	CHECK(!th_exists(vq.path));
	CHECK_INT(hidden_files(volumes), 0);
	CHECK_INT(before, volumes_now());
	vc_client_free(sc);
	th_proc_stop(small);
}

typedef struct killed_copy {
	vc_client *client;
	const char *image;
	char vm_id[37];
} killed_copy;

static void *provision_in_background(void *arg)
{
	killed_copy *k = arg;
	Volumed__V1__CreateVmRequest q = VOLUMED__V1__CREATE_VM_REQUEST__INIT;
	q.id = k->vm_id;
	q.name = "interrupted";
	q.rootfs_image_id = (char *)k->image;
	Volumed__V1__Vm *m = NULL;
	vc_status s;
	vc_create_vm(k->client, &q, &m, NULL, &s);
	vc_free(m);
	return NULL;
}

/* volumed killed (SIGKILL) while it copies a 1 GiB template: whatever the
 * moment, there is never a file under its final name that is not
 * complete, nor a registered volume without its complete file. */
static void killed_midway(void)
{
	const char *big = th_fmt("%s/big-1g.ext4", images);
	CHECK_INT(th_run(th_fmt("head -c 1073741824 /dev/zero | tr '\\0' 'v' > '%s'", big)), 0);
	const char *argv[] = {TH_VOLUMED_BIN_PATH, "--listen", "127.0.0.1:0", "--database-url", pg->url,
			      "--host-name", "test-host", "--image-root", images, "--storage-root", storage,
			      "--volume-root", volumes, NULL};
	th_proc *vd = th_proc_start(argv);
	killed_copy k = {.client = vc_client_new(vd->addr, NULL)};
	c = k.client;
	char big_id[37];
	CHECK(image_id("big-1g.ext4") != NULL);
	snprintf(big_id, sizeof big_id, "%s", image_id("big-1g.ext4"));
	k.image = big_id;
	c = NULL;
	CHECK(k.image != NULL);
	th_uuid(k.vm_id);
	pthread_t t;
	pthread_create(&t, NULL, provision_in_background, &k);
	/* Wait for the copy to start (its temporary appears), then kill. */
	const char *dir = th_fmt("%s/%s/storage", storage, k.vm_id);
	int polls = 0;
	while (hidden_files(dir) == 0 && polls++ < 200000)
		usleep(50);
	bool mid_copy = hidden_files(dir) > 0;
	th_proc_kill(vd, SIGKILL);
	th_proc_wait(vd);
	pthread_join(t, NULL);
	vc_client_free(k.client);
	fprintf(stderr, "killed_midway: killed %s the copy\n", mid_copy ? "during" : "around");

	long long registered =
		th_pg_scalar(pg, th_fmt("SELECT count(*) FROM volume WHERE path LIKE '%s/%%'", dir));
	int finals = th_run(th_fmt("ls '%s' 2>/dev/null | grep -q '^rootfs-'", dir)) == 0;
	if (registered) {
		/* It finished before the kill: the file must be whole. */
		CHECK(finals);
		CHECK_INT(th_run(th_fmt("cmp -s '%s' %s/rootfs-*", big, dir)), 0);
	} else {
		CHECK(!finals);
		CHECK_INT(th_pg_scalar(pg, th_fmt("SELECT count(*) FROM vm WHERE id = '%s'", k.vm_id)), 0);
	}
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	unlink(big);
}

int main(void)
{
	th_roots_make(&roots, "volumed-files");
	/* A 16 MiB ext4 template with holes, a kernel, and a trap or two. */
	const char *tmpl = th_fmt("%s/alpine-3.18.ext4", images);
	make_sparse(tmpl, 16 << 20);
	CHECK_INT(th_run(th_fmt("truncate -s 4M '%s/vmlinux-5.10.bin'", images)), 0);
	CHECK(symlink("/etc/passwd", th_fmt("%s/escape.ext4", images)) == 0);
	CHECK(symlink(th_fmt("%s/outside", base), th_fmt("%s/evil", volumes)) == 0);
	CHECK_INT(th_run(th_fmt("echo t > '%s/outside/target.img'", base)), 0);
	CHECK(symlink(th_fmt("%s/outside/target.img", base), th_fmt("%s/link.img", volumes)) == 0);

	pg = th_pg_start();
	th_proc *vd = th_volumed_start(pg, "--host-name", "test-host", "--host-address", "10.1.2.3",
				       "--image-root", images, "--storage-root", storage, "--volume-root", volumes,
				       NULL);
	c = vc_client_new(vd->addr, NULL);
	const char *host_id = th_fmt("%s", "");
	{
		Volumed__V1__ListHostsRequest hq = VOLUMED__V1__LIST_HOSTS_REQUEST__INIT;
		Volumed__V1__ListHostsResponse *hr;
		vc_list_hosts(c, &hq, &hr, NULL, &st);
		CHECK_OK(st);
		CHECK_INT(hr->n_hosts, 1);
		CHECK_STR(hr->hosts[0]->name, "test-host");
		CHECK_STR(hr->hosts[0]->address, "10.1.2.3");
		host_id = th_fmt("%s", hr->hosts[0]->id);
		vc_free(hr);
	}
	char host[37];
	snprintf(host, sizeof host, "%s", host_id);

	images_and_vms();
	data_volumes();
	scan(host);
	other_hosts();
	char alpine[37];
	snprintf(alpine, sizeof alpine, "%s", image_id("alpine-3.18.ext4"));
	full_disk(alpine);
	CHECK_INT(th_pg_scalar(pg, TF_AUDIT_SQL), 0);
	vc_client_free(c);
	th_proc_stop(vd);
	killed_midway();

	/* A volumed without --host-name keeps the registry only. */
	th_proc *plain = th_volumed_start(pg, NULL);
	c = vc_client_new(plain->addr, NULL);
	char any[37];
	th_uuid(any);
	provision_vm("", "nowhere", any, 0);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "WRONG_HOST");
	Volumed__V1__ListImagesRequest lq = VOLUMED__V1__LIST_IMAGES_REQUEST__INIT;
	vc_call(c, VD_M_LIST_IMAGES, &lq.base, NULL, NULL, &st);
	CHECK_STATUS(st, VD_CODE_FAILED_PRECONDITION, "WRONG_HOST");
	CHECK_INT(th_pg_scalar(pg, "SELECT count(*) FROM vm WHERE name = 'nowhere'"), 0);
	vc_client_free(c);
	th_proc_stop(plain);
	printf("it_files: ok\n");
	return 0;
}
