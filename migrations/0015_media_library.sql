-- A programme's media library: images, videos, sound and PDFs its managers put in lessons.
-- Each file keeps its original and, for images and videos, a light variant that pages load
-- (a small JPEG; a ≤ 360p, ≤ 300 kbit/s MP4 made by ffmpeg in the background).
CREATE TABLE media_files (
    id TEXT PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    -- image, video, audio, pdf
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    original_name TEXT NOT NULL,
    -- What its first bytes say it is (domain::attachment::FileType code).
    original_type TEXT NOT NULL,
    original_bytes BIGINT NOT NULL,
    -- ready, pending (a video waiting for ffmpeg), failed, unavailable (no ffmpeg on the
    -- server), none (sound and PDFs are served as they are)
    light_status TEXT NOT NULL,
    light_bytes BIGINT,
    light_error TEXT,
    uploaded_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    processed_at BIGINT
);
CREATE INDEX media_files_by_programme ON media_files(programme_id, created_at);
CREATE INDEX media_files_by_status ON media_files(light_status);
