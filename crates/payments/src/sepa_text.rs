//! Text as SEPA banks accept it: the EPC Latin character set, schema lengths, identifier rules.
//!
//! The EPC rulebook guarantees only this set end to end (EPC217-08):
//! `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space. Some banks accept more (the German extended
//! set with umlauts and `&`), but a file that one bank takes and the next refuses is worse
//! than a name without its accents, so names and remittance text are reduced to the basic set:
//! accented Latin letters lose their accents (é → e, ß → ss, æ → ae, Ł → L), a few signs get
//! their nearest allowed sign (& → +, _ → -, typographic quotes → ', dashes → -), and anything
//! else becomes a space. Runs of spaces are collapsed and the ends trimmed, then the text is cut
//! to the schema's length. Identifiers are never changed: one that breaks the rules is refused,
//! because an altered identifier no longer matches the records it identifies.

/// `Nm` of a party: the schema allows 140, the EPC rulebook 70.
pub const MAXIMUM_NAME_LENGTH: usize = 70;
/// `RmtInf/Ustrd`: one occurrence of 140 characters.
pub const MAXIMUM_REMITTANCE_LENGTH: usize = 140;
/// `MsgId`, `PmtInfId`, `EndToEndId`.
pub const MAXIMUM_IDENTIFIER_LENGTH: usize = 35;

/// Whether `character` is in the EPC basic Latin character set.
pub fn is_sepa_character(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '/' | '-' | '?' | ':' | '(' | ')' | '.' | ',' | '\'' | '+' | ' ')
}

/// The replacement of a character outside the set: its unaccented form, its nearest allowed
/// sign, or `None` (it becomes a space).
fn replacement(character: char) -> Option<&'static str> {
    let replaced = match character {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'Æ' => "AE",
        'æ' => "ae",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'Ð' | 'Ď' | 'Đ' => "D",
        'ð' | 'ď' | 'đ' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'Ĥ' | 'Ħ' => "H",
        'ĥ' | 'ħ' => "h",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'Ĳ' => "IJ",
        'ĳ' => "ij",
        'Ĵ' => "J",
        'ĵ' => "j",
        'Ķ' => "K",
        'ķ' => "k",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' | 'Ŋ' => "N",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŋ' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'Œ' => "OE",
        'œ' => "oe",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ẞ' => "SS",
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "T",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'Þ' => "TH",
        'þ' => "th",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'Ŵ' => "W",
        'ŵ' => "w",
        'Ý' | 'Ÿ' | 'Ŷ' => "Y",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ź' | 'ż' | 'ž' => "z",
        '&' => "+",
        '_' | '‐' | '‑' | '‒' | '–' | '—' | '−' => "-",
        '’' | '‘' | '‚' | '′' | '`' | '´' | '"' | '“' | '”' | '„' | '«' | '»' => "'",
        '€' => "EUR",
        _ => return None,
    };
    Some(replaced)
}

/// `text` in the EPC basic Latin set (see the module documentation), at most `maximum_length`
/// characters, without leading, trailing or repeated spaces. May be empty.
pub fn to_sepa_text(text: &str, maximum_length: usize) -> String {
    let mut converted = String::with_capacity(text.len());
    for character in text.chars() {
        if is_sepa_character(character) {
            converted.push(character);
        } else {
            converted.push_str(replacement(character).unwrap_or(" "));
        }
    }
    let collapsed = converted.split(' ').filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ");
    // Every character is ASCII now, so a byte index is a character index.
    let mut cut = collapsed[..collapsed.len().min(maximum_length)].to_string();
    cut.truncate(cut.trim_end().len());
    cut
}

/// Why an identifier (MsgId, PmtInfId, EndToEndId) is not acceptable, or `None` if it is: 1 to
/// 35 characters of the basic set, not starting or ending with `/` or a space, without `//`.
pub fn identifier_problem(identifier: &str) -> Option<String> {
    let length = identifier.chars().count();
    if length == 0 {
        return Some("is empty".to_string());
    }
    if length > MAXIMUM_IDENTIFIER_LENGTH {
        return Some(format!("has {length} characters; at most {MAXIMUM_IDENTIFIER_LENGTH} are allowed"));
    }
    if let Some(character) = identifier.chars().find(|character| !is_sepa_character(*character)) {
        return Some(format!(
            "contains {character:?}; only letters A-Z, digits and / - ? : ( ) . , ' + and space are allowed"
        ));
    }
    if identifier.starts_with('/') || identifier.ends_with('/') {
        return Some("starts or ends with '/'".to_string());
    }
    if identifier.contains("//") {
        return Some("contains '//'".to_string());
    }
    if identifier.starts_with(' ') || identifier.ends_with(' ') {
        return Some("starts or ends with a space".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_are_removed_and_signs_replaced() {
        assert_eq!(to_sepa_text("Béatrice Straße", 70), "Beatrice Strasse");
        assert_eq!(to_sepa_text("Łukasz Żółć & Søren Ærø", 70), "Lukasz Zolc + Soren AEro");
        assert_eq!(to_sepa_text("“Quoted” – <b>bold</b>", 70), "'Quoted' - b bold /b");
        assert_eq!(to_sepa_text("Tab\there  二重 x", 70), "Tab here x");
    }

    #[test]
    fn text_is_cut_at_the_length_without_a_trailing_space() {
        assert_eq!(to_sepa_text("abc def", 4), "abc");
        assert_eq!(to_sepa_text("abcdef", 4), "abcd");
        assert_eq!(to_sepa_text("ß", 1), "s");
        assert_eq!(to_sepa_text("   ", 10), "");
    }

    #[test]
    fn identifiers_follow_the_sepa_pattern() {
        assert_eq!(identifier_problem("LL-2026-H1/0001"), None);
        assert_eq!(identifier_problem("").as_deref(), Some("is empty"));
        assert!(identifier_problem(&"A".repeat(36)).unwrap().contains("36 characters"));
        assert!(identifier_problem("a_b").unwrap().contains("'_'"));
        assert!(identifier_problem("/ab").unwrap().contains("'/'"));
        assert!(identifier_problem("a//b").unwrap().contains("'//'"));
        assert!(identifier_problem("ab ").unwrap().contains("space"));
    }
}
