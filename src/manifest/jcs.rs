//! RFC 8785 canonical JSON written straight from a typed value (a `serde::Serializer`), without
//! building a `serde_json::Value` first: the signing payload of every manifest read is encoded
//! here, so this is on the audit's hot path.
//!
//! It writes exactly what [`super::jcs`] writes for `serde_json::to_value(value)`: members sorted
//! by UTF-16 code units (a repeated member keeps its last value), strings escaped as serde_json
//! escapes them, integers with |n| <= 2^53 - 1 only (others, and finite floats, are
//! [`ManifestError::NumberTooLarge`]; non-finite floats are `null`, as `to_value` makes them).
//! The `Value` path stays as the oracle the tests compare this one with.

use std::borrow::Cow;
use std::fmt::Display;

use serde::ser::{self, Serialize};

use super::{ManifestError, MAX_SEQ};

/// Why a value could not be written.
#[derive(Debug)]
pub(super) enum JcsError {
    /// A number the payload cannot encode.
    Number(String),
    /// Something JSON cannot hold (a map key that is not a string, a serializer's own error).
    Other(String),
}

impl Display for JcsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JcsError::Number(n) => write!(f, "number {n} cannot be encoded"),
            JcsError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for JcsError {}

impl ser::Error for JcsError {
    fn custom<T: Display>(msg: T) -> Self {
        JcsError::Other(msg.to_string())
    }
}

/// Append JCS(`value`) to `out`, leaving out the top-level member named `skip` (the manifest's
/// `signatures`).
pub(super) fn write<T: Serialize + ?Sized>(
    value: &T,
    skip: Option<&'static str>,
    out: &mut Vec<u8>,
) -> Result<(), ManifestError> {
    match value.serialize(Jcs { out, skip }) {
        Ok(()) => Ok(()),
        Err(JcsError::Number(number)) => Err(ManifestError::NumberTooLarge { number }),
        // The Value path panics here too (`to_value` fails): our wire types are plain JSON.
        Err(JcsError::Other(m)) => panic!("a manifest's wire form is plain JSON: {m}"),
    }
}

struct Jcs<'a> {
    out: &'a mut Vec<u8>,
    skip: Option<&'static str>,
}

fn string(s: &str, out: &mut Vec<u8>) {
    // serde_json escapes exactly as RFC 8785 requires (see `super::jcs`).
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

fn integer(n: i128, out: &mut Vec<u8>) -> Result<(), JcsError> {
    if n.unsigned_abs() > u128::from(MAX_SEQ) {
        return Err(JcsError::Number(n.to_string()));
    }
    out.extend_from_slice(n.to_string().as_bytes());
    Ok(())
}

fn float(f: f64, out: &mut Vec<u8>) -> Result<(), JcsError> {
    if f.is_finite() {
        Err(JcsError::Number(f.to_string()))
    } else {
        out.extend_from_slice(b"null");
        Ok(())
    }
}

/// Members of an object, written to a scratch buffer, then sorted and copied out.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    skip: Option<&'static str>,
    scratch: Vec<u8>,
    members: Vec<(Cow<'static, str>, std::ops::Range<usize>)>,
    /// For a map: the key of the value that comes next.
    key: Option<String>,
    /// For an enum variant written as `{"variant": {...}}`: the variant's name.
    variant: Option<&'static str>,
}

impl<'a> Object<'a> {
    fn new(
        out: &'a mut Vec<u8>,
        skip: Option<&'static str>,
        variant: Option<&'static str>,
    ) -> Self {
        Object {
            out,
            skip,
            scratch: Vec::with_capacity(256),
            members: Vec::with_capacity(16),
            key: None,
            variant,
        }
    }

    fn member<T: Serialize + ?Sized>(
        &mut self,
        key: Cow<'static, str>,
        value: &T,
    ) -> Result<(), JcsError> {
        if self.skip == Some(&*key) {
            return Ok(());
        }
        let start = self.scratch.len();
        value.serialize(Jcs {
            out: &mut self.scratch,
            skip: None,
        })?;
        self.members.push((key, start..self.scratch.len()));
        Ok(())
    }

    fn finish(mut self) -> Result<(), JcsError> {
        // A stable sort, then the last of equal keys wins (a map holds each key once). ASCII
        // keys (every member name of a struct here) sort alike by bytes and by UTF-16 code units.
        self.members.sort_by(|a, b| {
            if a.0.is_ascii() && b.0.is_ascii() {
                a.0.as_bytes().cmp(b.0.as_bytes())
            } else {
                a.0.encode_utf16().cmp(b.0.encode_utf16())
            }
        });
        if let Some(v) = self.variant {
            self.out.push(b'{');
            string(v, self.out);
            self.out.push(b':');
        }
        self.out.push(b'{');
        let mut first = true;
        for (i, (key, range)) in self.members.iter().enumerate() {
            if self.members.get(i + 1).is_some_and(|next| next.0 == *key) {
                continue;
            }
            if !first {
                self.out.push(b',');
            }
            first = false;
            string(key, self.out);
            self.out.push(b':');
            self.out.extend_from_slice(&self.scratch[range.clone()]);
        }
        self.out.push(b'}');
        if self.variant.is_some() {
            self.out.push(b'}');
        }
        Ok(())
    }
}

/// Items of an array.
struct Array<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    variant: Option<&'static str>,
}

impl<'a> Array<'a> {
    fn new(out: &'a mut Vec<u8>, variant: Option<&'static str>) -> Self {
        if let Some(v) = variant {
            out.push(b'{');
            string(v, out);
            out.push(b':');
        }
        out.push(b'[');
        Array {
            out,
            first: true,
            variant,
        }
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JcsError> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        value.serialize(Jcs {
            out: self.out,
            skip: None,
        })
    }

    fn finish(self) -> Result<(), JcsError> {
        self.out.push(b']');
        if self.variant.is_some() {
            self.out.push(b'}');
        }
        Ok(())
    }
}

impl<'a> ser::Serializer for Jcs<'a> {
    type Ok = ();
    type Error = JcsError;
    type SerializeSeq = Array<'a>;
    type SerializeTuple = Array<'a>;
    type SerializeTupleStruct = Array<'a>;
    type SerializeTupleVariant = Array<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), JcsError> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), JcsError> {
        integer(v.into(), self.out)
    }
    fn serialize_i16(self, v: i16) -> Result<(), JcsError> {
        integer(v.into(), self.out)
    }
    fn serialize_i32(self, v: i32) -> Result<(), JcsError> {
        integer(v.into(), self.out)
    }
    fn serialize_i64(self, v: i64) -> Result<(), JcsError> {
        integer(v.into(), self.out)
    }
    fn serialize_i128(self, v: i128) -> Result<(), JcsError> {
        integer(v, self.out)
    }
    fn serialize_u8(self, v: u8) -> Result<(), JcsError> {
        integer(v.into(), self.out)
    }
    fn serialize_u16(self, v: u16) -> Result<(), JcsError> {
        integer(v.into(), self.out)
    }
    fn serialize_u32(self, v: u32) -> Result<(), JcsError> {
        integer(v.into(), self.out)
    }
    fn serialize_u64(self, v: u64) -> Result<(), JcsError> {
        integer(v.into(), self.out)
    }
    fn serialize_u128(self, v: u128) -> Result<(), JcsError> {
        match i128::try_from(v) {
            Ok(v) => integer(v, self.out),
            Err(_) => Err(JcsError::Number(v.to_string())),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<(), JcsError> {
        float(v.into(), self.out)
    }
    fn serialize_f64(self, v: f64) -> Result<(), JcsError> {
        float(v, self.out)
    }
    fn serialize_char(self, v: char) -> Result<(), JcsError> {
        string(v.encode_utf8(&mut [0; 4]), self.out);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), JcsError> {
        string(v, self.out);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), JcsError> {
        let mut array = Array::new(self.out, None);
        for b in v {
            array.item(b)?;
        }
        array.finish()
    }
    fn serialize_none(self) -> Result<(), JcsError> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), JcsError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), JcsError> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), JcsError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), JcsError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), JcsError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), JcsError> {
        self.out.push(b'{');
        string(variant, self.out);
        self.out.push(b':');
        value.serialize(Jcs {
            out: &mut *self.out,
            skip: None,
        })?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Array<'a>, JcsError> {
        Ok(Array::new(self.out, None))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Array<'a>, JcsError> {
        Ok(Array::new(self.out, None))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Array<'a>, JcsError> {
        Ok(Array::new(self.out, None))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Array<'a>, JcsError> {
        Ok(Array::new(self.out, Some(variant)))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'a>, JcsError> {
        Ok(Object::new(self.out, self.skip, None))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Object<'a>, JcsError> {
        Ok(Object::new(self.out, self.skip, None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Object<'a>, JcsError> {
        Ok(Object::new(self.out, None, Some(variant)))
    }
}

macro_rules! array_impl {
    ($trait:ident, $method:ident) => {
        impl ser::$trait for Array<'_> {
            type Ok = ();
            type Error = JcsError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JcsError> {
                self.item(value)
            }
            fn end(self) -> Result<(), JcsError> {
                self.finish()
            }
        }
    };
}
array_impl!(SerializeSeq, serialize_element);
array_impl!(SerializeTuple, serialize_element);
array_impl!(SerializeTupleStruct, serialize_field);
array_impl!(SerializeTupleVariant, serialize_field);

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = JcsError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JcsError> {
        self.member(Cow::Borrowed(key), value)
    }
    fn end(self) -> Result<(), JcsError> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Object<'_> {
    type Ok = ();
    type Error = JcsError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), JcsError> {
        self.member(Cow::Borrowed(key), value)
    }
    fn end(self) -> Result<(), JcsError> {
        self.finish()
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = JcsError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), JcsError> {
        // serde_json's map keys: strings (and numbers, bools and chars as their text).
        let value = serde_json::to_value(key).map_err(|e| JcsError::Other(e.to_string()))?;
        self.key = Some(match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => return Err(JcsError::Other("a map key is not a string".into())),
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JcsError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| JcsError::Other("a map value without its key".into()))?;
        self.member(Cow::Owned(key), value)
    }
    fn end(self) -> Result<(), JcsError> {
        self.finish()
    }
}

/// Append JCS(`wire` without its `signatures`) to `out`: what [`write`] writes for it, member by
/// member in JCS order (the manifest's member names are ASCII, so UTF-16 order is byte order),
/// with no scratch buffers, sorting or intermediate strings. Every manifest audit reads goes
/// through here. The nested layout and separators (types of the canonicalizer) go through
/// [`write`]'s serializer, so that a member added there is written without a change here; a
/// member added to a manifest type breaks the destructuring below, and the tests hold this writer
/// to the `Value` path.
pub(super) fn write_manifest(
    wire: &super::ManifestWire,
    out: &mut Vec<u8>,
) -> Result<(), ManifestError> {
    let super::ManifestWire {
        format,
        issuer,
        seq,
        prev,
        statement,
        canonical,
        cosigners,
        signatures: _,
    } = wire;
    let super::StatementWire {
        title,
        date,
        languages,
        file_name,
        exact_digest,
        exact_size,
    } = statement;
    let super::CanonicalWire {
        version,
        digest,
        paragraph_digests,
        paragraphs,
        layout,
        separators,
    } = canonical;
    let number = |n: u64, out: &mut Vec<u8>| {
        integer(n.into(), out).map_err(|e| match e {
            JcsError::Number(number) => ManifestError::NumberTooLarge { number },
            JcsError::Other(m) => panic!("a manifest's wire form is plain JSON: {m}"),
        })
    };
    out.extend_from_slice(b"{\"canonical\":{\"digest\":");
    write_digest(digest, out);
    out.extend_from_slice(b",\"layout\":");
    write(layout, None, out)?;
    out.extend_from_slice(b",\"paragraph_digests\":[");
    for (i, d) in paragraph_digests.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_digest(d, out);
    }
    out.extend_from_slice(b"],\"paragraphs\":[");
    strings(paragraphs, out);
    out.extend_from_slice(b"],\"separators\":");
    write(separators, None, out)?;
    out.extend_from_slice(b",\"version\":");
    fast_string(version, out);
    out.extend_from_slice(b"},\"cosigners\":");
    match cosigners {
        None => out.extend_from_slice(b"null"),
        Some(list) => {
            out.push(b'[');
            for (i, c) in list.iter().enumerate() {
                let super::CosignerWire {
                    issuer,
                    key_id,
                    seq,
                    prev,
                } = c;
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"issuer\":");
                fast_string(issuer, out);
                out.extend_from_slice(b",\"key_id\":");
                fast_string(key_id, out);
                out.extend_from_slice(b",\"prev\":");
                write_prev(prev.as_ref(), out);
                out.extend_from_slice(b",\"seq\":");
                number(*seq, out)?;
                out.push(b'}');
            }
            out.push(b']');
        }
    }
    out.extend_from_slice(b",\"format\":");
    fast_string(format, out);
    out.extend_from_slice(b",\"issuer\":");
    fast_string(issuer, out);
    out.extend_from_slice(b",\"prev\":");
    write_prev(prev.as_ref(), out);
    out.extend_from_slice(b",\"seq\":");
    number(*seq, out)?;
    out.extend_from_slice(b",\"statement\":{\"date\":");
    fast_string(date, out);
    out.extend_from_slice(b",\"exact_digest\":");
    write_digest(exact_digest, out);
    out.extend_from_slice(b",\"exact_size\":");
    number(*exact_size, out)?;
    out.extend_from_slice(b",\"file_name\":");
    fast_string(file_name, out);
    out.extend_from_slice(b",\"languages\":[");
    strings(languages, out);
    out.extend_from_slice(b"],\"title\":");
    fast_string(title, out);
    out.extend_from_slice(b"}}");
    Ok(())
}

/// A JSON string as serde_json writes it: only `"`, `\` and control characters are escaped, so a
/// string without them is copied as it is.
fn fast_string(s: &str, out: &mut Vec<u8>) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        string(s, out);
    }
}

fn strings(list: &[String], out: &mut Vec<u8>) {
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        fast_string(s, out);
    }
}

/// `"sha256:<hex>"`, as a digest serializes.
fn write_digest(d: &crate::digest::Digest, out: &mut Vec<u8>) {
    let mut hex = [0u8; 64];
    hex::encode_to_slice(d.0, &mut hex).expect("64 hex digits for 32 bytes");
    out.push(b'"');
    out.extend_from_slice(crate::digest::DIGEST_PREFIX.as_bytes());
    out.extend_from_slice(&hex);
    out.push(b'"');
}

fn write_prev(prev: Option<&crate::digest::Digest>, out: &mut Vec<u8>) {
    match prev {
        Some(d) => write_digest(d, out),
        None => out.extend_from_slice(b"null"),
    }
}
