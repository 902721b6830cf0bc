from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.data import places
from passerelle.programmes.fitting import programmes_that_fit
from passerelle.volunteers import services
from passerelle.volunteers.forms import HostingForm, ProfileForm

bp = Blueprint("volunteers", __name__, url_prefix="/profile")

SECTION_NAMES = {
    "place": _l("where you live"), "languages": _l("your languages"),
    "availability": _l("when you are free"), "skills": _l("your skills or interests"),
    "birth_date": _l("your date of birth"),
}


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    existing = services.profile_of(user)
    locale = str(get_locale())
    form = ProfileForm(data=_profile_data(existing, locale), locale=locale)
    if form.validate_on_submit():
        services.save_profile(user, services.ProfileData(
            place=form.place.place, travel_km=form.travel_km.data or 0,
            languages=[(row.form.code.data, int(row.form.level.data))
                       for row in form.languages if row.form.code.data],
            grid=[tuple(int(n) for n in key.split("-")) for key in form.availability.data],
            skills=form.skills.data, sector=form.sector.data or None,
            interests=form.interests.data, birth_date=form.birth_date.data,
            max_matches=form.max_matches.data or 1, practises=form.practises.data,
            newcomer=form.newcomer.data))
        flash(_l("Your profile is saved."), "success")
        return redirect(url_for("volunteers.fitting"))
    percent, missing = services.completeness(existing)
    return render_template("volunteers/profile.html", form=form, percent=percent,
                           missing=[SECTION_NAMES[name] for name in missing])


@bp.route("/hosting", methods=["GET", "POST"])
@login_required
def hosting():
    user = current_user._get_current_object()
    profile = services.profile_of(user)
    form = HostingForm(data=_hosting_data(profile.hosting if profile else None))
    if form.validate_on_submit():
        services.save_hosting(user, services.HostingData(
            accompaniment_only=form.accompaniment_only.data, rooms=form.rooms.data or 0,
            beds=form.beds.data or 0, guest_kinds=form.guest_kinds.data,
            notes=form.notes.data or "",
            periods=[(row.form.starts_on.data, row.form.ends_on.data) for row in form.periods
                     if row.form.starts_on.data]))
        flash(_l("Your hosting offer is saved."), "success")
        return redirect(url_for("volunteers.fitting", offer="hosting"))
    return render_template("volunteers/hosting.html", form=form)


@bp.get("/programmes")
@login_required
def fitting():
    """What comes next after saving: the programmes the profile or hosting offer fits."""
    hosting = request.args.get("offer") == "hosting"
    return render_template("volunteers/fitting.html", hosting=hosting,
                           programmes=programmes_that_fit(current_user, hosting))


def _profile_data(profile, locale: str) -> dict | None:
    """What the form shows before anything is submitted; always one empty language row."""
    if profile is None:
        return None
    place = places.by_refnis(profile.place_refnis) if profile.place_refnis else None
    return {
        "place": place.label(locale) if place else "",
        "travel_km": profile.travel_km,
        "languages": [{"code": s.code, "level": str(s.level)} for s in profile.languages] + [{}],
        "availability": services.grid_of(profile),
        "skills": profile.skills, "interests": profile.interests,
        "sector": profile.sector or "", "birth_date": profile.birth_date,
        "max_matches": profile.max_matches,
        "practises": profile.practises or [], "newcomer": profile.newcomer,
    }


def _hosting_data(offer) -> dict | None:
    if offer is None:
        return None
    return {
        "accompaniment_only": offer.accompaniment_only, "rooms": offer.rooms, "beds": offer.beds,
        "guest_kinds": offer.guest_kinds, "notes": offer.notes,
        "periods": [{"starts_on": p.starts_on, "ends_on": p.ends_on}
                    for p in offer.free_periods] + [{}],
    }
