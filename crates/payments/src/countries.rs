//! The countries and territories of the SEPA schemes (EPC409-09, "EPC list of SEPA scheme
//! countries"), by the ISO 3166 code an IBAN starts with.
//!
//! Territories that use their parent's IBAN prefix (Åland with FI, the French overseas
//! departments with FR, the Crown Dependencies with GB) are listed too, because some of them also
//! have codes of their own that a bank record may carry. Checked against the EPC list as of 2025,
//! when Albania, Moldova, Montenegro and North Macedonia joined; update the table when the EPC
//! admits another country.

/// Whether a SEPA country's banks are in the European Economic Area. Transfers to banks outside
/// it (Switzerland, the United Kingdom, Monaco, ...) need the beneficiary bank's BIC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SepaArea {
    EuropeanEconomicArea,
    OutsideEuropeanEconomicArea,
}

use SepaArea::{EuropeanEconomicArea as Eea, OutsideEuropeanEconomicArea as NonEea};

/// Sorted by code for binary search.
const SEPA_COUNTRIES: &[(&str, SepaArea)] = &[
    ("AD", NonEea), // Andorra
    ("AL", NonEea), // Albania
    ("AT", Eea),
    ("AX", Eea), // Åland Islands (Finland)
    ("BE", Eea),
    ("BG", Eea),
    ("BL", Eea), // Saint Barthélemy (France)
    ("CH", NonEea), // Switzerland
    ("CY", Eea),
    ("CZ", Eea),
    ("DE", Eea),
    ("DK", Eea),
    ("EE", Eea),
    ("ES", Eea),
    ("FI", Eea),
    ("FR", Eea),
    ("GB", NonEea), // United Kingdom
    ("GF", Eea), // French Guiana
    ("GG", NonEea), // Guernsey
    ("GI", NonEea), // Gibraltar
    ("GP", Eea), // Guadeloupe
    ("GR", Eea),
    ("HR", Eea),
    ("HU", Eea),
    ("IE", Eea),
    ("IM", NonEea), // Isle of Man
    ("IS", Eea),
    ("IT", Eea),
    ("JE", NonEea), // Jersey
    ("LI", Eea),
    ("LT", Eea),
    ("LU", Eea),
    ("LV", Eea),
    ("MC", NonEea), // Monaco
    ("MD", NonEea), // Moldova
    ("ME", NonEea), // Montenegro
    ("MF", Eea), // Saint Martin (France)
    ("MK", NonEea), // North Macedonia
    ("MQ", Eea), // Martinique
    ("MT", Eea),
    ("NL", Eea),
    ("NO", Eea),
    ("PL", Eea),
    ("PM", Eea), // Saint Pierre and Miquelon (France)
    ("PT", Eea),
    ("RE", Eea), // Réunion
    ("RO", Eea),
    ("SE", Eea),
    ("SI", Eea),
    ("SK", Eea),
    ("SM", NonEea), // San Marino
    ("VA", NonEea), // Vatican City
    ("YT", Eea), // Mayotte
];

/// The SEPA area of a country code (upper case, two letters), or `None` outside SEPA.
pub fn sepa_area(country_code: &str) -> Option<SepaArea> {
    SEPA_COUNTRIES
        .binary_search_by(|(code, _)| (*code).cmp(country_code))
        .ok()
        .map(|index| SEPA_COUNTRIES[index].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_without_duplicates() {
        assert!(SEPA_COUNTRIES.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    #[test]
    fn members_and_outsiders() {
        assert_eq!(sepa_area("NL"), Some(SepaArea::EuropeanEconomicArea));
        assert_eq!(sepa_area("NO"), Some(SepaArea::EuropeanEconomicArea));
        assert_eq!(sepa_area("CH"), Some(SepaArea::OutsideEuropeanEconomicArea));
        assert_eq!(sepa_area("GB"), Some(SepaArea::OutsideEuropeanEconomicArea));
        assert_eq!(sepa_area("US"), None);
        assert_eq!(sepa_area("TR"), None);
        assert_eq!(sepa_area("nl"), None, "codes are compared as given: upper case");
    }
}
