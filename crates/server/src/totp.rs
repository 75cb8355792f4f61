//! Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 30-second steps, six
//! digits, the form every authenticator app reads from an `otpauth://` link. One step either
//! side is accepted for clock drift, and a step once used is not accepted again.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: u64 = 30;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub fn base32_encode(bytes: &[u8]) -> String {
    let mut text = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            text.push(BASE32[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        text.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    text
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for character in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = BASE32
            .iter()
            .position(|&b| b as char == character.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bytes.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Some(bytes)
}

/// A new secret (20 random bytes, as RFC 4226 recommends), in base32.
pub fn new_secret() -> String {
    base32_encode(&crate::users::random_bytes::<20>())
}

/// The code of `secret` at time step `step`.
pub fn code_at(secret: &[u8], step: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let number = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    number % 1_000_000
}

pub fn current_step() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
        / STEP_SECONDS
}

/// The step `code` is valid for (now, or one step either side), if any and later than
/// `last_used`.
pub fn accepted_step(
    secret_base32: &str,
    code: &str,
    now_step: u64,
    last_used: u64,
) -> Option<u64> {
    let secret = base32_decode(secret_base32)?;
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    [now_step.saturating_sub(1), now_step, now_step + 1]
        .into_iter()
        .find(|&step| step > last_used && code_at(&secret, step) == wanted)
}

/// The link authenticator apps read (usually from a QR code; here shown as text).
pub fn otpauth_uri(label: &str, email: &str, secret: &str) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        encode(label),
        encode(email),
        encode(label)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890", truncated to six digits.
        let key = b"12345678901234567890";
        assert_eq!(code_at(key, 59 / 30), 287_082);
        assert_eq!(code_at(key, 1_111_111_109 / 30), 81_804);
        assert_eq!(code_at(key, 1_234_567_890 / 30), 5_924);
        assert_eq!(code_at(key, 20_000_000_000 / 30), 353_130);
    }

    #[test]
    fn base32_round_trips_and_replay_is_refused() {
        let secret = new_secret();
        let bytes = base32_decode(&secret).unwrap();
        assert_eq!(base32_encode(&bytes), secret);
        let code = format!("{:06}", code_at(&bytes, 1000));
        assert_eq!(accepted_step(&secret, &code, 1000, 0), Some(1000));
        assert_eq!(accepted_step(&secret, &code, 1001, 0), Some(1000));
        assert_eq!(
            accepted_step(&secret, &code, 1000, 1000),
            None,
            "a used step is not accepted again"
        );
        assert_eq!(accepted_step(&secret, &code, 1003, 0), None);
        assert_eq!(accepted_step(&secret, "12345", 1000, 0), None);
    }
}
