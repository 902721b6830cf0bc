"""Skills that programmes ask for and volunteers offer."""

from flask_babel import lazy_gettext as _l

SKILLS = {
    "doctor": _l("Doctor"), "nurse": _l("Nurse"), "psychologist": _l("Psychologist"),
    "lawyer": _l("Lawyer"), "interpreter": _l("Interpreter"), "teacher": _l("Teacher"),
    "driver": _l("Driver"), "social_worker": _l("Social worker"), "cook": _l("Cook"),
    "artisan": _l("Craftsperson"), "it_support": _l("IT support"),
    "accountant": _l("Accountant"),
}
