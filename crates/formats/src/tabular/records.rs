//! Splitting delimited text into records, each with the line it starts on.
//!
//! The result is exactly the csv crate's (RFC 4180 quoting with doubled quotes, CR, LF or CRLF
//! line ends, blank lines skipped), but faster: most rows of a report hold no quote, and such a
//! line is split at the delimiter directly; a row with a quote or a lone CR goes through
//! `csv_core`, the csv crate's own parser. Line numbers count `\n` up to the first byte of the
//! record, so a diagnostic names the right line whatever the line ends, blank lines and
//! multi-line quoted fields.

use std::io::{self, Read};

use csv_core::ReadRecordResult;

/// Bytes read from the source at a time; the buffer grows beyond it only for a longer record.
const READ_BYTES: usize = 1024 * 1024;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One record: its line and its fields.
pub(crate) struct Record<'buffer> {
    /// Line of the record's first byte, from 1.
    pub line: u64,
    text: &'buffer str,
    fields: &'buffer [(usize, usize)],
}

impl<'buffer> Record<'buffer> {
    pub fn get(&self, index: usize) -> Option<&'buffer str> {
        self.fields
            .get(index)
            .map(|&(start, end)| &self.text[start..end])
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'buffer str> + '_ {
        self.fields
            .iter()
            .map(|&(start, end)| &self.text[start..end])
    }
}

impl crate::mapping::Cells for Record<'_> {
    fn cell(&self, index: usize) -> Option<&str> {
        self.get(index)
    }

    fn count(&self) -> usize {
        self.len()
    }
}

/// A plain line split in place: its text is `buffer[start..end]`; `ascii` when it was seen
/// to hold no byte from 0x80 on (then it is UTF-8).
struct PlainLine {
    start: usize,
    end: usize,
    ascii: bool,
}

/// Where the current record's fields are.
#[derive(Clone, Copy)]
enum Location {
    /// A line of `buffer` split in place; `ascii` when all its bytes are below 0x80.
    Buffer {
        start: usize,
        end: usize,
        ascii: bool,
    },
    /// Fields unescaped by `csv_core` into `unquoted`.
    Unquoted { length: usize },
}

pub(crate) struct RecordSplitter<R> {
    input: R,
    delimiter: u8,
    buffer: Vec<u8>,
    /// The unread bytes are `buffer[start..end]`.
    start: usize,
    end: usize,
    at_end_of_input: bool,
    /// Whether the start of the text (and a BOM there) has been looked at.
    started: bool,
    /// Line of `buffer[start]`.
    line: u64,
    /// Parser of the rows with quotes; kept across records like the csv crate's.
    core: csv_core::Reader,
    unquoted: Vec<u8>,
    unquoted_ends: Vec<usize>,
    fields: Vec<(usize, usize)>,
    /// Whether the last record was ended by the end of the input rather than by a line end
    /// outside quotes: a chunk of a larger text cut there was not cut between records.
    ended_by_input: bool,
}

impl RecordSplitter<io::Empty> {
    /// A splitter of `bytes[..length]`, a chunk of a text held in memory and read in place
    /// (no copy); see [`starting_at`](RecordSplitter::starting_at) for `line` and
    /// `at_text_start`.
    pub fn over(
        bytes: Vec<u8>,
        length: usize,
        delimiter: u8,
        line: u64,
        at_text_start: bool,
    ) -> RecordSplitter<io::Empty> {
        let mut splitter =
            RecordSplitter::with_buffer(io::empty(), delimiter, line, at_text_start, bytes);
        splitter.end = length.min(splitter.buffer.len());
        splitter.at_end_of_input = true;
        splitter
    }
}

impl<R: Read> RecordSplitter<R> {
    pub fn new(input: R, delimiter: u8) -> RecordSplitter<R> {
        RecordSplitter::starting_at(input, delimiter, 1, true)
    }

    /// A splitter of text that starts on `line`; `at_text_start` when it is the start of the
    /// whole text (where a BOM is skipped), not a chunk of it cut after a line end.
    pub fn starting_at(
        input: R,
        delimiter: u8,
        line: u64,
        at_text_start: bool,
    ) -> RecordSplitter<R> {
        RecordSplitter::with_buffer(input, delimiter, line, at_text_start, vec![0; READ_BYTES])
    }

    fn with_buffer(
        input: R,
        delimiter: u8,
        line: u64,
        at_text_start: bool,
        buffer: Vec<u8>,
    ) -> RecordSplitter<R> {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // csv_core strips a BOM from the first input it sees. Priming it with a blank line
        // (which it skips) keeps that to the start of the text, where `next_record` does it,
        // and not to the first quoted row, wherever that is.
        let _ = core.read_record(b"\n", &mut [], &mut []);
        RecordSplitter {
            input,
            delimiter,
            buffer,
            start: 0,
            end: 0,
            at_end_of_input: false,
            started: !at_text_start,
            line,
            core,
            unquoted: vec![0; 4096],
            unquoted_ends: vec![0; 64],
            fields: Vec::new(),
            ended_by_input: false,
        }
    }

    /// Gives the buffer back (see [`RecordSplitter::over`]).
    pub fn into_buffer(self) -> Vec<u8> {
        self.buffer
    }

    /// Whether the last record read ended with a line end outside quotes (or there was none):
    /// then the text after it starts a record.
    pub fn ended_between_records(&self) -> bool {
        !self.ended_by_input
    }

    /// The next record, or `None` at the end of the text. An error is the source's, or text
    /// that is not UTF-8.
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        self.next_record_with(Self::plain_line)
    }

    /// [`next_record`](Self::next_record) with a given splitter of plain lines (the tests
    /// pass the former one, to compare).
    #[inline(always)]
    fn next_record_with(
        &mut self,
        plain_line: impl FnOnce(&mut Self) -> io::Result<Option<PlainLine>>,
    ) -> io::Result<Option<Record<'_>>> {
        if !self.started {
            self.started = true;
            self.fill(UTF8_BOM.len())?;
            if self.buffer[..self.end].starts_with(UTF8_BOM) {
                self.start = UTF8_BOM.len();
            }
        }
        if !self.skip_blank_lines()? {
            return Ok(None);
        }
        let line = self.line;
        let location = match plain_line(self)? {
            Some(PlainLine { start, end, ascii }) => Location::Buffer { start, end, ascii },
            None => Location::Unquoted {
                length: self.read_with_core()?,
            },
        };
        let (text, ascii) = match location {
            Location::Buffer { start, end, ascii } => (&self.buffer[start..end], ascii),
            Location::Unquoted { length } => (&self.unquoted[..length], false),
        };
        let text = if ascii {
            debug_assert!(text.is_ascii());
            // SAFETY: `ascii` says `scan_line` saw every byte of this text below 0x80 (its
            // `high` mask took in each of them); ASCII text is valid UTF-8.
            Ok(unsafe { std::str::from_utf8_unchecked(text) })
        } else {
            std::str::from_utf8(text)
        };
        let text = text.map_err(|error| {
            let field = self
                .fields
                .iter()
                .position(|&(_, end)| end > error.valid_up_to())
                .unwrap_or(0);
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("line {line}: invalid UTF-8 in field {}", field + 1),
            )
        })?;
        Ok(Some(Record {
            line,
            text,
            fields: &self.fields,
        }))
    }

    /// Skips the line ends before a record, as the csv crate does; `false` at the end.
    fn skip_blank_lines(&mut self) -> io::Result<bool> {
        loop {
            while self.start < self.end {
                match self.buffer[self.start] {
                    b'\n' => self.line += 1,
                    b'\r' => {}
                    _ => return Ok(true),
                }
                self.start += 1;
            }
            if !self.fill(1)? {
                return Ok(false);
            }
        }
    }

    /// Splits the line at `start` when it holds no quote and no CR other than its line end,
    /// in one pass over its bytes; `None` for the general parser.
    fn plain_line(&mut self) -> io::Result<Option<PlainLine>> {
        loop {
            let start = self.start;
            let scan = scan_line(
                &self.buffer[start..self.end],
                self.delimiter,
                self.at_end_of_input,
                &mut self.fields,
            );
            let (content_end, newline, ascii) = match scan {
                Scan::Plain {
                    content_end,
                    newline,
                    ascii,
                } => (content_end, newline, ascii),
                Scan::Special => return Ok(None),
                Scan::More => {
                    self.fill(self.end - self.start + 1)?;
                    continue;
                }
            };
            self.ended_by_input = newline.is_none();
            match newline {
                Some(newline) => {
                    self.start = start + newline + 1;
                    self.line += 1;
                }
                None => self.start = self.end,
            }
            return Ok(Some(PlainLine {
                start,
                end: start + content_end,
                ascii,
            }));
        }
    }

    /// Reads one record with `csv_core` into `unquoted`; returns the length of its text.
    fn read_with_core(&mut self) -> io::Result<usize> {
        let (mut written, mut ended) = (0, 0);
        loop {
            let input = &self.buffer[self.start..self.end];
            self.ended_by_input = input.is_empty();
            let (result, read, wrote, ends) = self.core.read_record(
                input,
                &mut self.unquoted[written..],
                &mut self.unquoted_ends[ended..],
            );
            self.line += memchr::memchr_iter(b'\n', &input[..read]).count() as u64;
            self.start += read;
            written += wrote;
            ended += ends;
            match result {
                ReadRecordResult::InputEmpty => {
                    // At the end of the input, an empty read tells csv_core to finish the record.
                    if self.start == self.end && !self.at_end_of_input {
                        self.fill(1)?;
                    }
                }
                ReadRecordResult::OutputFull => self.unquoted.resize(self.unquoted.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => {
                    self.unquoted_ends.resize(self.unquoted_ends.len() * 2, 0)
                }
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        self.fields.clear();
        let mut field_start = 0;
        for &field_end in &self.unquoted_ends[..ended] {
            self.fields.push((field_start, field_end));
            field_start = field_end;
        }
        Ok(written)
    }

    /// Makes at least `wanted` unread bytes available unless the input ends first; moves the
    /// unread bytes to the front and grows the buffer when needed. `false` when nothing more
    /// could be read.
    fn fill(&mut self, wanted: usize) -> io::Result<bool> {
        if self.start > 0 {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let mut any = false;
        while self.end < wanted && !self.at_end_of_input {
            if self.buffer.len() - self.end < READ_BYTES / 2 {
                self.buffer
                    .resize(self.buffer.len().max(wanted) + READ_BYTES, 0);
            }
            let read = match self.input.read(&mut self.buffer[self.end..]) {
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if read == 0 {
                self.at_end_of_input = true;
            }
            self.end += read;
            any |= read > 0;
        }
        Ok(any || self.end >= wanted)
    }
}

/// What [`scan_line`] found at the start of its bytes.
#[derive(Debug, PartialEq, Eq)]
enum Scan {
    /// A line with no quote and no CR but that of a CRLF line end, split into fields: its
    /// text is `bytes[..content_end]`, its `\n` is at `newline` (`None`: the input ended
    /// first); `ascii` when no byte of its text is from 0x80 on.
    Plain {
        content_end: usize,
        newline: Option<usize>,
        ascii: bool,
    },
    /// A quote, or a CR not followed by `\n`, before the line end: for `csv_core`.
    Special,
    /// The bytes end before anything is decided, and the input has more.
    More,
}

/// Splits the line at the start of `bytes` into `fields` (bounds in `bytes`) when it holds no
/// quote and no CR but that of a CRLF, in one pass: it finds the line end, the delimiters,
/// any quote or CR and any byte from 0x80 on together, 32 bytes at a time with AVX2 when the
/// processor has it, else (and for the last bytes) eight at a time in a `u64`. Report fields
/// are short (ten bytes on average): too short for a vector search per field to pay off.
fn scan_line(
    bytes: &[u8],
    delimiter: u8,
    at_end_of_input: bool,
    fields: &mut Vec<(usize, usize)>,
) -> Scan {
    // Moved out while splitting: the compiler then keeps its length in a register rather than
    // storing it after each push.
    let mut found = Fields {
        fields: std::mem::take(fields),
        field_start: 0,
        high: 0,
    };
    found.fields.clear();
    #[cfg(target_arch = "x86_64")]
    let scan = if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, all that `scan_with_avx2` needs.
        unsafe { found.scan_with_avx2(bytes, delimiter, at_end_of_input) }
    } else {
        found.scan_words(bytes, delimiter, at_end_of_input, 0)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let scan = found.scan_words(bytes, delimiter, at_end_of_input, 0);
    *fields = found.fields;
    scan
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW_BITS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` equal to `byte`, and of no other (no carries cross
/// bytes).
#[inline(always)]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let differences = word ^ (ONES * u64::from(byte));
    !(((differences & LOW_BITS) + LOW_BITS) | differences | LOW_BITS)
}

/// The high bit of the first byte of `word` equal to `byte`, if any, and maybe of some later
/// bytes (a borrow crosses bytes after an equal one): cheaper, and enough to find the first.
#[inline(always)]
fn first_byte_equal(word: u64, byte: u8) -> u64 {
    let differences = word ^ (ONES * u64::from(byte));
    differences.wrapping_sub(ONES) & !differences & HIGH_BITS
}

/// The fields found so far by [`scan_line`], with bounds in its bytes.
struct Fields {
    fields: Vec<(usize, usize)>,
    field_start: usize,
    /// Nonzero once a byte from 0x80 on was seen.
    high: u64,
}

impl Fields {
    /// [`scan_line`] with AVX2 for the blocks of 32 bytes, then [`Fields::scan_words`].
    ///
    /// # Safety
    /// The processor must have AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn scan_with_avx2(&mut self, bytes: &[u8], delimiter: u8, at_end_of_input: bool) -> Scan {
        use std::arch::x86_64::{
            _mm256_cmpeq_epi8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set_epi64x,
            _mm256_set1_epi8,
        };
        let delimiters = _mm256_set1_epi8(delimiter as i8);
        let newlines = _mm256_set1_epi8(b'\n' as i8);
        let quotes = _mm256_set1_epi8(b'"' as i8);
        let returns = _mm256_set1_epi8(b'\r' as i8);
        let mut offset = 0;
        for block in bytes.chunks_exact(32) {
            // Built from four words rather than loaded through a pointer: safe, and compiled
            // to the same single load.
            let word = |index: usize| {
                i64::from_le_bytes(block[8 * index..8 * index + 8].try_into().unwrap())
            };
            let block = _mm256_set_epi64x(word(3), word(2), word(1), word(0));
            let stops = _mm256_or_si256(
                _mm256_or_si256(
                    _mm256_cmpeq_epi8(block, newlines),
                    _mm256_cmpeq_epi8(block, quotes),
                ),
                _mm256_cmpeq_epi8(block, returns),
            );
            // One bit a byte, from the byte's high bit.
            let mask = |bytes| u64::from(_mm256_movemask_epi8(bytes) as u32);
            let stop = self.take_in(
                mask(_mm256_cmpeq_epi8(block, delimiters)),
                mask(stops),
                mask(block),
                offset,
                0,
            );
            if stop.is_some() {
                return self.end_at(bytes, stop, at_end_of_input);
            }
            offset += 32;
        }
        self.scan_words(bytes, delimiter, at_end_of_input, offset)
    }

    /// [`scan_line`] from `offset` on, eight bytes at a time.
    #[inline(always)]
    fn scan_words(
        &mut self,
        bytes: &[u8],
        delimiter: u8,
        at_end_of_input: bool,
        mut offset: usize,
    ) -> Scan {
        let stop = 'scan: {
            let mut words = bytes[offset..].chunks_exact(8);
            for word in &mut words {
                let word = u64::from_le_bytes(word.try_into().unwrap());
                if let Some(stop) = self.take_in_word(word, u64::MAX, offset, delimiter) {
                    break 'scan Some(stop);
                }
                offset += 8;
            }
            let rest = words.remainder();
            if rest.is_empty() {
                break 'scan None;
            }
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The zero bytes after the text are none of line end, quote, CR or high.
            let valid = HIGH_BITS >> (8 * (8 - rest.len()));
            self.take_in_word(u64::from_le_bytes(word), valid, offset, delimiter)
        };
        self.end_at(bytes, stop, at_end_of_input)
    }

    /// Takes in the eight bytes of `word` from `offset` (`valid` has the high bit of those
    /// that are in the text): their delimiters up to the first line end, quote or CR, whose
    /// position it returns.
    #[inline(always)]
    fn take_in_word(
        &mut self,
        word: u64,
        valid: u64,
        offset: usize,
        delimiter: u8,
    ) -> Option<usize> {
        let stops = first_byte_equal(word, b'\n')
            | first_byte_equal(word, b'"')
            | first_byte_equal(word, b'\r');
        let delimiters = bytes_equal(word, delimiter) & valid;
        self.take_in(delimiters, stops, word & HIGH_BITS, offset, 3)
    }

    /// Takes in the bytes from `offset` described by masks with a bit for each byte, the
    /// `n`th at bit `n << shift` (or above it in the same byte): delimiters, stops (line end,
    /// quote, CR; only the first need be exact) and bytes from 0x80 on. Keeps those before
    /// the first stop; returns its position.
    #[inline(always)]
    fn take_in(
        &mut self,
        mut delimiters: u64,
        stops: u64,
        mut high: u64,
        offset: usize,
        shift: u32,
    ) -> Option<usize> {
        let stop = if stops != 0 {
            let before = (stops & stops.wrapping_neg()) - 1;
            delimiters &= before;
            high &= before;
            Some(offset + (stops.trailing_zeros() >> shift) as usize)
        } else {
            None
        };
        self.high |= high;
        while delimiters != 0 {
            let position = offset + (delimiters.trailing_zeros() >> shift) as usize;
            self.fields.push((self.field_start, position));
            self.field_start = position + 1;
            delimiters &= delimiters - 1;
        }
        stop
    }

    /// The line's end, with the first stop in `bytes` (`None`: there is none).
    #[inline(always)]
    fn end_at(&mut self, bytes: &[u8], stop: Option<usize>, at_end_of_input: bool) -> Scan {
        let (content_end, newline) = match stop {
            Some(position) => match bytes[position] {
                b'\n' => (position, Some(position)),
                b'\r' => match bytes.get(position + 1) {
                    Some(b'\n') => (position, Some(position + 1)),
                    None if !at_end_of_input => return Scan::More,
                    _ => return Scan::Special,
                },
                _ => return Scan::Special,
            },
            None if at_end_of_input => (bytes.len(), None),
            None => return Scan::More,
        };
        self.fields.push((self.field_start, content_end));
        Scan::Plain {
            content_end,
            newline,
            ascii: self.high == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &[u8], read_size: usize) -> Vec<(u64, Vec<String>)> {
        let mut splitter = RecordSplitter::new(Trickle(text, read_size), b',');
        let mut records = Vec::new();
        while let Some(record) = splitter.next_record().unwrap() {
            records.push((record.line, record.iter().map(str::to_string).collect()));
        }
        records
    }

    fn with_csv_crate(text: &[u8]) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        reader
            .records()
            .map(|record| record.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn agrees_with_the_csv_crate_on_quotes_line_ends_and_blank_lines() {
        let cases: [&[u8]; 10] = [
            b"a,b\n1,2\n",
            b"a,b\r\n1,2\r\n\r\n3,4",
            b"\xEF\xBB\xBFa,b\n\"x,y\",\"q\"\"q\"\n",
            b"a,\"multi\nline\",c\n2,3\n",
            b"5\" vinyl,x\nab\"c,\"d\"e\n",
            b"a\rb\rc,d\n",
            b"\n\n,\n,,\n",
            b"last,line,without,end",
            b"\"unterminated,\nquote",
            b"x,\"\"\n\"\",y\r\n",
        ];
        for text in cases {
            for read_size in [1, 2, 3, 7, 1 << 20] {
                let ours: Vec<Vec<String>> = split(text, read_size)
                    .into_iter()
                    .map(|(_, cells)| cells)
                    .collect();
                assert_eq!(
                    ours,
                    with_csv_crate(text),
                    "{:?} read {read_size} at a time",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }

    #[test]
    fn delimiters_are_found_anywhere_in_a_word() {
        let line = b";a;;bcdefghij;k;lmnopqrstuvwxyz0123;;\xC3\xA9;";
        let mut fields = Vec::new();
        assert_eq!(
            scan_line(line, b';', true, &mut fields),
            Scan::Plain {
                content_end: line.len(),
                newline: None,
                ascii: false
            }
        );
        let expected: Vec<(usize, usize)> = {
            let mut bounds = Vec::new();
            let mut start = 0;
            for (index, byte) in line.iter().enumerate() {
                if *byte == b';' {
                    bounds.push((start, index));
                    start = index + 1;
                }
            }
            bounds.push((start, line.len()));
            bounds
        };
        assert_eq!(fields, expected);
    }

    #[test]
    fn lines_are_those_of_the_first_byte() {
        let lines: Vec<u64> = split(b"h,x\r\n\r\n\"a\r\nz\",1\r\nb,2\n\n\nc\n", 3)
            .into_iter()
            .map(|(line, _)| line)
            .collect();
        assert_eq!(lines, [1, 3, 5, 8]);
    }

    #[test]
    fn text_that_is_not_utf8_is_an_error_naming_line_and_field() {
        let mut splitter = RecordSplitter::new(&b"a,b\nc,\xFF\n"[..], b',');
        assert!(splitter.next_record().unwrap().is_some());
        let error = splitter.next_record().err().unwrap();
        assert_eq!(error.to_string(), "line 2: invalid UTF-8 in field 2");
    }

    /// The former splitting of plain lines (a `memchr` for the line end and one for quotes
    /// and CRs, then delimiters eight bytes at a time, then UTF-8 validation of every line),
    /// kept to compare with.
    impl<R: Read> RecordSplitter<R> {
        fn former_plain_line(&mut self) -> io::Result<Option<PlainLine>> {
            let newline = loop {
                if let Some(offset) = memchr::memchr(b'\n', &self.buffer[self.start..self.end]) {
                    break Some(self.start + offset);
                }
                if self.at_end_of_input {
                    break None;
                }
                self.fill(self.end - self.start + 1)?;
            };
            let line_end = newline.unwrap_or(self.end);
            let content_end =
                if newline.is_some() && line_end > self.start && self.buffer[line_end - 1] == b'\r'
                {
                    line_end - 1
                } else {
                    line_end
                };
            let start = self.start;
            if memchr::memchr2(b'"', b'\r', &self.buffer[start..content_end]).is_some() {
                return Ok(None);
            }
            self.fields.clear();
            let mut field_start = start;
            for position in memchr::memchr_iter(self.delimiter, &self.buffer[start..content_end]) {
                self.fields.push((field_start - start, position));
                field_start = start + position + 1;
            }
            self.fields.push((field_start - start, content_end - start));
            self.ended_by_input = newline.is_none();
            match newline {
                Some(newline) => {
                    self.start = newline + 1;
                    self.line += 1;
                }
                None => self.start = self.end,
            }
            Ok(Some(PlainLine {
                start,
                end: content_end,
                ascii: false,
            }))
        }
    }

    /// What a splitter gives: each record's line, cells and whether it ended between
    /// records, then `Err` with the message of an error, if any.
    type Outcome = (Vec<(u64, Vec<String>, bool)>, Option<String>);

    fn outcome<R: Read>(mut splitter: RecordSplitter<R>, former: bool) -> Outcome {
        let mut records = Vec::new();
        loop {
            let next = if former {
                splitter.next_record_with(RecordSplitter::former_plain_line)
            } else {
                splitter.next_record()
            };
            let record = match next {
                Ok(Some(record)) => record,
                Ok(None) => return (records, None),
                Err(error) => return (records, Some(error.to_string())),
            };
            let (line, cells) = (record.line, record.iter().map(str::to_string).collect());
            records.push((line, cells, splitter.ended_between_records()));
        }
    }

    /// Hands out at most `.1` bytes per read, to cross buffer boundaries.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let count = self.1.min(buffer.len()).min(self.0.len());
            buffer[..count].copy_from_slice(&self.0[..count]);
            self.0 = &self.0[count..];
            Ok(count)
        }
    }

    /// Checks that splitting `text` gives what the former splitting gives, read in pieces
    /// of several sizes and in place (with other bytes after it in the buffer), at the
    /// start of a text or not.
    fn agrees_with_the_former_splitting(text: &[u8], delimiter: u8) {
        for at_text_start in [true, false] {
            for read_size in [1, 3, 8, 33, 1 << 20] {
                let splitter =
                    |input| RecordSplitter::starting_at(input, delimiter, 1, at_text_start);
                assert_eq!(
                    outcome(splitter(Trickle(text, read_size)), false),
                    outcome(splitter(Trickle(text, read_size)), true),
                    "{text:?} read {read_size} at a time",
                );
            }
            let in_place = || {
                let mut bytes = text.to_vec();
                bytes.extend_from_slice(b"\xFF\"\r\nx,y\n");
                RecordSplitter::over(bytes, text.len(), delimiter, 1, at_text_start)
            };
            assert_eq!(
                outcome(in_place(), false),
                outcome(in_place(), true),
                "{text:?} in place"
            );
        }
    }

    /// The bytes of `scan_line`'s result read by the definition, one at a time.
    fn scan_bytewise(
        bytes: &[u8],
        delimiter: u8,
        at_end_of_input: bool,
    ) -> (Scan, Vec<(usize, usize)>) {
        let stop = bytes
            .iter()
            .position(|&byte| matches!(byte, b'\n' | b'"' | b'\r'));
        let (content_end, newline) = match stop.map(|stop| (stop, bytes[stop])) {
            Some((stop, b'\n')) => (stop, Some(stop)),
            Some((stop, b'\r')) if bytes.get(stop + 1) == Some(&b'\n') => (stop, Some(stop + 1)),
            Some((stop, b'\r')) if stop + 1 == bytes.len() && !at_end_of_input => {
                return (Scan::More, Vec::new());
            }
            Some(_) => return (Scan::Special, Vec::new()),
            None if at_end_of_input => (bytes.len(), None),
            None => return (Scan::More, Vec::new()),
        };
        let mut fields = Vec::new();
        let mut start = 0;
        for (index, &byte) in bytes[..content_end].iter().enumerate() {
            if byte == delimiter {
                fields.push((start, index));
                start = index + 1;
            }
        }
        fields.push((start, content_end));
        let ascii = bytes[..content_end].is_ascii();
        let scan = Scan::Plain {
            content_end,
            newline,
            ascii,
        };
        (scan, fields)
    }

    /// Checks `scan_line` and each of its ways (words, and AVX2 when the processor has it)
    /// against [`scan_bytewise`].
    fn check_scan(bytes: &[u8], delimiter: u8) {
        for at_end_of_input in [true, false] {
            let (expected, expected_fields) = scan_bytewise(bytes, delimiter, at_end_of_input);
            let fields_if_plain = |scan: &Scan, fields: Vec<(usize, usize)>| match scan {
                Scan::Plain { .. } => fields,
                _ => Vec::new(),
            };
            let mut fields = vec![(7, 7)];
            let scan = scan_line(bytes, delimiter, at_end_of_input, &mut fields);
            let mut ways = vec![("scan_line", scan, fields)];
            let mut found = Fields {
                fields: vec![(7, 7)],
                field_start: 0,
                high: 0,
            };
            found.fields.clear();
            let scan = found.scan_words(bytes, delimiter, at_end_of_input, 0);
            ways.push(("words", scan, found.fields));
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                let mut found = Fields {
                    fields: Vec::new(),
                    field_start: 0,
                    high: 0,
                };
                // SAFETY: the processor has AVX2.
                let scan = unsafe { found.scan_with_avx2(bytes, delimiter, at_end_of_input) };
                ways.push(("AVX2", scan, found.fields));
            }
            for (way, scan, fields) in ways {
                let fields = fields_if_plain(&scan, fields);
                assert_eq!(
                    (&scan, &fields),
                    (&expected, &expected_fields),
                    "{way}: {bytes:?} at end of input: {at_end_of_input}"
                );
            }
        }
    }

    #[test]
    fn lines_of_every_length_have_their_delimiters_found_at_every_position() {
        for length in 0..=70 {
            for ending in [&b""[..], b"\n", b"\r\n", b"\nnext,line\n"] {
                let mut line = vec![b'a'; length];
                line.extend_from_slice(ending);
                check_scan(&line, b',');
                for position in 0..length {
                    let mut line = line.clone();
                    line[position] = b',';
                    check_scan(&line, b',');
                    if position % 5 == 0 || position + 1 == length {
                        agrees_with_the_former_splitting(&line, b',');
                    }
                    // Delimiters everywhere but here.
                    let mut line: Vec<u8> = line
                        .iter()
                        .enumerate()
                        .map(|(index, &byte)| match byte {
                            b',' | b'a' if index < length => b",a"[usize::from(byte == b',')],
                            other => other,
                        })
                        .collect();
                    check_scan(&line, b',');
                    line.iter_mut()
                        .take(length)
                        .for_each(|byte| *byte = if *byte == b',' { b'\t' } else { b'a' });
                    check_scan(&line, b'\t');
                }
            }
        }
    }

    #[test]
    fn high_bytes_are_seen_at_every_position() {
        for length in [1, 7, 8, 9, 31, 32, 33, 40, 63, 64, 65, 70] {
            for ending in [&b""[..], b"\n", b"\r\n"] {
                for position in 0..length {
                    for high in [&b"\xC3\xA9"[..], b"\xFF", b"\xE2\x82\xAC"] {
                        let mut line = vec![b'a'; length];
                        line.splice(position..position + 1, high.iter().copied());
                        if position % 3 == 1 {
                            line[position - 1] = b',';
                        }
                        line.extend_from_slice(ending);
                        check_scan(&line, b',');
                        let mut text = b"h,1\n".to_vec();
                        text.extend_from_slice(&line);
                        text.extend_from_slice(b"\nz,\xC3\xA9\n");
                        agrees_with_the_former_splitting(&text, b',');
                        // A high byte after the line end is not the line's.
                        let mut after = b"b,c\n".to_vec();
                        after.extend_from_slice(&line);
                        check_scan(&after, b',');
                    }
                }
            }
        }
    }

    #[test]
    fn quotes_and_carriage_returns_stop_at_every_position() {
        for length in [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70] {
            for position in 0..length {
                for special in [
                    &b"\""[..],
                    b"\r",
                    b"\r\n",
                    b"\r\r\n",
                    b"\"\"",
                    b"\"x,\"\"y\"",
                ] {
                    for ending in [&b""[..], b"\n", b"\r\n"] {
                        let mut line = vec![b'a'; length];
                        line.splice(position..position + 1, special.iter().copied());
                        line[..position]
                            .iter_mut()
                            .step_by(5)
                            .for_each(|byte| *byte = b',');
                        line.extend_from_slice(ending);
                        check_scan(&line, b',');
                        let mut text = line.clone();
                        text.extend_from_slice(b"2,3\n");
                        agrees_with_the_former_splitting(&text, b',');
                    }
                }
            }
        }
    }

    #[test]
    fn lines_ending_at_a_word_or_block_boundary() {
        for length in [7, 8, 15, 16, 24, 31, 32, 63, 64, 96] {
            let mut text = Vec::new();
            for line in 0..4 {
                let mut row = vec![b'a' + line; length];
                row[length / 2] = b',';
                text.extend_from_slice(&row);
                text.extend_from_slice(if line % 2 == 0 { b"\n" } else { b"\r\n" });
            }
            check_scan(&text, b',');
            agrees_with_the_former_splitting(&text, b',');
            // And the last line without a line end.
            text.truncate(text.len() - 2);
            agrees_with_the_former_splitting(&text, b',');
        }
    }

    /// A small random-number generator (xorshift), for the test below.
    struct Random(u64);

    impl Random {
        fn below(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % bound as u64) as usize
        }
    }

    #[test]
    fn random_texts_split_as_before_and_as_the_csv_crate_does() {
        let alphabet: [&[u8]; 12] = [
            b"a",
            b"bc",
            b"defghijk",
            b"0123456789",
            b",",
            b",",
            b"\"",
            b"\r",
            b"\n",
            b"\r\n",
            "é".as_bytes(),
            b"\xFF",
        ];
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        for case in 0..3000 {
            let mut text = Vec::new();
            let pieces = random.below(60);
            for _ in 0..pieces {
                // Mostly plain pieces, so that many lines take the fast path.
                let piece = if random.below(4) == 0 {
                    random.below(alphabet.len())
                } else {
                    [0, 1, 2, 3, 4, 8][random.below(6)]
                };
                text.extend_from_slice(alphabet[piece]);
            }
            if case % 7 == 0 {
                text.splice(0..0, UTF8_BOM.iter().copied());
            }
            check_scan(&text, b',');
            agrees_with_the_former_splitting(&text, b',');
            let (records, error) = outcome(RecordSplitter::new(&text[..], b','), false);
            if error.is_none() {
                let cells: Vec<Vec<String>> =
                    records.into_iter().map(|(_, cells, _)| cells).collect();
                assert_eq!(cells, with_csv_crate(&text), "{text:?}");
            }
        }
    }
}

/// Throughput of splitting alone, over a whole file held in memory. Run in release:
/// `LEDGERLINE_SPLIT_BENCH=path.csv cargo test --release -p ledgerline-formats --lib
/// split_throughput -- --ignored --nocapture`.
#[cfg(test)]
mod throughput {
    use super::*;

    #[test]
    #[ignore = "a timing harness: run it by hand in release"]
    fn split_throughput() {
        let path = std::env::var("LEDGERLINE_SPLIT_BENCH").unwrap_or_else(|_| {
            "/work/bench/data/label3m/reports/fuga/bench-2026-01.csv".to_string()
        });
        let mut bytes = std::fs::read(&path).unwrap();
        let length = bytes.len();
        let mut rates = Vec::new();
        for _ in 0..3 {
            let started = std::time::Instant::now();
            let mut splitter = RecordSplitter::over(bytes, length, b',', 1, true);
            let (mut records, mut fields, mut first_bytes) = (0u64, 0u64, 0usize);
            while let Some(record) = splitter.next_record().unwrap() {
                records += 1;
                fields += record.len() as u64;
                first_bytes += record.get(0).map_or(0, str::len);
            }
            let seconds = started.elapsed().as_secs_f64();
            bytes = splitter.into_buffer();
            let rate = length as f64 / 1e6 / seconds;
            println!(
                "{records} records, {fields} fields, {first_bytes} first-field bytes: \
                 {seconds:.3} s, {rate:.0} MB/s"
            );
            rates.push(rate);
        }
        rates.sort_by(f64::total_cmp);
        println!(
            "median {:.0} MB/s over {} MB",
            rates[1],
            length as f64 / 1e6
        );
    }
}
