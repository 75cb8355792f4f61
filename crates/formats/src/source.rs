//! Opening a report file: decompression (gzip; ZIP with one or several members) and text
//! decoding (UTF-8 with or without BOM, UTF-16LE/BE with BOM, Windows-1252 when the bytes are
//! not UTF-8), streaming, so memory does not grow with the file.
//!
//! A report file becomes one or more [`ReportPart`]s (a ZIP gives one per member). A part can
//! be opened any number of times; each opening yields the decoded UTF-8 text from the start,
//! which is what the two-pass DSR allocation needs.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use flate2::read::MultiGzDecoder;

/// How the bytes on disk are packed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    None,
    Gzip,
    Zip,
}

/// How the text is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    Utf8WithBom,
    Utf16LeWithBom,
    Utf16BeWithBom,
    Windows1252,
}

impl TextEncoding {
    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 | TextEncoding::Utf8WithBom => UTF_8,
            TextEncoding::Utf16LeWithBom => UTF_16LE,
            TextEncoding::Utf16BeWithBom => UTF_16BE,
            TextEncoding::Windows1252 => WINDOWS_1252,
        }
    }

    fn bom_length(self) -> usize {
        match self {
            TextEncoding::Utf8WithBom => 3,
            TextEncoding::Utf16LeWithBom | TextEncoding::Utf16BeWithBom => 2,
            TextEncoding::Utf8 | TextEncoding::Windows1252 => 0,
        }
    }
}

/// Why a report cannot be opened or read as text.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: io::Error,
    },
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: not a ZIP archive that can be read: {reason}")]
    BadZip { file: String, reason: String },
    #[error("{file}: a damaged XLSX workbook that cannot be read (truncated or corrupt): {reason}")]
    BadXlsx { file: String, reason: String },
    #[error("{file}: the ZIP archive holds no report (members: {members})")]
    NoReportInZip { file: String, members: String },
    #[error("{file}: this is a binary file, not a text report (a zero byte at offset {offset})")]
    Binary { file: String, offset: usize },
}

/// Bytes examined to decide the encoding; also enough to see a header and a few rows.
const SNIFF_BYTES: usize = 64 * 1024;
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// Where a part's bytes come from: the file itself, or a ZIP member extracted to a temporary
/// file (ZIP members cannot be streamed twice without re-reading the archive).
#[derive(Clone, Debug)]
enum Origin {
    Path(PathBuf),
    Extracted(Arc<tempfile::TempPath>),
}

impl Origin {
    fn path(&self) -> &Path {
        match self {
            Origin::Path(path) => path,
            Origin::Extracted(temporary) => temporary,
        }
    }
}

/// Told how far a reading of a part has got: `(bytes read, bytes in the file)`, counted on the
/// stored (possibly compressed) file. Each opening of a part starts again from 0, so a
/// two-pass parser reports two sweeps.
#[derive(Clone)]
pub struct ProgressHook(Arc<dyn Fn(u64, u64) + Send + Sync>);

impl ProgressHook {
    pub fn new(hook: impl Fn(u64, u64) + Send + Sync + 'static) -> ProgressHook {
        ProgressHook(Arc::new(hook))
    }
}

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("ProgressHook")
    }
}

/// Reports every read to a [`ProgressHook`].
struct CountingReader<R> {
    inner: R,
    read_so_far: u64,
    total: u64,
    hook: ProgressHook,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.read_so_far += read as u64;
        (self.hook.0)(self.read_so_far, self.total);
        Ok(read)
    }
}

/// Shown every byte a reading takes at one layer (the stored file, or the part unpacked: see
/// [`Taps`]), in order from the first, then an empty slice once the reading has met that layer's
/// end. The importer hashes the file and its report this way while it parses them, instead of
/// reading them a second time.
pub struct RawTap(Box<TapFunction>);

type TapFunction = dyn FnMut(&[u8]) + Send;

impl RawTap {
    pub fn new(tap: impl FnMut(&[u8]) + Send + 'static) -> RawTap {
        RawTap(Box::new(tap))
    }
}

/// The taps of one reading of a part (see [`ReportPart::open_text_tapped`]).
#[derive(Default)]
pub struct Taps {
    /// Shown the stored file's bytes (compressed, for a gzip file).
    pub file: Option<RawTap>,
    /// Shown the part's bytes once unpacked (see [`ReportPart::open_unpacked`]).
    pub unpacked: Option<RawTap>,
}

/// Shows every read to a [`RawTap`].
struct TappedReader<R> {
    inner: R,
    tap: RawTap,
}

impl<R: Read> Read for TappedReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        // A read into an empty buffer says nothing of the end.
        if !buffer.is_empty() {
            (self.tap.0)(&buffer[..read]);
        }
        Ok(read)
    }
}

/// One report inside a file: the whole file, or one member of a ZIP.
#[derive(Clone, Debug)]
pub struct ReportPart {
    /// `name.csv`, or `archive.zip!member.csv`.
    pub label: String,
    /// The member name for ZIP members, otherwise the file name.
    pub name: String,
    /// Outer packing of the file this part came from, then of the part itself.
    pub compression: Compression,
    pub encoding: TextEncoding,
    origin: Origin,
    gzip: bool,
    /// An XLSX workbook: read as sheet rows (`crate::xlsx`), never as text.
    xlsx: bool,
    progress: Option<ProgressHook>,
}

fn io_error(file: &str) -> impl FnOnce(io::Error) -> SourceError + '_ {
    move |source| SourceError::Io { file: file.to_string(), source }
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Reads up to `limit` bytes (fewer only at the end of the stream).
fn read_prefix(reader: &mut impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(limit);
    reader.take(limit as u64).read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// Members of a ZIP that are never sales reports (FUGA's monthly ZIP carries a self-billing PDF).
fn is_ignored_member(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with('/')
        || lower.starts_with("__macosx/")
        || lower.rsplit('/').next().is_some_and(|base| base.starts_with('.'))
        || [".pdf", ".png", ".jpg", ".jpeg", ".html", ".htm", ".xml", ".json", ".xls", ".xlsx", ".doc", ".docx"]
            .iter()
            .any(|extension| lower.ends_with(extension))
}

/// Opens a report file and lists its parts, each with its encoding decided.
pub fn open_report(path: &Path, label: &str) -> Result<Vec<ReportPart>, SourceError> {
    let mut file = File::open(path).map_err(io_error(label))?;
    let magic = read_prefix(&mut file, 4).map_err(io_error(label))?;
    if magic.is_empty() {
        return Err(SourceError::Empty { file: label.to_string() });
    }
    if is_zip(&magic) {
        return open_zip(path, label);
    }

    let name = path.file_name().map_or_else(|| label.to_string(), |name| name.to_string_lossy().into_owned());
    let gzip = is_gzip(&magic);
    let part = ReportPart {
        label: label.to_string(),
        name,
        compression: if gzip { Compression::Gzip } else { Compression::None },
        encoding: TextEncoding::Utf8,
        origin: Origin::Path(path.to_path_buf()),
        gzip,
        xlsx: false,
        progress: None,
    };
    Ok(vec![part.with_sniffed_encoding()?])
}

/// Whether a ZIP file's first entry belongs to an Office Open XML package (`[Content_Types].xml`,
/// `xl/…`): an XLSX workbook, even one too damaged to list its members.
fn looks_like_xlsx(path: &Path, label: &str) -> Result<bool, SourceError> {
    let mut file = File::open(path).map_err(io_error(label))?;
    let head = read_prefix(&mut file, 30 + 512).map_err(io_error(label))?;
    Ok(crate::xlsx::first_member_is_ooxml(&head))
}

fn open_zip(path: &Path, label: &str) -> Result<Vec<ReportPart>, SourceError> {
    let file = File::open(path).map_err(io_error(label))?;
    let bad_zip = |error: zip::result::ZipError| SourceError::BadZip { file: label.to_string(), reason: error.to_string() };
    let xlsx_by_first_entry = looks_like_xlsx(path, label)?;
    let mut archive = match zip::ZipArchive::new(BufReader::new(file)) {
        Ok(archive) => archive,
        Err(error) if xlsx_by_first_entry => return Err(SourceError::BadXlsx { file: label.to_string(), reason: error.to_string() }),
        Err(error) => return Err(bad_zip(error)),
    };
    if xlsx_by_first_entry || crate::xlsx::archive_is_xlsx(&archive) {
        // Checked now, so that a damaged workbook is refused when it is opened.
        crate::xlsx::Workbook::open(path, label)?;
        let name = path.file_name().map_or_else(|| label.to_string(), |name| name.to_string_lossy().into_owned());
        return Ok(vec![ReportPart {
            label: label.to_string(),
            name,
            compression: Compression::Zip,
            encoding: TextEncoding::Utf8,
            origin: Origin::Path(path.to_path_buf()),
            gzip: false,
            xlsx: true,
            progress: None,
        }]);
    }
    let mut parts = Vec::new();
    let mut member_names = Vec::new();
    for index in 0..archive.len() {
        let mut member = archive.by_index(index).map_err(bad_zip)?;
        let member_name = member.name().map_err(bad_zip)?.into_owned();
        member_names.push(member_name.clone());
        if member.is_dir() || is_ignored_member(&member_name) {
            continue;
        }
        let member_label = format!("{label}!{member_name}");
        let mut temporary = tempfile::NamedTempFile::new().map_err(io_error(&member_label))?;
        io::copy(&mut member, temporary.as_file_mut()).map_err(io_error(&member_label))?;
        let temporary_path = temporary.into_temp_path();
        let mut extracted = File::open(&temporary_path).map_err(io_error(&member_label))?;
        let magic = read_prefix(&mut extracted, 4).map_err(io_error(&member_label))?;
        if magic.is_empty() {
            continue;
        }
        let gzip = is_gzip(&magic);
        let part = ReportPart {
            label: member_label,
            name: member_name.rsplit('/').next().unwrap_or(&member_name).to_string(),
            compression: Compression::Zip,
            encoding: TextEncoding::Utf8,
            origin: Origin::Extracted(Arc::new(temporary_path)),
            gzip,
            xlsx: false,
            progress: None,
        };
        parts.push(part.with_sniffed_encoding()?);
    }
    if parts.is_empty() {
        return Err(SourceError::NoReportInZip { file: label.to_string(), members: member_names.join(", ") });
    }
    Ok(parts)
}

/// Decides the encoding from a BOM, else from whether the first 64 KiB are valid UTF-8.
pub fn sniff_encoding(sample: &[u8], sample_is_whole_file: bool) -> TextEncoding {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return TextEncoding::Utf8WithBom;
    }
    if sample.starts_with(&[0xFF, 0xFE]) {
        return TextEncoding::Utf16LeWithBom;
    }
    if sample.starts_with(&[0xFE, 0xFF]) {
        return TextEncoding::Utf16BeWithBom;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => TextEncoding::Utf8,
        // A multi-byte character cut by the end of the sample is still UTF-8.
        Err(error) if error.error_len().is_none() && !sample_is_whole_file => TextEncoding::Utf8,
        Err(_) => TextEncoding::Windows1252,
    }
}

impl ReportPart {
    /// Whether the part is an XLSX workbook (read with [`crate::xlsx`], not as text).
    pub fn is_xlsx(&self) -> bool {
        self.xlsx
    }

    /// Opens an XLSX part as a workbook.
    pub fn open_workbook(&self) -> Result<crate::xlsx::Workbook, SourceError> {
        crate::xlsx::Workbook::open(self.origin.path(), &self.label)
    }

    /// Reports progress of every later opening to `hook`.
    pub fn with_progress(mut self, hook: ProgressHook) -> ReportPart {
        self.progress = Some(hook);
        self
    }

    /// Whether an opening of the part reads the stored file from its first byte to its last, so
    /// that a [`RawTap`] given to [`open_text_tapped`](ReportPart::open_text_tapped) sees the
    /// whole file: a file read as it is or through gzip, not a ZIP member or a workbook.
    pub fn reads_whole_file(&self) -> bool {
        matches!(self.origin, Origin::Path(_)) && !self.xlsx
    }

    fn open_bytes(&self) -> io::Result<Box<dyn Read + Send>> {
        self.open_bytes_tapped(Taps::default())
    }

    /// Whether the part's bytes, unpacked, are the file's own bytes (a file neither gzipped
    /// nor a ZIP member): then the part's hash is the file's.
    pub fn is_the_file(&self) -> bool {
        matches!(self.origin, Origin::Path(_)) && !self.gzip
    }

    /// The part's bytes once unpacked (gunzipped, taken out of its ZIP), not decoded: what
    /// identifies the report whatever packaging it came in.
    pub fn open_unpacked(&self) -> Result<Box<dyn Read + Send>, SourceError> {
        self.open_bytes().map_err(io_error(&self.label))
    }

    fn open_bytes_tapped(&self, taps: Taps) -> io::Result<Box<dyn Read + Send>> {
        fn tapped(inner: Box<dyn Read + Send>, tap: Option<RawTap>) -> Box<dyn Read + Send> {
            match tap {
                Some(tap) => Box::new(TappedReader { inner, tap }),
                None => inner,
            }
        }
        let file = File::open(self.origin.path())?;
        let total = match &self.progress {
            Some(_) => file.metadata()?.len(),
            None => 0,
        };
        let file = tapped(Box::new(file), taps.file);
        let stored: Box<dyn Read + Send> = match &self.progress {
            Some(hook) => Box::new(CountingReader { inner: file, read_so_far: 0, total, hook: hook.clone() }),
            None => file,
        };
        let unpacked: Box<dyn Read + Send> = if self.gzip {
            Box::new(MultiGzDecoder::new(BufReader::with_capacity(READ_BUFFER_BYTES, stored)))
        } else {
            stored
        };
        Ok(tapped(unpacked, taps.unpacked))
    }

    fn with_sniffed_encoding(mut self) -> Result<ReportPart, SourceError> {
        let mut bytes = self.open_bytes().map_err(io_error(&self.label))?;
        let sample = read_prefix(&mut bytes, SNIFF_BYTES).map_err(|error| self.read_error(error))?;
        if sample.is_empty() {
            return Err(SourceError::Empty { file: self.label.clone() });
        }
        self.encoding = sniff_encoding(&sample, sample.len() < SNIFF_BYTES);
        let utf16 = matches!(self.encoding, TextEncoding::Utf16LeWithBom | TextEncoding::Utf16BeWithBom);
        if !utf16 {
            if let Some(offset) = memchr::memchr(0, &sample) {
                return Err(SourceError::Binary { file: self.label.clone(), offset });
            }
        }
        Ok(self)
    }

    fn read_error(&self, error: io::Error) -> SourceError {
        let source = if self.gzip && error.kind() == io::ErrorKind::UnexpectedEof {
            io::Error::new(io::ErrorKind::UnexpectedEof, "the gzip stream is truncated (the file was cut short)")
        } else {
            error
        };
        SourceError::Io { file: self.label.clone(), source }
    }

    /// The decoded text from the start: UTF-8, without BOM, streaming.
    pub fn open_text(&self) -> Result<Box<dyn BufRead + Send>, SourceError> {
        self.open_text_with(Taps::default())
    }

    /// [`open_text`](ReportPart::open_text), with every byte of the stored file shown to
    /// `taps.file` (see [`reads_whole_file`](ReportPart::reads_whole_file)) and every byte of
    /// the unpacked part to `taps.unpacked`, as they are read.
    pub fn open_text_tapped(&self, taps: Taps) -> Result<Box<dyn BufRead + Send>, SourceError> {
        self.open_text_with(taps)
    }

    fn open_text_with(&self, taps: Taps) -> Result<Box<dyn BufRead + Send>, SourceError> {
        let bytes = self.open_bytes_tapped(taps).map_err(io_error(&self.label))?;
        let reader = DecodingReader::new(bytes, self.encoding, self.gzip);
        Ok(Box::new(BufReader::with_capacity(READ_BUFFER_BYTES, reader)))
    }
}

/// Turns bytes in any supported encoding into UTF-8, refusing malformed input with the line it
/// is on instead of replacing it: a report with broken text is not guessed at.
struct DecodingReader {
    inner: Box<dyn Read + Send>,
    decoder: Decoder,
    input: Vec<u8>,
    input_start: usize,
    input_end: usize,
    skip_bom: usize,
    finished: bool,
    /// Line of the next byte handed out, for error messages.
    lines_seen: u64,
    gzip: bool,
    encoding: TextEncoding,
    /// Decoded bytes not yet handed to a caller whose buffer was too small for them.
    pending: [u8; 64],
    pending_start: usize,
    pending_end: usize,
    /// UTF-8 read straight into the caller's buffer: the bytes of a character the last read
    /// cut off, handed out with the next.
    cut_character: [u8; 4],
    cut_character_length: usize,
}

impl DecodingReader {
    fn new(inner: Box<dyn Read + Send>, encoding: TextEncoding, gzip: bool) -> DecodingReader {
        let passes_through = matches!(encoding, TextEncoding::Utf8 | TextEncoding::Utf8WithBom);
        DecodingReader {
            inner,
            decoder: encoding.encoding().new_decoder_without_bom_handling(),
            input: if passes_through { Vec::new() } else { vec![0; READ_BUFFER_BYTES] },
            input_start: 0,
            input_end: 0,
            skip_bom: encoding.bom_length(),
            finished: false,
            lines_seen: 1,
            gzip,
            encoding,
            pending: [0; 64],
            pending_start: 0,
            pending_end: 0,
            cut_character: [0; 4],
            cut_character_length: 0,
        }
    }

    /// Reads stored (decompressed) bytes, naming a truncated gzip stream.
    fn read_inner(inner: &mut (dyn Read + Send), gzip: bool, lines_seen: u64, buffer: &mut [u8]) -> io::Result<usize> {
        match inner.read(buffer) {
            Ok(read) => Ok(read),
            Err(error) if gzip && error.kind() == io::ErrorKind::UnexpectedEof => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the gzip stream is truncated after line {lines_seen} (the file was cut short)"),
            )),
            Err(error) => Err(error),
        }
    }

    fn fill_input(&mut self) -> io::Result<bool> {
        if self.input_start > 0 {
            self.input.copy_within(self.input_start..self.input_end, 0);
            self.input_end -= self.input_start;
            self.input_start = 0;
        }
        let read = Self::read_inner(&mut *self.inner, self.gzip, self.lines_seen, &mut self.input[self.input_end..])?;
        self.input_end += read;
        if self.skip_bom > 0 && self.input_end >= self.skip_bom {
            self.input_start = self.skip_bom;
            self.skip_bom = 0;
        }
        Ok(read == 0)
    }
}

impl DecodingReader {
    fn malformed(&self) -> io::Error {
        let name = match self.encoding {
            TextEncoding::Utf16LeWithBom | TextEncoding::Utf16BeWithBom => "UTF-16",
            _ => "UTF-8",
        };
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("line {}: invalid {name}: the file switches encoding or is damaged", self.lines_seen),
        )
    }

    /// UTF-8 needs no decoding, only checking: it is read straight into `output` (at least 16
    /// bytes long) and checked there, which saves copying every byte through the decoder.
    /// A character cut by the end of a read is held back for the next. 0 means the end.
    fn pass_utf8_into(&mut self, output: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.finished {
                return Ok(0);
            }
            let carried = std::mem::take(&mut self.cut_character_length);
            output[..carried].copy_from_slice(&self.cut_character[..carried]);
            let read = Self::read_inner(&mut *self.inner, self.gzip, self.lines_seen, &mut output[carried..])?;
            let mut length = carried + read;
            if self.skip_bom > 0 {
                let skipped = self.skip_bom.min(length);
                output.copy_within(skipped..length, 0);
                length -= skipped;
                self.skip_bom -= skipped;
                if read > 0 && length == 0 {
                    continue;
                }
            }
            if read == 0 {
                self.finished = true;
                if length > 0 {
                    // A character cut by the end of the file.
                    return Err(self.malformed());
                }
                return Ok(0);
            }
            let valid = match simdutf8::compat::from_utf8(&output[..length]) {
                Ok(_) => length,
                Err(error) => {
                    let valid = error.valid_up_to();
                    self.lines_seen += memchr::memchr_iter(b'\n', &output[..valid]).count() as u64;
                    if error.error_len().is_some() {
                        return Err(self.malformed());
                    }
                    let cut = length - valid;
                    self.cut_character[..cut].copy_from_slice(&output[valid..length]);
                    self.cut_character_length = cut;
                    if valid == 0 {
                        continue;
                    }
                    return Ok(valid);
                }
            };
            self.lines_seen += memchr::memchr_iter(b'\n', &output[..valid]).count() as u64;
            return Ok(valid);
        }
    }

    /// Decodes the next stretch of input into `output` (at least 16 bytes long); 0 means the end.
    fn decode_into(&mut self, output: &mut [u8]) -> io::Result<usize> {
        if matches!(self.encoding, TextEncoding::Utf8 | TextEncoding::Utf8WithBom) {
            return self.pass_utf8_into(output);
        }
        loop {
            if self.finished {
                return Ok(0);
            }
            let at_end = if self.input_start == self.input_end { self.fill_input()? } else { false };
            let input = &self.input[self.input_start..self.input_end];
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(input, output, at_end);
            self.input_start += read;
            self.lines_seen += memchr::memchr_iter(b'\n', &output[..written]).count() as u64;
            match result {
                DecoderResult::Malformed(_, _) => return Err(self.malformed()),
                DecoderResult::InputEmpty if at_end => {
                    self.finished = true;
                    return Ok(written);
                }
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {
                    if written > 0 {
                        return Ok(written);
                    }
                    // Nothing decodable yet (an incomplete character at the end of the input
                    // buffer): loop to read more.
                }
            }
        }
    }
}

impl Read for DecodingReader {
    fn read(&mut self, output: &mut [u8]) -> io::Result<usize> {
        if output.len() >= 16 {
            return self.decode_into(output);
        }
        // encoding_rs needs room for a whole character; callers probing with tiny buffers
        // get the bytes through a small staging buffer.
        if self.pending_start == self.pending_end {
            let mut staging = [0u8; 64];
            let written = self.decode_into(&mut staging)?;
            self.pending[..written].copy_from_slice(&staging[..written]);
            self.pending_start = 0;
            self.pending_end = written;
        }
        let count = output.len().min(self.pending_end - self.pending_start);
        output[..count].copy_from_slice(&self.pending[self.pending_start..self.pending_start + count]);
        self.pending_start += count;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn text_of(part: &ReportPart) -> Result<String, io::Error> {
        let mut text = String::new();
        part.open_text().map_err(io::Error::other)?.read_to_string(&mut text)?;
        Ok(text)
    }

    fn write(folder: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = folder.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn decodes_every_supported_encoding() {
        let folder = tempfile::tempdir().unwrap();
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Café,1\r\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let utf16_be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("Café,1\r\n".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        let cases: Vec<(&str, Vec<u8>, TextEncoding)> = vec![
            ("plain.csv", b"Caf\xC3\xA9,1\r\n".to_vec(), TextEncoding::Utf8),
            ("bom.csv", b"\xEF\xBB\xBFCaf\xC3\xA9,1\r\n".to_vec(), TextEncoding::Utf8WithBom),
            ("utf16.csv", utf16, TextEncoding::Utf16LeWithBom),
            ("utf16be.csv", utf16_be, TextEncoding::Utf16BeWithBom),
            ("latin.csv", b"Caf\xE9,1\r\n".to_vec(), TextEncoding::Windows1252),
        ];
        for (name, bytes, encoding) in cases {
            let path = write(folder.path(), name, &bytes);
            let parts = open_report(&path, name).unwrap();
            assert_eq!(parts[0].encoding, encoding, "{name}");
            assert_eq!(text_of(&parts[0]).unwrap(), "Café,1\r\n", "{name}");
        }
    }

    #[test]
    fn reads_gzip_and_zip_members() {
        let folder = tempfile::tempdir().unwrap();
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all(b"a,b\n1,2\n").unwrap();
        let path = write(folder.path(), "report.csv.gz", &gzip.finish().unwrap());
        let parts = open_report(&path, "report.csv.gz").unwrap();
        assert_eq!(parts[0].compression, Compression::Gzip);
        assert_eq!(text_of(&parts[0]).unwrap(), "a,b\n1,2\n");

        let zip_path = folder.path().join("statement.zip");
        let mut archive = zip::ZipWriter::new(File::create(&zip_path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        archive.start_file("one.csv", options).unwrap();
        archive.write_all(b"x\n1\n").unwrap();
        archive.start_file("selfbill.pdf", options).unwrap();
        archive.write_all(b"%PDF-1.7").unwrap();
        archive.start_file("two.csv", options).unwrap();
        archive.write_all(b"y\n2\n").unwrap();
        archive.finish().unwrap();
        let parts = open_report(&zip_path, "statement.zip").unwrap();
        let labels: Vec<&str> = parts.iter().map(|part| part.label.as_str()).collect();
        assert_eq!(labels, ["statement.zip!one.csv", "statement.zip!two.csv"]);
        assert_eq!(text_of(&parts[1]).unwrap(), "y\n2\n");
        // A part can be read again from the start (two-pass parsers).
        assert_eq!(text_of(&parts[1]).unwrap(), "y\n2\n");

        // Progress is reported on the stored bytes, from 0 at each opening.
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let part = parts[0].clone().with_progress(ProgressHook::new(move |read, total| {
            if let Ok(mut seen) = record.lock() {
                seen.push((read, total));
            }
        }));
        assert_eq!(text_of(&part).unwrap(), "x\n1\n");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.last(), Some(&(4, 4)), "{seen:?}");
    }

    #[test]
    fn refuses_empty_binary_truncated_and_damaged_files() {
        let folder = tempfile::tempdir().unwrap();
        let empty = write(folder.path(), "empty.csv", b"");
        assert_eq!(open_report(&empty, "empty.csv").unwrap_err().to_string(), "empty.csv: the file is empty");

        let binary = write(folder.path(), "garbage.bin", &[0x00, 0x13, 0x37, 0x00, 0xFF]);
        assert_eq!(
            open_report(&binary, "garbage.bin").unwrap_err().to_string(),
            "garbage.bin: this is a binary file, not a text report (a zero byte at offset 0)"
        );

        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all("a,b\n1,2\n".repeat(10_000).as_bytes()).unwrap();
        let whole = gzip.finish().unwrap();
        let truncated = write(folder.path(), "cut.csv.gz", &whole[..whole.len() / 2]);
        let error = match open_report(&truncated, "cut.csv.gz") {
            Err(error) => error.to_string(),
            Ok(parts) => text_of(&parts[0]).unwrap_err().to_string(),
        };
        assert!(error.contains("the gzip stream is truncated"), "{error}");

        // Valid UTF-8 for the first 64 KiB, then a stray Latin-1 byte on line 5001.
        let mut damaged = "title,amount\n".repeat(5000).into_bytes();
        damaged.extend_from_slice(&b"x".repeat(SNIFF_BYTES));
        damaged.extend_from_slice(b"\nCaf\xE9,1\n");
        let path = write(folder.path(), "damaged.csv", &damaged);
        let parts = open_report(&path, "damaged.csv").unwrap();
        assert_eq!(parts[0].encoding, TextEncoding::Utf8);
        assert_eq!(text_of(&parts[0]).unwrap_err().to_string(), "line 5002: invalid UTF-8: the file switches encoding or is damaged");

        let not_zip = write(folder.path(), "fake.zip", b"PK\x03\x04garbage");
        assert!(open_report(&not_zip, "fake.zip").unwrap_err().to_string().starts_with("fake.zip: not a ZIP archive that can be read"));
    }

    /// Hands out at most `step` bytes per read.
    struct Trickle {
        bytes: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let count = buffer.len().min(self.step).min(self.bytes.len() - self.at);
            buffer[..count].copy_from_slice(&self.bytes[self.at..self.at + count]);
            self.at += count;
            Ok(count)
        }
    }

    /// UTF-8 is checked in the caller's buffer, not decoded: the text and the errors (with
    /// their line) are those of the decoder, whatever the reads' sizes and wherever a
    /// character, the BOM or a bad byte falls.
    #[test]
    fn utf8_read_in_place_agrees_with_the_decoder() {
        let mut texts: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"a".to_vec(),
            "Caf\u{e9},1\r\nna\u{ef}ve \u{1F3B5} \u{20AC}9\n".repeat(7).into_bytes(),
            b"\xEF\xBB\xBF".to_vec(),
            b"\xEF\xBB\xBFx\n\xC3\xA9\n".to_vec(),
        ];
        let valid = "ab\n\u{e9}\u{20AC}\n\u{1F3B5}c\n".repeat(3).into_bytes();
        for position in 0..=valid.len() {
            for bad in [&b"\xFF"[..], b"\xC3", b"\xE2\x82", b"\xF0\x9F\x8E", b"\xED\xA0\x80", b"\xC0\xAF"] {
                let mut text = valid[..position].to_vec();
                text.extend_from_slice(bad);
                text.extend_from_slice(&valid[position..]);
                texts.push(text.clone());
                texts.push(text[..position + bad.len()].to_vec());
            }
        }
        for text in &texts {
            let encoding = if text.starts_with(b"\xEF\xBB\xBF") { TextEncoding::Utf8WithBom } else { TextEncoding::Utf8 };
            let body = &text[encoding.bom_length()..];
            let expected = match std::str::from_utf8(body) {
                Ok(decoded) => Ok(decoded.as_bytes().to_vec()),
                Err(error) => {
                    let line = 1 + memchr::memchr_iter(b'\n', &body[..error.valid_up_to()]).count();
                    Err(format!("line {line}: invalid UTF-8: the file switches encoding or is damaged"))
                }
            };
            // The decoder agrees on what is valid.
            assert_eq!(
                UTF_8.decode_without_bom_handling_and_without_replacement(body).is_some(),
                expected.is_ok(),
                "{text:?}"
            );
            for step in [1, 2, 3, 5, 7, 64, 1 << 20] {
                for buffer_size in [16, 17, 31, 4096] {
                    let inner = Trickle { bytes: text.clone(), at: 0, step };
                    let mut reader = DecodingReader::new(Box::new(inner), encoding, false);
                    let mut got = Vec::new();
                    let mut buffer = vec![0u8; buffer_size];
                    let result = loop {
                        match reader.read(&mut buffer) {
                            Ok(0) => break Ok(got),
                            Ok(read) => got.extend_from_slice(&buffer[..read]),
                            Err(error) => break Err(error.to_string()),
                        }
                    };
                    assert_eq!(result, expected, "{text:?} step {step} buffer {buffer_size}");
                }
            }
        }
    }

    /// A tap sees the stored file's bytes, all of them and in order, then an empty slice at the
    /// end: the file as it is, or compressed for a gzip file; ZIP members are not the file.
    #[test]
    fn a_tap_sees_every_byte_of_the_file() {
        let folder = tempfile::tempdir().unwrap();
        let text = "title,amount\n".repeat(50_000).into_bytes();
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all(&text).unwrap();
        let mut bommed = b"\xEF\xBB\xBF".to_vec();
        bommed.extend_from_slice(&text);
        for (name, stored) in [("plain.csv", text.clone()), ("bom.csv", bommed), ("packed.csv.gz", gzip.finish().unwrap())] {
            let path = write(folder.path(), name, &stored);
            let parts = open_report(&path, name).unwrap();
            assert!(parts[0].reads_whole_file());
            let recorder = || {
                let seen = Arc::new(std::sync::Mutex::new((Vec::new(), 0usize)));
                let record = Arc::clone(&seen);
                let tap = RawTap::new(move |bytes| {
                    let mut seen = record.lock().unwrap();
                    seen.0.extend_from_slice(bytes);
                    seen.1 += usize::from(bytes.is_empty());
                });
                (seen, tap)
            };
            let ((file_seen, file_tap), (unpacked_seen, unpacked_tap)) = (recorder(), recorder());
            let taps = Taps { file: Some(file_tap), unpacked: Some(unpacked_tap) };
            let mut read = Vec::new();
            parts[0].open_text_tapped(taps).unwrap().read_to_end(&mut read).unwrap();
            assert_eq!(read, text, "{name}");
            let unpacked = if name.ends_with(".gz") { &text } else { &stored };
            for (seen, expected, what) in [(file_seen, &stored, "file"), (unpacked_seen, unpacked, "unpacked")] {
                let seen = seen.lock().unwrap();
                assert!(seen.0 == *expected, "{name}: the {what} tap saw {} of {} bytes", seen.0.len(), expected.len());
                assert!(seen.1 >= 1, "{name}: the end was not shown to the {what} tap");
            }
        }
        let zip_path = folder.path().join("statement.zip");
        let mut archive = zip::ZipWriter::new(File::create(&zip_path).unwrap());
        archive.start_file("one.csv", zip::write::SimpleFileOptions::default()).unwrap();
        archive.write_all(b"x\n1\n").unwrap();
        archive.finish().unwrap();
        let member = &open_report(&zip_path, "statement.zip").unwrap()[0];
        assert!(!member.reads_whole_file() && !member.is_the_file());
        // The unpacked bytes of a ZIP member are the member's.
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let taps = Taps { file: None, unpacked: Some(RawTap::new(move |bytes| record.lock().unwrap().extend_from_slice(bytes))) };
        member.open_text_tapped(taps).unwrap().read_to_end(&mut Vec::new()).unwrap();
        assert_eq!(*seen.lock().unwrap(), b"x\n1\n");
        let mut unpacked = Vec::new();
        member.open_unpacked().unwrap().read_to_end(&mut unpacked).unwrap();
        assert_eq!(unpacked, b"x\n1\n");
    }
}
