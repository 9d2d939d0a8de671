"""A made-up patient registry full of the traps a real one holds (twins, namesakes, fathers and
sons with the same name, nicknames, compound and apostrophe surnames), and people who are not in
it but look like someone who is. Used by the patient bench, the tests and the classification
bench.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from classify.names import are_nicknames
from recordroom.core import Patient
from recordroom.core.identifiers import transposed

REGISTRY_SIZE = 3000
TODAY = dt.date(2026, 1, 1)


def _split(text: str) -> list[str]:
    """The words of a long literal (kept as text so lists of names stay readable)."""
    return text.split()


MALE = _split(
    """James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel
Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy
Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin
Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry
Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy
Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse
Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy
Vincent Ralph Eugene Russell Bobby Mason Philip Louis Luis Carlos Miguel Jorge Pedro
Manuel Francisco Rafael Ricardo Eduardo Wei Minh Hiroshi Raj Ahmed Omar Ibrahim Dmitri
Ivan Pierre Giovanni Liam Finn Declan Tariq Kwame"""
)
FEMALE = _split(
    """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty
Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah
Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma
Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria
Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn
Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances
Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle
Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori
Guadalupe Dolores Carmen Rosa Lucia Sofia Mei Linh Yuki Priya Fatima Aisha Olga Svetlana
Siobhan Mary-Kate Anne-Marie Zoe Chloe"""
)
LAST = _split(
    """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White
Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres
Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts
Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales
Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos
Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes
Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry
Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Vasquez Simmons Romero Jordan
Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant
Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens
Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb
Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder
Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar
Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver
Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters
Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley
Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards
Contreras Willis Carpenter Lawrence Sandoval Wang Zhang Nakamura Yamamoto Kowalski Novak
Ivanov Petrov Okafor Mensah Haddad Khan Ali Singh Kaur Shah"""
)
APOSTROPHE = ["O'Brien", "O'Connor", "O'Neil", "D'Angelo", "O'Malley", "D'Souza", "O'Hara"]
COMPOUND = [
    "Smith-Jones",
    "Garcia-Lopez",
    "Taylor-Brown",
    "Lee-Chen",
    "Martinez-Ruiz",
    "Walker-Hill",
]
PARTICLE = ["De La Cruz", "Van Buren", "Del Rio", "Van der Berg", "De Leon", "Von Ahn"]
MIDDLE = _split(
    """A. B. C. D. E. J. L. M. R. S. T. Ann Lee Marie James Michael Lynn Rose Allen Ray Elizabeth
Edward Grace Jean Louise Paul"""
)
NICKNAMED = {
    "William": ["Bill", "Will", "Billy"],
    "Robert": ["Bob", "Rob", "Bobby"],
    "Margaret": ["Peggy", "Maggie", "Meg"],
    "Richard": ["Rick", "Dick", "Rich"],
    "Elizabeth": ["Liz", "Beth", "Betty"],
    "James": ["Jim", "Jimmy"],
    "Michael": ["Mike"],
    "Thomas": ["Tom"],
    "Katherine": ["Kate", "Kathy"],
    "Christopher": ["Chris"],
    "Joseph": ["Joe"],
    "Patricia": ["Patty", "Pat"],
    "Deborah": ["Debbie"],
    "Charles": ["Charlie", "Chuck"],
    "Jennifer": ["Jenny", "Jen"],
    "Edward": ["Ed", "Eddie", "Ted"],
}


def _birth_date(rng: random.Random) -> dt.date:
    return dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 33_000))


def _phone(rng: random.Random) -> str:
    return f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


STREETS = _split(
    """Oak Maple Cedar Pine Elm Walnut Washington Lincoln Jefferson Madison Park Lake Hill Church
Main Spring River Sunset Highland Meadow Forest Franklin Jackson Adams Ridge Willow Cherry Grant"""
)
STREET_KINDS = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct", "Way")
TOWNS = (
    ("Springfield", "IL", "627"),
    ("Riverside", "CA", "925"),
    ("Franklin", "TN", "370"),
    ("Greenville", "SC", "296"),
    ("Fairview", "OR", "970"),
    ("Madison", "WI", "537"),
    ("Clinton", "IA", "527"),
    ("Salem", "MA", "019"),
)


def with_address(patient: Patient) -> Patient:
    """``patient`` with a made-up home address fixed by the MRN, drawn apart from the bench's
    random stream (so adding addresses changed no other document or patient). Twins and a
    father and son copied from one record keep the household's address."""
    rng = random.Random(f"address/{patient.mrn}")
    town, state, zip_prefix = rng.choice(TOWNS)
    return replace(
        patient,
        address_line=f"{rng.randint(1, 9899)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}",
        city=town,
        state=state,
        postal_code=f"{zip_prefix}{rng.randint(0, 99):02d}",
    )


def _last_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(APOSTROPHE)
    if roll < 0.10:
        return rng.choice(COMPOUND)
    if roll < 0.13:
        return rng.choice(PARTICLE)
    return rng.choice(LAST)


def _person(rng: random.Random, mrn: str) -> Patient:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE if female else MALE)
    if rng.random() < 0.15:
        first = rng.choice(list(NICKNAMED))
    middle = rng.choice(MIDDLE).rstrip(".") if rng.random() < 0.6 else ""
    return Patient(
        mrn=mrn,
        last_name=_last_name(rng),
        first_name=first,
        middle_name=middle,
        birth_date=_birth_date(rng),
        sex="female" if female else "male",
        phone=_phone(rng) if rng.random() < 0.8 else "",
    )


def _other_first(rng: random.Random, first: str) -> str:
    """A first name that is neither ``first`` nor one of its nicknames (a twin, a sibling)."""
    while True:
        other = rng.choice(MALE + FEMALE)
        if other[0] != first[0] and not are_nicknames(other, first):
            return other


def make_registry(
    rng: random.Random, size: int = REGISTRY_SIZE
) -> tuple[list[Patient], dict[str, str]]:
    """Patients, and the trap each belongs to ("twin", "namesake", "junior", "plain")."""
    patients: list[Patient] = []
    kinds: dict[str, str] = {}
    serial = iter(rng.sample(range(100_000, 999_999), size + 10))

    def add(patient: Patient, kind: str) -> None:
        patients.append(patient)
        kinds[patient.mrn] = kind

    while len(patients) < size:
        base = with_address(_person(rng, f"{next(serial)}"))
        roll = rng.random()
        if roll < 0.06:  # twins: same surname, birth date and phone; different first names
            add(base, "twin")
            add(
                replace(
                    base,
                    mrn=f"{next(serial)}",
                    first_name=_other_first(rng, base.first_name),
                    middle_name="",
                ),
                "twin",
            )
        elif roll < 0.12:  # namesakes: same name, different birth date
            add(base, "namesake")
            namesake = replace(
                base,
                mrn=f"{next(serial)}",
                birth_date=_birth_date(rng),
                middle_name=rng.choice(["", base.middle_name]),
                phone=_phone(rng),
            )
            add(with_address(namesake), "namesake")  # another household
        elif roll < 0.14:  # father and son: same full name, a generation apart
            add(base, "junior")
            son_birth = base.birth_date + dt.timedelta(days=rng.randint(8000, 12000))
            if son_birth < TODAY:
                add(replace(base, mrn=f"{next(serial)}", birth_date=son_birth), "junior")
        else:
            add(base, "plain")
    return [with_member_id(patient) for patient in patients[:size]], kinds


def member_id_of(mrn: str) -> str:
    """A made-up insurance member ID, fixed by the MRN (drawn apart from the bench's random stream,
    so adding member IDs changed no other document or patient); "" for one patient in three."""
    rng = random.Random(f"member/{mrn}")
    if rng.random() < 1 / 3:
        return ""
    prefix = rng.choice(("W", "XQZ", "MB", "H", "ZGP"))
    return f"{prefix}{rng.randint(10**7, 10**9)}"


def with_member_id(patient: Patient) -> Patient:
    return replace(patient, member_id=member_id_of(patient.mrn))


def make_outsiders(
    rng: random.Random, registry: list[Patient], count: int
) -> list[tuple[Patient, str]]:
    """Patients NOT in the registry, many of them dangerously like someone who is."""
    outsiders: list[tuple[Patient, str]] = []
    # Registered first names by surname and birth date: an unregistered twin must not bear a
    # registered twin's name, or it would be that patient on paper (no matcher can tell).
    firsts: dict[tuple[str, dt.date], list[str]] = {}
    for patient in registry:
        firsts.setdefault((patient.last_name, patient.birth_date), []).append(patient.first_name)
    for number in range(count):
        model = rng.choice(registry)
        mrn = f"X{number}"
        roll = rng.random()
        swapped = transposed(model.birth_date)
        if roll < 0.3:  # an unregistered twin of a registered patient
            first = _other_first(rng, model.first_name)
            taken = firsts[(model.last_name, model.birth_date)]
            while any(first[0] == name[0] or are_nicknames(first, name) for name in taken):
                first = _other_first(rng, model.first_name)
            outsider = replace(model, mrn=mrn, first_name=first, middle_name="")
            outsiders.append((outsider, "outsider twin"))
        elif roll < 0.45 and swapped is not None:  # a namesake born on the day/month-swapped date
            outsider = replace(model, mrn=mrn, birth_date=swapped, phone=_phone(rng))
            outsiders.append((with_address(outsider), "outsider swapped-date namesake"))
        elif roll < 0.55:  # a namesake born a digit away, of the same household (phone, address
            # and family-plan member ID): nothing on a page without the birth date tells them apart
            year = model.birth_date.year + rng.choice((-10, -1, 1, 10))
            born = model.birth_date
            day = born.day if born.month != 2 or born.day < 29 else 28  # 29 February
            outsider = replace(model, mrn=mrn, birth_date=born.replace(year=year, day=day))
            outsiders.append((outsider, "outsider near-date namesake"))
        elif roll < 0.7:  # a namesake of a registered patient
            outsider = replace(model, mrn=mrn, birth_date=_birth_date(rng), phone=_phone(rng))
            outsiders.append((with_address(outsider), "outsider namesake"))
        else:
            outsiders.append((with_address(_person(rng, mrn)), "outsider"))
    return outsiders
