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

/// Where the current record's fields are.
#[derive(Clone, Copy)]
enum Location {
    /// A line of `buffer` split in place.
    Buffer { start: usize, end: usize },
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
        let location = match self.plain_line()? {
            Some((start, end)) => Location::Buffer { start, end },
            None => Location::Unquoted {
                length: self.read_with_core()?,
            },
        };
        let text = match location {
            Location::Buffer { start, end } => &self.buffer[start..end],
            Location::Unquoted { length } => &self.unquoted[..length],
        };
        let text = std::str::from_utf8(text).map_err(|error| {
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

    /// Splits the line at `start` when it holds no quote and no CR other than its line end;
    /// returns its bounds in the buffer, or `None` for the general parser.
    fn plain_line(&mut self) -> io::Result<Option<(usize, usize)>> {
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
            if newline.is_some() && line_end > self.start && self.buffer[line_end - 1] == b'\r' {
                line_end - 1
            } else {
                line_end
            };
        let start = self.start;
        if memchr::memchr2(b'"', b'\r', &self.buffer[start..content_end]).is_some() {
            return Ok(None);
        }
        split_at_delimiters(
            &self.buffer[start..content_end],
            self.delimiter,
            &mut self.fields,
        );
        self.ended_by_input = newline.is_none();
        match newline {
            Some(newline) => {
                self.start = newline + 1;
                self.line += 1;
            }
            None => self.start = self.end,
        }
        Ok(Some((start, content_end)))
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

/// Splits a line without quotes into fields, eight bytes at a time: report fields are short
/// (ten bytes on average), too short for a vector search per field to pay off.
fn split_at_delimiters(line: &[u8], delimiter: u8, fields: &mut Vec<(usize, usize)>) {
    const LOW_BITS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let repeated = u64::from_ne_bytes([delimiter; 8]);
    fields.clear();
    let mut field_start = 0;
    let mut push = |position: usize| {
        fields.push((field_start, position));
        field_start = position + 1;
    };
    let mut words = line.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        let differences = u64::from_le_bytes(bytes) ^ repeated;
        // The high bit of each byte that is zero in `differences`, i.e. equal to the
        // delimiter, and of no other (no carries cross bytes).
        let mut found = !(((differences & LOW_BITS) + LOW_BITS) | differences | LOW_BITS);
        while found != 0 {
            push(offset + found.trailing_zeros() as usize / 8);
            found &= found - 1;
        }
        offset += 8;
    }
    for (index, &byte) in words.remainder().iter().enumerate() {
        if byte == delimiter {
            push(offset + index);
        }
    }
    fields.push((field_start, line.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &[u8], read_size: usize) -> Vec<(u64, Vec<String>)> {
        /// Hands out at most `read_size` bytes per read, to cross buffer boundaries.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
                let count = self.1.min(buffer.len()).min(self.0.len());
                buffer[..count].copy_from_slice(&self.0[..count]);
                self.0 = &self.0[count..];
                Ok(count)
            }
        }
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
        split_at_delimiters(line, b';', &mut fields);
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
}
