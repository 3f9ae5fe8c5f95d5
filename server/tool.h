/* tool.h - running the external programs volume files need (mkfs.ext4,
 * resize2fs, qemu-img): no shell, a time limit, and their complaint in the
 * error when they fail. */
#ifndef VOLUMED_TOOL_H
#define VOLUMED_TOOL_H

#include <stdbool.h>

#include "wire.h"

/* Runs argv[0] (an absolute path, or a name looked up in the usual sbin
 * and bin directories) and waits up to timeout_s seconds. True when it
 * exits 0; otherwise FILE_ERROR naming the tool and what it printed. */
bool vd_tool_run(const char *const *argv, int timeout_s, vd_error *err);

#endif
