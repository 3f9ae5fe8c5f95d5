-- volume.attachment_count is what volume.status is derived from, so it
-- belongs to the volume_attachment_count trigger alone: a direct write, a
-- volume inserted with a count, or a TRUNCATE of the attachments (which
-- fires no row trigger) would make a status disagree with the rows.

CREATE FUNCTION volume_attachment_count_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Depth 1 is a statement on volume itself; the count trigger's own
    -- UPDATE (also when cascaded from DELETE FROM vm) runs deeper.
    IF (TG_OP = 'INSERT' AND NEW.attachment_count <> 0) OR
       (TG_OP = 'UPDATE' AND NEW.attachment_count <> OLD.attachment_count AND pg_trigger_depth() < 2) THEN
        RAISE EXCEPTION 'volume.attachment_count is kept by the volume_attachment_count trigger'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER volume_attachment_count_guard
    BEFORE INSERT OR UPDATE OF attachment_count ON volume
    FOR EACH ROW EXECUTE FUNCTION volume_attachment_count_guard();

-- TRUNCATE removes every attachment without row triggers: every count is 0.
CREATE FUNCTION volume_attachment_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE volume SET attachment_count = 0, updated_at = now() WHERE attachment_count <> 0;
    RETURN NULL;
END;
$$;

CREATE TRIGGER volume_attachment_truncated
    AFTER TRUNCATE ON volume_attachment
    FOR EACH STATEMENT EXECUTE FUNCTION volume_attachment_truncated();
