//! The SEPA credit transfer file: ISO 20022 `pain.001.001.09` as the EPC rulebook (SCT, customer
//! to bank implementation guidelines) uses it.

use std::fmt;
use std::io;

use ledgerline_contracts::{Bic, Iban};
use ledgerline_model::Date;
use ledgerline_money::{Currency, Decimal, RoundingMode};
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde::Serialize;

use crate::countries::{sepa_area, SepaArea};
use crate::payments_file::PartyId;
use crate::sepa_text::{identifier_problem, to_sepa_text, MAXIMUM_NAME_LENGTH, MAXIMUM_REMITTANCE_LENGTH};

/// The namespace of the message.
pub const PAIN_001_NAMESPACE: &str = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
/// The largest amount of one SEPA credit transfer, 999999999.99, in cents.
pub const MAXIMUM_TRANSFER_CENTS: i128 = 99_999_999_999;

/// One transfer to one payee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreditTransfer {
    /// The payee, for the caller's records; not written to the file.
    pub party_id: PartyId,
    /// `PmtId/EndToEndId`: 1 to 35 characters of the SEPA set, unique in the file.
    pub end_to_end_id: String,
    /// `Cdtr/Nm`: transliterated to the SEPA set and cut to 70 characters.
    pub creditor_name: String,
    pub iban: Iban,
    /// `CdtrAgt/FinInstnId/BICFI`, written when known.
    pub bic: Option<Bic>,
    /// EUR, positive, whole cents, at most 999999999.99.
    pub amount: Decimal,
    pub currency: Currency,
    /// `RmtInf/Ustrd`: transliterated and cut to 140 characters; left out when empty.
    pub remittance_information: String,
}

/// Everything a pain.001 file holds: one payment information block with its transfers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreditTransferBatch {
    /// `GrpHdr/MsgId`: unique per file sent to the bank (banks refuse a repeated one).
    pub message_id: String,
    /// `GrpHdr/CreDtTm`, such as `2026-07-15T09:30:00` or with a zone (`Z`, `+02:00`). Given by
    /// the caller: this crate reads no clock.
    pub creation_date_time: String,
    /// `GrpHdr/InitgPty/Nm`: usually the label.
    pub initiating_party_name: String,
    /// `PmtInf/PmtInfId`.
    pub payment_information_id: String,
    /// `PmtInf/ReqdExctnDt/Dt`.
    pub requested_execution_date: Date,
    /// `Dbtr/Nm`: the label's account holder name.
    pub debtor_name: String,
    pub debtor_iban: Iban,
    /// `DbtrAgt/FinInstnId/BICFI`; without it `Othr/Id` is `NOTPROVIDED`.
    pub debtor_bic: Option<Bic>,
    /// `BtchBookg`: one debit for the whole batch on the label's statement (true) or one per
    /// transfer (false).
    pub batch_booking: bool,
    pub transfers: Vec<CreditTransfer>,
}

/// One reason the file cannot be written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum SepaProblem {
    #[error("{element} \"{value}\" {reason}")]
    BadIdentifier { element: &'static str, value: String, reason: String },
    #[error("creation date and time \"{value}\" is not an ISO 8601 date-time such as 2026-07-15T09:30:00 or 2026-07-15T09:30:00+02:00")]
    BadCreationDateTime { value: String },
    #[error("{whose} name \"{value}\" has no letter or digit a SEPA file can carry")]
    NoUsableName { whose: String, value: String },
    #[error("the debtor IBAN is from {country}, which is not in the SEPA scheme")]
    DebtorIbanOutsideSepa { country: String },
    #[error("the batch has no transfers")]
    NoTransfers,
    #[error("transfer {number} ({end_to_end_id}): the currency is {currency}; a SEPA credit transfer is in EUR only")]
    CurrencyNotEur { number: usize, end_to_end_id: String, currency: Currency },
    #[error("transfer {number} ({end_to_end_id}): the amount {amount} is not above zero")]
    AmountNotPositive { number: usize, end_to_end_id: String, amount: Decimal },
    #[error("transfer {number} ({end_to_end_id}): the amount {amount} has fractions of a cent; a SEPA amount has at most 2 decimals")]
    AmountNotWholeCents { number: usize, end_to_end_id: String, amount: Decimal },
    #[error("transfer {number} ({end_to_end_id}): the amount {amount} is above 999999999.99, the most one SEPA transfer can carry")]
    AmountAboveMaximum { number: usize, end_to_end_id: String, amount: Decimal },
    #[error("transfer {number} ({end_to_end_id}): the IBAN is from {country}, which is not in the SEPA scheme")]
    CreditorIbanOutsideSepa { number: usize, end_to_end_id: String, country: String },
    #[error("transfer {number} ({end_to_end_id}): the IBAN is from {country}, a SEPA country outside the EEA, where the bank's BIC is required")]
    CreditorBicRequired { number: usize, end_to_end_id: String, country: String },
    #[error("transfers {first} and {second} have the same end-to-end id \"{end_to_end_id}\"")]
    RepeatedEndToEndId { first: usize, second: usize, end_to_end_id: String },
    #[error("the control sum overflows")]
    ControlSumOverflow,
    #[error("writing the XML failed: {message}")]
    Writing { message: String },
}

/// Why no file was written: every problem found in the batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("cannot write the SEPA credit transfer file: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct SepaError {
    pub problems: Vec<SepaProblem>,
}

/// What goes into the file once the batch is checked.
struct CheckedTransfer<'a> {
    transfer: &'a CreditTransfer,
    creditor_name: String,
    remittance_information: String,
    amount_text: String,
}

/// Writes the batch as a pain.001.001.09 document, or says everything that is wrong with it.
///
/// The same batch always gives the same bytes: UTF-8, two-space indentation, LF line ends,
/// transfers in the order given.
pub fn pain_001(batch: &CreditTransferBatch) -> Result<String, SepaError> {
    let mut problems = Vec::new();
    for (element, value) in [
        ("message id (MsgId)", &batch.message_id),
        ("payment information id (PmtInfId)", &batch.payment_information_id),
    ] {
        if let Some(reason) = identifier_problem(value) {
            problems.push(SepaProblem::BadIdentifier { element, value: value.clone(), reason });
        }
    }
    if !is_iso_date_time(&batch.creation_date_time) {
        problems.push(SepaProblem::BadCreationDateTime { value: batch.creation_date_time.clone() });
    }
    let initiating_party_name = usable_name("initiating party", &batch.initiating_party_name, &mut problems);
    let debtor_name = usable_name("debtor", &batch.debtor_name, &mut problems);
    let debtor_country = country_of(&batch.debtor_iban);
    if sepa_area(debtor_country).is_none() {
        problems.push(SepaProblem::DebtorIbanOutsideSepa { country: debtor_country.to_string() });
    }
    if batch.transfers.is_empty() {
        problems.push(SepaProblem::NoTransfers);
    }

    let mut checked = Vec::with_capacity(batch.transfers.len());
    let mut control_sum = Some(Decimal::ZERO);
    for (index, transfer) in batch.transfers.iter().enumerate() {
        let number = index + 1;
        let end_to_end_id = transfer.end_to_end_id.clone();
        if let Some(reason) = identifier_problem(&transfer.end_to_end_id) {
            problems.push(SepaProblem::BadIdentifier { element: "end-to-end id (EndToEndId)", value: end_to_end_id.clone(), reason });
        }
        if let Some(first) = batch.transfers[..index].iter().position(|earlier| earlier.end_to_end_id == transfer.end_to_end_id) {
            problems.push(SepaProblem::RepeatedEndToEndId { first: first + 1, second: number, end_to_end_id: end_to_end_id.clone() });
        }
        if transfer.currency != Currency::EUR {
            problems.push(SepaProblem::CurrencyNotEur { number, end_to_end_id: end_to_end_id.clone(), currency: transfer.currency });
        }
        let amount = transfer.amount;
        if !amount.is_positive() {
            problems.push(SepaProblem::AmountNotPositive { number, end_to_end_id: end_to_end_id.clone(), amount });
        } else {
            match amount.to_units(2) {
                None => problems.push(SepaProblem::AmountNotWholeCents { number, end_to_end_id: end_to_end_id.clone(), amount }),
                Some(cents) if cents > MAXIMUM_TRANSFER_CENTS => {
                    problems.push(SepaProblem::AmountAboveMaximum { number, end_to_end_id: end_to_end_id.clone(), amount })
                }
                Some(_) => {}
            }
        }
        control_sum = control_sum.and_then(|sum| sum.checked_add(amount));
        let country = country_of(&transfer.iban);
        match sepa_area(country) {
            None => problems.push(SepaProblem::CreditorIbanOutsideSepa { number, end_to_end_id: end_to_end_id.clone(), country: country.to_string() }),
            Some(SepaArea::OutsideEuropeanEconomicArea) if transfer.bic.is_none() => {
                problems.push(SepaProblem::CreditorBicRequired { number, end_to_end_id: end_to_end_id.clone(), country: country.to_string() })
            }
            Some(_) => {}
        }
        let creditor_name = usable_name(&format!("transfer {number} ({end_to_end_id}): creditor"), &transfer.creditor_name, &mut problems);
        checked.push(CheckedTransfer {
            transfer,
            creditor_name,
            remittance_information: to_sepa_text(&transfer.remittance_information, MAXIMUM_REMITTANCE_LENGTH),
            // Exact: whole cents were checked above, so no rounding happens here.
            amount_text: amount.format_fixed(2, RoundingMode::HalfEven),
        });
    }
    let Some(control_sum) = control_sum else {
        problems.push(SepaProblem::ControlSumOverflow);
        return Err(SepaError { problems });
    };
    if !problems.is_empty() {
        return Err(SepaError { problems });
    }

    let document = Document {
        batch,
        initiating_party_name,
        debtor_name,
        transfers: checked,
        control_sum: control_sum.format_fixed(2, RoundingMode::HalfEven),
    };
    document.write().map_err(|error| SepaError { problems: vec![SepaProblem::Writing { message: error.to_string() }] })
}

fn country_of(iban: &Iban) -> &str {
    iban.as_str().get(0..2).unwrap_or("")
}

/// The name in the SEPA set, or a problem when nothing of it is left.
fn usable_name(whose: &str, name: &str, problems: &mut Vec<SepaProblem>) -> String {
    let converted = to_sepa_text(name, MAXIMUM_NAME_LENGTH);
    if converted.is_empty() {
        problems.push(SepaProblem::NoUsableName { whose: whose.to_string(), value: name.to_string() });
    }
    converted
}

/// `YYYY-MM-DDThh:mm:ss`, optionally with a fraction of a second, optionally with `Z` or an offset
/// `±hh:mm` (the XML Schema `dateTime` that ISODateTime is).
fn is_iso_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once('T') else {
        return false;
    };
    if date.len() != 10 || Date::parse(date).is_err() || date.trim() != date {
        return false;
    }
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    let two_digits_at_most = |field: &str, maximum: u32| field.len() == 2 && field.chars().all(|c| c.is_ascii_digit()) && field.parse::<u32>().is_ok_and(|value| value <= maximum);
    let (whole_seconds, fraction) = match clock.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (clock, None),
    };
    let parts: Vec<&str> = whole_seconds.split(':').collect();
    let clock_ok = parts.len() == 3 && two_digits_at_most(parts[0], 23) && two_digits_at_most(parts[1], 59) && two_digits_at_most(parts[2], 59);
    let fraction_ok = fraction.is_none_or(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()));
    let zone_ok = match zone {
        "" | "Z" => true,
        offset => {
            let rest = &offset[1..];
            rest.split_once(':').is_some_and(|(hours, minutes)| two_digits_at_most(hours, 14) && two_digits_at_most(minutes, 59))
        }
    };
    clock_ok && fraction_ok && zone_ok
}

/// A checked batch, ready to be written.
struct Document<'a> {
    batch: &'a CreditTransferBatch,
    initiating_party_name: String,
    debtor_name: String,
    transfers: Vec<CheckedTransfer<'a>>,
    control_sum: String,
}

impl Document<'_> {
    fn write(&self) -> io::Result<String> {
        let batch = self.batch;
        let mut xml = Xml { writer: Writer::new_with_indent(Vec::new(), b' ', 2) };
        xml.writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        xml.writer.write_event(Event::Start(BytesStart::new("Document").with_attributes([("xmlns", PAIN_001_NAMESPACE)])))?;
        xml.open("CstmrCdtTrfInitn")?;

        let number_of_transactions = self.transfers.len().to_string();
        xml.open("GrpHdr")?;
        xml.text("MsgId", &batch.message_id)?;
        xml.text("CreDtTm", &batch.creation_date_time)?;
        xml.text("NbOfTxs", &number_of_transactions)?;
        xml.text("CtrlSum", &self.control_sum)?;
        xml.open("InitgPty")?;
        xml.text("Nm", &self.initiating_party_name)?;
        xml.close("InitgPty")?;
        xml.close("GrpHdr")?;

        xml.open("PmtInf")?;
        xml.text("PmtInfId", &batch.payment_information_id)?;
        xml.text("PmtMtd", "TRF")?;
        xml.text("BtchBookg", if batch.batch_booking { "true" } else { "false" })?;
        xml.text("NbOfTxs", &number_of_transactions)?;
        xml.text("CtrlSum", &self.control_sum)?;
        xml.open("PmtTpInf")?;
        xml.open("SvcLvl")?;
        xml.text("Cd", "SEPA")?;
        xml.close("SvcLvl")?;
        xml.close("PmtTpInf")?;
        xml.open("ReqdExctnDt")?;
        xml.text("Dt", &batch.requested_execution_date.to_string())?;
        xml.close("ReqdExctnDt")?;
        xml.open("Dbtr")?;
        xml.text("Nm", &self.debtor_name)?;
        xml.close("Dbtr")?;
        xml.account("DbtrAcct", &batch.debtor_iban)?;
        xml.open("DbtrAgt")?;
        xml.open("FinInstnId")?;
        match &batch.debtor_bic {
            Some(bic) => xml.text("BICFI", bic.as_str())?,
            None => {
                xml.open("Othr")?;
                xml.text("Id", "NOTPROVIDED")?;
                xml.close("Othr")?;
            }
        }
        xml.close("FinInstnId")?;
        xml.close("DbtrAgt")?;
        xml.text("ChrgBr", "SLEV")?;

        for checked in &self.transfers {
            let transfer = checked.transfer;
            xml.open("CdtTrfTxInf")?;
            xml.open("PmtId")?;
            xml.text("EndToEndId", &transfer.end_to_end_id)?;
            xml.close("PmtId")?;
            xml.open("Amt")?;
            xml.writer
                .create_element("InstdAmt")
                .with_attribute(("Ccy", "EUR"))
                .write_text_content(BytesText::from_escaped(partial_escape(checked.amount_text.as_str())))?;
            xml.close("Amt")?;
            if let Some(bic) = &transfer.bic {
                xml.open("CdtrAgt")?;
                xml.open("FinInstnId")?;
                xml.text("BICFI", bic.as_str())?;
                xml.close("FinInstnId")?;
                xml.close("CdtrAgt")?;
            }
            xml.open("Cdtr")?;
            xml.text("Nm", &checked.creditor_name)?;
            xml.close("Cdtr")?;
            xml.account("CdtrAcct", &transfer.iban)?;
            if !checked.remittance_information.is_empty() {
                xml.open("RmtInf")?;
                xml.text("Ustrd", &checked.remittance_information)?;
                xml.close("RmtInf")?;
            }
            xml.close("CdtTrfTxInf")?;
        }

        xml.close("PmtInf")?;
        xml.close("CstmrCdtTrfInitn")?;
        xml.close("Document")?;
        let mut bytes = xml.writer.into_inner();
        bytes.push(b'\n');
        String::from_utf8(bytes).map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
    }
}

/// The writer with the three moves the document needs. Text is escaped for element content
/// (`&`, `<`, `>`); the SEPA set contains none of them, but escaping does not rely on that.
struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Xml {
    fn open(&mut self, name: &str) -> io::Result<()> {
        self.writer.write_event(Event::Start(BytesStart::new(name)))
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.writer.write_event(Event::End(BytesEnd::new(name)))
    }

    fn text(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.writer.create_element(name).write_text_content(BytesText::from_escaped(partial_escape(text)))?;
        Ok(())
    }

    fn account(&mut self, name: &str, iban: &Iban) -> io::Result<()> {
        self.open(name)?;
        self.open("Id")?;
        self.text("IBAN", iban.as_str())?;
        self.close("Id")?;
        self.close(name)
    }
}

impl fmt::Display for CreditTransfer {
    /// `P001 Ann Smith NL91 ABNA 0417 1643 00 1250.00 EUR`, for listings.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} {} {} {} {}", self.party_id, self.creditor_name, self.iban, self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_date_times() {
        for good in ["2026-07-15T09:30:00", "2026-07-15T09:30:00Z", "2026-07-15T09:30:00.123+02:00", "2026-07-15T23:59:59-05:00"] {
            assert!(is_iso_date_time(good), "{good}");
        }
        for bad in ["2026-07-15", "2026-07-15 09:30:00", "2026-02-30T09:30:00", "2026-07-15T24:00:00", "2026-07-15T9:30:00", "2026-07-15T09:30:00+2", "2026-07-15T09:30:00.", "now"] {
            assert!(!is_iso_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn text_is_escaped_for_element_content() {
        let mut xml = Xml { writer: Writer::new(Vec::new()) };
        xml.text("Nm", "A & B <C> 'D'").unwrap();
        assert_eq!(String::from_utf8(xml.writer.into_inner()).unwrap(), "<Nm>A &amp; B &lt;C&gt; 'D'</Nm>");
    }
}
