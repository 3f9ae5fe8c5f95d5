-- Invariant 6 in the database too: a volume path is absolute, made of
-- non-empty segments (no "//", no trailing "/"), with no "." or ".."
-- segment and no control character. volumed normalises paths before they
-- get here; this keeps any other writer to the same rule.
ALTER TABLE volume ADD CONSTRAINT volume_path_clean CHECK (
    path ~ '^(/[^/]+)+$'
    AND path !~ '/\.\.?(/|$)'
    AND path !~ '[\x01-\x1f\x7f]'
);
