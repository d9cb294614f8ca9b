//! Orchestration: profile dispatch, sources, tenants, switches and composites
//! around the per-source rules of [`crate::camunda7`] and [`crate::optimize`].

use crate::camunda7::{self, Outcome, Query, Target};
use crate::catalogue::ALL_BITS;
use crate::error::RequestError;
use crate::json::Map;
use crate::model::{ResIx, Slot, Snapshot, Source, TypeIx};
use crate::optimize::{self, Cause, IdState};
use crate::prelude::*;
use crate::principal::{Principal, PrincipalRef, SourcePrincipal};

use crate::grants::GrantQuery;
use crate::wire::{CheckDoc, ExplanationDoc, Level, ListDoc, ProfileName, RequestDoc, TypeRef};

/// One permission on one resource, resolved against the catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Check<'r> {
    pub ty: TypeIx,
    pub bits: u32,
    pub permission: &'r str,
    /// As asked: under `camunda7`, `None` and `"*"` both mean no specific
    /// resource; under `optimize`, `"*"` asks whether the user may see all.
    pub resource_id: Option<&'r str>,
    /// `grants`: the resource's properties, for PROPERTY grants.
    pub properties: Option<&'r Map>,
    /// `resource_id` already interned in every source (a prepared
    /// [`crate::Question`]), so the hot path does not hash it again.
    pub interned: Option<&'r [Slot]>,
}

/// What a request says about the resource beyond the checks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'r> {
    pub tenant: Option<&'r str>,
    /// `grants`: decides between "not found" and "forbidden" for a foreign tenant.
    pub resource_exists: bool,
}

impl<'r> Context<'r> {
    pub(crate) fn tenant(tenant: Option<&'r str>) -> Self {
        Self {
            tenant,
            resource_exists: true,
        }
    }
}

/// A decision before it is encoded: three-valued for composites, with an
/// explanation when one was asked for.
#[derive(Debug, Clone)]
pub(crate) struct Verdict {
    pub outcome: Outcome,
    /// Boxed: a verdict passes through every decision step by value.
    pub explanation: Option<Box<ExplanationDoc>>,
}

impl Verdict {
    pub(crate) fn allowed(&self) -> bool {
        self.outcome == Outcome::Allow
    }
}

pub(crate) fn explanation(
    rule: &str,
    reason: String,
    level: Option<Level>,
    rows: Vec<String>,
) -> ExplanationDoc {
    ExplanationDoc {
        rule: rule.into(),
        reason,
        level,
        rows,
        overridden: Vec::new(),
        source: None,
        decided_by: None,
        via: None,
    }
}

/// The explanation, when one is asked for.
pub(crate) fn why(
    explain: bool,
    explanation: impl FnOnce() -> ExplanationDoc,
) -> Option<Box<ExplanationDoc>> {
    explain.then(|| Box::new(explanation()))
}

/// The permission part when authorization checks are off.
fn authorization_disabled(explain: bool) -> Verdict {
    Verdict {
        outcome: Outcome::Allow,
        explanation: why(explain, || {
            explanation(
                "authorization_disabled",
                "authorization checks are off".into(),
                None,
                Vec::new(),
            )
        }),
    }
}

fn level_words(level: Level) -> &'static str {
    match level {
        Level::User => "user-level",
        Level::Group => "group-level",
        Level::Global => "global",
    }
}

impl Snapshot {
    pub(crate) fn resolve_type(&self, ty: &TypeRef) -> Result<TypeIx, Box<RequestError>> {
        match ty {
            TypeRef::Name(name) => self.resolve_type_name(name),
            TypeRef::Id(_) => self.catalogue.resolve(ty).ok_or_else(|| {
                RequestError::UnknownResourceType {
                    resource_type: ty.to_string(),
                }
                .into()
            }),
        }
    }

    /// A type by name, or by integer id in decimal (as everywhere a name is taken).
    pub(crate) fn resolve_type_name(&self, name: &str) -> Result<TypeIx, Box<RequestError>> {
        self.catalogue
            .named(name)
            .or_else(|| crate::json::decimal(name).and_then(|id| self.catalogue.with_id(id)))
            .ok_or_else(|| {
                RequestError::UnknownResourceType {
                    resource_type: name.to_owned(),
                }
                .into()
            })
    }

    pub(crate) fn resolve_check<'r>(
        &self,
        ty: TypeIx,
        permission: &'r str,
        resource_id: Option<&'r str>,
    ) -> Result<Check<'r>, Box<RequestError>> {
        let resource_type = self.catalogue.ty(ty);
        let bits =
            resource_type
                .bits(permission)
                .ok_or_else(|| RequestError::UnknownPermission {
                    permission: permission.to_owned(),
                    resource_type: resource_type.name.to_string(),
                })?;
        Ok(Check {
            ty,
            bits,
            permission,
            resource_id,
            properties: None,
            interned: None,
        })
    }

    pub(crate) fn check_doc<'r>(&self, doc: &'r CheckDoc) -> Result<Check<'r>, Box<RequestError>> {
        self.resolve_check(
            self.resolve_type(&doc.resource_type)?,
            &doc.permission,
            doc.resource_id.as_deref(),
        )
    }

    pub(crate) fn source(&self, principal: &SourcePrincipal) -> Option<&Source> {
        self.sources.get(principal.source)
    }

    /// Answers a whole request: one check or a composite, then the tenant.
    pub(crate) fn request(
        &self,
        request: &RequestDoc,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        self.request_as(request.into(), request, explain)
    }

    /// [`Snapshot::request`] for the principal `who` (the request's own, or
    /// one that access analysis puts in its place).
    pub(crate) fn request_as(
        &self,
        who: PrincipalRef<'_>,
        request: &RequestDoc,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        self.within_limits(request)?;
        // Evaluated anyway: an anonymously authorized request must still be well-formed.
        let verdict = self.decide_request(who, request, explain)?;
        if request.anonymous_authorized {
            return Ok(Verdict {
                outcome: Outcome::Allow,
                explanation: why(explain, || {
                    explanation(
                        "anonymous",
                        "the request is authorized anonymously".into(),
                        None,
                        Vec::new(),
                    )
                }),
            });
        }
        Ok(verdict)
    }

    /// `limit.composite_length` for a composite or scope list longer than
    /// the snapshot's limits allow (found before any of it is decided).
    fn within_limits(&self, request: &RequestDoc) -> Result<(), Box<RequestError>> {
        let limit = self.limits.composite_length;
        for list in [
            request.any_of.as_ref().map(Vec::len),
            request.all_of.as_ref().map(Vec::len),
            request.scopes.as_ref().map(Vec::len),
        ] {
            if let Some(len) = list.filter(|&len| len > limit) {
                return Err(crate::limits::exceeded(4, len, limit).into());
            }
        }
        Ok(())
    }

    fn decide_request(
        &self,
        who: PrincipalRef<'_>,
        request: &RequestDoc,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        let principal = self.principal(who)?;
        let context = Context {
            tenant: request.tenant_id.as_deref(),
            resource_exists: request.resource_exists.unwrap_or(true),
        };
        if principal.profile == ProfileName::Grants {
            let checks =
                usize::from(request.permission.is_some() || request.resource_type.is_some())
                    + usize::from(request.any_of.is_some())
                    + usize::from(request.all_of.is_some())
                    + usize::from(request.bundle.is_some())
                    + usize::from(request.scopes.is_some());
            if checks > 1 {
                return Err(RequestError::AmbiguousCheck.into());
            }
            if let Some(bundle) = &request.bundle {
                let verdict = self.bundle(&principal, bundle, explain)?;
                return self.finish(&principal, verdict, context, explain);
            }
            if let Some(scopes) = &request.scopes {
                let verdict =
                    self.scopes(&principal, scopes, request.restriction.as_deref(), explain)?;
                return self.finish(&principal, verdict, context, explain);
            }
        } else {
            grants_only_fields(request)?;
        }
        let single = match (&request.permission, &request.resource_type) {
            (Some(permission), Some(ty)) => Some((permission, ty)),
            (None, None) => None,
            _ => return Err(RequestError::MissingCheck.into()),
        };
        let composite = match (single, &request.any_of, &request.all_of) {
            (Some((permission, ty)), None, None) => {
                let mut check = self.resolve_check(
                    self.resolve_type(ty)?,
                    permission,
                    request.resource_id.as_deref(),
                )?;
                check.properties = request.properties.as_ref();
                return self.decide_single(&principal, check, context, explain);
            }
            (None, Some(list), None) => (list, true),
            (None, None, Some(list)) => (list, false),
            (None, None, None) => return Err(RequestError::MissingCheck.into()),
            _ => return Err(RequestError::AmbiguousCheck.into()),
        };
        let (list, any) = composite;
        if list.is_empty() {
            return Err(RequestError::EmptyComposite {
                field: if any { "anyOf" } else { "allOf" },
            }
            .into());
        }
        if request.resource_id.is_some() {
            return Err(RequestError::Malformed {
                message: "`resourceId` belongs inside each composite check".into(),
            }
            .into());
        }
        let mut checks = list
            .iter()
            .map(|doc| self.check_doc(doc))
            .collect::<Result<Vec<_>, _>>()?;
        for check in &mut checks {
            check.properties = request.properties.as_ref();
        }
        // Every part must be well-formed, not just the ones evaluation reaches.
        for check in &checks {
            self.require_id(principal.profile, *check)?;
        }
        let verdict = if any {
            self.any_of(&principal, &checks, explain)?
        } else {
            self.all_of(&principal, &checks, explain)?
        };
        self.finish(&principal, verdict, context, explain)
    }

    /// One check, start to finish: what a request with one permission decides,
    /// and what [`crate::Authorizer::can`] answers (the same path, so a handle can
    /// never allow what a request would deny — a disabled account, a tenant).
    pub(crate) fn decide_single(
        &self,
        principal: &Principal,
        check: Check<'_>,
        context: Context<'_>,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        self.require_id(principal.profile, check)?;
        let verdict = self.single(principal, check, explain)?;
        self.finish(principal, verdict, context, explain)
    }

    /// Under `optimize`, every question but a tenant's names a resource id.
    fn require_id(&self, profile: ProfileName, check: Check<'_>) -> Result<(), Box<RequestError>> {
        let name = &*self.catalogue.ty(check.ty).name;
        let managed_without_id =
            crate::managed::Asked::of(name, check.bits).is_some_and(|asked| !asked.needs_id());
        if profile == ProfileName::Optimize
            && check.resource_id.is_none()
            && name != "TENANT"
            && !managed_without_id
        {
            return Err(RequestError::MissingResourceId {
                profile: "optimize",
                resource_type: name.to_owned(),
            }
            .into());
        }
        Ok(())
    }

    /// `anyOf`: the first check with a definite answer decides (`IFNULL(c1, IFNULL(c2, … 0))`).
    fn any_of(
        &self,
        principal: &Principal,
        checks: &[Check<'_>],
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        for (position, check) in checks.iter().enumerate() {
            let mut verdict = self.single(principal, *check, explain)?;
            if verdict.outcome != Outcome::NoMatch {
                if let Some(explanation) = &mut verdict.explanation {
                    explanation.decided_by = Some(position);
                }
                return Ok(verdict);
            }
        }
        Ok(Verdict {
            outcome: Outcome::NoMatch,
            explanation: why(explain, || {
                explanation(
                    "no_match",
                    "no check of `anyOf` matched".into(),
                    None,
                    Vec::new(),
                )
            }),
        })
    }

    /// `allOf`: every check must allow; the first that does not decides.
    fn all_of(
        &self,
        principal: &Principal,
        checks: &[Check<'_>],
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        let mut rows = Vec::new();
        for (position, check) in checks.iter().enumerate() {
            let mut verdict = self.single(principal, *check, explain)?;
            if verdict.outcome != Outcome::Allow {
                if let Some(explanation) = &mut verdict.explanation {
                    explanation.decided_by = Some(position);
                }
                return Ok(verdict);
            }
            if let Some(explanation) = verdict.explanation {
                for row in explanation.rows {
                    if !rows.contains(&row) {
                        rows.push(row);
                    }
                }
            }
        }
        Ok(Verdict {
            outcome: Outcome::Allow,
            explanation: why(explain, || {
                explanation(
                    "all_of",
                    "every check of `allOf` allowed".into(),
                    None,
                    rows,
                )
            }),
        })
    }

    /// Applies the tenant conjunct and marks the source on a finished verdict.
    pub(crate) fn finish(
        &self,
        principal: &Principal,
        mut verdict: Verdict,
        context: Context<'_>,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        if principal.profile == ProfileName::Grants {
            return Ok(self.grants_finish(principal, verdict, context, explain));
        }
        if let Some(tenant) = context.tenant
            && verdict.allowed()
        {
            let denied = match principal.profile {
                ProfileName::Grants => None,
                ProfileName::Camunda7 => self.camunda7_tenant_denial(principal, tenant, explain),
                ProfileName::Optimize => {
                    let ty = self.resolve_type_name("TENANT")?;
                    let check = self.resolve_check(ty, "READ", Some(tenant))?;
                    let tenant_verdict = self.optimize(principal, check, explain)?;
                    (!tenant_verdict.allowed()).then_some(tenant_verdict.explanation)
                }
            };
            if let Some(explanation) = denied {
                verdict = Verdict {
                    outcome: Outcome::Deny,
                    explanation,
                };
            }
        }
        if self.sources.len() > 1
            && let (Some(explanation), [only]) = (&mut verdict.explanation, &*principal.sources)
            && explanation.source.is_none()
        {
            explanation.source = self.source(only).map(|source| source.name.to_string());
        }
        Ok(verdict)
    }

    /// `Some(explanation)` when the tenant check denies.
    fn camunda7_tenant_denial(
        &self,
        principal: &Principal,
        tenant: &str,
        explain: bool,
    ) -> Option<Option<Box<ExplanationDoc>>> {
        if !self.options.tenant_checks {
            return None;
        }
        let sp = principal.sources.first()?;
        let source = self.source(sp)?;
        if sp.admin || camunda7::tenant_member(source, sp, self.tenants.get(tenant)) {
            return None;
        }
        Some(why(explain, || {
            explanation(
                "tenant.not_member",
                format!(
                    "user `{}` is not a member of tenant `{tenant}`",
                    principal.user
                ),
                None,
                Vec::new(),
            )
        }))
    }

    /// One permission on one resource, under the principal's profile.
    pub(crate) fn single(
        &self,
        principal: &Principal,
        check: Check<'_>,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        match principal.profile {
            ProfileName::Camunda7 => Ok(self.camunda7(principal, check, explain)),
            ProfileName::Optimize => self.optimize(principal, check, explain),
            ProfileName::Grants => Ok(self.grants_single(principal, check, explain)),
        }
    }

    /// The source, the principal there and the engine query of a Camunda 7 check.
    #[inline(always)]
    fn camunda7_query<'s>(
        &'s self,
        principal: &'s Principal,
        check: Check<'_>,
    ) -> Option<(&'s SourcePrincipal, &'s Source, Query)> {
        let sp = principal.sources.first()?;
        let source = self.source(sp)?;
        let (target, rows) = match (check.resource_id, check.interned) {
            (None, _) => (Target::Any, None),
            // A byte pattern, not `Some("*")`: a `str` comparison is a call at
            // `opt-level = "z"`, and this is the wasm package's hot path.
            (Some(id), _) if matches!(id.as_bytes(), b"*") => (Target::Any, None),
            (Some(_), Some(interned)) => {
                let slot = interned.get(sp.source).copied().unwrap_or_default();
                (Target::Id(slot.id), Some(slot.rows.span_for(&sp.owners)))
            }
            (Some(id), None) => (Target::Id(source.resources.get(id)), None),
        };
        let query = Query {
            ty: check.ty,
            bits: check.bits,
            target,
            rows,
        };
        Some((sp, source, query))
    }

    /// [`Self::decide_single`] without a tenant or an explanation, as `can` and
    /// `ask` need it. Under `camunda7` that is the switch and the engine's
    /// decision alone (`finish` changes nothing without a tenant or an
    /// explanation), taken without building a verdict: the binding's hot path.
    pub(crate) fn allowed(
        &self,
        principal: &Principal,
        check: Check<'_>,
    ) -> Result<bool, Box<RequestError>> {
        if principal.profile != ProfileName::Camunda7 {
            let verdict = self.decide_single(principal, check, Context::tenant(None), false)?;
            return Ok(verdict.allowed());
        }
        if !self.options.authorization_checks {
            return Ok(true);
        }
        Ok(self
            .camunda7_query(principal, check)
            .is_some_and(|(sp, source, query)| {
                camunda7::decide(source, sp, query) == Outcome::Allow
            }))
    }

    /// [`Self::camunda7_query`] as a call, for the paths other than [`Self::allowed`]:
    /// one inlined copy is enough.
    #[inline(never)]
    fn camunda7_query_called<'s>(
        &'s self,
        principal: &'s Principal,
        check: Check<'_>,
    ) -> Option<(&'s SourcePrincipal, &'s Source, Query)> {
        self.camunda7_query(principal, check)
    }

    fn camunda7(&self, principal: &Principal, check: Check<'_>, explain: bool) -> Verdict {
        if !self.options.authorization_checks {
            return authorization_disabled(explain);
        }
        let Some((sp, source, query)) = self.camunda7_query_called(principal, check) else {
            return Verdict {
                outcome: Outcome::NoMatch,
                explanation: None,
            };
        };
        if !explain {
            return Verdict {
                outcome: camunda7::decide(source, sp, query),
                explanation: None,
            };
        }
        let explained = camunda7::explain(source, sp, query, check.permission);
        Verdict {
            outcome: explained.outcome,
            explanation: Some(Box::new(ExplanationDoc {
                rule: explained.rule.into(),
                reason: explained.reason,
                level: explained.level,
                rows: explained.rows,
                overridden: explained.overridden,
                source: None,
                decided_by: None,
                via: None,
            })),
        }
    }

    /// Optimize's login permission: ACCESS on APPLICATION `optimize`.
    pub(crate) fn optimize_login(&self) -> Result<Check<'static>, Box<RequestError>> {
        let ty = self.resolve_type_name("APPLICATION")?;
        self.resolve_check(ty, "ACCESS", Some("optimize"))
    }

    /// Whether the principal may log in to Optimize on this source.
    pub(crate) fn logs_in(login: Check<'_>, sp: &SourcePrincipal, source: &Source) -> bool {
        if let Some(decided) = sp.logs_in {
            return decided;
        }
        let named = source.resources.get("optimize");
        optimize::resolve_id(source, sp, login.ty, login.bits, named).allowed()
    }

    pub(crate) fn optimize(
        &self,
        principal: &Principal,
        check: Check<'_>,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        let type_name = &*self.catalogue.ty(check.ty).name;
        if let Some(asked) = crate::managed::Asked::of(type_name, check.bits) {
            if check.resource_id.is_none() {
                self.require_id(principal.profile, check)?;
            }
            return self.optimize_managed(principal, check, asked, explain);
        }
        let Some(id) = check.resource_id else {
            self.require_id(principal.profile, check)?;
            return Ok(Verdict {
                outcome: Outcome::Allow,
                explanation: why(explain, || {
                    explanation(
                        "optimize.null_tenant",
                        "no tenant: always allowed".into(),
                        None,
                        Vec::new(),
                    )
                }),
            });
        };
        let resolve = |sp: &SourcePrincipal, source: &Source| {
            // `"*"` is resolved like an id no row names: allowed exactly when the user may see all.
            let named = if id == "*" {
                None
            } else {
                // A prepared question has the id interned in every source already.
                match check.interned.and_then(|slots| slots.get(sp.source)) {
                    Some(slot) => slot.id,
                    None => source.resources.get(id),
                }
            };
            optimize::resolve_id(source, sp, check.ty, check.bits, named)
        };
        let sources = || {
            principal
                .sources
                .iter()
                .filter_map(|sp| self.source(sp).map(|source| (sp, source)))
        };
        let verdict = match type_name {
            // Identities: per-source results merged.
            "USER" | "GROUP" => {
                let states: Vec<IdState> =
                    sources().map(|(sp, source)| resolve(sp, source)).collect();
                let can_see_all = states.iter().any(|state| state.can_see_all);
                let merged = IdState {
                    can_see_all,
                    all: states
                        .iter()
                        .filter(|state| state.can_see_all == can_see_all)
                        .find_map(|state| state.all),
                    authorized: states.iter().find_map(|state| state.authorized),
                    prohibited: states.iter().find_map(|state| state.prohibited),
                };
                Verdict {
                    outcome: merged.outcome(),
                    explanation: why(explain, || self.explain_optimize(&merged, id)),
                }
            }
            // Logging in: any source that allows suffices.
            "APPLICATION" => {
                let states: Vec<IdState> =
                    sources().map(|(sp, source)| resolve(sp, source)).collect();
                self.optimize_verdict(decisive(&states), id, explain)
            }
            // Definitions and the rest: decided on the owning source(s), each of
            // which must also let the user log in.
            _ => {
                // A handle knows already whether it may log in (`logs_in`):
                // the login question is resolved only for a principal that
                // does not.
                let login = if principal.sources.iter().all(|sp| sp.logs_in.is_some()) {
                    None
                } else {
                    Some(self.optimize_login()?)
                };
                let may_log_in = |sp: &SourcePrincipal, source: &Source| match (sp.logs_in, login) {
                    (Some(decided), _) => decided,
                    (None, Some(login)) => Self::logs_in(login, sp, source),
                    (None, None) => false,
                };
                let mut states = Vec::new();
                let mut locked_out = None;
                for (sp, source) in sources() {
                    let state = resolve(sp, source);
                    if state.allowed() && may_log_in(sp, source) {
                        return Ok(self.optimize_verdict(Some(state), id, explain));
                    }
                    if state.allowed() {
                        locked_out.get_or_insert(source);
                    }
                    states.push(state);
                }
                match locked_out {
                    Some(source) => Verdict {
                        outcome: Outcome::Deny,
                        explanation: why(explain, || ExplanationDoc {
                            source: (self.sources.len() > 1).then(|| source.name.to_string()),
                            ..explanation(
                                "optimize.login_required",
                                format!(
                                    "allowed on source `{}`, but the user may not log in to Optimize there",
                                    source.name
                                ),
                                None,
                                Vec::new(),
                            )
                        }),
                    },
                    None => self.optimize_verdict(decisive(&states), id, explain),
                }
            }
        };
        Ok(verdict)
    }

    fn optimize_verdict(&self, decided: Option<IdState>, id: &str, explain: bool) -> Verdict {
        let state = decided.unwrap_or_default();
        Verdict {
            outcome: state.outcome(),
            explanation: why(explain, || self.explain_optimize(&state, id)),
        }
    }

    fn explain_optimize(&self, state: &IdState, id: &str) -> ExplanationDoc {
        let row = |cause: Cause| {
            self.sources
                .get(cause.source)
                .map(|source| source.row_id(cause.row).to_owned())
                .unwrap_or_default()
        };
        let words = |cause: Cause, what: &str| format!("{} {what}", level_words(cause.level));
        let decide = |rule: &str, cause: Cause, what: &str, beaten: Option<Cause>| ExplanationDoc {
            overridden: beaten.map(row).into_iter().collect(),
            source: (self.sources.len() > 1)
                .then(|| {
                    self.sources
                        .get(cause.source)
                        .map(|source| source.name.to_string())
                })
                .flatten(),
            ..explanation(
                rule,
                words(cause, what),
                Some(cause.level),
                vec![row(cause)],
            )
        };
        match (
            state.can_see_all,
            state.all,
            state.authorized,
            state.prohibited,
        ) {
            (true, all, _, Some(prohibited)) => decide(
                "optimize.revoke_id",
                prohibited,
                &format!("revoke on `{id}` beats the grant on `*`"),
                all,
            ),
            (true, Some(all), _, None) => decide("optimize.grant_all", all, "grant on `*`", None),
            (false, all, Some(authorized), _) => decide(
                "optimize.grant_id",
                authorized,
                &format!("grant on `{id}`"),
                all,
            ),
            (false, _, None, Some(prohibited)) => decide(
                "optimize.revoke_id",
                prohibited,
                &format!("revoke on `{id}`"),
                None,
            ),
            (false, Some(all), None, None) => {
                decide("optimize.revoke_all", all, "revoke on `*`", None)
            }
            _ => explanation(
                "no_match",
                "no authorization matched".into(),
                None,
                Vec::new(),
            ),
        }
    }

    /// The permission names of a type, in the order [`Self::held`] answers: the
    /// catalogue's, then `ALL` where the type implies it.
    pub(crate) fn permission_names(&self, ty: TypeIx) -> impl Iterator<Item = &str> {
        self.permission_checks(ty, None, None)
            .map(|check| check.permission)
    }

    /// Per permission of the type ([`Self::permission_names`]), whether the
    /// principal holds it on the resource.
    pub(crate) fn held(
        &self,
        principal: &Principal,
        ty: TypeIx,
        resource_id: Option<&str>,
        interned: Option<&[Slot]>,
        tenant: Option<&str>,
    ) -> Result<Vec<bool>, Box<RequestError>> {
        let checks = self.permission_checks(ty, resource_id, interned);
        if principal.profile == ProfileName::Camunda7 {
            return Ok(self.camunda7_held(principal, ty, checks, resource_id, interned, tenant));
        }
        checks
            .map(|check| {
                let verdict = self.single(principal, check, false)?;
                let verdict = self.finish(principal, verdict, Context::tenant(tenant), false)?;
                Ok(verdict.allowed())
            })
            .collect()
    }

    /// Every permission of a type (in catalogue order, then `ALL`) as the check
    /// [`Self::resolve_check`] would make of its name, without looking it up.
    fn permission_checks<'s>(
        &'s self,
        ty: TypeIx,
        resource_id: Option<&'s str>,
        interned: Option<&'s [Slot]>,
    ) -> impl Iterator<Item = Check<'s>> {
        let resource_type = self.catalogue.ty(ty);
        let named = resource_type
            .permissions
            .iter()
            .map(|(name, bits)| (&**name, *bits));
        let all = resource_type.implicit_all.then_some(("ALL", ALL_BITS));
        named.chain(all).map(move |(permission, bits)| Check {
            ty,
            bits,
            permission,
            resource_id,
            properties: None,
            interned,
        })
    }

    /// [`Self::held`] under `camunda7`: what `single` and `finish` would answer
    /// per permission, with every single-bit permission read from one pass over
    /// the rows ([`camunda7::allowed_bits`]) and the tenant checked once.
    fn camunda7_held<'n>(
        &self,
        principal: &Principal,
        ty: TypeIx,
        checks: impl Iterator<Item = Check<'n>>,
        resource_id: Option<&str>,
        interned: Option<&[Slot]>,
        tenant: Option<&str>,
    ) -> Vec<bool> {
        let tenant_denied = tenant.is_some_and(|tenant| {
            self.camunda7_tenant_denial(principal, tenant, false)
                .is_some()
        });
        let any = Check {
            ty,
            bits: 0,
            permission: "",
            resource_id,
            properties: None,
            interned,
        };
        let engine = self
            .camunda7_query_called(principal, any)
            .map(|(sp, source, query)| {
                let bits = camunda7::allowed_bits(source, sp, ty, query.target);
                (sp, source, query, bits)
            });
        checks
            .map(|check| {
                let allowed = if !self.options.authorization_checks {
                    true
                } else if let Some((sp, source, query, bits)) = &engine {
                    if check.bits.is_power_of_two() {
                        bits & check.bits != 0
                    } else {
                        let query = Query {
                            bits: check.bits,
                            ..*query
                        };
                        camunda7::decide(source, sp, query) == Outcome::Allow
                    }
                } else {
                    false
                };
                allowed && !tenant_denied
            })
            .collect()
    }

    /// What a list view of `ty` may show for `permission`.
    pub(crate) fn list(
        &self,
        principal: &Principal,
        ty: TypeIx,
        permission: &str,
    ) -> Result<ListDoc, Box<RequestError>> {
        let check = self.resolve_check(ty, permission, None)?;
        let per_source = principal
            .sources
            .iter()
            .filter_map(|sp| self.source(sp).map(|source| (sp, source)));
        match principal.profile {
            ProfileName::Grants => Ok(self.grants_list(principal, ty, check.bits)),
            ProfileName::Camunda7 => {
                if !self.options.authorization_checks {
                    return Ok(ListDoc::All);
                }
                let Some((sp, source)) = per_source.into_iter().next() else {
                    return Ok(ListDoc::Only { ids: Vec::new() });
                };
                let (everything, ids) = camunda7::list(source, sp, ty, check.bits);
                Ok(ListView {
                    all: everything,
                    ids: names(source, ids.into_iter()),
                }
                .into())
            }
            ProfileName::Optimize => {
                let type_name = &*self.catalogue.ty(ty).name;
                let states: Vec<(&SourcePrincipal, &Source, optimize::TypeState)> = per_source
                    .map(|(sp, source)| {
                        (
                            sp,
                            source,
                            optimize::resolve_type(source, sp, ty, check.bits),
                        )
                    })
                    .collect();
                if matches!(type_name, "USER" | "GROUP") {
                    let all = states.iter().any(|(_, _, state)| state.can_see_all);
                    let mut ids = Vec::new();
                    for (_, source, state) in &states {
                        let set = if all {
                            &state.prohibited
                        } else {
                            &state.authorized
                        };
                        ids.extend(names(source, set.iter().copied()));
                    }
                    crate::sort::sort_dedup(&mut ids);
                    return Ok(ListView { all, ids }.into());
                }
                let login = self.optimize_login()?;
                let views = states.iter().filter(|(sp, source, _)| {
                    type_name == "APPLICATION" || Self::logs_in(login, sp, source)
                });
                let views = views.map(|(_, source, state)| {
                    let set = if state.can_see_all {
                        &state.prohibited
                    } else {
                        &state.authorized
                    };
                    ListView {
                        all: state.can_see_all,
                        ids: names(source, set.iter().copied()),
                    }
                });
                Ok(ListView::union(views).into())
            }
        }
    }
}

/// Of several sources' states, the one that decides: an allowing one, else a
/// denying one, else the first (no match anywhere).
fn decisive(states: &[IdState]) -> Option<IdState> {
    let with = |outcome| states.iter().find(|state| state.outcome() == outcome);
    with(Outcome::Allow)
        .or_else(|| with(Outcome::Deny))
        .or(states.first())
        .copied()
}

/// The names of resource ids, in order, each once.
fn names(source: &Source, ids: impl Iterator<Item = ResIx>) -> Vec<&str> {
    let mut names: Vec<&str> = ids.map(|id| source.resources.name(id)).collect();
    crate::sort::sort_dedup(&mut names);
    names
}

/// "all except `ids`" (`all`) or "only `ids`"; `ids` in order, each once.
#[derive(Debug, Clone, Default)]
struct ListView<'s> {
    all: bool,
    ids: Vec<&'s str>,
}

impl<'s> ListView<'s> {
    /// The ids any of the views allows.
    fn union(views: impl Iterator<Item = Self>) -> Self {
        let mut except: Option<Vec<&str>> = None;
        let mut only = Vec::new();
        for view in views {
            if view.all {
                except = Some(match except {
                    None => view.ids,
                    Some(mut previous) => {
                        previous.retain(|id| view.ids.binary_search(id).is_ok());
                        previous
                    }
                });
            } else {
                only.extend(view.ids);
            }
        }
        crate::sort::sort_dedup(&mut only);
        match except {
            Some(mut except) => {
                except.retain(|id| only.binary_search(id).is_err());
                Self {
                    all: true,
                    ids: except,
                }
            }
            None => Self {
                all: false,
                ids: only,
            },
        }
    }
}

impl From<ListView<'_>> for ListDoc {
    fn from(view: ListView<'_>) -> Self {
        let ids: Vec<String> = view.ids.into_iter().map(str::to_owned).collect();
        match (view.all, ids.is_empty()) {
            (true, true) => Self::All,
            (true, false) => Self::AllExcept { ids },
            (false, _) => Self::Only { ids },
        }
    }
}

/// Fields only the `grants` profile understands: an error elsewhere, never ignored.
fn grants_only_fields(request: &RequestDoc) -> Result<(), Box<RequestError>> {
    let fields: [(&'static str, bool); 7] = [
        ("properties", request.properties.is_some()),
        ("resourceExists", request.resource_exists.is_some()),
        ("bundle", request.bundle.is_some()),
        ("scopes", request.scopes.is_some()),
        ("restriction", request.restriction.is_some()),
        ("anonymousAuthorized", request.anonymous_authorized),
        ("client", request.client.is_some()),
    ];
    match fields.iter().find(|(_, present)| *present) {
        Some((field, _)) => Err(RequestError::GrantsOnly { field }.into()),
        None => Ok(()),
    }
}

impl Snapshot {
    /// The permission part under `grants`: some reached grant covers the check.
    fn grants_single(&self, principal: &Principal, check: Check<'_>, explain: bool) -> Verdict {
        if !self.options.authorization_checks {
            return authorization_disabled(explain);
        }
        let Some(sp) = principal.sources.first() else {
            return Verdict {
                outcome: Outcome::NoMatch,
                explanation: None,
            };
        };
        if !explain
            && check.properties.is_none()
            && let Some(allowed) = self.grants_prepared(sp, check)
        {
            return Verdict {
                outcome: if allowed {
                    Outcome::Allow
                } else {
                    Outcome::NoMatch
                },
                explanation: None,
            };
        }
        let query = GrantQuery {
            ty: check.ty,
            bits: check.bits,
            resource_id: check.resource_id,
            properties: check.properties,
        };
        let hit = self.find_grant(sp, &principal.user, query);
        let ty = &self.catalogue.ty(check.ty).name;
        let explanation = why(explain, || match (hit, self.source(sp)) {
            (Some(hit), Some(source)) => {
                let row = source.row(hit.row);
                let via = self.via_words(sp, hit.via);
                ExplanationDoc {
                    via: Some(via.clone()),
                    ..explanation(
                        "grants.match",
                        format!(
                            "grant of `{}` on {ty} {} ({via})",
                            check.permission,
                            source.resource_words(row.resource)
                        ),
                        None,
                        vec![source.row_id(hit.row).to_owned()],
                    )
                }
            }
            _ => explanation(
                "no_match",
                format!(
                    "no grant covers `{}` on {ty} `{}`",
                    check.permission,
                    check.resource_id.unwrap_or("*")
                ),
                None,
                Vec::new(),
            ),
        });
        Verdict {
            outcome: if hit.is_some() {
                Outcome::Allow
            } else {
                Outcome::NoMatch
            },
            explanation,
        }
    }

    /// Whether some reached grant covers a one-permission check, for a
    /// prepared handle ([`Snapshot::prepare`]): the `*` grants' bits, then the
    /// rows on the resource whose owner is reached. `None`: not prepared, or a
    /// permission of several bits (a single row must cover them all), so
    /// [`Self::find_grant`] decides. Equal to it by construction, and held to
    /// it by the vectors and the reference property test through handles.
    #[inline(always)]
    fn grants_prepared(&self, sp: &SourcePrincipal, check: Check<'_>) -> Option<bool> {
        if check.bits.count_ones() != 1 {
            return None;
        }
        let [wildcards, _] = sp.wildcards_of(check.ty)?;
        if wildcards.granted & check.bits != 0 {
            return Some(true);
        }
        let source = self.source(sp)?;
        let rows = match (check.resource_id, check.interned) {
            (None, _) => return Some(false),
            (Some(id), _) if matches!(id.as_bytes(), b"*") => return Some(false),
            (Some(_), Some(interned)) => {
                let slot = interned.get(sp.source).copied().unwrap_or_default();
                if slot.id.is_none() {
                    return Some(false);
                }
                source.index.rows_in(slot.rows.span_for(&sp.owners))
            }
            (Some(id), None) => match source.resources.get(id) {
                Some(resource) => source.index.rows_on_resource(check.ty, resource),
                None => return Some(false),
            },
        };
        Some(rows.iter().any(|owned| {
            owned.entry().mask & check.bits != 0
                && owned.may_be_among(&sp.owners)
                && sp
                    .reach
                    .owners
                    .iter()
                    .any(|&(owner, _)| owner == owned.owner)
        }))
    }

    /// Account state first, then the tenant (whatever the permission said: a
    /// foreign tenant hides an existing resource), then the permission verdict.
    fn grants_finish(
        &self,
        principal: &Principal,
        verdict: Verdict,
        context: Context<'_>,
        explain: bool,
    ) -> Verdict {
        let deny = |rule: &str, reason: String| Verdict {
            outcome: Outcome::Deny,
            explanation: why(explain, || explanation(rule, reason, None, Vec::new())),
        };
        if let Some((rule, reason)) = Self::account_denial(principal) {
            return deny(rule, reason);
        }
        if let (Some(tenant), true, Some(sp)) = (
            context.tenant,
            self.options.tenant_checks,
            principal.sources.first(),
        ) && self.grants_tenant(sp, tenant).is_none()
        {
            return if context.resource_exists {
                deny(
                    "tenant.not_found",
                    format!(
                        "`{}` is not a member of tenant `{tenant}`: the resource is not found",
                        principal.user
                    ),
                )
            } else {
                deny(
                    "tenant.forbidden",
                    format!(
                        "`{}` is not a member of tenant `{tenant}`: creating there is forbidden",
                        principal.user
                    ),
                )
            };
        }
        verdict
    }

    /// A bundle request: held when every part is held or implied.
    fn bundle(
        &self,
        principal: &Principal,
        bundle: &str,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        let ix = self
            .bundle_ids
            .get(bundle)
            .ok_or_else(|| RequestError::UnknownBundle {
                bundle: bundle.to_owned(),
            })?;
        if !self.options.authorization_checks {
            return Ok(authorization_disabled(explain));
        }
        let state = self.bundle_state(principal);
        let held = state.held.get(ix as usize).copied().unwrap_or(false);
        let explanation = why(explain, || {
            let parts = self
                .bundles
                .get(ix as usize)
                .map_or(&[][..], |bundle| &bundle.parts);
            let causes: Vec<Option<crate::grants::PartCause>> = parts
                .iter()
                .map(|part| {
                    state
                        .parts
                        .iter()
                        .find(|(known, _)| known == part)
                        .and_then(|(_, cause)| *cause)
                })
                .collect();
            let source = principal.sources.first().and_then(|sp| self.source(sp));
            let rows: Vec<String> = causes
                .iter()
                .filter_map(|cause| match (cause, source) {
                    (Some(crate::grants::PartCause::Held(hit)), Some(source)) => {
                        Some(source.row_id(hit.row).to_owned())
                    }
                    _ => None,
                })
                .fold(Vec::new(), |mut rows, row| {
                    if !rows.contains(&row) {
                        rows.push(row);
                    }
                    rows
                });
            if held {
                let implied_by = causes.iter().find_map(|cause| match cause {
                    Some(crate::grants::PartCause::Implied(when)) => self
                        .bundles
                        .get(*when as usize)
                        .map(|bundle| bundle.id.to_string()),
                    _ => None,
                });
                let reason = match implied_by {
                    Some(when) => format!("`{bundle}` is held through `{when}`"),
                    None => format!("every part of `{bundle}` is held"),
                };
                explanation("grants.bundle", reason, None, rows)
            } else {
                let missing: Vec<String> = parts
                    .iter()
                    .zip(&causes)
                    .filter(|(_, cause)| cause.is_none())
                    .map(|(part, _)| {
                        format!(
                            "{} on {} `{}`",
                            part.permission,
                            self.catalogue.ty(part.ty).name,
                            part.resource_id.as_deref().unwrap_or("*")
                        )
                    })
                    .collect();
                let reason = if parts.is_empty() {
                    format!("`{bundle}` has no parts")
                } else {
                    format!(
                        "`{bundle}` is held only in part: missing {}",
                        missing.join(", ")
                    )
                };
                explanation("no_match", reason, None, rows)
            }
        });
        Ok(Verdict {
            outcome: if held {
                Outcome::Allow
            } else {
                Outcome::NoMatch
            },
            explanation,
        })
    }

    /// An Emporix endpoint: any accepted scope suffices; a restricted entity needs
    /// the scope with that restriction's suffix.
    fn scopes(
        &self,
        principal: &Principal,
        scopes: &[String],
        restriction: Option<&str>,
        explain: bool,
    ) -> Result<Verdict, Box<RequestError>> {
        let (ty, bits) = self.scope_query()?;
        // An endpoint that requires no scope: allowed to any account that may
        // act (the account state is checked after, as for every request).
        if scopes.is_empty() {
            return Ok(Verdict {
                outcome: Outcome::Allow,
                explanation: why(explain, || {
                    explanation(
                        "grants.no_scope_required",
                        "the endpoint requires no scope".into(),
                        None,
                        Vec::new(),
                    )
                }),
            });
        }
        let names: Vec<String> = scopes
            .iter()
            .map(|scope| match restriction {
                Some(restriction) => format!("{scope}--{restriction}"),
                None => scope.clone(),
            })
            .collect();
        let checks: Vec<Check<'_>> = names
            .iter()
            .map(|name| Check {
                ty,
                bits,
                permission: crate::catalogue::EMPORIX_HOLD,
                resource_id: Some(name),
                properties: None,
                interned: None,
            })
            .collect();
        let mut verdict = self.any_of(principal, &checks, explain)?;
        if let Some(explanation) = &mut verdict.explanation {
            if explanation.rule == "grants.match" {
                explanation.rule = "grants.scope".into();
            } else if verdict.outcome != Outcome::Allow {
                explanation.reason = format!("holds none of the scopes {}", names.join(", "));
            }
        }
        Ok(verdict)
    }
}
