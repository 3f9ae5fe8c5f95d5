-- fixtures.sql - the rows the write measurements work on, beside the data set of load.sql.
--
-- Run once by run.sh (psql -v clients=N), after load.sql made host 1.
--   * N pairs for attach+detach, one per client: volume md5('bench-pair-vol-' || c) and VM
--     md5('bench-pair-vm-' || c), c = 0..N-1, on host 1, never attached between runs. pgbench
--     client c (its :client_id) and vbench client c use the same pair, one tool at a time.
--   * The two registration hosts, md5('bench-reg-host') and md5('bench-reg-small'), which reg.sql fills.
\set ON_ERROR_STOP on

BEGIN;
INSERT INTO volume (id, name, path, size_bytes, type, host_id)
SELECT md5('bench-pair-vol-' || c)::uuid, 'pair-vol-' || c, '/srv/bench-pairs/vol-' || c || '.ext4',
       1073741824, 'ext4', md5('bench-host-1')::uuid
  FROM generate_series(0, :clients - 1) c
    ON CONFLICT (id) DO NOTHING;

INSERT INTO vm (id, name, host_id)
SELECT md5('bench-pair-vm-' || c)::uuid, 'pair-vm-' || c, md5('bench-host-1')::uuid
  FROM generate_series(0, :clients - 1) c
    ON CONFLICT (id) DO NOTHING;

INSERT INTO host (id, name, address)
VALUES (md5('bench-reg-host')::uuid, 'bench-reg-host', '10.9.9.9'),
       (md5('bench-reg-small')::uuid, 'bench-reg-small', '10.9.9.8')
    ON CONFLICT (id) DO NOTHING;
COMMIT;
