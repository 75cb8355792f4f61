//! Territories: ISO 3166-1 countries, plus "worldwide".
//!
//! Distributor reports name countries every way imaginable (`GB`, `GBR`,
//! `United Kingdom`, `UK`, `Great Britain`); [`Territory::parse`] reads them
//! all into one [`CountryCode`], so sales from different reports add up.

use std::fmt;

use crate::error::{quoted_excerpt, TerritoryError};

/// One row of the country table.
#[derive(Debug)]
struct CountryRow {
    alpha2: &'static str,
    alpha3: &'static str,
    english_name: &'static str,
}

/// A country: one row of the ISO 3166-1 table (the 249 officially assigned
/// codes, plus `XK` Kosovo, which is user-assigned but used by every DSP).
///
/// Held as its row number in the table (one byte, `Copy`), so alpha-3 and name
/// look-ups are direct. The table is sorted by alpha-2 code, so ordering by row
/// is alphabetical ordering by alpha-2 code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode {
    row: u8,
}

impl CountryCode {
    /// Reads an alpha-2 code such as `GB` (any letter case, surrounding
    /// whitespace ignored).
    pub fn from_alpha2(text: &str) -> Result<CountryCode, TerritoryError> {
        let trimmed = text.trim();
        find_by_alpha2(trimmed).ok_or_else(|| TerritoryError::UnknownAlpha2 {
            text: quoted_excerpt(trimmed),
        })
    }

    /// Reads an alpha-3 code such as `GBR` (any letter case, surrounding
    /// whitespace ignored).
    pub fn from_alpha3(text: &str) -> Result<CountryCode, TerritoryError> {
        let trimmed = text.trim();
        find_by_alpha3(trimmed).ok_or_else(|| TerritoryError::UnknownAlpha3 {
            text: quoted_excerpt(trimmed),
        })
    }

    /// Reads a country written any way [`Territory::parse`] accepts, and
    /// refuses "worldwide", which is not a single country.
    pub fn parse(text: &str) -> Result<CountryCode, TerritoryError> {
        match Territory::parse(text)? {
            Territory::Country(country) => Ok(country),
            Territory::Worldwide => Err(TerritoryError::WorldwideIsNotACountry {
                text: quoted_excerpt(text.trim()),
            }),
        }
    }

    /// The ISO 3166-1 alpha-2 code, e.g. `GB`.
    pub fn alpha2(self) -> &'static str {
        self.table_row().alpha2
    }

    /// The ISO 3166-1 alpha-3 code, e.g. `GBR`.
    pub fn alpha3(self) -> &'static str {
        self.table_row().alpha3
    }

    /// The English short name, e.g. `United Kingdom`.
    pub fn english_name(self) -> &'static str {
        self.table_row().english_name
    }

    /// False only for `XK` Kosovo, the one code in the table that ISO has not
    /// assigned.
    pub fn is_officially_assigned(self) -> bool {
        self.alpha2() != "XK"
    }

    fn table_row(self) -> &'static CountryRow {
        // Rows only come from searching COUNTRY_ROWS, so the index is in range.
        &COUNTRY_ROWS[usize::from(self.row)]
    }

    fn from_row_index(row_index: usize) -> Option<CountryCode> {
        u8::try_from(row_index).ok().map(|row| CountryCode { row })
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.alpha2())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "CountryCode({})", self.alpha2())
    }
}

text_conversions_via_parse!(
    CountryCode,
    TerritoryError,
    "an ISO 3166-1 country code such as GB"
);

/// Every country in the table, in alpha-2 order: the 249 ISO 3166-1 codes and
/// `XK` Kosovo.
pub fn all_countries() -> impl ExactSizeIterator<Item = CountryCode> {
    (0..=u8::MAX)
        .take(COUNTRY_COUNT)
        .map(|row| CountryCode { row })
}

/// Where rights or sales apply: the whole world, or one country.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Territory {
    Worldwide,
    Country(CountryCode),
}

/// Spellings of "worldwide"; `WW` is what reports and contracts use.
const WORLDWIDE_SPELLINGS: [&str; 3] = ["WW", "WORLD", "WORLDWIDE"];

impl Territory {
    /// Reads a territory, ignoring letter case and surrounding whitespace:
    /// an alpha-2 code (`GB`), an alpha-3 code (`GBR`), the English short name
    /// (`United Kingdom`), a common alternative name (`UK`, `Great Britain`,
    /// `South Korea`, `Ivory Coast`, …), or `WW`, `World`, `Worldwide`.
    ///
    /// Codes are found by binary search without allocating, since this runs
    /// once per report line; only names allocate (a lower-case copy).
    pub fn parse(text: &str) -> Result<Territory, TerritoryError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(TerritoryError::Empty);
        }
        let found_by_code = match trimmed.len() {
            2 => find_by_alpha2(trimmed),
            3 => find_by_alpha3(trimmed),
            _ => None,
        };
        if let Some(country) = found_by_code {
            return Ok(Territory::Country(country));
        }
        if WORLDWIDE_SPELLINGS
            .iter()
            .any(|spelling| spelling.eq_ignore_ascii_case(trimmed))
        {
            return Ok(Territory::Worldwide);
        }
        find_by_name(trimmed)
            .map(Territory::Country)
            .ok_or_else(|| TerritoryError::Unknown {
                text: quoted_excerpt(trimmed),
            })
    }

    /// The alpha-2 code, or `WW` for worldwide.
    pub fn alpha2(self) -> &'static str {
        match self {
            Territory::Worldwide => "WW",
            Territory::Country(country) => country.alpha2(),
        }
    }

    /// The alpha-3 code; worldwide has none.
    pub fn alpha3(self) -> Option<&'static str> {
        self.country().map(CountryCode::alpha3)
    }

    /// The English short name, or `Worldwide`.
    pub fn english_name(self) -> &'static str {
        match self {
            Territory::Worldwide => "Worldwide",
            Territory::Country(country) => country.english_name(),
        }
    }

    /// The country, unless this is worldwide.
    pub fn country(self) -> Option<CountryCode> {
        match self {
            Territory::Worldwide => None,
            Territory::Country(country) => Some(country),
        }
    }

    pub fn is_worldwide(self) -> bool {
        self == Territory::Worldwide
    }

    /// Whether sales in `country` fall inside this territory.
    pub fn includes(self, country: CountryCode) -> bool {
        match self {
            Territory::Worldwide => true,
            Territory::Country(own_country) => own_country == country,
        }
    }
}

impl From<CountryCode> for Territory {
    fn from(country: CountryCode) -> Territory {
        Territory::Country(country)
    }
}

impl fmt::Display for Territory {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.alpha2())
    }
}

text_conversions_via_parse!(
    Territory,
    TerritoryError,
    "an ISO 3166-1 country code such as GB, or WW"
);

/// Upper-cases a code of exactly `N` ASCII letters into a fixed array, so code
/// look-ups never allocate; `None` for anything else.
fn upper_case_code<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes: [u8; N] = text.as_bytes().try_into().ok()?;
    if !bytes.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    Some(bytes.map(|byte| byte.to_ascii_uppercase()))
}

fn find_by_alpha2(text: &str) -> Option<CountryCode> {
    let code: [u8; 2] = upper_case_code(text)?;
    let row_index = COUNTRY_ROWS
        .binary_search_by(|row| row.alpha2.as_bytes().cmp(&code[..]))
        .ok()?;
    CountryCode::from_row_index(row_index)
}

fn find_by_alpha3(text: &str) -> Option<CountryCode> {
    let code: [u8; 3] = upper_case_code(text)?;
    let entry_index = ALPHA3_TO_ROW
        .binary_search_by(|(alpha3, _)| alpha3.as_bytes().cmp(&code[..]))
        .ok()?;
    let (_, row) = ALPHA3_TO_ROW[entry_index];
    Some(CountryCode { row })
}

/// The key names are stored under: lower case, runs of whitespace as one
/// space, typographic apostrophes (’) as plain ones, and without the trailing
/// "(the)" of ISO's own spelling ("Netherlands (the)").
fn name_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        for character in word.chars() {
            let character = if character == '\u{2019}' {
                '\''
            } else {
                character
            };
            key.extend(character.to_lowercase());
        }
    }
    if let Some(without_suffix) = key.strip_suffix(" (the)") {
        key.truncate(without_suffix.len());
    }
    key
}

fn find_by_name(text: &str) -> Option<CountryCode> {
    let key = name_key(text);
    let search = |name: &str| {
        LOWERCASE_NAME_TO_ALPHA2
            .binary_search_by(|(stored_name, _)| (*stored_name).cmp(name))
            .ok()
            .and_then(|index| find_by_alpha2(LOWERCASE_NAME_TO_ALPHA2[index].1))
    };
    // "The Gambia", "the United States": a leading article is noise.
    search(&key).or_else(|| key.strip_prefix("the ").and_then(search))
}

// The tables below were generated from Debian iso-codes 4.15.0
// (iso_3166-1.json, which follows ISO 3166-1), plus XK Kosovo; the tests
// check that every table is sorted and agrees with the others.

/// Rows in the country table: 249 ISO 3166-1 codes and XK.
const COUNTRY_COUNT: usize = 250;

// A row number must fit in the one byte a CountryCode holds.
const _: () = assert!(COUNTRY_COUNT <= 256);

/// ISO 3166-1, sorted by alpha-2 code. English short names follow Debian's
/// iso-codes, which writes ISO's names without the trailing "(the)".
#[rustfmt::skip]
static COUNTRY_ROWS: [CountryRow; COUNTRY_COUNT] = [
    CountryRow { alpha2: "AD", alpha3: "AND", english_name: "Andorra" },
    CountryRow { alpha2: "AE", alpha3: "ARE", english_name: "United Arab Emirates" },
    CountryRow { alpha2: "AF", alpha3: "AFG", english_name: "Afghanistan" },
    CountryRow { alpha2: "AG", alpha3: "ATG", english_name: "Antigua and Barbuda" },
    CountryRow { alpha2: "AI", alpha3: "AIA", english_name: "Anguilla" },
    CountryRow { alpha2: "AL", alpha3: "ALB", english_name: "Albania" },
    CountryRow { alpha2: "AM", alpha3: "ARM", english_name: "Armenia" },
    CountryRow { alpha2: "AO", alpha3: "AGO", english_name: "Angola" },
    CountryRow { alpha2: "AQ", alpha3: "ATA", english_name: "Antarctica" },
    CountryRow { alpha2: "AR", alpha3: "ARG", english_name: "Argentina" },
    CountryRow { alpha2: "AS", alpha3: "ASM", english_name: "American Samoa" },
    CountryRow { alpha2: "AT", alpha3: "AUT", english_name: "Austria" },
    CountryRow { alpha2: "AU", alpha3: "AUS", english_name: "Australia" },
    CountryRow { alpha2: "AW", alpha3: "ABW", english_name: "Aruba" },
    CountryRow { alpha2: "AX", alpha3: "ALA", english_name: "Åland Islands" },
    CountryRow { alpha2: "AZ", alpha3: "AZE", english_name: "Azerbaijan" },
    CountryRow { alpha2: "BA", alpha3: "BIH", english_name: "Bosnia and Herzegovina" },
    CountryRow { alpha2: "BB", alpha3: "BRB", english_name: "Barbados" },
    CountryRow { alpha2: "BD", alpha3: "BGD", english_name: "Bangladesh" },
    CountryRow { alpha2: "BE", alpha3: "BEL", english_name: "Belgium" },
    CountryRow { alpha2: "BF", alpha3: "BFA", english_name: "Burkina Faso" },
    CountryRow { alpha2: "BG", alpha3: "BGR", english_name: "Bulgaria" },
    CountryRow { alpha2: "BH", alpha3: "BHR", english_name: "Bahrain" },
    CountryRow { alpha2: "BI", alpha3: "BDI", english_name: "Burundi" },
    CountryRow { alpha2: "BJ", alpha3: "BEN", english_name: "Benin" },
    CountryRow { alpha2: "BL", alpha3: "BLM", english_name: "Saint Barthélemy" },
    CountryRow { alpha2: "BM", alpha3: "BMU", english_name: "Bermuda" },
    CountryRow { alpha2: "BN", alpha3: "BRN", english_name: "Brunei Darussalam" },
    CountryRow { alpha2: "BO", alpha3: "BOL", english_name: "Bolivia, Plurinational State of" },
    CountryRow { alpha2: "BQ", alpha3: "BES", english_name: "Bonaire, Sint Eustatius and Saba" },
    CountryRow { alpha2: "BR", alpha3: "BRA", english_name: "Brazil" },
    CountryRow { alpha2: "BS", alpha3: "BHS", english_name: "Bahamas" },
    CountryRow { alpha2: "BT", alpha3: "BTN", english_name: "Bhutan" },
    CountryRow { alpha2: "BV", alpha3: "BVT", english_name: "Bouvet Island" },
    CountryRow { alpha2: "BW", alpha3: "BWA", english_name: "Botswana" },
    CountryRow { alpha2: "BY", alpha3: "BLR", english_name: "Belarus" },
    CountryRow { alpha2: "BZ", alpha3: "BLZ", english_name: "Belize" },
    CountryRow { alpha2: "CA", alpha3: "CAN", english_name: "Canada" },
    CountryRow { alpha2: "CC", alpha3: "CCK", english_name: "Cocos (Keeling) Islands" },
    CountryRow { alpha2: "CD", alpha3: "COD", english_name: "Congo, The Democratic Republic of the" },
    CountryRow { alpha2: "CF", alpha3: "CAF", english_name: "Central African Republic" },
    CountryRow { alpha2: "CG", alpha3: "COG", english_name: "Congo" },
    CountryRow { alpha2: "CH", alpha3: "CHE", english_name: "Switzerland" },
    CountryRow { alpha2: "CI", alpha3: "CIV", english_name: "Côte d'Ivoire" },
    CountryRow { alpha2: "CK", alpha3: "COK", english_name: "Cook Islands" },
    CountryRow { alpha2: "CL", alpha3: "CHL", english_name: "Chile" },
    CountryRow { alpha2: "CM", alpha3: "CMR", english_name: "Cameroon" },
    CountryRow { alpha2: "CN", alpha3: "CHN", english_name: "China" },
    CountryRow { alpha2: "CO", alpha3: "COL", english_name: "Colombia" },
    CountryRow { alpha2: "CR", alpha3: "CRI", english_name: "Costa Rica" },
    CountryRow { alpha2: "CU", alpha3: "CUB", english_name: "Cuba" },
    CountryRow { alpha2: "CV", alpha3: "CPV", english_name: "Cabo Verde" },
    CountryRow { alpha2: "CW", alpha3: "CUW", english_name: "Curaçao" },
    CountryRow { alpha2: "CX", alpha3: "CXR", english_name: "Christmas Island" },
    CountryRow { alpha2: "CY", alpha3: "CYP", english_name: "Cyprus" },
    CountryRow { alpha2: "CZ", alpha3: "CZE", english_name: "Czechia" },
    CountryRow { alpha2: "DE", alpha3: "DEU", english_name: "Germany" },
    CountryRow { alpha2: "DJ", alpha3: "DJI", english_name: "Djibouti" },
    CountryRow { alpha2: "DK", alpha3: "DNK", english_name: "Denmark" },
    CountryRow { alpha2: "DM", alpha3: "DMA", english_name: "Dominica" },
    CountryRow { alpha2: "DO", alpha3: "DOM", english_name: "Dominican Republic" },
    CountryRow { alpha2: "DZ", alpha3: "DZA", english_name: "Algeria" },
    CountryRow { alpha2: "EC", alpha3: "ECU", english_name: "Ecuador" },
    CountryRow { alpha2: "EE", alpha3: "EST", english_name: "Estonia" },
    CountryRow { alpha2: "EG", alpha3: "EGY", english_name: "Egypt" },
    CountryRow { alpha2: "EH", alpha3: "ESH", english_name: "Western Sahara" },
    CountryRow { alpha2: "ER", alpha3: "ERI", english_name: "Eritrea" },
    CountryRow { alpha2: "ES", alpha3: "ESP", english_name: "Spain" },
    CountryRow { alpha2: "ET", alpha3: "ETH", english_name: "Ethiopia" },
    CountryRow { alpha2: "FI", alpha3: "FIN", english_name: "Finland" },
    CountryRow { alpha2: "FJ", alpha3: "FJI", english_name: "Fiji" },
    CountryRow { alpha2: "FK", alpha3: "FLK", english_name: "Falkland Islands (Malvinas)" },
    CountryRow { alpha2: "FM", alpha3: "FSM", english_name: "Micronesia, Federated States of" },
    CountryRow { alpha2: "FO", alpha3: "FRO", english_name: "Faroe Islands" },
    CountryRow { alpha2: "FR", alpha3: "FRA", english_name: "France" },
    CountryRow { alpha2: "GA", alpha3: "GAB", english_name: "Gabon" },
    CountryRow { alpha2: "GB", alpha3: "GBR", english_name: "United Kingdom" },
    CountryRow { alpha2: "GD", alpha3: "GRD", english_name: "Grenada" },
    CountryRow { alpha2: "GE", alpha3: "GEO", english_name: "Georgia" },
    CountryRow { alpha2: "GF", alpha3: "GUF", english_name: "French Guiana" },
    CountryRow { alpha2: "GG", alpha3: "GGY", english_name: "Guernsey" },
    CountryRow { alpha2: "GH", alpha3: "GHA", english_name: "Ghana" },
    CountryRow { alpha2: "GI", alpha3: "GIB", english_name: "Gibraltar" },
    CountryRow { alpha2: "GL", alpha3: "GRL", english_name: "Greenland" },
    CountryRow { alpha2: "GM", alpha3: "GMB", english_name: "Gambia" },
    CountryRow { alpha2: "GN", alpha3: "GIN", english_name: "Guinea" },
    CountryRow { alpha2: "GP", alpha3: "GLP", english_name: "Guadeloupe" },
    CountryRow { alpha2: "GQ", alpha3: "GNQ", english_name: "Equatorial Guinea" },
    CountryRow { alpha2: "GR", alpha3: "GRC", english_name: "Greece" },
    CountryRow { alpha2: "GS", alpha3: "SGS", english_name: "South Georgia and the South Sandwich Islands" },
    CountryRow { alpha2: "GT", alpha3: "GTM", english_name: "Guatemala" },
    CountryRow { alpha2: "GU", alpha3: "GUM", english_name: "Guam" },
    CountryRow { alpha2: "GW", alpha3: "GNB", english_name: "Guinea-Bissau" },
    CountryRow { alpha2: "GY", alpha3: "GUY", english_name: "Guyana" },
    CountryRow { alpha2: "HK", alpha3: "HKG", english_name: "Hong Kong" },
    CountryRow { alpha2: "HM", alpha3: "HMD", english_name: "Heard Island and McDonald Islands" },
    CountryRow { alpha2: "HN", alpha3: "HND", english_name: "Honduras" },
    CountryRow { alpha2: "HR", alpha3: "HRV", english_name: "Croatia" },
    CountryRow { alpha2: "HT", alpha3: "HTI", english_name: "Haiti" },
    CountryRow { alpha2: "HU", alpha3: "HUN", english_name: "Hungary" },
    CountryRow { alpha2: "ID", alpha3: "IDN", english_name: "Indonesia" },
    CountryRow { alpha2: "IE", alpha3: "IRL", english_name: "Ireland" },
    CountryRow { alpha2: "IL", alpha3: "ISR", english_name: "Israel" },
    CountryRow { alpha2: "IM", alpha3: "IMN", english_name: "Isle of Man" },
    CountryRow { alpha2: "IN", alpha3: "IND", english_name: "India" },
    CountryRow { alpha2: "IO", alpha3: "IOT", english_name: "British Indian Ocean Territory" },
    CountryRow { alpha2: "IQ", alpha3: "IRQ", english_name: "Iraq" },
    CountryRow { alpha2: "IR", alpha3: "IRN", english_name: "Iran, Islamic Republic of" },
    CountryRow { alpha2: "IS", alpha3: "ISL", english_name: "Iceland" },
    CountryRow { alpha2: "IT", alpha3: "ITA", english_name: "Italy" },
    CountryRow { alpha2: "JE", alpha3: "JEY", english_name: "Jersey" },
    CountryRow { alpha2: "JM", alpha3: "JAM", english_name: "Jamaica" },
    CountryRow { alpha2: "JO", alpha3: "JOR", english_name: "Jordan" },
    CountryRow { alpha2: "JP", alpha3: "JPN", english_name: "Japan" },
    CountryRow { alpha2: "KE", alpha3: "KEN", english_name: "Kenya" },
    CountryRow { alpha2: "KG", alpha3: "KGZ", english_name: "Kyrgyzstan" },
    CountryRow { alpha2: "KH", alpha3: "KHM", english_name: "Cambodia" },
    CountryRow { alpha2: "KI", alpha3: "KIR", english_name: "Kiribati" },
    CountryRow { alpha2: "KM", alpha3: "COM", english_name: "Comoros" },
    CountryRow { alpha2: "KN", alpha3: "KNA", english_name: "Saint Kitts and Nevis" },
    CountryRow { alpha2: "KP", alpha3: "PRK", english_name: "Korea, Democratic People's Republic of" },
    CountryRow { alpha2: "KR", alpha3: "KOR", english_name: "Korea, Republic of" },
    CountryRow { alpha2: "KW", alpha3: "KWT", english_name: "Kuwait" },
    CountryRow { alpha2: "KY", alpha3: "CYM", english_name: "Cayman Islands" },
    CountryRow { alpha2: "KZ", alpha3: "KAZ", english_name: "Kazakhstan" },
    CountryRow { alpha2: "LA", alpha3: "LAO", english_name: "Lao People's Democratic Republic" },
    CountryRow { alpha2: "LB", alpha3: "LBN", english_name: "Lebanon" },
    CountryRow { alpha2: "LC", alpha3: "LCA", english_name: "Saint Lucia" },
    CountryRow { alpha2: "LI", alpha3: "LIE", english_name: "Liechtenstein" },
    CountryRow { alpha2: "LK", alpha3: "LKA", english_name: "Sri Lanka" },
    CountryRow { alpha2: "LR", alpha3: "LBR", english_name: "Liberia" },
    CountryRow { alpha2: "LS", alpha3: "LSO", english_name: "Lesotho" },
    CountryRow { alpha2: "LT", alpha3: "LTU", english_name: "Lithuania" },
    CountryRow { alpha2: "LU", alpha3: "LUX", english_name: "Luxembourg" },
    CountryRow { alpha2: "LV", alpha3: "LVA", english_name: "Latvia" },
    CountryRow { alpha2: "LY", alpha3: "LBY", english_name: "Libya" },
    CountryRow { alpha2: "MA", alpha3: "MAR", english_name: "Morocco" },
    CountryRow { alpha2: "MC", alpha3: "MCO", english_name: "Monaco" },
    CountryRow { alpha2: "MD", alpha3: "MDA", english_name: "Moldova, Republic of" },
    CountryRow { alpha2: "ME", alpha3: "MNE", english_name: "Montenegro" },
    CountryRow { alpha2: "MF", alpha3: "MAF", english_name: "Saint Martin (French part)" },
    CountryRow { alpha2: "MG", alpha3: "MDG", english_name: "Madagascar" },
    CountryRow { alpha2: "MH", alpha3: "MHL", english_name: "Marshall Islands" },
    CountryRow { alpha2: "MK", alpha3: "MKD", english_name: "North Macedonia" },
    CountryRow { alpha2: "ML", alpha3: "MLI", english_name: "Mali" },
    CountryRow { alpha2: "MM", alpha3: "MMR", english_name: "Myanmar" },
    CountryRow { alpha2: "MN", alpha3: "MNG", english_name: "Mongolia" },
    CountryRow { alpha2: "MO", alpha3: "MAC", english_name: "Macao" },
    CountryRow { alpha2: "MP", alpha3: "MNP", english_name: "Northern Mariana Islands" },
    CountryRow { alpha2: "MQ", alpha3: "MTQ", english_name: "Martinique" },
    CountryRow { alpha2: "MR", alpha3: "MRT", english_name: "Mauritania" },
    CountryRow { alpha2: "MS", alpha3: "MSR", english_name: "Montserrat" },
    CountryRow { alpha2: "MT", alpha3: "MLT", english_name: "Malta" },
    CountryRow { alpha2: "MU", alpha3: "MUS", english_name: "Mauritius" },
    CountryRow { alpha2: "MV", alpha3: "MDV", english_name: "Maldives" },
    CountryRow { alpha2: "MW", alpha3: "MWI", english_name: "Malawi" },
    CountryRow { alpha2: "MX", alpha3: "MEX", english_name: "Mexico" },
    CountryRow { alpha2: "MY", alpha3: "MYS", english_name: "Malaysia" },
    CountryRow { alpha2: "MZ", alpha3: "MOZ", english_name: "Mozambique" },
    CountryRow { alpha2: "NA", alpha3: "NAM", english_name: "Namibia" },
    CountryRow { alpha2: "NC", alpha3: "NCL", english_name: "New Caledonia" },
    CountryRow { alpha2: "NE", alpha3: "NER", english_name: "Niger" },
    CountryRow { alpha2: "NF", alpha3: "NFK", english_name: "Norfolk Island" },
    CountryRow { alpha2: "NG", alpha3: "NGA", english_name: "Nigeria" },
    CountryRow { alpha2: "NI", alpha3: "NIC", english_name: "Nicaragua" },
    CountryRow { alpha2: "NL", alpha3: "NLD", english_name: "Netherlands" },
    CountryRow { alpha2: "NO", alpha3: "NOR", english_name: "Norway" },
    CountryRow { alpha2: "NP", alpha3: "NPL", english_name: "Nepal" },
    CountryRow { alpha2: "NR", alpha3: "NRU", english_name: "Nauru" },
    CountryRow { alpha2: "NU", alpha3: "NIU", english_name: "Niue" },
    CountryRow { alpha2: "NZ", alpha3: "NZL", english_name: "New Zealand" },
    CountryRow { alpha2: "OM", alpha3: "OMN", english_name: "Oman" },
    CountryRow { alpha2: "PA", alpha3: "PAN", english_name: "Panama" },
    CountryRow { alpha2: "PE", alpha3: "PER", english_name: "Peru" },
    CountryRow { alpha2: "PF", alpha3: "PYF", english_name: "French Polynesia" },
    CountryRow { alpha2: "PG", alpha3: "PNG", english_name: "Papua New Guinea" },
    CountryRow { alpha2: "PH", alpha3: "PHL", english_name: "Philippines" },
    CountryRow { alpha2: "PK", alpha3: "PAK", english_name: "Pakistan" },
    CountryRow { alpha2: "PL", alpha3: "POL", english_name: "Poland" },
    CountryRow { alpha2: "PM", alpha3: "SPM", english_name: "Saint Pierre and Miquelon" },
    CountryRow { alpha2: "PN", alpha3: "PCN", english_name: "Pitcairn" },
    CountryRow { alpha2: "PR", alpha3: "PRI", english_name: "Puerto Rico" },
    CountryRow { alpha2: "PS", alpha3: "PSE", english_name: "Palestine, State of" },
    CountryRow { alpha2: "PT", alpha3: "PRT", english_name: "Portugal" },
    CountryRow { alpha2: "PW", alpha3: "PLW", english_name: "Palau" },
    CountryRow { alpha2: "PY", alpha3: "PRY", english_name: "Paraguay" },
    CountryRow { alpha2: "QA", alpha3: "QAT", english_name: "Qatar" },
    CountryRow { alpha2: "RE", alpha3: "REU", english_name: "Réunion" },
    CountryRow { alpha2: "RO", alpha3: "ROU", english_name: "Romania" },
    CountryRow { alpha2: "RS", alpha3: "SRB", english_name: "Serbia" },
    CountryRow { alpha2: "RU", alpha3: "RUS", english_name: "Russian Federation" },
    CountryRow { alpha2: "RW", alpha3: "RWA", english_name: "Rwanda" },
    CountryRow { alpha2: "SA", alpha3: "SAU", english_name: "Saudi Arabia" },
    CountryRow { alpha2: "SB", alpha3: "SLB", english_name: "Solomon Islands" },
    CountryRow { alpha2: "SC", alpha3: "SYC", english_name: "Seychelles" },
    CountryRow { alpha2: "SD", alpha3: "SDN", english_name: "Sudan" },
    CountryRow { alpha2: "SE", alpha3: "SWE", english_name: "Sweden" },
    CountryRow { alpha2: "SG", alpha3: "SGP", english_name: "Singapore" },
    CountryRow { alpha2: "SH", alpha3: "SHN", english_name: "Saint Helena, Ascension and Tristan da Cunha" },
    CountryRow { alpha2: "SI", alpha3: "SVN", english_name: "Slovenia" },
    CountryRow { alpha2: "SJ", alpha3: "SJM", english_name: "Svalbard and Jan Mayen" },
    CountryRow { alpha2: "SK", alpha3: "SVK", english_name: "Slovakia" },
    CountryRow { alpha2: "SL", alpha3: "SLE", english_name: "Sierra Leone" },
    CountryRow { alpha2: "SM", alpha3: "SMR", english_name: "San Marino" },
    CountryRow { alpha2: "SN", alpha3: "SEN", english_name: "Senegal" },
    CountryRow { alpha2: "SO", alpha3: "SOM", english_name: "Somalia" },
    CountryRow { alpha2: "SR", alpha3: "SUR", english_name: "Suriname" },
    CountryRow { alpha2: "SS", alpha3: "SSD", english_name: "South Sudan" },
    CountryRow { alpha2: "ST", alpha3: "STP", english_name: "Sao Tome and Principe" },
    CountryRow { alpha2: "SV", alpha3: "SLV", english_name: "El Salvador" },
    CountryRow { alpha2: "SX", alpha3: "SXM", english_name: "Sint Maarten (Dutch part)" },
    CountryRow { alpha2: "SY", alpha3: "SYR", english_name: "Syrian Arab Republic" },
    CountryRow { alpha2: "SZ", alpha3: "SWZ", english_name: "Eswatini" },
    CountryRow { alpha2: "TC", alpha3: "TCA", english_name: "Turks and Caicos Islands" },
    CountryRow { alpha2: "TD", alpha3: "TCD", english_name: "Chad" },
    CountryRow { alpha2: "TF", alpha3: "ATF", english_name: "French Southern Territories" },
    CountryRow { alpha2: "TG", alpha3: "TGO", english_name: "Togo" },
    CountryRow { alpha2: "TH", alpha3: "THA", english_name: "Thailand" },
    CountryRow { alpha2: "TJ", alpha3: "TJK", english_name: "Tajikistan" },
    CountryRow { alpha2: "TK", alpha3: "TKL", english_name: "Tokelau" },
    CountryRow { alpha2: "TL", alpha3: "TLS", english_name: "Timor-Leste" },
    CountryRow { alpha2: "TM", alpha3: "TKM", english_name: "Turkmenistan" },
    CountryRow { alpha2: "TN", alpha3: "TUN", english_name: "Tunisia" },
    CountryRow { alpha2: "TO", alpha3: "TON", english_name: "Tonga" },
    CountryRow { alpha2: "TR", alpha3: "TUR", english_name: "Türkiye" },
    CountryRow { alpha2: "TT", alpha3: "TTO", english_name: "Trinidad and Tobago" },
    CountryRow { alpha2: "TV", alpha3: "TUV", english_name: "Tuvalu" },
    CountryRow { alpha2: "TW", alpha3: "TWN", english_name: "Taiwan, Province of China" },
    CountryRow { alpha2: "TZ", alpha3: "TZA", english_name: "Tanzania, United Republic of" },
    CountryRow { alpha2: "UA", alpha3: "UKR", english_name: "Ukraine" },
    CountryRow { alpha2: "UG", alpha3: "UGA", english_name: "Uganda" },
    CountryRow { alpha2: "UM", alpha3: "UMI", english_name: "United States Minor Outlying Islands" },
    CountryRow { alpha2: "US", alpha3: "USA", english_name: "United States" },
    CountryRow { alpha2: "UY", alpha3: "URY", english_name: "Uruguay" },
    CountryRow { alpha2: "UZ", alpha3: "UZB", english_name: "Uzbekistan" },
    CountryRow { alpha2: "VA", alpha3: "VAT", english_name: "Holy See (Vatican City State)" },
    CountryRow { alpha2: "VC", alpha3: "VCT", english_name: "Saint Vincent and the Grenadines" },
    CountryRow { alpha2: "VE", alpha3: "VEN", english_name: "Venezuela, Bolivarian Republic of" },
    CountryRow { alpha2: "VG", alpha3: "VGB", english_name: "Virgin Islands, British" },
    CountryRow { alpha2: "VI", alpha3: "VIR", english_name: "Virgin Islands, U.S." },
    CountryRow { alpha2: "VN", alpha3: "VNM", english_name: "Viet Nam" },
    CountryRow { alpha2: "VU", alpha3: "VUT", english_name: "Vanuatu" },
    CountryRow { alpha2: "WF", alpha3: "WLF", english_name: "Wallis and Futuna" },
    CountryRow { alpha2: "WS", alpha3: "WSM", english_name: "Samoa" },
    CountryRow { alpha2: "XK", alpha3: "XKX", english_name: "Kosovo" },
    CountryRow { alpha2: "YE", alpha3: "YEM", english_name: "Yemen" },
    CountryRow { alpha2: "YT", alpha3: "MYT", english_name: "Mayotte" },
    CountryRow { alpha2: "ZA", alpha3: "ZAF", english_name: "South Africa" },
    CountryRow { alpha2: "ZM", alpha3: "ZMB", english_name: "Zambia" },
    CountryRow { alpha2: "ZW", alpha3: "ZWE", english_name: "Zimbabwe" },
];

/// Alpha-3 code to row of COUNTRY_ROWS, sorted by alpha-3 code.
#[rustfmt::skip]
static ALPHA3_TO_ROW: [(&str, u8); COUNTRY_COUNT] = [
    ("ABW", 13),
    ("AFG", 2),
    ("AGO", 7),
    ("AIA", 4),
    ("ALA", 14),
    ("ALB", 5),
    ("AND", 0),
    ("ARE", 1),
    ("ARG", 9),
    ("ARM", 6),
    ("ASM", 10),
    ("ATA", 8),
    ("ATF", 215),
    ("ATG", 3),
    ("AUS", 12),
    ("AUT", 11),
    ("AZE", 15),
    ("BDI", 23),
    ("BEL", 19),
    ("BEN", 24),
    ("BES", 29),
    ("BFA", 20),
    ("BGD", 18),
    ("BGR", 21),
    ("BHR", 22),
    ("BHS", 31),
    ("BIH", 16),
    ("BLM", 25),
    ("BLR", 35),
    ("BLZ", 36),
    ("BMU", 26),
    ("BOL", 28),
    ("BRA", 30),
    ("BRB", 17),
    ("BRN", 27),
    ("BTN", 32),
    ("BVT", 33),
    ("BWA", 34),
    ("CAF", 40),
    ("CAN", 37),
    ("CCK", 38),
    ("CHE", 42),
    ("CHL", 45),
    ("CHN", 47),
    ("CIV", 43),
    ("CMR", 46),
    ("COD", 39),
    ("COG", 41),
    ("COK", 44),
    ("COL", 48),
    ("COM", 118),
    ("CPV", 51),
    ("CRI", 49),
    ("CUB", 50),
    ("CUW", 52),
    ("CXR", 53),
    ("CYM", 123),
    ("CYP", 54),
    ("CZE", 55),
    ("DEU", 56),
    ("DJI", 57),
    ("DMA", 59),
    ("DNK", 58),
    ("DOM", 60),
    ("DZA", 61),
    ("ECU", 62),
    ("EGY", 64),
    ("ERI", 66),
    ("ESH", 65),
    ("ESP", 67),
    ("EST", 63),
    ("ETH", 68),
    ("FIN", 69),
    ("FJI", 70),
    ("FLK", 71),
    ("FRA", 74),
    ("FRO", 73),
    ("FSM", 72),
    ("GAB", 75),
    ("GBR", 76),
    ("GEO", 78),
    ("GGY", 80),
    ("GHA", 81),
    ("GIB", 82),
    ("GIN", 85),
    ("GLP", 86),
    ("GMB", 84),
    ("GNB", 92),
    ("GNQ", 87),
    ("GRC", 88),
    ("GRD", 77),
    ("GRL", 83),
    ("GTM", 90),
    ("GUF", 79),
    ("GUM", 91),
    ("GUY", 93),
    ("HKG", 94),
    ("HMD", 95),
    ("HND", 96),
    ("HRV", 97),
    ("HTI", 98),
    ("HUN", 99),
    ("IDN", 100),
    ("IMN", 103),
    ("IND", 104),
    ("IOT", 105),
    ("IRL", 101),
    ("IRN", 107),
    ("IRQ", 106),
    ("ISL", 108),
    ("ISR", 102),
    ("ITA", 109),
    ("JAM", 111),
    ("JEY", 110),
    ("JOR", 112),
    ("JPN", 113),
    ("KAZ", 124),
    ("KEN", 114),
    ("KGZ", 115),
    ("KHM", 116),
    ("KIR", 117),
    ("KNA", 119),
    ("KOR", 121),
    ("KWT", 122),
    ("LAO", 125),
    ("LBN", 126),
    ("LBR", 130),
    ("LBY", 135),
    ("LCA", 127),
    ("LIE", 128),
    ("LKA", 129),
    ("LSO", 131),
    ("LTU", 132),
    ("LUX", 133),
    ("LVA", 134),
    ("MAC", 147),
    ("MAF", 140),
    ("MAR", 136),
    ("MCO", 137),
    ("MDA", 138),
    ("MDG", 141),
    ("MDV", 154),
    ("MEX", 156),
    ("MHL", 142),
    ("MKD", 143),
    ("MLI", 144),
    ("MLT", 152),
    ("MMR", 145),
    ("MNE", 139),
    ("MNG", 146),
    ("MNP", 148),
    ("MOZ", 158),
    ("MRT", 150),
    ("MSR", 151),
    ("MTQ", 149),
    ("MUS", 153),
    ("MWI", 155),
    ("MYS", 157),
    ("MYT", 246),
    ("NAM", 159),
    ("NCL", 160),
    ("NER", 161),
    ("NFK", 162),
    ("NGA", 163),
    ("NIC", 164),
    ("NIU", 169),
    ("NLD", 165),
    ("NOR", 166),
    ("NPL", 167),
    ("NRU", 168),
    ("NZL", 170),
    ("OMN", 171),
    ("PAK", 177),
    ("PAN", 172),
    ("PCN", 180),
    ("PER", 173),
    ("PHL", 176),
    ("PLW", 184),
    ("PNG", 175),
    ("POL", 178),
    ("PRI", 181),
    ("PRK", 120),
    ("PRT", 183),
    ("PRY", 185),
    ("PSE", 182),
    ("PYF", 174),
    ("QAT", 186),
    ("REU", 187),
    ("ROU", 188),
    ("RUS", 190),
    ("RWA", 191),
    ("SAU", 192),
    ("SDN", 195),
    ("SEN", 204),
    ("SGP", 197),
    ("SGS", 89),
    ("SHN", 198),
    ("SJM", 200),
    ("SLB", 193),
    ("SLE", 202),
    ("SLV", 209),
    ("SMR", 203),
    ("SOM", 205),
    ("SPM", 179),
    ("SRB", 189),
    ("SSD", 207),
    ("STP", 208),
    ("SUR", 206),
    ("SVK", 201),
    ("SVN", 199),
    ("SWE", 196),
    ("SWZ", 212),
    ("SXM", 210),
    ("SYC", 194),
    ("SYR", 211),
    ("TCA", 213),
    ("TCD", 214),
    ("TGO", 216),
    ("THA", 217),
    ("TJK", 218),
    ("TKL", 219),
    ("TKM", 221),
    ("TLS", 220),
    ("TON", 223),
    ("TTO", 225),
    ("TUN", 222),
    ("TUR", 224),
    ("TUV", 226),
    ("TWN", 227),
    ("TZA", 228),
    ("UGA", 230),
    ("UKR", 229),
    ("UMI", 231),
    ("URY", 233),
    ("USA", 232),
    ("UZB", 234),
    ("VAT", 235),
    ("VCT", 236),
    ("VEN", 237),
    ("VGB", 238),
    ("VIR", 239),
    ("VNM", 240),
    ("VUT", 241),
    ("WLF", 242),
    ("WSM", 243),
    ("XKX", 244),
    ("YEM", 245),
    ("ZAF", 247),
    ("ZMB", 248),
    ("ZWE", 249),
];

/// Lower-case names to alpha-2 code, sorted by name: every English short name,
/// the common and official names iso-codes lists, the names distributor
/// reports use instead ("UK", "South Korea", "Ivory Coast", "Swaziland", …),
/// and each name again without accents ("cote d'ivoire", "turkiye").
#[rustfmt::skip]
static LOWERCASE_NAME_TO_ALPHA2: [(&str, &str); 496] = [
    ("afghanistan", "AF"),
    ("aland islands", "AX"),
    ("albania", "AL"),
    ("algeria", "DZ"),
    ("american samoa", "AS"),
    ("andorra", "AD"),
    ("angola", "AO"),
    ("anguilla", "AI"),
    ("antarctica", "AQ"),
    ("antigua and barbuda", "AG"),
    ("arab republic of egypt", "EG"),
    ("argentina", "AR"),
    ("argentine republic", "AR"),
    ("armenia", "AM"),
    ("aruba", "AW"),
    ("australia", "AU"),
    ("austria", "AT"),
    ("azerbaijan", "AZ"),
    ("bahamas", "BS"),
    ("bahrain", "BH"),
    ("bangladesh", "BD"),
    ("barbados", "BB"),
    ("belarus", "BY"),
    ("belgium", "BE"),
    ("belize", "BZ"),
    ("benin", "BJ"),
    ("bermuda", "BM"),
    ("bhutan", "BT"),
    ("bolivarian republic of venezuela", "VE"),
    ("bolivia", "BO"),
    ("bolivia (plurinational state of)", "BO"),
    ("bolivia, plurinational state of", "BO"),
    ("bonaire, sint eustatius and saba", "BQ"),
    ("bosnia and herzegovina", "BA"),
    ("botswana", "BW"),
    ("bouvet island", "BV"),
    ("brazil", "BR"),
    ("britain", "GB"),
    ("british indian ocean territory", "IO"),
    ("british virgin islands", "VG"),
    ("brunei", "BN"),
    ("brunei darussalam", "BN"),
    ("bulgaria", "BG"),
    ("burkina faso", "BF"),
    ("burma", "MM"),
    ("burundi", "BI"),
    ("cabo verde", "CV"),
    ("cambodia", "KH"),
    ("cameroon", "CM"),
    ("canada", "CA"),
    ("cape verde", "CV"),
    ("cayman islands", "KY"),
    ("central african republic", "CF"),
    ("chad", "TD"),
    ("chile", "CL"),
    ("china", "CN"),
    ("christmas island", "CX"),
    ("cocos (keeling) islands", "CC"),
    ("colombia", "CO"),
    ("commonwealth of dominica", "DM"),
    ("commonwealth of the bahamas", "BS"),
    ("commonwealth of the northern mariana islands", "MP"),
    ("comoros", "KM"),
    ("congo", "CG"),
    ("congo (the democratic republic of the)", "CD"),
    ("congo, democratic republic of the", "CD"),
    ("congo, the democratic republic of the", "CD"),
    ("congo-brazzaville", "CG"),
    ("congo-kinshasa", "CD"),
    ("cook islands", "CK"),
    ("costa rica", "CR"),
    ("cote d'ivoire", "CI"),
    ("croatia", "HR"),
    ("cuba", "CU"),
    ("curacao", "CW"),
    ("curaçao", "CW"),
    ("cyprus", "CY"),
    ("czech republic", "CZ"),
    ("czechia", "CZ"),
    ("côte d'ivoire", "CI"),
    ("democratic people's republic of korea", "KP"),
    ("democratic republic of sao tome and principe", "ST"),
    ("democratic republic of the congo", "CD"),
    ("democratic republic of timor-leste", "TL"),
    ("democratic socialist republic of sri lanka", "LK"),
    ("denmark", "DK"),
    ("djibouti", "DJ"),
    ("dominica", "DM"),
    ("dominican republic", "DO"),
    ("dr congo", "CD"),
    ("east timor", "TL"),
    ("eastern republic of uruguay", "UY"),
    ("ecuador", "EC"),
    ("egypt", "EG"),
    ("el salvador", "SV"),
    ("equatorial guinea", "GQ"),
    ("eritrea", "ER"),
    ("estonia", "EE"),
    ("eswatini", "SZ"),
    ("ethiopia", "ET"),
    ("falkland islands", "FK"),
    ("falkland islands (malvinas)", "FK"),
    ("faroe islands", "FO"),
    ("federal democratic republic of ethiopia", "ET"),
    ("federal democratic republic of nepal", "NP"),
    ("federal republic of germany", "DE"),
    ("federal republic of nigeria", "NG"),
    ("federal republic of somalia", "SO"),
    ("federated states of micronesia", "FM"),
    ("federative republic of brazil", "BR"),
    ("fiji", "FJ"),
    ("finland", "FI"),
    ("france", "FR"),
    ("french guiana", "GF"),
    ("french polynesia", "PF"),
    ("french republic", "FR"),
    ("french southern territories", "TF"),
    ("gabon", "GA"),
    ("gabonese republic", "GA"),
    ("gambia", "GM"),
    ("georgia", "GE"),
    ("germany", "DE"),
    ("ghana", "GH"),
    ("gibraltar", "GI"),
    ("grand duchy of luxembourg", "LU"),
    ("great britain", "GB"),
    ("greece", "GR"),
    ("greenland", "GL"),
    ("grenada", "GD"),
    ("guadeloupe", "GP"),
    ("guam", "GU"),
    ("guatemala", "GT"),
    ("guernsey", "GG"),
    ("guinea", "GN"),
    ("guinea-bissau", "GW"),
    ("guyana", "GY"),
    ("haiti", "HT"),
    ("hashemite kingdom of jordan", "JO"),
    ("heard island and mcdonald islands", "HM"),
    ("hellenic republic", "GR"),
    ("holy see", "VA"),
    ("holy see (vatican city state)", "VA"),
    ("honduras", "HN"),
    ("hong kong", "HK"),
    ("hong kong sar", "HK"),
    ("hong kong special administrative region of china", "HK"),
    ("hungary", "HU"),
    ("iceland", "IS"),
    ("independent state of papua new guinea", "PG"),
    ("independent state of samoa", "WS"),
    ("india", "IN"),
    ("indonesia", "ID"),
    ("iran", "IR"),
    ("iran (islamic republic of)", "IR"),
    ("iran, islamic republic of", "IR"),
    ("iraq", "IQ"),
    ("ireland", "IE"),
    ("islamic republic of afghanistan", "AF"),
    ("islamic republic of iran", "IR"),
    ("islamic republic of mauritania", "MR"),
    ("islamic republic of pakistan", "PK"),
    ("isle of man", "IM"),
    ("israel", "IL"),
    ("italian republic", "IT"),
    ("italy", "IT"),
    ("ivory coast", "CI"),
    ("jamaica", "JM"),
    ("japan", "JP"),
    ("jersey", "JE"),
    ("jordan", "JO"),
    ("kazakhstan", "KZ"),
    ("kenya", "KE"),
    ("kingdom of bahrain", "BH"),
    ("kingdom of belgium", "BE"),
    ("kingdom of bhutan", "BT"),
    ("kingdom of cambodia", "KH"),
    ("kingdom of denmark", "DK"),
    ("kingdom of eswatini", "SZ"),
    ("kingdom of lesotho", "LS"),
    ("kingdom of morocco", "MA"),
    ("kingdom of norway", "NO"),
    ("kingdom of saudi arabia", "SA"),
    ("kingdom of spain", "ES"),
    ("kingdom of sweden", "SE"),
    ("kingdom of thailand", "TH"),
    ("kingdom of the netherlands", "NL"),
    ("kingdom of tonga", "TO"),
    ("kiribati", "KI"),
    ("korea (the democratic people's republic of)", "KP"),
    ("korea (the republic of)", "KR"),
    ("korea, democratic people's republic of", "KP"),
    ("korea, north", "KP"),
    ("korea, republic of", "KR"),
    ("korea, south", "KR"),
    ("kosovo", "XK"),
    ("kuwait", "KW"),
    ("kyrgyz republic", "KG"),
    ("kyrgyzstan", "KG"),
    ("lao pdr", "LA"),
    ("lao people's democratic republic", "LA"),
    ("laos", "LA"),
    ("latvia", "LV"),
    ("lebanese republic", "LB"),
    ("lebanon", "LB"),
    ("lesotho", "LS"),
    ("liberia", "LR"),
    ("libya", "LY"),
    ("libyan arab jamahiriya", "LY"),
    ("liechtenstein", "LI"),
    ("lithuania", "LT"),
    ("luxembourg", "LU"),
    ("macao", "MO"),
    ("macao sar", "MO"),
    ("macao special administrative region of china", "MO"),
    ("macau", "MO"),
    ("macau sar", "MO"),
    ("macedonia", "MK"),
    ("macedonia, the former yugoslav republic of", "MK"),
    ("madagascar", "MG"),
    ("malawi", "MW"),
    ("malaysia", "MY"),
    ("maldives", "MV"),
    ("mali", "ML"),
    ("malta", "MT"),
    ("marshall islands", "MH"),
    ("martinique", "MQ"),
    ("mauritania", "MR"),
    ("mauritius", "MU"),
    ("mayotte", "YT"),
    ("mexico", "MX"),
    ("micronesia", "FM"),
    ("micronesia (federated states of)", "FM"),
    ("micronesia, federated states of", "FM"),
    ("moldova", "MD"),
    ("moldova (the republic of)", "MD"),
    ("moldova, republic of", "MD"),
    ("monaco", "MC"),
    ("mongolia", "MN"),
    ("montenegro", "ME"),
    ("montserrat", "MS"),
    ("morocco", "MA"),
    ("mozambique", "MZ"),
    ("myanmar", "MM"),
    ("namibia", "NA"),
    ("nauru", "NR"),
    ("nepal", "NP"),
    ("netherlands", "NL"),
    ("netherlands (kingdom of the)", "NL"),
    ("netherlands, kingdom of the", "NL"),
    ("new caledonia", "NC"),
    ("new zealand", "NZ"),
    ("nicaragua", "NI"),
    ("niger", "NE"),
    ("nigeria", "NG"),
    ("niue", "NU"),
    ("norfolk island", "NF"),
    ("north korea", "KP"),
    ("north macedonia", "MK"),
    ("northern mariana islands", "MP"),
    ("norway", "NO"),
    ("occupied palestinian territory", "PS"),
    ("oman", "OM"),
    ("pakistan", "PK"),
    ("palau", "PW"),
    ("palestine", "PS"),
    ("palestine, state of", "PS"),
    ("palestinian territory", "PS"),
    ("palestinian territory, occupied", "PS"),
    ("panama", "PA"),
    ("papua new guinea", "PG"),
    ("paraguay", "PY"),
    ("people's democratic republic of algeria", "DZ"),
    ("people's republic of bangladesh", "BD"),
    ("people's republic of china", "CN"),
    ("peru", "PE"),
    ("philippines", "PH"),
    ("pitcairn", "PN"),
    ("plurinational state of bolivia", "BO"),
    ("poland", "PL"),
    ("portugal", "PT"),
    ("portuguese republic", "PT"),
    ("principality of andorra", "AD"),
    ("principality of liechtenstein", "LI"),
    ("principality of monaco", "MC"),
    ("puerto rico", "PR"),
    ("qatar", "QA"),
    ("republic of albania", "AL"),
    ("republic of angola", "AO"),
    ("republic of armenia", "AM"),
    ("republic of austria", "AT"),
    ("republic of azerbaijan", "AZ"),
    ("republic of belarus", "BY"),
    ("republic of benin", "BJ"),
    ("republic of bosnia and herzegovina", "BA"),
    ("republic of botswana", "BW"),
    ("republic of bulgaria", "BG"),
    ("republic of burundi", "BI"),
    ("republic of cabo verde", "CV"),
    ("republic of cameroon", "CM"),
    ("republic of chad", "TD"),
    ("republic of chile", "CL"),
    ("republic of colombia", "CO"),
    ("republic of costa rica", "CR"),
    ("republic of cote d'ivoire", "CI"),
    ("republic of croatia", "HR"),
    ("republic of cuba", "CU"),
    ("republic of cyprus", "CY"),
    ("republic of côte d'ivoire", "CI"),
    ("republic of djibouti", "DJ"),
    ("republic of ecuador", "EC"),
    ("republic of el salvador", "SV"),
    ("republic of equatorial guinea", "GQ"),
    ("republic of estonia", "EE"),
    ("republic of fiji", "FJ"),
    ("republic of finland", "FI"),
    ("republic of ghana", "GH"),
    ("republic of guatemala", "GT"),
    ("republic of guinea", "GN"),
    ("republic of guinea-bissau", "GW"),
    ("republic of guyana", "GY"),
    ("republic of haiti", "HT"),
    ("republic of honduras", "HN"),
    ("republic of iceland", "IS"),
    ("republic of india", "IN"),
    ("republic of indonesia", "ID"),
    ("republic of iraq", "IQ"),
    ("republic of kazakhstan", "KZ"),
    ("republic of kenya", "KE"),
    ("republic of kiribati", "KI"),
    ("republic of korea", "KR"),
    ("republic of kosovo", "XK"),
    ("republic of latvia", "LV"),
    ("republic of liberia", "LR"),
    ("republic of lithuania", "LT"),
    ("republic of madagascar", "MG"),
    ("republic of malawi", "MW"),
    ("republic of maldives", "MV"),
    ("republic of mali", "ML"),
    ("republic of malta", "MT"),
    ("republic of mauritius", "MU"),
    ("republic of moldova", "MD"),
    ("republic of mozambique", "MZ"),
    ("republic of myanmar", "MM"),
    ("republic of namibia", "NA"),
    ("republic of nauru", "NR"),
    ("republic of nicaragua", "NI"),
    ("republic of north macedonia", "MK"),
    ("republic of palau", "PW"),
    ("republic of panama", "PA"),
    ("republic of paraguay", "PY"),
    ("republic of peru", "PE"),
    ("republic of poland", "PL"),
    ("republic of san marino", "SM"),
    ("republic of senegal", "SN"),
    ("republic of serbia", "RS"),
    ("republic of seychelles", "SC"),
    ("republic of sierra leone", "SL"),
    ("republic of singapore", "SG"),
    ("republic of slovenia", "SI"),
    ("republic of south africa", "ZA"),
    ("republic of south sudan", "SS"),
    ("republic of suriname", "SR"),
    ("republic of tajikistan", "TJ"),
    ("republic of the congo", "CG"),
    ("republic of the gambia", "GM"),
    ("republic of the marshall islands", "MH"),
    ("republic of the niger", "NE"),
    ("republic of the philippines", "PH"),
    ("republic of the sudan", "SD"),
    ("republic of trinidad and tobago", "TT"),
    ("republic of tunisia", "TN"),
    ("republic of turkiye", "TR"),
    ("republic of türkiye", "TR"),
    ("republic of uganda", "UG"),
    ("republic of uzbekistan", "UZ"),
    ("republic of vanuatu", "VU"),
    ("republic of yemen", "YE"),
    ("republic of zambia", "ZM"),
    ("republic of zimbabwe", "ZW"),
    ("reunion", "RE"),
    ("romania", "RO"),
    ("russia", "RU"),
    ("russian federation", "RU"),
    ("rwanda", "RW"),
    ("rwandese republic", "RW"),
    ("réunion", "RE"),
    ("saint barthelemy", "BL"),
    ("saint barthélemy", "BL"),
    ("saint helena", "SH"),
    ("saint helena, ascension and tristan da cunha", "SH"),
    ("saint kitts and nevis", "KN"),
    ("saint lucia", "LC"),
    ("saint martin", "MF"),
    ("saint martin (french part)", "MF"),
    ("saint pierre and miquelon", "PM"),
    ("saint vincent and the grenadines", "VC"),
    ("samoa", "WS"),
    ("san marino", "SM"),
    ("sao tome and principe", "ST"),
    ("saudi arabia", "SA"),
    ("senegal", "SN"),
    ("serbia", "RS"),
    ("seychelles", "SC"),
    ("sierra leone", "SL"),
    ("singapore", "SG"),
    ("sint maarten", "SX"),
    ("sint maarten (dutch part)", "SX"),
    ("slovak republic", "SK"),
    ("slovakia", "SK"),
    ("slovenia", "SI"),
    ("socialist republic of viet nam", "VN"),
    ("solomon islands", "SB"),
    ("somalia", "SO"),
    ("south africa", "ZA"),
    ("south georgia and the south sandwich islands", "GS"),
    ("south korea", "KR"),
    ("south sudan", "SS"),
    ("spain", "ES"),
    ("sri lanka", "LK"),
    ("state of israel", "IL"),
    ("state of kuwait", "KW"),
    ("state of qatar", "QA"),
    ("sudan", "SD"),
    ("sultanate of oman", "OM"),
    ("suriname", "SR"),
    ("svalbard and jan mayen", "SJ"),
    ("swaziland", "SZ"),
    ("sweden", "SE"),
    ("swiss confederation", "CH"),
    ("switzerland", "CH"),
    ("syria", "SY"),
    ("syrian arab republic", "SY"),
    ("taiwan", "TW"),
    ("taiwan (province of china)", "TW"),
    ("taiwan, province of china", "TW"),
    ("tajikistan", "TJ"),
    ("tanzania", "TZ"),
    ("tanzania, the united republic of", "TZ"),
    ("tanzania, united republic of", "TZ"),
    ("thailand", "TH"),
    ("the bahamas", "BS"),
    ("the former yugoslav republic of macedonia", "MK"),
    ("the gambia", "GM"),
    ("the netherlands", "NL"),
    ("the state of eritrea", "ER"),
    ("the state of palestine", "PS"),
    ("timor-leste", "TL"),
    ("togo", "TG"),
    ("togolese republic", "TG"),
    ("tokelau", "TK"),
    ("tonga", "TO"),
    ("trinidad and tobago", "TT"),
    ("tunisia", "TN"),
    ("turkey", "TR"),
    ("turkiye", "TR"),
    ("turkmenistan", "TM"),
    ("turks and caicos islands", "TC"),
    ("tuvalu", "TV"),
    ("türkiye", "TR"),
    ("u.k.", "GB"),
    ("u.s.", "US"),
    ("u.s. virgin islands", "VI"),
    ("u.s.a.", "US"),
    ("uganda", "UG"),
    ("uk", "GB"),
    ("ukraine", "UA"),
    ("union of the comoros", "KM"),
    ("united arab emirates", "AE"),
    ("united kingdom", "GB"),
    ("united kingdom of great britain and northern ireland", "GB"),
    ("united mexican states", "MX"),
    ("united republic of tanzania", "TZ"),
    ("united states", "US"),
    ("united states minor outlying islands", "UM"),
    ("united states of america", "US"),
    ("uruguay", "UY"),
    ("us virgin islands", "VI"),
    ("uzbekistan", "UZ"),
    ("vanuatu", "VU"),
    ("vatican", "VA"),
    ("vatican city", "VA"),
    ("vatican city state", "VA"),
    ("venezuela", "VE"),
    ("venezuela (bolivarian republic of)", "VE"),
    ("venezuela, bolivarian republic of", "VE"),
    ("viet nam", "VN"),
    ("vietnam", "VN"),
    ("virgin islands of the united states", "VI"),
    ("virgin islands, british", "VG"),
    ("virgin islands, u.s.", "VI"),
    ("wallis and futuna", "WF"),
    ("western sahara", "EH"),
    ("yemen", "YE"),
    ("zambia", "ZM"),
    ("zimbabwe", "ZW"),
    ("åland islands", "AX"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeserializeError, StrDeserializer};
    use serde::de::IntoDeserializer;
    use serde::Deserialize;
    use std::collections::HashSet;

    fn country(text: &str) -> CountryCode {
        match CountryCode::from_alpha2(text) {
            Ok(country) => country,
            Err(error) => panic!("{error}"),
        }
    }

    fn parsed(text: &str) -> Territory {
        match Territory::parse(text) {
            Ok(territory) => territory,
            Err(error) => panic!("{error}"),
        }
    }

    fn territory_error(text: &str) -> String {
        match Territory::parse(text) {
            Ok(territory) => format!("unexpectedly valid: {territory}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn table_has_249_iso_entries_and_kosovo() {
        assert_eq!(COUNTRY_ROWS.len(), 250);
        assert_eq!(all_countries().len(), 250);
        assert_eq!(
            all_countries()
                .filter(|country| country.is_officially_assigned())
                .count(),
            249
        );
        let kosovo = country("XK");
        assert_eq!(kosovo.alpha3(), "XKX");
        assert_eq!(kosovo.english_name(), "Kosovo");
    }

    #[test]
    fn tables_are_sorted_without_duplicates() {
        assert!(COUNTRY_ROWS
            .windows(2)
            .all(|pair| pair[0].alpha2 < pair[1].alpha2));
        assert!(ALPHA3_TO_ROW.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(LOWERCASE_NAME_TO_ALPHA2
            .windows(2)
            .all(|pair| pair[0].0 < pair[1].0));
    }

    #[test]
    fn codes_have_the_right_shape_and_alpha3_codes_are_unique() {
        let mut alpha3_codes = HashSet::new();
        for row in &COUNTRY_ROWS {
            assert!(
                upper_case_code::<2>(row.alpha2).is_some_and(|code| code == row.alpha2.as_bytes())
            );
            assert!(
                upper_case_code::<3>(row.alpha3).is_some_and(|code| code == row.alpha3.as_bytes())
            );
            assert!(alpha3_codes.insert(row.alpha3), "duplicate {}", row.alpha3);
            assert!(!row.english_name.is_empty());
        }
    }

    #[test]
    fn alpha3_index_points_at_the_matching_rows() {
        let mut rows_seen = HashSet::new();
        for (alpha3, row) in ALPHA3_TO_ROW {
            assert_eq!(COUNTRY_ROWS[usize::from(row)].alpha3, alpha3);
            assert!(rows_seen.insert(row));
        }
    }

    #[test]
    fn name_index_is_lower_case_and_names_known_codes() {
        for (name, alpha2) in LOWERCASE_NAME_TO_ALPHA2 {
            assert_eq!(name_key(name), name, "stored name is not a lookup key");
            assert!(find_by_alpha2(alpha2).is_some(), "{name} -> {alpha2}");
        }
    }

    #[test]
    fn every_row_round_trips_through_alpha2_alpha3_and_name() {
        for country in all_countries() {
            assert_eq!(CountryCode::from_alpha2(country.alpha2()), Ok(country));
            assert_eq!(CountryCode::from_alpha3(country.alpha3()), Ok(country));
            assert_eq!(parsed(country.alpha2()), Territory::Country(country));
            assert_eq!(parsed(country.alpha3()), Territory::Country(country));
            assert_eq!(
                parsed(country.english_name()),
                Territory::Country(country),
                "{}",
                country.english_name()
            );
            assert_eq!(
                parsed(&country.english_name().to_uppercase()),
                Territory::Country(country)
            );
            assert_eq!(
                parsed(&country.alpha2().to_lowercase()),
                Territory::Country(country)
            );
            assert_eq!(country.to_string().parse::<CountryCode>(), Ok(country));
        }
    }

    #[test]
    fn well_known_rows_are_right() {
        let expected = [
            ("GB", "GBR", "United Kingdom"),
            ("US", "USA", "United States"),
            ("DE", "DEU", "Germany"),
            ("JP", "JPN", "Japan"),
            ("KR", "KOR", "Korea, Republic of"),
            ("CI", "CIV", "Côte d'Ivoire"),
            ("AX", "ALA", "Åland Islands"),
            ("SS", "SSD", "South Sudan"),
            ("BQ", "BES", "Bonaire, Sint Eustatius and Saba"),
            ("TR", "TUR", "Türkiye"),
        ];
        for (alpha2, alpha3, english_name) in expected {
            let country = country(alpha2);
            assert_eq!(country.alpha3(), alpha3);
            assert_eq!(country.english_name(), english_name);
        }
    }

    #[test]
    fn codes_are_read_case_insensitively_with_whitespace() {
        assert_eq!(parsed(" gb "), parsed("GB"));
        assert_eq!(parsed("gbr\t"), parsed("GB"));
        assert_eq!(parsed("Gbr"), parsed("GB"));
        assert_eq!(parsed("USA"), parsed("US"));
    }

    #[test]
    fn alternative_names_from_distributor_reports() {
        let aliases = [
            ("United States of America", "US"),
            ("United Kingdom of Great Britain and Northern Ireland", "GB"),
            ("UK", "GB"),
            ("uk", "GB"),
            ("Great Britain", "GB"),
            ("Russia", "RU"),
            ("Russian Federation", "RU"),
            ("South Korea", "KR"),
            ("Korea, Republic of", "KR"),
            ("Republic of Korea", "KR"),
            ("North Korea", "KP"),
            ("Vietnam", "VN"),
            ("Viet Nam", "VN"),
            ("Czech Republic", "CZ"),
            ("Czechia", "CZ"),
            ("Turkey", "TR"),
            ("Türkiye", "TR"),
            ("Turkiye", "TR"),
            ("TÜRKIYE", "TR"),
            ("Taiwan", "TW"),
            ("Taiwan, Province of China", "TW"),
            ("Iran", "IR"),
            ("Syria", "SY"),
            ("Bolivia", "BO"),
            ("Venezuela", "VE"),
            ("Tanzania", "TZ"),
            ("Moldova", "MD"),
            ("Laos", "LA"),
            ("Brunei", "BN"),
            ("Macedonia", "MK"),
            ("North Macedonia", "MK"),
            ("Ivory Coast", "CI"),
            ("Côte d'Ivoire", "CI"),
            ("Cote d'Ivoire", "CI"),
            ("Côte d\u{2019}Ivoire", "CI"),
            ("Hong Kong", "HK"),
            ("Macau", "MO"),
            ("Macao", "MO"),
            ("Palestine", "PS"),
            ("Netherlands", "NL"),
            ("The Netherlands", "NL"),
            ("Netherlands (the)", "NL"),
            ("Swaziland", "SZ"),
            ("Eswatini", "SZ"),
            ("Cape Verde", "CV"),
            ("Cabo Verde", "CV"),
            ("Burma", "MM"),
            ("Myanmar", "MM"),
            ("Vatican", "VA"),
            ("Holy See", "VA"),
            ("Micronesia", "FM"),
            ("Kosovo", "XK"),
            ("Aland Islands", "AX"),
            ("Reunion", "RE"),
            ("Curacao", "CW"),
            ("the Gambia", "GM"),
            ("The United States", "US"),
            ("  united   kingdom  ", "GB"),
            ("Democratic Republic of the Congo", "CD"),
            ("Republic of the Congo", "CG"),
            ("Congo", "CG"),
        ];
        for (text, alpha2) in aliases {
            assert_eq!(parsed(text), Territory::Country(country(alpha2)), "{text}");
        }
    }

    #[test]
    fn worldwide_spellings() {
        for text in [
            "WW",
            "ww",
            "WORLD",
            "World",
            "Worldwide",
            "worldwide",
            " WorldWide ",
        ] {
            assert_eq!(parsed(text), Territory::Worldwide, "{text}");
        }
        assert_eq!(Territory::Worldwide.to_string(), "WW");
        assert_eq!(Territory::Worldwide.alpha2(), "WW");
        assert_eq!(Territory::Worldwide.alpha3(), None);
        assert_eq!(Territory::Worldwide.english_name(), "Worldwide");
        assert!(Territory::Worldwide.is_worldwide());
        assert!(Territory::Worldwide.includes(country("FR")));
    }

    #[test]
    fn codes_left_out_on_purpose_are_refused() {
        // ZZ is "unknown" in some reports, not a territory; EU is not a country.
        for text in ["ZZ", "EU", "multi", "XX", "UKR1"] {
            assert!(Territory::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn territory_accessors_and_display() {
        let germany = parsed("Germany");
        assert_eq!(germany.to_string(), "DE");
        assert_eq!(germany.alpha2(), "DE");
        assert_eq!(germany.alpha3(), Some("DEU"));
        assert_eq!(germany.english_name(), "Germany");
        assert_eq!(germany.country(), Some(country("DE")));
        assert!(!germany.is_worldwide());
        assert!(germany.includes(country("DE")));
        assert!(!germany.includes(country("AT")));
        assert_eq!(Territory::from(country("DE")), germany);
        assert_eq!("deu".parse::<Territory>(), Ok(germany));
        assert_eq!(format!("{:?}", country("DE")), "CountryCode(DE)");
    }

    #[test]
    fn countries_order_alphabetically_by_alpha2() {
        assert!(country("AD") < country("AE"));
        assert!(country("GB") < country("US"));
        assert!(Territory::Worldwide < Territory::Country(country("AD")));
    }

    #[test]
    fn unknown_and_empty_territories_are_refused_by_name() {
        assert_eq!(
            territory_error("Narnia"),
            "territory \"Narnia\" is not an ISO 3166-1 alpha-2 or alpha-3 code, a known English country name, or WW/Worldwide"
        );
        assert_eq!(
            territory_error(" QQ "),
            "territory \"QQ\" is not an ISO 3166-1 alpha-2 or alpha-3 code, a known English country name, or WW/Worldwide"
        );
        assert_eq!(
            territory_error(""),
            "territory is empty; expected an ISO 3166-1 code (GB or GBR), an English country name, or WW for worldwide"
        );
    }

    #[test]
    fn strict_code_readers_name_the_code() {
        assert_eq!(
            CountryCode::from_alpha2("UK").map_err(|error| error.to_string()),
            Err(
                "country code \"UK\" is not an ISO 3166-1 alpha-2 code (two letters, such as GB)"
                    .to_owned()
            )
        );
        assert_eq!(
            CountryCode::from_alpha3("GB").map_err(|error| error.to_string()),
            Err("country code \"GB\" is not an ISO 3166-1 alpha-3 code (three letters, such as GBR)".to_owned())
        );
        assert_eq!(
            CountryCode::parse("Worldwide").map_err(|error| error.to_string()),
            Err(
                "territory \"Worldwide\" means worldwide, but a single country is needed here"
                    .to_owned()
            )
        );
        assert_eq!(CountryCode::parse("UK"), Ok(country("GB")));
    }

    #[test]
    fn serde_reads_any_spelling_and_validates() {
        let deserializer: StrDeserializer<DeserializeError> = "United Kingdom".into_deserializer();
        assert_eq!(
            Territory::deserialize(deserializer),
            Ok(Territory::Country(country("GB")))
        );
        let deserializer: StrDeserializer<DeserializeError> = "WW".into_deserializer();
        assert_eq!(
            Territory::deserialize(deserializer),
            Ok(Territory::Worldwide)
        );
        let deserializer: StrDeserializer<DeserializeError> = "Atlantis".into_deserializer();
        assert!(Territory::deserialize(deserializer).is_err());
        let deserializer: StrDeserializer<DeserializeError> = "fr".into_deserializer();
        assert_eq!(CountryCode::deserialize(deserializer), Ok(country("FR")));
    }
}
