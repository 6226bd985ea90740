-- Loudness analysis results, so each music file is analysed once. A new size or modification
-- time means a changed file, so it is part of the key.
CREATE TABLE loudness_cache (
    path            TEXT    NOT NULL,
    size            INTEGER NOT NULL,
    mtime_ms        INTEGER NOT NULL,
    integrated_lufs REAL    NOT NULL,
    true_peak_dbtp  REAL    NOT NULL,
    analysed_ms     INTEGER NOT NULL,
    PRIMARY KEY (path, size, mtime_ms)
);
