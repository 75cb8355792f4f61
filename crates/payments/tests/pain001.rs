//! The pain.001.001.09 file: read back with quick-xml and checked element by element, plus the
//! refusals, transliteration, truncation, escaping and determinism.

use ledgerline_contracts::{iban_check_digits, Bic, Iban};
use ledgerline_model::Date;
use ledgerline_money::{Currency, Decimal};
use ledgerline_payments::{pain_001, CreditTransfer, CreditTransferBatch, PartyId, SepaProblem, PAIN_001_NAMESPACE};
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

/// One element with text, read back from the document.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Leaf {
    /// `/Document/CstmrCdtTrfInitn/GrpHdr/MsgId`.
    path: String,
    text: String,
    attributes: Vec<(String, String)>,
}

/// Every element that holds text, in document order, with its path; fails on XML that is not
/// well formed.
fn leaves(xml: &str) -> Vec<Leaf> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut text = String::new();
    let mut leaves = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => {
                let name = String::from_utf8(start.name().as_ref().to_vec()).unwrap();
                let attributes = start
                    .attributes()
                    .map(|attribute| {
                        let attribute = attribute.unwrap();
                        (String::from_utf8(attribute.key.as_ref().to_vec()).unwrap(), attribute.normalized_value(XmlVersion::Explicit1_0).unwrap().into_owned())
                    })
                    .collect();
                stack.push((name, attributes));
                text.clear();
            }
            Event::Text(content) => text.push_str(&content.decode().unwrap()),
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap();
                text.push_str(quick_xml::escape::resolve_predefined_entity(&name).expect("a predefined entity"));
            }
            Event::End(_) => {
                let path = format!("/{}", stack.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join("/"));
                let (_, attributes) = stack.pop().unwrap();
                if !text.trim().is_empty() {
                    leaves.push(Leaf { path, text: text.clone(), attributes });
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "every element is closed");
    leaves
}

fn texts(leaves: &[Leaf], path: &str) -> Vec<String> {
    leaves.iter().filter(|leaf| leaf.path == path).map(|leaf| leaf.text.clone()).collect()
}

fn one(leaves: &[Leaf], path: &str) -> String {
    let found = texts(leaves, path);
    assert_eq!(found.len(), 1, "{path}: {found:?}");
    found[0].clone()
}

const GROUP: &str = "/Document/CstmrCdtTrfInitn/GrpHdr";
const PAYMENT: &str = "/Document/CstmrCdtTrfInitn/PmtInf";
const TRANSFER: &str = "/Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf";

fn iban(text: &str) -> Iban {
    Iban::parse(text).unwrap_or_else(|error| panic!("{error}"))
}

fn transfer(party: &str, name: &str, iban_text: &str, bic: Option<&str>, amount: &str, remittance: &str) -> CreditTransfer {
    CreditTransfer {
        party_id: PartyId::parse(party).unwrap(),
        end_to_end_id: party.to_string(),
        creditor_name: name.to_string(),
        iban: iban(iban_text),
        bic: bic.map(|code| Bic::parse(code).unwrap()),
        amount: Decimal::parse(amount).unwrap(),
        currency: Currency::EUR,
        remittance_information: remittance.to_string(),
    }
}

fn batch(transfers: Vec<CreditTransfer>) -> CreditTransferBatch {
    CreditTransferBatch {
        message_id: "LL-2026-H1-001".to_string(),
        creation_date_time: "2026-07-15T09:30:00".to_string(),
        initiating_party_name: "Northern Lights Records".to_string(),
        payment_information_id: "LL-2026-H1-001/1".to_string(),
        requested_execution_date: Date::parse("2026-07-17").unwrap(),
        debtor_name: "Northern Lights Records B.V.".to_string(),
        debtor_iban: iban("NL91ABNA0417164300"),
        debtor_bic: Some(Bic::parse("ABNANL2A").unwrap()),
        batch_booking: true,
        transfers,
    }
}

fn three_transfers() -> Vec<CreditTransfer> {
    vec![
        transfer("P001", "Ann Smith", "DE89 3704 0044 0532 0130 00", Some("COBADEFFXXX"), "0.1", "Royalties 2026-H1"),
        transfer("P002", "Zoë Ærøskøbing-Straße", "FR1420041010050500013M02606", None, "0.2", ""),
        transfer("P003", "Smith & Wesson <Music> Ltd", "CH9300762011623852957", Some("UBSWCHZH80A"), "1234567.89", "Statement 42 & more"),
    ]
}

#[test]
fn the_document_has_the_structure_counts_and_exact_control_sum() {
    let xml = pain_001(&batch(three_transfers())).unwrap_or_else(|error| panic!("{error}"));
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">"));
    assert!(xml.contains(PAIN_001_NAMESPACE));
    let leaves = leaves(&xml);

    assert_eq!(one(&leaves, &format!("{GROUP}/MsgId")), "LL-2026-H1-001");
    assert_eq!(one(&leaves, &format!("{GROUP}/CreDtTm")), "2026-07-15T09:30:00");
    assert_eq!(one(&leaves, &format!("{GROUP}/NbOfTxs")), "3");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/NbOfTxs")), "3");
    // 0.1 + 0.2 + 1234567.89, added exactly (binary floating point gives 1234568.1900000001).
    assert_eq!(one(&leaves, &format!("{GROUP}/CtrlSum")), "1234568.19");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/CtrlSum")), "1234568.19");
    assert_eq!(one(&leaves, &format!("{GROUP}/InitgPty/Nm")), "Northern Lights Records");

    assert_eq!(one(&leaves, &format!("{PAYMENT}/PmtInfId")), "LL-2026-H1-001/1");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/PmtMtd")), "TRF");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/BtchBookg")), "true");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/PmtTpInf/SvcLvl/Cd")), "SEPA");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/ReqdExctnDt/Dt")), "2026-07-17");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/Dbtr/Nm")), "Northern Lights Records B.V.");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/DbtrAcct/Id/IBAN")), "NL91ABNA0417164300");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/DbtrAgt/FinInstnId/BICFI")), "ABNANL2A");
    assert_eq!(one(&leaves, &format!("{PAYMENT}/ChrgBr")), "SLEV");

    assert_eq!(texts(&leaves, &format!("{TRANSFER}/PmtId/EndToEndId")), ["P001", "P002", "P003"]);
    assert_eq!(
        texts(&leaves, &format!("{TRANSFER}/CdtrAcct/Id/IBAN")),
        ["DE89370400440532013000", "FR1420041010050500013M02606", "CH9300762011623852957"]
    );
    let amounts: Vec<&Leaf> = leaves.iter().filter(|leaf| leaf.path == format!("{TRANSFER}/Amt/InstdAmt")).collect();
    assert_eq!(amounts.iter().map(|leaf| leaf.text.as_str()).collect::<Vec<_>>(), ["0.10", "0.20", "1234567.89"]);
    for amount in &amounts {
        assert_eq!(amount.attributes, [("Ccy".to_string(), "EUR".to_string())]);
    }
    // The control sum is the exact sum of the amounts as written.
    let sum: Decimal = amounts.iter().map(|leaf| Decimal::parse(&leaf.text).unwrap()).sum();
    assert_eq!(sum.format_fixed(2, Default::default()), one(&leaves, &format!("{GROUP}/CtrlSum")));

    // Creditor agents only where a BIC is known: transfers 1 and 3.
    assert_eq!(texts(&leaves, &format!("{TRANSFER}/CdtrAgt/FinInstnId/BICFI")), ["COBADEFFXXX", "UBSWCHZH80A"]);
    assert_eq!(
        texts(&leaves, &format!("{TRANSFER}/Cdtr/Nm")),
        ["Ann Smith", "Zoe AEroskobing-Strasse", "Smith + Wesson Music Ltd"]
    );
    // The empty remittance text of transfer 2 leaves RmtInf out.
    assert_eq!(texts(&leaves, &format!("{TRANSFER}/RmtInf/Ustrd")), ["Royalties 2026-H1", "Statement 42 + more"]);
    assert_eq!(xml.matches("<RmtInf>").count(), 2);
}

#[test]
fn elements_come_in_schema_order() {
    let xml = pain_001(&batch(three_transfers())).unwrap();
    let order: Vec<String> = leaves(&xml).into_iter().take(20).map(|leaf| leaf.path.rsplit('/').next().unwrap().to_string()).collect();
    assert_eq!(
        order,
        [
            "MsgId", "CreDtTm", "NbOfTxs", "CtrlSum", "Nm", // group header
            "PmtInfId", "PmtMtd", "BtchBookg", "NbOfTxs", "CtrlSum", "Cd", "Dt", "Nm", "IBAN", "BICFI", "ChrgBr", // payment information
            "EndToEndId", "InstdAmt", "BICFI", "Nm", // first transfer
        ]
    );
}

#[test]
fn a_small_batch_gives_exactly_this_document() {
    let mut small = batch(vec![transfer("P9", "O'Brien", "BE68539007547034", None, "12.5", "Royalties")]);
    small.debtor_bic = None;
    small.batch_booking = false;
    let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>LL-2026-H1-001</MsgId>
      <CreDtTm>2026-07-15T09:30:00</CreDtTm>
      <NbOfTxs>1</NbOfTxs>
      <CtrlSum>12.50</CtrlSum>
      <InitgPty>
        <Nm>Northern Lights Records</Nm>
      </InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>LL-2026-H1-001/1</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <BtchBookg>false</BtchBookg>
      <NbOfTxs>1</NbOfTxs>
      <CtrlSum>12.50</CtrlSum>
      <PmtTpInf>
        <SvcLvl>
          <Cd>SEPA</Cd>
        </SvcLvl>
      </PmtTpInf>
      <ReqdExctnDt>
        <Dt>2026-07-17</Dt>
      </ReqdExctnDt>
      <Dbtr>
        <Nm>Northern Lights Records B.V.</Nm>
      </Dbtr>
      <DbtrAcct>
        <Id>
          <IBAN>NL91ABNA0417164300</IBAN>
        </Id>
      </DbtrAcct>
      <DbtrAgt>
        <FinInstnId>
          <Othr>
            <Id>NOTPROVIDED</Id>
          </Othr>
        </FinInstnId>
      </DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>
      <CdtTrfTxInf>
        <PmtId>
          <EndToEndId>P9</EndToEndId>
        </PmtId>
        <Amt>
          <InstdAmt Ccy="EUR">12.50</InstdAmt>
        </Amt>
        <Cdtr>
          <Nm>O'Brien</Nm>
        </Cdtr>
        <CdtrAcct>
          <Id>
            <IBAN>BE68539007547034</IBAN>
          </Id>
        </CdtrAcct>
        <RmtInf>
          <Ustrd>Royalties</Ustrd>
        </RmtInf>
      </CdtTrfTxInf>
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
"#;
    assert_eq!(pain_001(&small).unwrap(), expected);
}

#[test]
fn names_and_remittance_text_are_cut_to_the_schema_lengths() {
    let long_name = format!("{} Orchestra", "Ö".repeat(75));
    let long_text = "Royalties ".repeat(20);
    let xml = pain_001(&batch(vec![transfer("P1", &long_name, "NL91ABNA0417164300", None, "1", &long_text)])).unwrap();
    let leaves = leaves(&xml);
    let name = one(&leaves, &format!("{TRANSFER}/Cdtr/Nm"));
    assert_eq!(name, "O".repeat(70));
    let remittance = one(&leaves, &format!("{TRANSFER}/RmtInf/Ustrd"));
    assert_eq!(remittance.len(), 139, "cut at 140, then the trailing space dropped");
    assert!(long_text.starts_with(&remittance));
}

#[test]
fn special_characters_never_break_the_document() {
    let names = ["A&B", "<script>", "Tom \"The Voice\" O'Neil", "]]> end", "Ω only ✓ 🎵 x"];
    let transfers = names
        .iter()
        .enumerate()
        .map(|(index, name)| transfer(&format!("P{index}"), name, "NL91ABNA0417164300", None, "1", name))
        .collect();
    let xml = pain_001(&batch(transfers)).unwrap();
    // Outside the EPC set, these characters never reach the document, so it needs no escapes.
    assert!(!xml.contains('&') && !xml.contains("<script>") && !xml.contains("]]>"), "{xml}");
    let expected = ["A+B", "script", "Tom 'The Voice' O'Neil", "end", "only x"];
    let leaves = leaves(&xml);
    assert_eq!(texts(&leaves, &format!("{TRANSFER}/Cdtr/Nm")), expected);
    assert_eq!(texts(&leaves, &format!("{TRANSFER}/RmtInf/Ustrd")), expected);
}

#[test]
fn the_same_batch_gives_the_same_bytes() {
    let first = pain_001(&batch(three_transfers())).unwrap();
    let second = pain_001(&batch(three_transfers()).clone()).unwrap();
    assert_eq!(first.as_bytes(), second.as_bytes());
    let mut reordered = three_transfers();
    reordered.reverse();
    assert_ne!(pain_001(&batch(reordered)).unwrap(), first, "transfers are written in the order given");
}

fn bban_iban(country: &str, bban: &str) -> Iban {
    let digits = iban_check_digits(country, bban).unwrap();
    iban(&format!("{country}{digits:02}{bban}"))
}

#[test]
fn every_problem_of_a_batch_is_refused_with_its_reason() {
    let mut transfers = three_transfers();
    transfers[0].currency = Currency::USD;
    transfers[1].amount = Decimal::ZERO;
    transfers[2].bic = None; // CH is outside the EEA: a BIC is required
    let mut cents = transfer("P004", "Ann", "NL91ABNA0417164300", None, "0.001", "");
    cents.end_to_end_id = "P001".to_string();
    let too_much = transfer("P005", "Bob", "NL91ABNA0417164300", None, "1000000000.00", "");
    let outside = transfer("P006", "Cy", &bban_iban("TR", "0006100519786457841326").to_string(), None, "5", "");
    let nameless = transfer("P007", "★★★", "NL91ABNA0417164300", None, "5", "");
    transfers.extend([cents, too_much, outside, nameless]);
    let mut bad = batch(transfers);
    bad.message_id = "LL_2026_H1".to_string();
    bad.payment_information_id = "/1".to_string();
    bad.creation_date_time = "2026-07-15 09:30".to_string();
    bad.debtor_iban = bban_iban("BR", "00360305000010009795493P1");

    let error = pain_001(&bad).unwrap_err();
    let messages: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "message id (MsgId) \"LL_2026_H1\" contains '_'; only letters A-Z, digits and / - ? : ( ) . , ' + and space are allowed",
            "payment information id (PmtInfId) \"/1\" starts or ends with '/'",
            "creation date and time \"2026-07-15 09:30\" is not an ISO 8601 date-time such as 2026-07-15T09:30:00 or 2026-07-15T09:30:00+02:00",
            "the debtor IBAN is from BR, which is not in the SEPA scheme",
            "transfer 1 (P001): the currency is USD; a SEPA credit transfer is in EUR only",
            "transfer 2 (P002): the amount 0 is not above zero",
            "transfer 3 (P003): the IBAN is from CH, a SEPA country outside the EEA, where the bank's BIC is required",
            "transfers 1 and 4 have the same end-to-end id \"P001\"",
            "transfer 4 (P001): the amount 0.001 has fractions of a cent; a SEPA amount has at most 2 decimals",
            "transfer 5 (P005): the amount 1000000000 is above 999999999.99, the most one SEPA transfer can carry",
            "transfer 6 (P006): the IBAN is from TR, which is not in the SEPA scheme",
            "transfer 7 (P007): creditor name \"★★★\" has no letter or digit a SEPA file can carry",
        ]
    );
    assert!(error.to_string().starts_with("cannot write the SEPA credit transfer file: message id (MsgId)"));
    assert!(matches!(error.problems[0], SepaProblem::BadIdentifier { .. }));
}

#[test]
fn the_largest_amount_and_an_identifier_of_35_characters_are_accepted() {
    let mut largest = transfer("P1", "Ann", "NL91ABNA0417164300", None, "999999999.99", "");
    largest.end_to_end_id = "E".repeat(35);
    let xml = pain_001(&batch(vec![largest.clone()])).unwrap();
    assert_eq!(one(&leaves(&xml), &format!("{TRANSFER}/Amt/InstdAmt")), "999999999.99");
    largest.end_to_end_id = "E".repeat(36);
    let error = pain_001(&batch(vec![largest])).unwrap_err();
    assert_eq!(error.problems[0].to_string(), format!("end-to-end id (EndToEndId) \"{}\" has 36 characters; at most 35 are allowed", "E".repeat(36)));
}

#[test]
fn an_empty_batch_is_refused() {
    let error = pain_001(&batch(Vec::new())).unwrap_err();
    assert_eq!(error.problems, [SepaProblem::NoTransfers]);
}

/// What `ledgerline payments sepa` writes: `LL-<period>-<day>-<sequence>` (the longest period,
/// `2026-Q3`, and a sequence past 9999 stay within 35 characters of the SEPA set) and the
/// creation time with its UTC offset.
#[test]
fn the_message_ids_and_creation_times_ledgerline_writes_are_accepted() {
    for message_id in ["LL-2026-H1-20261124-0001", "LL-2026-Q3-20261124-12345", "LL-2026-11-20261124-0002", "LL-2026-20261124-0003"] {
        assert!(message_id.len() <= 35);
        let mut written = batch(three_transfers());
        written.message_id = message_id.to_string();
        written.payment_information_id = message_id.to_string();
        written.creation_date_time = "2026-11-24T20:39:42+00:00".to_string();
        let xml = pain_001(&written).unwrap_or_else(|error| panic!("{message_id}: {error}"));
        let leaves = leaves(&xml);
        assert_eq!(one(&leaves, &format!("{GROUP}/MsgId")), message_id);
        assert_eq!(one(&leaves, &format!("{GROUP}/CreDtTm")), "2026-11-24T20:39:42+00:00");
        assert_eq!(one(&leaves, &format!("{PAYMENT}/PmtInfId")), message_id);
    }
}
