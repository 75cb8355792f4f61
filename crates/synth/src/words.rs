//! Small word lists from which names and titles are built. Musical on purpose: a demo label
//! whose artists are called "Lorem Ipsum" teaches nobody anything about their own data.

use crate::random::Random;

pub const FIRST_NAMES: &[&str] = &[
    "Ada", "Alba", "Anouk", "Astrid", "Bram", "Camille", "Clara", "Dario", "Elif", "Elin",
    "Emil", "Esme", "Femke", "Finn", "Freya", "Gaspard", "Greta", "Hugo", "Ida", "Ines",
    "Isak", "Jonas", "Juno", "Klara", "Lars", "Lena", "Léa", "Linnea", "Lotte", "Luca",
    "Maja", "Malik", "Margot", "Mateo", "Mila", "Nils", "Noor", "Oskar", "Rosa", "Ruben",
    "Saoirse", "Sami", "Selma", "Sven", "Tamsin", "Theo", "Vera", "Wren", "Yara", "Zoé",
];

pub const LAST_NAMES: &[&str] = &[
    "Aalto", "Bakker", "Bergström", "Blackwood", "Brennan", "Castell", "Dekker", "Duval",
    "Engel", "Falk", "Fontaine", "Gallagher", "Hartmann", "Holm", "Jansen", "Keller", "Kowalski",
    "Lindqvist", "Marchetti", "Moreau", "Nieminen", "Novak", "Okafor", "Petit", "Quinn",
    "Reyes", "Rossi", "Sandberg", "Schneider", "Sørensen", "Thorne", "Varga", "Visser",
    "Weber", "Whitfield", "Winter", "Young", "Zeller",
];

pub const ADJECTIVES: &[&str] = &[
    "Amber", "Blue", "Borrowed", "Broken", "Bright", "Cold", "Crimson", "Distant", "Electric",
    "Empty", "Faded", "Falling", "Golden", "Hollow", "Infinite", "Last", "Late", "Lonely",
    "Lost", "Midnight", "Neon", "Northern", "Paper", "Quiet", "Restless", "Secret", "Silver",
    "Slow", "Small", "Southern", "Static", "Summer", "Velvet", "Violet", "Wild", "Winter",
];

pub const NOUNS: &[&str] = &[
    "Anchor", "Atlas", "Avenue", "Ballroom", "Beacon", "Bridges", "Canyon", "Cathedral",
    "Chorus", "Circles", "Coastline", "Comet", "Daylight", "Echo", "Embers", "Fever", "Fields",
    "Garden", "Harbour", "Heartbeat", "Horizon", "Island", "Lanterns", "Lighthouse", "Meridian",
    "Mirrors", "Moonlight", "Motel", "Orchard", "Parade", "Radio", "Rivers", "Satellites",
    "Season", "Signal", "Skyline", "Streetlights", "Swallows", "Tides", "Thunder", "Valley",
    "Waves", "Window",
];

pub const BAND_NOUNS: &[&str] = &[
    "Architects", "Cartographers", "Comets", "Foxes", "Lanterns", "Lighthouses", "Magpies",
    "Mariners", "Owls", "Pilots", "Ravens", "Satellites", "Sparrows", "Strangers", "Swimmers",
    "Tigers", "Wolves",
];

/// Verbs in the gerund, for titles like "Chasing Satellites".
pub const GERUNDS: &[&str] = &[
    "Chasing", "Counting", "Dancing", "Dreaming", "Drifting", "Falling", "Holding", "Leaving",
    "Running", "Sailing", "Waiting", "Walking",
];

pub const LABEL_SUFFIXES: &[&str] = &["Records", "Recordings", "Music", "Sound"];

pub const TRACK_VERSIONS: &[&str] =
    &["Radio Edit", "Acoustic", "Extended Mix", "Live", "Remastered", "Instrumental"];

/// Picks a word; the lists are non-empty constants, so the fallback is never used.
pub fn word(random: &mut Random, list: &'static [&'static str]) -> &'static str {
    random.pick(list).copied().unwrap_or("Untitled")
}

/// A person's full name, e.g. "Astrid Holm".
pub fn person_name(random: &mut Random) -> String {
    format!("{} {}", word(random, FIRST_NAMES), word(random, LAST_NAMES))
}

/// A band name, e.g. "The Paper Foxes" or "Velvet Harbour".
pub fn band_name(random: &mut Random) -> String {
    match random.below(3) {
        0 => format!("The {} {}", word(random, ADJECTIVES), word(random, BAND_NOUNS)),
        1 => format!("{} {}", word(random, ADJECTIVES), word(random, NOUNS)),
        _ => format!("{} & the {}", word(random, FIRST_NAMES), word(random, BAND_NOUNS)),
    }
}

/// A song or record title, e.g. "Chasing Satellites", "Harbour of Embers", "Neon Tides".
pub fn title(random: &mut Random) -> String {
    match random.below(6) {
        0 => format!("{} {}", word(random, GERUNDS), word(random, NOUNS)),
        1 => format!("{} of {}", word(random, NOUNS), word(random, NOUNS)),
        2 => format!("The {}", word(random, NOUNS)),
        3 => format!("{} {}", word(random, ADJECTIVES), word(random, NOUNS)),
        4 => format!("{} in the {}", word(random, NOUNS), word(random, NOUNS)),
        _ => format!("{} {} {}", word(random, ADJECTIVES), word(random, NOUNS), word(random, NOUNS)),
    }
}

/// Lower-case ASCII letters of a name, for e-mail addresses and identifiers
/// ("Léa Sørensen" gives "leasorensen"; the separator is the caller's).
pub fn ascii_slug(name: &str, separator: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut pending_separator = false;
    for character in name.chars() {
        let folded = match character {
            'é' | 'è' | 'ê' | 'É' => 'e',
            'ø' | 'ö' | 'ó' | 'Ø' | 'Ö' => 'o',
            'å' | 'ä' | 'á' | 'Å' | 'Ä' => 'a',
            'ü' | 'ú' | 'Ü' => 'u',
            'í' | 'ï' => 'i',
            other => other,
        };
        if folded.is_ascii_alphanumeric() {
            if pending_separator && !slug.is_empty() {
                slug.push_str(separator);
            }
            pending_separator = false;
            slug.push(folded.to_ascii_lowercase());
        } else {
            pending_separator = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents_and_separate_words() {
        assert_eq!(ascii_slug("Léa Sørensen", "."), "lea.sorensen");
        assert_eq!(ascii_slug("Ada & the Owls", "-"), "ada-the-owls");
        assert_eq!(ascii_slug("Zoé Bergström", ""), "zoebergstrom");
    }
}
