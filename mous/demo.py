"""Demo data for this app; called by `seed_demo` in order (see sro_program.demo.DemoContext).

One approved, complete MOU with the demo agency (in force 2024-07-01 .. 2027-06-30), and an
incomplete draft amendment of it. Both go through the services, as an administrator would.
"""

import datetime as dt

from django.core.files.base import ContentFile

from .models import MOU
from .pdf import simple_pdf
from .services import (
    mou_create,
    mou_create_amendment,
    mou_record_board_approval,
    mou_set_element,
    mou_submit_for_review,
    mou_update,
)

TITLE = "School Resource Officer Services Agreement"

ELEMENTS = {
    "purpose": {
        "section_ref": "§1",
        "text": "The district and the agency provide school resource officers to support a safe "
        "learning environment, as one part of the district's multi-tiered approach to safety "
        "that puts prevention, mental-health support and restorative practices first.",
    },
    "roles_responsibilities": {
        "section_ref": "§2",
        "text": "The district defines the SROs' sites and duties; site administrators handle "
        "all student discipline; the agency selects, equips and supervises the officers; SROs "
        "respond to criminal matters and threats to safety and do not enforce the code of "
        "conduct.",
        "supervisor": "Sergeant, Youth Services Unit, Valle Verde Police Department",
    },
    "information_sharing": {
        "section_ref": "§3",
        "text": "Student records are shared only under FERPA (34 CFR 99.31) and Ed Code 49076: "
        "as school officials under the district's direct control, in a health or safety "
        "emergency, with consent, or by court order. No citizenship or immigration status is "
        "collected (Ed Code 234.7).",
    },
    "qualifications_training": {
        "section_ref": "§4",
        "text": "SROs are sworn peace officers with at least two years of patrol experience "
        "and no sustained complaint of bias.",
        "required_training": "School policing; diverse populations of the school community; "
        "the agency's use-of-force policy (before assignment when possible)",
    },
    "duty_hours": {
        "section_ref": "§5, Exhibit A",
        "text": "SROs serve their assigned high schools on instructional days and at Board-"
        "approved school activities.",
        "duty_hours": "Mon-Fri 7:00-15:30 on school days; activities as scheduled",
    },
    "performance_monitoring": {
        "section_ref": "§7",
        "text": "The Superintendent and the agency's Youth Services lieutenant review each SRO "
        "annually, using the disaggregated interaction data reported to the Board and input "
        "from site administrators, students and families.",
    },
    "nondiscrimination": {
        "section_ref": "§8",
        "text": "SROs do not discriminate on any basis listed in BP 3515.31.",
    },
    "leave_staffing": {
        "section_ref": "§6.3",
        "text": "When an SRO is on leave for more than five school days the agency assigns a "
        "trained relief officer.",
    },
}


def signed_document(agency) -> bytes:
    """The demo's signed MOU: a one-page PDF naming the parties, the term and the sections."""
    lines = [
        f"{TITLE} (demo copy)",
        "",
        f"Between the school district and {agency.name}.",
        "In force 2024-07-01 to 2027-06-30; approved by the Board on 2024-06-18, Item 9.2.",
        "",
        *(f"{values['section_ref']}  {code.replace('_', ' ').capitalize()}"
          for code, values in ELEMENTS.items()),
        "",
        "Signed: Superintendent of Schools            Signed: Chief of Police",
    ]
    return simple_pdf(lines)


def seed(ctx) -> None:
    admin_user = ctx.users["district.admin"]
    existing = MOU.objects.filter(agency=ctx.agency, version=1).first()
    if existing is not None:  # seed_demo run twice: keep what is there
        ctx.extra["mou"] = existing
        return
    draft = MOU(
        agency=ctx.agency, title=TITLE, effective_date=dt.date(2024, 7, 1),
        expiry_date=dt.date(2027, 6, 30),
        # A mid-term review ahead of renegotiation, so the dashboard has something to show.
        next_review_date=dt.date(2027, 1, 21),
    )
    # The signed agreement, uploaded as a PDF (generated here; stored under a random name).
    draft.document.save("signed-mou.pdf", ContentFile(signed_document(ctx.agency)), save=False)
    mou = mou_create(
        mou=draft,
        acting_user=admin_user,
        reason="Negotiated with the agency, spring 2024",
    )
    for code, values in ELEMENTS.items():
        mou_set_element(mou=mou, code=code, acting_user=admin_user, **values)
    mou_submit_for_review(mou=mou, acting_user=admin_user, reason="For the June Board meeting")
    mou_record_board_approval(
        mou=mou, board_date=dt.date(2024, 6, 18), board_item="Item 9.2, Resolution 2023-24/41",
        acting_user=ctx.users["superintendent"],
    )
    ctx.extra["mou"] = mou

    # An amendment in progress: it adds leave staffing detail, but the performance-monitoring
    # section was taken out for rewriting and the supervisor is not named yet.
    amendment = mou_create_amendment(
        mou=mou, acting_user=admin_user,
        reason="Revise duty hours and performance monitoring for 2027-28",
    )
    mou_update(mou=amendment, acting_user=admin_user, effective_date=dt.date(2027, 7, 1),
               expiry_date=dt.date(2030, 6, 30))
    mou_set_element(mou=amendment, code="performance_monitoring", acting_user=admin_user,
                    text="")
    mou_set_element(mou=amendment, code="roles_responsibilities", acting_user=admin_user,
                    supervisor="")
    mou_set_element(mou=amendment, code="duty_hours", acting_user=admin_user,
                    duty_hours="Mon-Fri 7:00-16:00 on school days; activities as scheduled")
    ctx.extra["mou_amendment"] = amendment
    ctx.say(f"  MOU {mou} and draft amendment v{amendment.version}")
