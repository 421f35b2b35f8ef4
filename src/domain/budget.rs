//! Budgets: amounts typed by people, and the totals and variances of budget lines, in exact
//! integer minor units (never floats).

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not a number")]
    NotANumber,
    #[error("negative")]
    Negative,
    #[error("too many decimals")]
    TooPrecise,
    #[error("too large")]
    TooLarge,
}

impl AmountError {
    pub fn message_key(self) -> &'static str {
        match self {
            AmountError::NotANumber => "error.amount.not_a_number",
            AmountError::Negative => "error.amount.negative",
            AmountError::TooPrecise => "error.amount.too_precise",
            AmountError::TooLarge => "error.amount.too_large",
        }
    }
}

/// Parses "55 000", "55000,50", "1 250 000.5", "500k" is refused: digits, spaces (also
/// narrow no-break), one decimal separator (comma or dot) with at most two decimals.
pub fn parse_amount(input: &str) -> Result<i64, AmountError> {
    let s: String = input.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | '€')).collect();
    if s.starts_with('-') {
        return Err(AmountError::Negative);
    }
    let s = s.strip_prefix('+').unwrap_or(&s);
    let (whole, frac) = match s.find([',', '.']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AmountError::NotANumber);
    }
    if frac.len() > 2 {
        return Err(AmountError::TooPrecise);
    }
    if whole.len() > 13 {
        return Err(AmountError::TooLarge);
    }
    let whole: i64 = whole.parse().map_err(|_| AmountError::NotANumber)?;
    let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| AmountError::NotANumber)?;
    Ok(whole * 100 + cents)
}

/// "55 000,00" / "55,000.00": an amount in minor units for tables.
pub fn format_amount(minor: i64, french: bool) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let (whole, cents) = (abs / 100, abs % 100);
    let digits = whole.to_string();
    let sep = if french { '\u{202f}' } else { ',' };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    let dec = if french { ',' } else { '.' };
    format!("{sign}{grouped}{dec}{cents:02}")
}

/// One line of a budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub year: i64,
    pub category: String,
    pub planned: i64,
    pub actual: Option<i64>,
}

/// Planned, actual (where known) and their difference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub planned: i64,
    pub actual: i64,
    /// Planned amount of the lines whose actual amount is known: the fair base of a variance.
    pub planned_with_actual: i64,
}

impl Totals {
    fn add(&mut self, l: &Line) {
        self.planned += l.planned;
        if let Some(a) = l.actual {
            self.actual += a;
            self.planned_with_actual += l.planned;
        }
    }

    /// Actual minus planned, over the lines whose actual is known.
    pub fn variance(&self) -> i64 {
        self.actual - self.planned_with_actual
    }

    /// The variance in per mille of the planned amount (exact integer arithmetic).
    pub fn variance_per_mille(&self) -> Option<i64> {
        (self.planned_with_actual != 0).then(|| self.variance() * 1000 / self.planned_with_actual)
    }
}

/// Totals per year, and over all years.
pub fn totals(lines: &[Line]) -> (BTreeMap<i64, Totals>, Totals) {
    let mut per_year: BTreeMap<i64, Totals> = BTreeMap::new();
    let mut all = Totals::default();
    for l in lines {
        per_year.entry(l.year).or_default().add(l);
        all.add(l);
    }
    (per_year, all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("55 000"), Ok(5_500_000));
        assert_eq!(parse_amount("500000,5"), Ok(50_000_050));
        assert_eq!(parse_amount("1 250 000.25 €"), Ok(125_000_025));
        assert_eq!(parse_amount("-3"), Err(AmountError::Negative));
        assert_eq!(parse_amount("abc"), Err(AmountError::NotANumber));
        assert_eq!(parse_amount("500k"), Err(AmountError::NotANumber));
        assert_eq!(parse_amount(""), Err(AmountError::NotANumber));
        assert_eq!(parse_amount("1,234"), Err(AmountError::TooPrecise));
        assert_eq!(parse_amount("1.2.3"), Err(AmountError::NotANumber));
        assert_eq!(parse_amount("99999999999999"), Err(AmountError::TooLarge));
        assert_eq!(format_amount(5_500_000, false), "55,000.00");
        assert_eq!(format_amount(5_500_050, true), "55\u{202f}000,50");
    }

    #[test]
    fn totals_and_variance() {
        let l = |year, planned, actual| Line { year, category: "x".into(), planned, actual };
        let (per_year, all) =
            totals(&[l(2016, 3_000_000, Some(3_300_000)), l(2016, 2_500_000, None), l(2017, 1_000_000, Some(900_000))]);
        assert_eq!(per_year[&2016].planned, 5_500_000);
        assert_eq!(per_year[&2016].variance(), 300_000);
        assert_eq!(per_year[&2016].variance_per_mille(), Some(100));
        assert_eq!(all.planned, 6_500_000);
        assert_eq!(all.actual, 4_200_000);
        assert_eq!(all.variance(), 200_000);
    }

    proptest! {
        #[test]
        fn formatting_and_parsing_agree(minor in 0i64..10_000_000_000_000) {
            prop_assert_eq!(parse_amount(&format_amount(minor, true)), Ok(minor));
            prop_assert_eq!(parse_amount(&format_amount(minor, false).replace(',', "")), Ok(minor));
        }

        #[test]
        fn totals_add_up(lines in proptest::collection::vec((2010i64..2030, 0i64..1_000_000_000, proptest::option::of(0i64..1_000_000_000)), 0..50)) {
            let lines: Vec<Line> = lines.into_iter().map(|(year, planned, actual)| Line { year, category: String::new(), planned, actual }).collect();
            let (per_year, all) = totals(&lines);
            prop_assert_eq!(per_year.values().map(|t| t.planned).sum::<i64>(), all.planned);
            prop_assert_eq!(per_year.values().map(|t| t.variance()).sum::<i64>(), all.variance());
        }
    }
}
