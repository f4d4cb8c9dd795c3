"""The facade's frame: the operator token, the documented error bodies, unknown paths."""

from __future__ import annotations

import httpx

from tests.contract.ampeco.client import Ampeco


def test_unknown_path_under_the_prefix_answers_404_in_ampeco_format(amp: Ampeco) -> None:
    response = amp.http.get("/public-api/resources/no-such-thing/v1.0",
                            headers={"Authorization": "Bearer ampeco-demo-token"})
    assert response.status_code == 404
    assert set(response.json()) == {"message"}


def test_oversized_body_is_refused_in_ampeco_format(core_url: str) -> None:
    response = httpx.post(f"{core_url}/public-api/notifications/v2.0",
                          content=b"x" * (2 * 1024 * 1024),
                          headers={"Authorization": "Bearer ampeco-demo-token"}, timeout=60)
    assert response.status_code == 413
    assert isinstance(response.json()["message"], str)
