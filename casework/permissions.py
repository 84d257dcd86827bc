"""Who may see what: pure functions, enforced in services and reused by templates to decide
which links and buttons to show. Deny by default."""
from casework.cases import Case, CaseReading, CaseRole, SystemActor, case_roles
from casework.organisations import Person, PersonRecord, Role


def can_view_case(person: Person | SystemActor, case: Case) -> bool:
    """True when this person is a party to, or assigned to, the case."""
    if isinstance(person, SystemActor):
        return True
    if not person.is_active:
        return False
    if case.status == "draft":
        return CaseRole.FUNDER_OFFICER in case_roles(case, person)
    if case_roles(case, person):
        return True
    if case.workflow == "funding_change" and person.organisation_id == case.funder_org_id \
            and person.roles & {Role.FUNDER_OFFICER, Role.DECISION_MAKER}:
        return True
    # Those judging a dispute about a funding case read it (read-only: they have no role on
    # it, so no action is theirs). Asked last: the mapped case reads them only now.
    return can_read_as_judge(person, case)


def can_read_as_judge(person: Person, case: Case) -> bool:
    """True when this person judges (or judged) a dispute linked to this funding case: its
    D1 officer, senior reviewer, mediator or a panel member. They may read it, never act on it."""
    return case.workflow == "funding_change" and person.id in case.judge_ids


def can_open_funding_case(person: Person) -> bool:
    """Funder officers at a statutory body open funding-change cases."""
    return person.is_active and person.has_role(Role.FUNDER_OFFICER) and bool(
        person.organisation and person.organisation.is_funder)


def can_raise_dispute(person: Person) -> bool:
    """Staff of a funded organisation or a funder may raise a Compact dispute."""
    return person.is_active and bool(person.roles & {Role.VCO_STAFF, Role.FUNDER_OFFICER})


def can_administer(person: Person) -> bool:
    """Administrators manage people, organisations, calendars and time limits."""
    return person.is_active and person.has_role(Role.ADMINISTRATOR)


def can_end_sessions_of(actor: Person, person: Person) -> bool:
    """Administrators sign another person out everywhere (their own other sessions end from
    Your account, which keeps the one they are using)."""
    return can_administer(actor) and actor.id != person.id


def can_reset_second_factor_of(actor: Person, person: Person) -> bool:
    """Administrators remove another person's authenticator app, for someone who has lost it.
    Never their own: changing your own app needs your password (Your account), and one
    administrator must not be able to take away their own second factor unseen."""
    return can_administer(actor) and actor.id != person.id


def sees_funder_view(person: Person, case: Case) -> bool:
    """Funder-side people read the funder's wording of each stage; everyone else the organisation's."""
    return person.organisation_id is not None and person.organisation_id == case.funder_org_id


#: The global roles of those who may act for the organisation a dispute is about: at a funder
#: its funder officers and decision-makers, at a voluntary organisation its staff (a senior
#: reviewer only reviews; administrators and mediators never act for a party).
RESPONDENT_ACTORS = {True: frozenset({Role.FUNDER_OFFICER, Role.DECISION_MAKER}), False: frozenset({Role.VCO_STAFF})}


def can_act_for_respondent(person: Person | PersonRecord | SystemActor, case: CaseReading,
                           separated: frozenset[int]) -> bool:
    """Acknowledging a dispute (naming who answers it) and assigning its senior reviewer: staff
    of the organisation the dispute is about in a role that may act for it, other than those
    kept apart from judging it: the funder officer and decision-maker of the linked funding
    case (`separated`, from `casework.separation.linked_case_officers`), and the dispute's own
    informal-stage officer and senior reviewer."""
    if isinstance(person, SystemActor) or not person.is_active or person.organisation_id is None \
            or person.organisation_id != case.respondent_org_id:
        return False
    if not person.roles & RESPONDENT_ACTORS[case.respondent_org_id == case.funder_org_id]:
        return False
    judging = {a.person_id for a in case.assignments
               if a.role in (CaseRole.RESPONDENT_OFFICER, CaseRole.SENIOR_REVIEWER)}
    return person.id not in separated | judging


def can_view_reports(person: Person) -> bool:
    """The compliance report: council and NHS staff, BVSC, the Compact panel and
    administrators; VCO staff too, for their own organisation only (`report_scope`)."""
    return person.is_active and bool(person.roles)


def report_scope(person: Person) -> int | None:
    """The one organisation whose figures this person may see in the report: a VCO's staff
    see only their own; None: every organisation."""
    if person.organisation is not None and person.organisation.kind == "vco":
        return person.organisation_id
    return None


#: Roles on a case that let someone see it without holding its papers: BVSC's mediators before
#: one of them takes the dispute on, and whoever appoints the panel.
NOT_BUNDLE_HOLDERS = frozenset({CaseRole.MEDIATION_SERVICE, CaseRole.PANEL_CONVENER, CaseRole.SYSTEM})


def can_download_bundle(person: Person | SystemActor, case: Case, linked: Case | None = None) -> bool:
    """The case bundle is for those who judge the case (its decision-maker, senior reviewer,
    mediator, panel members, and those judging a dispute about a funding case) and for the
    parties' own copy: anyone who sees the case through a role on it, other than BVSC's
    queue and the panel's convener. A dispute's bundle holds the papers of the funding case it
    is about (`linked`), so it is only for those who may read that case too."""
    if isinstance(person, SystemActor) or case.status == "draft" or not can_view_case(person, case):
        return False
    if linked is not None and not can_view_case(person, linked):
        return False
    if case_roles(case, person) - NOT_BUNDLE_HOLDERS:
        return True
    if case.workflow == "funding_change" and person.organisation_id == case.funder_org_id:
        return bool(person.roles & {Role.FUNDER_OFFICER, Role.DECISION_MAKER})
    return can_read_as_judge(person, case)
