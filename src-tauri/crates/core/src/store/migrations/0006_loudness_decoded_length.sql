-- How long each analysed file really plays, measured by decoding all of it (a truncated file's
-- header can claim minutes it does not hold). NULL for rows analysed before this was measured:
-- those files are analysed again once.
ALTER TABLE loudness_cache ADD COLUMN decoded_seconds REAL;
