-- What a scan of the disk last found for each volume's file.
ALTER TABLE volume
    ADD COLUMN last_seen_at timestamptz,
    ADD COLUMN missing boolean NOT NULL DEFAULT false;
