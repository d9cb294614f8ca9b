//! [`RowDoc`]: an authorization row borrowed from the text it was read from,
//! what loading a snapshot reads instead of [`AuthorizationDoc`].
//!
//! A snapshot's rows are most of it (100,000 in the benchmark organisation), and
//! an owned row is six allocations (its strings and its permission list), each
//! freed again once the row is validated: a third of loading. Borrowed rows
//! allocate only for strings with escapes, and their permission names go into
//! one list shared by every row.

use alloc::borrow::Cow;

use super::decode::{Decode, read_fields};
use super::{AuthorizationDoc, AuthorizationType, OwnerType, TypeRef};
use crate::json::{Decoder, Error};
use crate::prelude::*;

/// A resource type as a row names it.
#[derive(Debug, Clone)]
pub(crate) enum RowType<'a> {
    Id(u32),
    Name(Cow<'a, str>),
}

/// [`AuthorizationDoc`], borrowed; its permission names are
/// `names[permissions.0..permissions.1]` of the [`RowNames`] it was read with.
#[derive(Debug, Clone)]
pub(crate) struct RowDoc<'a> {
    pub id: Cow<'a, str>,
    pub kind: AuthorizationType,
    pub user_id: Option<Cow<'a, str>>,
    pub group_id: Option<Cow<'a, str>>,
    pub owner_type: Option<OwnerType>,
    pub owner_id: Option<Cow<'a, str>>,
    pub resource_type: RowType<'a>,
    pub resource_id: Option<Cow<'a, str>>,
    pub resource_property_name: Option<Cow<'a, str>>,
    pub permissions: (u32, u32),
}

impl AuthorizationDoc {
    const EXPECTED: &'static str = "struct AuthorizationDoc";
    const FIELDS: &'static [&'static str] = &[
        "id",
        "type",
        "userId",
        "groupId",
        "ownerType",
        "ownerId",
        "resourceType",
        "resourceId",
        "resourcePropertyName",
        "permissions",
    ];
    const REQUIRED: u64 = 0b10_0100_0011;
}

/// The permission names of every row read, one after another.
pub(crate) type RowNames<'a> = Vec<Cow<'a, str>>;

fn opt_text<'de>(d: &mut Decoder<'de>) -> Result<Option<Cow<'de, str>>, Error> {
    if d.read_null()? {
        return Ok(None);
    }
    d.read_text().map(Some)
}

fn position(names: &RowNames<'_>) -> u32 {
    u32::try_from(names.len()).unwrap_or(u32::MAX)
}

impl<'a> RowDoc<'a> {
    /// Reads one row, its permission names appended to `names`.
    pub(crate) fn read(d: &mut Decoder<'a>, names: &mut RowNames<'a>) -> Result<Self, Error> {
        let mut row = Self {
            id: Cow::Borrowed(""),
            kind: AuthorizationType::Grant,
            user_id: None,
            group_id: None,
            owner_type: None,
            owner_id: None,
            resource_type: RowType::Id(0),
            resource_id: None,
            resource_property_name: None,
            permissions: (0, 0),
        };
        read_fields(
            d,
            AuthorizationDoc::EXPECTED,
            AuthorizationDoc::FIELDS,
            AuthorizationDoc::REQUIRED,
            &mut |d, field| {
                match field {
                    0 => row.id = d.read_text()?,
                    1 => row.kind = AuthorizationType::read(d)?,
                    2 => row.user_id = opt_text(d)?,
                    3 => row.group_id = opt_text(d)?,
                    4 => {
                        row.owner_type = if d.read_null()? {
                            None
                        } else {
                            Some(OwnerType::read(d)?)
                        };
                    }
                    5 => row.owner_id = opt_text(d)?,
                    6 => {
                        row.resource_type = match d.read_name_or_id()? {
                            Ok(id) => RowType::Id(id),
                            Err(name) => RowType::Name(name),
                        };
                    }
                    7 => row.resource_id = opt_text(d)?,
                    8 => row.resource_property_name = opt_text(d)?,
                    _ => {
                        let start = position(names);
                        let mut items = d.read_array()?;
                        while items.next(d)? {
                            names.push(d.read_text()?);
                        }
                        row.permissions = (start, position(names));
                    }
                }
                Ok(())
            },
        )?;
        Ok(row)
    }

    /// A row of a document, borrowed.
    pub(crate) fn of(doc: &'a AuthorizationDoc, names: &mut RowNames<'a>) -> Self {
        let text = |text: &'a Option<String>| text.as_deref().map(Cow::Borrowed);
        let start = position(names);
        names.extend(
            doc.permissions
                .iter()
                .map(|name| Cow::Borrowed(name.as_str())),
        );
        Self {
            id: Cow::Borrowed(&doc.id),
            kind: doc.kind,
            user_id: text(&doc.user_id),
            group_id: text(&doc.group_id),
            owner_type: doc.owner_type,
            owner_id: text(&doc.owner_id),
            resource_type: match &doc.resource_type {
                TypeRef::Id(id) => RowType::Id(*id),
                TypeRef::Name(name) => RowType::Name(Cow::Borrowed(name)),
            },
            resource_id: text(&doc.resource_id),
            resource_property_name: text(&doc.resource_property_name),
            permissions: (start, position(names)),
        }
    }

    /// The row as a document of its own.
    pub(crate) fn to_doc(&self, names: &RowNames<'_>) -> AuthorizationDoc {
        let text = |text: &Option<Cow<'_, str>>| text.as_deref().map(str::to_owned);
        let (start, end) = self.permissions;
        AuthorizationDoc {
            id: self.id.clone().into_owned(),
            kind: self.kind,
            user_id: text(&self.user_id),
            group_id: text(&self.group_id),
            owner_type: self.owner_type,
            owner_id: text(&self.owner_id),
            resource_type: match &self.resource_type {
                RowType::Id(id) => TypeRef::Id(*id),
                RowType::Name(name) => TypeRef::Name(name.clone().into_owned()),
            },
            resource_id: text(&self.resource_id),
            resource_property_name: text(&self.resource_property_name),
            permissions: names
                .get(start as usize..end as usize)
                .unwrap_or(&[])
                .iter()
                .map(|name| name.clone().into_owned())
                .collect(),
        }
    }
}

impl Decode for AuthorizationDoc {
    fn read(d: &mut Decoder<'_>) -> Result<Self, Error> {
        let mut names = RowNames::new();
        let row = RowDoc::read(d, &mut names)?;
        Ok(row.to_doc(&names))
    }
}
