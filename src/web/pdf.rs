//! A small PDF writer for printable documents (the annual report): A4 pages, the standard
//! Helvetica fonts in WinAnsi encoding (French accents, €, typographic quotes), paragraphs
//! wrapped to the page. No font files, nothing downloaded: the server makes it in memory.

use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;

/// One paragraph of the document.
pub struct Block {
    pub text: String,
    pub size: f32,
    pub bold: bool,
    /// Space before the paragraph, in points.
    pub space: f32,
}

impl Block {
    pub fn heading(text: impl Into<String>, size: f32) -> Block {
        Block { text: text.into(), size, bold: true, space: size * 0.8 }
    }
    pub fn para(text: impl Into<String>) -> Block {
        Block { text: text.into(), size: 10.5, bold: false, space: 5.0 }
    }
}

/// Windows-1252 bytes of a text; what the encoding cannot hold becomes `?`.
pub fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '\u{202f}' | '\u{2009}' => 0xa0,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'Œ' => 0x8c,
            'œ' => 0x9c,
            _ => b'?',
        })
        .collect()
}

/// Approximate width of a text in Helvetica (average glyph width), enough to wrap lines.
fn width(s: &str, size: f32, bold: bool) -> f32 {
    s.chars().count() as f32 * size * if bold { 0.56 } else { 0.51 }
}

fn wrap(text: &str, size: f32, bold: bool) -> Vec<String> {
    let max = PAGE_W - 2.0 * MARGIN;
    let mut lines = vec![];
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
        if width(&candidate, size, bold) > max && !current.is_empty() {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

pub fn document(blocks: &[Block]) -> Vec<u8> {
    // Lay out lines on pages first: (page, x, y, size, bold, text).
    let mut pages: Vec<Vec<(f32, f32, bool, String)>> = vec![vec![]];
    let mut y = PAGE_H - MARGIN;
    for b in blocks {
        y -= b.space;
        for line in wrap(&b.text, b.size, b.bold) {
            let leading = b.size * 1.35;
            if y - leading < MARGIN {
                pages.push(vec![]);
                y = PAGE_H - MARGIN;
            }
            y -= leading;
            pages.last_mut().expect("a page").push((y, b.size, b.bold, line));
        }
    }
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let first_page = 5;
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(first_page + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(pages.len() as i32);
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    for (i, lines) in pages.iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.parent(tree).media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H)).contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        drop(fonts);
        drop(resources);
        drop(page);
        let mut content = Content::new();
        for (y, size, is_bold, text) in lines {
            content.begin_text();
            content.set_font(Name(if *is_bold { b"F2" } else { b"F1" }), *size);
            content.next_line(MARGIN, *y);
            content.show(Str(&win_ansi(text)));
            content.end_text();
        }
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_french_text() {
        assert_eq!(
            win_ansi("Coûts complets 2016 : 55 K€ – « esprit »"),
            b"Co\xfbts complets 2016 : 55 K\x80 \x96 \xab esprit \xbb".to_vec()
        );
        assert_eq!(win_ansi("日本"), b"??".to_vec());
    }

    #[test]
    fn makes_a_pdf_with_several_pages() {
        let blocks: Vec<Block> = (0..200).map(|i| Block::para(format!("Paragraphe {i} de l’activité."))).collect();
        let pdf = document(&blocks);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        let count: i32 = text
            .split("/Count ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(count > 2, "wraps onto several pages: {count}");
    }
}
