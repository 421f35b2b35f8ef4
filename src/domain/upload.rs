//! What a resumable upload (`domain::tus`) is for, and what that allows: which file types,
//! how large a file, how large one piece, how long an unfinished upload is kept. The
//! protocol itself is in `domain::tus`; this module holds Tremplin's choices.

use std::time::Duration;

use super::attachment::FileType;

/// Largest file by default (a 10-minute smartphone video is 80–100 MB); `upload_max_mb` in
/// the configuration changes it.
pub const DEFAULT_MAX_BYTES: u64 = 200 * 1024 * 1024;
/// Largest body of one `PATCH`. Clients send pieces (the Tremplin client sends 2 MB): a
/// bigger piece is refused before any byte is read, so nobody streams for an hour into a
/// request that a dropped connection would cut anyway.
pub const MAX_CHUNK_BYTES: u64 = 8 * 1024 * 1024;
/// An unfinished upload lives this long after its last accepted piece: exercises are
/// weekly, and a participant back from a week without a connection may still resume.
pub const TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// What an upload is for. Sent by the client as the `purpose` metadata key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// An answer to a course exercise: a video filmed on a phone, a recording, a document
    /// or a picture.
    Exercise,
}

impl Purpose {
    pub const ALL: &'static [Purpose] = &[Purpose::Exercise];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Exercise => "exercise",
        }
    }

    pub fn parse(code: &str) -> Option<Purpose> {
        Purpose::ALL.iter().copied().find(|p| p.code() == code.trim())
    }

    /// The types a finished file may have, recognised from its content.
    pub fn accepts(self, t: FileType) -> bool {
        match self {
            Purpose::Exercise => FileType::ALL.contains(&t),
        }
    }

    /// Largest file for this purpose, given the configured maximum of any upload.
    pub fn max_bytes(self, configured_max: u64) -> u64 {
        match self {
            Purpose::Exercise => configured_max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_round_trip_and_accept_exercise_files() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.code()), Some(*p));
        }
        assert_eq!(Purpose::parse(" exercise "), Some(Purpose::Exercise));
        assert_eq!(Purpose::parse("avatar"), None);
        assert!(Purpose::Exercise.accepts(FileType::Mp4) && Purpose::Exercise.accepts(FileType::Pdf));
        assert_eq!(Purpose::Exercise.max_bytes(DEFAULT_MAX_BYTES), 200 * 1024 * 1024);
        const { assert!(MAX_CHUNK_BYTES < DEFAULT_MAX_BYTES) };
    }
}
