//! Files attached to answers (a project summary in PDF, a photo, a budget sheet...). A type is
//! recognised from the file's first bytes, never from the name or the type the browser
//! claims, so a renamed executable is not accepted as a PDF.

use serde::{Deserialize, Serialize};

/// Largest file a form may accept, whatever the question says: a phone on a slow network
/// should not be asked for more, and the server keeps each file whole on disk.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Smallest limit a manager may set.
pub const MIN_FILE_BYTES: u64 = 10 * 1024;

/// The kinds of files a question can accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
    Webp,
    /// Word processing (Word .docx or OpenDocument .odt).
    Document,
    /// Spreadsheet (Excel .xlsx or OpenDocument .ods).
    Spreadsheet,
    Mp4,
    Mp3,
}

impl FileType {
    pub const ALL: &'static [FileType] = &[
        FileType::Pdf,
        FileType::Jpeg,
        FileType::Png,
        FileType::Webp,
        FileType::Document,
        FileType::Spreadsheet,
        FileType::Mp4,
        FileType::Mp3,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Jpeg => "jpeg",
            FileType::Png => "png",
            FileType::Webp => "webp",
            FileType::Document => "document",
            FileType::Spreadsheet => "spreadsheet",
            FileType::Mp4 => "mp4",
            FileType::Mp3 => "mp3",
        }
    }

    pub fn parse(code: &str) -> Option<FileType> {
        FileType::ALL.iter().copied().find(|t| t.code() == code.trim())
    }

    /// What people call it, the same in French and English.
    pub fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Jpeg => "JPEG",
            FileType::Png => "PNG",
            FileType::Webp => "WebP",
            FileType::Document => "DOCX/ODT",
            FileType::Spreadsheet => "XLSX/ODS",
            FileType::Mp4 => "MP4",
            FileType::Mp3 => "MP3",
        }
    }

    /// For the `accept` attribute of the file input: extensions and media types.
    pub fn accept(self) -> &'static str {
        match self {
            FileType::Pdf => ".pdf,application/pdf",
            FileType::Jpeg => ".jpg,.jpeg,image/jpeg",
            FileType::Png => ".png,image/png",
            FileType::Webp => ".webp,image/webp",
            FileType::Document => ".docx,.odt",
            FileType::Spreadsheet => ".xlsx,.ods",
            FileType::Mp4 => ".mp4,video/mp4",
            FileType::Mp3 => ".mp3,audio/mpeg",
        }
    }

    /// The media type a download is served with.
    pub fn media_type(self, name: &str) -> &'static str {
        let ext = extension(name);
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Webp => "image/webp",
            FileType::Document if ext == "odt" => "application/vnd.oasis.opendocument.text",
            FileType::Document => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileType::Spreadsheet if ext == "ods" => "application/vnd.oasis.opendocument.spreadsheet",
            FileType::Spreadsheet => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Mp4 => "video/mp4",
            FileType::Mp3 => "audio/mpeg",
        }
    }
}

fn extension(name: &str) -> String {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}

/// How many first bytes `sniff` needs.
pub const SNIFF_BYTES: usize = 64;

/// The type of a file from its first bytes. Office files are ZIP archives: their kind is
/// told by the name's extension, and only when the content is a ZIP archive.
pub fn sniff(head: &[u8], name: &str) -> Option<FileType> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"%PDF-") {
        Some(FileType::Pdf)
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        Some(FileType::Webp)
    } else if head.get(4..8) == Some(b"ftyp") {
        Some(FileType::Mp4)
    } else if starts(b"ID3") || (head.len() > 1 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        Some(FileType::Mp3)
    } else if starts(b"PK\x03\x04") {
        match extension(name).as_str() {
            "docx" | "odt" => Some(FileType::Document),
            "xlsx" | "ods" => Some(FileType::Spreadsheet),
            _ => None,
        }
    } else {
        None
    }
}

/// A file name safe to show and to send back in a download: the last path component,
/// without control characters or quotes, at most 120 characters, never empty.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '*' | '?' | '|' | ':')).collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    let mut out: String = trimmed.chars().take(120).collect();
    if out.is_empty() {
        out = "fichier".into();
    }
    out
}

/// "2,4 Mo" / "2.4 MB": sizes as people read them.
pub fn human_size(bytes: u64, french: bool) -> String {
    let (value, unit) = if bytes >= 1024 * 1024 {
        (bytes as f64 / (1024.0 * 1024.0), if french { "Mo" } else { "MB" })
    } else {
        ((bytes as f64 / 1024.0).max(1.0), if french { "Ko" } else { "KB" })
    };
    let text = if value >= 10.0 || value.fract() < 0.05 { format!("{value:.0}") } else { format!("{value:.1}") };
    let text = if french { text.replace('.', ",") } else { text };
    format!("{text} {unit}")
}

/// Attachment ids are random 32-hex-digit tokens: unguessable, and checked before any lookup.
pub fn is_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(b"%PDF-1.7\n...", "x.exe"), Some(FileType::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0], "photo.png"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", "a"), Some(FileType::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ", "a"), Some(FileType::Webp));
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42", "pitch.mov"), Some(FileType::Mp4));
        assert_eq!(sniff(b"ID3\x04", "song"), Some(FileType::Mp3));
        assert_eq!(sniff(b"PK\x03\x04rest", "plan.DOCX"), Some(FileType::Document));
        assert_eq!(sniff(b"PK\x03\x04rest", "budget.ods"), Some(FileType::Spreadsheet));
        assert_eq!(sniff(b"PK\x03\x04rest", "archive.zip"), None);
        assert_eq!(sniff(b"MZ\x90\0", "resume.pdf"), None);
        assert_eq!(sniff(b"", "empty.pdf"), None);
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("C:\\Users\\awa\\Projet final.pdf"), "Projet final.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("\"evil\"\r\n.pdf"), "evil.pdf");
        assert_eq!(clean_name(".."), "fichier");
        assert_eq!(clean_name(""), "fichier");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(5 * 1024 * 1024, true), "5 Mo");
        assert_eq!(human_size(2_516_582, true), "2,4 Mo");
        assert_eq!(human_size(2_516_582, false), "2.4 MB");
        assert_eq!(human_size(300, false), "1 KB");
    }

    #[test]
    fn codes_round_trip() {
        for t in FileType::ALL {
            assert_eq!(FileType::parse(t.code()), Some(*t));
        }
        assert!(is_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_id("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_id("../etc"));
    }

    proptest! {
        #[test]
        fn a_clean_name_is_safe(name in ".{0,300}") {
            let n = clean_name(&name);
            prop_assert!(!n.is_empty() && n.chars().count() <= 120);
            prop_assert!(!n.contains(['/', '\\', '"', '\n', '\r']) && !n.starts_with('.'));
        }
    }
}
