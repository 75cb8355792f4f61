//! Users, passwords, invitations, API tokens and second factors, stored in the ledger.
//!
//! Passwords are hashed with Argon2id (19 MiB, t = 2, p = 1: the OWASP minimum) into PHC
//! strings; a password is refused when it is short or easy to guess (zxcvbn's estimate, which
//! knows the common-password lists). Tokens (sessions, invitations, API tokens) are 32 random
//! bytes; the ledger keeps only their SHA-256, so a copy of the database opens no door.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use ledgerline_store::{utc_timestamp_in, utc_timestamp_now, Ledger};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::PortalError;

/// Argon2id memory in KiB (19 MiB), iterations and lanes.
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
pub const ARGON2_ITERATIONS: u32 = 2;
pub const ARGON2_LANES: u32 = 1;
/// The shortest password accepted.
pub const MINIMUM_PASSWORD_LENGTH: usize = 10;
/// How long an invitation link stays valid.
pub const INVITATION_SECONDS: u64 = 7 * 24 * 3600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Staff,
    Payee,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "admin" => Some(Role::Admin),
            "staff" => Some(Role::Staff),
            "payee" => Some(Role::Payee),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Payee => "payee",
        }
    }
}

/// A signed-in user and what they may see.
#[derive(Clone, Debug, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// The payee a payee user is (`None` for label users).
    pub payee: Option<String>,
    /// Staff: every payee, or only `grants`.
    pub all_payees: bool,
    pub grants: Vec<String>,
    pub totp: bool,
}

impl User {
    /// Whether this user may see the statements, documents, lines and payments of `payee`.
    pub fn may_see_payee(&self, payee: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Staff => self.all_payees || self.grants.iter().any(|granted| granted == payee),
            Role::Payee => self.payee.as_deref() == Some(payee),
        }
    }

    pub fn is_label(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Staff)
    }
}

/// What a new user is.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub role: Role,
    pub payee: Option<&'a str>,
    pub all_payees: bool,
    pub grants: &'a [String],
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_LANES, None)
        .expect("constant Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
}

/// A new random token, URL-safe.
pub fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Why a password is refused, or `None` when it is acceptable.
pub fn password_problem(password: &str, email: &str) -> Option<String> {
    if password.chars().count() < MINIMUM_PASSWORD_LENGTH {
        return Some(format!(
            "a password needs at least {MINIMUM_PASSWORD_LENGTH} characters"
        ));
    }
    if password.len() > 1024 {
        return Some("a password may have at most 1024 bytes".to_string());
    }
    let lowered = password.to_lowercase();
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if lowered.contains(&email.to_lowercase()) || (local.len() >= 4 && lowered.contains(&local)) {
        return Some("a password must not contain your email address".to_string());
    }
    let user_inputs: Vec<&str> = email
        .split(['@', '.'])
        .filter(|part| !part.is_empty())
        .collect();
    let estimate = zxcvbn::zxcvbn(password, &user_inputs);
    if (estimate.score() as u8) < 3 {
        return Some("this password is too common or too easy to guess: use a longer phrase of unrelated words".to_string());
    }
    None
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes make a valid salt");
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id hashing with valid parameters cannot fail")
        .to_string()
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => argon2().verify_password(password.as_bytes(), &hash).is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the account does not exist, so that an unknown email costs
/// the same time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that no account has"))
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn check_new_user(ledger: &Ledger, user: &NewUser<'_>) -> Result<(), PortalError> {
    if !valid_email(user.email) {
        return Err(PortalError::invalid(format!(
            "\"{}\" is not an email address",
            user.email
        )));
    }
    match (user.role, user.payee) {
        (Role::Payee, None) => {
            return Err(PortalError::invalid(
                "a payee user needs the payee they are (--payee ID)",
            ))
        }
        (Role::Admin | Role::Staff, Some(_)) => {
            return Err(PortalError::invalid(
                "only payee users belong to a payee; give staff --grant PAYEE",
            ))
        }
        _ => {}
    }
    for payee in user
        .payee
        .iter()
        .copied()
        .chain(user.grants.iter().map(String::as_str))
    {
        let known: bool = ledger.connection().query_row(
            "SELECT EXISTS (SELECT 1 FROM parties WHERE id = ?1)",
            [payee],
            |row| row.get(0),
        )?;
        if !known {
            return Err(PortalError::invalid(format!(
                "no party {payee} in the catalog"
            )));
        }
    }
    let taken: bool = ledger.connection().query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1)",
        [user.email],
        |row| row.get(0),
    )?;
    if taken {
        return Err(PortalError::invalid(format!(
            "{} already has an account",
            user.email
        )));
    }
    Ok(())
}

/// Adds a user with a password (already checked by [`password_problem`]).
pub fn add_user(
    ledger: &mut Ledger,
    user: &NewUser<'_>,
    password_hash: &str,
) -> Result<i64, PortalError> {
    check_new_user(ledger, user)?;
    let transaction = ledger.connection_mut().transaction()?;
    transaction.execute(
        "INSERT INTO users (email, role, payee_id, password_hash, created_at, all_payees) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![user.email, user.role.name(), user.payee, password_hash, utc_timestamp_now(), user.all_payees],
    )?;
    let id = transaction.last_insert_rowid();
    for payee in user.grants {
        transaction.execute(
            "INSERT OR IGNORE INTO staff_grants (user_id, payee_id) VALUES (?1, ?2)",
            params![id, payee],
        )?;
    }
    transaction.commit()?;
    Ok(id)
}

/// id, email, role, payee, all_payees, TOTP secret.
type UserRow = (i64, String, String, Option<String>, bool, Option<String>);

/// An open invitation: email, role, payee, all_payees.
pub type Invitation = (String, Role, Option<String>, bool);

fn user_from_row(ledger: &Ledger, row: UserRow) -> Result<User, PortalError> {
    let (id, email, role, payee, all_payees, totp) = row;
    let role = Role::parse(&role)
        .ok_or_else(|| PortalError::Internal(format!("user {id} has the unknown role {role}")))?;
    let mut statement = ledger
        .connection()
        .prepare_cached("SELECT payee_id FROM staff_grants WHERE user_id = ?1 ORDER BY payee_id")?;
    let grants = statement
        .query_map([id], |row| row.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(User {
        id,
        email,
        role,
        payee,
        all_payees,
        grants,
        totp: totp.is_some(),
    })
}

const USER_COLUMNS: &str = "id, email, role, payee_id, all_payees, totp_secret";

fn read_user(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

pub fn user_by_id(ledger: &Ledger, id: i64) -> Result<Option<User>, PortalError> {
    let row = ledger
        .connection()
        .query_row(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
            [id],
            read_user,
        )
        .optional()?;
    row.map(|row| user_from_row(ledger, row)).transpose()
}

/// The user with `email` and their password hash.
pub fn user_by_email(ledger: &Ledger, email: &str) -> Result<Option<(User, String)>, PortalError> {
    let row = ledger
        .connection()
        .query_row(
            &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = ?1"),
            [email],
            |row| Ok((read_user(row)?, row.get::<_, String>(6)?)),
        )
        .optional()?;
    row.map(|(row, hash)| Ok((user_from_row(ledger, row)?, hash)))
        .transpose()
}

pub fn list_users(ledger: &Ledger) -> Result<Vec<User>, PortalError> {
    let mut statement = ledger
        .connection()
        .prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))?;
    let rows = statement
        .query_map([], read_user)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|row| user_from_row(ledger, row))
        .collect()
}

/// A one-time invitation; returns the token to put in the link.
pub fn invite(
    ledger: &Ledger,
    invitation: &NewUser<'_>,
    created_by: i64,
) -> Result<String, PortalError> {
    check_new_user(ledger, invitation)?;
    if invitation.role == Role::Staff && !invitation.grants.is_empty() {
        return Err(PortalError::invalid(
            "invite staff for every payee; narrow their grants with `ledgerline users` afterwards",
        ));
    }
    let token = new_token();
    ledger.connection().execute(
        "INSERT INTO invitations (token_sha256, email, role, payee_id, all_payees, created_by, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            token_hash(&token),
            invitation.email,
            invitation.role.name(),
            invitation.payee,
            invitation.all_payees,
            created_by,
            utc_timestamp_now(),
            utc_timestamp_in(INVITATION_SECONDS)
        ],
    )?;
    Ok(token)
}

/// An invitation that can still be used: (email, role, payee, all_payees).
pub fn open_invitation(ledger: &Ledger, token: &str) -> Result<Option<Invitation>, PortalError> {
    let row = ledger
        .connection()
        .query_row(
            "SELECT email, role, payee_id, all_payees FROM invitations WHERE token_sha256 = ?1 AND used_at IS NULL AND expires_at > ?2",
            params![token_hash(token), utc_timestamp_now()],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Option<String>>(2)?, row.get::<_, bool>(3)?)),
        )
        .optional()?;
    Ok(row.and_then(|(email, role, payee, all)| {
        Role::parse(&role).map(|role| (email, role, payee, all))
    }))
}

/// Uses an invitation: creates the user with `password_hash`, once.
pub fn accept_invitation(
    ledger: &mut Ledger,
    token: &str,
    password_hash: &str,
) -> Result<i64, PortalError> {
    let (email, role, payee, all_payees) = open_invitation(ledger, token)?
        .ok_or_else(|| PortalError::invalid("this invitation link is not valid any more"))?;
    let used = ledger.connection().execute(
        "UPDATE invitations SET used_at = ?1 WHERE token_sha256 = ?2 AND used_at IS NULL",
        params![utc_timestamp_now(), token_hash(token)],
    )?;
    if used != 1 {
        return Err(PortalError::invalid(
            "this invitation link is not valid any more",
        ));
    }
    add_user(
        ledger,
        &NewUser {
            email: &email,
            role,
            payee: payee.as_deref(),
            all_payees,
            grants: &[],
        },
        password_hash,
    )
}

/// A new API token for `user_id`; returns the token, shown once.
pub fn create_api_token(ledger: &Ledger, user_id: i64, name: &str) -> Result<String, PortalError> {
    let token = format!("llk_{}", new_token());
    ledger.connection().execute(
        "INSERT INTO api_tokens (token_sha256, name, user_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash(&token), name, user_id, utc_timestamp_now()],
    )?;
    Ok(token)
}

/// The label user an API token belongs to.
pub fn user_by_api_token(ledger: &Ledger, token: &str) -> Result<Option<User>, PortalError> {
    let id: Option<i64> = ledger
        .connection()
        .query_row(
            "SELECT user_id FROM api_tokens WHERE token_sha256 = ?1 AND revoked_at IS NULL",
            [token_hash(token)],
            |row| row.get(0),
        )
        .optional()?;
    match id {
        Some(id) => Ok(user_by_id(ledger, id)?.filter(User::is_label)),
        None => Ok(None),
    }
}

pub fn totp_secret(ledger: &Ledger, user_id: i64) -> Result<Option<(String, i64)>, PortalError> {
    Ok(ledger
        .connection()
        .query_row(
            "SELECT totp_secret, totp_last_step FROM users WHERE id = ?1",
            [user_id],
            |row| Ok((row.get::<_, Option<String>>(0)?, row.get(1)?)),
        )
        .optional()?
        .and_then(|(secret, step)| secret.map(|secret| (secret, step))))
}

pub fn set_totp(
    ledger: &Ledger,
    user_id: i64,
    secret: Option<&str>,
    last_step: i64,
) -> Result<(), PortalError> {
    ledger.connection().execute(
        "UPDATE users SET totp_secret = ?1, totp_last_step = ?2 WHERE id = ?3",
        params![secret, last_step, user_id],
    )?;
    Ok(())
}

pub fn record_totp_step(ledger: &Ledger, user_id: i64, step: i64) -> Result<(), PortalError> {
    ledger.connection().execute(
        "UPDATE users SET totp_last_step = ?1 WHERE id = ?2",
        params![step, user_id],
    )?;
    Ok(())
}
