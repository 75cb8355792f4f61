//! `ledgerline serve` and `ledgerline users`: the portal and who may use it.

use std::fmt::Write as _;
use std::io::Read as _;
use std::net::SocketAddr;

use ledgerline_server::users::{self, NewUser, Role};
use serde::Serialize;

use crate::args::{Cli, ServeArgs, UsersCommand};
use crate::home::Home;
use crate::output::{refuse, Output};

/// Refuses plain HTTP anywhere but loopback.
fn check_bind(bind: &SocketAddr, insecure_http: bool) -> anyhow::Result<()> {
    if insecure_http && !bind.ip().is_loopback() {
        return Err(refuse(
            format!("--insecure-http serves cookies without Secure: only on a loopback address, not {bind}"),
            "bind 127.0.0.1 for development, or serve behind a TLS reverse proxy without --insecure-http",
        ));
    }
    Ok(())
}

pub fn serve_home(
    home: &Home,
    bind: SocketAddr,
    insecure_http: bool,
    public_url: Option<String>,
) -> anyhow::Result<()> {
    if let Some(url) = &public_url {
        if !(url.starts_with("https://") || (insecure_http && url.starts_with("http://"))) {
            return Err(refuse(
                format!("--public-url: \"{url}\" is not an https:// address"),
                "give the address people open, e.g. https://royalties.label.example",
            ));
        }
    }
    check_bind(&bind, insecure_http)?;
    let ledger = home.open()?;
    let label_name = ledgerline_run::settings(&ledger)
        .map(|settings| settings.label_name)
        .unwrap_or_else(|_| "Ledgerline".to_string());
    drop(ledger);
    let config = ledgerline_server::Config {
        home: home.path.clone(),
        insecure_http,
        label_name,
        public_url,
    };
    eprintln!(
        "Serving the portal on {}://{bind}/ (Ctrl-C stops it){}",
        if insecure_http {
            "http"
        } else {
            "https (behind your TLS proxy) or http"
        },
        if insecure_http {
            "; plain-HTTP development mode: cookies are not marked Secure"
        } else {
            ""
        }
    );
    ledgerline_server::serve_blocking(config, bind).map_err(|error| {
        refuse(
            format!("cannot serve on {bind}: {error}"),
            "choose another address with --bind",
        )
    })?;
    Ok(())
}

pub fn run_serve(cli: &Cli, arguments: &ServeArgs) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    serve_home(
        &home,
        arguments.bind,
        arguments.insecure_http,
        arguments.public_url.clone(),
    )?;
    Ok(0)
}

#[derive(Serialize)]
struct UserAdded {
    id: i64,
    email: String,
    role: &'static str,
}

/// Adds a user with a password, checking it like the portal does.
pub fn add_user(
    home: &Home,
    email: &str,
    role: Role,
    payee: Option<&str>,
    grants: &[String],
    password: &str,
) -> anyhow::Result<i64> {
    if let Some(problem) = users::password_problem(password, email) {
        return Err(refuse(
            format!("password refused: {problem}"),
            "choose a longer phrase of unrelated words",
        ));
    }
    let mut ledger = home.open()?;
    let user = NewUser {
        email,
        role,
        payee,
        all_payees: role == Role::Staff && grants.is_empty(),
        grants,
    };
    users::add_user(&mut ledger, &user, &users::hash_password(password))
        .map_err(|error| refuse(error.to_string(), "see `ledgerline users list`"))
}

pub fn run_users(cli: &Cli, command: &UsersCommand, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    match command {
        UsersCommand::Add {
            email,
            role,
            payee,
            grant,
            password_stdin,
        } => {
            let role = Role::parse(role).ok_or_else(|| {
                refuse(
                    format!("--role: \"{role}\" is not a role"),
                    "admin, staff or payee",
                )
            })?;
            if !password_stdin {
                return Err(refuse(
                    "give the password on standard input",
                    "echo \"$PASSWORD\" | ledgerline users add ... --password-stdin",
                ));
            }
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']);
            let id = add_user(&home, email, role, payee.as_deref(), grant, password)?;
            output.report(
                &UserAdded {
                    id,
                    email: email.clone(),
                    role: role.name(),
                },
                |added| {
                    format!(
                        "Added {} ({}) as user #{}.\n",
                        added.email, added.role, added.id
                    )
                },
            )?;
        }
        UsersCommand::List => {
            let list = users::list_users(&home.open()?).map_err(|error| {
                refuse(
                    error.to_string(),
                    "check the ledger with `ledgerline check`",
                )
            })?;
            output.report(&list, |list| {
                let mut text = String::new();
                for user in list {
                    let scope = match user.role {
                        Role::Payee => user.payee.clone().unwrap_or_default(),
                        Role::Staff if user.all_payees => "every payee".to_string(),
                        Role::Staff => user.grants.join(", "),
                        Role::Admin => "everything".to_string(),
                    };
                    let _ = writeln!(
                        text,
                        "#{} {} {} ({}){}",
                        user.id,
                        user.email,
                        user.role.name(),
                        scope,
                        if user.totp { ", two-factor" } else { "" }
                    );
                }
                text
            })?;
        }
        UsersCommand::Token { email, name } => {
            let ledger = home.open()?;
            let (user, _) = users::user_by_email(&ledger, email)
                .map_err(|error| refuse(error.to_string(), "check the ledger"))?
                .ok_or_else(|| {
                    refuse(
                        format!("no user {email}"),
                        "add one with `ledgerline users add`",
                    )
                })?;
            if !user.is_label() {
                return Err(refuse(
                    "API tokens are for label users",
                    "give the email of a label admin or staff user",
                ));
            }
            let token = users::create_api_token(&ledger, user.id, name)
                .map_err(|error| refuse(error.to_string(), "check the ledger"))?;
            output.report(&serde_json::json!({ "token": token, "user": email, "name": name }), |_| {
                format!("{token}\nKeep it secret: it is shown once. Send it as `Authorization: Bearer {token}`.\n")
            })?;
        }
    }
    Ok(0)
}
