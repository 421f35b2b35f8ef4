//! The geometry of a programme's calendar drawn as an inline SVG (no JavaScript): one bar
//! per phase on a shared time axis, with a tick at each new year.

use jiff::civil::Date;

/// Width of the drawing in SVG units; the page scales it to the screen.
pub const WIDTH: i64 = 1000;
/// Generous rows and text: the drawing shrinks to ~40 % of its size on a phone.
pub const ROW: i64 = 56;
const AXIS: i64 = 36;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub label_y: i64,
    /// Labels of bars in the right half end at the bar's end, so they stay in the drawing.
    pub label_x: i64,
    pub label_anchor: &'static str,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    pub x: i64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub height: i64,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
}

/// Lays out `(label, start, end)` phases. `None` when there is nothing to draw.
pub fn layout(phases: &[(String, Date, Date)]) -> Option<Timeline> {
    let first = phases.iter().map(|p| p.1).min()?;
    let last = phases.iter().map(|p| p.2).max()?;
    let span = (last.since(first).ok()?.get_days() as i64).max(1);
    let x_of =
        |d: Date| -> i64 { (d.since(first).map(|s| s.get_days() as i64).unwrap_or(0) * WIDTH / span).clamp(0, WIDTH) };
    let bars = phases
        .iter()
        .enumerate()
        .map(|(i, (label, s, e))| {
            let x = x_of(*s);
            let y = AXIS + i as i64 * ROW + 30;
            let width = (x_of(*e) - x).max(8);
            let (label_x, label_anchor) = if x > WIDTH / 2 { (x + width, "end") } else { (x, "start") };
            Bar { x, y, width, label_y: y - 6, label_x, label_anchor, label: label.clone() }
        })
        .collect();
    let ticks = (first.year() + 1..=last.year())
        .filter_map(|y| Date::new(y, 1, 1).ok())
        .map(|d| Tick { x: x_of(d), label: d.year().to_string() })
        .collect();
    Some(Timeline { height: AXIS + phases.len() as i64 * ROW + 12, bars, ticks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_placed_on_one_axis() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let t = layout(&[
            ("Appel".into(), d("2016-09-01"), d("2016-10-15")),
            ("Formation".into(), d("2016-11-01"), d("2016-12-15")),
            ("Session finale".into(), d("2017-06-01"), d("2017-06-30")),
        ])
        .unwrap();
        assert_eq!(t.bars[0].x, 0);
        assert_eq!(t.bars[2].x + t.bars[2].width, WIDTH);
        assert!(t.bars[1].x > t.bars[0].x + t.bars[0].width);
        assert_eq!(t.ticks, vec![Tick { x: t.ticks[0].x, label: "2017".into() }]);
        assert!(t.ticks[0].x > t.bars[1].x && t.ticks[0].x < t.bars[2].x);
        assert!(layout(&[]).is_none());
    }
}
