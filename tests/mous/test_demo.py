from random import Random

from django.core.files.uploadedfile import SimpleUploadedFile

from mous import demo
from mous.models import MOU
from mous.services import mou_completeness
from mous.validators import PDF, detect_kind, validate_pdf
from sro_program import demo as program_demo
from sro_program.demo import DemoContext
from tests.factories import ensure_roles


def test_demo_has_an_approved_mou_and_an_incomplete_amendment(db):
    ensure_roles()
    ctx = DemoContext(rng=Random(1))
    program_demo.seed(ctx)
    demo.seed(ctx)
    mou = ctx.extra["mou"]
    assert mou.status == MOU.Status.APPROVED and mou_completeness(mou).complete
    assert (str(mou.effective_date), str(mou.expiry_date)) == ("2024-07-01", "2027-06-30")
    assert mou.board_date.strftime("%Y-%m") == "2024-06"
    assert mou.approved_by == ctx.users["superintendent"]
    assert mou.transitions.get(to_status="approved").acting_user == ctx.users["superintendent"]
    amendment = MOU.objects.get(supersedes=mou)
    assert (amendment.version, amendment.status) == (2, MOU.Status.DRAFT)
    missing = mou_completeness(amendment).missing
    assert any(m.startswith("Performance monitoring") for m in missing)
    assert any("name who supervises the SRO" in m for m in missing)
    # The signed agreement is on file as a real PDF, stored under a generated name.
    assert mou.document.name.startswith("mous/") and mou.document.name.endswith(".pdf")
    with mou.document.open("rb") as stored:
        content = stored.read()
    assert detect_kind(content) is PDF
    validate_pdf(SimpleUploadedFile("signed.pdf", content))
    assert mou.history.earliest().document == mou.document.name
    demo.seed(ctx)  # a second run keeps what is there
    assert MOU.objects.count() == 2
