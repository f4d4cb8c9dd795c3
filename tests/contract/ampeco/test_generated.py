"""Every catalogue operation driven with the inputs its document declares, valid and
invalid, against the running core: each answer must carry a status the document lists for
the operation and a body its schema for that status accepts (``openapi_check``), and
never a 5xx. Bounded: the cases are generated once from the document, a few per parameter.
"""

from __future__ import annotations

import time

import pytest

from tests.contract.ampeco.cases import cases
from tests.contract.ampeco.client import Ampeco
from tests.contract.ampeco.operations import ALL, LISTINGS, READS, Ids, sample_ids

# The whole module's budget on a loaded 2-core machine.
BUDGET_S = 60.0


@pytest.fixture(scope="module")
def ids(amp: Ampeco) -> Ids:
    return sample_ids(amp)


@pytest.fixture(scope="module")
def clock() -> list[float]:
    return [time.monotonic()]


def _within_budget(clock: list[float]) -> None:
    assert time.monotonic() - clock[0] < BUDGET_S, "the generated cases exceed their budget"


@pytest.mark.parametrize("template", ALL)
def test_every_declared_input_is_answered_as_documented(amp: Ampeco, ids: Ids,
                                                        clock: list[float],
                                                        template: str) -> None:
    path = ids.for_template(template)
    statuses: dict[int, int] = {}
    for case in cases("GET", template):
        try:
            response = amp.get(template, params=case.params, **path)  # checked by the client
        except AssertionError as exc:
            raise AssertionError(f"{case.label}: {exc}") from None
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert statuses.get(200), f"no valid input of {template} succeeded: {statuses}"
    _within_budget(clock)


@pytest.mark.parametrize("template", ALL)
def test_without_a_valid_token_the_answer_is_401(amp: Ampeco, ids: Ids, template: str) -> None:
    path = ids.for_template(template)
    for token in (None, "not-a-token", "x" * 5000):
        response = amp.get(template, token=token, **path)
        assert response.status_code == 401
        assert response.json() == {"message": "Unauthenticated."}


@pytest.mark.parametrize("template", [t for t in READS if "{" in t])
def test_unknown_and_malformed_ids_are_404(amp: Ampeco, ids: Ids, template: str) -> None:
    path = ids.for_template(template)
    for name in path:
        for bad in ("999999999", "abc", "-1", "1.5"):
            response = amp.get(template, **{**path, name: bad})
            assert response.status_code == 404, (name, bad, response.text)
            assert isinstance(response.json()["message"], str)


@pytest.mark.parametrize("template", LISTINGS)
def test_listings_answer_422_or_read_leniently_per_document(amp: Ampeco, ids: Ids,
                                                            template: str) -> None:
    """per_page above 100: 422 naming per_page where the operation documents 422; else the
    page is clamped to 100 items."""
    from tests.contract.ampeco.openapi_check import documented_statuses

    response = amp.get(template, params={"per_page": "101"}, **ids.for_template(template))
    if "422" in documented_statuses("GET", template):
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["per_page"]
    else:
        assert response.status_code == 200
        assert len(response.json()["data"]) <= 100
        meta = response.json().get("meta")
        assert meta is None or meta["per_page"] == 100
