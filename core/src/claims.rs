//! Token claims for mapping rules: a claim name (plain, or a JSONPath beginning
//! with `$`) and how a rule's value is compared with what it finds.

use crate::json::{Map, Value};
use crate::prelude::*;

use crate::wire::ClaimOperator;

/// One step of a JSONPath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Member(Box<str>),
    Index(usize),
    /// `[*]` or `.*`: every element or member.
    Wildcard,
}

/// Where a mapping rule looks in the claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClaimPath {
    pub(crate) steps: Vec<Step>,
}

impl ClaimPath {
    /// A plain name is one member; `$…` is parsed as a JSONPath subset: `.name`,
    /// `['name']` / `["name"]`, `[0]`, `[*]` and `.*`. Read byte by byte: the
    /// delimiters are ASCII, so every cut falls between characters (and the
    /// standard library's pattern searches cost the package 2 KB).
    pub(crate) fn parse(claim: &str) -> Result<Self, String> {
        let bytes = claim.as_bytes();
        if bytes.first() != Some(&b'$') {
            if claim.is_empty() {
                return Err("a claim name must not be empty".into());
            }
            return Ok(Self {
                steps: vec![Step::Member(claim.into())],
            });
        }
        let text = |start: usize, end: usize| claim.get(start..end).unwrap_or("");
        let find = |from: usize, stop: &[u8]| {
            (from..bytes.len()).find(|&at| bytes.get(at).is_some_and(|byte| stop.contains(byte)))
        };
        let mut steps = Vec::new();
        let mut at = 1;
        while at < bytes.len() {
            match bytes.get(at) {
                Some(b'.') => {
                    let end = find(at + 1, b".[").unwrap_or(bytes.len());
                    steps.push(match text(at + 1, end) {
                        "" => return Err("empty member name after `.`".into()),
                        "*" => Step::Wildcard,
                        name => Step::Member(name.into()),
                    });
                    at = end;
                }
                Some(b'[') => {
                    let Some(end) = find(at + 1, b"]") else {
                        return Err("unclosed `[`".into());
                    };
                    let inside = text(at + 1, end);
                    let quote = inside
                        .as_bytes()
                        .first()
                        .filter(|&&q| q == b'\'' || q == b'"');
                    let quoted =
                        inside.len() >= 2 && quote.is_some() && inside.as_bytes().last() == quote;
                    steps.push(if inside == "*" {
                        Step::Wildcard
                    } else if quoted {
                        Step::Member(text(at + 2, end - 1).into())
                    } else {
                        match crate::json::decimal(inside) {
                            Some(index) => Step::Index(index as usize),
                            None => return Err(format!("`[{inside}]` is not an index")),
                        }
                    });
                    at = end + 1;
                }
                _ => return Err(format!("unexpected `{}`", text(at, bytes.len()))),
            }
        }
        if steps.is_empty() {
            return Err("`$` alone selects no claim".into());
        }
        Ok(Self { steps })
    }

    /// Every value the path selects in the claims.
    fn select<'c>(&self, claims: &'c Map) -> Vec<&'c Value> {
        let mut current: Vec<&Value> = Vec::new();
        let mut steps = self.steps.iter();
        match steps.next() {
            Some(Step::Member(name)) => current.extend(claims.get(name)),
            Some(Step::Wildcard) => current.extend(claims.values()),
            Some(Step::Index(_)) | None => return Vec::new(),
        }
        for step in steps {
            current = current
                .into_iter()
                .flat_map(|value| -> Vec<&Value> {
                    match (step, value) {
                        (Step::Member(name), Value::Object(map)) => {
                            map.get(name).into_iter().collect()
                        }
                        (Step::Index(i), Value::Array(items)) => {
                            items.get(*i).into_iter().collect()
                        }
                        (Step::Wildcard, Value::Array(items)) => items.iter().collect(),
                        (Step::Wildcard, Value::Object(map)) => map.values().collect(),
                        _ => Vec::new(),
                    }
                })
                .collect();
        }
        current
    }

    /// Whether the claims satisfy `value` under `operator` (default: contains for
    /// an array claim, exact equality otherwise).
    pub(crate) fn matches(
        &self,
        claims: &Map,
        value: &str,
        operator: Option<ClaimOperator>,
    ) -> bool {
        let compare = |found: &Value| match (operator, found) {
            (Some(ClaimOperator::Contains) | None, Value::Array(items)) => {
                items.iter().any(|item| equals(item, value))
            }
            (Some(ClaimOperator::Contains), _) => false,
            (Some(ClaimOperator::Equals), Value::String(text)) => text == value,
            (Some(ClaimOperator::Equals), _) => false,
            (None, other) => equals(other, value),
        };
        // A plain claim name (the common case) needs no selection list.
        if let Some(name) = self.plain_name() {
            return claims.get(name).is_some_and(compare);
        }
        self.select(claims).into_iter().any(compare)
    }

    /// The claim name, when the path is a single member (no JSONPath steps).
    pub(crate) fn plain_name(&self) -> Option<&str> {
        match self.steps.as_slice() {
            [Step::Member(name)] => Some(name),
            _ => None,
        }
    }
}

/// Case-sensitive equality; numbers and booleans compare by their JSON text
/// (a number as the token wrote it: `1e2` is not `100`).
fn equals(found: &Value, value: &str) -> bool {
    match found {
        Value::String(text) => text == value,
        Value::Number(number) => **number == *value,
        Value::Bool(flag) => value == if *flag { "true" } else { "false" },
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: &str) -> Map {
        crate::wire::read(json).unwrap()
    }

    #[test]
    fn plain_names_and_json_paths_select_claims() {
        let token = claims(
            r#"{"sub":"alice","groups":["eng","ops"],"realm_access":{"roles":["admin"]},"level":3,"list":[{"id":"x"}]}"#,
        );
        let check = |path: &str, value: &str, operator| {
            ClaimPath::parse(path)
                .unwrap()
                .matches(&token, value, operator)
        };
        assert!(check("sub", "alice", None));
        assert!(!check("sub", "Alice", None), "case-sensitive");
        assert!(check("groups", "ops", None), "arrays contain");
        assert!(!check("groups", "eng,ops", None));
        assert!(check("$.realm_access.roles", "admin", None));
        assert!(check(
            "$['realm_access']['roles'][0]",
            "admin",
            Some(ClaimOperator::Equals)
        ));
        assert!(check("$.list[*].id", "x", None));
        assert!(check("level", "3", None), "numbers by their JSON text");
        assert!(
            !check("groups", "eng", Some(ClaimOperator::Equals)),
            "EQUALS needs a string claim"
        );
        assert!(
            !check("sub", "alice", Some(ClaimOperator::Contains)),
            "CONTAINS needs an array claim"
        );
        assert!(!check("missing", "x", None));
    }

    #[test]
    fn rejects_malformed_paths() {
        for bad in [
            "", "$", "$.", "$[", "$[x]", "$x", "$[-1]", "$[+]", "$['a\"]", "$[']",
        ] {
            assert!(ClaimPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_each_step() {
        let steps = |path: &str| ClaimPath::parse(path).map(|path| path.steps);
        let member = |name: &str| Step::Member(name.into());
        assert_eq!(steps("sub"), Ok(vec![member("sub")]));
        assert_eq!(
            steps("a.b[0]"),
            Ok(vec![member("a.b[0]")]),
            "a plain name, whole"
        );
        assert_eq!(
            steps("$.a['b.c'][\"d\"][+12][07][*].*.é"),
            Ok(vec![
                member("a"),
                member("b.c"),
                member("d"),
                Step::Index(12),
                Step::Index(7),
                Step::Wildcard,
                Step::Wildcard,
                member("é"),
            ])
        );
        assert_eq!(steps("$['']"), Ok(vec![member("")]));
        assert!(steps("$[99999999999999999999999]").is_err());
        assert_eq!(steps("$x"), Err("unexpected `x`".into()));
        assert_eq!(steps("$[x]"), Err("`[x]` is not an index".into()));
    }
}
