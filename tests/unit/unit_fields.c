/* unit_fields - field validation: UUIDs, names, drive ids, text, page size. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tcheck.h"

void th_fail(void)
{
	exit(1);
}

static void invalid(vd_error *e, const char *field)
{
	CHECK_INT(e->reason, VD_INVALID_FIELD);
	CHECK_CONTAINS(e->message, field);
	CHECK_STR(e->meta[0].key, "field");
	CHECK_STR(e->meta[0].value, field);
	vd_error_clear(e);
}

int main(void)
{
	vd_error e = {0};
	char id[VD_UUID_LEN + 1];

	CHECK(vd_check_uuid(&e, "id", "336AE2FD-1b83-4c4d-9778-d34d587374f9", id));
	CHECK_STR(id, "336ae2fd-1b83-4c4d-9778-d34d587374f9");
	CHECK(!vd_check_uuid(&e, "id", "", id));
	invalid(&e, "id");
	CHECK(!vd_check_uuid(&e, "volume_id", "336ae2fd1b834c4d9778d34d587374f9", id));
	invalid(&e, "volume_id");
	CHECK(!vd_check_uuid(&e, "vm_id", "{336ae2fd-1b83-4c4d-9778-d34d587374f9}", id));
	invalid(&e, "vm_id");
	CHECK(!vd_check_uuid(&e, "id", "336ae2fd-1b83-4c4d-9778-d34d587374fg", id));
	invalid(&e, "id");
	CHECK(vd_check_uuid_opt(&e, "host_id", "", id));
	CHECK_STR(id, "");

	CHECK(vd_check_name(&e, "name", "Data Volume 1"));
	CHECK(vd_check_name(&e, "name", "Shiro Logic6 (rootfs-bfbb2b86.ext4)"));
	CHECK(!vd_check_name(&e, "name", ""));
	invalid(&e, "name");
	CHECK(!vd_check_name(&e, "name", "bad\x01name"));
	invalid(&e, "name");
	CHECK(!vd_check_name(&e, "name", "c1\xc2\x85" "control"));
	invalid(&e, "name");
	CHECK(!vd_check_name(&e, "name", "bad \xff utf8"));
	invalid(&e, "name");
	char name[1100];
	memset(name, 'x', 255);
	name[255] = '\0';
	CHECK(vd_check_name(&e, "name", name));
	strcpy(name + 255, "y");
	CHECK(!vd_check_name(&e, "name", name));
	invalid(&e, "name");
	/* 255 characters, not bytes: 255 two-byte letters fit. */
	for (int i = 0; i < 255; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[510] = '\0';
	CHECK(vd_check_name(&e, "name", name));

	CHECK(vd_check_drive_id(&e, "drive_id", "rootfs"));
	CHECK(vd_check_drive_id(&e, "drive_id", "vdb"));
	CHECK(vd_check_drive_id(&e, "drive_id", "data_disk-2"));
	CHECK(!vd_check_drive_id(&e, "drive_id", ""));
	invalid(&e, "drive_id");
	CHECK(!vd_check_drive_id(&e, "drive_id", "vd b"));
	invalid(&e, "drive_id");
	CHECK(!vd_check_drive_id(&e, "drive_id", "../x"));
	invalid(&e, "drive_id");
	char drive[80];
	memset(drive, 'd', 65);
	drive[65] = '\0';
	CHECK(!vd_check_drive_id(&e, "drive_id", drive));
	invalid(&e, "drive_id");

	CHECK(vd_check_text(&e, "description", "", 10));
	CHECK(vd_check_text(&e, "description", "line 1\nline 2\tend", 100));
	CHECK(!vd_check_text(&e, "description", "0123456789a", 10));
	invalid(&e, "description");
	CHECK(!vd_check_text(&e, "description", "bell\a", 100));
	invalid(&e, "description");

	int size;
	CHECK(vd_check_page_size(&e, 0, &size));
	CHECK_INT(size, 1000);
	CHECK(vd_check_page_size(&e, 7, &size));
	CHECK_INT(size, 7);
	CHECK(vd_check_page_size(&e, 5000, &size));
	CHECK_INT(size, 1000);
	CHECK(!vd_check_page_size(&e, -1, &size));
	invalid(&e, "page_size");

	/* The first error is kept; later ones do not overwrite it. */
	vd_check_uuid(&e, "volume_id", "x", id);
	vd_check_name(&e, "name", "");
	CHECK_CONTAINS(e.message, "volume_id");
	printf("unit_fields: ok\n");
	return 0;
}
