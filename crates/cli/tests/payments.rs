//! Payments through the real binary: overpayments (refused when typed, recorded with a warning
//! from a bank file) and the SEPA credit transfer file (a new message id for every file, when it
//! was made, no execution date in the past, a refusal that says why nobody can be paid).

mod common;

use std::path::{Path, PathBuf};

use common::{decimal, json, ledgerline, stderr, stdout};
use ledgerline_money::{Decimal, RoundingMode};

const DEBTOR_IBAN: &str = "DE89 3704 0044 0532 0130 00";


fn cents(amount: Decimal) -> String {
    amount.format_fixed(2, RoundingMode::HalfEven)
}

/// A demo home (2026-H1 closed) and what each payee's statement made payable.
fn demo_home() -> (tempfile::TempDir, PathBuf, Vec<(String, Decimal)>) {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    let output = ledgerline(&home, &["--json", "demo", "--no-serve"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json(&output);
    let payable = report["closed"]["payees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|payee| {
            (
                payee["payee"].as_str().unwrap().to_string(),
                decimal(&payee["payable"]),
            )
        })
        .collect();
    (folder, home, payable)
}

fn today() -> String {
    ledgerline_store::utc_timestamp_now()[..10].to_string()
}

#[test]
fn a_typed_payment_with_a_decimal_comma_or_an_unknown_payee_is_refused_saying_what_to_write() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    assert!(ledgerline(&home, &["init", "--currency", "EUR"])
        .status
        .success());
    let comma = ledgerline(
        &home,
        &[
            "payments",
            "add",
            "--payee",
            "P001",
            "--amount",
            "12,50",
            "--date",
            "2026-07-01",
        ],
    );
    assert_eq!(comma.status.code(), Some(1));
    assert_eq!(
        stderr(&comma),
        "error: --amount: \"12,50\" is not a decimal; write 12.50\n\
         hint: ledgerline payments add --payee P001 --amount 1250.00 --date YYYY-MM-DD, with a point before the decimals and no thousands separators\n"
    );
    let unknown = ledgerline(
        &home,
        &[
            "payments",
            "add",
            "--payee",
            "P999",
            "--amount",
            "12.50",
            "--date",
            "2026-07-01",
        ],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(
        stderr(&unknown),
        "error: payments add: --payee P999: no such payee in the ledger; nothing was recorded\n\
         hint: payee ids are the party ids of the parties file: import the party first (ledgerline catalog import parties.csv) or correct the id\n"
    );
    let file = folder.path().join("payments.csv");
    std::fs::write(
        &file,
        "date,payee,amount,currency\n2026-07-01,P998,1.00,EUR\n2026-07-01,P997,1.00,EUR\n",
    )
    .unwrap();
    let imported = ledgerline(&home, &["payments", "import", file.to_str().unwrap()]);
    assert_eq!(imported.status.code(), Some(1));
    let label = file.display().to_string();
    assert!(
        stderr(&imported).starts_with(&format!(
            "error: {label}:2: payee: \"P998\" is not a party in the ledger\n{label}:3: payee: \"P997\" is not a party in the ledger\nnothing of the file was recorded\n"
        )),
        "{}",
        stderr(&imported)
    );
}

#[test]
fn an_overpayment_typed_by_hand_is_refused_unless_asked_for_and_one_from_the_bank_is_recorded_with_a_warning(
) {
    let (folder, home, payable) = demo_home();
    let owed = payable.iter().find(|(payee, _)| payee == "P020").unwrap().1;
    assert!(
        owed.is_positive() && owed < Decimal::parse("100").unwrap(),
        "{owed}"
    );
    let (nothing_owed, _) = payable
        .iter()
        .find(|(_, amount)| amount.is_zero())
        .expect("a payee with nothing payable");
    let date = today();

    // A typo: 100 instead of what is payable. Refused, naming payable and excess; nothing recorded.
    let typo = ledgerline(
        &home,
        &[
            "payments", "add", "--payee", "P020", "--amount", "100", "--date", &date,
        ],
    );
    assert_eq!(typo.status.code(), Some(1));
    let excess = Decimal::parse("100").unwrap() - owed;
    assert_eq!(
        stderr(&typo),
        format!(
            "error: --amount: 100.00 EUR is {} EUR more than the {} EUR payable to P020; nothing was recorded\n\
             hint: payable to P020 is what the 2026-H1 statement made payable, less payments recorded since; check the amount, and if it really was paid, record it with --overpay: the excess is recovered from P020's later earnings\n",
            cents(excess),
            cents(owed)
        )
    );

    // Exactly what is payable goes through without a word; after it, nothing is payable.
    let exact = json(&ledgerline(
        &home,
        &[
            "--json",
            "payments",
            "add",
            "--payee",
            "P020",
            "--amount",
            &owed.to_string(),
            "--date",
            &date,
        ],
    ));
    assert_eq!(exact["recorded"], 1, "{exact}");
    assert_eq!(exact["overpaid"], serde_json::json!([]));
    let more = ledgerline(
        &home,
        &[
            "payments",
            "add",
            "--payee",
            "P020",
            "--amount",
            "0.01",
            "--date",
            &date,
            "--reference",
            "again",
        ],
    );
    assert_eq!(more.status.code(), Some(1));
    assert!(
        stderr(&more).starts_with(
            "error: --amount: nothing is payable to P020 (0.00 EUR payable), so all 0.01 EUR would be paid in excess; nothing was recorded\n"
        ),
        "{}",
        stderr(&more)
    );

    // It really was paid: --overpay records it and says what becomes of the excess.
    let overpaid = ledgerline(
        &home,
        &[
            "payments",
            "add",
            "--payee",
            "P020",
            "--amount",
            "0.01",
            "--date",
            &date,
            "--reference",
            "again",
            "--overpay",
        ],
    );
    assert!(overpaid.status.success(), "{}", stderr(&overpaid));
    assert_eq!(
        stdout(&overpaid),
        "1 payments recorded, 0 already recorded.\n\
         warning: P020 was paid 0.01 EUR with nothing payable (0.00 EUR payable); the payable amount becomes -0.01 EUR: the excess is recovered from P020's later earnings\n"
    );

    // A bank file: money already sent is recorded all the same, with a warning per payee.
    let file = folder.path().join("bank.csv");
    std::fs::write(
        &file,
        format!("date,payee,amount,currency,reference\n{date},{nothing_owed},100,EUR,typo\n{date},{nothing_owed},0.50,EUR,second\n{date},P020,1,EUR,bank\n"),
    )
    .unwrap();
    let imported = ledgerline(
        &home,
        &["--json", "payments", "import", file.to_str().unwrap()],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    let document = json(&imported);
    assert_eq!(document["recorded"], 3);
    let overpaid = document["overpaid"].as_array().unwrap();
    assert_eq!(overpaid.len(), 2, "{document}");
    for (payee, figures) in [
        (nothing_owed.as_str(), ["0", "100.50", "100.50", "-100.50"]),
        ("P020", ["-0.01", "1", "1", "-1.01"]),
    ] {
        let found = overpaid
            .iter()
            .find(|found| found["payee"] == payee)
            .unwrap_or_else(|| panic!("{payee}: {document}"));
        assert_eq!(found["currency"], "EUR");
        for (field, expected) in ["payable", "paid", "excess", "payable_after"]
            .into_iter()
            .zip(figures)
        {
            assert_eq!(
                decimal(&found[field]),
                Decimal::parse(expected).unwrap(),
                "{field} of {payee}: {document}"
            );
        }
    }
    // The same file again records nothing and warns of nothing.
    let again = ledgerline(&home, &["payments", "import", file.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(stdout(&again), "0 payments recorded, 3 already recorded.\n");

    // In text, the warning names payee, payable and excess.
    let text_file = folder.path().join("bank-2.csv");
    std::fs::write(
        &text_file,
        format!("date,payee,amount,currency\n{date},{nothing_owed},2.5,EUR\n"),
    )
    .unwrap();
    let text = ledgerline(&home, &["payments", "import", text_file.to_str().unwrap()]);
    assert_eq!(
        stdout(&text),
        format!(
            "1 payments recorded, 0 already recorded.\n\
             warning: {nothing_owed} was paid 2.50 EUR with nothing payable (-100.50 EUR payable); the payable amount becomes -103.00 EUR: the excess is recovered from {nothing_owed}'s later earnings\n"
        )
    );

    // The next period shows every payment; the payable amount is negative until earnings cover it.
    let h2 = json(&ledgerline(&home, &["--json", "run", "2026-H2"]));
    let p020 = h2["payees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|payee| payee["payee"] == "P020")
        .unwrap();
    assert_eq!(
        decimal(&p020["payments"]),
        owed + Decimal::parse("1.01").unwrap()
    );
}

/// Noor Novak (P020) gives her bank details from July in a new version of her contract.
fn give_p020_bank_details(home: &Path, folder: &Path) {
    let original = std::fs::read_to_string(home.join("inbox/contracts/C016.toml")).unwrap();
    let valid_from = original
        .lines()
        .find(|line| line.starts_with("valid_from = "))
        .unwrap();
    let amended = original.replace("version = 1", "version = 2").replace(valid_from, "valid_from = \"2026-07\"").replace(
        "withholding_tax_rate = \"0.10\"\n",
        "withholding_tax_rate = \"0.10\"\n\n[payees.settings.bank]\naccount_holder = \"Noor Novak\"\niban = \"NL91 ABNA 0417 1643 00\"\n",
    );
    let file = folder.join("C016-v2.toml");
    std::fs::write(&file, amended).unwrap();
    let imported = ledgerline(home, &["contracts", "import", file.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", stderr(&imported));
}

/// The lines of the file that are the same in every file of the same payments.
fn without_identity(xml: &str) -> String {
    xml.lines()
        .filter(|line| {
            !["<MsgId>", "<PmtInfId>", "<CreDtTm>"]
                .iter()
                .any(|tag| line.contains(tag))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let open = format!("<{name}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no {name} in {xml}"))
        + open.len();
    let end = xml[start..].find('<').unwrap() + start;
    &xml[start..end]
}

#[test]
fn every_sepa_file_has_its_own_message_id_and_says_when_it_was_made() {
    let (folder, home, payable) = demo_home();
    let sepa = folder.path().join("transfers.xml");
    let out = sepa.to_str().unwrap();
    let nothing = payable
        .iter()
        .filter(|(_, amount)| !amount.is_positive())
        .count();
    let date = today();
    let compact = date.replace('-', "");

    // Without bank details: the hint is about bank details.
    let refused = ledgerline(
        &home,
        &[
            "payments",
            "sepa",
            "2026-H1",
            "--out",
            out,
            "--debtor-iban",
            DEBTOR_IBAN,
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).ends_with(&format!(
            "  {nothing} payees with nothing payable\nhint: give payees bank details in their contracts ([payees.settings.bank], docs/contracts.md)\n"
        )),
        "{}",
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("  P020 Noor Novak: "),
        "{}",
        stderr(&refused)
    );
    give_p020_bank_details(&home, folder.path());

    // An execution date in the past is refused, and no file is written.
    let past = ledgerline(
        &home,
        &[
            "payments",
            "sepa",
            "2026-H1",
            "--out",
            out,
            "--execution-date",
            "2020-01-01",
            "--debtor-iban",
            DEBTOR_IBAN,
        ],
    );
    assert_eq!(past.status.code(), Some(1));
    assert_eq!(
        stderr(&past),
        format!(
            "error: the execution date 2020-01-01 is in the past (today is {date}, UTC): a bank executes transfers on a date to come\n\
             hint: give today or a later date with --execution-date {date}, or leave it out for today\n"
        )
    );
    assert!(!sepa.exists());

    // A file that cannot be written leaves nothing recorded: the first file written is number 1.
    let nowhere = folder.path().join("missing-folder/transfers.xml");
    let unwritable = ledgerline(
        &home,
        &[
            "payments",
            "sepa",
            "2026-H1",
            "--out",
            nowhere.to_str().unwrap(),
            "--debtor-iban",
            DEBTOR_IBAN,
        ],
    );
    assert_eq!(unwritable.status.code(), Some(1));
    assert!(
        stderr(&unwritable).contains("cannot write"),
        "{}",
        stderr(&unwritable)
    );

    // Written twice the same day (execution today by default): two message ids, the same payments.
    let first = json(&ledgerline(
        &home,
        &[
            "--json",
            "payments",
            "sepa",
            "2026-H1",
            "--out",
            out,
            "--debtor-iban",
            DEBTOR_IBAN,
        ],
    ));
    let first_xml = std::fs::read_to_string(&sepa).unwrap();
    let second_out = folder.path().join("transfers-2.xml");
    let second_run = ledgerline(
        &home,
        &[
            "payments",
            "sepa",
            "2026-H1",
            "--out",
            second_out.to_str().unwrap(),
            "--debtor-iban",
            DEBTOR_IBAN,
        ],
    );
    assert!(second_run.status.success(), "{}", stderr(&second_run));
    let second_xml = std::fs::read_to_string(&second_out).unwrap();

    assert_eq!(first["message_id"], format!("LL-2026-H1-{compact}-0001"));
    assert_eq!(first["earlier_files"], serde_json::json!([]));
    assert_eq!(
        element(&first_xml, "MsgId"),
        format!("LL-2026-H1-{compact}-0001")
    );
    assert_eq!(
        element(&first_xml, "PmtInfId"),
        format!("LL-2026-H1-{compact}-0001")
    );
    assert_eq!(
        element(&second_xml, "MsgId"),
        format!("LL-2026-H1-{compact}-0002")
    );
    assert_ne!(element(&first_xml, "MsgId"), element(&second_xml, "MsgId"));
    assert_eq!(without_identity(&first_xml), without_identity(&second_xml));
    // CreDtTm is when the file was made, with its offset; the execution date is today.
    let created = element(&first_xml, "CreDtTm");
    assert_eq!(first["created_at"], created);
    assert!(
        created.starts_with(&format!("{date}T"))
            && created.ends_with("+00:00")
            && created.len() == 25,
        "{created}"
    );
    assert_eq!(element(&first_xml, "Dt"), date);
    assert_eq!(first["execution_date"], date);
    assert!(
        stdout(&second_run).contains(&format!(
            "warning: SEPA files for 2026-H1 were written before: LL-2026-H1-{compact}-0001 ({created}); if one of them went to the bank, record its payments (ledgerline payments import FILE) before sending this one, or its payees are paid twice"
        )),
        "{}",
        stdout(&second_run)
    );

    // Once the transfer is recorded, nobody is left to pay, and the refusal says so.
    let total = decimal(&first["total"]);
    let paid = ledgerline(
        &home,
        &[
            "payments",
            "add",
            "--payee",
            "P020",
            "--amount",
            &total.to_string(),
            "--date",
            &date,
        ],
    );
    assert!(paid.status.success(), "{}", stderr(&paid));
    let done = ledgerline(
        &home,
        &[
            "payments",
            "sepa",
            "2026-H1",
            "--out",
            out,
            "--debtor-iban",
            DEBTOR_IBAN,
        ],
    );
    assert_eq!(done.status.code(), Some(1));
    assert_eq!(
        stderr(&done),
        format!(
            "error: no payee of 2026-H1 can be paid by SEPA; nothing was written\n  1 payee already paid, {nothing} payees with nothing payable\n\
             hint: nothing to transfer for 2026-H1: the payments recorded since the statements cover what they made payable; balances of zero or less carry forward\n"
        )
    );
}
