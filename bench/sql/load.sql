-- load.sql - grows the bench data set to volumes 1..:hi (those up to :lo exist already).
--
-- Run by run.sh with psql -v lo=N -v hi=M -v hosts=H -v vms=V, straight into the schema that
-- volumed migrated. Every id is a function of a number, md5('bench-<kind>-' || n)::uuid, so
-- run.sh, the pgbench scripts and the C client can all name the same rows without asking.
--
--   host h (1..H)      id md5('bench-host-' || h), name 'bench-host-h'
--   vm m (1..V)        id md5('bench-vm-' || m), on host ((m - 1) % H) + 1
--   volume n           id md5('bench-vol-' || n), on host ((n - 1) % H) + 1, created n seconds
--                      after 2025-01-01, so keyset order is n order; every 10th one is attached
--                      (read-write, drive 'd<n>') to a VM of its own host, through the real
--                      attachment table so the schema's trigger sets its count and status.
\set ON_ERROR_STOP on

BEGIN;
INSERT INTO host (id, name, address, created_at)
SELECT md5('bench-host-' || h)::uuid, 'bench-host-' || h, '10.0.' || (h / 250) || '.' || (h % 250),
       timestamptz '2024-12-01 00:00:00+00' + h * interval '1 second'
  FROM generate_series(1, :hosts) h
    ON CONFLICT (id) DO NOTHING;

INSERT INTO vm (id, name, host_id, created_at)
SELECT md5('bench-vm-' || m)::uuid, 'bench-vm-' || m, md5('bench-host-' || ((m - 1) % :hosts + 1))::uuid,
       timestamptz '2024-12-15 00:00:00+00' + m * interval '1 second'
  FROM generate_series(1, :vms) m
    ON CONFLICT (id) DO NOTHING;

INSERT INTO volume (id, name, description, path, size_bytes, type, host_id, created_at, updated_at)
SELECT md5('bench-vol-' || n)::uuid,
       'vol-' || n,
       CASE WHEN n % 3 = 0 THEN NULL ELSE 'bench volume ' || n END,
       '/srv/volumes/h' || ((n - 1) % :hosts + 1) || '/vol-' || n
           || (ARRAY['.ext4', '.qcow2', '.img'])[n % 3 + 1],
       (1 + n % 64)::bigint << 28,
       (ARRAY['ext4', 'qcow2', 'raw'])[n % 3 + 1],
       md5('bench-host-' || ((n - 1) % :hosts + 1))::uuid,
       timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second',
       timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second'
  FROM generate_series(:lo + 1, :hi) n;

-- VM of volume n: one of the V/H VMs of n's host, so attachments stay on their host.
INSERT INTO volume_attachment (id, volume_id, vm_id, drive_id, read_only, attached_at)
SELECT md5('bench-att-' || n)::uuid,
       md5('bench-vol-' || n)::uuid,
       md5('bench-vm-' || ((n - 1) % :hosts + 1 + :hosts * ((n / 10) % (:vms / :hosts))))::uuid,
       'd' || n,
       false,
       timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second'
  FROM generate_series(:lo + 1, :hi) n
 WHERE n % 10 = 0;
COMMIT;
