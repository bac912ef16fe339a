//! Strict JSON reading shared by the key files (`keys`) and manifests (`manifest`): objects only,
//! required members that may be `null`, and a stable classification of serde's errors. It sits below
//! both, so neither has to import the other (docs/SPEC.md §0, "JSON").

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// What was wrong with a JSON document before any field's value was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonProblem {
    /// Not JSON at all: a syntax error, or the text ends early.
    Syntax,
    /// Valid JSON, but an array, string, number… where an object is required.
    NotAnObject,
    /// A member the format does not define.
    UnknownField,
    /// A required member is absent.
    MissingField,
    /// A member appears twice in one object.
    DuplicateField,
    /// A member has the wrong JSON type or an unusable value.
    WrongType,
}

impl JsonProblem {
    /// A stable snake_case name, used by test vectors.
    pub fn kind(self) -> &'static str {
        match self {
            JsonProblem::Syntax => "json_syntax",
            JsonProblem::NotAnObject => "not_an_object",
            JsonProblem::UnknownField => "unknown_field",
            JsonProblem::MissingField => "missing_field",
            JsonProblem::DuplicateField => "duplicate_field",
            JsonProblem::WrongType => "wrong_type",
        }
    }

    /// What to tell a person.
    pub fn describe(self) -> &'static str {
        match self {
            JsonProblem::Syntax => "it is not valid JSON (or it ends early)",
            JsonProblem::NotAnObject => "it is not a JSON object",
            JsonProblem::UnknownField => "it has a member this format does not define",
            JsonProblem::MissingField => "a required member is missing",
            JsonProblem::DuplicateField => "a member appears twice",
            JsonProblem::WrongType => "a member has the wrong type or an unusable value",
        }
    }

    /// Classify a serde_json error. serde reports the derive's field errors only as text, so this
    /// relies on the wording serde has used since 1.0 (`unknown field`, `missing field`, `duplicate
    /// field`); anything else in the data category is a wrong type or value.
    pub fn of(error: &serde_json::Error) -> JsonProblem {
        use serde_json::error::Category;
        match error.classify() {
            Category::Syntax | Category::Eof | Category::Io => JsonProblem::Syntax,
            Category::Data => {
                let text = error.to_string();
                if text.starts_with("unknown field") {
                    JsonProblem::UnknownField
                } else if text.starts_with("missing field") {
                    JsonProblem::MissingField
                } else if text.starts_with("duplicate field") {
                    JsonProblem::DuplicateField
                } else if text.starts_with(NOT_AN_OBJECT) {
                    JsonProblem::NotAnObject
                } else {
                    JsonProblem::WrongType
                }
            }
        }
    }
}

impl fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Start of the error text for a top-level value that is not an object (see [`from_slice`]).
const NOT_AN_OBJECT: &str = "not a JSON object";

/// Parse a whole document whose top level must be a JSON object. serde's derived `Deserialize` for
/// a struct also accepts an array of the members' values in order; the formats never allow that, so
/// a top-level value that is not an object is [`JsonProblem::NotAnObject`] (if it is JSON at all).
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let first = bytes
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    if first != Some(&b'{') {
        // Not an object: say whether it is JSON at all.
        return Err(match serde_json::from_slice::<de::IgnoredAny>(bytes) {
            Err(e) => e,
            Ok(_) => serde::de::Error::custom(format_args!(
                "{NOT_AN_OBJECT}: the top level is not a {{...}} object"
            )),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = object(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Deserialize a struct from a JSON object only, never from an array (use with
/// `#[serde(deserialize_with = "crate::wire::object")]` on members whose type is a struct).
pub fn object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }

    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Deserialize an array of structs, each from a JSON object only (see [`object`]).
pub fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Object<T>(T);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer).map(Object)
        }
    }

    let items: Vec<Object<T>> = Vec::deserialize(deserializer)?;
    Ok(items.into_iter().map(|o| o.0).collect())
}

/// Deserialize a member that must be present but may be `null`. serde would otherwise treat a
/// missing `Option` member as null, and parsing would be lenient where the spec is strict.
pub fn required_nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

/// Like [`required_nullable`], for a member whose non-null value is a struct (an object only).
pub fn required_nullable_object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Inner<T>(T);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Inner<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer).map(Inner)
        }
    }

    Ok(Option::<Inner<T>>::deserialize(deserializer)?.map(|i| i.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        a: u32,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(deserialize_with = "object")]
        inner: Inner,
        #[serde(deserialize_with = "objects")]
        list: Vec<Inner>,
        #[serde(deserialize_with = "required_nullable_object")]
        maybe: Option<Inner>,
    }

    fn problem(json: &str) -> JsonProblem {
        JsonProblem::of(&from_slice::<Outer>(json.as_bytes()).unwrap_err())
    }

    #[test]
    fn objects_parse_and_every_problem_is_classified() {
        let good = r#"{"inner":{"a":1},"list":[{"a":2}],"maybe":null}"#;
        assert_eq!(
            from_slice::<Outer>(good.as_bytes()).unwrap(),
            Outer {
                inner: Inner { a: 1 },
                list: vec![Inner { a: 2 }],
                maybe: None
            }
        );
        assert_eq!(problem(r#"{"inner":{"a":1}"#), JsonProblem::Syntax);
        assert_eq!(problem(r#"[{"a":1},[],null]"#), JsonProblem::NotAnObject);
        assert_eq!(problem("\"text\""), JsonProblem::NotAnObject);
        assert_eq!(problem("[1,2"), JsonProblem::Syntax);
        assert_eq!(
            problem(r#"{"inner":{"a":1},"list":[],"maybe":null,"x":1}"#),
            JsonProblem::UnknownField
        );
        assert_eq!(
            problem(r#"{"inner":{"a":1},"list":[]}"#),
            JsonProblem::MissingField
        );
        assert_eq!(
            problem(r#"{"inner":{"a":1},"inner":{"a":1},"list":[],"maybe":null}"#),
            JsonProblem::DuplicateField
        );
        assert_eq!(
            problem(r#"{"inner":{"a":"1"},"list":[],"maybe":null}"#),
            JsonProblem::WrongType
        );
        assert_eq!(
            problem(r#"{"inner":{"a":1},"list":[],"maybe":null} trailing"#),
            JsonProblem::Syntax
        );
    }

    #[test]
    fn nested_structs_written_as_arrays_are_rejected() {
        for json in [
            r#"{"inner":[1],"list":[],"maybe":null}"#,
            r#"{"inner":{"a":1},"list":[[1]],"maybe":null}"#,
            r#"{"inner":{"a":1},"list":[],"maybe":[1]}"#,
        ] {
            assert_eq!(problem(json), JsonProblem::WrongType, "{json}");
        }
    }
}
