//! Any JSON value: what token claims and resource properties are, read by the
//! one reader ([`super::Decoder::read_value`]) and looked into by mapping rules
//! and PROPERTY grants.

use crate::prelude::*;
use core::fmt;

/// A JSON value. A number keeps its text as the document wrote it: mapping
/// rules compare claims with their values by that text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Box<str>),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

impl Value {
    /// The string, when the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::String(text.to_owned())
    }
}

/// A JSON object's entries in the order their keys first appear; a repeated
/// key keeps its last value, as `serde_json` reads one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Map {
    entries: Vec<(String, Value)>,
}

impl Map {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(known, _)| known == key)
            .map(|(_, value)| value)
    }

    /// Sets `key` to `value`, in place when the key is already present.
    pub fn insert(&mut self, key: String, value: Value) {
        match self.entries.iter_mut().find(|(known, _)| *known == key) {
            Some((_, slot)) => *slot = value,
            None => self.entries.push((key, value)),
        }
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, value)| value)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries
            .iter()
            .map(|(key, value)| (key.as_str(), value))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl FromIterator<(String, Value)> for Map {
    /// Each key once, where it first appears, with the last value given for
    /// it (as `insert` one after the other would leave it, and `serde_json`),
    /// in time linear in the entries: a request's claims may hold many keys.
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(entries: I) -> Self {
        let mut map = Self::new();
        let mut seen: hashbrown::HashTable<usize> = hashbrown::HashTable::new();
        let hash = |key: &str| core::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, key);
        for (key, value) in entries {
            let entries = &mut map.entries;
            if entries.len() < 16 {
                map.insert(key, value);
                continue;
            }
            if seen.is_empty() {
                for (at, (known, _)) in entries.iter().enumerate() {
                    seen.insert_unique(hash(known), at, |&at| {
                        entries.get(at).map_or(0, |(known, _)| hash(known))
                    });
                }
            }
            let h = hash(&key);
            let found = seen
                .find(h, |&at| {
                    entries.get(at).is_some_and(|(known, _)| *known == key)
                })
                .copied();
            match found.and_then(|at| entries.get_mut(at)) {
                Some((_, slot)) => *slot = value,
                None => {
                    let at = entries.len();
                    seen.insert_unique(h, at, |&at| {
                        entries.get(at).map_or(0, |(known, _)| hash(known))
                    });
                    entries.push((key, value));
                }
            }
        }
        map
    }
}

// serde: for the tools and tests that build wire documents with serde (the
// importers, the reference evaluator); the runtimes read values with the reader.

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(value) => serializer.serialize_bool(*value),
            Self::Number(text) => {
                if let Ok(value) = text.parse::<u64>() {
                    serializer.serialize_u64(value)
                } else if let Ok(value) = text.parse::<i64>() {
                    serializer.serialize_i64(value)
                } else {
                    serializer.serialize_f64(text.parse().unwrap_or(f64::NAN))
                }
            }
            Self::String(text) => serializer.serialize_str(text),
            Self::Array(items) => serializer.collect_seq(items),
            Self::Object(map) => map.serialize(serializer),
        }
    }
}

impl serde::Serialize for Map {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Value;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any valid JSON value")
            }

            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }

            fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
                Ok(Value::Bool(value))
            }

            fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
                Ok(Value::Number(value.to_string().into()))
            }

            fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
                Ok(Value::Number(value.to_string().into()))
            }

            fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
                // As `serde_json` writes it; without `std`, as Rust does.
                #[cfg(feature = "std")]
                let text = serde_json::Number::from_f64(value)
                    .map(|number| number.to_string())
                    .unwrap_or_default();
                #[cfg(not(feature = "std"))]
                let text = format!("{value}");
                Ok(Value::Number(text.into()))
            }

            fn visit_str<E>(self, value: &str) -> Result<Value, E> {
                Ok(Value::String(value.to_owned()))
            }

            fn visit_string<E>(self, value: String) -> Result<Value, E> {
                Ok(Value::String(value))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Value::Array(items))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
                MapVisitor.visit_map(map).map(Value::Object)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

struct MapVisitor;

impl<'de> serde::de::Visitor<'de> for MapVisitor {
    type Value = Map;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Map, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = access.next_entry()? {
            entries.push(entry);
        }
        Ok(entries.into_iter().collect())
    }
}

impl<'de> serde::Deserialize<'de> for Map {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapVisitor)
    }
}
