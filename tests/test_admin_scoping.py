"""The admin outside the cases app, scoped by the tenancy rule for staff who are not superusers:
organizations, memberships, applicants, employments, authorisations, invitations, profiles, the
alert tables and API tokens.

World (tests/conftest.py): Formosa (an admin and a staff member) works Priya's Acme case and Gus's
Globex case; Elsewhere (one staff member) works Eve's Acme case, holds Lone's authorisation before
any case, and also one from Priya. Acme's HR sees both Acme cases. Each is_staff, with every model
permission on these apps, as the admin's user screen would grant them (seed_demo grants tenants
none: the admin is the operators', and a grant like this one stays scoped).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.invitations import invitation_create
from accounts.models import (
    Applicant,
    Authorisation,
    Employment,
    Invitation,
    Membership,
    Organization,
    Profile,
    Role,
    profile_for,
)
from cases.models import Case, SupplementRequest
from integrations.models import ApiToken
from integrations.services import token_create
from notifications import services as alert_services
from notifications.models import (
    Alert,
    AlertPolicy,
    AlertPreference,
    AlertResponse,
    CalendarFeed,
    Obligation,
    PlannedStage,
)
from tests.api.conftest import open_supplement_on
from tests.factories import ApplicantFactory, EmployerFactory, UserFactory
from tests.test_admin_attention import form_data

PERSONAS = ["formosa_admin", "formosa_staff", "elsewhere_staff", "acme_hr"]


def make_staff(user):
    """The admin with every permission on these apps, and the cases app's view/change."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["accounts", "notifications", "integrations"]
        )
        | Permission.objects.filter(
            content_type__app_label="cases", codename__regex=r"^(view|change)_"
        )
    )
    return user


@pytest.fixture
def people(world) -> dict:
    return {
        "formosa_admin": make_staff(world.agency_admin),
        "formosa_staff": make_staff(world.agency_staff),
        "elsewhere_staff": make_staff(world.outsider),
        "acme_hr": make_staff(world.hr_acme),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }


def employment(applicant, employer, start: str) -> Employment:
    return Employment.objects.create(
        applicant=applicant, employer=employer, start_date=dt.date.fromisoformat(start)
    )


def authorisation(applicant, agency) -> Authorisation:
    day = dt.date(2026, 1, 5)
    return Authorisation.objects.create(
        applicant=applicant, agency=agency, signed_on=day, valid_from=day
    )


def alert(case, recipient) -> Alert:
    return Alert.objects.create(
        recipient=recipient,
        subject_kind="extension",
        subject_id=case.pk,
        case=case,
        due_on=dt.date(2026, 6, 1),
        offset=7,
        role="assignee",
        send_after=timezone.now(),
    )


@pytest.fixture
def rows(world, people) -> dict:
    """Named rows of every scoped table, for each tenant."""
    formosa_admin, formosa_staff = people["formosa_admin"], people["formosa_staff"]
    outsider, hr_acme = people["elsewhere_staff"], people["acme_hr"]
    initech = EmployerFactory(name="Initech")
    gus = world.globex_case.applicant
    eve = world.other_agency_case.applicant
    lone = ApplicantFactory(family_name_en="Lone")
    stage = PlannedStage.objects.create(
        subject_kind="extension",
        subject_id=world.other_agency_case.pk,
        due_on=dt.date(2026, 6, 1),
        offset=7,
    )
    named = {
        # Organizations and memberships
        "formosa": world.agency,
        "elsewhere": world.other_agency,
        "acme": world.acme,
        "globex": world.globex,
        "initech": initech,
        **{
            f"member_{name}": Membership.objects.get(user=people[name])
            for name in ["formosa_admin", "formosa_staff", "elsewhere_staff", "acme_hr"]
        },
        "member_hr_globex": Membership.objects.get(user=world.hr_globex),
        # Applicants and what links them to tenants
        "priya": world.priya,
        "gus": gus,
        "sam": world.self_case.applicant,
        "eve": eve,
        "lone": lone,
        "priya_at_acme": employment(world.priya, world.acme, "2024-01-01"),
        "priya_at_globex": employment(world.priya, world.globex, "2020-01-01"),
        "gus_at_globex": employment(gus, world.globex, "2023-01-01"),
        "eve_at_acme": employment(eve, world.acme, "2022-01-01"),
        "lone_at_initech": employment(lone, initech, "2021-01-01"),
        "priya_to_formosa": authorisation(world.priya, world.agency),
        "priya_to_elsewhere": authorisation(world.priya, world.other_agency),
        "eve_to_elsewhere": authorisation(eve, world.other_agency),
        "lone_to_elsewhere": authorisation(lone, world.other_agency),
        # Invitations
        "invite_to_formosa": invitation_create(
            actor=formosa_admin, email="n@f.example", organization=world.agency, role="agency_staff"
        ),
        "invite_to_acme": invitation_create(
            actor=formosa_admin, email="h@a.example", organization=world.acme, role="employer_hr"
        ),
        "invite_gus": invitation_create(actor=formosa_admin, email="g@x.example", applicant=gus),
        "invite_to_elsewhere": invitation_create(
            actor=outsider,
            email="n@e.example",
            organization=world.other_agency,
            role="agency_staff",
        ),
        "invite_lone": invitation_create(actor=outsider, email="l@x.example", applicant=lone),
        # People's own rows
        **{f"profile_{name}": profile_for(people[name]) for name in PERSONAS},
        **{f"preference_{n}": AlertPreference.objects.create(user=people[n]) for n in PERSONAS},
        "feed_formosa_staff": alert_services.feed_rotate(user=formosa_staff),
        "feed_elsewhere_staff": alert_services.feed_rotate(user=outsider),
        "token_formosa_staff": token_create(user=formosa_staff, name="ERP")[0],
        "token_elsewhere_staff": token_create(user=outsider, name="CRM")[0],
        # Alerts and what they are about
        "policy_formosa": AlertPolicy.objects.create(organization=world.agency),
        "policy_elsewhere": AlertPolicy.objects.create(organization=world.other_agency),
        "policy_acme": AlertPolicy.objects.create(organization=world.acme),
        "alert_acme_case": alert(world.acme_case, formosa_staff),
        "alert_globex_case": alert(world.globex_case, formosa_admin),
        "alert_elsewhere_case": alert(world.other_agency_case, outsider),
        "response_formosa": AlertResponse.objects.create(
            user=formosa_staff, subject_kind="extension", subject_id=1, case=world.acme_case
        ),
        "response_globex": AlertResponse.objects.create(
            user=formosa_admin, subject_kind="extension", subject_id=3, case=world.globex_case
        ),
        "response_elsewhere": AlertResponse.objects.create(
            user=outsider, subject_kind="extension", subject_id=2, case=world.other_agency_case
        ),
        "obligation_acme_case": alert_services.obligation_create(
            actor=formosa_staff,
            case=world.acme_case,
            kind="card_pickup",
            starts_on=dt.date(2026, 3, 2),
        ),
        "obligation_globex_case": alert_services.obligation_create(
            actor=formosa_admin,
            case=world.globex_case,
            kind="appeal",
            starts_on=dt.date(2026, 3, 2),
        ),
        "obligation_elsewhere_case": alert_services.obligation_create(
            actor=outsider,
            case=world.other_agency_case,
            kind="card_pickup",
            starts_on=dt.date(2026, 3, 2),
        ),
        "stage": stage,
    }
    assert hr_acme.memberships.get().organization == world.acme
    return named


# What each persona's changelist shows, by the names above; the superuser sees the whole table.
EXPECTED = {
    "accounts/organization": (
        Organization,
        {
            "formosa_admin": {"formosa", "acme", "globex"},
            "formosa_staff": {"formosa", "acme", "globex"},
            # Globex: Priya, whose authorisation Elsewhere holds, once worked there.
            "elsewhere_staff": {"elsewhere", "acme", "initech", "globex"},
            "acme_hr": {"acme", "formosa", "elsewhere", "globex"},
        },
    ),
    "accounts/membership": (
        Membership,
        {
            "formosa_admin": {"member_formosa_admin", "member_formosa_staff"},
            "formosa_staff": {"member_formosa_admin", "member_formosa_staff"},
            "elsewhere_staff": {"member_elsewhere_staff"},
            "acme_hr": {"member_acme_hr"},
        },
    ),
    "accounts/applicant": (
        Applicant,
        {
            "formosa_admin": {"priya", "gus"},
            "formosa_staff": {"priya", "gus"},
            "elsewhere_staff": {"eve", "lone", "priya"},
            "acme_hr": {"priya", "eve"},
        },
    ),
    "accounts/employment": (
        Employment,
        {
            "formosa_admin": {"priya_at_acme", "priya_at_globex", "gus_at_globex"},
            "formosa_staff": {"priya_at_acme", "priya_at_globex", "gus_at_globex"},
            "elsewhere_staff": {
                "eve_at_acme",
                "lone_at_initech",
                "priya_at_acme",
                "priya_at_globex",
            },
            # Only the employer's own rows: not what Priya earned at Globex.
            "acme_hr": {"priya_at_acme", "eve_at_acme"},
        },
    ),
    "accounts/authorisation": (
        Authorisation,
        {
            "formosa_admin": {"priya_to_formosa"},
            "formosa_staff": {"priya_to_formosa"},
            "elsewhere_staff": {"priya_to_elsewhere", "eve_to_elsewhere", "lone_to_elsewhere"},
            "acme_hr": set(),
        },
    ),
    "accounts/invitation": (
        Invitation,
        {
            "formosa_admin": {"invite_to_formosa", "invite_to_acme", "invite_gus"},
            "formosa_staff": {"invite_to_formosa", "invite_gus"},
            "elsewhere_staff": {"invite_to_elsewhere", "invite_lone"},
            "acme_hr": {"invite_to_acme"},
        },
    ),
    "accounts/profile": (Profile, {name: {f"profile_{name}"} for name in PERSONAS}),
    "notifications/alertpolicy": (
        AlertPolicy,
        {
            "formosa_admin": {"policy_formosa"},
            "formosa_staff": {"policy_formosa"},
            "elsewhere_staff": {"policy_elsewhere"},
            "acme_hr": {"policy_acme"},
        },
    ),
    "notifications/alertpreference": (
        AlertPreference,
        {name: {f"preference_{name}"} for name in PERSONAS},
    ),
    "notifications/alert": (
        Alert,
        {
            "formosa_admin": {"alert_acme_case", "alert_globex_case"},
            "formosa_staff": {"alert_acme_case", "alert_globex_case"},
            "elsewhere_staff": {"alert_elsewhere_case"},
            "acme_hr": {"alert_acme_case", "alert_elsewhere_case"},
        },
    ),
    "notifications/alertresponse": (
        AlertResponse,
        {
            "formosa_admin": {"response_formosa", "response_globex"},
            "formosa_staff": {"response_formosa", "response_globex"},
            "elsewhere_staff": {"response_elsewhere"},
            "acme_hr": {"response_formosa", "response_elsewhere"},
        },
    ),
    "notifications/obligation": (
        Obligation,
        {
            "formosa_admin": {"obligation_acme_case", "obligation_globex_case"},
            "formosa_staff": {"obligation_acme_case", "obligation_globex_case"},
            "elsewhere_staff": {"obligation_elsewhere_case"},
            "acme_hr": {"obligation_acme_case", "obligation_elsewhere_case"},
        },
    ),
    "notifications/plannedstage": (PlannedStage, {name: set() for name in PERSONAS}),
    "notifications/calendarfeed": (
        CalendarFeed,
        {
            "formosa_admin": set(),
            "formosa_staff": {"feed_formosa_staff"},
            "elsewhere_staff": {"feed_elsewhere_staff"},
            "acme_hr": set(),
        },
    ),
    "integrations/apitoken": (
        ApiToken,
        {
            "formosa_admin": set(),
            "formosa_staff": {"token_formosa_staff"},
            "elsewhere_staff": {"token_elsewhere_staff"},
            "acme_hr": set(),
        },
    ),
}


def shown(client, url: str) -> set:
    response = client.get(url)
    assert response.status_code == 200, url
    return set(response.context["cl"].result_list)


# --- Lists ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", EXPECTED)
def test_each_changelist_shows_only_the_own_tenants_rows(client, people, rows, path):
    model, expected = EXPECTED[path]
    url = f"/admin/{path}/"

    for persona in PERSONAS:
        client.force_login(people[persona])
        assert shown(client, url) == {rows[name] for name in expected[persona]}, persona

    client.force_login(people["superuser"])
    everything = shown(client, url)
    assert everything == set(model.objects.all())
    assert all(len(everything) > len(names) for names in expected.values())


def test_changelist_filters_do_not_name_other_tenants(client, people, rows):
    client.force_login(people["formosa_admin"])

    for path in ("employment", "authorisation", "invitation"):
        page = client.get(f"/admin/accounts/{path}/").text
        assert "Initech" not in page, path
        assert "Elsewhere" not in page, path
    assert "Globex" in client.get("/admin/accounts/employment/").text


def test_autocomplete_offers_only_what_the_user_sees(client, people, rows):
    client.force_login(people["formosa_admin"])

    def ids(field: str) -> set[int]:
        url = f"/admin/autocomplete/?app_label=cases&model_name=case&field_name={field}&term="
        response = client.get(url)
        assert response.status_code == 200
        return {int(result["id"]) for result in response.json()["results"]}

    assert ids("applicant") == {rows["priya"].pk, rows["gus"].pk}
    assert ids("employer") == {rows["acme"].pk, rows["globex"].pk}


# --- Another tenant's object --------------------------------------------------------------------
# Formosa's admin against an object of each table they must not open.
OTHERS = {
    "accounts/organization": ("elsewhere", True),
    "accounts/membership": ("member_elsewhere_staff", True),
    "accounts/applicant": ("eve", True),
    "accounts/employment": ("eve_at_acme", True),
    "accounts/authorisation": ("priya_to_elsewhere", True),
    "accounts/invitation": ("invite_to_elsewhere", False),
    "accounts/profile": ("profile_elsewhere_staff", True),
    "notifications/alertpolicy": ("policy_elsewhere", True),
    "notifications/alertpreference": ("preference_elsewhere_staff", False),
    "notifications/alert": ("alert_elsewhere_case", False),
    "notifications/alertresponse": ("response_elsewhere", False),
    "notifications/obligation": ("obligation_elsewhere_case", True),
    "notifications/plannedstage": ("stage", False),
    "notifications/calendarfeed": ("feed_elsewhere_staff", False),
    "integrations/apitoken": ("token_elsewhere_staff", False),
}


@pytest.mark.parametrize("path", OTHERS)
def test_another_tenants_object_answers_like_a_missing_one(client, people, rows, path):
    name, has_versions = OTHERS[path]
    obj = rows[name]
    client.force_login(people["formosa_admin"])

    def answer(pk, view: str) -> tuple:
        response = client.get(f"/admin/{path}/{pk}/{view}/")
        return response.status_code, response.get("Location")

    # The admin's own answer for an unknown id: "does not exist" and back to the index.
    assert answer(987654, "change") == (302, "/admin/")
    for view in ("change", "delete", "history"):
        assert answer(obj.pk, view) == answer(987654, view), view
    assert answer(obj.pk, "history") == (404, None)
    if has_versions:
        version = type(obj).history.filter(id=obj.pk).earliest("history_id")
        url = f"/admin/{path}/{obj.pk}/history/{version.history_id}/"
        before = type(obj).objects.filter(pk=obj.pk).values().get()
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
        assert type(obj).objects.filter(pk=obj.pk).values().get() == before
    client.force_login(people["superuser"])
    assert client.get(f"/admin/{path}/{obj.pk}/change/").status_code == 200


# --- Foreign-key choices ------------------------------------------------------------------------
def choices(client, url: str, field: str) -> set:
    response = client.get(url)
    assert response.status_code == 200, url
    return set(response.context["adminform"].form.fields[field].queryset)


def test_forms_offer_only_the_tenants_own_rows(client, world, people, rows):
    me = people["formosa_admin"]
    client.force_login(me)
    pick = lambda *names: {rows[n] for n in names}  # noqa: E731

    assert choices(client, "/admin/accounts/membership/add/", "organization") == pick("formosa")
    assert choices(client, "/admin/accounts/employment/add/", "applicant") == pick("priya", "gus")
    assert choices(client, "/admin/accounts/employment/add/", "employer") == pick("acme", "globex")
    assert choices(client, "/admin/accounts/authorisation/add/", "agency") == pick("formosa")
    assert choices(client, "/admin/accounts/authorisation/add/", "applicant") == pick(
        "priya", "gus"
    )
    assert choices(client, "/admin/accounts/invitation/add/", "organization") == pick(
        "formosa", "acme", "globex"
    )
    assert choices(client, "/admin/accounts/invitation/add/", "applicant") == pick("priya", "gus")
    assert choices(client, "/admin/accounts/profile/add/", "user") == {me}
    assert choices(client, "/admin/notifications/alertpolicy/add/", "organization") == pick(
        "formosa"
    )
    assert choices(client, "/admin/notifications/alertpreference/add/", "user") == {me}
    assert choices(client, "/admin/notifications/alertresponse/add/", "user") == {me}
    cases = {world.acme_case, world.globex_case}
    assert choices(client, "/admin/notifications/alertresponse/add/", "case") == cases
    assert choices(client, "/admin/notifications/obligation/add/", "case") == cases
    # The parties are set when a case is opened (through case_create); afterwards read-only.
    case_form = client.get(f"/admin/cases/case/{world.acme_case.pk}/change/").context["adminform"]
    assert {"applicant", "employer", "agency", "channel"}.isdisjoint(case_form.form.fields)


def test_employers_hr_is_offered_its_own_employer_and_employees(client, people, rows):
    client.force_login(people["acme_hr"])

    assert choices(client, "/admin/accounts/employment/add/", "applicant") == {
        rows["priya"],
        rows["eve"],
    }
    assert choices(client, "/admin/accounts/authorisation/add/", "agency") == set()
    assert choices(client, "/admin/notifications/alertpolicy/add/", "organization") == set()


def assert_rejected(response, field: str) -> None:
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]


def test_a_post_naming_another_tenants_applicant_changes_nothing(client, world, people, rows):
    client.force_login(people["formosa_admin"])
    url = f"/admin/accounts/employment/{rows['priya_at_acme'].pk}/change/"
    before = Employment.objects.filter(pk=rows["priya_at_acme"].pk).values().get()

    response = client.post(url, form_data(client.get(url)) | {"applicant": rows["eve"].pk})

    assert_rejected(response, "applicant")
    assert Employment.objects.filter(pk=rows["priya_at_acme"].pk).values().get() == before


def test_a_case_cannot_be_moved_to_another_tenants_applicant(client, world, people, rows):
    client.force_login(people["formosa_admin"])
    url = f"/admin/cases/case/{world.acme_case.pk}/change/"
    before = Case.objects.filter(pk=world.acme_case.pk).values().get()

    response = client.post(url, form_data(client.get(url)) | {"applicant": rows["eve"].pk})

    assert response.status_code == 302  # the applicant is read-only: the value is ignored
    assert Case.objects.filter(pk=world.acme_case.pk).values().get() == before


@pytest.mark.parametrize(
    ("path", "field", "other", "extra"),
    [
        ("accounts/membership", "organization", "elsewhere", {"role": Role.AGENCY_STAFF}),
        ("accounts/authorisation", "agency", "elsewhere", {"applicant": "priya"}),
        ("accounts/invitation", "organization", "elsewhere", {"role": Role.AGENCY_STAFF}),
        ("notifications/alertpolicy", "organization", "initech", {}),  # it has no policy yet
        ("notifications/obligation", "case", None, {"kind": "card_pickup"}),
    ],
)
def test_an_add_naming_another_tenants_row_creates_nothing(
    client, world, people, rows, path, field, other, extra
):
    client.force_login(people["formosa_admin"])
    url = f"/admin/{path}/add/"
    model = type(rows[OTHERS[path][0]])
    count = model.objects.count()
    target = world.other_agency_case if other is None else rows[other]
    data = form_data(client.get(url)) | {
        "user": people["formosa_staff"].pk,
        "email": "x@example.com",
        "expires_at_0": "2026-12-31",
        "expires_at_1": "00:00:00",
        "signed_on": "2026-01-05",
        "valid_from": "2026-01-05",
        "covers_filing": "on",
        "offsets": "[7, 1]",
        "escalate_days": "3",
        "starts_on": "2026-03-02",
        **{key: rows[value].pk if value in rows else value for key, value in extra.items()},
        field: target.pk,
    }

    response = client.post(url, data)

    assert_rejected(response, field)
    assert model.objects.count() == count


def test_the_same_add_with_an_own_row_goes_through(client, world, people, rows):
    """The control for the test above: the form is valid when it names the user's own row."""
    client.force_login(people["formosa_admin"])
    url = "/admin/accounts/authorisation/add/"
    data = form_data(client.get(url)) | {
        "applicant": rows["gus"].pk,
        "agency": rows["formosa"].pk,
        "signed_on": "2026-01-05",
        "valid_from": "2026-01-05",
        "covers_filing": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert Authorisation.objects.filter(applicant=rows["gus"], agency=world.agency).count() == 1


# --- Seeing without the right to change ---------------------------------------------------------
def test_staff_without_the_admin_role_read_their_organization_only(client, world, people, rows):
    client.force_login(people["formosa_staff"])
    url = f"/admin/accounts/organization/{world.agency.pk}/change/"
    before = Organization.objects.filter(pk=world.agency.pk).values().get()

    page = client.get(url)
    denied = client.post(url, {"name": "Taken over", "kind": "agency", "licence_number": "x"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert denied.status_code == 403
    assert Organization.objects.filter(pk=world.agency.pk).values().get() == before


def test_organizations_met_on_cases_are_read_only_and_hide_their_members(
    client, world, people, rows
):
    client.force_login(people["formosa_admin"])

    page = client.get(f"/admin/accounts/organization/{world.acme.pk}/change/")
    own = client.get(f"/admin/accounts/organization/{world.agency.pk}/change/")

    def members(response) -> set:
        (inline,) = response.context["inline_admin_formsets"]
        return set(inline.formset.queryset)

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert members(page) == set()
    assert 'name="_save"' in own.text
    assert members(own) == {rows["member_formosa_admin"], rows["member_formosa_staff"]}


def test_bulk_delete_refuses_rows_the_user_may_only_see(client, world, people, rows):
    client.force_login(people["formosa_staff"])
    members = [rows["member_formosa_admin"].pk, rows["member_formosa_staff"].pk]

    response = client.post(
        "/admin/accounts/membership/",
        {"action": "delete_selected", "_selected_action": members, "post": "yes"},
    )

    assert response.status_code == 403
    assert Membership.objects.filter(pk__in=members).count() == 2


def test_a_member_is_not_moved_into_another_tenants_organization(client, people, rows):
    member = rows["member_formosa_staff"]
    url = f"/admin/accounts/membership/{member.pk}/change/"
    before = Membership.objects.filter(pk=member.pk).values().get()
    client.force_login(people["formosa_admin"])

    response = client.post(url, form_data(client.get(url)) | {"organization": rows["elsewhere"].pk})

    assert response.status_code == 302  # the organization is read-only once added: ignored
    assert Membership.objects.filter(pk=member.pk).values().get() == before


def test_staff_see_their_agencys_invitations_but_leave_them_to_the_admins(client, people, rows):
    invitation = rows["invite_to_formosa"]
    client.force_login(people["formosa_staff"])

    page = client.get(f"/admin/accounts/invitation/{invitation.pk}/change/")
    delete = client.post(f"/admin/accounts/invitation/{invitation.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert delete.status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_the_admin_of_the_organization_may_change_its_members(client, world, people, rows):
    member = rows["member_formosa_staff"]
    url = f"/admin/accounts/membership/{member.pk}/change/"
    client.force_login(people["formosa_admin"])

    response = client.post(url, form_data(client.get(url)) | {"role": Role.AGENCY_ADMIN})

    assert response.status_code == 302
    assert Membership.objects.get(pk=member.pk).role == Role.AGENCY_ADMIN


def test_staff_change_an_applicant_but_not_the_login_it_is_linked_to(client, world, people, rows):
    """Linking one's own login to an applicant would open their cases at every agency."""
    priya = rows["priya"]
    url = f"/admin/accounts/applicant/{priya.pk}/change/"
    client.force_login(people["formosa_admin"])

    page = client.get(url)
    data = form_data(page) | {"email": "priya@new.example", "user": people["formosa_admin"].pk}
    response = client.post(url, data)

    assert "user" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    priya.refresh_from_db()
    assert (priya.email, priya.user_id) == ("priya@new.example", world.applicant_user.pk)
    # The inlines held only Formosa's rows; Elsewhere's authorisation is untouched.
    assert Authorisation.objects.filter(pk=rows["priya_to_elsewhere"].pk).exists()


def test_only_superusers_delete_an_applicant(client, people, rows):
    url = f"/admin/accounts/applicant/{rows['gus'].pk}/delete/"

    client.force_login(people["formosa_admin"])
    assert client.get(url).status_code == 403
    client.force_login(people["superuser"])
    assert client.get(url).status_code == 200


def test_staff_do_not_revert_to_an_old_version(client, world, people, rows):
    organization = world.agency
    version = Organization.history.filter(id=organization.pk).earliest("history_id")
    url = f"/admin/accounts/organization/{organization.pk}/history/{version.history_id}/"
    before = Organization.objects.filter(pk=organization.pk).values().get()
    client.force_login(people["formosa_admin"])

    page = client.get(url)
    revert = client.post(url, {"name": "Reverted", "kind": "agency", "licence_number": "x"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert revert.status_code == 403
    assert Organization.objects.filter(pk=organization.pk).values().get() == before


def test_a_token_action_reaches_only_ones_own_tokens(client, people, rows):
    mine, theirs = rows["token_formosa_staff"], rows["token_elsewhere_staff"]
    client.force_login(people["formosa_staff"])

    client.post(
        "/admin/integrations/apitoken/",
        {"action": "revoke", "_selected_action": [mine.pk, theirs.pk]},
    )

    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_a_supplement_is_assigned_only_to_someone_on_its_case(client, world, people, rows):
    """The assignee autocomplete offers every login; the form holds the services' rule."""
    supplement = open_supplement_on(world.acme_case, world.agency_staff)
    client.force_login(people["formosa_admin"])
    url = f"/admin/cases/supplementrequest/{supplement.pk}/change/"
    before = SupplementRequest.objects.filter(pk=supplement.pk).values().get()

    response = client.post(url, form_data(client.get(url)) | {"assignee": world.hr_globex.pk})

    assert_rejected(response, "assignee")
    assert SupplementRequest.objects.filter(pk=supplement.pk).values().get() == before
    accepted = client.post(url, form_data(client.get(url)) | {"assignee": world.agency_staff.pk})
    assert accepted.status_code == 302
    supplement.refresh_from_db()
    assert supplement.assignee == world.agency_staff
