//! The identifiers the catalog knows, loaded once per import to count matched lines.

use std::collections::HashSet;

use ledgerline_formats::SaleLine;
use ledgerline_store::{Ledger, StoreError};

/// ISRCs, product codes, catalog numbers and alias values of the catalog.
#[derive(Clone, Debug, Default)]
pub struct CatalogIndex {
    isrcs: HashSet<String>,
    product_codes: HashSet<String>,
    catalog_numbers: HashSet<String>,
    aliases: HashSet<String>,
}

impl CatalogIndex {
    pub fn load(ledger: &Ledger) -> Result<CatalogIndex, StoreError> {
        let connection = ledger.connection();
        let strings = |sql: &str| -> Result<HashSet<String>, StoreError> {
            let mut statement = connection.prepare(sql)?;
            let values = statement.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<_, _>>()?;
            Ok(values)
        };
        Ok(CatalogIndex {
            isrcs: strings("SELECT isrc FROM tracks WHERE isrc IS NOT NULL")?,
            product_codes: strings("SELECT icpn FROM releases WHERE icpn IS NOT NULL")?,
            catalog_numbers: strings("SELECT upper(catalog_number) FROM releases WHERE catalog_number IS NOT NULL AND catalog_number <> ''")?,
            aliases: strings("SELECT value FROM aliases")?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.isrcs.is_empty() && self.product_codes.is_empty() && self.catalog_numbers.is_empty() && self.aliases.is_empty()
    }

    /// Whether the catalog has a track with this ISRC.
    pub fn knows_isrc(&self, isrc: &str) -> bool {
        !isrc.is_empty() && self.isrcs.contains(isrc)
    }

    /// ISRC first, then the product code, then the catalog number, then any alias.
    pub fn matches(&self, line: &SaleLine) -> bool {
        if line.isrc.as_ref().is_some_and(|isrc| self.isrcs.contains(isrc.as_str())) {
            return true;
        }
        if line.upc.as_ref().is_some_and(|upc| self.product_codes.contains(upc.as_str())) {
            return true;
        }
        if !line.catalog_number.is_empty() && !self.catalog_numbers.is_empty() {
            // Catalog numbers are compared upper-cased; most already are, and this runs once
            // per report line, so only the others are copied.
            let number = &line.catalog_number;
            let known = if number.bytes().any(|byte| byte.is_ascii_lowercase()) || !number.is_ascii() {
                self.catalog_numbers.contains(&number.to_uppercase())
            } else {
                self.catalog_numbers.contains(number.as_str())
            };
            if known {
                return true;
            }
        }
        !self.aliases.is_empty()
            && [&line.proprietary_id, &line.reported_isrc, &line.reported_upc, &line.catalog_number]
                .iter()
                .any(|value| !value.is_empty() && self.aliases.contains(value.as_str()))
    }
}
