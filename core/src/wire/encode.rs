//! The answers as JSON text: the bytes `serde_json` writes for them
//! (`tests/run/vectors.rs` compares the two on every answer of every vector),
//! written without serde, which would compile every answer type's serializer
//! into the JavaScript package.

use super::{
    ClaimsDoc, DecisionDoc, ErrorDoc, ErrorLine, ExplanationDoc, ListDoc, PermissionsDoc, WhoCanDoc,
};
use crate::json::{ObjectWriter, write_strs};
use crate::prelude::*;

/// An answer that writes itself as JSON.
pub trait Encode {
    /// Appends the JSON text to `out`.
    fn write_json(&self, out: &mut String);

    /// The JSON text.
    fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl Encode for DecisionDoc {
    fn write_json(&self, out: &mut String) {
        let mut object = ObjectWriter::new(out);
        object.bool("allowed", self.allowed);
        if let Some(why) = &self.explanation {
            write_explanation(&mut object, why);
        }
        object.end();
    }
}

/// An explanation's fields, inside an object being written.
fn write_explanation(object: &mut ObjectWriter<'_>, why: &ExplanationDoc) {
    object.str("rule", &why.rule).str("reason", &why.reason);
    object.opt_str("level", why.level.map(super::Level::as_str));
    object.strs("rows", &why.rows);
    if !why.overridden.is_empty() {
        object.strs("overridden", &why.overridden);
    }
    object.opt_str("source", why.source.as_deref());
    if let Some(position) = why.decided_by {
        object.u64("decidedBy", position as u64);
    }
    object.opt_str("via", why.via.as_deref());
}

impl Encode for WhoCanDoc {
    fn write_json(&self, out: &mut String) {
        let mut object = ObjectWriter::new(out);
        object
            .strs("users", &self.users)
            .strs("clients", &self.clients)
            .bool("anyUser", self.any_user)
            .strs("mappingRules", &self.mapping_rules);
        if !self.explanations.is_empty() {
            let list = object.field("explanations");
            list.push('[');
            for (i, who) in self.explanations.iter().enumerate() {
                if i > 0 {
                    list.push(',');
                }
                let mut entry = ObjectWriter::new(list);
                entry.str(who.kind, &who.id);
                write_explanation(&mut entry, &who.explanation);
                entry.end();
            }
            list.push(']');
        }
        object.end();
    }
}

impl Encode for ListDoc {
    fn write_json(&self, out: &mut String) {
        let mut object = ObjectWriter::new(out);
        match self {
            Self::All => {
                object.str("kind", "all");
            }
            Self::AllExcept { ids } => {
                object.str("kind", "allExcept").strs("ids", ids);
            }
            Self::Only { ids } => {
                object.str("kind", "only").strs("ids", ids);
            }
        }
        object.end();
    }
}

impl Encode for PermissionsDoc {
    fn write_json(&self, out: &mut String) {
        let mut object = ObjectWriter::new(out);
        object.strs("permissions", &self.permissions);
        object.end();
    }
}

impl Encode for ClaimsDoc {
    fn write_json(&self, out: &mut String) {
        let mut object = ObjectWriter::new(out);
        if let Some(permissions) = &self.permissions {
            let mut audiences = ObjectWriter::new(object.field("permissions"));
            for (audience, names) in permissions {
                audiences.strs(audience, names);
            }
            audiences.end();
        }
        if let Some(scopes) = &self.scopes {
            object.strs("scopes", scopes);
        }
        object.end();
    }
}

impl Encode for ErrorDoc {
    fn write_json(&self, out: &mut String) {
        let mut object = ObjectWriter::new(out);
        object.str("code", &self.code).str("message", &self.message);
        object.end();
    }
}

impl Encode for ErrorLine {
    fn write_json(&self, out: &mut String) {
        let mut object = ObjectWriter::new(out);
        self.error.write_json(object.field("error"));
        object.end();
    }
}

impl<S: AsRef<str>> Encode for [S] {
    fn write_json(&self, out: &mut String) {
        write_strs(out, self);
    }
}

impl<S: AsRef<str>> Encode for Vec<S> {
    fn write_json(&self, out: &mut String) {
        write_strs(out, self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{ExplanationDoc, Level};

    /// Every shape of every answer, as `serde_json` writes it.
    #[test]
    fn writes_what_serde_json_writes() {
        let explained = DecisionDoc {
            allowed: false,
            explanation: Some(ExplanationDoc {
                rule: "camunda7.level".into(),
                reason: "user-level revoke on `*` \"quoted\" \\ \u{1}\n\tbeats é 日本".into(),
                level: Some(Level::User),
                rows: vec!["a\u{7f}".into(), "b\u{1f}".into()],
                overridden: vec!["c\u{8}\u{c}\r".into()],
                source: Some("engine".into()),
                decided_by: Some(12),
                via: Some("group `ops`".into()),
            }),
        };
        let plain = DecisionDoc {
            allowed: true,
            explanation: Some(ExplanationDoc {
                rule: "no_match".into(),
                ..ExplanationDoc::default()
            }),
        };
        let bare = DecisionDoc {
            allowed: true,
            explanation: None,
        };
        for doc in [explained, plain, bare] {
            assert_eq!(doc.to_json(), serde_json::to_string(&doc).unwrap());
        }
        for doc in [
            ListDoc::All,
            ListDoc::AllExcept {
                ids: vec!["x".into()],
            },
            ListDoc::Only { ids: Vec::new() },
            ListDoc::Only {
                ids: vec!["a".into(), "b".into()],
            },
        ] {
            assert_eq!(doc.to_json(), serde_json::to_string(&doc).unwrap());
        }
        let permissions = PermissionsDoc {
            permissions: vec!["READ".into(), "ALL".into()],
        };
        assert_eq!(
            permissions.to_json(),
            serde_json::to_string(&permissions).unwrap()
        );
        for doc in [
            ClaimsDoc::default(),
            ClaimsDoc {
                permissions: Some(
                    [
                        ("optimize-api".to_owned(), vec!["write:*".to_owned()]),
                        ("zeebe-api".to_owned(), Vec::new()),
                    ]
                    .into(),
                ),
                scopes: Some(vec!["a--DE".into()]),
            },
            ClaimsDoc {
                permissions: Some(Default::default()),
                scopes: None,
            },
        ] {
            assert_eq!(doc.to_json(), serde_json::to_string(&doc).unwrap());
        }
        let line = ErrorLine {
            error: ErrorDoc {
                code: "request.malformed".into(),
                message: "expected `,` or `}` at line 1 column 2".into(),
            },
        };
        assert_eq!(line.to_json(), serde_json::to_string(&line).unwrap());
        let names = vec!["READ".to_owned(), "x\"y".to_owned()];
        assert_eq!(names.to_json(), serde_json::to_string(&names).unwrap());
    }
}
