//! Token claims for mapping rules: a claim name (plain, or a JSONPath beginning
//! with `$`) and how a rule's value is compared with what it finds.

use crate::json::{Map, Value};
use crate::prelude::*;

use crate::wire::ClaimOperator;

/// One step of a JSONPath.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Member(Box<str>),
    Index(usize),
    /// `[*]` or `.*`: every element or member.
    Wildcard,
}

/// Where a mapping rule looks in the claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClaimPath {
    steps: Vec<Step>,
}

impl ClaimPath {
    /// A plain name is one member; `$…` is parsed as a JSONPath subset: `.name`,
    /// `['name']` / `["name"]`, `[0]`, `[*]` and `.*`.
    pub(crate) fn parse(claim: &str) -> Result<Self, String> {
        let Some(mut rest) = claim.strip_prefix('$') else {
            if claim.is_empty() {
                return Err("a claim name must not be empty".into());
            }
            return Ok(Self {
                steps: vec![Step::Member(claim.into())],
            });
        };
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                let end = after.find(['.', '[']).unwrap_or(after.len());
                let (name, tail) = after.split_at(end);
                match name {
                    "" => return Err("empty member name after `.`".into()),
                    "*" => steps.push(Step::Wildcard),
                    name => steps.push(Step::Member(name.into())),
                }
                rest = tail;
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').ok_or("unclosed `[`")?;
                let (inside, tail) = after.split_at(end);
                rest = tail.get(1..).unwrap_or("");
                let quoted = inside
                    .strip_prefix('\'')
                    .and_then(|s| s.strip_suffix('\''))
                    .or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
                steps.push(match (inside, quoted) {
                    ("*", _) => Step::Wildcard,
                    (_, Some(name)) => Step::Member(name.into()),
                    (index, None) => Step::Index(
                        index
                            .parse()
                            .map_err(|_| format!("`[{index}]` is not an index"))?,
                    ),
                });
            } else {
                return Err(format!("unexpected `{rest}`"));
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
        for bad in ["", "$", "$.", "$[", "$[x]", "$x"] {
            assert!(ClaimPath::parse(bad).is_err(), "{bad}");
        }
    }
}
