"""Who a programme is for: a fixed list, so the directory can filter on it and matching use it."""

from flask_babel import lazy_gettext as _l

AUDIENCES = {
    "asylum_seekers": _l("Asylum seekers"),
    "asylum_seekers_individual_housing": _l("Asylum seekers in individual housing"),
    "asylum_seekers_reception_centres": _l("Asylum seekers in large reception centres"),
    "recognised_refugees": _l("Recognised refugees"),
    "leaving_reception": _l("People leaving a reception centre"),
    "legal_migrants": _l("Migrants with a legal residence"),
    "migrants": _l("Migrants, whatever their status"),
    "undocumented_people": _l("Undocumented people"),
    "detainees": _l("People in immigration detention"),
    "released_from_detention": _l("Undocumented people released from detention"),
    "families_with_children": _l("Families with minor children"),
    "unaccompanied_minors": _l("Unaccompanied minors"),
    "adolescents": _l("Adolescents"),
    "young_job_seekers": _l("Young job seekers with a migration background"),
    "newcomers": _l("Newcomers"),
    "torture_survivors": _l("Survivors of torture or organised violence"),
    "exiled_journalists": _l("Exiled journalists"),
    "supporters": _l("People who support refugees, as professionals or volunteers"),
    "general_public": _l("The general public"),
}


def audience_labels(keys) -> list[str]:
    return [str(AUDIENCES[key]) for key in keys or () if key in AUDIENCES]
