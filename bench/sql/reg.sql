-- reg.sql - readies a RegisterVolume measurement on two hosts of the same database: the big
-- one holds volumes 1..:hi (those up to :lo exist already), the small one always 1..:small;
-- and :count new VMs per host for phase :phase wait for their rootfs.
--
-- The volumes have the shape RegisterVolume gives: path '/srv/bench-reg[s]/vol-<n>.ext4'.
-- VM i of phase p is md5('bench-reg-vm-p-i') on the big host, md5('bench-regs-vm-p-i') on the
-- small one; run.sh registers one path for each, alternating between the hosts.
\set ON_ERROR_STOP on

BEGIN;
INSERT INTO volume (id, name, description, path, size_bytes, type, host_id, created_at, updated_at)
SELECT md5('bench-reg-vol-' || n)::uuid, 'reg-vm-' || n || ' (vol-' || n || '.ext4)',
       'Rootfs for VM: reg-vm-' || n, '/srv/bench-reg/vol-' || n || '.ext4', 0, 'ext4',
       md5('bench-reg-host')::uuid,
       timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second',
       timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second'
  FROM generate_series(:lo + 1, :hi) n;

INSERT INTO volume (id, name, description, path, size_bytes, type, host_id, created_at, updated_at)
SELECT md5('bench-regs-vol-' || n)::uuid, 'regs-vm-' || n || ' (vol-' || n || '.ext4)',
       'Rootfs for VM: regs-vm-' || n, '/srv/bench-regs/vol-' || n || '.ext4', 0, 'ext4',
       md5('bench-reg-small')::uuid,
       timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second',
       timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second'
  FROM generate_series(1, :small) n
    ON CONFLICT (id) DO NOTHING;

INSERT INTO vm (id, name, host_id)
SELECT md5('bench-reg-vm-' || :phase || '-' || i)::uuid, 'reg-vm-' || :phase || '-' || i,
       md5('bench-reg-host')::uuid
  FROM generate_series(1, :count) i;
INSERT INTO vm (id, name, host_id)
SELECT md5('bench-regs-vm-' || :phase || '-' || i)::uuid, 'regs-vm-' || :phase || '-' || i,
       md5('bench-reg-small')::uuid
  FROM generate_series(1, :count) i;
COMMIT;
