//! `writ import emporix`: Emporix IAM Service list responses → a `grants`
//! snapshot document (catalogue `emporix`).
//!
//! A dump is one JSON object whose keys hold the API's list responses verbatim.
//! Every list endpoint answers a bare JSON array of items; a listing may also be
//! an array of such responses, one per page (`[[page 1…], [page 2…]]`). Several
//! dumps make one snapshot (Emporix has one tenant per snapshot): listings are
//! concatenated in order and the per-id maps merged, so each page or section may
//! be saved as its own file.
//!
//! | key | REST call | fields read |
//! |---|---|---|
//! | `accessControls` | `GET /iam/{tenant}/access-controls` | `id`, `scopes`, `restrictionAware`, `restrictedTo` |
//! | `groups` | `GET /iam/{tenant}/groups` | `id`, `userType`, `accessControls`, `templates`, `code`, `b2b.legalEntityId`, `restrictions` |
//! | `groupUsers.<groupId>` | `GET /iam/{tenant}/groups/{groupId}/users` | `groupId`, `userId`, `userType` |
//! | `groupAccessControls.<groupId>` | `GET /iam/{tenant}/groups/{groupId}/access-controls` (optional) | as `accessControls` |
//! | `templates` | `GET /iam/{tenant}/templates` (optional) | `id`, `accessControls` |
//! | `users` | `GET /iam/{tenant}/users` (optional) | `id`, `status`, `isAccountLocked`, `groupIds` |
//! | `customers` | `GET /customer/{tenant}/customers` (optional) | `id`, `active`, `onHold` |
//! | `userScopes.<userId>` | `GET /iam/{tenant}/users/{userId}/scopes` (optional) | `scopes` |
//!
//! Everything else a response carries (localized names, `metadata`, `mixins`,
//! `domains`, `predefined`, `vendorId`, `lastLogin`, later additions) is ignored,
//! and so are unknown keys of the dump.
//!
//! Mapping. Access controls keep their scopes (deduplicated, in order),
//! `restrictionAware` when true and `restrictedTo`. A group's `userType` is
//! always written (absent: EMPLOYEE, the API's default, with a warning); it holds
//! its own access controls, then those of its templates, then any more that
//! `groupAccessControls` lists. A CUSTOMER group whose `code` is ADMIN, BUYER,
//! REQUESTER or CONTACT is that predefined group; [`ImportOptions::predefined`]
//! overrides. Memberships are the union of `groupUsers` and `users[].groupIds`.
//! An account is `provisioned` when its `status` is PROVISIONED, `locked` when
//! `isAccountLocked` is true, the status is INACTIVE, or the Customer Service says
//! `onHold: true` or `active: false`; else `active`. `userScopes` is never a source:
//! it is compared with the scopes the snapshot derives, and a difference is a
//! warning. Dashboard `domains` come from [`ImportOptions::domains`] (no call
//! returns them).
//!
//! Access controls and groups that a group or membership names but the listings
//! lack are added, with a warning. A duplicate id (overlapping pages or dumps)
//! keeps the first item, with a warning when the items differ in a field read.
//! What the snapshot would refuse to load is refused here with an API-level
//! message: a group holding an access control restricted to the other user type
//! (`import.user_type_mismatch`), a user in two of the ADMIN, BUYER and REQUESTER
//! groups of one legal entity (`import.customer_group_conflict`).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::ImportError;
use crate::wire::{
    AccessControlDoc, AccountState, DomainDoc, FORMAT_VERSION, GroupDoc, PredefinedGroup,
    ProfileName, SnapshotDoc, UserDoc, UserType,
};

/// The built-in catalogue an imported snapshot selects.
pub const CATALOGUE: &str = "emporix";

const ACCESS_CONTROLS: &str = "GET /iam/{tenant}/access-controls";
const GROUPS: &str = "GET /iam/{tenant}/groups";
const TEMPLATES: &str = "GET /iam/{tenant}/templates";
const USERS: &str = "GET /iam/{tenant}/users";
const CUSTOMERS: &str = "GET /customer/{tenant}/customers";

/// One tenant's list responses (or a part of them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dump {
    #[serde(default)]
    pub access_controls: Listing<RestAccessControl>,
    #[serde(default)]
    pub groups: Listing<RestGroup>,
    /// Per group id: its members.
    #[serde(default)]
    pub group_users: BTreeMap<String, Listing<RestAssignment>>,
    /// Per group id: the access controls it holds, as whole documents.
    #[serde(default)]
    pub group_access_controls: BTreeMap<String, Listing<RestAccessControl>>,
    /// `None`: not saved, so the template ids groups name are not checked.
    #[serde(default)]
    pub templates: Option<Listing<RestTemplate>>,
    #[serde(default)]
    pub users: Listing<RestUser>,
    #[serde(default)]
    pub customers: Listing<RestCustomer>,
    /// Per user id: its effective scopes, compared with the derived ones.
    #[serde(default)]
    pub user_scopes: BTreeMap<String, RestUserScopes>,
}

/// The items of one list response (a bare array), or of several: an array of
/// responses, one per page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// The number of items of each page in the array-of-pages form; empty for
    /// one response.
    pub pages: Vec<usize>,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            pages: Vec::new(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Listing<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListingVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListingVisitor<T> {
            type Value = Listing<T>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a list response (an array of items) or an array of pages")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut listing = Listing::default();
                let mut paged = None;
                while let Some(entry) = seq.next_element::<PageOrItem<T>>()? {
                    let page = matches!(entry, PageOrItem::Page(_));
                    if *paged.get_or_insert(page) != page {
                        return Err(de::Error::custom(
                            "a listing holds items or pages of items, not both",
                        ));
                    }
                    match entry {
                        PageOrItem::Item(item) => listing.items.push(item),
                        PageOrItem::Page(items) => {
                            listing.pages.push(items.len());
                            listing.items.extend(items);
                        }
                    }
                }
                Ok(listing)
            }
        }

        deserializer.deserialize_seq(ListingVisitor(PhantomData))
    }
}

/// An element of a listing: an item (an object) or a page of items (an array).
enum PageOrItem<T> {
    Page(Vec<T>),
    Item(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PageOrItem<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageOrItemVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for PageOrItemVisitor<T> {
            type Value = PageOrItem<T>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("an item (an object) or a page of items (an array)")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                super::seq_items(seq).map(PageOrItem::Page)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(PageOrItem::Item)
            }
        }

        deserializer.deserialize_any(PageOrItemVisitor(PhantomData))
    }
}

/// An item of `GET /iam/{tenant}/access-controls` (or the body of
/// `GET /iam/{tenant}/access-controls/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestAccessControl {
    pub id: String,
    /// `None`: the response carried no `scopes` key.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub restriction_aware: Option<bool>,
    /// `CUSTOMER` or `EMPLOYEE`; `None`: groups of either type may hold it.
    #[serde(default)]
    pub restricted_to: Option<String>,
}

/// An item of `GET /iam/{tenant}/groups`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestGroup {
    pub id: String,
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub access_controls: Option<Vec<String>>,
    #[serde(default)]
    pub templates: Option<Vec<String>>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub b2b: Option<RestGroupB2b>,
    #[serde(default)]
    pub restrictions: Option<Vec<String>>,
}

/// A group's `b2b` object.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestGroupB2b {
    #[serde(default)]
    pub legal_entity_id: Option<String>,
}

/// An item of `GET /iam/{tenant}/groups/{groupId}/users`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestAssignment {
    #[serde(default)]
    pub group_id: Option<String>,
    pub user_id: String,
    #[serde(default)]
    pub user_type: Option<String>,
}

/// An item of `GET /iam/{tenant}/templates`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestTemplate {
    pub id: String,
    #[serde(default)]
    pub access_controls: Option<Vec<String>>,
}

/// An item of `GET /iam/{tenant}/users`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestUser {
    pub id: String,
    /// ACTIVE, PROVISIONED or INACTIVE (any case); `None`: ACTIVE.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub is_account_locked: Option<bool>,
    /// `None`: the response did not say, so memberships are not compared.
    #[serde(default)]
    pub group_ids: Option<Vec<String>>,
}

/// An item of `GET /customer/{tenant}/customers`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestCustomer {
    pub id: String,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub on_hold: Option<bool>,
}

/// The body of `GET /iam/{tenant}/users/{userId}/scopes`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RestUserScopes {
    /// Space-separated, with a `tenant=…` token.
    #[serde(default)]
    pub scopes: Option<String>,
}

/// Settings and data the API does not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    pub revision: Option<String>,
    /// The dashboard domains, copied into the snapshot (no API call returns them).
    pub domains: Vec<DomainDoc>,
    /// Per group id: the predefined customer group it is, whatever its `code`.
    pub predefined: BTreeMap<String, PredefinedGroup>,
}

/// A snapshot document, and what the importer had to make up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub snapshot: SnapshotDoc,
    pub warnings: Vec<String>,
}

/// Parses one dump, with the path of any shape error.
///
/// # Errors
/// `import.malformed` with the path inside the dump (`groups[2].accessControls`,
/// `groupUsers.sales[0][3].userId` in the array-of-pages form).
pub fn parse_dump(text: &str) -> Result<Dump, ImportError> {
    super::parse_dump(text)
}

/// Parses a JSON array of dashboard domains (the snapshot's `domains` entries).
///
/// # Errors
/// `import.malformed` with the path inside the array (`[0].levels`).
pub fn parse_domains(text: &str) -> Result<Vec<DomainDoc>, ImportError> {
    super::parse_dump(text)
}

/// The predefined customer group named `name` (ADMIN, BUYER, REQUESTER or
/// CONTACT, in any case).
pub fn predefined_group(name: &str) -> Option<PredefinedGroup> {
    [
        ("ADMIN", PredefinedGroup::Admin),
        ("BUYER", PredefinedGroup::Buyer),
        ("REQUESTER", PredefinedGroup::Requester),
        ("CONTACT", PredefinedGroup::Contact),
    ]
    .into_iter()
    .find_map(|(known, group)| name.eq_ignore_ascii_case(known).then_some(group))
}

/// Builds one `grants` snapshot (catalogue `emporix`) from one or more dumps of
/// the same tenant, merged.
///
/// # Errors
/// `import.unknown_user_type` (a `userType` or `restrictedTo` other than CUSTOMER
/// or EMPLOYEE), `import.unknown_account_status`, `import.malformed` (an
/// assignment whose `groupId` is not its `groupUsers` key),
/// `import.user_type_mismatch`, `import.customer_group_conflict`. Paths index
/// the items of each dump (`groups[3].userType`, `groupUsers.sales[0].groupId`);
/// with several dumps they start with the dump's position (`dumps[1].groups[3].userType`).
pub fn import(dumps: &[Dump], options: &ImportOptions) -> Result<Imported, ImportError> {
    let mut warnings = Vec::new();
    let access_controls = first_of_each(
        gather(dumps, "accessControls", |dump| Some(&dump.access_controls)),
        "access control",
        ACCESS_CONTROLS,
        &mut warnings,
    );
    let groups = first_of_each(
        gather(dumps, "groups", |dump| Some(&dump.groups)),
        "group",
        GROUPS,
        &mut warnings,
    );
    let templates = first_of_each(
        gather(dumps, "templates", |dump| dump.templates.as_ref()),
        "template",
        TEMPLATES,
        &mut warnings,
    );
    let users = first_of_each(
        gather(dumps, "users", |dump| Some(&dump.users)),
        "user",
        USERS,
        &mut warnings,
    );
    let customers = first_of_each(
        gather(dumps, "customers", |dump| Some(&dump.customers)),
        "customer",
        CUSTOMERS,
        &mut warnings,
    );
    let group_access_controls = gather_by_group(dumps, "groupAccessControls", |dump| {
        &dump.group_access_controls
    });
    let mut user_scopes: BTreeMap<&str, &RestUserScopes> = BTreeMap::new();
    for dump in dumps {
        for (user, response) in &dump.user_scopes {
            match user_scopes.entry(user) {
                Entry::Vacant(slot) => {
                    slot.insert(response);
                }
                Entry::Occupied(first) => {
                    if *first.get() != response {
                        warnings.push(format!(
                            "user `{user}`: GET /iam/{{tenant}}/users/{user}/scopes is given \
                             more than once, differently; the first is kept"
                        ));
                    }
                }
            }
        }
    }

    let mut builder = Builder {
        options,
        warnings,
        access_controls: Ordered::default(),
        templates: templates
            .into_iter()
            .map(|found| {
                let held = found.item.access_controls.as_deref().unwrap_or_default();
                (found.item.id.as_str(), held)
            })
            .collect(),
        templates_listed: dumps.iter().any(|dump| dump.templates.is_some()),
        groups: Ordered::default(),
        users: Ordered::default(),
        group_users: gather_by_group(dumps, "groupUsers", |dump| &dump.group_users),
    };
    for found in &access_controls {
        builder.list_access_control(found, None)?;
    }
    for (group, listed) in &group_access_controls {
        let why = format!("GET /iam/{{tenant}}/groups/{group}/access-controls lists it");
        for found in listed {
            builder.list_access_control(found, Some(why.as_str()))?;
        }
    }
    for found in &groups {
        builder.list_group(found)?;
    }
    for (group, listed) in &group_access_controls {
        builder.group_access_controls(group, listed)?;
    }
    for found in &users {
        builder.list_user(found)?;
    }
    for found in &customers {
        builder.list_customer(found.item);
    }
    builder.group_members()?;
    builder.check_invariants()?;
    builder.check_scopes(&user_scopes);
    for group in options.predefined.keys() {
        if !builder.groups.contains(group) {
            builder.warnings.push(format!(
                "the predefined kind given for group `{group}` names no group of the dumps; ignored"
            ));
        }
    }

    let Builder {
        warnings,
        access_controls,
        groups,
        users,
        ..
    } = builder;
    let snapshot = SnapshotDoc {
        format: FORMAT_VERSION,
        revision: options.revision.clone(),
        profile: ProfileName::Grants,
        catalogues: vec![CATALOGUE.to_owned()],
        access_controls: access_controls
            .into_entries()
            .map(|(id, access_control)| AccessControlDoc {
                id,
                scopes: access_control.scopes,
                restriction_aware: access_control.restriction_aware,
                restricted_to: access_control.restricted_to,
            })
            .collect(),
        domains: options.domains.clone(),
        groups: groups
            .into_entries()
            .map(|(id, group)| GroupDoc {
                id,
                // Always written: the loader counts a group without a user type
                // as mismatching every `restrictedTo`.
                user_type: Some(group.user_type),
                legal_entity: group.legal_entity,
                restrictions: group.restrictions,
                access_controls: group.access_controls,
                predefined: group.predefined,
                ..GroupDoc::default()
            })
            .collect(),
        users: users
            .into_entries()
            .map(|(id, user)| UserDoc {
                id,
                groups: user.groups.into_iter().collect(),
                state: user.state,
                ..UserDoc::default()
            })
            .collect(),
        ..SnapshotDoc::default()
    };
    Ok(Imported { snapshot, warnings })
}

/// What the importer knows of one access control.
#[derive(Debug, Default)]
struct AccessControl {
    scopes: Vec<String>,
    restriction_aware: bool,
    restricted_to: Option<UserType>,
}

/// What the importer knows of one group.
#[derive(Debug)]
struct Group {
    user_type: UserType,
    legal_entity: Option<String>,
    restrictions: Vec<String>,
    /// In order: its own, its templates', then those only `groupAccessControls` lists.
    access_controls: Vec<String>,
    predefined: Option<PredefinedGroup>,
}

/// What the importer knows of one user (an employee or a customer).
#[derive(Debug, Default)]
struct User {
    groups: BTreeSet<String>,
    state: AccountState,
    /// The user's `groupIds`, when `users` lists it with them.
    group_ids: Option<BTreeSet<String>>,
}

/// The import in progress: every entity in the order first seen.
#[derive(Debug)]
struct Builder<'d> {
    options: &'d ImportOptions,
    warnings: Vec<String>,
    access_controls: Ordered<AccessControl>,
    /// Template id → its access controls.
    templates: BTreeMap<&'d str, &'d [String]>,
    /// Whether any dump has `templates` (else template ids are not checked).
    templates_listed: bool,
    groups: Ordered<Group>,
    users: Ordered<User>,
    group_users: BTreeMap<&'d str, Vec<Placed<'d, RestAssignment>>>,
}

impl<'d> Builder<'d> {
    /// An access control of a listing: `why` says which listing when it is not
    /// `accessControls` (a group's). Known ids are skipped.
    fn list_access_control(
        &mut self,
        found: &Placed<'d, RestAccessControl>,
        why: Option<&str>,
    ) -> Result<(), ImportError> {
        let rest = found.item;
        if self.access_controls.contains(&rest.id) {
            return Ok(());
        }
        let restricted_to = match rest.restricted_to.as_deref() {
            Some(name) => Some(user_type_at(name, &found.place, "restrictedTo")?),
            None => None,
        };
        match (why, rest.scopes.is_some()) {
            (None, true) => {}
            (None, false) => self.warnings.push(format!(
                "access control `{}` carries no `scopes`: save the bodies of \
                 GET /iam/{{tenant}}/access-controls/{} as the listing instead",
                rest.id, rest.id
            )),
            (Some(why), has_scopes) => self.warnings.push(format!(
                "access control `{}` is not listed by {ACCESS_CONTROLS} but {why}; added{}",
                rest.id,
                if has_scopes { "" } else { " without scopes" }
            )),
        }
        let mut scopes = Vec::new();
        // An empty scope matches nothing (and would not load).
        for scope in rest
            .scopes
            .iter()
            .flatten()
            .filter(|scope| !scope.is_empty())
        {
            push_new(&mut scopes, scope);
        }
        self.access_controls.entry(&rest.id, || AccessControl {
            scopes,
            restriction_aware: rest.restriction_aware == Some(true),
            restricted_to,
        });
        Ok(())
    }

    /// An access control a group holds: added, without scopes and with a
    /// warning, when no listing gives it (the snapshot requires it, and it still
    /// confers `HOLD` on `ACCESS_CONTROL`, which domains need).
    fn ensure_access_control(&mut self, id: &str, why: &str) {
        if self.access_controls.contains(id) {
            return;
        }
        self.warnings.push(format!(
            "access control `{id}` is not listed by {ACCESS_CONTROLS} but {why}; added without scopes"
        ));
        self.access_controls.entry(id, AccessControl::default);
    }

    /// A group of the `groups` listing.
    fn list_group(&mut self, found: &Placed<'d, RestGroup>) -> Result<(), ImportError> {
        let rest = found.item;
        let id = rest.id.as_str();
        if self.groups.contains(id) {
            return Ok(());
        }
        let user_type = match rest.user_type.as_deref() {
            Some(name) => user_type_at(name, &found.place, "userType")?,
            None => {
                self.warnings.push(format!(
                    "group `{id}` has no userType; EMPLOYEE assumed (the API's default)"
                ));
                UserType::Employee
            }
        };
        let from_code = rest
            .code
            .as_deref()
            .filter(|_| user_type == UserType::Customer)
            .and_then(predefined_group);
        let predefined = self.options.predefined.get(id).copied().or(from_code);
        let mut held = Vec::new();
        for access_control in rest.access_controls.iter().flatten() {
            push_new(&mut held, access_control);
        }
        for template in rest.templates.iter().flatten() {
            let of_template = self.templates.get(template.as_str()).copied();
            match of_template {
                Some(access_controls) => {
                    for access_control in access_controls {
                        push_new(&mut held, access_control);
                    }
                }
                None if self.templates_listed => self.warnings.push(format!(
                    "group `{id}`: template `{template}` is not listed by {TEMPLATES}; ignored"
                )),
                None => {}
            }
        }
        let why = format!("group `{id}` holds it");
        for access_control in &held {
            self.ensure_access_control(access_control, &why);
        }
        self.groups.entry(id, || Group {
            user_type,
            legal_entity: rest
                .b2b
                .as_ref()
                .and_then(|b2b| b2b.legal_entity_id.clone())
                .filter(|legal_entity| !legal_entity.is_empty()),
            restrictions: rest
                .restrictions
                .iter()
                .flatten()
                .filter(|restriction| !restriction.is_empty())
                .cloned()
                .collect(),
            access_controls: held,
            predefined,
        });
        Ok(())
    }

    /// A group that a membership or `groupAccessControls` names: added, with a
    /// warning, when the listing lacks it. Its user type is the one its
    /// assignments carry, else EMPLOYEE (with a warning).
    fn ensure_group(&mut self, id: &str, why: &str) -> Result<(), ImportError> {
        if self.groups.contains(id) {
            return Ok(());
        }
        self.warnings.push(format!(
            "group `{id}` is not listed by {GROUPS} but {why}; added"
        ));
        let mut assigned: Option<(&'d str, Place<'d>)> = None;
        if let Some(assignments) = self.group_users.get(id) {
            for found in assignments {
                let item: &'d RestAssignment = found.item;
                if let Some(name) = item.user_type.as_deref() {
                    assigned = Some((name, found.place));
                    break;
                }
            }
        }
        let user_type = match assigned {
            Some((name, place)) => user_type_at(name, &place, "userType")?,
            None => {
                self.warnings.push(format!(
                    "group `{id}`: no listing gives its userType; EMPLOYEE assumed (the API's default)"
                ));
                UserType::Employee
            }
        };
        let predefined = self.options.predefined.get(id).copied();
        self.groups.entry(id, || Group {
            user_type,
            legal_entity: None,
            restrictions: Vec::new(),
            access_controls: Vec::new(),
            predefined,
        });
        Ok(())
    }

    /// `groupAccessControls.<group>`: its access controls join the group's.
    fn group_access_controls(
        &mut self,
        group: &str,
        listed: &[Placed<'d, RestAccessControl>],
    ) -> Result<(), ImportError> {
        let was_listed = self.groups.contains(group);
        self.ensure_group(
            group,
            &format!("it has access controls (`groupAccessControls.{group}`)"),
        )?;
        let mut only_listed: Vec<&str> = Vec::new();
        let mut only_held: Vec<String> = Vec::new();
        if let Some(held) = self.groups.get_mut(group) {
            for found in listed {
                let id = found.item.id.as_str();
                if !held.access_controls.iter().any(|known| known == id)
                    && !only_listed.contains(&id)
                {
                    only_listed.push(id);
                }
            }
            only_held = held
                .access_controls
                .iter()
                .filter(|known| !listed.iter().any(|found| found.item.id == **known))
                .cloned()
                .collect();
            held.access_controls
                .extend(only_listed.iter().map(|id| (*id).to_owned()));
        }
        if was_listed && (!only_listed.is_empty() || !only_held.is_empty()) {
            let only_held: Vec<&str> = only_held.iter().map(String::as_str).collect();
            self.warnings.push(format!(
                "group `{group}`: GET /iam/{{tenant}}/groups/{group}/access-controls differs \
                 from its accessControls (only listed there: {}; only held: {}); the union is kept",
                id_list(&only_listed),
                id_list(&only_held)
            ));
        }
        Ok(())
    }

    /// A user of the `users` listing: its account state and `groupIds`.
    fn list_user(&mut self, found: &Placed<'d, RestUser>) -> Result<(), ImportError> {
        let rest = found.item;
        let state = employee_state(rest, &found.place)?;
        let why = format!("user `{}` lists it in groupIds", rest.id);
        for group in rest.group_ids.iter().flatten() {
            self.ensure_group(group, &why)?;
        }
        let user = self.users.entry(&rest.id, User::default);
        user.state = state;
        if let Some(group_ids) = &rest.group_ids {
            user.groups.extend(group_ids.iter().cloned());
            user.group_ids = Some(group_ids.iter().cloned().collect());
        }
        Ok(())
    }

    /// A customer of the Customer Service listing: its account state.
    fn list_customer(&mut self, rest: &RestCustomer) {
        let suspended = rest.on_hold == Some(true) || rest.active == Some(false);
        let user = self.users.entry(&rest.id, User::default);
        // Provisioned (from the IAM listing) stays: it denies as much.
        if suspended && user.state == AccountState::Active {
            user.state = AccountState::Locked;
        }
    }

    /// The member listings `groupUsers`, compared with the users' `groupIds`.
    fn group_members(&mut self) -> Result<(), ImportError> {
        let groups: Vec<&'d str> = self.group_users.keys().copied().collect();
        // (group, user) as the member listings give them.
        let mut assigned: BTreeSet<(&'d str, &'d str)> = BTreeSet::new();
        for group in groups {
            self.ensure_group(group, &format!("it has members (`groupUsers.{group}`)"))?;
            let group_type = self.groups.get(group).map(|known| known.user_type);
            let assignments = self.group_users.get(group).cloned().unwrap_or_default();
            for found in assignments {
                let item: &'d RestAssignment = found.item;
                if let Some(other) = item.group_id.as_deref().filter(|other| *other != group) {
                    return Err(ImportError::Malformed {
                        path: found.place.path("groupId"),
                        message: format!(
                            "an assignment to group `{other}` among the members of group `{group}`"
                        ),
                    });
                }
                let user_id = item.user_id.as_str();
                if let Some(name) = item.user_type.as_deref() {
                    let as_type = user_type_at(name, &found.place, "userType")?;
                    if let Some(group_type) = group_type.filter(|known| *known != as_type) {
                        self.warnings.push(format!(
                            "user `{user_id}` is assigned to {} group `{group}` as {}",
                            user_type_name(group_type),
                            user_type_name(as_type)
                        ));
                    }
                }
                assigned.insert((group, user_id));
                let user = self.users.entry(user_id, User::default);
                let unlisted = user
                    .group_ids
                    .as_ref()
                    .is_some_and(|group_ids| !group_ids.contains(group));
                user.groups.insert(group.to_owned());
                if unlisted {
                    self.warnings.push(format!(
                        "user `{user_id}` is a member of group `{group}` by \
                         GET /iam/{{tenant}}/groups/{group}/users but not by its groupIds; kept"
                    ));
                }
            }
        }
        for (user_id, user) in self.users.iter() {
            for group in user.group_ids.iter().flatten() {
                if self.group_users.contains_key(group.as_str())
                    && !assigned.contains(&(group.as_str(), user_id))
                {
                    self.warnings.push(format!(
                        "user `{user_id}` lists group `{group}` in its groupIds, but \
                         GET /iam/{{tenant}}/groups/{group}/users does not list the user; kept"
                    ));
                }
            }
        }
        Ok(())
    }

    /// What the snapshot would refuse to load, refused in the API's terms.
    fn check_invariants(&self) -> Result<(), ImportError> {
        for (id, group) in self.groups.iter() {
            for held in &group.access_controls {
                let restricted_to = self
                    .access_controls
                    .get(held)
                    .and_then(|access_control| access_control.restricted_to);
                if let Some(restricted_to) = restricted_to
                    && restricted_to != group.user_type
                {
                    return Err(ImportError::UserTypeMismatch {
                        group: id.to_owned(),
                        user_type: user_type_name(group.user_type),
                        access_control: held.clone(),
                        restricted_to: user_type_name(restricted_to),
                    });
                }
            }
        }
        for (id, user) in self.users.iter() {
            // The ADMIN, BUYER and REQUESTER groups seen so far, with their legal entity.
            let mut exclusive: Vec<(&str, Option<&str>)> = Vec::new();
            for group_id in &user.groups {
                let Some(group) = self.groups.get(group_id) else {
                    continue;
                };
                if !matches!(
                    group.predefined,
                    Some(
                        PredefinedGroup::Admin
                            | PredefinedGroup::Buyer
                            | PredefinedGroup::Requester
                    )
                ) {
                    continue;
                }
                let legal_entity = group.legal_entity.as_deref();
                if let Some((first, _)) = exclusive.iter().find(|(_, other)| *other == legal_entity)
                {
                    return Err(ImportError::CustomerGroupConflict {
                        user: id.to_owned(),
                        first: (*first).to_owned(),
                        second: group_id.clone(),
                        legal_entity: legal_entity.unwrap_or("(none)").to_owned(),
                    });
                }
                exclusive.push((group_id.as_str(), legal_entity));
            }
        }
        Ok(())
    }

    /// `userScopes`: each response compared with the scopes the snapshot derives.
    fn check_scopes(&mut self, user_scopes: &BTreeMap<&str, &RestUserScopes>) {
        for (user, response) in user_scopes {
            let given: BTreeSet<&str> = response
                .scopes
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
                .filter(|scope| !scope.starts_with("tenant="))
                .collect();
            let derived = self.derived_scopes(user);
            let only_given: Vec<&str> = given
                .iter()
                .copied()
                .filter(|scope| !derived.contains(*scope))
                .collect();
            let only_derived: Vec<&str> = derived
                .iter()
                .map(String::as_str)
                .filter(|scope| !given.contains(scope))
                .collect();
            if !only_given.is_empty() || !only_derived.is_empty() {
                self.warnings.push(format!(
                    "user `{user}`: GET /iam/{{tenant}}/users/{user}/scopes differs from the \
                     scopes the import derives (only in the response: {}; only derived: {})",
                    id_list(&only_given),
                    id_list(&only_derived)
                ));
            }
        }
    }

    /// The scopes `user` holds, as the loader derives them: for each group and
    /// each of its access controls, every scope, or `s--R` for each restriction
    /// R of a restricted group when the access control is restriction-aware.
    fn derived_scopes(&self, user: &str) -> BTreeSet<String> {
        let mut scopes = BTreeSet::new();
        let Some(user) = self.users.get(user) else {
            return scopes;
        };
        for group_id in &user.groups {
            let Some(group) = self.groups.get(group_id) else {
                continue;
            };
            for held in &group.access_controls {
                let Some(access_control) = self.access_controls.get(held) else {
                    continue;
                };
                for scope in &access_control.scopes {
                    if access_control.restriction_aware && !group.restrictions.is_empty() {
                        for restriction in &group.restrictions {
                            scopes.insert(format!("{scope}--{restriction}"));
                        }
                    } else {
                        scopes.insert(scope.clone());
                    }
                }
            }
        }
        scopes
    }
}

/// An employee's (or IAM-listed customer's) account state: PROVISIONED first
/// (an unconfirmed account), then locked by `isAccountLocked` or INACTIVE.
fn employee_state(rest: &RestUser, place: &Place<'_>) -> Result<AccountState, ImportError> {
    let status = rest.status.as_deref().unwrap_or("ACTIVE");
    let is = |name: &str| status.eq_ignore_ascii_case(name);
    if is("PROVISIONED") {
        return Ok(AccountState::Provisioned);
    }
    if !is("ACTIVE") && !is("INACTIVE") {
        return Err(ImportError::UnknownAccountStatus {
            path: place.path("status"),
            found: status.to_owned(),
        });
    }
    Ok(if is("INACTIVE") || rest.is_account_locked == Some(true) {
        AccountState::Locked
    } else {
        AccountState::Active
    })
}

fn user_type_at(name: &str, place: &Place<'_>, field: &str) -> Result<UserType, ImportError> {
    if name.eq_ignore_ascii_case("EMPLOYEE") {
        Ok(UserType::Employee)
    } else if name.eq_ignore_ascii_case("CUSTOMER") {
        Ok(UserType::Customer)
    } else {
        Err(ImportError::UnknownUserType {
            path: place.path(field),
            found: name.to_owned(),
        })
    }
}

fn user_type_name(user_type: UserType) -> &'static str {
    match user_type {
        UserType::Employee => "EMPLOYEE",
        UserType::Customer => "CUSTOMER",
    }
}

fn push_new(list: &mut Vec<String>, id: &str) {
    if !list.iter().any(|known| known == id) {
        list.push(id.to_owned());
    }
}

/// `` `a`, `b` ``, or `none`.
fn id_list(ids: &[&str]) -> String {
    if ids.is_empty() {
        return "none".to_owned();
    }
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where an item is in the dumps, for the path of an error.
#[derive(Debug, Clone, Copy)]
struct Place<'d> {
    /// The dump's position, when there are several.
    dump: Option<usize>,
    /// The dump's key (`groups`, `groupUsers`).
    key: &'static str,
    /// The group id under a per-group key.
    group: Option<&'d str>,
    /// The listing's pages ([`Listing::pages`]).
    pages: &'d [usize],
    /// The item's position among the listing's items.
    index: usize,
}

impl Place<'_> {
    /// `groups[3].userType`, `groupUsers.sales[1][0].groupId`,
    /// `dumps[2].users[4].status`.
    fn path(&self, field: &str) -> String {
        let dump = self
            .dump
            .map(|dump| format!("dumps[{dump}]."))
            .unwrap_or_default();
        let group = self
            .group
            .map(|group| format!(".{group}"))
            .unwrap_or_default();
        let mut index = self.index;
        let mut at = format!("[{index}]");
        for (page, &length) in self.pages.iter().enumerate() {
            if index < length {
                at = format!("[{page}][{index}]");
                break;
            }
            index -= length;
        }
        format!("{dump}{}{group}{at}.{field}", self.key)
    }
}

/// An item of some dump's listing, and where it is.
#[derive(Debug)]
struct Placed<'d, T> {
    item: &'d T,
    place: Place<'d>,
}

impl<T> Clone for Placed<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Placed<'_, T> {}

/// The items of one listing, with their places.
fn placed<'d, T>(
    dump: Option<usize>,
    key: &'static str,
    group: Option<&'d str>,
    listing: &'d Listing<T>,
) -> impl Iterator<Item = Placed<'d, T>> {
    listing
        .items
        .iter()
        .enumerate()
        .map(move |(index, item)| Placed {
            item,
            place: Place {
                dump,
                key,
                group,
                pages: &listing.pages,
                index,
            },
        })
}

/// Every item of one listing across the dumps, in order.
fn gather<'d, T>(
    dumps: &'d [Dump],
    key: &'static str,
    listing_of: impl Fn(&'d Dump) -> Option<&'d Listing<T>>,
) -> Vec<Placed<'d, T>> {
    let several = dumps.len() > 1;
    let mut gathered = Vec::new();
    for (position, dump) in dumps.iter().enumerate() {
        if let Some(listing) = listing_of(dump) {
            gathered.extend(placed(several.then_some(position), key, None, listing));
        }
    }
    gathered
}

/// Every item of one per-group map across the dumps, by group id, in order.
fn gather_by_group<'d, T>(
    dumps: &'d [Dump],
    key: &'static str,
    map_of: impl Fn(&'d Dump) -> &'d BTreeMap<String, Listing<T>>,
) -> BTreeMap<&'d str, Vec<Placed<'d, T>>> {
    let several = dumps.len() > 1;
    let mut gathered: BTreeMap<&'d str, Vec<Placed<'d, T>>> = BTreeMap::new();
    for (position, dump) in dumps.iter().enumerate() {
        for (group, listing) in map_of(dump) {
            let group = group.as_str();
            gathered.entry(group).or_default().extend(placed(
                several.then_some(position),
                key,
                Some(group),
                listing,
            ));
        }
    }
    gathered
}

/// Items with an id.
trait Identified {
    fn id(&self) -> &str;
}

impl Identified for RestAccessControl {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for RestGroup {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for RestTemplate {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for RestUser {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Identified for RestCustomer {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Each id once (overlapping pages or dumps): the first item wins; a later one
/// that differs in a field read is reported.
fn first_of_each<'d, T: Identified + PartialEq>(
    gathered: Vec<Placed<'d, T>>,
    kind: &str,
    listed_by: &str,
    warnings: &mut Vec<String>,
) -> Vec<Placed<'d, T>> {
    let mut seen: BTreeMap<&'d str, &'d T> = BTreeMap::new();
    let mut kept = Vec::with_capacity(gathered.len());
    for found in gathered {
        let item: &'d T = found.item;
        match seen.entry(item.id()) {
            Entry::Vacant(slot) => {
                slot.insert(item);
                kept.push(found);
            }
            Entry::Occupied(first) => {
                if *first.get() != item {
                    warnings.push(format!(
                        "{kind} `{}` is listed more than once by {listed_by}, differently; \
                         the first is kept",
                        item.id()
                    ));
                }
            }
        }
    }
    kept
}

/// Entities in the order first seen, found by id.
#[derive(Debug)]
struct Ordered<V> {
    order: Vec<String>,
    entries: BTreeMap<String, V>,
}

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Self {
            order: Vec::new(),
            entries: BTreeMap::new(),
        }
    }
}

impl<V> Ordered<V> {
    fn contains(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    fn get(&self, id: &str) -> Option<&V> {
        self.entries.get(id)
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut V> {
        self.entries.get_mut(id)
    }

    /// The entry of `id`, made by `value` when new.
    fn entry(&mut self, id: &str, value: impl FnOnce() -> V) -> &mut V {
        match self.entries.entry(id.to_owned()) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(slot) => {
                self.order.push(id.to_owned());
                slot.insert(value())
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.order
            .iter()
            .filter_map(|id| Some((id.as_str(), self.entries.get(id)?)))
    }

    fn into_entries(mut self) -> impl Iterator<Item = (String, V)> {
        self.order.into_iter().filter_map(move |id| {
            let value = self.entries.remove(&id)?;
            Some((id, value))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Authorizer;
    use crate::wire::RequestDoc;

    /// A dump as a tenant's API answers (with the names, metadata and other
    /// fields the importer ignores); it imports to the demo snapshot.
    const FIXTURE: &str = include_str!("../../../host/demo/emporix-dump.json");
    const DEMO: &str = include_str!("../../../host/demo/emporix.json");

    type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

    fn imported_with(dumps: &[&str], options: &ImportOptions) -> Fallible<Imported> {
        let parsed = dumps
            .iter()
            .copied()
            .map(parse_dump)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(import(&parsed, options)?)
    }

    fn imported(dumps: &[&str]) -> Fallible<Imported> {
        imported_with(dumps, &ImportOptions::default())
    }

    /// The code and message of the error the dumps import to (`none`: no error).
    fn refused(dumps: &[&str]) -> Fallible<(&'static str, String)> {
        let parsed = dumps
            .iter()
            .copied()
            .map(parse_dump)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(import(&parsed, &ImportOptions::default())
            .err()
            .map_or(("none", String::new()), |error| {
                (error.code(), error.to_string())
            }))
    }

    /// The path an error message starts with.
    fn path_of(message: &str) -> Option<&str> {
        message.split('`').nth(1)
    }

    fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<&str> {
        items.iter().map(id).collect()
    }

    #[test]
    fn the_fixture_imports_to_the_demo_snapshot() -> Fallible<()> {
        let mut demo: serde_json::Value = serde_json::from_str(DEMO)?;
        let domains = demo
            .as_object_mut()
            .and_then(|demo| demo.remove("domains"))
            .ok_or("the demo has domains")?;
        let Imported { snapshot, warnings } = imported(&[FIXTURE])?;
        assert_eq!(warnings, Vec::<String>::new());
        assert_eq!(serde_json::to_value(&snapshot)?, demo);

        // With the demo's domains (`--domains`), the whole demo.
        let options = ImportOptions {
            domains: parse_domains(&domains.to_string())?,
            revision: Some("r7".into()),
            ..ImportOptions::default()
        };
        let whole = imported_with(&[FIXTURE], &options)?.snapshot;
        assert_eq!(whole.revision.as_deref(), Some("r7"));
        let mut expected: serde_json::Value = serde_json::from_str(DEMO)?;
        expected["revision"] = "r7".into();
        assert_eq!(serde_json::to_value(&whole)?, expected);
        // The snapshot survives its own wire format.
        let text = serde_json::to_string(&whole)?;
        assert_eq!(serde_json::from_str::<SnapshotDoc>(&text)?, whole);
        Ok(())
    }

    #[test]
    fn the_imported_snapshot_loads_and_answers() -> Fallible<()> {
        let authorizer = Authorizer::from_doc(&imported(&[FIXTURE])?.snapshot)?;
        let ask = |request: &str| -> Fallible<bool> {
            let request: RequestDoc = serde_json::from_str(request)?;
            Ok(authorizer.check(&request)?)
        };
        // dirk's restriction-aware access control, through his group's restriction.
        assert!(ask(
            r#"{"user":"dirk","scopes":["order.order_manage"],"restriction":"DE"}"#
        )?);
        assert!(!ask(
            r#"{"user":"dirk","scopes":["order.order_manage"],"restriction":"FR"}"#
        )?);
        // cara, from `groupUsers` and the Customer Service listing.
        assert!(ask(
            r#"{"user":"cara","scopes":["customer.customer_read_own"]}"#
        )?);
        assert!(!ask(r#"{"user":"vic","scopes":["oe.process_manage"]}"#)?);
        assert!(ask(r#"{"user":"mia","scopes":["oe.process_manage"]}"#)?);
        Ok(())
    }

    #[test]
    fn merges_pages_and_dumps_into_one_snapshot() -> Fallible<()> {
        let first = r#"{
          "accessControls": [
            [{"id": "a1", "scopes": ["x.read"]}],
            [{"id": "a2", "scopes": ["x.manage", "x.read", "x.manage"]}]
          ],
          "groups": [{"id": "g1", "userType": "EMPLOYEE", "accessControls": ["a1"], "templates": null}],
          "groupUsers": {"g1": [
            [{"id": "as1", "groupId": "g1", "userId": "u1", "userType": "EMPLOYEE"}],
            [{"id": "as2", "groupId": "g1", "userId": "u2", "userType": "EMPLOYEE"}]
          ]}
        }"#;
        let second = r#"{
          "accessControls": [
            {"id": "a2", "scopes": ["x.manage", "x.read", "x.manage"], "name": {"en": "Manager"}},
            {"id": "a3", "scopes": ["x.admin"], "restrictionAware": true}
          ],
          "groups": [
            [{"id": "g2", "userType": "EMPLOYEE", "accessControls": ["a2", "a3"], "restrictions": null}],
            [{"id": "g1", "userType": "EMPLOYEE", "accessControls": ["a1"], "metadata": {"version": 9}}]
          ],
          "groupUsers": {"g1": [{"groupId": "g1", "userId": "u3", "userType": "EMPLOYEE"}], "g2": [{"userId": "u1"}]},
          "users": [{"id": "u2", "status": "Provisioned"}],
          "somethingElse": {"ignored": true}
        }"#;
        let Imported { snapshot, warnings } = imported(&[first, second])?;
        assert_eq!(warnings, Vec::<String>::new());
        assert_eq!(snapshot.catalogues, ["emporix"]);
        assert_eq!(snapshot.profile, ProfileName::Grants);
        assert_eq!(
            snapshot.access_controls,
            [
                AccessControlDoc {
                    id: "a1".into(),
                    scopes: vec!["x.read".into()],
                    restriction_aware: false,
                    restricted_to: None,
                },
                AccessControlDoc {
                    id: "a2".into(),
                    scopes: vec!["x.manage".into(), "x.read".into()],
                    restriction_aware: false,
                    restricted_to: None,
                },
                AccessControlDoc {
                    id: "a3".into(),
                    scopes: vec!["x.admin".into()],
                    restriction_aware: true,
                    restricted_to: None,
                },
            ]
        );
        assert_eq!(
            snapshot.groups,
            [
                GroupDoc {
                    id: "g1".into(),
                    user_type: Some(UserType::Employee),
                    access_controls: vec!["a1".into()],
                    ..GroupDoc::default()
                },
                GroupDoc {
                    id: "g2".into(),
                    user_type: Some(UserType::Employee),
                    access_controls: vec!["a2".into(), "a3".into()],
                    ..GroupDoc::default()
                },
            ]
        );
        // `users` first, then in the order the member listings name them.
        assert_eq!(
            snapshot.users,
            [
                UserDoc {
                    id: "u2".into(),
                    groups: vec!["g1".into()],
                    state: AccountState::Provisioned,
                    ..UserDoc::default()
                },
                UserDoc {
                    id: "u1".into(),
                    groups: vec!["g1".into(), "g2".into()],
                    ..UserDoc::default()
                },
                UserDoc {
                    id: "u3".into(),
                    groups: vec!["g1".into()],
                    ..UserDoc::default()
                },
            ]
        );
        Authorizer::from_doc(&snapshot)?;
        Ok(())
    }

    #[test]
    fn rejects_what_the_snapshot_could_not_hold_with_codes() -> Fallible<()> {
        let (code, message) = refused(&[r#"{"groups": [{"id": "g", "userType": "PARTNER"}]}"#])?;
        assert_eq!(code, "import.unknown_user_type");
        assert_eq!(path_of(&message), Some("groups[0].userType"));
        let (code, message) = refused(&[
            r#"{"accessControls": [[{"id": "a", "scopes": []}, {"id": "b", "restrictedTo": "VENDOR"}]]}"#,
        ])?;
        assert_eq!(code, "import.unknown_user_type");
        assert_eq!(path_of(&message), Some("accessControls[0][1].restrictedTo"));
        let (code, message) = refused(&[
            "{}",
            r#"{"groups": [[], [{"id": "g", "userType": "employee"}, {"id": "h", "userType": "?"}]]}"#,
        ])?;
        assert_eq!(code, "import.unknown_user_type");
        assert_eq!(path_of(&message), Some("dumps[1].groups[1][1].userType"));
        let (code, message) = refused(&[r#"{"groups": [{"id": "g", "userType": "EMPLOYEE"}],
                "groupUsers": {"g": [{"groupId": "g", "userId": "u", "userType": "ROBOT"}]}}"#])?;
        assert_eq!(code, "import.unknown_user_type");
        assert_eq!(path_of(&message), Some("groupUsers.g[0].userType"));

        let (code, message) = refused(&[
            r#"{"users": [{"id": "u", "status": "ACTIVE"}, {"id": "v", "status": "DELETED"}]}"#,
        ])?;
        assert_eq!(code, "import.unknown_account_status");
        assert_eq!(path_of(&message), Some("users[1].status"));

        let (code, message) = refused(&[r#"{
          "accessControls": [{"id": "self", "scopes": ["customer.customer_read_own"], "restrictedTo": "CUSTOMER"}],
          "groups": [{"id": "staff", "userType": "EMPLOYEE", "accessControls": ["self"]}]
        }"#])?;
        assert_eq!(code, "import.user_type_mismatch");
        assert!(
            message.contains("`staff`") && message.contains("`self`"),
            "{message}"
        );

        let customer_groups = |second: &str| {
            format!(
                r#"{{
                  "groups": [
                    {{"id": "le1-admin", "userType": "CUSTOMER", "code": "ADMIN", "b2b": {{"legalEntityId": "le1"}}}},
                    {second}
                  ],
                  "groupUsers": {{
                    "le1-admin": [{{"groupId": "le1-admin", "userId": "cara", "userType": "CUSTOMER"}}],
                    "other": [{{"groupId": "other", "userId": "cara", "userType": "CUSTOMER"}}]
                  }}
                }}"#
            )
        };
        let conflict = customer_groups(
            r#"{"id": "other", "userType": "CUSTOMER", "code": "BUYER", "b2b": {"legalEntityId": "le1"}}"#,
        );
        let (code, message) = refused(&[conflict.as_str()])?;
        assert_eq!(code, "import.customer_group_conflict");
        assert!(
            message.contains("`cara`") && message.contains("`le1`"),
            "{message}"
        );
        for allowed in [
            r#"{"id": "other", "userType": "CUSTOMER", "code": "BUYER", "b2b": {"legalEntityId": "le2"}}"#,
            r#"{"id": "other", "userType": "CUSTOMER", "code": "CONTACT", "b2b": {"legalEntityId": "le1"}}"#,
        ] {
            assert_eq!(refused(&[customer_groups(allowed).as_str()])?.0, "none");
        }
        // `--predefined` makes a conflict too.
        let overridden = customer_groups(
            r#"{"id": "other", "userType": "CUSTOMER", "code": "X", "b2b": {"legalEntityId": "le1"}}"#,
        );
        let options = ImportOptions {
            predefined: BTreeMap::from([("other".to_owned(), PredefinedGroup::Requester)]),
            ..ImportOptions::default()
        };
        let error = imported_with(&[overridden.as_str()], &options).err();
        assert!(
            error.is_some_and(|error| error.to_string().contains("`other`")),
            "an override conflicts"
        );

        let (code, message) = refused(&[r#"{"groups": [{"id": "g", "userType": "EMPLOYEE"}],
                "groupUsers": {"g": [{"groupId": "g", "userId": "u"}, {"groupId": "h", "userId": "v"}]}}"#])?;
        assert_eq!(code, "import.malformed");
        assert_eq!(path_of(&message), Some("groupUsers.g[1].groupId"));
        Ok(())
    }

    #[test]
    fn rejects_malformed_dumps_with_paths() {
        let malformed = |text: &str| {
            parse_dump(text)
                .err()
                .map(|error| (error.code(), error.to_string()))
        };
        let wrong_type = malformed(r#"{"groups": [{"id": "g", "accessControls": "a"}]}"#);
        assert_eq!(
            wrong_type.as_ref().map(|(code, _)| *code),
            Some("import.malformed")
        );
        assert_eq!(
            wrong_type
                .as_ref()
                .and_then(|(_, message)| path_of(message)),
            Some("groups[0].accessControls")
        );
        let in_a_page = malformed(r#"{"users": [[{"id": "u"}], [{"id": 7}]]}"#);
        assert_eq!(
            in_a_page.as_ref().and_then(|(_, message)| path_of(message)),
            Some("users[1][0].id")
        );
        let missing = malformed(r#"{"groupUsers": {"g": [{"groupId": "g"}]}}"#);
        assert!(
            missing.as_ref().is_some_and(
                |(code, message)| *code == "import.malformed" && message.contains("userId")
            ),
            "{missing:?}"
        );
        for text in [
            r#"{"groups": [{"id": "g"}, [{"id": "h"}]]}"#,
            r#"{"groups": {"items": []}}"#,
            r#"{"groups": ["g"]}"#,
            r#"{"userScopes": {"u": "a b"}}"#,
            r#"{} {}"#,
        ] {
            assert_eq!(
                malformed(text).map(|(code, _)| code),
                Some("import.malformed"),
                "{text}"
            );
        }
        assert_eq!(
            parse_domains(r#"[{"base": "OE", "levels": {"Boss": []}}]"#)
                .err()
                .map(|error| error.code()),
            Some("import.malformed")
        );
    }

    #[test]
    fn warns_about_what_it_had_to_make_up() -> Fallible<()> {
        let dump = r#"{
          "accessControls": [
            {"id": "a1", "scopes": ["s.read"]},
            {"id": "bare"},
            {"id": "a1", "scopes": ["s.write"]}
          ],
          "groupAccessControls": {"g1": [{"id": "a1", "scopes": ["s.read"]}, {"id": "extra", "scopes": ["s.extra"]}]},
          "templates": [{"id": "t1", "accessControls": ["a1"]}],
          "groups": [
            {"id": "g1", "userType": "EMPLOYEE", "accessControls": ["a1", "ghost"], "templates": ["t1", "t9"]},
            {"id": "g2"}
          ],
          "groupUsers": {
            "g1": [{"groupId": "g1", "userId": "u1", "userType": "EMPLOYEE"}, {"groupId": "g1", "userId": "c1", "userType": "CUSTOMER"}],
            "g2": [],
            "g3": [{"groupId": "g3", "userId": "c1", "userType": "CUSTOMER"}]
          },
          "users": [{"id": "u1", "status": "ACTIVE", "groupIds": ["g2", "g4"]}],
          "userScopes": {"u1": {"userId": "u1", "scopes": "s.read s.other tenant=t"}}
        }"#;
        let options = ImportOptions {
            predefined: BTreeMap::from([("nope".to_owned(), PredefinedGroup::Admin)]),
            ..ImportOptions::default()
        };
        let Imported { snapshot, warnings } = imported_with(&[dump], &options)?;
        let expected = [
            "access control `a1` is listed more than once by GET /iam/{tenant}/access-controls, differently",
            "access control `bare` carries no `scopes`",
            "access control `extra` is not listed by GET /iam/{tenant}/access-controls but GET /iam/{tenant}/groups/g1/access-controls lists it; added",
            "group `g1`: template `t9` is not listed by GET /iam/{tenant}/templates; ignored",
            "access control `ghost` is not listed by GET /iam/{tenant}/access-controls but group `g1` holds it; added without scopes",
            "group `g2` has no userType; EMPLOYEE assumed",
            "group `g1`: GET /iam/{tenant}/groups/g1/access-controls differs from its accessControls (only listed there: `extra`; only held: `ghost`)",
            "group `g4` is not listed by GET /iam/{tenant}/groups but user `u1` lists it in groupIds; added",
            "group `g4`: no listing gives its userType; EMPLOYEE assumed",
            "user `u1` is a member of group `g1` by GET /iam/{tenant}/groups/g1/users but not by its groupIds; kept",
            "user `c1` is assigned to EMPLOYEE group `g1` as CUSTOMER",
            "group `g3` is not listed by GET /iam/{tenant}/groups but it has members (`groupUsers.g3`); added",
            "user `u1` lists group `g2` in its groupIds, but GET /iam/{tenant}/groups/g2/users does not list the user; kept",
            "user `u1`: GET /iam/{tenant}/users/u1/scopes differs from the scopes the import derives (only in the response: `s.other`; only derived: `s.extra`)",
            "the predefined kind given for group `nope` names no group of the dumps; ignored",
        ];
        assert_eq!(warnings.len(), expected.len(), "{warnings:#?}");
        for (warning, expected) in warnings.iter().zip(expected) {
            assert!(warning.starts_with(expected), "{warning}\n{expected}");
        }

        assert_eq!(
            ids(&snapshot.access_controls, |ac| ac.id.as_str()),
            ["a1", "bare", "extra", "ghost"]
        );
        assert_eq!(
            ids(&snapshot.groups, |group| group.id.as_str()),
            ["g1", "g2", "g4", "g3"]
        );
        let g1 = snapshot.groups.first();
        assert_eq!(
            g1.map(|group| &*group.access_controls),
            Some(&["a1".to_owned(), "ghost".to_owned(), "extra".to_owned()][..])
        );
        // g3 takes its members' user type.
        assert_eq!(
            snapshot.groups.get(3).and_then(|group| group.user_type),
            Some(UserType::Customer)
        );
        assert_eq!(
            snapshot.users.first().map(|user| &*user.groups),
            Some(&["g1".to_owned(), "g2".to_owned(), "g4".to_owned()][..])
        );
        Authorizer::from_doc(&snapshot)?;
        Ok(())
    }

    #[test]
    fn memberships_from_group_ids_alone_and_account_states() -> Fallible<()> {
        let dump = r#"{
          "groups": [
            {"id": "staff", "userType": "EMPLOYEE"},
            {"id": "buyers", "userType": "CUSTOMER", "code": "buyer", "b2b": {"legalEntityId": "le9"}},
            {"id": "custom", "userType": "CUSTOMER", "code": "CUSTOMER", "b2b": null},
            {"id": "bo", "userType": "EMPLOYEE", "code": "ADMIN"}
          ],
          "users": [
            {"id": "ann", "status": "active", "isAccountLocked": false, "groupIds": ["staff"]},
            {"id": "bea", "status": "PROVISIONED", "isAccountLocked": true},
            {"id": "cid", "status": "ACTIVE", "isAccountLocked": true},
            {"id": "dot", "status": "INACTIVE", "groupIds": []},
            {"id": "eve"}
          ],
          "customers": [
            {"id": "fay", "active": true, "onHold": true},
            {"id": "gus", "active": false},
            {"id": "hal", "active": true, "onHold": false},
            {"id": "bea", "active": false}
          ]
        }"#;
        let options = ImportOptions {
            predefined: BTreeMap::from([("custom".to_owned(), PredefinedGroup::Requester)]),
            ..ImportOptions::default()
        };
        let Imported { snapshot, warnings } = imported_with(&[dump], &options)?;
        // No member listing was saved: `groupIds` alone, without a warning.
        assert_eq!(warnings, Vec::<String>::new());
        assert_eq!(
            snapshot.users.first(),
            Some(&UserDoc {
                id: "ann".into(),
                groups: vec!["staff".into()],
                ..UserDoc::default()
            })
        );
        let states: Vec<(&str, AccountState)> = snapshot
            .users
            .iter()
            .map(|user| (&*user.id, user.state))
            .collect();
        assert_eq!(
            states,
            [
                ("ann", AccountState::Active),
                ("bea", AccountState::Provisioned),
                ("cid", AccountState::Locked),
                ("dot", AccountState::Locked),
                ("eve", AccountState::Active),
                ("fay", AccountState::Locked),
                ("gus", AccountState::Locked),
                ("hal", AccountState::Active),
            ]
        );
        let predefined: Vec<Option<PredefinedGroup>> = snapshot
            .groups
            .iter()
            .map(|group| group.predefined)
            .collect();
        assert_eq!(
            predefined,
            [
                None,
                Some(PredefinedGroup::Buyer),
                Some(PredefinedGroup::Requester),
                None
            ]
        );
        assert_eq!(
            snapshot
                .groups
                .get(1)
                .and_then(|group| group.legal_entity.as_deref()),
            Some("le9")
        );
        assert_eq!(predefined_group("Contact"), Some(PredefinedGroup::Contact));
        assert_eq!(predefined_group("owner"), None);
        Ok(())
    }
}
