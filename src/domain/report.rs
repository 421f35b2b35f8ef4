//! The annual report's aggregates: programmes and full costs per theme and per region.

use std::collections::BTreeMap;

use super::programme::Theme;

/// What the report knows of one programme for the year.
pub struct Entry<'a> {
    pub themes: Vec<Theme>,
    pub region: &'a str,
    /// Full costs of the year, when public.
    pub costs: Option<i64>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub programmes: i64,
    pub costs: i64,
}

impl Total {
    fn add(&mut self, costs: Option<i64>) {
        self.programmes += 1;
        self.costs += costs.unwrap_or(0);
    }
}

/// Totals per theme (a programme with several themes counts in each), per region (empty
/// region counted under ""), and overall.
pub fn totals(entries: &[Entry]) -> (BTreeMap<Theme, Total>, BTreeMap<String, Total>, Total) {
    let mut themes: BTreeMap<Theme, Total> = BTreeMap::new();
    let mut regions: BTreeMap<String, Total> = BTreeMap::new();
    let mut all = Total::default();
    for e in entries {
        for t in &e.themes {
            themes.entry(*t).or_default().add(e.costs);
        }
        regions.entry(e.region.trim().to_owned()).or_default().add(e.costs);
        all.add(e.costs);
    }
    (themes, regions, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_per_theme_and_region() {
        let entries = [
            Entry { themes: vec![Theme::Jeunesse, Theme::Numerique], region: "Afrique", costs: Some(55_000_00) },
            Entry { themes: vec![Theme::Medias], region: "Afrique", costs: None },
            Entry { themes: vec![Theme::Medias], region: "Asie", costs: Some(10_00) },
        ];
        let (themes, regions, all) = totals(&entries);
        assert_eq!(themes[&Theme::Jeunesse], Total { programmes: 1, costs: 55_000_00 });
        assert_eq!(themes[&Theme::Medias], Total { programmes: 2, costs: 10_00 });
        assert_eq!(regions["Afrique"], Total { programmes: 2, costs: 55_000_00 });
        assert_eq!(all, Total { programmes: 3, costs: 55_010_00 });
    }
}
