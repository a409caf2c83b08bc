//! JSON for stdout and report files: pretty, and safe to show in a terminal. serde_json
//! escapes C0 controls itself; this also escapes DEL, C1 controls and the Unicode
//! characters that reorder or hide text (bidi overrides, zero-width), as `\uXXXX`, so the
//! data survives exactly (unlike scrubbing them to `?`) and nothing is scrubbed twice.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// `value` as pretty JSON with a final newline.
pub fn to_pretty_bytes<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    write_pretty(&mut out, value).expect("output types serialize into memory");
    out
}

/// Streams `value` as pretty JSON with a final newline into `writer` (a large report is
/// never held whole in memory). An error is the writer's (or a serializer bug).
pub fn write_pretty<W: Write, T: Serialize + ?Sized>(writer: W, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, SafeFormatter::default());
    value.serialize(&mut ser).map_err(io::Error::from)?;
    ser.into_inner().write_all(b"\n")
}

#[derive(Default)]
struct SafeFormatter(PrettyFormatter<'static>);

fn needs_escape(c: char) -> bool {
    c.is_control() || super::text::is_format_control(c)
}

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if fragment.is_ascii() && !fragment.contains('\x7f') {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::to_pretty_bytes;

    #[test]
    fn hidden_and_control_characters_are_escaped_not_lost() {
        let value = serde_json::json!({"tag": "v1\u{202e}gnp.exe\u{7f}\u{85}\u{200b}é\n"});
        let text = String::from_utf8(to_pretty_bytes(&value)).unwrap();
        assert_eq!(
            text,
            "{\n  \"tag\": \"v1\\u202egnp.exe\\u007f\\u0085\\u200bé\\n\"\n}\n"
        );
        // The same value comes back.
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn layout_is_serde_json_pretty() {
        let value = serde_json::json!({"a": [1, {"b": []}], "c": {}});
        let mut expected = serde_json::to_string_pretty(&value).unwrap();
        expected.push('\n');
        assert_eq!(to_pretty_bytes(&value), expected.into_bytes());
    }
}
