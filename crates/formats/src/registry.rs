//! The built-in layouts (compiled in from `crates/formats/mappings/`) and user mappings.

use std::path::Path;

use crate::mapping::{MappingError, MappingFile};

/// Built-in mapping files: (file name, text). Adding a layout is adding a file here and in
/// `mappings/`; `docs/formats.md` lists them.
const BUILT_IN: &[(&str, &str)] = &[
    ("amuse-financial-statement.toml", include_str!("../mappings/amuse-financial-statement.toml")),
    ("apple-sales.toml", include_str!("../mappings/apple-sales.toml")),
    ("bandcamp-sales-report.toml", include_str!("../mappings/bandcamp-sales-report.toml")),
    ("beatport-statement.toml", include_str!("../mappings/beatport-statement.toml")),
    ("believe-financial-report.toml", include_str!("../mappings/believe-financial-report.toml")),
    ("cdbaby-accounting.toml", include_str!("../mappings/cdbaby-accounting.toml")),
    ("distrokid-bank-details.toml", include_str!("../mappings/distrokid-bank-details.toml")),
    ("distrokid-bank-details-older.toml", include_str!("../mappings/distrokid-bank-details-older.toml")),
    ("fuga-royalty-product-and-asset.toml", include_str!("../mappings/fuga-royalty-product-and-asset.toml")),
    ("orchard-statement.toml", include_str!("../mappings/orchard-statement.toml")),
    ("symphonic-earnings-detail.toml", include_str!("../mappings/symphonic-earnings-detail.toml")),
    ("tunecore-sales-report.toml", include_str!("../mappings/tunecore-sales-report.toml")),
    ("youtube-asset-raw.toml", include_str!("../mappings/youtube-asset-raw.toml")),
];

/// The layouts an import may be read as.
#[derive(Clone, Debug)]
pub struct Registry {
    mappings: Vec<MappingFile>,
}

impl Registry {
    /// Every built-in layout. Panics only if a built-in mapping is invalid, which the test
    /// suite rules out (`every_built_in_mapping_is_valid`).
    pub fn built_in() -> Registry {
        let mappings = BUILT_IN
            .iter()
            .map(|(name, text)| MappingFile::parse(text, name).unwrap_or_else(|error| panic!("built-in mapping {name}: {error}")))
            .collect();
        Registry { mappings }
    }

    /// Only the user's mapping: `--mapping FILE`.
    pub fn from_user_mapping(path: &Path) -> Result<Registry, MappingError> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|error| MappingError::Toml { file: label.clone(), message: format!("cannot read: {error}") })?;
        Ok(Registry { mappings: vec![MappingFile::parse(&text, &label)?] })
    }

    /// Keeps the layouts of one source family (`--source fuga`); `None` if there is none.
    pub fn restricted_to_source(&self, source: &str) -> Option<Registry> {
        let wanted = source.trim().to_ascii_lowercase();
        let mappings: Vec<MappingFile> =
            self.mappings.iter().filter(|mapping| mapping.source.eq_ignore_ascii_case(&wanted)).cloned().collect();
        (!mappings.is_empty()).then_some(Registry { mappings })
    }

    pub fn mappings(&self) -> &[MappingFile] {
        &self.mappings
    }

    /// Source names, sorted and unique, for messages and docs.
    pub fn source_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.mappings.iter().map(|mapping| mapping.source.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_mapping_is_valid() {
        for (name, text) in BUILT_IN {
            if let Err(error) = MappingFile::parse(text, name) {
                panic!("{error}");
            }
        }
        assert_eq!(Registry::built_in().mappings().len(), BUILT_IN.len());
    }

    #[test]
    fn built_in_file_names_match_their_layouts() {
        for mapping in Registry::built_in().mappings() {
            let expected = format!("{}-{}.toml", mapping.source, mapping.layout);
            assert!(BUILT_IN.iter().any(|(name, _)| *name == expected), "{expected}");
        }
    }
}
