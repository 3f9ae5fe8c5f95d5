-- The registry: hosts, VMs, volumes and attachments.
--
-- The invariants of PRODUCT.md hold in the database itself, so that no
-- writer (volumed, a migration, an operator with psql) can break them:
--   * a volume's status is derived from a count of its attachments that a
--     trigger keeps in the same transaction as every attachment change,
--     including those cascaded from deleting a VM;
--   * one read-write attachment or any number of read-only ones, never both;
--   * one volume per (vm, drive), one attachment per (volume, vm);
--   * unique paths, and hosts that cannot be deleted while in use.

CREATE EXTENSION IF NOT EXISTS btree_gist;  -- uuid equality in the single-writer exclusion
CREATE EXTENSION IF NOT EXISTS pg_trgm;     -- substring search on volume names

CREATE TABLE host (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    address     text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT host_name_key UNIQUE (name)
);
CREATE INDEX host_page_idx ON host (created_at, id);

CREATE TABLE vm (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    host_id     uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT vm_host_fkey FOREIGN KEY (host_id) REFERENCES host (id) ON DELETE RESTRICT
);
CREATE INDEX vm_page_idx ON vm (created_at, id);
CREATE INDEX vm_host_page_idx ON vm (host_id, created_at, id);

CREATE TABLE volume (
    id               uuid PRIMARY KEY,
    name             text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    description      text,
    path             text NOT NULL CHECK (left(path, 1) = '/' AND octet_length(path) <= 4096),
    size_bytes       bigint NOT NULL CHECK (size_bytes >= 0),
    type             text NOT NULL CHECK (type IN ('ext4', 'qcow2', 'raw')),
    host_id          uuid NOT NULL,
    -- Maintained only by the volume_attachment_count trigger below.
    attachment_count integer NOT NULL DEFAULT 0 CHECK (attachment_count >= 0),
    -- Never written: derived from attachment_count, so it cannot disagree.
    status           text NOT NULL GENERATED ALWAYS AS (
                         CASE WHEN attachment_count = 0 THEN 'available'
                              WHEN attachment_count = 1 THEN 'attached'
                              ELSE 'in-use' END) STORED,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT volume_path_key UNIQUE (path),
    CONSTRAINT volume_host_fkey FOREIGN KEY (host_id) REFERENCES host (id) ON DELETE RESTRICT
);
-- Every list filter pages in (created_at, id) order.
CREATE INDEX volume_page_idx ON volume (created_at, id);
CREATE INDEX volume_host_page_idx ON volume (host_id, created_at, id);
CREATE INDEX volume_status_page_idx ON volume (status, created_at, id);
CREATE INDEX volume_type_page_idx ON volume (type, created_at, id);
CREATE INDEX volume_name_trgm_idx ON volume USING gin (lower(name) gin_trgm_ops);

CREATE TABLE volume_attachment (
    id          uuid PRIMARY KEY,
    volume_id   uuid NOT NULL,
    vm_id       uuid NOT NULL,
    drive_id    text NOT NULL CHECK (drive_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    read_only   boolean NOT NULL DEFAULT false,
    attached_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT volume_attachment_volume_fkey FOREIGN KEY (volume_id) REFERENCES volume (id) ON DELETE CASCADE,
    CONSTRAINT volume_attachment_vm_fkey FOREIGN KEY (vm_id) REFERENCES vm (id) ON DELETE CASCADE,
    CONSTRAINT volume_attachment_volume_vm_key UNIQUE (volume_id, vm_id),
    CONSTRAINT volume_attachment_vm_drive_key UNIQUE (vm_id, drive_id),
    -- Single writer, part 1: readers and a writer never share a volume.
    CONSTRAINT volume_attachment_mode_excl
        EXCLUDE USING gist (volume_id WITH =, (read_only::int) WITH <>)
);
-- Single writer, part 2: at most one read-write attachment per volume.
CREATE UNIQUE INDEX volume_attachment_writer_key ON volume_attachment (volume_id) WHERE NOT read_only;
CREATE INDEX volume_attachment_page_idx ON volume_attachment (volume_id, attached_at, id);

-- Keeps volume.attachment_count (and so volume.status) equal to the number
-- of attachment rows, in the transaction that changes them. Row-level, so a
-- cascade from DELETE FROM vm passes through here once per attachment.
CREATE FUNCTION volume_attachment_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE volume SET attachment_count = attachment_count - 1, updated_at = now()
         WHERE id = OLD.volume_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE volume SET attachment_count = attachment_count + 1, updated_at = now()
         WHERE id = NEW.volume_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER volume_attachment_count
    AFTER INSERT OR DELETE OR UPDATE OF volume_id ON volume_attachment
    FOR EACH ROW EXECUTE FUNCTION volume_attachment_count();
