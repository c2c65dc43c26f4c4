"""The recruitment demo: targets on the district and its ACs, three referred neighbours."""

from __future__ import annotations

from django.test import override_settings

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.devtools.demo import recruit as demo
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.people.models import Person
from sampark.recruit import selectors as recruit_selectors
from sampark.recruit.models import Referral


@override_settings(SAMPARK_SMS={"BACKEND": "", "OPTIONS": {}})
def test_demo_recruit_is_consistent_and_idempotent(tree, district1, booth1):
    # given the demo's users on the small tree
    make_user("lucknow", district1, Role.DISTRICT_INCHARGE)
    assert booth1.sector is not None
    make_user("sector", booth1.sector, Role.SECTOR_INCHARGE)
    volunteer = make_user("booth", booth1, Role.VOLUNTEER)
    volunteer.person = Person.objects.create(name="राम", phone="+919812345601")
    volunteer.save()
    # when the demo loads twice
    demo.load()
    demo.load()
    # then the district and each of its ACs has a target, and three neighbours were referred
    acs = Unit.objects.filter(level="ac", district=district1).count()
    assert RecruitmentTarget.objects.count() == 1 + acs
    assert Referral.objects.filter(referrer=volunteer.person).count() == 3
    stats = recruit_selectors.referral_stats(person_id=volunteer.person.id)
    assert (stats.brought, stats.verified) == (3, 1)
