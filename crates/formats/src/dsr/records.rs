//! Record types, their cell layouts and the profiles that use them.
//!
//! A record's cells change between version suffixes, so dispatch is on the exact RecordType
//! string. Where the versions Ledgerline has seen agree on the position of every cell it reads,
//! they share a kind: `SY01.01`/`SY01.02`, `SY02.01`–`SY02.03`, `RE01`–`RE01.02`,
//! `AS01`–`AS01.02`, `AS02.02`/`AS02.03`, `SU01.01`/`SU01.02`, `SU02.01`/`SU02.02`,
//! `SU03.01`/`SU03.02`. Records whose read cells never moved (RE02, MW01, LI01, RU01, SR08) are
//! accepted with any two-digit suffix or none. Everything else is an unknown record: counted and
//! reported as a warning (Part 1 defines "Unknown Records"), never guessed at.
//!
//! Cell names are those of DSR Part 8 v1.4 (`samples/dsr/cells/part8_v1.4_record_cells.tsv`).

/// What a record is, once its RecordType is recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum RecordKind {
    Head,
    Foot,
    SingleRecordFoot,
    /// SY01: basic summary (one per commercial model, use type and territory).
    BasicSummary,
    /// SY02: summary with rights controller allocation (ad-supported, UGC).
    RightsControllerSummary,
    /// SY03.01: subscription summary with rights controller allocation.
    SubscriptionSummary,
    /// SY10: Part 9 summary with amounts in the currencies of transaction and accounting.
    FinancialSummary,
    /// RE01: the block's head release.
    Release,
    /// RE02: a sub-release (tracks sold on their own).
    SubRelease,
    /// AS01: a sound recording.
    SoundRecording,
    /// AS02: a sound recording and its musical work in one row.
    SoundRecordingWithWork,
    /// MW01: a musical work.
    MusicalWork,
    /// SU01: downloads.
    DownloadSales,
    /// SU02: streams.
    StreamUsages,
    /// SU03: UGC usages with their net revenue.
    UgcUsages,
    /// LI01: the licensors' split of a UGC block.
    LicensorShares,
    /// RU01: usages of UGC releases (user videos).
    UgcReleaseUsages,
    /// SR01: Basic Audio single-record download row.
    SingleRecordDownloads,
    /// SR02: Basic Audio single-record stream row.
    SingleRecordStreams,
    /// SR08: Part 9 sales row with its own money.
    FinancialSales,
}

/// Whether `record_type` is `family` with an optional `.NN` version suffix.
fn is_family(record_type: &str, family: &str) -> bool {
    match record_type.strip_prefix(family) {
        Some("") => true,
        Some(suffix) => {
            let bytes = suffix.as_bytes();
            bytes.len() == 3 && bytes[0] == b'.' && bytes[1].is_ascii_digit() && bytes[2].is_ascii_digit()
        }
        None => false,
    }
}

impl RecordKind {
    /// Recognises a RecordType cell.
    pub(crate) fn classify(record_type: &str) -> Option<RecordKind> {
        use RecordKind::*;
        let kind = match record_type {
            "HEAD" => Head,
            "FOOT" => Foot,
            "SRFO" => SingleRecordFoot,
            "SY01.01" | "SY01.02" => BasicSummary,
            "SY02.01" | "SY02.02" | "SY02.03" => RightsControllerSummary,
            "SY03.01" => SubscriptionSummary,
            "SY10" | "SY10.01" => FinancialSummary,
            "RE01" | "RE01.01" | "RE01.02" => Release,
            "AS01" | "AS01.01" | "AS01.02" => SoundRecording,
            "AS02.02" | "AS02.03" => SoundRecordingWithWork,
            "SU01.01" | "SU01.02" => DownloadSales,
            "SU02.01" | "SU02.02" => StreamUsages,
            "SU03.01" | "SU03.02" => UgcUsages,
            "SR01" | "SR01.01" => SingleRecordDownloads,
            "SR02" | "SR02.01" => SingleRecordStreams,
            other if is_family(other, "RE02") => SubRelease,
            other if is_family(other, "MW01") => MusicalWork,
            other if is_family(other, "LI01") => LicensorShares,
            other if is_family(other, "RU01") => UgcReleaseUsages,
            other if is_family(other, "SR08") => FinancialSales,
            _ => return None,
        };
        Some(kind)
    }

    pub(crate) fn is_summary(self) -> bool {
        matches!(
            self,
            RecordKind::BasicSummary
                | RecordKind::RightsControllerSummary
                | RecordKind::SubscriptionSummary
                | RecordKind::FinancialSummary
        )
    }

    /// Records that carry usages or sales: refused, not ignored, when their profile does not
    /// use them, because ignoring them would silently drop sales.
    pub(crate) fn carries_usage(self) -> bool {
        matches!(
            self,
            RecordKind::DownloadSales
                | RecordKind::StreamUsages
                | RecordKind::UgcUsages
                | RecordKind::UgcReleaseUsages
                | RecordKind::SingleRecordDownloads
                | RecordKind::SingleRecordStreams
                | RecordKind::FinancialSales
        )
    }

    /// The cell names, RecordType first, so `cell_names()[column - 1]` names a column.
    pub(crate) fn cell_names(self) -> &'static [&'static str] {
        match self {
            RecordKind::Head => HEAD_CELLS,
            RecordKind::Foot => FOOT_CELLS,
            RecordKind::SingleRecordFoot => SINGLE_RECORD_FOOT_CELLS,
            RecordKind::BasicSummary => BASIC_SUMMARY_CELLS,
            RecordKind::RightsControllerSummary => RIGHTS_CONTROLLER_SUMMARY_CELLS,
            RecordKind::SubscriptionSummary => SUBSCRIPTION_SUMMARY_CELLS,
            RecordKind::FinancialSummary => FINANCIAL_SUMMARY_CELLS,
            RecordKind::Release => RELEASE_CELLS,
            RecordKind::SubRelease => SUB_RELEASE_CELLS,
            RecordKind::SoundRecording => SOUND_RECORDING_CELLS,
            RecordKind::SoundRecordingWithWork => SOUND_RECORDING_WITH_WORK_CELLS,
            RecordKind::MusicalWork => MUSICAL_WORK_CELLS,
            RecordKind::DownloadSales => DOWNLOAD_SALES_CELLS,
            RecordKind::StreamUsages => STREAM_USAGES_CELLS,
            RecordKind::UgcUsages => UGC_USAGES_CELLS,
            RecordKind::LicensorShares => LICENSOR_SHARES_CELLS,
            RecordKind::UgcReleaseUsages => UGC_RELEASE_USAGES_CELLS,
            RecordKind::SingleRecordDownloads => SINGLE_RECORD_DOWNLOADS_CELLS,
            RecordKind::SingleRecordStreams => SINGLE_RECORD_STREAMS_CELLS,
            RecordKind::FinancialSales => FINANCIAL_SALES_CELLS,
        }
    }

    /// The name of a column, when the layout has one.
    pub(crate) fn cell_name(self, column: usize) -> Option<&'static str> {
        column.checked_sub(1).and_then(|index| self.cell_names().get(index)).copied()
    }
}

/// The profiles Ledgerline reads (HEAD cell `Profile`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Profile {
    /// Part 3, multi-record blocks.
    BasicAudio,
    /// Part 3, single-record variant (SR01/SR02 rows, SRFO footer).
    BasicAudioSingleRecord,
    /// Part 4.
    Ugc,
    /// Part 9, Financial Reporting to Record Companies (SY10 + SR08, SRFO footer).
    FinancialReporting,
}

impl Profile {
    /// Recognises the HEAD `Profile` cell. Letter case is ignored because real files write
    /// `UGCProfile` for `UgcProfile`.
    pub(crate) fn parse(text: &str) -> Option<Profile> {
        let lower = text.trim().to_ascii_lowercase();
        match lower.as_str() {
            "basicaudioprofile" => Some(Profile::BasicAudio),
            "basicaudioprofilesrb" => Some(Profile::BasicAudioSingleRecord),
            "ugcprofile" => Some(Profile::Ugc),
            "financialreportingtorecordcompaniesprofile" | "financialreportingtorecordcompaniesprofilesrb" => {
                Some(Profile::FinancialReporting)
            }
            _ => None,
        }
    }

    /// The profile's name as DDEX spells it, for [`crate::FormatId`].
    pub(crate) fn canonical_name(self) -> &'static str {
        match self {
            Profile::BasicAudio => "BasicAudioProfile",
            Profile::BasicAudioSingleRecord => "BasicAudioProfileSRB",
            Profile::Ugc => "UgcProfile",
            Profile::FinancialReporting => "FinancialReportingToRecordCompaniesProfileSRB",
        }
    }

    /// Basic Audio puts the money on summary records, so its rows' shares are only known after
    /// a first read has totalled the usages.
    pub(crate) fn money_on_summary_records(self) -> bool {
        matches!(self, Profile::BasicAudio | Profile::BasicAudioSingleRecord)
    }

    /// Whether a record kind belongs to the profile. HEAD and the footers are handled apart.
    pub(crate) fn uses(self, kind: RecordKind) -> bool {
        use RecordKind::*;
        match self {
            Profile::BasicAudio | Profile::BasicAudioSingleRecord => matches!(
                kind,
                BasicSummary
                    | RightsControllerSummary
                    | SubscriptionSummary
                    | Release
                    | SubRelease
                    | SoundRecording
                    | SoundRecordingWithWork
                    | MusicalWork
                    | DownloadSales
                    | StreamUsages
                    | SingleRecordDownloads
                    | SingleRecordStreams
            ),
            Profile::Ugc => matches!(
                kind,
                BasicSummary
                    | RightsControllerSummary
                    | SubscriptionSummary
                    | Release
                    | SoundRecording
                    | SoundRecordingWithWork
                    | MusicalWork
                    | UgcUsages
                    | LicensorShares
                    | UgcReleaseUsages
            ),
            Profile::FinancialReporting => matches!(kind, FinancialSummary | FinancialSales),
        }
    }
}

pub(crate) const HEAD_CELLS: &[&str] = &[
    "RecordType",
    "MessageVersion",
    "Profile",
    "ProfileVersion",
    "MessageId",
    "MessageCreatedDateTime",
    "FileNumber",
    "NumberOfFiles",
    "UsageStartDate",
    "UsageEndDate",
    "SenderPartyId",
    "SenderName",
    "ServiceDescription",
    "RecipientPartyId",
    "RecipientName",
    "RepresentedRepertoire",
];

const FOOT_CELLS: &[&str] = &[
    "RecordType",
    "NumberOfLinesInFile",
    "NumberOfLinesInReport",
    "NumberOfSummaryRecords",
    "NumberOfBlocksInFile",
    "NumberOfBlocksInReport",
];

const SINGLE_RECORD_FOOT_CELLS: &[&str] = &["RecordType", "NumberOfLinesInReport", "NumberOfSummaryRecords"];

const BASIC_SUMMARY_CELLS: &[&str] = &[
    "RecordType",
    "SummaryRecordId",
    "DistributionChannel",
    "DistributionChannelDPID",
    "CommercialModel",
    "UseType",
    "Territory",
    "ServiceDescription",
    "TotalUsages",
    "Subscribers",
    "CurrencyOfReporting",
    "NetRevenue",
    "IndirectValue",
    "CurrencyOfTransaction",
    "ExchangeRate",
];

const RIGHTS_CONTROLLER_SUMMARY_CELLS: &[&str] = &[
    "RecordType",
    "SummaryRecordId",
    "DistributionChannel",
    "DistributionChannelDPID",
    "CommercialModel",
    "UseType",
    "Territory",
    "ServiceDescription",
    "TotalUsages",
    "Users",
    "CurrencyOfReporting",
    "NetRevenue",
    "RightsController",
    "RightsControllerPartyId",
    "AllocatedUsages",
    "AllocatedRevenue",
    "AllocatedNetRevenue",
    "RightsType",
    "ContentCategory",
    "CurrencyOfTransaction",
    "ExchangeRate",
    "RightsTypePercentage",
];

const SUBSCRIPTION_SUMMARY_CELLS: &[&str] = &[
    "RecordType",
    "SummaryRecordId",
    "DistributionChannel",
    "DistributionChannelDPID",
    "CommercialModel",
    "UseType",
    "Territory",
    "ServiceDescription",
    "TotalUsages",
    "Subscribers",
    "CurrencyOfReporting",
    "NetRevenue",
    "RightsController",
    "RightsControllerPartyId",
    "AllocatedUsages",
    "AllocatedRevenue",
    "AllocatedNetRevenue",
    "RightsControllerMarketShare",
    "ConsumerPaidUnitPrice",
    "FreeOrTrialSubscribers",
    "CurrencyOfTransaction",
    "ExchangeRate",
    "SubscriberType",
];

const FINANCIAL_SUMMARY_CELLS: &[&str] = &[
    "RecordType",
    "SummaryRecordId",
    "DistributionChannel",
    "DistributionChannelDPID",
    "CommercialModel",
    "UseType",
    "ReportingPeriodStartDate",
    "ReportingPeriodEndDate",
    "SubscriberType",
    "Subscribers",
    "ActiveSubscribers",
    "PromotionalActivity",
    "Territory",
    "ServiceDescription",
    "OfferType",
    "Quality",
    "TotalUsages",
    "AllocatedUsages",
    "Returns",
    "MusicUsagePercentage",
    "CurrencyOfTransaction",
    "CurrencyOfAccounting",
    "ExchangeRate",
    "ExchangeRateSource",
    "DateOfCurrencyExchange",
    "GrossRevenueInCurrencyOfTransaction",
    "GrossRevenueInCurrencyOfAccounting",
    "CalculationType",
    "CalculationValue",
    "DeductionType",
    "DeductionsInCurrencyOfTransaction",
    "DeductionsInCurrencyOfAccounting",
    "NetRevenueInCurrencyOfTransaction",
    "NetRevenueInCurrencyOfAccounting",
    "AllocatedRevenueInCurrencyOfTransaction",
    "AllocatedRevenueInCurrencyOfAccounting",
    "AllocatedNetRevenueInCurrencyOfTransaction",
    "AllocatedNetRevenueInCurrencyOfAccounting",
    "RightsControllerMarketShare",
    "SubscriptionFeeInCurrencyOfTransaction",
    "SubscriptionFeeInCurrencyOfAccounting",
    "UsageIndependentFeeType",
    "UsageIndependentFeeInCurrencyOfTransaction",
    "UsageIndependentFeeInCurrencyOfAccounting",
    "FinalTotalAmountInCurrencyOfTransaction",
    "FinalTotalAmountInCurrencyOfAccounting",
];

const RELEASE_CELLS: &[&str] = &[
    "RecordType",
    "BlockId",
    "ReleaseReference",
    "DspReleaseId",
    "ProprietaryReleaseId",
    "ReleaseCatalogNumber",
    "ReleaseICPN",
    "ReleaseDisplayArtistName",
    "ReleaseDisplayArtistPartyId",
    "ReleaseTitle",
    "ReleaseSubTitle",
    "ReleaseType",
    "ReleaseLabelName",
    "ReleasePLine",
    "DataProviderName",
    "ReleaseDate",
];

const SUB_RELEASE_CELLS: &[&str] =
    &["RecordType", "BlockId", "ReleaseReference", "DspSubReleaseId", "ProprietarySubReleaseId", "UsedResources"];

const SOUND_RECORDING_CELLS: &[&str] = &[
    "RecordType",
    "BlockId",
    "ResourceReference",
    "DspResourceId",
    "ResourceISRC",
    "ResourceTitle",
    "ResourceSubTitle",
    "ResourceDisplayArtistName",
    "ResourceDisplayArtistPartyId",
    "ResourceDuration",
    "ResourceType",
    "IsMasterRecording",
    "IsSubjectToOwnershipConflict",
    "LastConflictCheck",
];

const SOUND_RECORDING_WITH_WORK_CELLS: &[&str] = &[
    "RecordType",
    "BlockId",
    "ResourceReference",
    "DspResourceId",
    "ResourceISRC",
    "ResourceTitle",
    "ResourceSubTitle",
    "ResourceDisplayArtistName",
    "ResourceDisplayArtistPartyId",
    "ResourceDuration",
    "ResourceType",
    "MusicalWorkISWC",
    "MusicalWorkComposerAuthorName",
    "MusicalWorkComposerAuthorPartyId",
    "MusicalWorkArrangerName",
    "MusicalWorkArrangerPartyId",
    "MusicPublisherName",
    "MusicPublisherPartyId",
    "MusicalWorkContributorName",
    "MusicalWorkContributorPartyId",
    "ProprietaryMusicalWorkId",
    "IsMasterRecording",
    "IsSubjectToOwnershipConflict",
    "LastConflictCheck",
];

const MUSICAL_WORK_CELLS: &[&str] = &[
    "RecordType",
    "BlockId",
    "DspMusicalWorkId",
    "MusicalWorkISWC",
    "MusicalWorkTitle",
    "MusicalWorkSubTitle",
    "MusicalWorkComposerAuthorName",
    "MusicalWorkComposerAuthorPartyId",
    "MusicalWorkArrangerName",
    "MusicalWorkArrangerPartyId",
    "MusicPublisherName",
    "MusicPublisherPartyId",
    "MusicalWorkContributorName",
    "MusicalWorkContributorPartyId",
    "DataProviderName",
    "ProprietaryMusicalWorkId",
    "ResourceReference",
    "ParentLicensorDataRecordId",
    "ParentMasterlistId",
];

const DOWNLOAD_SALES_CELLS: &[&str] = &[
    "RecordType",
    "BlockId",
    "SummaryRecordId",
    "SalesTransactionId",
    "TransactedRelease",
    "TransactedResource",
    "IsRoyaltyBearing",
    "SalesUpgrade",
    "Usages",
    "Returns",
    "PriceConsumerPaidExcSalesTax",
    "PromotionalActivity",
    "UseType",
];

const STREAM_USAGES_CELLS: &[&str] = &[
    "RecordType",
    "BlockId",
    "SummaryRecordId",
    "SalesTransactionId",
    "TransactedRelease",
    "TransactedResource",
    "IsRoyaltyBearing",
    "NumberOfStreams",
    "PriceConsumerPaidExcSalesTax",
    "PromotionalActivity",
    "UseType",
];

const UGC_USAGES_CELLS: &[&str] = &[
    "RecordType",
    "BlockId",
    "SalesTransactionId",
    "SummaryRecordId",
    "DspResourceId",
    "Usages",
    "NetRevenue",
    "ValidityPeriodStart",
    "ValidityPeriodEnd",
    "ContentCategory",
    "IsRoyaltyBearing",
];

const LICENSOR_SHARES_CELLS: &[&str] = &[
    "RecordType",
    "BlockId",
    "SummaryRecordId",
    "RightsController",
    "RightsControllerPartyId",
    "RightsControllerWorkId",
    "RightShare",
    "RightsType",
    "AllocatedNetRevenue",
    "AllocatedAmount",
    "AllocatedUsages",
    "ParentSalesTransactionId",
    "LicensorDataRecordId",
];

const UGC_RELEASE_USAGES_CELLS: &[&str] = &[
    "RecordType",
    "BlockId",
    "SummaryRecordId",
    "DspReleaseId",
    "Usages",
    "ContentCategory",
    "ParentResourceReference",
];

/// The cells SR01 and SR02 share before their sales cells.
macro_rules! single_record_resource_and_release_cells {
    ($($tail:literal),* $(,)?) => {
        &[
            "RecordType", "SummaryRecordId", "DspResourceId", "ISRC", "ResourceTitle", "ResourceSubTitle",
            "ResourceDisplayArtistName", "ResourceDisplayArtistPartyId", "Duration", "ResourceType",
            "ProprietaryWorkId", "ISWC", "ComposerAuthorName", "ComposerAuthorPartyId", "ArrangerName",
            "ArrangerPartyId", "MusicPublisherName", "MusicPublisherPartyId", "WorkContributorName",
            "WorkContributorPartyId", "DspReleaseId", "ProprietaryReleaseId", "ReleaseCatalogNumber", "ICPN",
            "ReleaseDisplayArtistName", "ReleaseDisplayArtistPartyId", "ReleaseTitle", "ReleaseSubTitle",
            "ReleaseType", "ReleaseLabelName", "PLine", "ReleaseDataProviderName", $($tail),*
        ]
    };
}

const SINGLE_RECORD_DOWNLOADS_CELLS: &[&str] = single_record_resource_and_release_cells!(
    "NumberOfTransactedResources",
    "SalesTransactionId",
    "IsRoyaltyBearing",
    "SalesUpgrade",
    "Downloads",
    "Returns",
    "PriceConsumerPaidExcSalesTax",
    "CalculatedPriceConsumerPaidForResourceExcSalesTax",
    "PromotionalActivity",
    "ReleaseDate",
    "UseType",
);

const SINGLE_RECORD_STREAMS_CELLS: &[&str] = single_record_resource_and_release_cells!(
    "SalesTransactionId",
    "IsRoyaltyBearing",
    "NumberOfStreams",
    "PromotionalActivity",
    "ReleaseDate",
    "UseType",
    "PriceConsumerPaidExcSalesTax",
);

const FINANCIAL_SALES_CELLS: &[&str] = &[
    "RecordType",
    "SalesTransactionId",
    "GRid",
    "ICPN",
    "DspReleaseId",
    "LabelReleaseId",
    "ProprietaryReleaseId",
    "ContextReleaseGRid",
    "ReleaseType",
    "ReleaseTitle",
    "ReleaseSubTitle",
    "ReleaseDisplayArtistName",
    "ReleaseDisplayArtistPartyId",
    "ISRC",
    "ISAN",
    "DspResourceId",
    "LabelResourceId",
    "ProprietaryResourceId",
    "ResourceContextReleaseGRid",
    "ResourceType",
    "ResourceTitle",
    "ResourceSubTitle",
    "ResourceDisplayArtistName",
    "ResourceDisplayArtistPartyId",
    "SummaryRecordId",
    "SalesTransactionDate",
    "Usages",
    "Returns",
    "NetUsage",
    "WholesalePriceInCurrencyOfTransaction",
    "WholesalePriceInCurrencyOfAccounting",
    "SuggestedConsumerPriceInCurrencyOfTransaction",
    "SuggestedConsumerPriceInCurrencyOfAccounting",
    "PriceType",
    "PriceRangeType",
    "PriceConsumerPaidExcSalesTaxInCurrencyOfTransaction",
    "PriceConsumerPaidExcSalesTaxInCurrencyOfAccounting",
    "DeductionType",
    "DeductionsInCurrencyOfTransaction",
    "DeductionsInCurrencyOfAccounting",
    "RightSharePercentage",
    "CalculatedUnitPriceInCurrencyOfTransaction",
    "CalculatedUnitPriceInCurrencyOfAccounting",
    "AllocatedRevenueInCurrencyOfTransaction",
    "AllocatedRevenueInCurrencyOfAccounting",
    "AllocatedNetRevenueInCurrencyOfTransaction",
    "AllocatedNetRevenueInCurrencyOfAccounting",
    "CopyrightObligationWithDSP",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_is_on_the_exact_version() {
        assert_eq!(RecordKind::classify("SY01.02"), Some(RecordKind::BasicSummary));
        assert_eq!(RecordKind::classify("SY01.03"), None);
        assert_eq!(RecordKind::classify("SU02.03"), None);
        assert_eq!(RecordKind::classify("RU01"), Some(RecordKind::UgcReleaseUsages));
        assert_eq!(RecordKind::classify("LI01.03"), Some(RecordKind::LicensorShares));
        assert_eq!(RecordKind::classify("LI01.3"), None);
        assert_eq!(RecordKind::classify("SR08.01"), Some(RecordKind::FinancialSales));
    }

    #[test]
    fn layouts_have_the_documented_cell_counts() {
        assert_eq!(HEAD_CELLS.len(), 16);
        assert_eq!(FINANCIAL_SUMMARY_CELLS.len(), 46);
        assert_eq!(FINANCIAL_SALES_CELLS.len(), 48);
        assert_eq!(SINGLE_RECORD_DOWNLOADS_CELLS.len(), 43);
        assert_eq!(SINGLE_RECORD_STREAMS_CELLS.len(), 39);
        assert_eq!(RecordKind::StreamUsages.cell_name(8), Some("NumberOfStreams"));
        assert_eq!(RecordKind::FinancialSales.cell_name(47), Some("AllocatedNetRevenueInCurrencyOfAccounting"));
        assert_eq!(RecordKind::FinancialSummary.cell_name(38), Some("AllocatedNetRevenueInCurrencyOfAccounting"));
    }
}
