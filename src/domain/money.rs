//! Money as an exact count of minor units (cents) in a named currency: never a float.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Currency {
    Eur,
    Xof,
    Xaf,
    Usd,
}

impl Currency {
    pub fn parse(code: &str) -> Option<Currency> {
        match code.trim().to_ascii_uppercase().as_str() {
            "EUR" => Some(Currency::Eur),
            "XOF" => Some(Currency::Xof),
            "XAF" => Some(Currency::Xaf),
            "USD" => Some(Currency::Usd),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Xof => "XOF",
            Currency::Xaf => "XAF",
            Currency::Usd => "USD",
        }
    }

    /// The short symbol used in report figures ("500 K€").
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Eur => "€",
            Currency::Xof | Currency::Xaf => "FCFA",
            Currency::Usd => "$",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount in minor units (cents for EUR and USD; CFA francs have none but are stored the
/// same way, times 100, so one rule serves every currency).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// The compact form used on report pages: "500 K€", "1,2 M€", "850 €".
    pub fn compact(self, decimal_comma: bool) -> String {
        let units = self.minor / 100;
        let sym = self.currency.symbol();
        let sep = if decimal_comma { "," } else { "." };
        let (value, suffix) = if units.abs() >= 1_000_000 {
            (units * 10 / 1_000_000, "M")
        } else if units.abs() >= 1_000 {
            (units * 10 / 1_000, "K")
        } else {
            return format!("{units} {sym}");
        };
        let (whole, tenth) = (value / 10, (value % 10).abs());
        if tenth == 0 {
            format!("{whole} {suffix}{sym}")
        } else {
            format!("{whole}{sep}{tenth} {suffix}{sym}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_figures_of_the_report() {
        assert_eq!(Money::new(500_000_00, Currency::Eur).compact(true), "500 K€");
        assert_eq!(Money::new(55_000_00, Currency::Eur).compact(true), "55 K€");
        assert_eq!(Money::new(1_250_000_00, Currency::Eur).compact(true), "1,2 M€");
        assert_eq!(Money::new(1_250_000_00, Currency::Eur).compact(false), "1.2 M€");
        assert_eq!(Money::new(850_00, Currency::Eur).compact(true), "850 €");
        assert_eq!(Currency::parse("eur"), Some(Currency::Eur));
        assert_eq!(Currency::parse("BTC"), None);
    }
}
