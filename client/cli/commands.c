/* commands.c - volumectl's table of commands (words, options, help, handlers) and the dispatch. */
#include "commands.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "table.h"

/* Every option of every command writes here; a run parses one command's
 * table only, so the fields of other commands stay NULL or 0. */
static ctl_params P;

typedef struct command {
	const char *group;       /* "volumes", "hosts", "vms", or the command itself ("health") */
	const char *name;        /* "list"; NULL for a command without a group */
	const char *args;        /* positional arguments, e.g. "VOLUME_ID STATUS"; "" for none */
	int nargs;
	const char *synopsis;    /* the options, for the usage line */
	const char *summary;     /* one line, for the list of commands */
	const char *text;        /* what it does and how it can fail */
	const char *examples;
	const char *required;    /* names of options that must be given, space-separated */
	const vd_opt *opts;
	size_t nopts;
	ctl_handler run;
} command;

#define N(a) (sizeof(a) / sizeof *(a))

/* Example ids, those of the product specification, so the examples read
 * like a real session. */
#define EX_HOST "bbab8c75-f516-47ec-987a-828422b2ee5a"
#define EX_VM "0fa7cf15-f92d-49c7-bfb8-ccdeac8633f5"
#define EX_VM2 "cd2d0de0-5cfb-49a5-a84d-bb01684fd988"
#define EX_VOL "336ae2fd-1b83-4c4d-9778-d34d587374f9"

#define OPT_STR(name, field, help) {name, NULL, VD_OPT_STRING, NULL, help, &P.field, 0, 0}
#define OPT_FLAG(name, field, help) {name, NULL, VD_OPT_FLAG, NULL, help, &P.field, 0, 0}
#define OPT_PAGING                                                             \
	{"page-size", NULL, VD_OPT_INT, NULL,                                  \
	 "rows per call (default and most 1000; more is capped)", &P.page_size, 0, INT_MAX}, \
	OPT_STR("page-token", page_token, "start at this page (a token a previous page printed on stderr)"), \
	OPT_FLAG("all", all, "follow the page tokens to the end and show every row")
#define SYN_PAGING "[--page-size N] [--page-token TOKEN] [--all]"
#define TEXT_PAGING                                                            \
	"A call returns one page (up to --page-size rows). When there are more, volumectl\n" \
	"says so on stderr, with the --page-token of the next page; --all fetches them all.\n"

static const vd_opt volumes_list_opts[] = {
	OPT_STR("host-id", host_id, "only volumes on this host"),
	OPT_STR("status", status, "only this status: available, attached or in-use"),
	OPT_STR("type", type, "only this type: ext4, qcow2 or raw"),
	OPT_STR("path", path, "only the volume at this exact path"),
	OPT_STR("name", name, "only names containing this text (any case)"),
	OPT_PAGING,
};
static const vd_opt volumes_create_opts[] = {
	OPT_STR("name", name, "a name for people, e.g. \"Data Volume 1\" (required)"),
	OPT_STR("path", path, "absolute path of the file on its host (required, unless --provision)"),
	OPT_STR("host-id", host_id, "the file's host (required, unless --provision; see hosts list)"),
	OPT_STR("size", size, "bytes, or with K, M, G, T (powers of 1024): 10G = 10737418240;"
			      " default: the file's size, when PATH is a file on this machine"),
	OPT_STR("type", type, "ext4, qcow2 or raw; default from PATH's extension (.ext4, .qcow2, else raw)"),
	OPT_STR("description", description, "free text, e.g. owner and purpose"),
	OPT_FLAG("provision", provision,
		 "make the file too (ext4 formatted, qcow2, or sparse raw) in volumed's volume root;"
		 " PATH and --host-id may then be left to volumed"),
};
static const vd_opt volumes_delete_opts[] = {
	OPT_FLAG("delete-file", delete_file, "remove the file too (only inside volumed's managed roots)"),
};
static const vd_opt volumes_resize_opts[] = {
	OPT_STR("size", size, "the new size, larger than now: bytes, or with K, M, G, T (required)"),
};
static const vd_opt volumes_clone_opts[] = {
	OPT_STR("name", name, "the copy's name; default \"{name} (clone)\""),
	OPT_STR("path", path, "the copy's file, inside volumed's volume root; default: one volumed makes up"),
	OPT_STR("description", description, "the copy's description"),
};
static const vd_opt hosts_scan_opts[] = {
	OPT_FLAG("register", register_unregistered, "also register the files that no volume names"),
};
static const vd_opt volumes_attach_opts[] = {
	OPT_STR("vm-id", vm_id, "the VM to attach the volume to (required)"),
	OPT_STR("drive-id", drive_id, "the VM's drive: rootfs, vdb, vdc, ... (required)"),
	OPT_FLAG("read-only", read_only, "attach read-only; other VMs may then attach it read-only too"),
};
static const vd_opt volumes_detach_opts[] = {
	OPT_STR("vm-id", vm_id, "the VM to detach the volume from (required)"),
};
static const vd_opt paging_opts[] = {OPT_PAGING};
static const vd_opt volumes_register_opts[] = {
	OPT_STR("vm-id", vm_id, "the VM the file belongs to (required)"),
	OPT_STR("path", path, "absolute path of the file on the VM's host (required)"),
	{"drive-id", NULL, VD_OPT_STRING, "rootfs", "the VM's drive to attach it at", &P.drive_id, 0, 0},
};
static const vd_opt hosts_create_opts[] = {
	OPT_STR("name", name, "the host's name, unique (required)"),
	OPT_STR("address", address, "where to reach it, e.g. 10.0.0.5"),
};
static const vd_opt vms_list_opts[] = {
	OPT_STR("host-id", host_id, "only VMs on this host"),
	OPT_PAGING,
};
static const vd_opt vms_create_opts[] = {
	OPT_STR("name", name, "the VM's name, e.g. web-1 (required)"),
	OPT_STR("host-id", host_id, "its host (required, unless --rootfs-image-id; see hosts list)"),
	OPT_STR("id", id, "the VM's id, when the platform has one already (a UUID); default: a new one"),
	OPT_STR("rootfs-image-id", rootfs_image_id, "copy this image (see images list) as the VM's rootfs,"
						    " register the copy and attach it at rootfs"),
	OPT_STR("kind", kind, "with --rootfs-image-id: vm (default), container or function; decides where"
			      " the copy goes"),
};
static const vd_opt health_opts[] = {
	OPT_STR("service", service, "one service, e.g. volumed.v1.VolumeService; default: all of volumed"),
};

static const command commands[] = {
	{"volumes", "list", "", 0,
	 "[--host-id ID] [--status STATUS] [--type TYPE] [--path PATH] [--name TEXT] " SYN_PAGING,
	 "list volumes, with filters (--status available: the orphans)",
	 "Lists volumes, oldest first. Filters combine: a volume is listed when it matches all\n"
	 "of them. Table columns: ID, NAME, SIZE (powers of 1024), TYPE, STATUS (available:\n"
	 "no VM holds it; attached: one does; in-use: several, read-only), ATTACHMENTS (how\n"
	 "many VMs hold it), HOST_ID, PATH. With --output json: an array of volumes.\n" TEXT_PAGING,
	 "  volumectl volumes list\n"
	 "  volumectl volumes list --host-id " EX_HOST " --all\n"
	 "  volumectl volumes list --status available       # orphans: attached to no VM\n"
	 "  volumectl volumes list --name rootfs --type ext4\n"
	 "  # bytes of all volumes on a host:\n"
	 "  volumectl --output json volumes list --host-id " EX_HOST " --all | jq '[.[].size_bytes] | add'\n",
	 "", volumes_list_opts, N(volumes_list_opts), ctl_cmd_volumes_list},
	{"volumes", "get", "VOLUME_ID", 1, "", "show one volume",
	 "Shows a volume: name, description, path, size, type, status, how many VMs hold it,\n"
	 "host and times. Unknown id: VOLUME_NOT_FOUND (exit 4). See `volumes attachments` for\n"
	 "which VMs hold it.\n",
	 "  volumectl volumes get " EX_VOL "\n"
	 "  volumectl --output json volumes get " EX_VOL " | jq -r .status\n",
	 "", NULL, 0, ctl_cmd_volumes_get},
	{"volumes", "create", "", 0,
	 "--name NAME --path PATH --host-id ID [--size SIZE] [--type TYPE] [--description TEXT]"
	 " [--provision]",
	 "register a volume file on a host (e.g. a new data disk), or make one",
	 "Registers a volume: a disk image file on a host. It creates no file (make one first,\n"
	 "e.g. with fallocate and mkfs.ext4), unless --provision asks volumed to make it on its\n"
	 "own host (needs a volumed started with --host-name). The new volume is available\n"
	 "(attached to no VM). PATH must be absolute; volumed normalises it (// and .\n"
	 "segments) and refuses '..'. A path registered already is refused with DUPLICATE_PATH\n"
	 "(exit 5), naming the volume that has it; an unknown host with HOST_NOT_FOUND (exit 4).\n"
	 "Prints the volume: its id is what attach, detach and delete take.\n",
	 "  fallocate -l 10G /srv/fc/volumes/data-vol-1.ext4\n"
	 "  mkfs.ext4 -q /srv/fc/volumes/data-vol-1.ext4\n"
	 "  volumectl volumes create --name \"Data Volume 1\" --path /srv/fc/volumes/data-vol-1.ext4 \\\n"
	 "      --size 10G --host-id " EX_HOST "\n"
	 "  # the id alone, for a script:\n"
	 "  volumectl --output json volumes create --name data-2 --path /srv/fc/volumes/data-2.raw \\\n"
	 "      --size 512M --host-id " EX_HOST " | jq -r .id\n"
	 "  # let volumed make a formatted 20 GiB ext4 file in its volume root:\n"
	 "  volumectl volumes create --name data-3 --size 20G --type ext4 --provision\n",
	 "name", volumes_create_opts, N(volumes_create_opts), ctl_cmd_volumes_create},
	{"volumes", "status", "VOLUME_ID STATUS", 2, "",
	 "confirm a volume's status (volumed keeps it in step with the attachments)",
	 "volumed derives a volume's status from its attachments, in the same transaction as\n"
	 "every change: available (none), attached (one), in-use (several, read-only). This\n"
	 "confirms that the volume has STATUS and prints it; a STATUS that contradicts the\n"
	 "attachments is refused with STATUS_CONFLICT (exit 5) and changes nothing. To make a\n"
	 "volume available, detach it from its VMs.\n",
	 "  volumectl volumes status " EX_VOL " available\n",
	 "", NULL, 0, ctl_cmd_volumes_status},
	{"volumes", "delete", "VOLUME_ID", 1, "[--delete-file]",
	 "remove a volume from the registry (its file stays)",
	 "Removes a volume from the registry. Its file is NOT deleted: remove it yourself\n"
	 "afterwards if you want to (`volumes get` shows its path), or add --delete-file to\n"
	 "have volumed remove it (only inside its managed roots; UNMANAGED_PATH, exit 5,\n"
	 "otherwise). A volume that a VM still holds is refused with VOLUME_ATTACHED (exit 5),\n"
	 "naming the VM: detach it first. Unknown id: VOLUME_NOT_FOUND (exit 4).\n",
	 "  volumectl volumes delete " EX_VOL "\n"
	 "  # every orphan, after reviewing `volumectl volumes list --status available`:\n"
	 "  volumectl --output json volumes list --status available --all | jq -r '.[].id' \\\n"
	 "      | xargs -n 1 volumectl volumes delete\n",
	 "", volumes_delete_opts, N(volumes_delete_opts), ctl_cmd_volumes_delete},
	{"volumes", "attach", "VOLUME_ID", 1, "--vm-id ID --drive-id DRIVE [--read-only]",
	 "attach a volume to a VM at a drive (rootfs, vdb, ...)",
	 "Attaches a volume to a VM at one of the VM's Firecracker drives: rootfs for the root\n"
	 "filesystem, vdb, vdc, ... for data disks (1 to 64 letters, digits, '_' or '-').\n"
	 "Prints the attachment. A volume has one read-write attachment, or any number of\n"
	 "read-only ones. Repeating an attach is safe: it prints the existing attachment.\n"
	 "Refused (exit 5, nothing changes): ATTACHED_ELSEWHERE when another VM holds the\n"
	 "volume (the message names it: detach it there first), DRIVE_IN_USE when the VM's\n"
	 "drive holds another volume, ALREADY_ATTACHED when the volume is on this VM at another\n"
	 "drive or mode. Unknown volume or VM: exit 4.\n",
	 "  volumectl volumes attach " EX_VOL " --vm-id " EX_VM " --drive-id vdb\n"
	 "  # then, inside the VM: mount /dev/vdb /mnt/data\n"
	 "  volumectl volumes attach " EX_VOL " --vm-id " EX_VM2 " --drive-id vdc --read-only\n",
	 "vm-id drive-id", volumes_attach_opts, N(volumes_attach_opts), ctl_cmd_volumes_attach},
	{"volumes", "detach", "VOLUME_ID", 1, "--vm-id ID", "detach a volume from a VM",
	 "Detaches a volume from a VM and prints the volume as it is afterwards: available\n"
	 "once no VM holds it. A volume that is not attached to that VM: ATTACHMENT_NOT_FOUND\n"
	 "(exit 4). To move a volume to another VM, detach it, then attach it there.\n",
	 "  volumectl volumes detach " EX_VOL " --vm-id " EX_VM "\n"
	 "  # move it to another VM:\n"
	 "  volumectl volumes attach " EX_VOL " --vm-id " EX_VM2 " --drive-id vdb\n",
	 "vm-id", volumes_detach_opts, N(volumes_detach_opts), ctl_cmd_volumes_detach},
	{"volumes", "attachments", "VOLUME_ID", 1, SYN_PAGING,
	 "list the VMs that hold a volume, and at which drive",
	 "Lists a volume's attachments: which VM holds it, at which drive, read-write or\n"
	 "read-only, since when. Unknown volume: VOLUME_NOT_FOUND (exit 4).\n" TEXT_PAGING,
	 "  volumectl volumes attachments " EX_VOL "\n", "", paging_opts, N(paging_opts),
	 ctl_cmd_volumes_attachments},
	{"volumes", "register", "", 0, "--vm-id ID --path PATH [--drive-id DRIVE]",
	 "track a VM's rootfs file: register it if new, and attach it",
	 "Auto-registration in one safe step: makes sure the file at PATH is a registered\n"
	 "volume attached to the VM at DRIVE. A new volume is named \"{vm name} ({file name})\",\n"
	 "described \"Rootfs for VM: {vm name}\", typed by extension (.ext4, .qcow2, else raw),\n"
	 "put on the VM's host and sized from the file when volumed can see it (0 otherwise).\n"
	 "Running it again prints the same volume and changes nothing. A file attached to\n"
	 "another VM is refused with ATTACHED_ELSEWHERE (exit 5); an unknown VM is VM_NOT_FOUND\n"
	 "(exit 4).\n",
	 "  volumectl volumes register --vm-id " EX_VM " \\\n"
	 "      --path /srv/fc/vms/" EX_VM "/storage/rootfs-bfbb2b86.ext4\n"
	 "  volumectl volumes register --vm-id " EX_VM " --path /srv/fc/vms/" EX_VM "/storage/disk-1.img \\\n"
	 "      --drive-id vdb\n",
	 "vm-id path", volumes_register_opts, N(volumes_register_opts), ctl_cmd_volumes_register},
	{"volumes", "resize", "VOLUME_ID", 1, "--size SIZE", "grow a volume's file and its filesystem",
	 "Grows a volume: its file, then the ext4 filesystem (resize2fs) or the qcow2 image in\n"
	 "it, and prints the volume. volumed does it on its own host (started with --host-name)\n"
	 "for a file in its managed roots. Refused (exit 5): a volume attached to a VM\n"
	 "(VOLUME_ATTACHED: detach it first), a size not larger than the current one, a file on\n"
	 "another host (WRONG_HOST) or outside the roots (UNMANAGED_PATH).\n",
	 "  volumectl volumes resize " EX_VOL " --size 20G\n", "size", volumes_resize_opts,
	 N(volumes_resize_opts), ctl_cmd_volumes_resize},
	{"volumes", "clone", "VOLUME_ID", 1, "[--name NAME] [--path PATH] [--description TEXT]",
	 "copy a volume into a new, available one",
	 "Copies an unattached volume's file (a reflink where the filesystem allows, else a\n"
	 "sparse copy) into a new volume, available, on the same host, and prints the new\n"
	 "volume. volumed does it on its own host (started with --host-name). Refused (exit 5):\n"
	 "a volume attached to a VM (VOLUME_ATTACHED), a PATH that exists (FILE_EXISTS).\n",
	 "  volumectl volumes clone " EX_VOL " --name \"Data Volume 1 (before upgrade)\"\n", "",
	 volumes_clone_opts, N(volumes_clone_opts), ctl_cmd_volumes_clone},

	{"hosts", "list", "", 0, SYN_PAGING, "list hosts",
	 "Lists the hosts: the machines that hold volume files and run VMs, oldest first.\n" TEXT_PAGING,
	 "  volumectl hosts list\n", "", paging_opts, N(paging_opts), ctl_cmd_hosts_list},
	{"hosts", "get", "HOST_ID", 1, "", "show one host",
	 "Shows a host. Unknown id: HOST_NOT_FOUND (exit 4).\n", "  volumectl hosts get " EX_HOST "\n", "",
	 NULL, 0, ctl_cmd_hosts_get},
	{"hosts", "create", "", 0, "--name NAME [--address ADDRESS]", "add a host",
	 "Adds a host and prints it; its id is what volumes and VMs name. Names are unique:\n"
	 "a name in use is refused with DUPLICATE_NAME (exit 5).\n",
	 "  volumectl hosts create --name host-1 --address 10.0.0.5\n", "name", hosts_create_opts,
	 N(hosts_create_opts), ctl_cmd_hosts_create},
	{"hosts", "delete", "HOST_ID", 1, "", "remove a host that has no VMs and no volumes",
	 "Removes a host. A host that still has VMs or volumes is refused with HOST_IN_USE\n"
	 "(exit 5): nothing is ever deleted along with it.\n",
	 "  volumectl hosts delete " EX_HOST "\n", "", NULL, 0, ctl_cmd_hosts_delete},
	{"hosts", "scan", "HOST_ID", 1, "[--register]", "compare the registry with the files on a host",
	 "Asks the volumed that runs on the host (started with --host-name; any other answers\n"
	 "WRONG_HOST, exit 5) to compare the registry with the disk: it refreshes each volume's\n"
	 "size from its file, marks the volumes whose file is gone as missing, and lists the\n"
	 "files under its roots that no volume names (--register registers them). Prints what\n"
	 "it found.\n",
	 "  volumectl hosts scan " EX_HOST "\n"
	 "  volumectl --output json hosts scan " EX_HOST " | jq -r '.missing[].path'\n",
	 "", hosts_scan_opts, N(hosts_scan_opts), ctl_cmd_hosts_scan},

	{"vms", "list", "", 0, "[--host-id ID] " SYN_PAGING, "list VMs",
	 "Lists the VMs, oldest first, optionally only those on one host.\n" TEXT_PAGING,
	 "  volumectl vms list --host-id " EX_HOST "\n", "", vms_list_opts, N(vms_list_opts),
	 ctl_cmd_vms_list},
	{"vms", "get", "VM_ID", 1, "", "show one VM", "Shows a VM. Unknown id: VM_NOT_FOUND (exit 4).\n",
	 "  volumectl vms get " EX_VM "\n", "", NULL, 0, ctl_cmd_vms_get},
	{"vms", "create", "", 0, "--name NAME --host-id ID [--id UUID] [--rootfs-image-id ID [--kind KIND]]",
	 "add a VM on a host (and give it a rootfs copied from an image)",
	 "Adds a VM to the registry and prints it. --id lets the platform use its own VM id;\n"
	 "repeating the same create is then safe (it prints the VM made the first time), and\n"
	 "an id that another VM has is refused with DUPLICATE_ID (exit 5). Unknown host:\n"
	 "HOST_NOT_FOUND (exit 4). With --rootfs-image-id, volumed (started with --host-name)\n"
	 "also copies that image into the VM's storage, registers the copy and attaches it at\n"
	 "rootfs, all or nothing; the VM is then on volumed's host.\n",
	 "  volumectl vms create --name web-1 --host-id " EX_HOST "\n"
	 "  volumectl vms create --name web-2 --host-id " EX_HOST " --id " EX_VM2 "\n"
	 "  # with a rootfs copied from an image (see images list):\n"
	 "  volumectl vms create --name web-3 --rootfs-image-id 550e8400-e29b-41d4-a716-446655440000\n",
	 "name", vms_create_opts, N(vms_create_opts), ctl_cmd_vms_create},
	{"vms", "delete", "VM_ID", 1, "", "remove a VM, detaching its volumes",
	 "Removes a VM. Every volume it holds is detached in the same step (their status is\n"
	 "recomputed); the volumes themselves stay registered. Unknown id: VM_NOT_FOUND (exit 4).\n",
	 "  volumectl vms delete " EX_VM "\n", "", NULL, 0, ctl_cmd_vms_delete},

	{"images", "list", "", 0, SYN_PAGING, "list the kernel and rootfs images on volumed's host",
	 "Lists the templates in the image root of the answering volumed's host (one started\n"
	 "with --host-name; any other answers WRONG_HOST, exit 5): kernels and rootfs images,\n"
	 "by name. A rootfs image's id is what vms create --rootfs-image-id takes.\n" TEXT_PAGING,
	 "  volumectl images list\n"
	 "  volumectl --output json images list | jq -r '.[] | select(.kind == \"rootfs\") | .id'\n",
	 "", paging_opts, N(paging_opts), ctl_cmd_images_list},

	{"health", NULL, "", 0, "[--service NAME]", "check that volumed and its database answer",
	 "Asks volumed's standard gRPC health service. Prints SERVING and exits 0 while volumed\n"
	 "and its Postgres answer; prints NOT_SERVING and exits 6 while volumed cannot reach\n"
	 "Postgres. An unreachable volumed also exits 6. Made for health checks of containers\n"
	 "and load balancers.\n",
	 "  volumectl health\n"
	 "  volumectl --server volumed:50051 --timeout 2s health\n",
	 "", health_opts, N(health_opts), ctl_cmd_health},
};

static const char *const groups[] = {"volumes", "hosts", "vms", "images"};

/* "volumes attach", or "health". */
static const char *full_name(const command *c)
{
	static char buf[64];
	snprintf(buf, sizeof buf, "%s%s%s", c->group, c->name ? " " : "", c->name ? c->name : "");
	return buf;
}

static void command_list(FILE *f, const char *group)
{
	static const ctl_column cols[] = {{NULL, false}, {NULL, false}};
	ctl_table *t = ctl_table_new(cols, 2);
	for (size_t i = 0; i < N(commands); i++) {
		const command *c = &commands[i];
		if (group && strcmp(c->group, group) != 0)
			continue;
		char left[96];
		snprintf(left, sizeof left, "  %s%s%s", full_name(c), *c->args ? " " : "", c->args);
		const char *row[] = {left, c->summary};
		ctl_table_add(t, row);
	}
	ctl_table_print(t, f);
	ctl_table_free(t);
}

static const char exit_codes[] =
	"Exit codes, by the kind of error (the reason in the message names the case):\n"
	"  0  done\n"
	"  1  any other error, e.g. INTERNAL (volumed's log says more), FILE_ERROR, NO_SPACE\n"
	"  2  usage: unknown command or option, missing argument or option, a value volumectl\n"
	"     cannot read; nothing was sent to volumed\n"
	"  3  invalid argument: volumed refused a value (INVALID_FIELD, the message names it)\n"
	"  4  not found: VOLUME_NOT_FOUND, VM_NOT_FOUND, HOST_NOT_FOUND, ATTACHMENT_NOT_FOUND,\n"
	"     IMAGE_NOT_FOUND, ...\n"
	"  5  conflict, nothing changed: VOLUME_ATTACHED, ATTACHED_ELSEWHERE, DRIVE_IN_USE,\n"
	"     ALREADY_ATTACHED, DUPLICATE_PATH, DUPLICATE_NAME, DUPLICATE_ID, STATUS_CONFLICT,\n"
	"     HOST_IN_USE, WRONG_HOST, ...\n"
	"  6  unavailable: volumed cannot be reached or did not answer in time, or its\n"
	"     database is down (DATABASE_UNAVAILABLE); retry later\n"
	"  7  denied: UNAUTHENTICATED or PERMISSION_DENIED\n"
	"Errors are one line on stderr: \"volumectl: REASON: message\".\n";

void ctl_commands_usage(FILE *f, const vd_opt *globals, size_t nglobals)
{
	fputs("volumectl - the command line of volumed, the volume registry of the microVM platform:\n"
	      "which disk images exist on which host, and which VM has each one at which drive.\n\n"
	      "usage: volumectl [global options] COMMAND [arguments] [options]\n"
	      "       volumectl COMMAND --help          a command's options and examples\n\n"
	      "Global options (before the command; a flag wins over its environment variable):\n",
	      f);
	vd_opts_usage(f, globals, nglobals);
	fprintf(f, "  %-28s %s\n  %-28s %s\n", "--help", "this help", "--version", "volumectl's version");
	fputs("\nCommands (those that touch files need a volumed started with --host-name):\n", f);
	command_list(f, NULL);
	fputs("\nOutput: --output table (the default) prints aligned columns for lists and one\n"
	      "\"field  value\" line per field for a single object, sizes in KiB/MiB/GiB; times\n"
	      "are UTC. --output json prints what the REST API returns: an object, or an array\n"
	      "for a list (volume: id, name, description (null when empty), path, size_bytes,\n"
	      "type, status, host_id, created_at, updated_at, attachment_count), for scripts and\n"
	      "jq. Deletes print nothing in JSON: the exit code tells.\n\n",
	      f);
	fputs("Common tasks (the ids are placeholders: copy them from the output of the command\n"
	      "that made them; in a script, `--output json ... | jq -r .id` captures one):\n\n"
	      "  Set up: a host, and the VMs on it\n"
	      "    volumectl hosts create --name host-1 --address 10.0.0.5\n"
	      "    volumectl vms create --name web-1 --host-id HOST_ID\n\n"
	      "  1. Track every VM's rootfs volume, and see disk use per host\n"
	      "    volumectl volumes register --vm-id VM_ID --path /srv/fc/vms/VM_ID/storage/rootfs-1.ext4\n"
	      "    volumectl volumes list --host-id HOST_ID\n\n"
	      "  2. Add a data disk to a VM\n"
	      "    fallocate -l 10G /srv/fc/volumes/data-1.ext4 && mkfs.ext4 -q /srv/fc/volumes/data-1.ext4\n"
	      "    volumectl volumes create --name data-1 --path /srv/fc/volumes/data-1.ext4 --size 10G \\\n"
	      "        --host-id HOST_ID\n"
	      "    volumectl volumes attach VOLUME_ID --vm-id VM_ID --drive-id vdb\n"
	      "    (inside the VM: mount /dev/vdb /mnt/data)\n\n"
	      "  3. Move a volume from one VM to another\n"
	      "    volumectl volumes detach VOLUME_ID --vm-id VM_ID\n"
	      "    volumectl volumes attach VOLUME_ID --vm-id OTHER_VM_ID --drive-id vdb\n\n"
	      "  4. Clean up orphaned volumes (attached to no VM)\n"
	      "    volumectl volumes list --status available\n"
	      "    volumectl volumes delete VOLUME_ID      (the file stays: rm it yourself if you want)\n\n",
	      f);
	fputs(exit_codes, f);
}

static void group_usage(FILE *f, const char *group)
{
	fprintf(f,
		"usage: volumectl [global options] %s COMMAND [arguments] [options]\n\n"
		"Commands:\n",
		group);
	command_list(f, group);
	fprintf(f, "\nEach command explains itself: volumectl %s COMMAND --help\n", group);
}

static void command_usage(FILE *f, const command *c)
{
	fprintf(f, "usage: volumectl [global options] %s%s%s%s%s\n\n%s\n", full_name(c), *c->args ? " " : "",
		c->args, *c->synopsis ? " " : "", c->synopsis, c->text);
	fputs("Options:\n", f);
	vd_opts_usage(f, c->opts, c->nopts);
	fprintf(f, "  %-28s %s\n", "--help", "this help");
	fprintf(f, "\nExamples:\n%s\n", c->examples);
	fputs("Global options (--server, --output, --timeout) go before the command: volumectl --help.\n"
	      "Exit codes: 0 done, 2 usage, 3 invalid argument, 4 not found, 5 conflict,\n"
	      "6 unavailable, 1 other.\n",
	      f);
}

static bool known_group(const char *word)
{
	for (size_t i = 0; i < N(groups); i++)
		if (strcmp(word, groups[i]) == 0)
			return true;
	return false;
}

static const command *find(const char *group, const char *name)
{
	for (size_t i = 0; i < N(commands); i++) {
		const command *c = &commands[i];
		if (strcmp(c->group, group) == 0 && (!c->name || (name && strcmp(c->name, name) == 0)))
			return c;
	}
	return NULL;
}

/* Checks the parsed command line against the command: positional count and required options. */
static bool check(const ctl_ctx *ctx, const command *c, const ctl_args *a, ctl_err *err)
{
	const char *cmd = full_name(c);
	/* A global option after the command is a common slip; say where it goes. */
	for (int i = 1; i < a->optc; i++) {
		const char *w = a->optv[i];
		if (strncmp(w, "--", 2) == 0 && !ctl_args_find(c->opts, c->nopts, w) &&
		    ctl_args_find(ctx->globals, ctx->nglobals, w))
			return ctl_err_usage(err, cmd, "%.*s is a global option: put it before the command, "
						       "as in volumectl %s%s %s ...",
					     (int)strcspn(w, "="), w, w, strchr(w, '=') ? "" : " VALUE", cmd);
	}
	char why[256];
	int rest = vd_opts_parse(c->opts, c->nopts, a->optc, a->optv, 1, why, sizeof why);
	if (rest < 0)
		return ctl_err_usage(err, cmd, "%s: %s", cmd, why);
	if (rest < a->optc)
		return ctl_err_usage(err, cmd, "%s: unexpected argument \"%s\"", cmd, a->optv[rest]);
	if (a->posc < c->nargs) {
		/* Name the first missing one: "VOLUME_ID", or "STATUS" of "VOLUME_ID STATUS". */
		const char *name = c->args;
		for (int i = 0; i < a->posc; i++)
			name = strchr(name, ' ') + 1;
		return ctl_err_usage(err, cmd, "%s: missing %.*s", cmd, (int)strcspn(name, " "), name);
	}
	if (a->posc > c->nargs)
		return ctl_err_usage(err, cmd, "%s: unexpected argument \"%s\"", cmd, a->posv[c->nargs]);
	for (const char *r = c->required; *r; r += strspn(r, " ")) {
		size_t len = strcspn(r, " ");
		for (size_t i = 0; i < c->nopts; i++) {
			const vd_opt *o = &c->opts[i];
			bool named = strlen(o->name) == len && strncmp(o->name, r, len) == 0;
			if (named && !*(const char **)o->target)
				return ctl_err_usage(err, cmd, "%s: missing --%s", cmd, o->name);
		}
		r += len;
	}
	return true;
}

int ctl_commands_run(ctl_ctx *ctx, int argc, char **argv, int first)
{
	ctl_err err = {0};
	ctl_args a = {0};
	const command *c = NULL;
	const char *word = argv[first];
	int rest = first + 1;

	if (known_group(word)) {
		const char *sub = rest < argc ? argv[rest] : NULL;
		if (sub && (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)) {
			group_usage(ctx->out, word);
			return VD_EXIT_OK;
		}
		if (!sub || sub[0] == '-') {
			char names[128] = "";
			for (size_t i = 0; i < N(commands); i++)
				if (strcmp(commands[i].group, word) == 0)
					snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
						 *names ? ", " : "", commands[i].name);
			ctl_err_usage(&err, word, "%s: missing command (%s)", word, names);
			goto cleanup;
		}
		if (!(c = find(word, sub))) {
			ctl_err_usage(&err, word, "unknown command \"%s %s\"", word, sub);
			goto cleanup;
		}
		rest++;
	} else if (!(c = find(word, NULL))) {
		ctl_err_usage(&err, "", "unknown command \"%s\" (volumes, hosts, vms, images or health)",
			      word);
		goto cleanup;
	}

	char why[256];
	if (!ctl_args_split(&a, c->opts, c->nopts, argc, argv, rest, why, sizeof why)) {
		ctl_err_usage(&err, full_name(c), "%s: %s", full_name(c), why);
		goto cleanup;
	}
	if (a.help) {
		command_usage(ctx->out, c);
		goto cleanup;
	}
	if (!check(ctx, c, &a, &err))
		goto cleanup;

	/* The client is made only for a command that calls: help and usage
	 * errors never start gRPC. */
	vc_options vo = {.timeout_ms = ctx->timeout_ms};
	ctx->client = vc_client_new(ctx->server, &vo);
	c->run(ctx, &P, a.posv, &err);
	vc_client_free(ctx->client);
	ctx->client = NULL;

cleanup:
	ctl_args_free(&a);
	ctl_err_print(&err, stderr);
	return err.exit;
}

void ctl_pages_add(ctl_pages *pg, void *response, void **items, size_t n, const char *next_token)
{
	pg->responses = realloc(pg->responses, (pg->nresponses + 1) * sizeof *pg->responses);
	if (!pg->responses)
		abort();
	pg->responses[pg->nresponses++] = response;
	if (pg->n + n > pg->cap) {
		pg->cap = (pg->n + n) * 2;
		pg->items = realloc(pg->items, pg->cap * sizeof *pg->items);
		if (!pg->items)
			abort();
	}
	if (n)
		memcpy(pg->items + pg->n, items, n * sizeof *items);
	pg->n += n;
	free(pg->next_token);
	pg->next_token = strdup(next_token ? next_token : "");
	if (!pg->next_token)
		abort();
}

bool ctl_list(const ctl_ctx *ctx, const ctl_params *p, vd_method_id m, ProtobufCMessage *q,
	      const vc_call_opts *o, ctl_pages *pg, ctl_err *err)
{
	/* Every list has the same shape (AIP-158): page_size and page_token
	 * in, one repeated message field and next_page_token out. The
	 * descriptors find them, so one loop serves every list. */
	const ProtobufCMessageDescriptor *rd = vd_methods[m].response;
	const ProtobufCFieldDescriptor *size = protobuf_c_message_descriptor_get_field_by_name(q->descriptor,
											     "page_size");
	const ProtobufCFieldDescriptor *token = protobuf_c_message_descriptor_get_field_by_name(q->descriptor,
											      "page_token");
	const ProtobufCFieldDescriptor *next = protobuf_c_message_descriptor_get_field_by_name(rd, "next_page_token");
	const ProtobufCFieldDescriptor *items = NULL;
	for (unsigned i = 0; i < rd->n_fields; i++)
		if (rd->fields[i].label == PROTOBUF_C_LABEL_REPEATED)
			items = &rd->fields[i];
	if (!size || !token || !next || !items)
		abort(); /* not a list method: a programming error */
	*(int32_t *)((char *)q + size->offset) = p->page_size;
	*(const char **)((char *)q + token->offset) = p->page_token ? p->page_token : "";
	for (;;) {
		ProtobufCMessage *r;
		vc_status st;
		if (vc_call(ctx->client, m, q, &r, o, &st) != 0)
			return ctl_err_call(err, &st, ctx->server, o && o->timeout_ms ? o->timeout_ms : ctx->timeout_ms);
		const char *next_token = *(char **)((char *)r + next->offset);
		ctl_pages_add(pg, r, *(void ***)((char *)r + items->offset),
			      *(size_t *)((char *)r + items->quantifier_offset), next_token);
		if (!p->all || !*next_token)
			return true;
		/* r stays alive in pg, so its token can be the next request's. */
		*(const char **)((char *)q + token->offset) = next_token;
	}
}

void ctl_pages_note_next(const ctl_pages *pg)
{
	if (*pg->next_token)
		ctl_out_next_page(stderr, pg->next_token);
}

void ctl_pages_free(ctl_pages *pg)
{
	for (size_t i = 0; i < pg->nresponses; i++)
		vc_free(pg->responses[i]);
	free(pg->responses);
	free(pg->items);
	free(pg->next_token);
	memset(pg, 0, sizeof *pg);
}
