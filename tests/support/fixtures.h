/* fixtures.h - shorthand for integration tests: make hosts, VMs and volumes
 * through the client library, and check a call's outcome. */
#ifndef VOLUMED_TEST_FIXTURES_H
#define VOLUMED_TEST_FIXTURES_H

#include "harness.h"
#include "vc.h"

/* Checks that a call ended with code and reason (reason "" for none). */
#define CHECK_STATUS(st, want_code, want_reason)                               \
	do {                                                                   \
		const vc_status *s_ = &(st);                                   \
		if (s_->code != (want_code) || strcmp(s_->reason, (want_reason)) != 0) { \
			fprintf(stderr,                                        \
				"%s:%d: expected %s/%s, got %s/%s: %s\n",      \
				__FILE__, __LINE__, vd_code_name(want_code),   \
				(want_reason), vd_code_name(s_->code),         \
				s_->reason, s_->message);                      \
			th_fail();                                             \
		}                                                              \
	} while (0)

#define CHECK_OK(st) CHECK_STATUS(st, 0, "")

/* Each returns the new object's id in a static rotating buffer. */
const char *tf_host(vc_client *c, const char *name);
const char *tf_vm(vc_client *c, const char *host_id, const char *name);
const char *tf_volume(vc_client *c, const char *host_id, const char *path);
/* Attach; returns the status code (the status in *st). */
int tf_attach(vc_client *c, const char *volume_id, const char *vm_id, const char *drive, bool read_only,
	      vc_status *st);
/* The volume's status word ("available", ...) and attachment count. */
const char *tf_status(vc_client *c, const char *volume_id, int *count);

/* The audit of invariant 1: volumes whose status disagrees with their
 * attachment rows. Must always be 0. */
#define TF_AUDIT_SQL                                                           \
	"SELECT count(*) FROM volume v LEFT JOIN LATERAL (SELECT count(*) AS n " \
	"FROM volume_attachment a WHERE a.volume_id = v.id) c ON true "        \
	"WHERE v.status <> CASE WHEN c.n = 0 THEN 'available' "                \
	"WHEN c.n = 1 THEN 'attached' ELSE 'in-use' END OR v.attachment_count <> c.n"
/* Invariant 2: volumes with a writer and anyone else, or two writers. */
#define TF_WRITERS_SQL                                                         \
	"SELECT count(*) FROM (SELECT volume_id FROM volume_attachment GROUP BY volume_id " \
	"HAVING count(*) FILTER (WHERE NOT read_only) > 1 OR "                 \
	"(count(*) FILTER (WHERE NOT read_only) = 1 AND count(*) > 1)) x"

#endif
