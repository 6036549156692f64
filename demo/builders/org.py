"""Demo people, units and absences (org), through org's services."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from org import roles
from org.choices import UnitKind
from org.models import Unit
from org.services import absence_create, unit_create

# username, first name, last name, groups, language
PEOPLE = [
    ("owner", "Olivia", "Ägare", (), "sv"),
    ("deputy", "David", "Ersättare", (), "en"),
    ("manager", "Maria", "Prefektsson", (), "sv"),
    ("comms", "Karin", "Kommunikatör", (roles.COMMS,), "sv"),
    ("auditor", "Anders", "Revisor", (roles.AUDITOR,), "sv"),
    ("registrar", "Rita", "Registrator", (roles.REGISTRAR,), "sv"),
    ("univdir", "Ulla", "Förvaltningschef", (), "sv"),
    ("headcomms", "Henrik", "Kommunikationschef", (roles.COMMS,), "sv"),
    ("neurohead", "Nils", "Neurolog", (), "en"),
    ("limehead", "Lena", "Lärande", (), "sv"),
    ("cardiohead", "Karl", "Hjärtström", (), "sv"),
    ("epihead", "Eva", "Epidemiolog", (), "sv"),
    ("studenthead", "Sara", "Studentsson", (), "sv"),
    ("crisishead", "Cecilia", "Krisberg", (), "en"),
    ("editor1", "Johan", "Redaktör", (), "sv"),
    ("editor2", "Fatima", "Webbansvarig", (), "sv"),
    ("editor3", "Ahmed", "Innehåll", (), "en"),
    ("editor4", "Linnea", "Fotograf", (), "sv"),
]

# name, English name, kind, parent name, manager username, registry e-mail
UNITS = [
    (
        "Universitetsförvaltningen",
        "University Administration",
        UnitKind.UNIVERSITY_ADMINISTRATION,
        None,
        "univdir",
        "registrator@ki.se",
    ),
    (
        "Kommunikationsavdelningen",
        "Communications Office",
        UnitKind.OFFICE,
        "Universitetsförvaltningen",
        "headcomms",
        "registrator@ki.se",
    ),
    (
        "Studentavdelningen",
        "Student Office",
        UnitKind.OFFICE,
        "Universitetsförvaltningen",
        "studenthead",
        "registrator@ki.se",
    ),
    (
        "Institutionen för medicin, Solna",
        "Department of Medicine, Solna",
        UnitKind.DEPARTMENT,
        None,
        "manager",
        "registrator.meds@ki.se",
    ),
    (
        "Avdelningen för kardiologi",
        "Division of Cardiology",
        UnitKind.DIVISION,
        "Institutionen för medicin, Solna",
        "cardiohead",
        "",
    ),
    (
        "Avdelningen för klinisk epidemiologi",
        "Clinical Epidemiology Division",
        UnitKind.DIVISION,
        "Institutionen för medicin, Solna",
        "epihead",
        "",
    ),
    (
        "Forskargruppen för hjärtsvikt",
        "Heart Failure Research Group",
        UnitKind.RESEARCH_GROUP,
        "Avdelningen för kardiologi",
        None,
        "",
    ),
    (
        "Institutionen för neurovetenskap",
        "Department of Neuroscience",
        UnitKind.DEPARTMENT,
        None,
        "neurohead",
        "registrator.neuro@ki.se",
    ),
    (
        "Institutionen för lärande, informatik, management och etik",
        "Department of Learning, Informatics, Management and Ethics",
        UnitKind.DEPARTMENT,
        None,
        "limehead",
        "registrator.lime@ki.se",
    ),
    ("Centrum för hälsokriser", "Centre for Health Crises", UnitKind.CENTRE, None, "crisishead", ""),
    # A centre whose responsible manager has left: its accounts lack one (RESP-1).
    ("Centrum för innovativ medicin", "Center for Innovative Medicine", UnitKind.CENTRE, None, None, ""),
]


def build_people() -> tuple[dict, int]:
    """The demo users by username, with their role groups; and how many were created now."""
    User = get_user_model()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ROLE_GROUPS}
    people, created = {}, 0
    for username, first, last, group_names, language in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=settings.DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.ki.se",
                language=language,
            )
            user.groups.set([groups[g] for g in group_names])
            created += 1
        people[username] = user
    return people, created


def build_units(actor, people: dict) -> tuple[dict, int]:
    """The demo units by (Swedish) name, parents before children; and how many were created now."""
    units, created = {}, 0
    for name, name_en, kind, parent, manager, registry in UNITS:
        unit = Unit.objects.filter(name=name).first()
        if unit is None:
            unit = unit_create(
                actor=actor,
                name=name,
                name_en=name_en,
                kind=kind,
                parent=units[parent] if parent else None,
                manager=people[manager] if manager else None,
                registry_email=registry,
            )
            created += 1
        units[name] = unit
    return units, created


def build_absences(people: dict, today: datetime.date) -> None:
    """Owner and deputy both away on the same days within the next month: a coverage gap."""
    owner, deputy = people["owner"], people["deputy"]
    absence_create(
        actor=owner,
        first_day=today + datetime.timedelta(days=10),
        last_day=today + datetime.timedelta(days=20),
        note="Semester",
    )
    absence_create(
        actor=deputy,
        first_day=today + datetime.timedelta(days=15),
        last_day=today + datetime.timedelta(days=25),
        note="Föräldraledighet",
    )
