import pytest

from tests.web.sitedata import Site, build_site


@pytest.fixture
def site(db) -> Site:
    return build_site()
