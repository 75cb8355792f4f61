//! Lines and cells of a DSR flat file: reading one line into a reused buffer, splitting it into
//! TAB-separated cells without allocating, and DSR's escaping (Part 1 §6.6.4).
//!
//! Escaping, read left to right: three backslashes are one literal backslash, two backslashes
//! and a pipe are a literal pipe (not a value separator), and a backslash followed by a TAB is
//! a literal TAB (not a cell separator). A backslash followed by anything else is kept as it is,
//! because real files contain Windows paths and stray backslashes that were never meant as
//! escapes. Quotes are data: DSR never quotes cells.

use std::borrow::Cow;
use std::io::{self, BufRead};

/// Longest line kept, in bytes. Longer lines are skipped with a diagnostic instead of growing the
/// buffer without bound: a corrupt file with no line breaks must not exhaust memory. 16 MiB
/// holds a YouTube RU01 row listing hundreds of thousands of videos.
pub(crate) const MAXIMUM_LINE_BYTES: usize = 16 * 1024 * 1024;

/// What one call to [`read_line`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineRead {
    EndOfFile,
    /// A line is in the buffer, without its LF or CRLF.
    Line,
    /// A line longer than [`MAXIMUM_LINE_BYTES`] was skipped; the buffer holds its start.
    TooLong {
        length_bytes: u64,
    },
}

/// Reads the next line into `buffer` (cleared first), stripping the LF or CRLF. The last line
/// of a file counts even without a terminator.
pub(crate) fn read_line<R: BufRead>(reader: &mut R, buffer: &mut Vec<u8>) -> io::Result<LineRead> {
    buffer.clear();
    let mut length_bytes: u64 = 0;
    let mut read_anything = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            if !read_anything {
                return Ok(LineRead::EndOfFile);
            }
            break;
        }
        read_anything = true;
        let newline = memchr::memchr(b'\n', available);
        let chunk_length = newline.unwrap_or(available.len());
        if buffer.len() + chunk_length <= MAXIMUM_LINE_BYTES {
            buffer.extend_from_slice(&available[..chunk_length]);
        }
        length_bytes += chunk_length as u64;
        let consumed = newline.map_or(chunk_length, |position| position + 1);
        reader.consume(consumed);
        if newline.is_some() {
            break;
        }
    }
    if length_bytes > MAXIMUM_LINE_BYTES as u64 {
        return Ok(LineRead::TooLong { length_bytes });
    }
    if buffer.last() == Some(&b'\r') {
        buffer.pop();
    }
    Ok(LineRead::Line)
}

/// Where one cell lies in its line, and whether it contains a backslash (and so may need
/// unescaping).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CellSpan {
    start: usize,
    end: usize,
    has_backslash: bool,
}

/// Splits lines into cells, reusing one vector of spans for the whole file.
#[derive(Debug, Default)]
pub(crate) struct CellSplitter {
    spans: Vec<CellSpan>,
}

/// How many bytes the escape sequence starting with the backslash at `index` takes.
fn escape_length(bytes: &[u8], index: usize) -> usize {
    let rest = &bytes[index..];
    if rest.starts_with(b"\\\\\\") || rest.starts_with(b"\\\\|") {
        3
    } else if rest.starts_with(b"\\\t") {
        2
    } else {
        1
    }
}

impl CellSplitter {
    /// Splits `line` and returns a view of its cells.
    pub(crate) fn split<'line>(&'line mut self, line: &'line str, line_number: u64) -> Row<'line> {
        self.spans.clear();
        let bytes = line.as_bytes();
        let mut start = 0;
        // One pass finds both separators and escapes; the first backslash hands the rest of the
        // line, from the start of its cell, to the escape-aware loop. A plain byte loop beats
        // memchr here: padded rows are mostly TABs, and a search call per short cell costs more
        // than it saves.
        let mut escaped_from = None;
        for (position, byte) in bytes.iter().enumerate() {
            if *byte == b'\t' {
                self.spans.push(CellSpan { start, end: position, has_backslash: false });
                start = position + 1;
            } else if *byte == b'\\' {
                escaped_from = Some(start);
                break;
            }
        }
        match escaped_from {
            None => self.spans.push(CellSpan { start, end: bytes.len(), has_backslash: false }),
            Some(cell_start) => self.split_escaped(bytes, cell_start),
        }
        Row { line, spans: &self.spans, line_number }
    }

    /// Splits the rest of a line that contains escapes, from the start of a cell.
    fn split_escaped(&mut self, bytes: &[u8], cell_start: usize) {
        let mut start = cell_start;
        let mut has_backslash = false;
        let mut index = cell_start;
        while let Some(offset) = memchr::memchr2(b'\t', b'\\', &bytes[index..]) {
            let found = index + offset;
            if bytes[found] == b'\\' {
                has_backslash = true;
                index = found + escape_length(bytes, found);
            } else {
                self.spans.push(CellSpan { start, end: found, has_backslash });
                start = found + 1;
                index = found + 1;
                has_backslash = false;
            }
        }
        self.spans.push(CellSpan { start, end: bytes.len(), has_backslash });
    }
}

/// The cells of one line. Columns are numbered from 1, as in diagnostics: column 1 is the
/// RecordType. A column past the end of a short row reads as empty, because spreadsheet exports
/// drop trailing empty cells.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row<'line> {
    line: &'line str,
    spans: &'line [CellSpan],
    pub(crate) line_number: u64,
}

impl<'line> Row<'line> {
    /// The cell as written, escapes included.
    pub(crate) fn raw(&self, column: usize) -> &'line str {
        match column.checked_sub(1).and_then(|index| self.spans.get(index)) {
            Some(span) => &self.line[span.start..span.end],
            None => "",
        }
    }

    fn has_backslash(&self, column: usize) -> bool {
        column.checked_sub(1).and_then(|index| self.spans.get(index)).is_some_and(|span| span.has_backslash)
    }

    /// The cell's value with escapes resolved; borrowed unless it contained a backslash.
    pub(crate) fn text(&self, column: usize) -> Cow<'line, str> {
        let raw = self.raw(column);
        if self.has_backslash(column) {
            Cow::Owned(unescape(raw))
        } else {
            Cow::Borrowed(raw)
        }
    }

    /// The cell's value without surrounding whitespace, for identifiers and references.
    pub(crate) fn trimmed(&self, column: usize) -> Cow<'line, str> {
        match self.text(column) {
            // ASCII whitespace only: cheaper, and no identifier or number is padded with
            // anything else.
            Cow::Borrowed(text) => Cow::Borrowed(text.trim_ascii()),
            Cow::Owned(text) => Cow::Owned(text.trim_ascii().to_string()),
        }
    }

    /// The values of a multi-value cell (separated by unescaped `|`), escapes resolved.
    pub(crate) fn values(&self, column: usize) -> Vec<Cow<'line, str>> {
        let raw = self.raw(column);
        if !self.has_backslash(column) {
            return raw.split('|').map(Cow::Borrowed).collect();
        }
        let bytes = raw.as_bytes();
        let mut values = Vec::new();
        let mut start = 0;
        let mut index = 0;
        while index < bytes.len() {
            match bytes[index] {
                b'\\' => index += escape_length(bytes, index),
                b'|' => {
                    values.push(Cow::Owned(unescape(&raw[start..index])));
                    index += 1;
                    start = index;
                }
                _ => index += 1,
            }
        }
        values.push(Cow::Owned(unescape(&raw[start..])));
        values
    }

    /// Whether every cell is empty: spreadsheet exports leave rows of bare TABs behind.
    pub(crate) fn is_blank(&self) -> bool {
        self.spans.iter().all(|span| self.line[span.start..span.end].trim_ascii().is_empty())
    }

    #[cfg(test)]
    pub(crate) fn cell_count(&self) -> usize {
        self.spans.len()
    }
}

/// Resolves DSR escapes in one cell.
pub(crate) fn unescape(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut text = String::with_capacity(raw.len());
    let mut copied_from = 0;
    let mut index = 0;
    while let Some(offset) = memchr::memchr(b'\\', &bytes[index..]) {
        let found = index + offset;
        text.push_str(&raw[copied_from..found]);
        let length = escape_length(bytes, found);
        // Every escape ends in an ASCII character, so slicing after it stays on a char boundary.
        match length {
            3 if bytes[found + 2] == b'|' => text.push('|'),
            3 => text.push('\\'),
            2 => text.push('\t'),
            _ => text.push('\\'),
        }
        index = found + length;
        copied_from = index;
    }
    text.push_str(&raw[copied_from..]);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells_of(line: &str) -> Vec<String> {
        let mut splitter = CellSplitter::default();
        let row = splitter.split(line, 1);
        (1..=row.cell_count()).map(|column| row.text(column).into_owned()).collect()
    }

    #[test]
    fn splits_on_tabs_and_keeps_empty_cells() {
        assert_eq!(cells_of("SU02.02\t1\t\tS1\t"), ["SU02.02", "1", "", "S1", ""]);
        assert_eq!(cells_of(""), [""]);
    }

    #[test]
    fn escaped_tab_pipe_and_backslash_are_data() {
        assert_eq!(cells_of("AS01\tTab\\\there\tx"), ["AS01", "Tab\there", "x"]);
        assert_eq!(cells_of("AS01\tA\\\\|B\tC\\\\\\D"), ["AS01", "A|B", "C\\D"]);
        // A literal backslash just before a cell separator.
        assert_eq!(cells_of("AS01\tend\\\\\\\tnext"), ["AS01", "end\\", "next"]);
        // A lone backslash is kept.
        assert_eq!(cells_of("AS01\tC:\\music\\x"), ["AS01", "C:\\music\\x"]);
    }

    #[test]
    fn multi_values_split_only_on_unescaped_pipes() {
        let mut splitter = CellSplitter::default();
        let row = splitter.split("AS01\tA|B\\\\|C|D", 1);
        assert_eq!(row.values(2), ["A", "B|C", "D"]);
        let row = splitter.split("AS01\tUS1|GB2", 1);
        assert_eq!(row.values(2), ["US1", "GB2"]);
        assert_eq!(row.values(9), [""]);
    }

    #[test]
    fn reads_lf_crlf_and_a_last_line_without_terminator() {
        let mut reader = io::Cursor::new(b"HEAD\r\n\nFOOT".to_vec());
        let mut buffer = Vec::new();
        assert_eq!(read_line(&mut reader, &mut buffer).unwrap(), LineRead::Line);
        assert_eq!(buffer, b"HEAD");
        assert_eq!(read_line(&mut reader, &mut buffer).unwrap(), LineRead::Line);
        assert_eq!(buffer, b"");
        assert_eq!(read_line(&mut reader, &mut buffer).unwrap(), LineRead::Line);
        assert_eq!(buffer, b"FOOT");
        assert_eq!(read_line(&mut reader, &mut buffer).unwrap(), LineRead::EndOfFile);
    }

    #[test]
    fn overlong_lines_are_skipped_not_stored() {
        let mut text = vec![b'x'; MAXIMUM_LINE_BYTES + 10];
        text.extend_from_slice(b"\nFOOT\n");
        let mut reader = io::BufReader::with_capacity(1 << 16, io::Cursor::new(text));
        let mut buffer = Vec::new();
        assert_eq!(
            read_line(&mut reader, &mut buffer).unwrap(),
            LineRead::TooLong { length_bytes: MAXIMUM_LINE_BYTES as u64 + 10 }
        );
        assert!(buffer.len() <= MAXIMUM_LINE_BYTES);
        assert_eq!(read_line(&mut reader, &mut buffer).unwrap(), LineRead::Line);
        assert_eq!(buffer, b"FOOT");
    }
}
