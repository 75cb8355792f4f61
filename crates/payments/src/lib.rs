//! Payments to payees: the payments file the label keeps, and the SEPA file its bank executes.
//!
//! Two pure pieces, with no database, no files and no clock (the caller reads and writes files
//! and passes the creation time in):
//!
//! 1. **The payments file reader** ([`read_payments`]). A CSV in which the label records the
//!    payments it made: `date`, `payee`, `amount`, `currency`, and optionally `reference` and
//!    `period` (the statement period paid). The header is required; columns may come in any
//!    order and any letter case; UTF-8 with or without a byte order mark; LF or CRLF; blank
//!    lines skipped; values may be quoted (`"…"`, a quote inside as `""`). Every problem is
//!    collected with file, line, column (where the value starts), column name, value and reason,
//!    formatted `payments.csv:3:12: amount: "12,50" is not a decimal; write 12.50`; a file with
//!    any problem gives no payments.
//!
//! 2. **The SEPA credit transfer file** ([`pain_001`]): ISO 20022 `pain.001.001.09` as the EPC
//!    SEPA Credit Transfer rulebook uses it, with one payment information block (`PmtInf`) that
//!    debits the label's account once per transfer (or once for the batch, [`CreditTransferBatch::batch_booking`]).
//!    [`plan_transfers`] decides beforehand who can be paid and says why the others cannot.
//!
//! # SEPA rules applied
//!
//! - Currency EUR only; each amount above zero, in whole cents, at most 999999999.99, written
//!   with exactly two decimals; `CtrlSum` is the exact sum of the amounts and `NbOfTxs` their
//!   number, in the group header and in the payment information block alike.
//! - IBANs must be from a country of the SEPA scheme (a table in this crate, after the EPC list);
//!   for a beneficiary bank in a SEPA country outside the EEA (CH, GB, MC, ...) the BIC is
//!   required. The beneficiary bank's BIC is written when known (`CdtrAgt`); the debtor bank's
//!   is `BICFI` when known and otherwise `Othr/Id` `NOTPROVIDED`. Charges: `SLEV`.
//! - Names and remittance text are reduced to the EPC basic Latin character set
//!   (`a-z A-Z 0-9 / - ? : ( ) . , ' +` and space): accented letters are transliterated
//!   (é → e, ß → ss, æ → ae, Ł → L), `&` becomes `+`, typographic quotes and dashes their ASCII
//!   forms, and every other character a space; spaces are collapsed, and the text cut to 70
//!   characters (`Nm`) or 140 (`Ustrd`). A name with nothing left is an error; an empty
//!   remittance text leaves `RmtInf` out.
//! - Identifiers (`MsgId`, `PmtInfId`, `EndToEndId`) are never altered: 1 to 35 characters of the
//!   basic set, not starting or ending with `/` or a space, without `//`, and end-to-end ids
//!   unique in the file; anything else is refused.
//! - Every problem of a batch is reported at once ([`SepaError`]); a batch with any problem gives
//!   no file. The same batch always gives the same bytes.
//!
//! What it is not: it does not know balances (the caller computes [`PayeeBalance`]s from the
//! ledger), records nothing, and does not send anything to a bank.

mod countries;
mod csv_text;
mod pain001;
mod payments_file;
mod plan;
mod sepa_text;

pub use countries::{sepa_area, SepaArea};
pub use pain001::{
    pain_001, CreditTransfer, CreditTransferBatch, SepaError, SepaProblem, MAXIMUM_TRANSFER_CENTS, PAIN_001_NAMESPACE,
};
pub use payments_file::{
    amount_reason, read_payments, PartyId, Payment, PaymentProblem, MAXIMUM_PARTY_ID_LENGTH, MAXIMUM_REFERENCE_LENGTH,
};
pub use plan::{end_to_end_id_for, plan_transfers, LeftOut, LeftOutReason, PayeeBalance};
pub use sepa_text::{
    identifier_problem, is_sepa_character, to_sepa_text, MAXIMUM_IDENTIFIER_LENGTH, MAXIMUM_NAME_LENGTH,
    MAXIMUM_REMITTANCE_LENGTH,
};
