//! The compiled snapshot (`writ compile`): the validated model in a compact
//! binary form, so that a cold start loads it without decoding or validating
//! JSON again.
//!
//! What is stored is the model, ids already interned and rows already
//! resolved; what is derived from it (the interners' hash tables, the index)
//! is rebuilt on load by the code that builds it from JSON, so the two forms
//! decide alike by construction. Nothing in the file is trusted: every count
//! is bounded by the bytes left, every index is checked against the table it
//! points into, names must be UTF-8 and distinct, and a checksum covers the
//! body. Anything else is `snapshot.corrupt`, never a panic or a wrong index.
//!
//! Layout (`SNAPSHOT.md`, "Compiled snapshots"): the 8-byte [`MAGIC`], the
//! format version (u32, little-endian), 4 reserved zero bytes, the body's
//! checksum (u64) and the body. Integers in the body are LEB128, strings a
//! length and UTF-8; an interner's names are each the previous one with its
//! trailing number plus one, or a prefix shared with it and the rest; rows
//! come in the index's order (by owner, type, resource id, position), so that
//! loading sorts nothing and a run's owner and type are written once. That
//! keeps the file below the gzipped JSON's size without a decompressor.

use crate::catalogue::GRANTS_CATALOGUES;
use crate::claims::{ClaimPath, Step};
use crate::error::SnapshotError;
use crate::index::SourceIndex;
use crate::intern::{Interner, Lists};
use crate::managed::{Collection, Managed, Member, Report};
use crate::model::{
    Bundle, BundlePart, Catalogue, GrantsData, GroupInfo, MappingRule, Options, Owner,
    PROPERTY_RESOURCES, ResourceType, Row, Snapshot, Source, TypeIx, WILDCARD,
};
use crate::prelude::*;
use crate::wire::{
    AccountState, AuthorizationType, ClaimOperator, CollectionRole, DefinitionKind,
    PredefinedGroup, ProfileName, RevokeMode, UserType,
};

/// The first bytes of a compiled snapshot: not UTF-8 (so never JSON text),
/// and a line ending and `^Z` that a text-mode copy would mangle, as PNG's.
pub const MAGIC: [u8; 8] = *b"\x89WRIT\r\n\x1a";
/// The version of the compiled form this build writes and reads.
pub const COMPILED_VERSION: u32 = 1;
/// Magic, version, reserved, checksum.
const HEADER: usize = 8 + 4 + 4 + 8;

/// A row's first byte: its kind in the two lowest bits, then these.
const ROW_SAME_OWNER: u8 = 2;
const ROW_SAME_TYPE: u8 = 3;
const ROW_INVERTED: u8 = 4;
/// The owner's kind, three bits (0 when it is the previous row's owner).
const ROW_OWNER_KIND: u8 = 5;

/// Whether `bytes` are meant as a compiled snapshot (of any version), not
/// JSON: they begin with the magic's first byte, which cannot begin UTF-8
/// text, so that a file damaged or cut within its magic is still refused as
/// `snapshot.corrupt`.
pub fn is_compiled(bytes: &[u8]) -> bool {
    bytes.first() == MAGIC.first()
}

/// The checksum of a compiled body: a multiply-xorshift over 8-byte words
/// (with the length), so that any one changed word changes it. It detects
/// damage, not tampering; a signature covers that.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = 0x243f_6a88_85a3_08d3 ^ (bytes.len() as u64);
    let mut words = bytes.chunks_exact(8);
    let mut step = |word: u64| {
        hash = (hash ^ word).wrapping_mul(K);
        hash ^= hash >> 29;
    };
    for word in &mut words {
        let mut buffer = [0; 8];
        buffer.copy_from_slice(word);
        step(u64::from_le_bytes(buffer));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut buffer = [0; 8];
        for (to, from) in buffer.iter_mut().zip(rest) {
            *to = *from;
        }
        step(u64::from_le_bytes(buffer));
    }
    hash
}

// ---------------------------------------------------------------- enums

/// An enum stored as its position in `ALL`.
trait Coded: Copy + PartialEq + 'static {
    const ALL: &'static [Self];

    /// The first of `ALL`: what a refused file's placeholders hold.
    fn first() -> Self;

    fn code(self) -> u8 {
        let position = Self::ALL.iter().position(|known| *known == self);
        u8::try_from(position.unwrap_or(0)).unwrap_or(0)
    }
}

macro_rules! coded {
    ($($ty:ty => [$first:ident $(, $variant:ident)*];)+) => {
        $(impl Coded for $ty {
            const ALL: &'static [Self] = &[<$ty>::$first $(, <$ty>::$variant)*];

            fn first() -> Self {
                <$ty>::$first
            }
        })+
    };
}

coded! {
    AuthorizationType => [Global, Grant, Revoke];
    ProfileName => [Camunda7, Optimize, Grants];
    RevokeMode => [Auto, Always, Never];
    AccountState => [Active, Locked, Provisioned];
    UserType => [Employee, Customer];
    PredefinedGroup => [Admin, Buyer, Requester, Contact];
    ClaimOperator => [Equals, Contains];
    CollectionRole => [Viewer, Editor, Manager];
    DefinitionKind => [Process, Decision];
}

/// Adds one to the decimal number `name[start..]` ends in (`auth-9` →
/// `auth-10`); `false` when it ends in no digit.
fn increment(name: &mut Vec<u8>, start: usize) -> bool {
    let mut at = name.len();
    while at > start {
        let Some(digit) = name.get_mut(at - 1) else {
            return false;
        };
        match *digit {
            b'0'..=b'8' => {
                *digit += 1;
                return true;
            }
            b'9' => {
                *digit = b'0';
                at -= 1;
            }
            _ => break,
        }
    }
    if at == name.len() {
        return false;
    }
    // Every digit was a 9: one more digit in front.
    name.insert(at, b'1');
    true
}

// ---------------------------------------------------------------- writing

/// Writes the compiled form of a validated snapshot.
pub(crate) fn write(snapshot: &Snapshot) -> Vec<u8> {
    let mut body = Writer(Vec::new());
    body.snapshot(snapshot);
    seal(&body.0)
}

/// A compiled file around `body`: the header, with this version and the
/// body's checksum. For tools that build or change bodies (the fuzz target
/// does, to reach the checks behind the checksum); [`body`] is the inverse.
pub fn seal(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&COMPILED_VERSION.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&checksum(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// The body of a compiled file (whatever follows the header), unchecked.
pub fn body(file: &[u8]) -> &[u8] {
    file.get(HEADER..).unwrap_or(&[])
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, value: u8) {
        self.0.push(value);
    }

    fn uint(&mut self, mut value: u64) {
        loop {
            let low = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.0.push(low);
                return;
            }
            self.0.push(low | 0x80);
        }
    }

    fn len(&mut self, len: usize) {
        self.uint(len as u64);
    }

    fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }

    fn str(&mut self, text: &str) {
        self.len(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }

    fn opt_str(&mut self, text: Option<&str>) {
        self.bool(text.is_some());
        if let Some(text) = text {
            self.str(text);
        }
    }

    fn coded<T: Coded>(&mut self, value: T) {
        self.u8(value.code());
    }

    /// `0` for none, else the code plus one.
    fn opt_coded<T: Coded>(&mut self, value: Option<T>) {
        self.u8(value.map_or(0, |value| value.code() + 1));
    }

    fn uints(&mut self, items: &[u32]) {
        self.len(items.len());
        for &item in items {
            self.uint(u64::from(item));
        }
    }

    fn strs<'s>(&mut self, items: impl ExactSizeIterator<Item = &'s str>) {
        self.len(items.len());
        for item in items {
            self.str(item);
        }
    }

    /// An interner's names: each `0` when it is the previous name with its
    /// trailing number one higher (`auth-41` after `auth-40`), else the length
    /// it shares with the previous name plus one, and the rest.
    fn interner(&mut self, names: &Interner) {
        self.len(names.len());
        self.len(names.names().map(str::len).sum());
        let mut previous = "";
        let mut next = Vec::new();
        for name in names.names() {
            next.clear();
            next.extend_from_slice(previous.as_bytes());
            if increment(&mut next, 0) && next == name.as_bytes() {
                self.len(0);
            } else {
                let shared = previous
                    .bytes()
                    .zip(name.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                self.len(shared + 1);
                self.str(name.get(shared..).unwrap_or(""));
            }
            previous = name;
        }
    }

    fn lists(&mut self, lists: &Lists) {
        let (items, ends) = lists.parts();
        self.len(ends.len());
        let mut start = 0;
        for &end in ends {
            self.len(end.saturating_sub(start) as usize);
            start = end;
        }
        for &item in items {
            self.uint(u64::from(item));
        }
    }

    fn bools(&mut self, items: &[bool]) {
        self.len(items.len());
        for &item in items {
            self.bool(item);
        }
    }

    fn member(&mut self, member: &Member) {
        let (tag, id) = match member {
            Member::User(id) => (0, id),
            Member::Group(id) => (1, id),
        };
        self.u8(tag);
        self.str(id);
    }

    fn members(&mut self, members: &[Member]) {
        self.len(members.len());
        for member in members {
            self.member(member);
        }
    }

    fn snapshot(&mut self, snapshot: &Snapshot) {
        self.coded(snapshot.profile);
        self.opt_str(snapshot.revision.as_deref());
        self.bool(snapshot.sequence.is_some());
        self.uint(snapshot.sequence.unwrap_or(0));
        let options = &snapshot.options;
        self.coded(options.revoke_mode);
        self.bool(options.tenant_checks);
        self.bool(options.authorization_checks);
        self.strs(options.admin_groups.iter().map(|name| &**name));
        self.strs(options.admin_users.iter().map(|name| &**name));
        self.len(snapshot.catalogue.types.len());
        for ty in &snapshot.catalogue.types {
            self.str(&ty.name);
            self.uint(u64::from(ty.id));
            self.bool(ty.implicit_all);
            self.len(ty.permissions.len());
            for (name, bits) in &ty.permissions {
                self.str(name);
                self.uint(u64::from(*bits));
            }
        }
        self.strs(snapshot.catalogues.iter().copied());
        self.interner(&snapshot.tenants);
        self.len(snapshot.sources.len());
        for source in &snapshot.sources {
            self.source(source);
        }
        self.interner(&snapshot.bundle_ids);
        self.len(snapshot.bundles.len());
        for bundle in &snapshot.bundles {
            self.str(&bundle.id);
            self.len(bundle.parts.len());
            for part in &bundle.parts {
                self.uint(u64::from(part.ty));
                self.uint(u64::from(part.bits));
                self.str(&part.permission);
                self.opt_str(part.resource_id.as_deref());
            }
        }
        self.len(snapshot.implications.len());
        for &(when, then) in &snapshot.implications {
            self.uint(u64::from(when));
            self.uint(u64::from(then));
        }
        self.bool(snapshot.managed.is_some());
        if let Some(managed) = &snapshot.managed {
            self.managed(managed);
        }
    }

    fn source(&mut self, source: &Source) {
        self.str(&source.name);
        self.interner(&source.users);
        self.interner(&source.groups);
        self.lists(&source.user_groups);
        self.lists(&source.user_tenants);
        self.lists(&source.group_tenants);
        self.bools(&source.admin_groups);
        let grants = &source.grants;
        self.interner(&grants.roles);
        self.interner(&grants.clients);
        self.interner(&grants.access_controls);
        self.lists(&grants.user_roles);
        self.len(grants.user_states.len());
        for &state in &grants.user_states {
            self.coded(state);
        }
        self.lists(&grants.client_groups);
        self.lists(&grants.client_roles);
        self.lists(&grants.client_tenants);
        self.lists(&grants.group_roles);
        self.lists(&grants.role_tenants);
        self.len(grants.mapping_rules.len());
        for rule in &grants.mapping_rules {
            self.str(&rule.id);
            self.len(rule.claim.steps.len());
            for step in &rule.claim.steps {
                match step {
                    Step::Member(name) => {
                        self.u8(0);
                        self.str(name);
                    }
                    Step::Index(index) => {
                        self.u8(1);
                        self.uint(*index as u64);
                    }
                    Step::Wildcard => self.u8(2),
                }
            }
            self.str(&rule.value);
            self.opt_coded(rule.operator);
            self.uints(&rule.groups);
            self.uints(&rule.roles);
            self.uints(&rule.tenants);
        }
        self.len(grants.group_info.len());
        for info in &grants.group_info {
            self.opt_coded(info.user_type);
            self.opt_str(info.legal_entity.as_deref());
            self.opt_coded(info.predefined);
        }
        self.len(grants.access_control_restricted.len());
        for &restricted in &grants.access_control_restricted {
            self.opt_coded(restricted);
        }
        self.interner(&source.resources);
        self.interner(&source.row_ids);
        // In the index's order (by owner, type, resource id, then position),
        // so that loading sorts nothing and an owner or type is written once
        // per run. Positions are internal (a row is known by its id), and rows
        // alike in owner, type and id keep their order, which is all that
        // answers depend on.
        self.len(source.rows.len());
        let mut previous: Option<&Row> = None;
        for ix in crate::index::owner_order(&source.rows) {
            let Some(row) = source.rows.get(ix as usize) else {
                continue;
            };
            self.row(row, previous);
            previous = Some(row);
        }
    }

    /// One row: a byte with its kind, whether its owner and type are the
    /// previous row's, whether the mask is stored inverted (most bits of a
    /// REVOKE's or an `ALL` row's mask are set) and the owner's kind; then the
    /// owner's index and the type unless they are the previous row's, the
    /// resource, the id and the mask.
    fn row(&mut self, row: &Row, previous: Option<&Row>) {
        let (owner_kind, owner) = match row.owner {
            Owner::User(ix) => (0, Some(ix)),
            Owner::Group(ix) => (1, Some(ix)),
            Owner::AnyUser => (2, None),
            Owner::Global => (3, None),
            Owner::Client(ix) => (4, Some(ix)),
            Owner::Role(ix) => (5, Some(ix)),
            Owner::MappingRule(ix) => (6, Some(ix)),
        };
        let same_owner = previous.is_some_and(|previous| previous.owner == row.owner);
        let same_type = previous.is_some_and(|previous| previous.ty == row.ty);
        let inverted = row.mask.count_ones() > 16;
        let mut head = row.kind.code() | (u8::from(inverted) << ROW_INVERTED);
        if same_owner {
            head |= 1 << ROW_SAME_OWNER;
        } else {
            head |= owner_kind << ROW_OWNER_KIND;
        }
        if same_type {
            head |= 1 << ROW_SAME_TYPE;
        }
        self.u8(head);
        if let (false, Some(owner)) = (same_owner, owner) {
            self.uint(u64::from(owner));
        }
        if !same_type {
            self.uint(u64::from(row.ty));
        }
        self.uint(u64::from(row.resource));
        self.uint(u64::from(row.id));
        self.uint(u64::from(if inverted { !row.mask } else { row.mask }));
    }

    fn managed(&mut self, managed: &Managed) {
        self.interner(&managed.collection_ids);
        self.len(managed.collections.len());
        for collection in &managed.collections {
            self.str(&collection.id);
            self.len(collection.members.len());
            for (member, role) in &collection.members {
                self.member(member);
                self.coded(*role);
            }
        }
        self.interner(&managed.report_ids);
        self.len(managed.reports.len());
        for report in &managed.reports {
            self.uint(report.collection.map_or(0, |ix| ix as u64 + 1));
            self.opt_str(report.owner.as_deref());
            self.len(report.definitions.len());
            for (kind, key) in &report.definitions {
                self.coded(*kind);
                self.str(key);
            }
        }
        self.members(&managed.managers);
        self.interner(&managed.event_process_ids);
        self.len(managed.event_processes.len());
        for list in &managed.event_processes {
            self.members(list);
        }
    }
}

// ---------------------------------------------------------------- reading

/// Reads and validates a compiled snapshot, then rebuilds its index.
///
/// # Errors
/// `limit.snapshot_size` past the limit; `snapshot.unsupported_format` for
/// another version of the compiled form; `snapshot.corrupt` for anything
/// that is not a whole, well-formed compiled snapshot; `limit.id_length` and
/// `limit.memberships` as loading JSON would.
pub(crate) fn read(bytes: &[u8], limits: &crate::Limits) -> Result<Snapshot, SnapshotError> {
    if bytes.len() > limits.snapshot_bytes {
        return Err(crate::snapshot::snapshot_too_large(bytes.len(), limits));
    }
    if bytes.len() < HEADER || !bytes.starts_with(&MAGIC) {
        return Err(corrupt(0, "too short for a compiled snapshot, or not one"));
    }
    let word = |from: usize| {
        let mut buffer = [0; 4];
        buffer.copy_from_slice(bytes.get(from..from + 4).unwrap_or(&[0; 4]));
        u32::from_le_bytes(buffer)
    };
    let version = word(8);
    if version != COMPILED_VERSION {
        return Err(SnapshotError::UnsupportedFormat {
            found: version,
            expected: COMPILED_VERSION,
        });
    }
    if word(12) != 0 {
        return Err(corrupt(12, "the reserved bytes are not zero"));
    }
    let body = bytes.get(HEADER..).unwrap_or(&[]);
    if u64::from(word(16)) | (u64::from(word(20)) << 32) != checksum(body) {
        return Err(corrupt(
            16,
            "the checksum does not match: the file is damaged or truncated",
        ));
    }
    let mut reader = Reader {
        bytes: body,
        at: 0,
        limits,
        error: None,
    };
    let snapshot = reader.snapshot();
    if reader.error.is_none() && reader.at != body.len() {
        reader.fail("bytes after the snapshot");
    }
    match reader.error {
        Some(error) => Err(error),
        None => Ok(snapshot),
    }
}

#[cold]
#[inline(never)]
fn corrupt(at: usize, what: &str) -> SnapshotError {
    let mut message = String::from("at byte ");
    message.push_str(&crate::limits::number(at as u64));
    message.push_str(": ");
    message.push_str(what);
    SnapshotError::Corrupt { message }
}

/// Reads the body. The first problem is kept and the rest of the file is
/// then treated as ended, so every later read yields an empty value and
/// every loop stops: the reading code needs no early returns (which, with
/// the many tables alive at once, cost the package kilobytes of drop code).
struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
    limits: &'b crate::Limits,
    error: Option<SnapshotError>,
}

impl<'b> Reader<'b> {
    #[cold]
    fn fail(&mut self, what: &str) {
        if self.error.is_none() {
            self.error = Some(corrupt(HEADER + self.at, what));
        }
        self.at = self.bytes.len();
    }

    #[cold]
    fn over_limit(&mut self, which: usize, found: usize, limit: usize) {
        if self.error.is_none() {
            let (code, message) = crate::limits::words(which, found, limit);
            self.error = Some(SnapshotError::Limit {
                path: ".".into(),
                code,
                message,
            });
        }
        self.at = self.bytes.len();
    }

    fn u8(&mut self) -> u8 {
        let Some(&byte) = self.bytes.get(self.at) else {
            self.fail("ends early");
            return 0;
        };
        self.at += 1;
        byte
    }

    /// A LEB128 number; most are below 128, one byte, read here.
    #[inline(always)]
    fn uint(&mut self) -> u64 {
        match self.bytes.get(self.at) {
            Some(&byte) if byte < 0x80 => {
                self.at += 1;
                u64::from(byte)
            }
            _ => self.long_uint(),
        }
    }

    fn long_uint(&mut self) -> u64 {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let Some(&byte) = self.bytes.get(self.at) else {
                self.fail("ends early");
                return 0;
            };
            self.at += 1;
            let bits = u64::from(byte & 0x7f);
            if (shift == 63 && bits > 1) || shift > 63 {
                self.fail("a number past 64 bits");
                return 0;
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return value;
            }
            shift += 7;
        }
    }

    /// A number below `bound` (`what` names what it indexes), else 0.
    fn index(&mut self, bound: usize, what: &str) -> u32 {
        let value = self.uint();
        match u32::try_from(value) {
            Ok(value) if (value as usize) < bound => value,
            _ => {
                self.fail(what);
                0
            }
        }
    }

    fn u32(&mut self) -> u32 {
        let value = self.uint();
        u32::try_from(value).unwrap_or_else(|_| {
            self.fail("a number past 32 bits");
            0
        })
    }

    /// A count of things each at least `each` bytes long: never more than the
    /// bytes left allow, so that a damaged count cannot ask for memory.
    fn count(&mut self, each: usize) -> usize {
        let count = usize::try_from(self.uint()).unwrap_or(usize::MAX);
        self.fits(count, each)
    }

    fn fits(&mut self, count: usize, each: usize) -> usize {
        let left = self.bytes.len().saturating_sub(self.at);
        if count.saturating_mul(each) > left {
            self.fail("a count past the end of the file");
            return 0;
        }
        count
    }

    fn bool(&mut self) -> bool {
        match self.u8() {
            0 => false,
            1 => true,
            _ => {
                self.fail("a flag that is neither 0 nor 1");
                false
            }
        }
    }

    fn bytes(&mut self, len: usize) -> &'b [u8] {
        let Some(bytes) = self.bytes.get(self.at..self.at.saturating_add(len)) else {
            self.fail("ends early");
            return &[];
        };
        self.at += len;
        bytes
    }

    /// A string, held to the `idBytes` limit.
    fn str(&mut self) -> &'b str {
        let len = self.count(1);
        if len > self.limits.id_bytes {
            self.over_limit(2, len, self.limits.id_bytes);
        }
        let bytes = self.bytes(len);
        match core::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                self.fail("a string that is not UTF-8");
                ""
            }
        }
    }

    fn boxed(&mut self) -> Box<str> {
        self.str().into()
    }

    fn opt_str(&mut self) -> Option<Box<str>> {
        self.bool().then(|| self.boxed())
    }

    /// A position below `len`, else 0.
    fn choice(&mut self, len: usize) -> usize {
        let code = usize::from(self.u8());
        if code < len {
            return code;
        }
        self.fail("an unknown value of an enumeration");
        0
    }

    fn coded<T: Coded>(&mut self) -> T {
        let ix = self.choice(T::ALL.len());
        T::ALL.get(ix).copied().unwrap_or_else(T::first)
    }

    fn opt_coded<T: Coded>(&mut self) -> Option<T> {
        let ix = self.choice(T::ALL.len() + 1);
        ix.checked_sub(1).and_then(|ix| T::ALL.get(ix).copied())
    }

    /// Indices each below `bound`.
    fn uints(&mut self, bound: usize, what: &str) -> Box<[u32]> {
        let count = self.count(1);
        (0..count).map(|_| self.index(bound, what)).collect()
    }

    fn strs(&mut self) -> Vec<Box<str>> {
        let count = self.count(1);
        (0..count).map(|_| self.boxed()).collect()
    }

    fn interner(&mut self) -> Interner {
        self.names(true)
    }

    /// An interner's names; with its hash table when `indexed` (and then
    /// each name once), else for lookups by index only.
    fn names(&mut self, indexed: bool) -> Interner {
        let start = HEADER + self.at;
        let count = self.count(2);
        // The names' total length, a hint only (the file is not trusted to
        // ask for memory): a name takes at least a byte here, and rarely
        // more than sixteen once written out.
        let total = usize::try_from(self.uint()).unwrap_or(0);
        let left = self.bytes.len().saturating_sub(self.at);
        let mut text: Vec<u8> = Vec::with_capacity(total.min(left.saturating_mul(16)));
        let mut ends = Vec::with_capacity(count);
        let mut previous = 0..0;
        for _ in 0..count {
            let begin = text.len();
            match usize::try_from(self.uint()).unwrap_or(usize::MAX) {
                0 => {
                    text.extend_from_within(previous);
                    if !increment(&mut text, begin) {
                        self.fail("a next number after a name that ends in none");
                        break;
                    }
                }
                shared_plus_one => {
                    let shared = shared_plus_one - 1;
                    if shared > previous.len() {
                        self.fail("a name shares more with the previous one than it has");
                        break;
                    }
                    let len = self.count(1);
                    text.extend_from_within(previous.start..previous.start + shared);
                    text.extend_from_slice(self.bytes(len));
                }
            }
            if text.len() - begin > self.limits.id_bytes {
                self.over_limit(2, text.len() - begin, self.limits.id_bytes);
            }
            let Ok(end) = u32::try_from(text.len()) else {
                self.fail("names past 4 GB");
                break;
            };
            ends.push(end);
            previous = begin..text.len();
        }
        if self.error.is_some() {
            return Interner::default();
        }
        let text = match String::from_utf8(text) {
            Ok(text) if ends.iter().all(|&end| text.is_char_boundary(end as usize)) => text,
            _ => {
                self.error = Some(corrupt(start, "a name that is not UTF-8"));
                self.at = self.bytes.len();
                return Interner::default();
            }
        };
        if !indexed {
            return Interner::unindexed(text, ends);
        }
        Interner::from_parts(text, ends).unwrap_or_else(|_| {
            self.error = Some(corrupt(start, "the same name twice in one table"));
            self.at = self.bytes.len();
            Interner::default()
        })
    }

    /// Lists of indices each below `bound`, each held to `memberships`.
    fn lists(&mut self, bound: usize, what: &str) -> Lists {
        let count = self.count(1);
        let mut ends = Vec::with_capacity(count);
        let mut total = 0usize;
        for _ in 0..count {
            let len = self.count(1);
            if len > self.limits.memberships {
                self.over_limit(3, len, self.limits.memberships);
            }
            total = total.saturating_add(len);
            ends.push(u32::try_from(total).unwrap_or(u32::MAX));
        }
        let total = self.fits(total, 1);
        let items = (0..total).map(|_| self.index(bound, what)).collect();
        Lists::from_parts(items, ends)
    }

    fn bools(&mut self) -> Vec<bool> {
        let count = self.count(1);
        (0..count).map(|_| self.bool()).collect()
    }

    fn member(&mut self) -> Member {
        let is_group = self.choice(2) == 1;
        let id = self.boxed();
        if is_group {
            Member::Group(id)
        } else {
            Member::User(id)
        }
    }

    fn members(&mut self) -> Vec<Member> {
        let count = self.count(2);
        (0..count).map(|_| self.member()).collect()
    }

    fn snapshot(&mut self) -> Snapshot {
        let profile = self.coded::<ProfileName>();
        let revision = self.opt_str().map(String::from);
        let has_sequence = self.bool();
        let sequence = self.uint();
        let options = Options {
            revoke_mode: self.coded(),
            tenant_checks: self.bool(),
            authorization_checks: self.bool(),
            admin_groups: self.strs(),
            admin_users: self.strs(),
        };
        let catalogue = self.catalogue();
        let count = self.count(1);
        let mut catalogues = Vec::with_capacity(count);
        for _ in 0..count {
            let name = self.str();
            match GRANTS_CATALOGUES.iter().find(|(known, _)| *known == name) {
                Some(&(known, _)) => catalogues.push(known),
                None => self.fail("an unknown catalogue"),
            }
        }
        let tenants = self.interner();
        let count = self.count(8);
        let sources = (0..count)
            .map(|_| self.source(profile, &catalogue, &tenants))
            .collect();
        let bundle_ids = self.interner();
        let count = self.count(2);
        let bundles: Vec<Bundle> = (0..count).map(|_| self.bundle(&catalogue)).collect();
        let count = self.count(2);
        let implications = (0..count)
            .map(|_| {
                let what = "an implication of an unknown bundle";
                (
                    self.index(bundles.len(), what),
                    self.index(bundles.len(), what),
                )
            })
            .collect();
        let managed = self.bool().then(|| Box::new(self.managed()));
        Snapshot {
            revision,
            sequence: has_sequence.then_some(sequence),
            limits: *self.limits,
            profile,
            options,
            catalogue,
            tenants,
            sources,
            bundles,
            bundle_ids,
            implications,
            catalogues,
            managed,
        }
    }

    fn bundle(&mut self, catalogue: &Catalogue) -> Bundle {
        let id = self.boxed();
        let count = self.count(4);
        let parts = (0..count)
            .map(|_| BundlePart {
                ty: self.type_ix(catalogue),
                bits: self.u32(),
                permission: self.boxed(),
                resource_id: self.opt_str(),
            })
            .collect();
        Bundle { id, parts }
    }

    fn catalogue(&mut self) -> Catalogue {
        let count = self.count(4);
        let count = if count > usize::from(TypeIx::MAX) {
            self.fail("more resource types than an index holds");
            0
        } else {
            count
        };
        let mut catalogue = Catalogue {
            types: Vec::with_capacity(count),
            names: Interner::with_capacity(count),
        };
        for _ in 0..count {
            let name = self.boxed();
            if !catalogue.names.insert(&name).1 {
                self.fail("the same resource type twice");
            }
            let id = self.u32();
            let implicit_all = self.bool();
            let count = self.count(2);
            let permissions = (0..count).map(|_| (self.boxed(), self.u32())).collect();
            catalogue.types.push(ResourceType {
                name,
                id,
                permissions,
                implicit_all,
            });
        }
        catalogue
    }

    fn type_ix(&mut self, catalogue: &Catalogue) -> TypeIx {
        let ix = self.index(catalogue.types.len(), "an unknown resource type");
        TypeIx::try_from(ix).unwrap_or(0)
    }

    fn source(
        &mut self,
        profile: ProfileName,
        catalogue: &Catalogue,
        tenants: &Interner,
    ) -> Source {
        let name = self.boxed();
        let users = self.interner();
        let groups = self.interner();
        let (group, tenant) = ("an unknown group", "an unknown tenant");
        let user_groups = self.lists(groups.len(), group);
        let user_tenants = self.lists(tenants.len(), tenant);
        let group_tenants = self.lists(tenants.len(), tenant);
        let admin_groups = self.bools();
        let roles = self.interner();
        let clients = self.interner();
        let access_controls = self.interner();
        let role = "an unknown role";
        let user_roles = self.lists(roles.len(), role);
        let count = self.count(1);
        let user_states = (0..count).map(|_| self.coded()).collect();
        let client_groups = self.lists(groups.len(), group);
        let client_roles = self.lists(roles.len(), role);
        let client_tenants = self.lists(tenants.len(), tenant);
        let group_roles = self.lists(roles.len(), role);
        let role_tenants = self.lists(tenants.len(), tenant);
        let count = self.count(8);
        let mapping_rules: Vec<MappingRule> = (0..count)
            .map(|_| MappingRule {
                id: self.boxed(),
                claim: self.claim(),
                value: self.boxed(),
                operator: self.opt_coded(),
                groups: self.uints(groups.len(), group),
                roles: self.uints(roles.len(), role),
                tenants: self.uints(tenants.len(), tenant),
            })
            .collect();
        let count = self.count(3);
        let group_info = (0..count)
            .map(|_| GroupInfo {
                user_type: self.opt_coded(),
                legal_entity: self.opt_str(),
                predefined: self.opt_coded(),
            })
            .collect();
        let count = self.count(1);
        let access_control_restricted = (0..count).map(|_| self.opt_coded()).collect();
        let resources = self.interner();
        if resources.name(WILDCARD) != "*" {
            self.fail("a resource table that does not begin with `*`");
        }
        // Row ids are only ever named, never looked up.
        let row_ids = self.names(false);
        let bounds = OwnerBounds {
            profile,
            users: users.len(),
            groups: groups.len(),
            clients: clients.len(),
            roles: roles.len(),
            mapping_rules: mapping_rules.len(),
        };
        let count = self.count(4);
        let mut rows: Vec<Row> = Vec::with_capacity(count);
        for _ in 0..count {
            let row = self.row(rows.last(), &bounds, catalogue, &resources, &row_ids);
            rows.push(row);
        }
        // A file refused already is not indexed (its rows may be placeholders).
        let index = if self.error.is_none() {
            SourceIndex::build(
                &rows,
                users.len(),
                groups.len(),
                profile != ProfileName::Camunda7,
            )
        } else {
            SourceIndex::default()
        };
        Source {
            name,
            users,
            user_groups,
            user_tenants,
            groups,
            group_tenants,
            admin_groups,
            grants: GrantsData {
                user_roles,
                user_states,
                clients,
                client_groups,
                client_roles,
                client_tenants,
                group_roles,
                roles,
                role_tenants,
                mapping_rules,
                group_info,
                access_controls,
                access_control_restricted,
            },
            resources,
            row_ids,
            rows,
            index,
        }
    }

    fn claim(&mut self) -> ClaimPath {
        let count = self.count(1);
        if count == 0 {
            self.fail("a claim path without steps");
        }
        let steps = (0..count)
            .map(|_| match self.choice(3) {
                0 => Step::Member(self.boxed()),
                1 => Step::Index(usize::try_from(self.uint()).unwrap_or(usize::MAX)),
                _ => Step::Wildcard,
            })
            .collect();
        ClaimPath { steps }
    }

    fn row(
        &mut self,
        previous: Option<&Row>,
        bounds: &OwnerBounds,
        catalogue: &Catalogue,
        resources: &Interner,
        row_ids: &Interner,
    ) -> Row {
        let head = self.u8();
        let kind = match head & 3 {
            0 => AuthorizationType::Global,
            1 => AuthorizationType::Grant,
            2 => AuthorizationType::Revoke,
            _ => {
                self.fail("an unknown kind of row");
                AuthorizationType::Grant
            }
        };
        let owner_kind = head >> ROW_OWNER_KIND;
        let owner = match previous {
            Some(previous) if head & (1 << ROW_SAME_OWNER) != 0 && owner_kind == 0 => {
                previous.owner
            }
            _ if head & (1 << ROW_SAME_OWNER) != 0 => {
                self.fail("a row with the owner of no previous row");
                Owner::Global
            }
            _ => self.owner(owner_kind, bounds),
        };
        // What loading JSON lets through: GLOBAL rows and only they belong to
        // everyone; `grants` has neither REVOKE nor GLOBAL rows, and only it
        // has clients, roles and mapping rules.
        let grants = bounds.profile == ProfileName::Grants;
        let grants_owner = matches!(
            owner,
            Owner::Client(_) | Owner::Role(_) | Owner::MappingRule(_)
        );
        if (kind == AuthorizationType::Global) != (owner == Owner::Global)
            || (grants && kind != AuthorizationType::Grant)
            || (!grants && grants_owner)
        {
            self.fail("a row its profile cannot hold");
        }
        let ty = match previous {
            Some(previous) if head & (1 << ROW_SAME_TYPE) != 0 => previous.ty,
            _ if head & (1 << ROW_SAME_TYPE) != 0 => {
                self.fail("a row with the type of no previous row");
                0
            }
            _ => self.type_ix(catalogue),
        };
        let resource = self.u32();
        if resource as usize >= resources.len()
            && !(grants
                && PROPERTY_RESOURCES
                    .iter()
                    .any(|(known, _)| *known == resource))
        {
            self.fail("a row on an unknown resource");
        }
        let id = self.index(row_ids.len(), "a row with an unknown id");
        let mask = self.u32();
        Row {
            id,
            kind,
            owner,
            ty,
            resource,
            mask: if head & (1 << ROW_INVERTED) != 0 {
                !mask
            } else {
                mask
            },
        }
    }

    fn owner(&mut self, kind: u8, bounds: &OwnerBounds) -> Owner {
        let what = "a row of an unknown owner";
        match kind {
            0 => Owner::User(self.index(bounds.users, what)),
            1 => Owner::Group(self.index(bounds.groups, what)),
            2 => Owner::AnyUser,
            3 => Owner::Global,
            4 => Owner::Client(self.index(bounds.clients, what)),
            5 => Owner::Role(self.index(bounds.roles, what)),
            6 => Owner::MappingRule(self.index(bounds.mapping_rules, what)),
            _ => {
                self.fail("an unknown kind of owner");
                Owner::Global
            }
        }
    }

    fn managed(&mut self) -> Managed {
        let collection_ids = self.interner();
        let count = self.count(2);
        let collections: Vec<Collection> = (0..count)
            .map(|_| {
                let id = self.boxed();
                let count = self.count(3);
                let members = (0..count).map(|_| (self.member(), self.coded())).collect();
                Collection { id, members }
            })
            .collect();
        let report_ids = self.interner();
        let count = self.count(3);
        let reports = (0..count)
            .map(|_| {
                let collection = match self.uint() {
                    0 => None,
                    plus_one => {
                        let ix = usize::try_from(plus_one - 1).unwrap_or(usize::MAX);
                        if ix >= collections.len() {
                            self.fail("a report in an unknown collection");
                        }
                        Some(ix)
                    }
                };
                let owner = self.opt_str();
                let count = self.count(2);
                let definitions = (0..count).map(|_| (self.coded(), self.boxed())).collect();
                Report {
                    collection,
                    owner,
                    definitions,
                }
            })
            .collect();
        let managers = self.members();
        let event_process_ids = self.interner();
        let count = self.count(1);
        let event_processes = (0..count).map(|_| self.members()).collect();
        Managed {
            collections,
            collection_ids,
            reports,
            report_ids,
            managers,
            event_processes,
            event_process_ids,
        }
    }
}

/// How many of each kind of owner a source has: a row's owner is below.
struct OwnerBounds {
    profile: ProfileName,
    users: usize,
    groups: usize,
    clients: usize,
    roles: usize,
    mapping_rules: usize,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use crate::{Authorizer, LoadOptions};

    /// Snapshots that between them hold every part of the model: sources,
    /// tenants, Optimize's collections, reports and event-based processes,
    /// roles, clients, mapping rules with claim paths, bundles with
    /// implications, Emporix's access controls and groups.
    fn snapshots() -> Vec<(&'static str, String)> {
        let vector = |text: &str| -> String {
            let file: serde_json::Value = serde_json::from_str(text).unwrap();
            file["snapshot"].to_string()
        };
        vec![
            ("org", include_str!("../../host/demo/org.json").into()),
            (
                "optimize",
                include_str!("../../host/demo/optimize.json").into(),
            ),
            (
                "emporix",
                include_str!("../../host/demo/emporix.json").into(),
            ),
            (
                "identity",
                include_str!("../../host/demo/identity.json").into(),
            ),
            (
                "two engines",
                vector(include_str!(
                    "../../tests/vectors/optimize/multi-source-identities.json"
                )),
            ),
            (
                "mapping rules",
                vector(include_str!(
                    "../../tests/vectors/grants/mapping-rule-groups-and-roles.json"
                )),
            ),
            (
                "bundles",
                vector(include_str!(
                    "../../tests/vectors/grants/bundles-implication-fixpoint.json"
                )),
            ),
            (
                "tenants",
                vector(include_str!("../../tests/vectors/grants/tenants.json")),
            ),
        ]
    }

    fn compiled(text: &str) -> Vec<u8> {
        Authorizer::from_json(text).unwrap().compile()
    }

    fn load(bytes: &[u8]) -> Result<Authorizer, SnapshotError> {
        Authorizer::from_compiled(bytes, &LoadOptions::default())
    }

    /// The bytes with the checksum made right again: what is left to refuse
    /// them is the structural validation.
    fn with_checksum(bytes: Vec<u8>) -> Vec<u8> {
        seal(body(&bytes))
    }

    #[test]
    fn compiles_back_to_the_same_bytes() {
        for (name, text) in snapshots() {
            let bytes = compiled(&text);
            assert!(is_compiled(&bytes), "{name}");
            let back = load(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(back.compile(), bytes, "{name}");
            // And through the loader of any snapshot's bytes.
            let any = Authorizer::from_bytes(&bytes, &LoadOptions::default()).unwrap();
            assert_eq!(any.compile(), bytes, "{name}");
        }
    }

    #[test]
    fn every_truncation_is_corrupt() {
        for (name, text) in snapshots() {
            let bytes = compiled(&text);
            for len in 0..bytes.len() {
                let error = load(&bytes[..len]).err().unwrap();
                assert_eq!(error.code(), "snapshot.corrupt", "{name}: cut at {len}");
                // Even with a checksum that fits what is left.
                if len >= HEADER {
                    let error = load(&with_checksum(bytes[..len].to_vec())).err().unwrap();
                    assert_eq!(error.code(), "snapshot.corrupt", "{name}: cut at {len}");
                }
            }
        }
    }

    #[test]
    fn every_damaged_byte_is_refused() {
        for (name, text) in snapshots() {
            let bytes = compiled(&text);
            for at in 0..bytes.len() {
                let mut damaged = bytes.clone();
                damaged[at] ^= 0x10;
                let code = load(&damaged).err().unwrap().code();
                let expected = if (8..12).contains(&at) {
                    "snapshot.unsupported_format"
                } else {
                    "snapshot.corrupt"
                };
                assert_eq!(code, expected, "{name}: byte {at}");
            }
        }
    }

    /// Behind a checksum that fits, a changed byte is refused by the structure
    /// or makes another well-formed snapshot, which then decides without
    /// panicking (`SourceIndex` and the evaluators index only checked values).
    #[test]
    fn damage_behind_a_fitting_checksum_never_panics() {
        let request = crate::wire::decode::<crate::wire::RequestDoc>(
            r#"{"user":"kermit","permission":"READ","resourceType":"PROCESS_DEFINITION","resourceId":"invoice"}"#,
        )
        .unwrap();
        for (name, text) in snapshots() {
            let bytes = compiled(&text);
            let mut refused = 0;
            for at in HEADER..bytes.len() {
                for flip in [0x01, 0x80, 0xff] {
                    let mut damaged = bytes.clone();
                    damaged[at] ^= flip;
                    match load(&with_checksum(damaged)) {
                        Ok(authorizer) => {
                            let _ = authorizer.check(&request);
                            let _ = authorizer.compile();
                        }
                        Err(error) => {
                            refused += 1;
                            assert!(
                                ["snapshot.corrupt", "limit.id_length", "limit.memberships"]
                                    .contains(&error.code()),
                                "{name}: byte {at}: {error}"
                            );
                        }
                    }
                }
            }
            assert!(refused > 0, "{name}");
        }
    }

    #[test]
    fn increments_the_trailing_number() {
        let next = |name: &str| {
            let mut bytes = name.as_bytes().to_vec();
            increment(&mut bytes, 0).then(|| String::from_utf8(bytes).unwrap())
        };
        assert_eq!(next("auth-41").as_deref(), Some("auth-42"));
        assert_eq!(next("auth-9").as_deref(), Some("auth-10"));
        assert_eq!(next("a-099").as_deref(), Some("a-100"));
        assert_eq!(next("99").as_deref(), Some("100"));
        assert_eq!(next("auth-").as_deref(), None);
        assert_eq!(next("").as_deref(), None);
        // Only past `start`: the previous name's bytes, not the one before.
        let mut text = b"a-9b".to_vec();
        assert!(!increment(&mut text, 3));
    }

    #[test]
    fn a_huge_count_asks_for_no_memory() {
        // A valid header, then a body that claims 2^63 resource types.
        let mut body = vec![0, 0, 0, 0, 1, 1, 0, 0];
        body.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&COMPILED_VERSION.to_le_bytes());
        bytes.extend_from_slice(&[0; 12]);
        bytes.extend_from_slice(&body);
        assert_eq!(
            load(&with_checksum(bytes)).err().unwrap().code(),
            "snapshot.corrupt"
        );
    }

    #[test]
    fn limits_hold_for_compiled_snapshots_too() {
        let bytes = compiled(include_str!("../../host/demo/org.json"));
        let mut options = LoadOptions::default();
        options.limits.id_bytes = 3;
        let error = Authorizer::from_compiled(&bytes, &options).err().unwrap();
        assert_eq!(error.code(), "limit.id_length");
        options.limits = crate::Limits::default();
        options.limits.snapshot_bytes = bytes.len() - 1;
        let error = Authorizer::from_compiled(&bytes, &options).err().unwrap();
        assert_eq!(error.code(), "limit.snapshot_size");
        options.limits = crate::Limits::default();
        options.min_sequence = Some(1);
        let error = Authorizer::from_compiled(&bytes, &options).err().unwrap();
        assert_eq!(error.code(), "snapshot.rollback");
    }
}
