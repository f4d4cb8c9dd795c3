from tests.core.offers.issuers import issuer_world

__all__ = ["issuer_world"]
